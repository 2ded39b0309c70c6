"""Bargaining: the settlement range of every pair, and what standing firm reveals (model.md, 11.2).

Fearon (1995): two sides who expect a contest to cost something always have a range of deals both
prefer to fighting, unless each is optimistic enough about its chances. Here side s of a pair
demands ``d_s = p_s - c_s / V_s``: its perceived chance ``p_s`` (the same balance the utility's
deterrence uses) less the cost of continuing ``c_s`` (the ladder cost at the pair's level, as the
utility weighs it, plus war weariness) over its stake ``V_s`` as the utility values it
(``3 x resolve x stake``, the gain term's multiplier). A deal exists when the demands fit
in one issue: ``surplus = 1 - d_a - d_b >= 0``. A side with no stake demands nothing (-1).

Optimism comes from misperceived resolve; it fades as rivals reveal themselves (Slantchev 2003,
"the principle of convergence"; Powell 2004, learning while fighting): every week a rival stands
firm at a coercive rung, the gap between perceived and true resolve closes by ``learning``, twice
as fast under fire.

What pushes a pair with an open range to settle is what continuing costs both sides over their
stakes, the **settlement pressure** ``c_a / V_a + c_b / V_b`` (Fearon: the costlier the contest,
the wider the range; Slantchev: costs that mount drive the sides to terms). A cheap grey-zone
standoff can run for a year; a war presses hard.

A side **wants out** when continuing (prevailing with chance p, at cost c) is worth less than
backing down (giving up the issue), counting its face (audience costs, Fearon 1994: backing down
from rung L costs ``audience_cost x L / top``): ``d_s < -face_s``. Claimant and holder alike: the
claimant gives up its demand, the holder the territory; the weaker side gets there first.
"""

from __future__ import annotations

import numba
import numpy as np

from sim.rules.cache import per_arrays
from sim.rules.compile import CompiledScenario
from sim.rules.family import RuleFamily
from sim.rules.jit import simplified
from sim.rules.pairs import clock_weeks, engaged, pairs_of, per_turn, quiet_rung
from sim.rules.state import F32, WorldState
from sim.scenario.rule_parameters import declared

MAX_SHARE = 5.0  # cost over stake of a side with (next to) no stake: it wants out at any cost
FEARON = "Fearon, 'Rationalist Explanations for War', International Organization 49(3), 1995"


@numba.njit(cache=True, nogil=True)
def survives(
    rung: np.ndarray, reverse: np.ndarray, src: np.ndarray, threat: np.ndarray,
    existential: np.ndarray, first_force: int, r: int, d: int,
) -> bool:  # fmt: skip
    """:func:`fights_for_survival` of dyad d in world r, for a kernel."""
    return rung[r, reverse[d]] >= first_force and threat[r, d] >= existential[r, src[d]]


@numba.njit(cache=True, nogil=True, inline="always")
def _step(k: int, quiet: int, first_force: int, firm: np.float32, fire: np.float32) -> np.float32:
    """The learning step where the target holds rung ``k``: ``fire`` under force, ``firm`` above
    the quiet rung, else none."""
    return fire if k >= first_force else (firm if k > quiet else np.float32(0.0))


@numba.njit(cache=True, nogil=True)
def _learn(
    rung: np.ndarray, reverse: np.ndarray, dst: np.ndarray, quiet: int, first_force: int,
    firm: np.ndarray, fire: np.ndarray, resolve: np.ndarray, perceived: np.ndarray,
    target_power: np.ndarray, target_strength: np.ndarray,
) -> tuple[bool, np.ndarray, np.ndarray]:  # fmt: skip
    """:func:`learn` in float32 (``firm``, ``fire``: each world's per-turn steps): new arrays of
    perceived resolve and target strength, and True; or False and the arrays given (nothing
    written, nothing copied) when no target stood firm in any world."""
    R, P = rung.shape
    moved = False
    for r in range(R):
        for d in range(P):
            if _step(rung[r, reverse[d]], quiet, first_force, firm[r], fire[r]) != 0:
                moved = True
                break
        if moved:
            break
    if not moved:
        return False, perceived, target_strength
    seen = np.empty((R, P), dtype=np.float32)
    strength = np.empty((R, P), dtype=np.float32)
    for r in range(R):
        for d in range(P):
            step = _step(rung[r, reverse[d]], quiet, first_force, firm[r], fire[r])
            pr = perceived[r, d]
            seen[r, d] = pr + step * (resolve[r, dst[d]] - pr)
            strength[r, d] = target_power[r, d] * seen[r, d]
    return True, seen, strength


