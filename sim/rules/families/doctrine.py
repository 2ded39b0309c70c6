"""Doctrine masks: the highest rung each actor may take on each dyad (docs/model.md section 5).

Ladder top, organisation caps, non-nuclear states, Japan's exclusively defence-oriented posture,
collective self-defence under the Three New Conditions, and counterstrike.
"""

from __future__ import annotations

import numba
import numpy as np

from sim.rules.compile import LEVEL, THREE_NEW_CONDITIONS, TREATY, CompiledScenario
from sim.rules.family import RuleFamily
from sim.rules.state import WorldState


def update_masks(s: WorldState, c: CompiledScenario) -> None:
    """Set ``highest_rung`` and the self-defence and collective-defence licences.

    Self-defence is licensed once the rival *has used* force against the actor and stays licensed
    for the rest of the crisis (``used_force`` is never cleared while the world runs): an attacker
    stepping down one rung does not withdraw the victim's right to answer (docs/model.md, 5).
    Collective self-defence: a fired, honoured pledge to fight (support level ``combat``) whose
    partner has been attacked, under a treaty, or under the Three New Conditions when the
    guarantor's threat from the attacker reaches its survival threshold.
    """
    R, P = s.rung.shape
    s.self_defence = np.empty((R, P), bool)
    s.collective_defence = np.empty((R, P), bool)
    s.highest_rung = np.empty((R, P), np.int8)
    seg = c.obligations_by_dyad  # a dyad's pledges: offsets[d]:offsets[d + 1] (none: empty)
    ob = (seg.offsets, c.obligation_link, c.obligation_attack)
    _masks(
        s.rung, c.reverse, c.src, c.first_force, c.first_homeland, c.dyad_cap,
        c.defence_oriented, c.counterstrike, *ob, c.obligation_dyad, s.triggered, s.honoured,
        c.link_support, LEVEL["combat"], c.link_g, c.collective_defence_rule, TREATY,
        THREE_NEW_CONDITIONS, s.threat, s.survival_threshold, s.used_force, s.self_defence,
        s.collective_defence, s.highest_rung, s.alive,
    )  # fmt: skip


@numba.njit(cache=True, nogil=True)
def _masks(
    rung, reverse, src, first_force, first_homeland, dyad_cap, oriented, counterstrike,
    ob_offsets, ob_link, ob_attack, ob_dyad, triggered, honoured, link_support,
    combat, link_g, rule, treaty, three_conditions, threat, survival, used_force, self_defence,
    collective, highest, alive,
):  # fmt: skip
    """World by world: the force used on each dyad's source so far, the licences, the masks. A
    world that has ended (not ``alive``) keeps its force used and has neither licence nor rung
    above 0 allowed (it chooses no move)."""
    R, P = rung.shape
    for r in range(R):
        if not alive[r]:
            for d in range(P):
                self_defence[r, d] = collective[r, d] = False
                highest[r, d] = 0
            continue
        for d in range(P):
            used = used_force[r, d] or rung[r, reverse[d]] >= first_force  # the target used force
            used_force[r, d] = used
            self_defence[r, d] = used
        armed = False  # a fired, honoured pledge to fight: else no partner's attack licenses
        for k in range(link_support.shape[0]):
            if triggered[r, k] and honoured[r, k] and link_support[k] >= combat:
                armed = True
                break
        for d in range(P):
            hit = False
            for e in range(ob_offsets[d], ob_offsets[d + 1] if armed else ob_offsets[d]):
                k = ob_link[e]  # the dyad's pledges
                if not (triggered[r, k] and honoured[r, k]):
                    continue
                if not used_force[r, reverse[ob_attack[e]]] or link_support[k] < combat:
                    continue  # the partner has not been attacked, or only a pledge to fight counts
                gk = link_g[k]
                if rule[gk] == treaty or (
                    rule[gk] == three_conditions and threat[r, ob_dyad[e]] >= survival[r, gk]
                ):
                    hit = True
                    break
            collective[r, d] = hit
            cap = dyad_cap[d]
            i = src[d]
            if oriented[i]:
                if not (self_defence[r, d] or hit):
                    cap = min(cap, first_force - 1)  # exclusively defence-oriented: no force
                if not self_defence[r, d] or not counterstrike[i]:
                    cap = min(cap, first_homeland - 1)  # no strikes on homelands
            highest[r, d] = cap


class Doctrine(RuleFamily):
    """Compute the masks every turn; explain which applied to a dyad."""

    name = "doctrine"
    summary = "doctrine masks: caps, non-nuclear, defence-oriented, Three New Conditions"
    state_fields = ("used_force", "self_defence", "collective_defence", "highest_rung")

    def setup(self, s: WorldState, c: CompiledScenario) -> None:
        """No force has been used before the crisis starts (``initial:`` rungs count at turn 1)."""
        s.used_force = np.zeros((s.worlds, len(c.src)), dtype=bool)

    def update(self, s: WorldState, c: CompiledScenario) -> None:
        """Masks from this turn's rungs, triggers and threat."""
        update_masks(s, c)

    def reasons(self, s: WorldState, c: CompiledScenario, dyad: int) -> list[str]:
        """The masks that applied to ``dyad`` in world 0."""
        i, j = int(c.src[dyad]), int(c.dst[dyad])
        out = []
        highest = int(s.highest_rung[0, dyad])
        if not c.nuclear_ok[i]:
            out.append("non-nuclear: nuclear rungs barred")
        if c.defence_oriented[i]:
            if highest < c.first_force:
                out.append(
                    "defence-oriented: no force (no attack on it, Three New Conditions not met)"
                )
            elif s.self_defence[0, dyad]:
                out.append(f"self-defence licensed: {c.actors[j]} used force against {c.actors[i]}")
            elif s.collective_defence[0, dyad]:
                out.append(
                    "collective self-defence licensed: a partner was attacked and survival is "
                    "threatened"
                )
            if highest < c.first_homeland and highest >= c.first_force:
                out.append(
                    "no strikes on homelands (counterstrike only after an attack on its own "
                    "territory)"
                )
        if c.max_rung[i] < c.top and c.kind_org[i]:
            out.append(f"organisation: at most {c.rung_names[c.max_rung[i]]}")
        return out


FAMILY = Doctrine()
