"""War weariness: costs that accumulate make continuing worth less (docs/model.md, 11.1).

Each actor keeps the cost it has borne: every turn, the ladder cost of every rung it holds and of
every force rung aimed at it, times the weeks the turn stands for. Public support for a war falls
with the logarithm of its cumulative casualties (Mueller 1973), so the weariness of actor i is
``weariness x ln(1 + C_i)`` and it weighs on every rung in proportion to its height: the longer and
costlier the crisis, the stronger the pull down the ladder. The bargaining family reads the same
weight as part of the cost of continuing.
"""

from __future__ import annotations

import numpy as np

from sim.rules.compile import CompiledScenario
from sim.rules.family import RuleFamily, UtilityTerm, fraction
from sim.rules.pairs import turn_weeks
from sim.rules.state import F32, WorldState
from sim.scenario.rule_parameters import MUELLER, declared


def borne(s: WorldState, c: CompiledScenario) -> np.ndarray:
    """(R, N) ladder cost of this turn's rungs: held by each actor, and force aimed at it."""
    cost = c.rung_cost[s.rung.astype(np.int64)].astype(F32)  # (R, P)
    eye = np.eye(c.n_actors, dtype=F32)
    attacked = np.where(s.rung >= c.first_force, cost, F32(0))
    return (cost @ eye[c.src] + attacked @ eye[c.dst]).astype(F32)


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
        level = np.log1p(s.cumulative_cost) * s.rules["weariness"][:, None]
        s.weariness_weight = level[:, c.src].astype(F32)

    def end_turn(self, s: WorldState, c: CompiledScenario) -> None:
        """Add the turn's cost, in weeks, in the worlds still running."""
        weeks = F32(turn_weeks(c.scenario))
        s.cumulative_cost += borne(s, c) * weeks * s.alive[:, None]


FAMILY = Weariness()
