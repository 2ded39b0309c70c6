"""The JSON Schema printed by ``wargame schema``: valid draft 2020-12, accepts every shipped file."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from helpers import FIXTURES, ROOT

from sim.cli import main

SHIPPED = sorted([*ROOT.glob("scenarios/*.yaml"), *ROOT.glob("scenarios/library/*.yaml")])
OK_FIXTURES = sorted((FIXTURES / "scenarios_ok").rglob("*.yaml"))


@pytest.fixture(scope="module")
def schema() -> dict:
    """The schema exactly as ``wargame schema`` prints it."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["schema"]) == 0
    return json.loads(out.getvalue())


@pytest.fixture(scope="module")
def validator(schema: dict) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema)


def errors(validator: jsonschema.Draft202012Validator, path: Path) -> list[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)
    ]


def test_schema_output_is_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    text = capsys.readouterr().out
    assert isinstance(json.loads(text), dict)


def test_schema_is_a_valid_draft_2020_12_schema(schema: dict) -> None:
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_schema_output_is_stable(capsys: pytest.CaptureFixture[str]) -> None:
    main(["schema"])
    first = capsys.readouterr().out
    main(["schema"])
    assert capsys.readouterr().out == first


def test_at_least_one_shipped_scenario_exists() -> None:
    assert SHIPPED, "no scenarios/*.yaml or scenarios/library/*.yaml found"
    assert any(p.parent.name == "scenarios" for p in SHIPPED), "no top-level scenarios/*.yaml"


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(ROOT)))
def test_shipped_file_matches_schema(
    validator: jsonschema.Draft202012Validator, path: Path
) -> None:
    assert errors(validator, path) == []


@pytest.mark.parametrize(
    "path",
    [p for p in OK_FIXTURES],
    ids=lambda p: str(p.relative_to(FIXTURES)),
)
def test_good_fixture_matches_schema(
    validator: jsonschema.Draft202012Validator, path: Path
) -> None:
    assert errors(validator, path) == []


def test_partial_actor_matches_schema(validator: jsonschema.Draft202012Validator) -> None:
    # No field is required: a file may set a single field of a library entry.
    partial = {"actors": {"Japan": {"resolve": 0.9}}, "rules": {"temperature": 0.1}}
    assert list(validator.iter_errors(partial)) == []


def test_partial_relation_matches_schema(validator: jsonschema.Draft202012Validator) -> None:
    partial = {"relations": {"us_japan": {"credibility": 0.5}}}
    assert list(validator.iter_errors(partial)) == []


def test_unknown_key_fails_schema(validator: jsonschema.Draft202012Validator) -> None:
    found = errors(validator, FIXTURES / "scenarios_bad" / "unknown_keys.yaml")
    assert len(found) == 3
    assert any("capabilty" in e for e in found)
    assert any("injets" in e for e in found)


@pytest.mark.parametrize(
    "data",
    [
        {"actors": {"Japan": {"resolve": "high"}}},
        {"actors": {"Japan": {"capability": [0.5]}}},
        {"actors": {"Japan": {"resolve": 1.3}}},
        {"relations": {"r": {"type": "treaty", "members": ["A", "B"]}}},
        {
            "relations": {
                "r": {"type": "alliance", "credibility": {"dist": "beta", "a": -1, "b": 2}}
            }
        },
        {"turns": {"limit": 0}},
        {"outcomes": {"o": {"when": {"peak": {"actor": "A", "bogus": 1}}}}},
    ],
)
def test_wrong_values_fail_schema(validator: jsonschema.Draft202012Validator, data: dict) -> None:
    assert list(validator.iter_errors(data)) != []
