"""Robustness: whatever a user feeds the loader, it returns a Scenario or raises ScenarioError.

Never a TypeError, KeyError, RecursionError or pydantic ValidationError leaking out as a traceback.
"""

from __future__ import annotations

import copy
import subprocess
import sys
from typing import Any

import pytest
import yaml
from helpers import FIXTURES
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import sim

TINY_TEXT = (FIXTURES / "scenarios_ok" / "tiny.yaml").read_text(encoding="utf-8")
TINY = yaml.safe_load(TINY_TEXT)

FIELD_NAMES = [
    "name",
    "title",
    "description",
    "briefing",
    "turns",
    "limit",
    "step",
    "ladder",
    "rungs",
    "cost",
    "force",
    "cast",
    "actors",
    "nuclear",
    "capability",
    "maritime",
    "air",
    "resolve",
    "risk_tolerance",
    "doctrine",
    "max_rung",
    "economy",
    "sea_lanes",
    "relations",
    "type",
    "members",
    "guarantors",
    "protects",
    "covers",
    "trigger",
    "credibility",
    "support",
    "holder",
    "claimants",
    "stake",
    "intensity",
    "dependence",
    "initial",
    "injects",
    "turn",
    "probability",
    "effects",
    "actor",
    "toward",
    "to",
    "attribute",
    "by",
    "rules",
    "temperature",
    "outcomes",
    "when",
    "stop",
    "peak",
    "current",
    "at_least",
    "at_most",
    "all",
    "any",
    "not",
    "inject",
    "calm",
    "sources",
    "seed",
    "quote",
    "reference",
    "dist",
    "a",
    "b",
    "low",
    "high",
    "mode",
    "mean",
    "sd",
    "values",
    "weights",
    "value",
    "include",
]
NAMES = [
    "Japan",
    "China",
    "US",
    "Jpan",
    "any",
    "alliance",
    "partnership",
    "dispute",
    "rivalry",
    "economic",
    "escalate",
    "deescalate",
    "adjust",
    "beta",
    "uniform",
    "normal",
    "triangular",
    "choice",
    "fixed",
    "grey_zone",
    "limited_strikes",
    "major_war",
    "combat",
    "us_japan",
    "senkaku",
    "incursion",
    "resolve",
]

SETTINGS = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-0.5, max_value=1.5),
    st.text(max_size=16),
    st.sampled_from(NAMES),
)
keys = st.one_of(st.sampled_from(FIELD_NAMES), st.sampled_from(NAMES), st.text(max_size=10))
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(keys, children, max_size=5),
    ),
    max_leaves=25,
)
top_level = st.one_of(st.dictionaries(keys, documents, max_size=8), documents)


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out.extend(_paths(v, (*prefix, k)))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out.extend(_paths(v, (*prefix, i)))
    return out


TINY_PATHS = [p for p in _paths(TINY) if p]


def _hashable_only(path: tuple, value: Any) -> Any:
    # Known bug (see test_cast_with_unhashable_items_is_a_problem): keep cast items hashable here
    # so that this property keeps exploring everything else.
    if path == ("cast",) and isinstance(value, list):
        return [v for v in value if not isinstance(v, list | dict)]
    return value


@st.composite
def near_valid(draw: st.DrawFn) -> dict:
    """The tiny scenario with a few random edits: set, delete or rename fields; add new ones."""
    doc = copy.deepcopy(TINY)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        path = draw(st.sampled_from([*TINY_PATHS, ("cast",), ("initial",), ("stop",), ("ladder",)]))
        parent: Any = doc
        for part in path[:-1]:
            try:
                parent = parent[part]
            except (KeyError, IndexError, TypeError):
                break
        else:
            last = path[-1]
            action = draw(st.sampled_from(["set", "set", "delete", "rename"]))
            if isinstance(parent, dict):
                if action == "set":
                    parent[last] = _hashable_only(path, draw(documents))
                elif action == "delete":
                    parent.pop(last, None)
                elif last in parent:
                    parent[draw(keys)] = parent.pop(last)
            elif isinstance(parent, list) and isinstance(last, int) and last < len(parent):
                if action == "delete":
                    del parent[last]
                else:
                    parent[last] = draw(documents)
    return doc


def loads_or_problem(data: str | bytes) -> None:
    try:
        result = sim.load_scenario_text(data)
    except sim.ScenarioError as exc:
        assert exc.problems, "a ScenarioError must carry at least one problem"
        for p in exc.problems:
            assert isinstance(p, sim.Problem)
            assert p.line >= 1 and p.col >= 1
            assert str(p)
    else:
        assert isinstance(result, sim.Scenario)


@SETTINGS
@given(top_level)
def test_random_yaml_documents(doc: Any) -> None:
    loads_or_problem(yaml.safe_dump(doc, allow_unicode=True))


@SETTINGS
@given(near_valid())
@example(TINY)
def test_near_valid_scenarios(doc: dict) -> None:
    loads_or_problem(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))


@SETTINGS
@given(near_valid(), st.lists(st.tuples(st.sampled_from(TINY_PATHS), scalars), max_size=3))
def test_near_valid_scenarios_with_overrides(doc: dict, overrides: list) -> None:
    sets = [
        ".".join(map(str, p))
        + "="
        + yaml.safe_dump(v, default_flow_style=True).strip().removesuffix("...").strip()
        for p, v in overrides
    ]
    try:
        sim.load_scenario_text(yaml.safe_dump(doc, sort_keys=False), sets)
    except sim.ScenarioError as exc:
        assert exc.problems


@SETTINGS
@given(st.binary(max_size=300))
def test_random_bytes(data: bytes) -> None:
    loads_or_problem(data)


@SETTINGS
@given(st.text(max_size=300))
def test_random_text(text: str) -> None:
    loads_or_problem(text)


@SETTINGS
@given(st.integers(min_value=0, max_value=len(TINY_TEXT)), st.binary(min_size=1, max_size=8))
def test_corrupted_scenario_bytes(at: int, junk: bytes) -> None:
    raw = TINY_TEXT.encode("utf-8")
    loads_or_problem(raw[:at] + junk + raw[at:])


@SETTINGS
@given(st.integers(min_value=0, max_value=len(TINY_TEXT) - 1))
def test_truncated_scenario(at: int) -> None:
    loads_or_problem(TINY_TEXT[:at])


# --- former crashes, now located problems ----------------------------------------------------


@pytest.mark.parametrize("cast", ["[China, [Japan]]", "[{a: 1}]"])
def test_cast_with_unhashable_items_is_a_problem(cast: str) -> None:
    loads_or_problem(TINY_TEXT + f"cast: {cast}\n")


@pytest.mark.parametrize("text", ["a: &a [*a]\n", "a: &a {b: *a}\n"])
def test_recursive_alias_is_a_problem(text: str) -> None:
    loads_or_problem(text)


def test_deeply_nested_yaml_is_a_problem() -> None:
    loads_or_problem("a: " + "[" * 2000 + "]" * 2000 + "\n")


def _alias_bomb(levels: int) -> str:
    lines = ["name: bomb", "l0: &l0 [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_alias_expansion_is_bounded() -> None:
    code = "import sys, sim\ntry:\n    sim.load_scenario_text(sys.stdin.read())\nexcept sim.ScenarioError:\n    pass\n"
    result = subprocess.run(
        [sys.executable, "-c", code],
        input=_alias_bomb(9),
        capture_output=True,
        text=True,
        timeout=5,
    )
    assert result.returncode == 0, result.stderr
