"""Utility terms: what an actor weighs when it scores a move (docs/model.md section 6).

``update`` computes, once per turn for every dyad and world, the weight of each term (deterrence
and costs from the coalition, pressure and obligations from commitments, domestic opinion from
threat). Each ``UtilityTerm`` declares its parts (weight x shape of the candidate rung); the choice
family's kernel adds the terms in registry order (then within a family in declaration order).
"""

from __future__ import annotations

import numba
import numpy as np

from sim.rules.compile import CompiledScenario
from sim.rules.families.threat import opinion_relief
from sim.rules.family import (
    RuleFamily,
    UtilityTerm,
    backing_down,
    capped,
    fraction,
    move_size,
    per_rung,
)
from sim.rules.segments import columns
from sim.rules.state import F32, WorldState
from sim.scenario.rule_parameters import declared

MULTIPLIERS = (
    "assumption: multipliers 3, 1.6, 4 and 0.7 set so that defenders match coercion, claimants "
    "coerce in proportion to resolve and (lack of) deterrence, and force is rare without a stake "
    "or an attack"
)


def update_weights(s: WorldState, c: CompiledScenario) -> None:
    """Per-dyad weights of the terms (gain, cost, economic, response, obligation, domestic).

    The per-dyad arithmetic is one compiled loop (``_weights``), in float32 as the numpy
    expressions it replaced (the response weight in float64, then rounded), so results are the
    same bit for bit; the basing hosts and the domestic weight (a float32 ``exp``) stay numpy."""
    rules = s.rules
    R, P = s.rung.shape
    out = [np.empty((R, P), F32) for _ in range(8)]
    s.weighed = np.empty((R, P), dtype=bool)
    seg = c.obligations_by_dyad  # a dyad's pledges: offsets[d]:offsets[d + 1] (none: empty)
    ob = (seg.offsets, c.obligation_link, c.obligation_attack)
    _weights(
        s.committed_power, c.src, c.dst, c.reverse, s.source_strength, s.target_strength,
        rules["deterrence"], s.claim_value, s.target_power, s.source_power, s.cost_base,
        rules["defence_cost"], c.war_rung, s.peak, s.rung, c.first_force, s.threat,
        s.existential_threshold, s.perceived_rung, c.top, *ob, s.honoured, s.triggered,
        rules["reciprocity"], s.self_defence, s.blockade_exposure, s.sanctions_exposure,
        rules["obligation"], s.highest_rung, s.explain, s.alive, s.weighed, *out,
    )  # fmt: skip
    gain, cost, press, ob_rung, response, blockade, sanctions, ob_weight = out
    s.gain_weight, s.cost_weight, s.obligation_rung = gain, cost, ob_rung
    for b, granted in zip(c.basing, s.basing_granted, strict=True):
        # the attacker treats a host granting bases as taking part
        host = granted[:, None] * b.share * s.rung[:, b.pairs[:, 1]].astype(F32)
        b.segments.raise_to_max(press, host.astype(F32))  # press is not negative
    s.pressure = press.astype(F32, copy=False)
    s.response_weight = response
    s.blockade_weight, s.sanctions_weight = blockade, sanctions
    s.obligation_weight = ob_weight
    relax = opinion_relief(s, c)
    s.domestic_weight = columns(
        (3.0 * s.domestic_constraint * relax).astype(F32, copy=False), c.src
    )


_TINY, _HALF, _LOW, _ONE = F32(1e-6), F32(0.5), F32(0.3), F32(1.0)
_RESP, _FOUR, _ZERO = F32(1.6), F32(4.0), F32(0.0)


