"""Third parties: mediation, and pressure strong enough to impose an ending (model.md, 11.3).

A third party t may mediate between i and j when it has no stake of its own: it is neither, it is
committed to neither (no alliance or partnership link either way), it has no rivalry or dispute
with either, and this turn it holds no rung above a protest toward either (nor they toward it).
Its **standing** is its declared ``mediation`` (organisations such as ASEAN mediate only when it is
set) or, for a state, its power relative to the stronger party (a mediator's leverage, Beardsley
2011). Each week, each eligible third party starts mediating an unresolved, engaged pair with
chance ``mediation_rate x standing``; once mediated, a pair stays mediated. Mediated crises end
in agreement more often (Wilkenfeld, Young, Asal and Quinn 2003): the settlement family multiplies
the pair's settlement rate by ``mediation_effect`` and its settlement is a formal agreement.

A neutral state ``imposition_ratio`` times stronger than the stronger party can press a pair that
is fighting to stop: the settlement family draws an imposed ending at ``imposition_rate`` a week.
"""

from __future__ import annotations

import numpy as np

from sim.rules import streams
from sim.rules.compile import CompiledScenario
from sim.rules.events import Event
from sim.rules.family import RuleFamily
from sim.rules.pairs import Pairs, clock_weeks, pairs_of, per_turn, quiet_rung
from sim.rules.state import F32, WorldState
from sim.scenario.rule_parameters import declared

PROTEST = 1  # assumption: a protest is words, not a stake in the fight (default ladder's rung 1)


def eligible(s: WorldState, c: CompiledScenario, P: Pairs) -> np.ndarray:
    """(N, Q) third parties with no stake in each pair: not a party, no commitment link, no
    rivalry or dispute with either side (the scenario's structure, any world)."""
    N = c.n_actors
    linked = np.zeros((N, N), dtype=bool)
    linked[c.link_g, c.link_p] = True
    linked |= linked.T
    hostile = np.zeros((N, N), dtype=bool)
    stake = (s.rivalry_intensity > 0) | (s.claim_stake > 0) | (s.holder_stake > 0)
    hostile[c.src, c.dst] = stake.any(axis=0)
    hostile |= hostile.T
    barred = linked | hostile
    out = ~(barred[:, P.i] | barred[:, P.j])
    t = np.arange(N)[:, None]
    return out & (t != P.i[None]) & (t != P.j[None])


def standing(s: WorldState, c: CompiledScenario, P: Pairs) -> np.ndarray:
    """(R, N, Q) each third party's standing as a mediator for each pair."""
    declared = np.array(
        [-1.0 if a.mediation is None else a.mediation for a in c.scenario.actors.values()],
        dtype=F32,
    )
    stronger = np.maximum(s.power[:, P.i], s.power[:, P.j])[:, None, :]  # (R, 1, Q)
    by_power = np.minimum(1.0, s.power[:, :, None] / stronger)
    by_power = np.where(c.kind_org[None, :, None], F32(0), by_power)
    return np.where(declared[None, :, None] >= 0, declared[None, :, None], by_power).astype(F32)


def bystanders(s: WorldState, c: CompiledScenario, P: Pairs) -> np.ndarray:
    """(R, N, Q) third parties holding no rung above a protest toward either side, nor they
    toward it, this turn."""
    R, N = s.worlds, c.n_actors
    dense = np.zeros((R, N, N), dtype=np.int8)
    dense[:, c.src, c.dst] = s.rung
    both = np.maximum(dense, dense.transpose(0, 2, 1))  # (R, t, x): either direction
    return (both[:, :, P.i] <= PROTEST) & (both[:, :, P.j] <= PROTEST)


class Mediation(RuleFamily):
    """Who mediates each pair, and whether a far stronger neutral could impose an ending."""

    name = "mediation"
    summary = "third parties with no stake mediate (ASEAN, neutral powers) or impose an end"
    parameters = declared(name)
    state_fields = ("mediated", "imposer")

    def setup(self, s: WorldState, c: CompiledScenario) -> None:
        """No pair is mediated at the start."""
        Q = pairs_of(c).size
        s.mediated = np.zeros((s.worlds, Q), dtype=bool)
        s.imposer = np.zeros((s.worlds, Q), dtype=bool)

    def end_turn(self, s: WorldState, c: CompiledScenario) -> None:
        """Eligible third parties offer mediation; note who could impose an ending."""
        P = pairs_of(c)
        if not P.size:
            return
        ra, rb = s.rung[:, P.a], s.rung[:, P.b]
        engaged = (np.maximum(ra, rb) > quiet_rung(c)) | ((ra >= PROTEST) & (rb >= PROTEST))
        open_ = engaged & (s.resolution < 0) & s.alive[:, None]
        neutral = eligible(s, c, P)[None] & bystanders(s, c, P)  # (R, N, Q)
        weekly = s.rules["mediation_rate"][:, None, None] * standing(s, c, P)
        chance = per_turn(weekly, clock_weeks(s, c)[:, None, None]) * neutral
        p_med = 1.0 - np.prod(1.0 - chance, axis=1)
        draw = streams.uniforms(s.key, streams.MEDIATION, s.turn, s.world, P.size)
        start = open_ & ~s.mediated & (draw < p_med)
        s.mediated |= start
        stronger = np.maximum(s.power[:, P.i], s.power[:, P.j])[:, None, :]
        ratio = s.rules["imposition_ratio"][:, None, None]
        strong = (s.power[:, :, None] >= ratio * stronger) & ~c.kind_org[None, :, None]
        s.imposer = (neutral & strong).any(axis=1) & open_
        if s.explain and start[0].any():
            for q in np.flatnonzero(start[0]):
                a, b = c.actors[P.i[q]], c.actors[P.j[q]]
                who = c.actors[int(np.argmax(chance[0, :, q]))]
                s.log.append(Event(s.turn, "mediation", who, f"{who} mediates {a}-{b}"))


FAMILY = Mediation()
