"""The standard vocabulary of a world: peak violence, how the crisis ended, who fought whom.

Pure functions of arrays the model keeps (per-dyad peak rung, per-dyad count of violent turns, the
stop condition that ended each world and the turn it ended) and of the compiled scenario's static
vocabulary (:class:`Vocab`), so that every scenario is described the same way and hand-built worlds
can be classified in tests without running the model. The rules are in docs/validation.md ("The
standard vocabulary"); sources in ``sim.scenario.vocabulary``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.rules.cache import per_scenario
from sim.scenario.ladder import DEFAULT_LADDER
from sim.scenario.vocabulary import ENDINGS, VIOLENCE, ladder_violence, stop_ending

if TYPE_CHECKING:
    from sim.rules.compile import CompiledScenario

MINOR = VIOLENCE.index("minor_clashes")
SERIOUS = VIOLENCE.index("serious_clashes")
STILL_RUNNING = ENDINGS.index("still_running")
FOUGHT = "fought."
"""Prefix of the who-fought-whom columns: ``fought.<A>.<B>`` is true when A used force on B."""


@dataclass(frozen=True)
class Vocab:
    """What the vocabulary needs from a compiled scenario."""

    actors: list[str]
    src: np.ndarray  # (P,) acting actor of each dyad
    dst: np.ndarray  # (P,) target of each dyad
    reverse: np.ndarray  # (P,) the dyad of the opposite direction
    rung_class: np.ndarray  # (L,) index into VIOLENCE of each rung
    first_violent: int  # lowest rung of class minor_clashes or above (L if none)
    stop_ending: np.ndarray  # (S,) index into ENDINGS of each stop condition
    fight_dyads: np.ndarray  # dyads whose cap lets them reach a violent rung (the fought columns)
    stop_names: list[str]

    @property
    def mechanisms(self) -> list[str]:
        """Ending types this scenario can produce: its stops' endings, those of the registered
        crisis-ending rule families (docs/model.md, 11) and still_running (the turn limit). Any
        other has no mechanism: its count is zero by construction."""
        from sim.rules.registry import families  # the registry imports the families, not this

        have = {ENDINGS[int(i)] for i in self.stop_ending} | {"still_running"}
        have |= {e for f in families() for e in f.endings}
        return [e for e in ENDINGS if e in have]

    def fought_columns(self) -> list[str]:
        """The ``fought.<A>.<B>`` column names, one per dyad that can use force."""
        return [
            f"{FOUGHT}{self.actors[self.src[d]]}.{self.actors[self.dst[d]]}"
            for d in self.fight_dyads
        ]


@per_scenario
def vocab_of(c: CompiledScenario) -> Vocab:
    """The static vocabulary of a compiled scenario (rung classes, stop endings, fight dyads)."""
    rungs = (c.scenario.ladder or DEFAULT_LADDER).rungs
    classes = np.array([VIOLENCE.index(v) for v in ladder_violence(rungs)], dtype=np.int8)
    violent = np.flatnonzero(classes >= MINOR)
    first_violent = int(violent[0]) if violent.size else len(rungs)
    stops = list(c.scenario.stop.items())
    return Vocab(
        actors=list(c.actors),
        src=np.asarray(c.src),
        dst=np.asarray(c.dst),
        reverse=np.asarray(c.reverse),
        rung_class=classes,
        first_violent=first_violent,
        stop_ending=np.array([ENDINGS.index(stop_ending(s)) for _, s in stops], dtype=np.int8),
        fight_dyads=np.flatnonzero(c.dyad_cap >= first_violent),
        stop_names=[n for n, _ in stops],
    )


def classify(
    v: Vocab,
    peak: np.ndarray,
    violent_turns: np.ndarray,
    stop_reason: np.ndarray,
    end_turn: np.ndarray,
    ending: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """The vocabulary columns of R worlds.

    Args:
        v: the scenario's :class:`Vocab`.
        peak: (R, P) highest rung each dyad reached.
        violent_turns: (R, P) turns each dyad ended at a violent rung (class minor_clashes or more).
        stop_reason: (R,) index of the stop condition that ended each world, -1 for the turn limit
            (-2: a crisis-ending rule; then ``ending`` says how).
        end_turn: (R,) turn each world ended.
        ending: (R,) the ending type the model recorded (index into ENDINGS, -1 still running);
            without it, the ending is derived from ``stop_reason`` alone.

    Returns ``violence`` and ``ending`` (names), ``ending_turn`` (int16; -1 when still running,
    written as null in Parquet), ``n_at_war`` (actors that used force or had force used on them)
    and one bool ``fought.<A>.<B>`` column per dyad that can use force.
    """
    peak = np.asarray(peak)
    R = peak.shape[0]
    world, violent = _violence(v, peak, violent_turns)
    ending = _endings(v, R, stop_reason, ending)
    ended = ending != STILL_RUNNING
    at_war = np.zeros((R, len(v.actors)), dtype=bool)
    if violent.shape[1]:
        rows, dyads = np.nonzero(violent)
        at_war[rows, v.src[dyads]] = True
        at_war[rows, v.dst[dyads]] = True
    out: dict[str, np.ndarray] = {
        "violence": np.array(VIOLENCE, dtype=object)[world],
        "ending": np.array(ENDINGS, dtype=object)[ending],
        "ending_turn": np.where(ended, np.asarray(end_turn), -1).astype(np.int16),
        "n_at_war": at_war.sum(axis=1).astype(np.int16),
    }
    for name, d in zip(v.fought_columns(), v.fight_dyads, strict=True):
        out[name] = violent[:, d].copy()
    return out


def _violence(
    v: Vocab, peak: np.ndarray, violent_turns: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each world's violence class (R,) and which dyads were violent (R, P)."""
    R = peak.shape[0]
    if peak.shape[1]:
        dyad_class = v.rung_class[peak.astype(np.int64)]  # (R, P)
        world = dyad_class.max(axis=1).astype(np.int8)
    else:
        dyad_class = np.zeros(peak.shape, dtype=np.int8)
        world = np.zeros(R, dtype=np.int8)
    violent = dyad_class >= MINOR
    # a violent dyad that a same-turn inject lifted and the actor then left still counts one turn
    turns = np.where(violent, np.maximum(np.asarray(violent_turns), 1), 0)
    # minor clashes: every use of force was an incident - one turn, never above the lowest violent
    # rung, not repeated and unanswered by its target - ICB "minor clashes" as against "serious
    # clashes" (a raid and a seizure on two pairs, neither answered, are still minor clashes)
    incident = (turns == 1) & (peak == v.first_violent)
    if violent.shape[1]:
        incident &= ~violent[:, v.reverse]
    only_incidents = violent.any(axis=1) & ~(violent & ~incident).any(axis=1)
    world = np.where((world == SERIOUS) & only_incidents, MINOR, world).astype(np.int8)
    return world, violent


def _endings(v: Vocab, R: int, stop_reason: np.ndarray, ending: np.ndarray | None) -> np.ndarray:
    """Each world's ending (index into ENDINGS): the model's record if given, else from the stop
    condition that ended it (still running when none did)."""
    if ending is not None:
        return np.where(np.asarray(ending) >= 0, ending, STILL_RUNNING).astype(np.int8)
    reason = np.asarray(stop_reason)
    out = np.full(R, STILL_RUNNING, dtype=np.int8)
    stopped = reason >= 0
    if stopped.any():
        out[stopped] = v.stop_ending[reason[stopped]]
    return out
