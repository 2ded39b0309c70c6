"""Pairs, the clock and the quiet level: what the crisis-ending families share (docs/model.md, 11).

A **pair** is a dyad and its reverse (A -> B with B -> A): the two sides of one confrontation.
Bargaining, mediation and settlement work on pairs, laid out (R, Q). Rates are given per week and
turned into per-turn chances on the crisis clock (:func:`clock_weeks`): a turn of d weeks counts as
d ** ``calendar_time`` weeks, so the rule parameter says whether a crisis played in days ends at the
pace of one played in months (1) or every turn is one round of decisions (0).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numba
import numpy as np

from sim.rules.cache import per_array, per_arrays, per_scenario
from sim.rules.compile import CompiledScenario
from sim.rules.state import WorldState
from sim.scenario.ladder import DEFAULT_LADDER
from sim.scenario.schema import Scenario

PROTEST = 1
"""assumption: a protest is words, not a stake in the fight (the default ladder's rung 1)."""
DAYS = {"day": 1.0, "week": 7.0, "month": 30.44, "year": 365.25}
STEP = re.compile(r"^\s*(\d+(?:\.\d+)?)?\s*(day|week|month|year)s?\b", re.IGNORECASE)


@numba.njit(cache=True, nogil=True, inline="always")
def engaged(ra: int, rb: int, quiet: int) -> bool:
    """A pair whose sides hold rungs ``ra`` and ``rb`` is in a confrontation: one side above the
    quiet level, or both at least protesting. Only such a pair is mediated or settled, so only its
    settlement range is computed (bargaining)."""
    return max(ra, rb) > quiet or (ra >= PROTEST and rb >= PROTEST)


def turn_weeks(s: Scenario) -> float:
    """Weeks one turn stands for: ``turns.days`` if given, else read from ``turns.step``
    ("1 week", "3 days", "1 month"); a step that names no unit counts as a week (assumption: the
    shipped scenarios' default turn)."""
    if s.turns.days is not None:
        return float(s.turns.days) / 7.0
    m = STEP.match(s.turns.step)
    if not m:
        return 1.0
    return float(m.group(1) or 1.0) * DAYS[m.group(2).lower()] / 7.0


def clock_weeks(s: WorldState, c: CompiledScenario) -> np.ndarray:
    """(R,) weeks one turn counts for on the crisis clock: ``turn_weeks ** calendar_time`` (the
    rule parameter: 1 is calendar time, 0 one round of decisions a turn, whatever its length).
    A world's value never changes, so it is computed once per array of the rule's values (a
    block's, or its running worlds' after a drop), not by each of the five families that read it
    every turn; no reader writes into it."""
    return _weeks_of(s.rules["calendar_time"], c)


@per_array
def _weeks_of(calendar: np.ndarray, c: CompiledScenario) -> np.ndarray:
    """:func:`clock_weeks` of the rule's values ``calendar``."""
    return turn_weeks(c.scenario) ** calendar.astype(np.float64)


@per_arrays
def one_clock(weeks: np.ndarray) -> bool:
    """Whether every world's turn counts the same weeks (``clock_weeks``: the kernels then take
    numpy's shortcuts for one number, ``per_turn_one``); once per array of them."""
    return bool((weeks == weeks[0]).all())


def per_turn(weekly: np.ndarray, weeks: float | np.ndarray) -> np.ndarray:
    """A weekly chance as a per-turn chance: 1 - (1 - p)^weeks (p clipped below 1). ``weeks`` is
    a number or an array that broadcasts; one value in every world is used as a number (a
    broadcast power over (R, N, Q) costs more than the rest of the family)."""
    p = np.clip(np.asarray(weekly, dtype=np.float64), 0.0, 0.999)
    w = np.asarray(weeks, dtype=np.float64)
    if w.size and (w == w.flat[0]).all():
        w = float(w.flat[0])
    return (1.0 - (1.0 - p) ** w).astype(np.float32)


@numba.njit(cache=True, nogil=True)
def per_turn_one(weekly: float, weeks: float, same: bool) -> float:
    """:func:`per_turn` of one chance, for a kernel (cast the result to float32): the same float64
    steps, including numpy's shortcuts for an array raised to the number 2 or 0.5 (a square, a
    square root: not always ``pow``'s last bit) when ``same`` (one number of weeks in every world).
    A NaN stays NaN, as with ``np.clip``. A turn of one week (calendar time, weekly turns) raises
    to the power 1: exact, so it is skipped (a ``pow`` call per third party and pair was a fifth
    of the mediation's kernel)."""
    p = weekly
    if p < 0.0:
        p = 0.0
    elif p > 0.999:
        p = 0.999
    x = 1.0 - p
    if weeks == 1.0:  # x ** 1 is x exactly (IEEE 754 pow), without the call
        pass
    elif same and weeks == 2.0:
        x = x * x
    elif same and weeks == 0.5:
        x = math.sqrt(x)
    else:
        x = x**weeks
    return 1.0 - x


@dataclass(frozen=True)
class Pairs:
    """The Q pairs of a compiled scenario: dyads a (i -> j, i < j by dyad order) and b (j -> i)."""

    a: np.ndarray  # (Q,) dyad i -> j
    b: np.ndarray  # (Q,) dyad j -> i
    i: np.ndarray  # (Q,) actor i
    j: np.ndarray  # (Q,) actor j
    of_dyad: np.ndarray  # (P,) pair of each dyad

    @property
    def size(self) -> int:
        """Number of pairs (Q)."""
        return len(self.a)


@per_scenario
def pairs_of(c: CompiledScenario) -> Pairs:
    """Every pair of the scenario (dyads come in both directions, so each pair appears once)."""
    d = np.arange(len(c.src))
    a = d[d < c.reverse]
    b = c.reverse[a]
    of = np.empty(len(d), dtype=np.int64)
    of[a] = np.arange(len(a))
    of[b] = np.arange(len(a))
    return Pairs(a=a, b=b, i=c.src[a], j=c.dst[a], of_dyad=of)


@per_scenario
def quiet_rung(c: CompiledScenario) -> int:
    """Highest rung at which a crisis is not active: the rung below the first rung that is
    ``coercive``, a blockade or force (the default ladder: diplomatic protest)."""
    rungs = (c.scenario.ladder or DEFAULT_LADDER).rungs
    active = [k for k, r in enumerate(rungs) if r.coercive or r.blockade or r.force]
    return max((active[0] if active else len(rungs)) - 1, 0)