@numba.njit(cache=True, nogil=True)
def _weights(
    committed, src, dst, reverse, ss, ts, deterrence, claim, tp, sp, cost_base, defence_cost,
    war_rung, peak, rung, first_force, threat, existential, perceived, top, ob_offsets, ob_link,
    ob_attack, honoured, triggered, reciprocity, self_defence, blockade_exposure,
    sanctions_exposure, obligation, highest, explain, alive, weighed, gain, cost, press, ob_rung,
    response, blockade, sanctions, ob_weight,
):  # fmt: skip
    """Every world's per-dyad weights (docs/model.md 6):
    - gain: claim value x the chance of winning against the rival and its backers (deterrence);
    - cost: cost base x (0.5 + the adversary's share of power), x ``defence_cost`` for a state
      a war is waged on, answering or not (the rival reached a full-scale-war rung toward it in
      this crisis, or its attack threatens its existence: ``bargaining.fights_for_survival``);
    - pressure: what the rival is perceived to do to me, or to a partner I pledged to (weight 1
      once honoured, 0.3 before); the obligation level: the partner's attacker's rung on it;
    - response: reciprocity x ((0.3 + threat) x 1.6 + 1.5 under armed attack), UN Charter Art. 51;
    - economic: blockade and sanctions exposure, none left under armed attack (trade is lost);
    - obligation: 4 x obligation while a fired, honoured pledge has a level.

    Only the cost is weighed on a dormant dyad (rung 0, no rung above allowed: one move, no
    weight read; bargaining reads every cost), its other weights 0 and ``weighed`` False, so the
    choice can tell if a later family woke it; ``explain`` weighs every dyad. An ended world
    weighs nothing."""
    R, P = rung.shape
    ftop = np.float32(top)
    for r in range(R):
        _unweighed(r, gain, press, response, blockade, sanctions, ob_weight)
        if not alive[r]:  # its moves are not chosen (choice)
            for d in range(P):
                weighed[r, d] = False
                cost[r, d] = ob_rung[r, d] = _ZERO
            continue
        for d in range(P):
            q = reverse[d]
            kd = committed[r, dst[d]]
            adversary = (tp[r, d] + kd) / (sp[r, d] + tp[r, d] + kd + _TINY)
            c = cost_base[r, d] * (_HALF + adversary)
            attacked = rung[r, q] >= first_force
            if war_rung[peak[r, q]] or (attacked and threat[r, d] >= existential[r, src[d]]):
                c = c * defence_cost[r]
            cost[r, d] = c
            ob_rung[r, d] = _ZERO
            weighed[r, d] = explain or rung[r, d] > 0 or highest[r, d] > 0
            if not weighed[r, d]:
                continue
            p_win = ss[r, d] / (ss[r, d] + ts[r, d] + deterrence[r] * kd + _TINY)
            gain[r, d] = claim[r, d] * p_win
            press[r, d] = min(max(perceived[r, q], _ZERO), ftop)
            sd = self_defence[r, d]
            respond = np.float32((_LOW + threat[r, d]) * _RESP)
            respond64 = float(respond) + (1.5 if sd else 0.0)
            response[r, d] = np.float32(float(reciprocity[r]) * respond64)
            peace = _ZERO if sd else _ONE
            blockade[r, d] = blockade_exposure[r, d] * peace
            sanctions[r, d] = sanctions_exposure[r, d] * peace
            if ob_offsets[d] < ob_offsets[d + 1]:
                _pledges(
                    r, d, ob_offsets[d], ob_offsets[d + 1], ob_link, ob_attack, honoured,
                    triggered, perceived, rung, ftop, press, ob_rung,
                )  # fmt: skip
            ob_weight[r, d] = obligation[r] * _FOUR if ob_rung[r, d] > 0 else _ZERO


@numba.njit(cache=True, nogil=True, inline="always")
def _unweighed(r, gain, press, response, blockade, sanctions, ob_weight):  # fmt: skip
    """World ``r``'s weights as a dormant dyad keeps them (0), the whole row in a pass of its
    own: ``_weights`` then writes them only where it weighs (a tenth of the dyads), and takes
    11 ns a dyad instead of 19-20 with these six stores in its most taken branch (in a whole
    Taiwan block, where its inputs come from memory: 24.4-25.3 -> 20.7-23.3 us a world)."""
    for d in range(gain.shape[1]):
        gain[r, d] = press[r, d] = response[r, d] = _ZERO
        blockade[r, d] = sanctions[r, d] = ob_weight[r, d] = _ZERO


