"""Commitments: honouring drawn per world, treaty triggers on armed attacks, graded support.

docs/model.md section 4. Honouring uses common random numbers: the uniform draw is fixed per world
and link, and the link is honoured when it is below the credibility.
"""

from __future__ import annotations

import numpy as np

from sim.rules import streams
from sim.rules.compile import LEVEL, THREE_NEW_CONDITIONS, TREATY, CompiledScenario
from sim.rules.events import Event
from sim.rules.families import alliance_decisions
from sim.rules.family import RuleFamily
from sim.rules.state import WorldState
from sim.scenario.schema import SUPPORT_LEVELS


def combat_barred(s: WorldState, c: CompiledScenario) -> np.ndarray:
    """(R, K): the guarantor's doctrine bars combat for this link now (Three New Conditions)."""
    g = c.link_g
    rule = c.collective_defence_rule[g]
    barred = np.broadcast_to(c.defence_oriented[g] & (rule != TREATY), s.triggered.shape).copy()
    if len(c.obligation_dyad) and s.threat is not None:
        guard = np.maximum(c.trigger_guard, 0)
        surv = s.threat[:, guard] >= s.survival_threshold[:, c.link_g[c.trigger_link]]
        ok = c.triggers_by_link.any(surv & (c.trigger_guard >= 0))
        barred &= ~(ok & (rule == THREE_NEW_CONDITIONS))
    return barred


def update_commitments(s: WorldState, c: CompiledScenario) -> None:
    """Fire treaty triggers on armed attacks and set each link's graded support level."""
    if not len(c.link_g):
        return
    fired = s.rung[:, c.trigger_dyad] >= c.trigger_rung
    fired_now = c.triggers_by_link.any(fired)
    s.triggered |= fired_now & ~s.triggered & s.alive[:, None]
    alliance_decisions.decide(s, c, fired)
    # support: the level the guarantor decided (combat only where doctrine allows it); before any
    # trigger, a partner under pressure whose guarantor honours by the prior makes statements.
    level = s.decided_level.astype(np.int8)
    barred = combat_barred(s, c)
    rear = np.where(c.rear_area[c.link_g], LEVEL["basing"], LEVEL["intelligence"]).astype(np.int8)
    level = np.where(barred & (level >= LEVEL["combat"]), rear, level)
    incoming = c.dyads_by_actor.max(s.rung[:, c.reverse])  # highest rung aimed at each actor
    under = incoming[:, c.link_p] >= 2
    pre = np.where(under & s.honoured, LEVEL["statement"], LEVEL["none"]).astype(np.int8)
    s.support = np.where(s.triggered, level, pre).astype(np.int8)
    np.maximum(s.support_peak, s.support, out=s.support_peak)


class Commitments(RuleFamily):
    """Alliances and partnerships: triggers, honouring, graded support (docs/model.md, 4)."""

    name = "commitments"
    summary = "treaty triggers on armed attacks, honouring drawn per world, graded support"
    state_fields = (
        "credibility",
        "honour_draw",
        "honoured",
        "triggered",
        "support",
        "support_peak",
    )

    def setup(self, s: WorldState, c: CompiledScenario) -> None:
        """Draw each link's uniform once per world (common random numbers across settings); the
        prior honours it where the draw is below the credibility (alliance_decisions decides when the
        trigger fires)."""
        R, K = s.worlds, len(c.link_g)
        s.honour_draw = streams.uniforms(s.key, streams.HONOUR, 0, s.world, K)
        s.honoured = s.honour_draw < s.credibility
        s.triggered = np.zeros((R, K), dtype=bool)
        s.support = np.zeros((R, K), dtype=np.int8)
        s.support_peak = s.support.copy()

    def update(self, s: WorldState, c: CompiledScenario) -> None:
        """An inject that moved a rung may itself be an armed attack."""
        if s.injects_moved_rungs:
            s.injects_moved_rungs = False
            update_commitments(s, c)

    def end_turn(self, s: WorldState, c: CompiledScenario) -> None:
        """Fire triggers on this turn's moves; log new triggers of world 0."""
        before = s.triggered.copy()
        update_commitments(s, c)
        if s.explain:
            log_triggers(s, c, before)


def log_triggers(s: WorldState, c: CompiledScenario, before: np.ndarray) -> None:
    """One event per link whose trigger fired this turn in world 0."""
    fired = np.flatnonzero(s.rung[0, c.trigger_dyad] >= c.trigger_rung)
    for k in np.flatnonzero(s.triggered[0] & ~before[0]):
        g, p = c.actors[c.link_g[k]], c.actors[c.link_p[k]]
        at = [
            f"by {c.actors[c.src[c.trigger_dyad[q]]]} on {c.trigger_place[q]}"
            for q in fired
            if c.trigger_link[q] == k
        ]
        verdict = "honours it" if s.honoured[0, k] else "does not honour it"
        lvl = SUPPORT_LEVELS[s.support[0, k]]
        s.log.append(
            Event(
                s.turn,
                "trigger",
                g,
                f"Trigger of {c.link_relation[k]} fired ({p} attacked {', '.join(at)}): "
                f"{g} {verdict} "
                f"(support: {lvl})",
            )
        )


FAMILY = Commitments()
