"""Stop conditions and outcomes: when a world ends and how it is classified (docs/model.md, 8).

Stop conditions are evaluated after every turn; a world also ends at the turn limit. Its outcome
is the first (in file order) whose condition holds when it ends; the last is a catch-all.
"""

from __future__ import annotations

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
        s.calm_turns = {r: np.zeros(R, dtype=np.int16) for r in c.endings.calm_rungs}

    def end_turn(self, s: WorldState, c: CompiledScenario) -> None:
        """Update calm counters, then stop and classify the worlds that end now."""
        top = s.rung.max(axis=1) if s.rung.size else np.zeros(s.worlds, np.int8)
        for r, count in s.calm_turns.items():
            s.calm_turns[r] = np.where(top <= r, count + 1, 0).astype(np.int16)
        check_stops(s, c)


def check_stops(s: WorldState, c: CompiledScenario) -> None:
    """End the worlds whose stop condition holds, whose crisis a rule ended (``crisis_ending``,
    docs/model.md 11) or that reached the limit; record the ending type and classify them."""
    ending = np.zeros(s.worlds, dtype=bool)
    stop_ending = vocab_of(c).stop_ending
    for i, (after, check) in enumerate(c.endings.stops):
        if s.turn > after:
            hit = check(s) & s.alive & ~ending
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
    left = mask.copy()
    for i, check in enumerate(c.endings.outcomes):
        hit = left if check is None else check(s) & left
        s.outcome[hit] = i
        left &= ~hit


FAMILY = Endings()
