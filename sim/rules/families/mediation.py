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

The turn is one compiled kernel (numba): a loop over worlds, then over each world's open pairs and
their third parties. What depends on the scenario alone (commitment links, declared mediation,
organisations, the quiet rung) is computed once per compiled scenario. Arithmetic follows the
numpy formulation it replaced step by step (float32 where that was float32, the per-turn chance in
float64, the product over third parties in their order), so results did not change.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numba
import numpy as np

from sim.rules import streams
from sim.rules.cache import per_scenario
from sim.rules.compile import CompiledScenario
from sim.rules.events import Event
from sim.rules.family import RuleFamily
from sim.rules.jit import simplified
from sim.rules.pairs import (
    PROTEST,
    Pairs,
    clock_weeks,
    engaged,
    one_clock,
    pairs_of,
    per_turn_one,
    quiet_rung,
)
from sim.rules.state import F32, WorldState
from sim.scenario.rule_parameters import declared


@dataclass
class Static:
    """What the family reads from the compiled scenario alone (computed once per scenario)."""

    pairs: Pairs
    quiet: int  # quiet_rung
    mediation: np.ndarray  # (N,) float32 declared ``mediation`` (-1: none)
    org: np.ndarray  # (N,) bool organisations (no standing by power, never an imposer)
    linked: np.ndarray  # (N, N) bool a commitment link either way
    last: tuple | None = None  # (weak references to the stake arrays, eligible): see eligible


@per_scenario
def static_of(c: CompiledScenario) -> Static:
    """The family's :class:`Static` of ``c`` (kept while ``c`` lives: sim/rules/cache.py)."""
    N = c.n_actors
    linked = np.zeros((N, N), dtype=bool)
    linked[c.link_g, c.link_p] = True
    st = Static(
        pairs=pairs_of(c),
        quiet=quiet_rung(c),
        mediation=np.array(
            [-1.0 if a.mediation is None else a.mediation for a in c.scenario.actors.values()],
            dtype=F32,
        ),
        org=np.ascontiguousarray(c.kind_org, dtype=bool),
        linked=linked | linked.T,
    )
    return st


def eligible(s: WorldState, c: CompiledScenario, st: Static) -> np.ndarray:
    """(N, Q) third parties with no stake in each pair: not a party, no commitment link, no
    rivalry or dispute with either side (the scenario's structure, any world of the block).

    The stakes are per-world arrays that no rule writes (a block that drops ended worlds gets new
    ones), so the answer is kept until the arrays change."""
    arrays = (s.rivalry_intensity, s.claim_stake, s.holder_stake)
    last = st.last
    if last is not None and all(r() is a for r, a in zip(last[0], arrays, strict=True)):
        return last[1]
    P, N = st.pairs, c.n_actors
    hostile = np.zeros((N, N), dtype=bool)
    stake = (s.rivalry_intensity > 0) | (s.claim_stake > 0) | (s.holder_stake > 0)
    hostile[c.src, c.dst] = stake.any(axis=0)
    hostile |= hostile.T
    barred = st.linked | hostile
    out = ~(barred[:, P.i] | barred[:, P.j])
    t = np.arange(N)[:, None]
    out &= (t != P.i[None]) & (t != P.j[None])
    st.last = (tuple(weakref.ref(a) for a in arrays), out)
    return out


@numba.njit(cache=True, nogil=True, inline="always")
def _either_way(
    rung: np.ndarray, r: int, src: np.ndarray, dst: np.ndarray, out: np.ndarray
) -> None:
    """out[t, x]: the higher rung between t and x in either direction in world r (0: no dyad)."""
    out[:] = 0
    for d in range(src.shape[0]):
        k = rung[r, d]
        if k > out[src[d], dst[d]]:
            out[src[d], dst[d]] = k
        if k > out[dst[d], src[d]]:
            out[dst[d], src[d]] = k


