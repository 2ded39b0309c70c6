"""Compile the scenario's declarative conditions (outcome and stop predicates) into checks on the
world state, each returning a bool per world. The predicate *data* is sim/scenario/predicates.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim.rules.compile import LEVEL, CompiledScenario
from sim.rules.state import WorldState
from sim.scenario.outcomes import outcome_names
from sim.scenario.predicates import Predicate, RungTest

Check = Callable[[WorldState], np.ndarray]


def _dyads(c: CompiledScenario, actor: str, toward: str) -> tuple[np.ndarray, bool]:
    """Dyad indices matching actor/toward, and whether an absent specific pair counts as rung 0."""
    sel = np.ones(len(c.src), dtype=bool)
    if actor != "any":
        sel &= c.src == c.actors.index(actor)
    if toward != "any":
        sel &= c.dst == c.actors.index(toward)
    specific = actor != "any" and toward != "any"
    return np.flatnonzero(sel), specific


def _rung_test(c: CompiledScenario, t: RungTest, field_name: str) -> Check:
    """A ``peak`` or ``current`` rung test on the matching dyads."""
    idx, specific = _dyads(c, t.actor, t.toward)
    lo = 0 if t.at_least is None else c.rung_index(t.at_least)
    hi = c.top if t.at_most is None else c.rung_index(t.at_most)
    if idx.size == 0:
        const = specific and lo <= 0 <= hi  # the pair never escalates: it stays at rung 0
        return lambda s: np.full(s.worlds, const, dtype=bool)

    # a run of consecutive dyads is read as a view, not copied; a bound every rung meets is not
    # tested (rungs lie in [0, top]): the stop on any nuclear use reads every dyad every turn
    # (one dyad, as most outcomes name: its column, without a reduction over one)
    cols: slice | np.ndarray | int = idx
    if idx.size == 1:
        cols = int(idx[0])
    elif (np.diff(idx) == 1).all():
        cols = slice(int(idx[0]), int(idx[-1]) + 1)

    def check(s: WorldState) -> np.ndarray:
        """Some matching dyad's rung lies in [lo, hi]."""
        v = getattr(s, field_name)[:, cols]
        if hi >= c.top:
            held = v >= lo
        elif lo <= 0:
            held = v <= hi
        else:
            held = (v >= lo) & (v <= hi)
        return held if held.ndim == 1 else held.any(axis=1)

    return check


def _link_test(c: CompiledScenario, p: Predicate) -> Check:
    """``triggered`` / ``honoured`` of a named alliance or partnership."""
    name = p.triggered or p.honoured
    ks = np.array([k for k, r in enumerate(c.link_relation) if r == name], dtype=np.int64)
    if ks.size == 0:
        return lambda s: np.zeros(s.worlds, bool)
    if p.triggered is not None:
        return lambda s: s.triggered[:, ks].any(axis=1)
    return lambda s: (s.triggered[:, ks] & s.honoured[:, ks]).any(axis=1)


def _support_test(c: CompiledScenario, p: Predicate) -> Check:
    """``support``: some matching link has given at least a level."""
    sel = np.ones(len(c.link_g), dtype=bool)
    if p.support.actor != "any":
        sel &= c.link_g == c.actors.index(p.support.actor)
    if p.support.toward != "any":
        sel &= c.link_p == c.actors.index(p.support.toward)
    ks = np.flatnonzero(sel)
    level = LEVEL[p.support.at_least]
    if ks.size == 0:
        return lambda s: np.full(s.worlds, level == 0, dtype=bool)
    return lambda s: (s.support_peak[:, ks] >= level).any(axis=1)


def compile_condition(c: CompiledScenario, p: Predicate, calm_keys: list[tuple[int, int]]) -> Check:
    """A function of the state returning a bool per world. ``calm_keys`` collects calm tests."""
    if p.all is not None:
        subs = [compile_condition(c, q, calm_keys) for q in p.all]
        return lambda s: (
            np.logical_and.reduce([f(s) for f in subs]) if subs else np.ones(s.worlds, bool)
        )
    if p.any is not None:
        subs = [compile_condition(c, q, calm_keys) for q in p.any]
        return lambda s: (
            np.logical_or.reduce([f(s) for f in subs]) if subs else np.zeros(s.worlds, bool)
        )
    if p.not_ is not None:
        sub = compile_condition(c, p.not_, calm_keys)
        return lambda s: ~sub(s)
    if p.peak is not None:
        return _rung_test(c, p.peak, "peak")
    if p.current is not None:
        return _rung_test(c, p.current, "rung")
    if p.triggered is not None or p.honoured is not None:
        return _link_test(c, p)
    if p.inject is not None:
        i = list(c.scenario.injects).index(p.inject)
        return lambda s: s.inject_fired[:, i].copy()
    if p.turn is not None:
        lo = p.turn.at_least if p.turn.at_least is not None else 0
        hi = p.turn.at_most if p.turn.at_most is not None else 10**9
        return lambda s: np.full(s.worlds, lo <= s.turn <= hi, dtype=bool)
    if p.calm is not None:
        key = (p.calm.turns, c.rung_index(p.calm.at_most))
        calm_keys.append(key)
        return lambda s: s.calm_turns[key[1]] >= key[0]
    if p.support is not None:
        return _support_test(c, p)
    raise AssertionError("validated predicate has one key")  # pragma: no cover


@dataclass
class Endings:
    """Compiled stop conditions and outcomes (the catch-all ``other`` added when missing)."""

    stops: list[tuple[int, Check]]  # (after_turn, check)
    outcome_names: list[str]
    outcomes: list[Check | None]  # None: the catch-all
    calm_rungs: list[int]  # rungs with a "calm" test (turn counters kept per world)


def compile_endings(c: CompiledScenario) -> Endings:
    """Stops and outcomes of ``c.scenario`` as checks on the state."""
    calm_keys: list[tuple[int, int]] = []
    stops = [
        (s.after_turn, compile_condition(c, s.when, calm_keys)) for s in c.scenario.stop.values()
    ]
    outs = c.scenario.outcomes.values()
    checks = [None if o.when is None else compile_condition(c, o.when, calm_keys) for o in outs]
    names = outcome_names(c.scenario)
    if len(names) > len(checks):  # the implicit catch-all
        checks.append(None)
    return Endings(stops, names, checks, list(dict.fromkeys(r for _, r in calm_keys)))