@numba.njit(cache=True, nogil=True, inline="always")
def _pledges(
    r, d, start, end, ob_link, ob_attack, honoured, triggered, perceived, rung, ftop, press,
    ob_rung,
):  # fmt: skip
    """The pledges ``start:end`` of dyad d (weighed) in world r: the pressure felt on a partner's
    behalf and the obligation level (see ``_weights``)."""
    best = _ZERO
    level = _ZERO
    for i in range(start, end):
        k = ob_link[i]
        a = ob_attack[i]
        weight = _ONE if honoured[r, k] else np.float32(0.3)
        on_partner = min(max(perceived[r, a], _ZERO), ftop)
        best = max(best, weight * on_partner)
        if triggered[r, k] and honoured[r, k]:
            level = max(level, np.float32(rung[r, a]))
    press[r, d] = max(press[r, d], best)
    ob_rung[r, d] = level


def _rule(name: str):
    """The per-world weight of rule parameter ``name``."""
    return lambda s: s.rules[name]


# each term's parts: weight x shape of the candidate rung L (sim/rules/family.py)
GAIN = (per_rung(lambda s: s.gain_weight, lambda c: c.rung_tables.gain),)  # gain . g(L)
DOMESTIC = (fraction(lambda s: s.domestic_weight),)  # public reluctance . L/top
COST = (per_rung(lambda s: s.cost_weight, lambda c: c.rung_tables.cost),)  # cost . c(L)
ECONOMIC = (  # sea-lane exposure to blockade rungs, trade exposure to sanctions rungs
    per_rung(lambda s: s.blockade_weight, lambda c: c.rung_tables.blockade),
    per_rung(lambda s: s.sanctions_weight, lambda c: c.rung_tables.sanctions),
)
RESPONSE = (capped(lambda s: s.response_weight, lambda s: s.pressure),)  # up to the rival's rung
OBLIGATION = (capped(lambda s: s.obligation_weight, lambda s: s.obligation_rung),)
INERTIA = (  # status-quo bias; backing down costs face in proportion to the rung left
    move_size(_rule("inertia")),
    backing_down(_rule("audience_cost")),
)


class Utility(RuleFamily):
    """The terms of a move's utility and their per-turn weights."""

    name = "utility"
    summary = "deterrence, costs, economic exposure, response, obligation, opinion, inertia"
    parameters = declared(name)
    state_fields = (
        "gain_weight",
        "cost_weight",
        "blockade_weight",
        "sanctions_weight",
        "pressure",
        "response_weight",
        "obligation_rung",
        "obligation_weight",
        "domestic_weight",
        "weighed",
    )
    # the order in which the terms are added (floating-point sums depend on it)
    terms = (
        UtilityTerm(
            "gain",
            +1,
            GAIN,
            "gain · g(L): coercive value of the claim, after deterrence",
            "Schelling (1966); Huth (1988); " + MULTIPLIERS,
        ),
        UtilityTerm(
            "domestic",
            -1,
            DOMESTIC,
            "domestic · L/top: public reluctance, relaxed by threat",
            "seed 000: 'the reluctance of the Japanese public opinion in the military universe'",
            listed_before="inertia",
        ),
        UtilityTerm(
            "cost",
            -1,
            COST,
            "cost · c(L): escalation cost against the rival's coalition",
            "Kahn, On Escalation (1965) for the ladder; costs: assumption",
        ),
        UtilityTerm(
            "economic",
            -1,
            ECONOMIC,
            "economic(L): sea-lane (blockade) and trade (sanctions) exposure",
            "seed 000: maritime routes; trade dependence from the library's economic ties",
        ),
        UtilityTerm(
            "response",
            +1,
            RESPONSE,
            "resp · min(L, press)/top: answer the rival in kind",
            "Richardson (1960); UN Charter, Art. 51 (self-defence)",
        ),
        UtilityTerm(
            "obligation",
            +1,
            OBLIGATION,
            "oblig · min(L, obligation level)/top: honour a fired commitment",
            "seed 000 (alliances and partners); " + MULTIPLIERS,
        ),
        UtilityTerm(
            "inertia",
            -1,
            INERTIA,
            "inertia · |move| + audience · [move < 0] · L_now/top: status quo, audience costs",
            "Fearon (1994); inertia: assumption",
        ),
    )

    def update(self, s: WorldState, c: CompiledScenario) -> None:
        """The terms' weights for this turn."""
        update_weights(s, c)


FAMILY = Utility()
