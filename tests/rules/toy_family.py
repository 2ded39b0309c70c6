"""A toy rule family for tests/rules/test_rules_registry.py: war weariness.

It is one module and, to act, one registry entry (``registered(FAMILY)``): it declares a parameter
(not in the scenario schema, so its default applies), a plug-in state field kept in
``state.family_arrays`` and a utility term that makes every rung above cooperation costlier as
the turns go by. Nothing else in the code knows about it.
"""

from __future__ import annotations

import numpy as np

from sim.rules.compile import CompiledScenario
from sim.rules.family import Candidates, RuleFamily, RuleParameter, UtilityTerm
from sim.rules.state import F32, WorldState


def weariness(s: WorldState, c: CompiledScenario, m: Candidates) -> np.ndarray:
    """Weariness of the dyad's source times the candidate rung's share of the ladder."""
    return s.family_arrays["weariness"][:, m.dyads] * m.fraction


class WarWeariness(RuleFamily):
    """Each turn of crisis makes escalation costlier (a toy, not a sourced rule)."""

    name = "war_weariness"
    summary = "toy: escalation grows costlier with every turn of crisis"
    parameters = (
        RuleParameter(
            "war_weariness", 3.0, "Weariness per turn, as a share of the limit.", "assumption: toy"
        ),
    )
    state_fields = ("weariness",)
    terms = (UtilityTerm("weariness", -1, weariness, "weariness · L/top", "assumption: toy"),)

    def setup(self, s: WorldState, c: CompiledScenario) -> None:
        """No weariness before the first turn."""
        s.family_arrays["weariness"] = np.zeros((s.worlds, len(c.src)), dtype=F32)

    def update(self, s: WorldState, c: CompiledScenario) -> None:
        """Weariness grows with the turn number."""
        share = F32((s.turn + 1) / c.scenario.turns.limit)
        s.family_arrays["weariness"][:] = (s.rules["war_weariness"] * share)[:, None]


FAMILY = WarWeariness()
