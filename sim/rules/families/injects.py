"""Injects: scripted events that fire at their turn with their probability (drawn once per world).

docs/model.md section 7. Effects raise a rung to at least a level (``escalate``), cap it
(``deescalate``), shift an attribute (``adjust``) or record a one-off use of force for one turn
(``incident``, played by the incidents family). A facilitator may force an inject.
"""

from __future__ import annotations

import numpy as np

from sim.rules import streams
from sim.rules.compile import CompiledScenario
from sim.rules.events import Event
from sim.rules.family import RuleFamily
from sim.rules.state import WorldState

ADJUSTABLE = {
    "resolve": "resolve",
    "risk_tolerance": "risk_tolerance",
    "domestic_constraint": "domestic_constraint",
}  # effect attribute -> WorldState field


class Injects(RuleFamily):
    """Fire scheduled (or forced) injects and apply their effects in every world."""

    name = "injects"
    summary = (
        "scripted events: escalate, de-escalate, adjust an attribute or an incident, per-world draw"
    )
    state_fields = ("inject_happens", "inject_fired", "injects_moved_rungs", "attributes_changed")

    def setup(self, s: WorldState, c: CompiledScenario) -> None:
        """Draw once per world whether each inject fires when its turn comes."""
        R = s.worlds
        lots = []
        u = streams.uniforms64(s.key, streams.INJECT, 0, s.world, len(c.scenario.injects))
        for i, name in enumerate(c.scenario.injects):
            p = c.uncertain.draw(f"injects.{name}.probability", s.rng, R, s.sampled)
            lots.append(u[:, i] < p)
        s.inject_happens = np.stack(lots, axis=1) if lots else np.zeros((R, 0), dtype=bool)
        s.inject_fired = np.zeros((R, len(lots)), dtype=bool)

    def start_turn(self, s: WorldState, c: CompiledScenario) -> None:
        """Fire the injects scheduled for the coming turn, and the forced ones."""
        apply_injects(s, c, s.turn + 1)

    def inject_forced(self, s: WorldState, c: CompiledScenario) -> None:
        """Fire the injects a facilitator forced after the turn was prepared."""
        apply_injects(s, c, s.turn + 1, only=set(s.forced_injects))


def apply_injects(
    s: WorldState, c: CompiledScenario, turn: int, only: set[str] | None = None
) -> None:
    """Fire this turn's injects (or just those in ``only``); flag what they changed."""
    for i, (name, inj) in enumerate(c.scenario.injects.items()):
        if only is not None and name not in only:
            continue
        forced = name in s.forced_injects
        if inj.turn != turn and not forced:
            continue
        fire = (s.inject_happens[:, i] | forced) & s.alive
        s.inject_fired[:, i] |= fire
        if s.explain and fire[0]:
            s.log.append(Event(turn, "inject", "", f"Inject {name}: {inj.description or name}"))
        for eff in inj.effects:
            if eff.type == "adjust":
                arr = getattr(s, ADJUSTABLE[eff.attribute])
                a = c.actors.index(eff.actor)
                arr[:, a] = np.where(fire, np.clip(arr[:, a] + eff.by, 0, 1), arr[:, a])
                s.attributes_changed |= bool(fire.any())
            elif eff.type == "incident":  # one turn of force, not a rung held (incidents family)
                d = c.dyad_index(eff.actor, eff.toward)
                to = np.int8(c.rung_index(eff.to))
                s.incident_rung[:, d] = np.where(
                    fire, np.maximum(s.incident_rung[:, d], to), s.incident_rung[:, d]
                )
                s.injects_moved_rungs |= bool(fire.any())
            else:
                d = c.dyad_index(eff.actor, eff.toward)
                to = c.rung_index(eff.to)
                s.injects_moved_rungs |= bool(fire.any())
                bound = np.maximum if eff.type == "escalate" else np.minimum
                s.rung[:, d] = np.where(fire, bound(s.rung[:, d], to), s.rung[:, d])
    s.forced_injects.clear()
    np.maximum(s.peak, s.rung, out=s.peak)


FAMILY = Injects()
