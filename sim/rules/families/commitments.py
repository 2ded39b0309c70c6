"""Commitments: honouring drawn per world, treaty triggers on armed attacks, graded support.

docs/model.md section 4. Honouring uses common random numbers: the uniform draw is fixed per world
and link, and the link is honoured when it is below the credibility.
The per-turn work is compiled (numba): ``_fired`` tests each link's trigger tests world by world,
``_support`` sets the support given (doctrine bars, pressure on the partner) in one pass.
"""

from __future__ import annotations

import numba
import numpy as np

from sim.rules import streams
from sim.rules.cache import per_scenario
from sim.rules.compile import LEVEL, THREE_NEW_CONDITIONS, TREATY, CompiledScenario
from sim.rules.events import Event
from sim.rules.families import alliance_decisions
from sim.rules.family import RuleFamily
from sim.rules.state import WorldState
from sim.scenario.schema import SUPPORT_LEVELS

NONE, STATEMENT, COMBAT = LEVEL["none"], LEVEL["statement"], LEVEL["combat"]


@per_scenario
def doctrine(c: CompiledScenario) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per link (K,): the guarantor's doctrine bars combat (defence-oriented, no treaty rule);
    the bar lifts when an attack threatens its survival (Three New Conditions); and the rear-area
    level it gives instead of combat."""
    g = c.link_g
    rule = c.collective_defence_rule[g]
    barred = c.defence_oriented[g] & (rule != TREATY)
    rear = np.where(c.rear_area[g], LEVEL["basing"], LEVEL["intelligence"]).astype(np.int8)
    return barred, rule == THREE_NEW_CONDITIONS, rear


@numba.njit(cache=True, nogil=True)
def _fired(
    rung: np.ndarray, t_dyad: np.ndarray, t_rung: np.ndarray, offsets: np.ndarray
) -> np.ndarray:
    """(R, K) a trigger test of the link holds now (its attacker dyad at or above its threshold).
    A world whose every rung is below the lowest threshold fires nothing: its tests are skipped
    (most worlds, most turns: no force used yet)."""
    R, K = rung.shape[0], offsets.shape[0] - 1
    out = np.zeros((R, K), dtype=np.bool_)
    lowest = t_rung.min() if t_rung.size else 0
    for r in range(R):
        top = 0
        for d in range(rung.shape[1]):
            top = max(top, rung[r, d])
        if top < lowest:
            continue
        for k in range(K):
            for q in range(offsets[k], offsets[k + 1]):
                if rung[r, t_dyad[q]] >= t_rung[q]:
                    out[r, k] = True
                    break
    return out


@numba.njit(cache=True, nogil=True)
def _survival(
    r: int, k: int, offsets: np.ndarray, guard: np.ndarray, threat: np.ndarray, limit: float
) -> bool:
    """A trigger test of link k has the guarantor's threat from the attacker at or above its
    survival threshold ``limit`` in world r."""
    for q in range(offsets[k], offsets[k + 1]):
        if guard[q] >= 0 and threat[r, guard[q]] >= limit:
            return True
    return False


@numba.njit(cache=True, nogil=True)
def _support(
    level: np.ndarray, honoured: np.ndarray, triggered: np.ndarray, rung: np.ndarray,
    threat: np.ndarray, survival: np.ndarray, offsets: np.ndarray, guard: np.ndarray,
    src: np.ndarray, reverse: np.ndarray, link_g: np.ndarray, link_p: np.ndarray,
    barred: np.ndarray, lifts: np.ndarray, rear: np.ndarray, n: int, peak: np.ndarray,
) -> np.ndarray:  # fmt: skip
    """(R, K) support given now (and its peak raised in place): once triggered, the level the
    guarantor decided, a rear-area level instead of combat where its doctrine bars combat;
    before, a statement where the partner is under pressure (a rung of 2 or more aimed at it)
    and the guarantor honours by the prior, none otherwise."""
    R, K = level.shape
    out = np.empty((R, K), dtype=np.int8)
    incoming = np.zeros(n, dtype=np.int64)  # the highest rung aimed at each actor
    for r in range(R):
        incoming[:] = 0
        for d in range(src.shape[0]):
            incoming[src[d]] = max(incoming[src[d]], int(rung[r, reverse[d]]))
        for k in range(K):
            if triggered[r, k]:
                lv = int(level[r, k])
                if lv >= COMBAT and barred[k]:
                    limit = survival[r, link_g[k]]
                    if not (lifts[k] and _survival(r, k, offsets, guard, threat, limit)):
                        lv = int(rear[k])
            elif incoming[link_p[k]] >= 2 and honoured[r, k]:
                lv = STATEMENT
            else:
                lv = NONE
            out[r, k] = lv
            peak[r, k] = max(int(peak[r, k]), lv)
    return out


def update_commitments(s: WorldState, c: CompiledScenario) -> None:
    """Fire treaty triggers on armed attacks and set each link's graded support level."""
    if not len(c.link_g):
        return
    offsets = c.triggers_by_link.offsets
    fired = _fired(s.rung, c.trigger_dyad, c.trigger_rung, offsets)
    s.triggered |= fired & s.alive[:, None]
    alliance_decisions.decide(s, c, fired)
    # support: the level the guarantor decided (combat only where doctrine allows it); before any
    # trigger, a partner under pressure whose guarantor honours by the prior makes statements.
    guarded = len(c.obligation_dyad) > 0 and s.threat is not None  # survival can lift the bar
    threat = s.threat if guarded else np.zeros((1, 1), dtype=np.float32)
    guard = c.trigger_guard if guarded else np.full_like(c.trigger_guard, -1)
    s.support = _support(
        s.decided_level, s.honoured, s.triggered, s.rung, threat, s.survival_threshold, offsets,
        guard, c.src, c.reverse, c.link_g, c.link_p, *doctrine(c), c.n_actors, s.support_peak,
    )  # fmt: skip


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
        before = s.triggered.copy() if s.explain else None
        update_commitments(s, c)
        if before is not None:
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
