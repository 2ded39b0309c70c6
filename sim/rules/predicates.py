"""Evaluate declarative outcome and stop predicates on the model state, for all replicates at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from sim.rules.compile import LEVEL, CompiledScenario
from sim.scenario.predicates import Predicate, RungTest

if TYPE_CHECKING:
    from sim.model import WargameModel

Check = Callable[["WargameModel"], np.ndarray]


def _dyads(c: CompiledScenario, actor: str, toward: str) -> tuple[np.ndarray, bool]:
    """Dyad indices matching actor/toward, and whether an absent specific pair counts as rung 0."""
    sel = np.ones(len(c.src), dtype=bool)
    if actor != "any":
        sel &= c.src == c.actors.index(actor)
    if toward != "any":
        sel &= c.dst == c.actors.index(toward)
    specific = actor != "any" and toward != "any"
    return np.flatnonzero(sel), specific


def _rung_test(c: CompiledScenario, t: RungTest, attr: str) -> Check:
    idx, specific = _dyads(c, t.actor, t.toward)
    lo = 0 if t.at_least is None else c.rung_index(t.at_least)
    hi = c.top if t.at_most is None else c.rung_index(t.at_most)
    if idx.size == 0:
        const = specific and lo <= 0 <= hi  # the pair never escalates: it stays at rung 0
        return lambda m: np.full(m.R, const, dtype=bool)

    def check(m: WargameModel) -> np.ndarray:
        v = getattr(m, attr)[:, idx]
        return ((v >= lo) & (v <= hi)).any(axis=1)

    return check


def compile_predicate(c: CompiledScenario, p: Predicate, calm_keys: list[tuple[int, int]]) -> Check:
    """A function of the model returning a bool per replicate. ``calm_keys`` collects calm tests."""
    if p.all is not None:
        subs = [compile_predicate(c, q, calm_keys) for q in p.all]
        return lambda m: np.logical_and.reduce([f(m) for f in subs]) if subs else np.ones(m.R, bool)
    if p.any is not None:
        subs = [compile_predicate(c, q, calm_keys) for q in p.any]
        return lambda m: np.logical_or.reduce([f(m) for f in subs]) if subs else np.zeros(m.R, bool)
    if p.not_ is not None:
        sub = compile_predicate(c, p.not_, calm_keys)
        return lambda m: ~sub(m)
    if p.peak is not None:
        return _rung_test(c, p.peak, "peak")
    if p.current is not None:
        return _rung_test(c, p.current, "rung")
    if p.triggered is not None or p.honoured is not None:
        name = p.triggered or p.honoured
        ks = np.array([k for k, r in enumerate(c.link_relation) if r == name], dtype=np.int64)
        if ks.size == 0:
            return lambda m: np.zeros(m.R, bool)
        if p.triggered is not None:
            return lambda m: m.fired[:, ks].any(axis=1)
        return lambda m: (m.fired[:, ks] & m.honoured[:, ks]).any(axis=1)
    if p.inject is not None:
        i = list(c.scenario.injects).index(p.inject)
        return lambda m: m.inject_fired[:, i].copy()
    if p.turn is not None:
        lo = p.turn.at_least if p.turn.at_least is not None else 0
        hi = p.turn.at_most if p.turn.at_most is not None else 10**9
        return lambda m: np.full(m.R, lo <= m.turn <= hi, dtype=bool)
    if p.calm is not None:
        key = (p.calm.turns, c.rung_index(p.calm.at_most))
        calm_keys.append(key)
        return lambda m: m.calm_count[key[1]] >= key[0]
    if p.support is not None:
        sel = np.ones(len(c.link_g), dtype=bool)
        if p.support.actor != "any":
            sel &= c.link_g == c.actors.index(p.support.actor)
        if p.support.toward != "any":
            sel &= c.link_p == c.actors.index(p.support.toward)
        ks = np.flatnonzero(sel)
        level = LEVEL[p.support.at_least]
        if ks.size == 0:
            return lambda m: np.full(m.R, level == 0, dtype=bool)
        return lambda m: (m.support_peak[:, ks] >= level).any(axis=1)
    raise AssertionError("validated predicate has one key")  # pragma: no cover