@per_arrays
def _learning_steps(rate: np.ndarray, weeks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each world's per-turn learning step where the target stands firm (coerces the source, or
    worse) and where it fires (twice as fast): once per block (and drop)."""
    return per_turn(rate, weeks), per_turn(1 - (1 - rate) ** 2, weeks)


def learn(s: WorldState, c: CompiledScenario) -> None:
    """Perceived resolve moves toward true resolve where the target stood firm this turn."""
    firm, fire = _learning_steps(s.rules["learning"], clock_weeks(s, c))
    moved, perceived, strength = _learn(
        s.rung, c.reverse, c.dst, quiet_rung(c), c.first_force, firm, fire, s.resolve,
        s.perceived_resolve, s.target_power, s.target_strength,
    )  # fmt: skip
    if moved:  # new arrays (readers may hold the old ones, and values derived from them)
        s.perceived_resolve, s.target_strength = perceived, strength


@numba.njit(cache=True, nogil=True)
def _demand(
    level: int, top: int, cost_weight: np.float32, rung_cost: np.float32, weariness: np.float32,
    stake: np.float32, resolve: np.float32, source: np.float32, target: np.float32,
    deterrence: np.float32, committed: np.float32,
) -> tuple[np.float32, np.float32]:  # fmt: skip
    """A dyad source's demand d = p - c / V (unclipped; -1e3 without a stake) and its cost share
    c / V (at most ``MAX_SHARE``), from scalars (a kernel's helper takes no arrays).

    V is the issue as the utility values it (the gain term's 3 x resolve x stake), c the cost of
    continuing at the pair's level as the utility weighs it, plus war weariness; p the source's
    perceived chance against the target and its committed coalition. The numpy formulation's
    mixed float32 and float64 steps (NaN wins in maxima and minima)."""
    cost = float(cost_weight * rung_cost) + float(weariness) * (level / top)
    value = np.float32(3.0) * resolve * stake
    least = np.float32(1e-3)
    share = cost / float(value if (value >= least or value != value) else least)
    if not (share <= MAX_SHARE or share != share):
        share = MAX_SHARE
    p = source / (source + target + deterrence * committed + np.float32(1e-6))
    demand = float(p) - share if value > least else -1e3
    return np.float32(demand), np.float32(share)


@numba.njit(cache=True, nogil=True)
def _clip(x: np.float32) -> np.float32:
    """``np.clip(x, -1, 1)`` of a float32 (NaN stays NaN)."""
    if x < -1:
        return np.float32(-1.0)
    if x > 1:
        return np.float32(1.0)
    return x


@numba.njit(cache=True, nogil=True, inline="always")
def _side(
    r: int, d: int, level: int, top: int, first_force: int, src: np.ndarray, reverse: np.ndarray,
    rung: np.ndarray, cost_weight: np.ndarray, rung_cost: np.ndarray, weariness: np.ndarray,
    claim: np.ndarray, holder: np.ndarray, resolve: np.ndarray, source: np.ndarray,
    target: np.ndarray, committed: np.ndarray, dst: np.ndarray, deterrence: np.ndarray,
    audience: np.ndarray, threat: np.ndarray, existential: np.ndarray, demand: np.ndarray,
    wants_out: np.ndarray,
) -> np.float32:  # fmt: skip
    """Dyad d's side of its pair at ``level`` in world r: its clipped demand and wish to back
    down, written in place; returns its cost share. Its stake is the claimant's and the holder's
    (float32, as the numpy sum of the two arrays was)."""
    stake = claim[r, d] + holder[r, d]
    full, share = _demand(
        level, top, cost_weight[r, d], rung_cost[level], weariness[r, d], stake,
        resolve[r, src[d]], source[r, d], target[r, d], deterrence[r], committed[r, dst[d]],
    )  # fmt: skip
    demand[r, d] = _clip(full)
    face = audience[r] * np.float32(rung[r, d]) / np.float32(top)
    attacked = rung[r, reverse[d]] >= first_force  # survives(), inline: no array calls
    wants_out[r, d] = full < -face and not (attacked and threat[r, d] >= existential[r, src[d]])
    return share


@simplified
def _settlement_range(
    rung: np.ndarray, src: np.ndarray, dst: np.ndarray, reverse: np.ndarray, pa: np.ndarray,
    pb: np.ndarray, top: int, first_force: int, quiet: int, cost_weight: np.ndarray,
    rung_cost: np.ndarray, weariness: np.ndarray, claim: np.ndarray, holder: np.ndarray,
    resolve: np.ndarray, source: np.ndarray, target: np.ndarray, committed: np.ndarray,
    deterrence: np.ndarray, audience: np.ndarray, threat: np.ndarray, existential: np.ndarray,
    demand: np.ndarray, wants_out: np.ndarray, surplus: np.ndarray, pressure: np.ndarray,
) -> None:  # fmt: skip
    """World by world, each engaged pair's demands (clipped into ``demand``), wishes to back down
    (``wants_out``), surplus and settlement pressure (float32 as numpy had it). A pair not engaged
    (``sim.rules.pairs.engaged``) is neither mediated nor settled this turn, and nothing else reads
    its range: it gets zeros, without the arithmetic (most pairs, most turns)."""
    zero = np.float32(0.0)
    for r in range(rung.shape[0]):
        for q in range(pa.shape[0]):
            a, b = pa[q], pb[q]
            ra, rb = int(rung[r, a]), int(rung[r, b])
            if not engaged(ra, rb, quiet):
                demand[r, a] = demand[r, b] = surplus[r, q] = pressure[r, q] = zero
                wants_out[r, a] = wants_out[r, b] = False
                continue
            level = max(ra, rb)
            share_a = _side(
                r, a, level, top, first_force, src, reverse, rung, cost_weight, rung_cost,
                weariness, claim, holder, resolve, source, target, committed, dst, deterrence,
                audience, threat, existential, demand, wants_out,
            )  # fmt: skip
            share_b = _side(
                r, b, level, top, first_force, src, reverse, rung, cost_weight, rung_cost,
                weariness, claim, holder, resolve, source, target, committed, dst, deterrence,
                audience, threat, existential, demand, wants_out,
            )  # fmt: skip
            surplus[r, q] = np.float32(1.0) - demand[r, a] - demand[r, b]
            pressure[r, q] = share_a + share_b if surplus[r, q] >= 0 else zero


class Bargaining(RuleFamily):
    """Learning from standing firm, the settlement range and who wants out, after every turn."""

    name = "bargaining"
    summary = "settlement range of each pair (Fearon 1995); resolve revealed by standing firm"
    parameters = declared(name)
    state_fields = ("bargaining_surplus", "settlement_pressure", "demand", "wants_out")

    def setup(self, s: WorldState, c: CompiledScenario) -> None:
        """No settlement range is known before the first turn."""
        s.bargaining_surplus = np.zeros((s.worlds, pairs_of(c).size), dtype=F32)
        s.settlement_pressure = np.zeros((s.worlds, pairs_of(c).size), dtype=F32)
        s.wants_out = np.zeros((s.worlds, len(c.src)), dtype=bool)
        s.demand = np.zeros((s.worlds, len(c.src)), dtype=F32)

    def end_turn(self, s: WorldState, c: CompiledScenario) -> None:
        """Learn from the turn, then each pair's surplus and each side's wish to back down."""
        learn(s, c)
        P = pairs_of(c)
        R, Q = s.worlds, P.size
        s.demand = np.zeros((R, len(c.src)), dtype=F32)  # a dyad in no pair: never read
        s.wants_out = np.zeros((R, len(c.src)), dtype=bool)
        s.bargaining_surplus = np.empty((R, Q), dtype=F32)
        s.settlement_pressure = np.empty((R, Q), dtype=F32)
        _settlement_range(  # every field is row-major (tests/rules/test_kernel.py checks it)
            s.rung, c.src, c.dst, c.reverse, P.a, P.b, c.top, c.first_force, quiet_rung(c),
            s.cost_weight, c.rung_cost, s.weariness_weight, s.claim_stake, s.holder_stake, s.resolve,
            s.source_strength, s.target_strength, s.committed_power,
            s.rules["deterrence"], s.rules["audience_cost"], s.threat,
            s.existential_threshold, s.demand, s.wants_out, s.bargaining_surplus,
            s.settlement_pressure,
        )  # fmt: skip


def fights_for_survival(s: WorldState, c: CompiledScenario) -> np.ndarray:
    """(R, P) the source is under armed attack with its existence at stake (its threat from the
    target at its existential threshold, as the nuclear family reads it): it does not back down
    alone, since giving in would end the state, whatever its odds.

    Reiter, How Wars End (Princeton, 2009): a side that fears the enemy would not honour a
    limited peace (a commitment problem) fights on even while losing, rather than concede;
    Goemans, War and Punishment (Princeton, 2000). It may still settle when a range opens."""
    attacked = s.rung[:, c.reverse] >= c.first_force
    return attacked & (s.threat >= s.existential_threshold[:, c.src])


FAMILY = Bargaining()
