"""Doctrine masks: the highest rung each actor may take on each dyad (docs/model.md section 5).

Ladder top, organisation caps, non-nuclear states, Japan's exclusively defence-oriented posture,
collective self-defence under the Three New Conditions, and counterstrike.
"""

from __future__ import annotations

import numpy as np

from sim.rules.compile import LEVEL, THREE_NEW_CONDITIONS, TREATY, CompiledScenario
from sim.rules.family import RuleFamily
from sim.rules.state import WorldState


def update_masks(s: WorldState, c: CompiledScenario) -> None:
    """Set ``highest_rung`` and the self-defence and collective-defence licences.

    Self-defence is licensed once the rival *has used* force against the actor and stays licensed
    for the rest of the crisis (``used_force`` is never cleared while the world runs): an attacker
    stepping down one rung does not withdraw the victim's right to answer (docs/model.md, 5).
    """
    s.used_force |= s.rung[:, c.reverse] >= c.first_force  # dst has used force against src
    attacked = s.used_force.copy()
    s.self_defence = attacked
    collective = np.zeros_like(attacked)
    if len(c.obligation_dyad):
        k = c.obligation_link
        ok = (
            s.triggered[:, k]
            & s.honoured[:, k]
            & s.used_force[:, c.reverse[c.obligation_attack]]  # the attacker has used force on p
            & (c.link_support[k] >= LEVEL["combat"])  # only a pledge to fight licenses fighting
        )
        g = c.link_g[k]
        rule = c.collective_defence_rule[g]
        survival = s.threat[:, c.obligation_dyad] >= s.survival_threshold[:, g]
        ok &= (rule == TREATY) | ((rule == THREE_NEW_CONDITIONS) & survival)
        collective = c.obligations_by_dyad.any(ok)
    s.collective_defence = collective
    oriented = c.defence_oriented[c.src]
    highest = np.broadcast_to(c.dyad_cap, s.rung.shape).astype(np.int8)
    licensed = attacked | collective
    no_force = oriented & ~licensed
    highest = np.where(no_force, np.minimum(highest, c.first_force - 1), highest)
    no_home = oriented & (~attacked | ~c.counterstrike[c.src])
    highest = np.where(no_home, np.minimum(highest, c.first_homeland - 1), highest)
    s.highest_rung = highest.astype(np.int8)


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
