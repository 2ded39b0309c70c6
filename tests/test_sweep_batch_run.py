"""A parameter grid the Mesa way: ``mesa.batch_run`` over a list of ``overrides`` (docs/sweeps.md),
one R = 1 world per model, gives rows for every combination and seed, each the world that a direct
run with those overrides and that seed plays. ``sim.runner.batch.batch_run`` (one combination at a
time) gives the same rows.
"""

from __future__ import annotations

import inspect
import itertools
from collections import Counter
from pathlib import Path
from typing import Any

import mesa
import pytest
from helpers import assert_rows_are_the_direct_run

from sim.model import WargameModel, compiled
from sim.runner.batch import batch_run

ROOT = Path(__file__).resolve().parents[1]
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


def test_wrapper_gives_the_same_rows_one_combination_at_a_time(
    rows: list[dict[str, Any]],
) -> None:
    def key(r: dict[str, Any]) -> tuple:
        return (seed_of(r), r["AgentID"], r["Step"], r["turn"], r["max_rung"], r["peak_rung"])

    for overrides in GRID:
        got = batch_run(ALLIANCE, SEEDS, overrides=overrides, max_steps=20)
        assert all(r["overrides"] == overrides for r in got)
        mine = [r for r in rows if r["overrides"] == overrides]
        assert sorted(map(key, got)) == sorted(map(key, mine))
