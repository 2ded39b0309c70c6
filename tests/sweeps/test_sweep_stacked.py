"""A sweep batch's points played as one model (sim/sweeps/stacked.py) come out byte for byte as if
each were played alone: every per-point result column, for every kind of number a sweep can vary;
and what cannot be stacked (flags, names, the turn limit) is still played, point by point."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from helpers import ROOT

from sim.model import WargameModel
from sim.rules import worlds
from sim.rules.compile import compile_scenario
from sim.runner.levers import levers
from sim.scenario import load_scenario
from sim.sweeps import run as run_mod
from sim.sweeps import stacked
from sim.sweeps.spec import point_scenario

ALLIANCE = ROOT / "tests" / "fixtures" / "sweeps" / "alliance.yaml"
SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml"))
REPLICATES = 12


def _base(path: Path, turns: int = 6) -> tuple[object, dict]:
    scenario = load_scenario(path, [f"turns.limit={turns}"])
    return scenario, scenario.model_dump(mode="json", by_alias=True, exclude_none=True)


def _rng(point: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(5, spawn_key=(point,)))


def _alone(scenario: object, values: dict, data: dict, point: int) -> dict[str, np.ndarray]:
    """What the point gives played as its own model, the way sweeps played every point before."""
    c = compile_scenario(point_scenario(scenario, values, data))
    m = WargameModel(c, R=REPLICATES, rng=_rng(point), explain=False)
    m.run()
    return m.results()


def _assert_same(a: dict[str, np.ndarray], b: dict[str, np.ndarray], what: str) -> None:
    assert a.keys() == b.keys(), (what, set(a) ^ set(b))
    for k in a:
        assert a[k].dtype == b[k].dtype and np.array_equal(a[k], b[k]), (what, k)


def _one_lever_per_kind() -> list[tuple[Path, str, float, float]]:
    """One numeric lever of each kind (path with the actor or relation name left out, and the
    relation's type) across the shipped scenarios: every place the compiler puts a number."""
    seen, out = set(), []
    for path in SHIPPED:
        scenario, data = _base(path)
        for lever in levers(scenario, data):
            if isinstance(lever.low, bool):
                continue
            parts = lever.path.split(".")
            kind: tuple = (parts[0], *parts[2:]) if parts[0] != "rules" else (lever.path,)
            if parts[0] == "relations":
                kind = (type(scenario.relations[parts[1]]).__name__, *kind)  # type: ignore[attr-defined]
            if kind not in seen:
                seen.add(kind)
                out.append((path, lever.path, float(lever.low), float(lever.high)))
    return out


KINDS = _one_lever_per_kind()


# the scenarios with a kind of number no scenario before them has
@pytest.mark.parametrize("path", sorted({k[0] for k in KINDS}), ids=lambda p: p.stem)
def test_every_kind_of_number_stacks_to_the_same_worlds(path: Path) -> None:
    """Each lever kind at its low and high value, the two points stacked in one model, against
    each played alone. A number the compiler reads as a constant must be refused by
    ``compile_fixed`` (then it is played alone); if it were stacked, its worlds would differ here."""
    scenario, data = _base(path)
    kinds = [(lever, low, high) for p, lever, low, high in KINDS if p == path]
    names = compile_scenario(scenario).endings.outcome_names  # type: ignore[arg-type]
    refused = 0
    for lever, low, high in kinds:
        points = [{lever: low}, {lever: high}]
        cs = [stacked.compile_fixed(scenario, values, data) for values in points]
        if cs[0] is None:
            refused += 1
            continue
        played = stacked.play(cs, [_rng(0), _rng(1)], REPLICATES, points)  # type: ignore[arg-type]
        for i, (cols, outcome_names) in enumerate(played):
            _assert_same(_alone(scenario, points[i], data, i), cols, str(points[i]))
            assert outcome_names == names
    assert refused <= len(kinds) // 2  # most numbers are per world (else the test says little)


def test_the_refused_numbers_are_the_ones_that_cannot_be_per_world() -> None:
    scenario, data = _base(ALLIANCE)
    assert stacked.compile_fixed(scenario, {"actors.China.resolve": 0.5}, data) is not None
    assert stacked.compile_fixed(scenario, {"rules.temperature": 0.5}, data) is not None
    assert stacked.compile_fixed(scenario, {"turns.limit": 5}, data) is None  # an int constant
    flag = "actors.Japan.doctrine.counterstrike"
    assert stacked.compile_fixed(scenario, {flag: False}, data) is None  # a flag


def _run_points(rows: list[tuple[int, dict]], most: int, monkeypatch: pytest.MonkeyPatch) -> dict:
    _, data = _base(ALLIANCE, turns=8)
    monkeypatch.setattr(stacked, "MOST_WORLDS", most)
    return run_mod.run_points(data, rows, 20, 3)


@pytest.mark.parametrize(
    "values",
    [
        [
            {"relations.us_japan.credibility": v, "actors.China.resolve": 1 - v}
            for v in (0.2, 0.5, 0.8)
        ],
        [
            {"relations.us_japan.credibility": 0.4, "actors.Japan.doctrine.counterstrike": f}
            for f in (True, False, True)
        ],
    ],
    ids=["numbers", "with-a-flag"],
)
def test_a_batch_gives_the_same_points_and_replicates_stacked_or_not(
    values: list[dict], monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = list(enumerate(values, start=7))
    calls: list[int] = []
    real = stacked.play
    monkeypatch.setattr(stacked, "play", lambda cs, *a: calls.append(len(cs)) or real(cs, *a))
    together = _run_points(rows, stacked.MOST_WORLDS, monkeypatch)
    stacked_calls = list(calls)
    one_by_one = _run_points(rows, 1, monkeypatch)
    assert calls == stacked_calls  # groups of one are played alone, never stacked
    if "actors.Japan.doctrine.counterstrike" in values[0]:
        assert stacked_calls == []  # a flag is not a per-world number: played alone
    else:
        assert stacked_calls == [3]  # the three points in one model
    assert together["points"] == one_by_one["points"]
    _assert_same(together["replicates"], one_by_one["replicates"], "replicates")


def test_groups_hold_at_most_the_worlds_of_one_stacked_model() -> None:
    assert stacked.groups(5, 1000) == [range(0, 2), range(2, 4), range(4, 5)]
    assert stacked.groups(3, 5000) == [range(0, 1), range(1, 2), range(2, 3)]
    assert stacked.groups(45, 100) == [range(0, 20), range(20, 40), range(40, 45)]


def test_explained_worlds_are_not_stacked() -> None:
    scenario, _ = _base(ALLIANCE)
    c = compile_scenario(scenario)  # type: ignore[arg-type]
    one = WargameModel(c, R=1, rng=1)  # explains (R = 1)
    with pytest.raises(ValueError, match="explained worlds"):
        worlds.stack([one.state, one.state])