@numba.njit(cache=True, nogil=True, inline="always")
def _pair(
    r: int, q: int, x: int, y: int, both: np.ndarray, elig: np.ndarray, power: np.ndarray,
    mediation: np.ndarray, org: np.ndarray, rate: np.float32, ratio: np.float32, weeks: float,
    same: bool, record: bool, shown: np.ndarray,
) -> tuple[np.float32, bool]:  # fmt: skip
    """P(some neutral starts mediating pair q = (x, y) this turn), float32 as
    ``1 - prod(1 - chance)`` over third parties in order, and whether a neutral could impose an
    ending. A third party that is not neutral has chance 0 (it is skipped: a factor of exactly 1,
    unless its chance is NaN, which numpy's ``NaN x 0`` kept). ``record``: its chance in ``shown``."""
    one = np.float32(1.0)
    a, b = power[r, x], power[r, y]
    stronger = a if (a >= b or a != a) else b  # np.maximum: NaN wins
    prod = one
    imposer = False
    for t in range(power.shape[1]):
        neutral = elig[t, q] and both[t, x] <= PROTEST and both[t, y] <= PROTEST
        if mediation[t] >= 0:
            standing = mediation[t]
        elif org[t]:
            standing = np.float32(0.0)
        else:
            standing = power[r, t] / stronger
            if standing > one:
                standing = one
        weekly = rate * standing
        if not neutral and weekly == weekly:
            continue
        chance = np.float32(per_turn_one(float(weekly), weeks, same))
        if not neutral:
            chance = chance * np.float32(0.0)
        elif not org[t] and power[r, t] >= ratio * stronger:
            imposer = True
        if record:
            shown[t, q] = chance
        prod = prod * (one - chance)
    return one - prod, imposer


@simplified
def kernel(
    rung: np.ndarray, src: np.ndarray, dst: np.ndarray, pa: np.ndarray, pb: np.ndarray,
    pi: np.ndarray, pj: np.ndarray, quiet: int, resolution: np.ndarray, alive: np.ndarray,
    power: np.ndarray, rate: np.ndarray, ratio: np.ndarray, weeks: np.ndarray, same: bool,
    elig: np.ndarray, mediation: np.ndarray, org: np.ndarray, key: np.ndarray, turn: int,
    world: np.ndarray, mediated: np.ndarray, explain: bool, shown: np.ndarray,
) -> np.ndarray:  # fmt: skip
    """One turn of mediation in every world: open pairs (engaged, unresolved, world running) start
    being mediated with their chance (``mediated`` is updated in place); returns (R, Q) whether a
    neutral could impose an ending. With ``explain``, world 0's chances go to ``shown`` (N, Q)."""
    R, Q = mediated.shape
    N = power.shape[1]
    imposer = np.zeros((R, Q), dtype=np.bool_)
    both = np.zeros((N, N), dtype=np.int8)
    for r in range(R):
        if not alive[r]:
            continue
        _either_way(rung, r, src, dst, both)
        pre = streams.prefix(key[r], streams.MEDIATION, world[r], turn)
        for q in range(Q):
            ra, rb = int(rung[r, pa[q]]), int(rung[r, pb[q]])
            if not engaged(ra, rb, quiet) or resolution[r, q] >= 0:
                continue
            p_med, strong = _pair(
                r, q, pi[q], pj[q], both, elig, power, mediation, org, rate[r], ratio[r],
                weeks[r], same, explain and r == 0, shown,
            )  # fmt: skip
            imposer[r, q] = strong
            if not mediated[r, q] and streams.uniform(pre, q) < p_med:
                mediated[r, q] = True
    return imposer


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
        st = static_of(c)
        P = st.pairs
        if not P.size:
            return
        weeks = clock_weeks(s, c)
        before = s.mediated[0].copy() if s.explain else None
        shown = np.zeros((c.n_actors, P.size), dtype=F32)
        s.imposer = kernel(
            s.rung, c.src, c.dst, P.a, P.b, P.i, P.j, st.quiet, s.resolution, s.alive, s.power,
            s.rules["mediation_rate"], s.rules["imposition_ratio"], weeks,
            one_clock(weeks), eligible(s, c, st), st.mediation, st.org, s.key,
            s.turn, s.world, s.mediated, s.explain, shown,
        )  # fmt: skip
        if before is not None:
            for q in np.flatnonzero(s.mediated[0] & ~before):
                a, b = c.actors[P.i[q]], c.actors[P.j[q]]
                who = c.actors[int(np.argmax(shown[:, q]))]
                s.log.append(Event(s.turn, "mediation", who, f"{who} mediates {a}-{b}"))


FAMILY = Mediation()
