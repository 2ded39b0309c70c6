"""War weariness: costs that accumulate make continuing worth less (docs/model.md, 11.1).

Each actor keeps the cost it has borne: every turn, the ladder cost of every rung it holds and of
every force rung aimed at it, times the weeks the turn stands for. Public support for a war falls
with the logarithm of its cumulative casualties (Mueller 1973), so the weariness of actor i is
``weariness x ln(1 + C_i)`` and it weighs on every rung in proportion to its height: the longer and
costlier the crisis, the stronger the pull down the ladder. The bargaining family reads the same
weight as part of the cost of continuing.
"""

from __future__ import annotations

import numba
import numpy as np

from sim.rules.compile import CompiledScenario
from sim.rules.family import RuleFamily, UtilityTerm, fraction
from sim.rules.pairs import clock_weeks
from sim.rules.state import F32, WorldState
from sim.scenario.rule_parameters import MUELLER, declared


class Weariness(RuleFamily):
    """Accumulate each actor's cost and turn it into a pull down the ladder."""

    name = "weariness"
    summary = "war weariness: ln(1 + cumulative cost) weighs on every rung"
    parameters = declared(name)
    state_fields = ("cumulative_cost", "weariness_weight")
    terms = (
        UtilityTerm(
            "war_weariness",
            -1,
            (fraction(lambda s: s.weariness_weight),),
            "weariness · ln(1 + C_i) · L/top: costs borne so far make every rung worth less",
            MUELLER,
            listed_before="inertia",
        ),
    )

    def setup(self, s: WorldState, c: CompiledScenario) -> None:
        """No cost borne before the first turn."""
        s.cumulative_cost = np.zeros((s.worlds, c.n_actors), dtype=F32)
        s.weariness_weight = np.zeros((s.worlds, len(c.src)), dtype=F32)

    def update(self, s: WorldState, c: CompiledScenario) -> None:
        """The weight of weariness on each dyad this turn (safe to repeat)."""
        s.weariness_weight = _weights(s.cumulative_cost, s.rules["weariness"], c.src)

    def end_turn(self, s: WorldState, c: CompiledScenario) -> None:
        """Add the turn's cost, in weeks, in the worlds still running."""
        cost = np.asarray(c.rung_cost, dtype=np.float64)
        _add_borne(s.cumulative_cost, s.rung, cost, c.src, c.dst, c.first_force,
                   clock_weeks(s, c), s.alive)  # fmt: skip


@numba.njit(cache=True, nogil=True)
def _weights(cumulative: np.ndarray, weariness: np.ndarray, src: np.ndarray) -> np.ndarray:
    """(R, P) ``weariness x ln(1 + C)`` of each dyad's source, in float32 as numpy's
    ``log1p`` (libm's ``log1pf``) and product: one pass instead of four numpy ones. An actor that
    bore no cost needs no logarithm (most bear none, and the call is slow)."""
    R, n = cumulative.shape
    out = np.empty((R, src.shape[0]), dtype=np.float32)
    level = np.empty(n, dtype=np.float32)
    for r in range(R):
        w = weariness[r]
        for i in range(n):
            c = cumulative[r, i]
            level[i] = np.log1p(c) * w if c != 0 else np.float32(0.0) * w
        for d in range(src.shape[0]):
            out[r, d] = level[src[d]]
    return out


@numba.njit(cache=True, nogil=True)
def _add_borne(
    cumulative: np.ndarray, rung: np.ndarray, cost: np.ndarray, src: np.ndarray,
    dst: np.ndarray, force: int, weeks: np.ndarray, alive: np.ndarray,
) -> None:  # fmt: skip
    """``cumulative += borne x weeks`` in the running worlds, rounded as numpy's expression
    was: the turn's cost in float32, times the weeks in float64, added in float64 and stored
    in float32; an ended world's costs stay as they are."""
    R, n = cumulative.shape
    acc = np.empty(n)
    for r in range(R):
        if not alive[r]:
            continue
        acc[:] = 0.0
        for d in range(rung.shape[1]):
            k = int(rung[r, d])
            acc[src[d]] += cost[k]
            if k >= force:
                acc[dst[d]] += cost[k]
        for i in range(n):
            turn = float(np.float32(acc[i])) * weeks[r]
            cumulative[r, i] = np.float32(float(cumulative[r, i]) + turn)


FAMILY = Weariness()
