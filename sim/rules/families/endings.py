"""Stop conditions and outcomes: when a world ends and how it is classified (docs/model.md, 8).

Stop conditions are evaluated after every turn; a world also ends at the turn limit. Its outcome
is the first (in file order) whose condition holds when it ends; the last is a catch-all.
"""

from __future__ import annotations

import numba
import numpy as np

from sim.rules.compile import CompiledScenario
from sim.rules.events import Event
from sim.rules.families.settlement import CONCESSION, FADED, unanswered
from sim.rules.family import RuleFamily
from sim.rules.state import WorldState
from sim.rules.vocabulary import STILL_RUNNING, vocab_of
from sim.scenario.history import ENDINGS

RULED = -2  # stop_reason of a world whose crisis a crisis-ending rule ended


class Endings(RuleFamily):
    """Count calm turns, stop worlds and classify them."""

    name = "endings"
    summary = "stop conditions, the turn limit and the outcome of every world"
    state_fields = ("alive", "end_turn", "stop_reason", "outcome", "calm_turns", "ending")

    def setup(self, s: WorldState, c: CompiledScenario) -> None:
        """Every world starts alive, with no outcome."""
        R = s.worlds
        s.alive = np.ones(R, dtype=bool)
        s.end_turn = np.zeros(R, dtype=np.int16)
        s.stop_reason = np.full(R, -1, dtype=np.int16)
        s.outcome = np.full(R, -1, dtype=np.int16)
        s.ending = np.full(R, -1, dtype=np.int8)
        if s.crisis_ending is None:  # no crisis-ending family registered
            s.crisis_ending = np.full(R, -1, dtype=np.int8)
        s.calm_turns = np.zeros((R, len(c.endings.calm_rungs)), dtype=np.int16)

    def end_turn(self, s: WorldState, c: CompiledScenario) -> None:
        """Update calm counters, then stop and classify the worlds that end now."""
        if len(c.endings.calm_rungs):
            _count_calm(s.rung, c.endings.calm_rungs, s.calm_turns)
        check_stops(s, c)


@numba.njit(cache=True, nogil=True)
def _count_calm(rung: np.ndarray, calm_rungs: np.ndarray, calm: np.ndarray) -> None:
    """World by world: one more calm turn at each counted rung that every dyad's rung is at or
    below now, else none (``calm[r, j]`` counts for ``calm_rungs[j]``)."""
    for r in range(rung.shape[0]):
        top = 0
        for d in range(rung.shape[1]):
            top = max(top, int(rung[r, d]))
        for j in range(calm_rungs.shape[0]):
            calm[r, j] = calm[r, j] + 1 if top <= calm_rungs[j] else 0


def check_stops(s: WorldState, c: CompiledScenario) -> None:
    """End the worlds whose stop condition holds, whose crisis a rule ended (``crisis_ending``,
    docs/model.md 11) or that reached the limit; record the ending type and classify them."""
    ending = np.zeros(s.worlds, dtype=bool)
    stop_ending = vocab_of(c).stop_ending
    due = np.flatnonzero(s.turn > c.endings.after)
    held = c.endings.stops.each(s, np.flatnonzero(s.alive)) if due.size else None
    for i in due:  # in file order: the first stop that holds names a world's stop
        hit = held[:, i] & ~ending
        s.stop_reason[hit] = i
        s.ending[hit] = stop_ending[i]
        if stop_ending[i] == FADED:  # a calm stop: say how the crisis ended, if a rule knows
            ruled_now = hit & (s.crisis_ending >= 0)  # ended by a rule this very turn
            s.ending[ruled_now] = s.crisis_ending[ruled_now]
            if hit.any():  # acquiescence, not fading
                s.ending[unanswered(s, c, hit)] = CONCESSION
        ending |= hit
    ruled = (s.crisis_ending >= 0) & s.alive & ~ending
    s.stop_reason[ruled] = RULED
    s.ending[ruled] = s.crisis_ending[ruled]
    ending |= ruled
    if s.turn >= c.scenario.turns.limit:
        limit = s.alive & ~ending
        s.ending[limit] = STILL_RUNNING
        ending |= limit
    if not ending.any():
        return
    s.end_turn[ending] = s.turn
    classify(s, c, ending)
    s.alive &= ~ending
    if s.explain and ending[0]:
        reason = {-1: "turn limit", RULED: "the crisis ended"}.get(int(s.stop_reason[0]))
        if reason is None:
            reason = list(c.scenario.stop)[s.stop_reason[0]]
        name = c.endings.outcome_names[s.outcome[0]]
        how = ENDINGS[s.ending[0]].replace("_", " ")
        s.log.append(Event(s.turn, "end", "", f"World ends ({reason}: {how}); outcome: {name}"))


def classify(s: WorldState, c: CompiledScenario, mask: np.ndarray) -> None:
    """The first outcome whose condition holds, for the worlds in ``mask``."""
    c.endings.outcomes.first(s, np.flatnonzero(mask), s.outcome)


FAMILY = Endings()
