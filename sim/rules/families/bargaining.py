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

import numpy as np

from sim.rules.compile import CompiledScenario
from sim.rules.family import RuleFamily
from sim.rules.pairs import clock_weeks, pairs_of, per_turn, quiet_rung
from sim.rules.state import F32, WorldState
from sim.scenario.rule_parameters import declared

MAX_SHARE = 5.0  # cost over stake of a side with (next to) no stake: it wants out at any cost
FEARON = "Fearon, 'Rationalist Explanations for War', International Organization 49(3), 1995"


def p_win(s: WorldState, c: CompiledScenario) -> np.ndarray:
    """(R, P) the source's perceived chance against the target and its committed coalition."""
    k = s.committed_power[:, c.dst]
    return s.source_strength / (
        s.source_strength + s.target_strength + s.rules["deterrence"][:, None] * k + 1e-6
    )


def learn(s: WorldState, c: CompiledScenario) -> None:
    """Perceived resolve moves toward true resolve where the target stood firm this turn."""
    weeks = clock_weeks(s, c)
    firm = s.rung[:, c.reverse] > quiet_rung(c)  # the target coerces the source (or worse)
    fire = s.rung[:, c.reverse] >= c.first_force
    rate = s.rules["learning"]
    step = per_turn(rate, weeks)[:, None] * firm
    step = np.where(fire, per_turn(1 - (1 - rate) ** 2, weeks)[:, None], step)
    if not step.any():
        return
    truth = s.resolve[:, c.dst]
    s.perceived_resolve = (s.perceived_resolve + step * (truth - s.perceived_resolve)).astype(F32)
    s.target_strength = (s.target_power * s.perceived_resolve).astype(F32)


def demands(s: WorldState, c: CompiledScenario) -> tuple[np.ndarray, np.ndarray]:
    """(R, P) each dyad source's demand d = p - c / V (unclipped; -1e3 without a stake) and its
    cost share c / V (at most ``MAX_SHARE``).

    V is the issue as the utility values it (the gain term's 3 x resolve x stake), c the cost of
    continuing at the pair's level as the utility weighs it, plus war weariness."""
    level = np.maximum(s.rung, s.rung[:, c.reverse]).astype(np.int64)  # the pair's level
    cost = s.cost_weight * c.rung_cost[level] + s.weariness_weight * (level / c.top)
    stake = s.claim_stake + s.holder_stake
    value = 3.0 * s.resolve[:, c.src] * stake
    share = np.minimum(cost / np.maximum(value, 1e-3), MAX_SHARE)
    demand = np.where(value > 1e-3, p_win(s, c) - share, -1e3)
    return demand.astype(F32), share.astype(F32)


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
        demand, share = demands(s, c)
        fit = np.clip(demand, -1.0, 1.0)
        s.demand = fit.astype(F32)
        s.bargaining_surplus = (1.0 - fit[:, P.a] - fit[:, P.b]).astype(F32)
        pressure = share[:, P.a] + share[:, P.b]
        s.settlement_pressure = np.where(s.bargaining_surplus >= 0, pressure, 0).astype(F32)
        face = s.rules["audience_cost"][:, None] * s.rung / F32(c.top)
        s.wants_out = (demand < -face) & ~fights_for_survival(s, c)


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
