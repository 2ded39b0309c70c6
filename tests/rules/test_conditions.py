"""Rung tests of outcome and stop conditions: every bound, on consecutive and scattered dyads."""

from __future__ import annotations

import itertools

import numpy as np
from helpers import ROOT

from sim.rules.conditions import compile_condition
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
