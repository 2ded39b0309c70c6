"""A parameter grid the Mesa way: ``mesa.batch_run`` over a list of ``overrides`` (docs/sweeps.md),
one R = 1 world per model, gives rows for every combination and seed, each the world that a direct
run with those overrides and that seed plays. ``sim.runner.batch.batch_run`` and ``BatchModel`` give
rows that name the world's outcome and each row's actor, and the documented examples are seeded:
two calls give the same rows.
"""

from __future__ import annotations

import inspect
import itertools
import re
from collections import Counter
from typing import Any

import mesa
import pytest
from helpers import ROOT, assert_rows_are_the_direct_run

from sim.model import WargameModel, compiled
from sim.runner.batch import batch_run

ALLIANCE = ROOT / "tests" / "fixtures" / "sweeps" / "alliance.yaml"
CRED = "relations.us_japan.credibility"
GRID = [{CRED: cred, "turns.limit": limit} for cred, limit in itertools.product((0.1, 0.9), (4, 6))]
SEEDS = [1, 2]


def mesa_grid(max_steps: int) -> list[dict[str, Any]]:
    """mesa.batch_run over GRID x SEEDS (Mesa 3.4+ takes rng=, 3.3 a seed parameter)."""
    params: dict[str, Any] = {"scenario": str(ALLIANCE), "overrides": GRID}
    kwargs: dict[str, Any] = {"number_processes": 1, "max_steps": max_steps}
    if "rng" in inspect.signature(mesa.batch_run).parameters:
        kwargs["rng"] = SEEDS
    else:
        params["rng"] = SEEDS
    return mesa.batch_run(WargameModel, params, display_progress=False, **kwargs)


def seed_of(row: dict[str, Any]) -> int:
    return row.get("rng", row.get("seed"))


@pytest.fixture(scope="module")
def rows() -> list[dict[str, Any]]:
    return mesa_grid(max_steps=20)


def test_rows_for_every_combination_and_seed(rows: list[dict[str, Any]]) -> None:
    n_actors = compiled(ALLIANCE).n_actors
    assert n_actors == 4
    assert len(rows) == len(GRID) * len(SEEDS) * n_actors
    per = Counter((tuple(sorted(r["overrides"].items())), seed_of(r)) for r in rows)
    expected = {(tuple(sorted(g.items())), s) for g in GRID for s in SEEDS}
    assert set(per) == expected
    assert set(per.values()) == {n_actors}
    for r in rows:
        assert r["turn"] <= r["overrides"]["turns.limit"]
        assert {"AgentID", "peak_rung", "max_rung", "Step"} <= set(r)


def test_each_row_is_the_direct_run(rows: list[dict[str, Any]]) -> None:
    for overrides, seed in itertools.product(GRID, SEEDS):
        mine = [r for r in rows if r["overrides"] == overrides and seed_of(r) == seed]
        direct = WargameModel(ALLIANCE, R=1, rng=seed, overrides=overrides, explain=False)
        direct.run()
        assert_rows_are_the_direct_run(mine, direct)


def direct_run(overrides: dict[str, Any], seed: int) -> WargameModel:
    m = WargameModel(ALLIANCE, R=1, rng=seed, overrides=overrides, explain=False)
    m.run()
    return m


def test_wrapper_rows_name_the_outcome_and_the_actor() -> None:
    rows = batch_run(ALLIANCE, SEEDS, overrides=GRID, max_steps=20)
    actors = compiled(ALLIANCE).actors
    assert len(rows) == len(GRID) * len(SEEDS) * len(actors)
    for overrides, seed in itertools.product(GRID, SEEDS):
        mine = [r for r in rows if r["overrides"] == overrides and r["rng"] == seed]
        direct = direct_run(overrides, seed)
        assert sorted(r["actor"] for r in mine) == sorted(actors)
        assert {r["outcome"] for r in mine} == {direct.outcome_names[direct.outcome[0]]}
        assert {r["turn"] for r in mine} == {direct.turn}  # the world's last turn
        peaks = {a.name: a.peak_rung for a in direct.agent_list}
        assert {r["actor"]: r["peak_rung"] for r in mine} == peaks


def test_wrapper_takes_one_mapping_or_a_list(rows: list[dict[str, Any]]) -> None:
    one = batch_run(ALLIANCE, SEEDS, overrides=GRID[0], max_steps=20)
    assert one == [r for r in batch_run(ALLIANCE, SEEDS, overrides=[GRID[0]], max_steps=20)]
    assert {r["rng"] for r in one} == set(SEEDS)


def test_worker_processes_give_the_same_rows() -> None:
    def key(r: dict[str, Any]) -> tuple:
        return (r["rng"], r["actor"], r["outcome"], r["turn"], r["peak_rung"])

    one = batch_run(ALLIANCE, SEEDS, overrides=GRID[:2], max_steps=20)
    two = batch_run(ALLIANCE, SEEDS, overrides=GRID[:2], number_processes=2, max_steps=20)
    assert sorted(map(key, two)) == sorted(map(key, one))


def documented_examples() -> list[str]:
    """The Python examples of docs/sweeps.md that call batch_run."""
    text = (ROOT / "docs" / "sweeps.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    return [b for b in blocks if "batch_run(" in b]


@pytest.mark.parametrize("index", [0, 1])
def test_documented_batch_run_examples_are_seeded_and_name_outcomes(
    index: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    examples = documented_examples()
    assert len(examples) == 2
    monkeypatch.chdir(ROOT)
    runs = []
    for _ in range(2):
        namespace: dict[str, Any] = {}
        exec(compile(examples[index], f"docs/sweeps.md example {index}", "exec"), namespace)
        runs.append(namespace["rows"])
    assert runs[0] == runs[1], "two calls of the documented example gave different rows"
    c = compiled(ROOT / "scenarios" / "senkaku_grey_zone.yaml")
    outcomes = set(c.scenario.outcomes)
    assert len(runs[0]) == 3 * 3 * c.n_actors
    assert all(r["outcome"] in outcomes for r in runs[0])
    assert all(r["actor"] in c.actors for r in runs[0])
    assert {r["rng"] for r in runs[0]} == {0, 1, 2}
