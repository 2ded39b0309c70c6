"""Basing access: whether the hosts of an alliance's bases grant access, drawn once per world.

docs/model.md section 4 ("Basing access"). A guarantor without access loses ``basing_share`` of its
power in that alliance; with access, the attacker treats the host as taking part (utility family).
"""

from __future__ import annotations

import numpy as np

from sim.rules.compile import CompiledScenario
from sim.rules.family import RuleFamily
from sim.rules.state import F32, WorldState


class Basing(RuleFamily):
    """Draw basing access per world and alliance; scale the guarantors' usable power."""

    name = "basing"
    summary = "hosts grant or refuse basing access (per world), scaling the guarantor's power"
    state_fields = ("basing_factor", "basing_granted")

    def setup(self, s: WorldState, c: CompiledScenario) -> None:
        """One draw per world and alliance with hosts; reported as ``param.<key>_granted``."""
        R, K = s.worlds, len(c.link_g)
        s.basing_factor = np.ones((R, K), dtype=F32)
        s.basing_granted = []
        for b, access in zip(c.basing, s.basing_access, strict=True):
            granted = s.rng.random(R) < access
            s.basing_factor[:, b.links] = np.where(granted, 1.0, 1.0 - b.share)[:, None]
            s.basing_granted.append(granted.astype(F32))
            s.sampled.setdefault(f"{b.key}_granted", granted.astype(np.float64))


FAMILY = Basing()
