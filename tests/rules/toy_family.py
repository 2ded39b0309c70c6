"""A toy rule family for tests/rules/test_rules_registry.py: war weariness.

It is one module and, to act, one registry entry (``registered(FAMILY)``): it declares a parameter
(not in the scenario schema, so its default applies), a plug-in state field kept in
``state.family_arrays`` and a utility term that makes every rung above cooperation costlier as
the turns go by. Nothing else in the code knows about it.
"""

from __future__ import annotations

import numpy as np

from sim.rules.compile import CompiledScenario
from sim.rules.family import RuleFamily, RuleParameter, UtilityTerm, fraction
from sim.rules.state import F32, WorldState


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
    terms = (
        UtilityTerm(
            "weariness",
            -1,
            (fraction(lambda s: s.family_arrays["weariness"]),),
            "weariness · L/top",
            "assumption: toy",
        ),
    )

    def setup(self, s: WorldState, c: CompiledScenario) -> None:
        """No weariness before the first turn."""
        s.family_arrays["weariness"] = np.zeros((s.worlds, len(c.src)), dtype=F32)

    def update(self, s: WorldState, c: CompiledScenario) -> None:
        """Weariness grows with the turn number."""
        share = F32((s.turn + 1) / c.scenario.turns.limit)
        s.family_arrays["weariness"][:] = (s.rules["war_weariness"] * share)[:, None]


FAMILY = WarWeariness()
