"""Basing access: whether the hosts of an alliance's bases grant access, drawn once per world.

docs/model.md section 4 ("Basing access"). A guarantor without access loses ``basing_share`` of its
power in that alliance; with access, the attacker treats the host as taking part (utility family).
A host that refuses its bases to a guarantor does not fight for that guarantor either: its own
commitment links protecting the guarantor are not honoured in that world (one decision in the
host's capital, not two independent ones).
"""

from __future__ import annotations

import numpy as np

from sim.rules import streams
from sim.rules.compile import BasingAccess, CompiledScenario
from sim.rules.family import RuleFamily
from sim.rules.relations import rules_for
from sim.rules.state import F32, WorldState


def host_links(c: CompiledScenario, b: BasingAccess) -> np.ndarray:
    """Links by which a host of ``b``'s bases protects one of ``b``'s guarantors (K indices)."""
    rel = c.scenario.relations[c.link_relation[int(b.links[0])]]
    hosts = [c.actors.index(h) for h in rules_for(rel).basing_hosts(rel)]
    guarantors = np.unique(c.link_g[b.links])
    hit = np.isin(c.link_g, hosts) & np.isin(c.link_p, guarantors)
    return np.flatnonzero(hit)


class Basing(RuleFamily):
    """Draw basing access per world and alliance; scale the guarantors' usable power."""

    name = "basing"
    summary = "hosts grant or refuse basing access (per world), scaling the guarantor's power"
    state_fields = ("basing_factor", "basing_granted", "basing_refused")

    def setup(self, s: WorldState, c: CompiledScenario) -> None:
        """One draw per world and alliance with hosts; reported as ``param.<key>_granted``."""
        R, K = s.worlds, len(c.link_g)
        s.basing_factor = np.ones((R, K), dtype=F32)
        s.basing_granted = []
        s.basing_refused = np.zeros((R, K), dtype=bool)
        draws = streams.uniforms64(s.key, streams.BASING, 0, s.world, len(c.basing))
        for i, (b, access) in enumerate(zip(c.basing, s.basing_access, strict=True)):
            granted = draws[:, i] < access
            s.basing_factor[:, b.links] = np.where(granted, 1.0, 1.0 - b.share)[:, None]
            s.basing_granted.append(granted.astype(F32))
            s.sampled.setdefault(f"{b.key}_granted", granted.astype(np.float64))
            # refusing the bases is refusing the war: the host's own pledges to the guarantor lapse.
            # Source: Exchange of Notes under Article VI of the US-Japan Treaty (19 January 1960):
            # combat operations from bases in Japan are "the subjects of prior consultation with
            # the Government of Japan" - the same decision in Tokyo as Japan's own entry.
            k = host_links(c, b)
            s.basing_refused[:, k] |= ~granted[:, None]
            s.honoured[:, k] &= granted[:, None]


FAMILY = Basing()
