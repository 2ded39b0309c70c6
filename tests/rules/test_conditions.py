"""Rung tests of outcome and stop conditions: every bound, on consecutive and scattered dyads."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from helpers import ROOT

from sim.model import WargameModel
from sim.rules.compile import LEVEL
from sim.rules.conditions import Condition, compile_condition
from sim.rules.pipeline import compiled
from sim.rules.state import WorldState
from sim.scenario.predicates import Predicate

TAIWAN = ROOT / "scenarios" / "taiwan_contingency.yaml"


def test_rung_tests_hold_exactly_where_some_matching_dyad_is_within_the_bounds() -> None:
    c = compiled(TAIWAN)
    rng = np.random.default_rng(3)
    s = WorldState(worlds=64)
    s.rung = rng.integers(0, c.top + 1, (64, len(c.src))).astype(np.int8)
    s.peak = np.maximum(s.rung, rng.integers(0, c.top + 1, s.rung.shape)).astype(np.int8)
    names = c.rung_names
    bounds = [None, names[0], names[2], names[c.top - 1], names[c.top]]
    china = c.actors.index("China")
    taiwan = c.actors.index("Taiwan")
    for field, (lo, hi), actor in itertools.product(
        ("peak", "current"), itertools.product(bounds, bounds), ("any", "China", "one pair")
    ):
        if lo is None and hi is None:
            continue  # refused by the schema
        test = {"actor": actor} if actor != "one pair" else {"actor": "China", "toward": "Taiwan"}
        if lo is not None:
            test["at_least"] = lo
        if hi is not None:
            test["at_most"] = hi
        check = compile_condition(c, Predicate.model_validate({field: test}), [])
        v = (s.peak if field == "peak" else s.rung).astype(int)
        cols = np.arange(len(c.src)) if actor == "any" else np.flatnonzero(c.src == china)
        if actor == "one pair":
            cols = np.flatnonzero((c.src == china) & (c.dst == taiwan))
            assert cols.size == 1
        low = 0 if lo is None else c.rung_index(lo)
        high = c.top if hi is None else c.rung_index(hi)
        want = ((v[:, cols] >= low) & (v[:, cols] <= high)).any(axis=1)
        assert (check(s) == want).all(), (field, lo, hi, actor)
    scattered = np.flatnonzero(c.dst == china)  # not consecutive: read by index
    assert (np.diff(scattered) > 1).any()
    check = compile_condition(
        c, Predicate.model_validate({"peak": {"toward": "China", "at_least": names[3]}}), []
    )
    want = (s.peak[:, scattered] >= 3).any(axis=1)
    assert (check(s) == want).all()


def _reference(c, p: Predicate, s: WorldState) -> np.ndarray:
    """What predicate ``p`` means, in plain numpy, one test at a time (the schema's wording)."""
    if p.all is not None:
        return np.logical_and.reduce(
            [_reference(c, q, s) for q in p.all] + [np.ones(s.worlds, bool)]
        )
    if p.any is not None:
        return np.logical_or.reduce(
            [_reference(c, q, s) for q in p.any] + [np.zeros(s.worlds, bool)]
        )
    if p.not_ is not None:
        return ~_reference(c, p.not_, s)
    if p.peak is not None or p.current is not None:
        t = p.peak or p.current
        v = (s.peak if p.peak is not None else s.rung).astype(int)
        sel = np.ones(len(c.src), bool)
        if t.actor != "any":
            sel &= c.src == c.actors.index(t.actor)
        if t.toward != "any":
            sel &= c.dst == c.actors.index(t.toward)
        lo = 0 if t.at_least is None else c.rung_index(t.at_least)
        hi = c.top if t.at_most is None else c.rung_index(t.at_most)
        return ((v[:, sel] >= lo) & (v[:, sel] <= hi)).any(axis=1)
    if p.triggered is not None or p.honoured is not None:
        ks = [k for k, r in enumerate(c.link_relation) if r == (p.triggered or p.honoured)]
        held = s.triggered[:, ks] & (s.honoured[:, ks] if p.honoured is not None else True)
        return held.any(axis=1)
    if p.support is not None:
        sel = np.ones(len(c.link_g), bool)
        if p.support.actor != "any":
            sel &= c.link_g == c.actors.index(p.support.actor)
        if p.support.toward != "any":
            sel &= c.link_p == c.actors.index(p.support.toward)
        return (s.support_peak[:, sel] >= LEVEL[p.support.at_least]).any(axis=1)
    if p.inject is not None:
        return s.inject_fired[:, list(c.scenario.injects).index(p.inject)]
    if p.turn is not None:
        lo, hi = p.turn.at_least or 0, p.turn.at_most if p.turn.at_most is not None else 10**9
        return np.full(s.worlds, lo <= s.turn <= hi)
    assert p.calm is not None
    col = list(c.endings.calm_rungs).index(c.rung_index(p.calm.at_most))
    return s.calm_turns[:, col] >= p.calm.turns


PREDICATES = [
    {"peak": {"at_least": "nuclear_use"}},
    {"current": {"actor": "China", "toward": "Taiwan", "at_least": "protest"}},
    {"current": {"toward": "China", "at_least": "protest", "at_most": "grey_zone"}},
    {"peak": {"toward": "Japan", "at_least": "show_of_force", "at_most": "blockade"}},
    {"triggered": "us_japan"},
    {"honoured": "us_japan"},
    {"triggered": "no_such_alliance"},
    {"support": {"actor": "US", "toward": "Taiwan", "at_least": "intelligence"}},
    {"support": {"actor": "any", "at_least": "combat"}},
    {"inject": "quarantine"},
    {"turn": {"at_least": 3, "at_most": 5}},
    {"calm": {"turns": 4, "at_most": "grey_zone"}},
    {"not": {"peak": {"actor": "China", "toward": "Taiwan", "at_least": "blockade"}}},
    {
        "all": [
            {"any": [{"inject": "invasion_order"}, {"triggered": "us_japan"}, {"any": []}]},
            {"not": {"honoured": "anzus"}},
            {"all": []},
            {"current": {"actor": "Taiwan", "toward": "China", "at_most": "protest"}},
        ]
    },
]


def test_compiled_conditions_hold_exactly_where_their_plain_meaning_does() -> None:
    """Every kind of test, alone and nested in all / any / not (empty ones too), on random
    states: the compiled programs agree with a plain reading of each predicate, in every world."""
    c = compiled(TAIWAN)
    rng = np.random.default_rng(11)
    R, K = 257, len(c.link_g)
    for turn in (1, 4, 7):
        s = WorldState(worlds=R)
        s.turn = turn
        raised = rng.random((R, len(c.src))) < 0.03  # most dyads quiet, as in a crisis
        s.rung = np.where(raised, rng.integers(1, c.top + 1, raised.shape), 0).astype(np.int8)
        more = np.where(
            rng.random(raised.shape) < 0.03, rng.integers(0, c.top + 1, raised.shape), 0
        )
        s.peak = np.maximum(s.rung, more).astype(np.int8)
        s.triggered = rng.random((R, K)) < 0.3
        s.honoured = rng.random((R, K)) < 0.5
        s.support_peak = np.where(rng.random((R, K)) < 0.02, rng.integers(0, 7, (R, K)), 0)
        s.support_peak = s.support_peak.astype(np.int8)
        s.inject_fired = rng.random((R, len(c.scenario.injects))) < 0.4
        s.calm_turns = rng.integers(0, 7, (R, len(c.endings.calm_rungs))).astype(np.int16)
        for raw in PREDICATES:
            p = Predicate.model_validate(raw)
            want = _reference(c, p, s)
            assert 0 < want.sum() < R or raw.get("turn") or "no_such" in str(raw), raw
            got = compile_condition(c, p, [(4, c.rung_index("grey_zone"))])(s)
            assert (got == want).all(), (raw, turn)


def test_the_outcome_of_an_ended_world_is_the_first_that_holds() -> None:
    c = compiled(TAIWAN)
    m = WargameModel(c, R=300, rng=4, collect=False)
    m.run()
    s = m.state
    held = np.stack(
        [Condition(c.endings.outcomes, i)(s) for i in range(len(c.endings.outcome_names))], axis=1
    )
    first = held.argmax(axis=1)
    assert held.any(axis=1).all()  # the catch-all holds everywhere
    assert (s.outcome == first).all()
    assert len(set(first)) > 2  # several outcomes occur: the test can tell them apart


def test_a_condition_on_state_no_family_provides_is_an_error_not_a_read_past_an_array() -> None:
    c = compiled(TAIWAN)
    s = WorldState(worlds=4)
    s.rung = s.peak = np.zeros((4, len(c.src)), np.int8)
    on_rungs = compile_condition(c, Predicate.model_validate(PREDICATES[0]), [])
    assert not on_rungs(s).any()  # reads only the peaks: the missing fields are not needed
    for raw in ({"triggered": "us_japan"}, {"calm": {"turns": 2, "at_most": "protest"}}):
        check = compile_condition(c, Predicate.model_validate(raw), [])
        with pytest.raises(RuntimeError, match="no registered family provides"):
            check(s)
