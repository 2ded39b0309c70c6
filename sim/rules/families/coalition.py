"""Coalition: the power committed behind each actor (deterrence) and the power aligned with it
(the security dilemma). docs/model.md sections 3 and 6 ("Deterrence").
"""

from __future__ import annotations

import numpy as np

from sim.rules.compile import SUPPORT_WEIGHT, CompiledScenario
from sim.rules.family import RuleFamily
from sim.rules.state import F32, WorldState


def compute_coalition(s: WorldState, c: CompiledScenario) -> None:
    """Committed power: before a trigger, credibility x promised support; after, support given."""
    if len(c.link_g):
        guarantor_power = s.power[:, c.link_g] * s.basing_factor
        expected = s.credibility * SUPPORT_WEIGHT[c.link_support]
        actual = SUPPORT_WEIGHT[s.support]
        w = (np.where(s.triggered, actual, expected) * guarantor_power).astype(F32)
        s.committed_power = w @ c.link_to_protected
    else:
        s.committed_power = np.zeros((s.worlds, c.n_actors), dtype=F32)
    # sum over k of W[j, k] power_k
    s.aligned_power = (s.power @ c.coalition_static.T.astype(F32)).astype(F32)


class Coalition(RuleFamily):
    """Committed and aligned power, recomputed every turn (and at setup, for turn 1's threat)."""

    name = "coalition"
    summary = (
        "power committed behind each actor (deterrence) and aligned with it (security dilemma)"
    )
    state_fields = ("committed_power", "aligned_power")

    def setup(self, s: WorldState, c: CompiledScenario) -> None:
        """So that the first turn's threat sees the committed coalition."""
        compute_coalition(s, c)

    def update(self, s: WorldState, c: CompiledScenario) -> None:
        """Recompute from this turn's support levels."""
        compute_coalition(s, c)


FAMILY = Coalition()
