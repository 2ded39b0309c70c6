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
from sim.rules.segments import columns
from sim.rules.state import F32, WorldState
from sim.scenario.rule_parameters import MUELLER, declared


def borne(s: WorldState, c: CompiledScenario) -> np.ndarray:
    """(R, N) ladder cost of this turn's rungs: held by each actor, and force aimed at it."""
    cost = np.asarray(c.rung_cost, dtype=np.float64)
    return _borne(s.rung, cost, c.src, c.dst, c.first_force, c.n_actors)


@numba.njit(cache=True, nogil=True)
def _borne(
    rung: np.ndarray, cost: np.ndarray, src: np.ndarray, dst: np.ndarray, force: int, n: int
) -> np.ndarray:
    """The kernel of ``borne``: one pass over each world's dyads, summed in float64 in dyad order
    (a matrix product's order would depend on the BLAS library)."""
    R, P = rung.shape
    out = np.empty((R, n), dtype=np.float32)
    acc = np.empty(n)
    for r in range(R):
        acc[:] = 0.0
        for d in range(P):
            k = int(rung[r, d])
            acc[src[d]] += cost[k]
            if k >= force:
                acc[dst[d]] += cost[k]
        for i in range(n):
            out[r, i] = acc[i]
    return out


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
        cost = s.cumulative_cost
        borne = np.zeros_like(cost)  # log1p(0) = 0: only actors that bore a cost need the call
        np.log1p(cost, out=borne, where=cost != 0)  # (float32 libm, slow: most actors bear none)
        level = (borne * s.rules["weariness"][:, None]).astype(F32, copy=False)
        s.weariness_weight = columns(level, c.src)

    def end_turn(self, s: WorldState, c: CompiledScenario) -> None:
        """Add the turn's cost, in weeks, in the worlds still running."""
        weeks = clock_weeks(s, c)[:, None]
        s.cumulative_cost += borne(s, c) * weeks * s.alive[:, None]


FAMILY = Weariness()
