"""One-off incidents: a collision, an ambush, a shelling, a seizure - events, not rungs held.

An inject effect ``incident`` (sim/rules/families/injects.py) records, for the one turn it fires,
that ``actor`` acted toward ``toward`` at a rung (``incident_rung``). While the turn's shared
quantities are computed, the dyad counts at that rung: the target observes it (perception, threat),
may answer it (self-defence licence, response pressure) and a treaty whose trigger it reaches fires.
Before the actors choose, the dyad is back at the rung the actor holds, so the incident sets no floor
that would then fall one rung per turn. The incident counts in the standard vocabulary: the dyad's
peak and one violent turn (an unanswered incident at the lowest violent rung is ``minor_clashes``).

Registered after the utility family (its ``update`` restores the held rungs once every shared
quantity has seen the incident) and before the choice. docs/model.md, section 7.
"""

from __future__ import annotations

import numpy as np

from sim.rules.compile import CompiledScenario
from sim.rules.family import RuleFamily
from sim.rules.state import WorldState

HELD = "incidents.held_rung"  # rungs the actors hold, while the incidents are shown (family array)


def raise_incidents(s: WorldState, c: CompiledScenario) -> None:
    """Show this turn's incidents on the dyads (keeping the held rungs to restore them)."""
    if not s.incident_rung.any():
        return
    held = s.family_arrays.get(HELD)
    if held is None:
        held = s.rung.copy()
        s.family_arrays[HELD] = held
    s.rung = np.maximum(held, s.incident_rung).astype(np.int8)
    np.maximum(s.peak, s.rung, out=s.peak)


class Incidents(RuleFamily):
    """Play one-off incidents for a single turn (see the module docstring)."""

    name = "incidents"
    summary = "one-off incidents: a use of force for one turn, not a rung held"
    state_fields = ("incident_rung",)

    def setup(self, s: WorldState, c: CompiledScenario) -> None:
        """No incident before the first turn."""
        s.incident_rung = np.zeros(s.rung.shape, dtype=np.int8)

    def start_turn(self, s: WorldState, c: CompiledScenario) -> None:
        """After the injects fired: show the incidents to the shared quantities."""
        raise_incidents(s, c)

    def inject_forced(self, s: WorldState, c: CompiledScenario) -> None:
        """A forced inject may be an incident: show it before the quantities are recomputed."""
        raise_incidents(s, c)

    def update(self, s: WorldState, c: CompiledScenario) -> None:
        """Every shared quantity has seen the incidents: give the actors back their held rungs."""
        held = s.family_arrays.pop(HELD, None)
        if held is not None:
            s.rung = held

    def end_turn(self, s: WorldState, c: CompiledScenario) -> None:
        """Count the incident's turn as violent (unless the dyad ended the turn violent anyway);
        the incident is over."""
        hit = s.incident_rung > 0
        if not hit.any():
            return
        violent = (s.incident_rung >= s.first_violent_rung) & (s.rung < s.first_violent_rung)
        s.violent_turns += violent
        s.incident_rung[:] = 0


FAMILY = Incidents()
