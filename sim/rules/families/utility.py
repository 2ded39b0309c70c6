"""Utility terms: what an actor weighs when it scores a move (docs/model.md section 6).

``update`` computes, once per turn for every dyad and world, the weight of each term (deterrence
and costs from the coalition, pressure and obligations from commitments, domestic opinion from
threat). Each ``UtilityTerm`` declares its parts (weight x shape of the candidate rung); the choice
family's kernel adds the terms in registry order (then within a family in declaration order).
"""

from __future__ import annotations

import numpy as np

from sim.rules.compile import CompiledScenario
from sim.rules.families.bargaining import fights_for_survival
from sim.rules.families.threat import max_threat
from sim.rules.family import (
    RuleFamily,
    UtilityTerm,
    backing_down,
    capped,
    fraction,
    move_size,
    per_rung,
)
from sim.rules.state import F32, WorldState
from sim.scenario.rule_parameters import declared

MULTIPLIERS = (
    "assumption: multipliers 3, 1.6, 4 and 0.7 set so that defenders match coercion, claimants "
    "coerce in proportion to resolve and (lack of) deterrence, and force is rare without a stake "
    "or an attack"
)


def update_weights(s: WorldState, c: CompiledScenario) -> None:
    """Per-dyad weights of the terms (gain, cost, economic, response, obligation, domestic)."""
    rules = s.rules
    k_d = s.committed_power[:, c.dst]
    p_win = s.source_strength / (
        s.source_strength + s.target_strength + rules["deterrence"][:, None] * k_d + 1e-6
    )
    s.gain_weight = s.claim_value * p_win
    adversary = (s.target_power + k_d) / (s.source_power + s.target_power + k_d + 1e-6)
    s.cost_weight = s.cost_base * (0.5 + adversary)
    defending = at_war_defending(s, c)
    if defending.any():  # the attacked state bears the war's cost whether it answers or not
        refund = np.where(defending, rules["defence_cost"][:, None], F32(1.0))
        s.cost_weight = (s.cost_weight * refund).astype(F32)
    # pressure: what the rival is perceived to do to me, or to a partner I have honoured a pledge to
    press = np.clip(s.perceived_rung[:, c.reverse], 0, c.top)
    if len(c.obligation_dyad):
        k = c.obligation_link
        on_partner = np.clip(s.perceived_rung[:, c.obligation_attack], 0, c.top)
        weight = np.where(s.honoured[:, k], F32(1.0), F32(0.3))
        press = np.maximum(press, c.obligations_by_dyad.max(weight * on_partner))
        active = s.triggered[:, k] & s.honoured[:, k]
        s.obligation_rung = c.obligations_by_dyad.max(
            (active * s.rung[:, c.obligation_attack]).astype(F32)
        )
    else:
        s.obligation_rung = np.zeros_like(press)
    for b, granted in zip(c.basing, s.basing_granted, strict=True):
        # the attacker treats a host granting bases as taking part
        host = granted[:, None] * b.share * s.rung[:, b.pairs[:, 1]].astype(F32)
        press = np.maximum(press, b.segments.max(host.astype(F32)))
    s.pressure = press.astype(F32)
    # answering in kind; under armed attack, self-defence is not optional (UN Charter, Art. 51)
    s.response_weight = (
        rules["reciprocity"][:, None] * ((0.3 + s.threat) * 1.6 + 1.5 * s.self_defence)
    ).astype(F32)
    # a state under armed attack has already lost that trade: economic costs no longer hold it back
    peace = (~s.self_defence).astype(F32)
    s.blockade_weight = s.blockade_exposure * peace
    s.sanctions_weight = s.sanctions_exposure * peace
    s.obligation_weight = (rules["obligation"][:, None] * 4.0 * (s.obligation_rung > 0)).astype(F32)
    relax = np.exp(-s.opinion_relaxation * max_threat(s, c))
    s.domestic_weight = (3.0 * s.domestic_constraint * relax)[:, c.src].astype(F32)


def at_war_defending(s: WorldState, c: CompiledScenario) -> np.ndarray:
    """(R, P) the dyad's source is at war because the target waged it: the target has reached a
    rung of the full-scale-war class toward it in this crisis (an invasion, a sustained campaign;
    like the self-defence licence, this holds while the crisis runs), or its attack threatens the
    source's existence (``fights_for_survival``). Weighs only ``defence_cost`` of its escalation
    cost."""
    return c.war_rung[s.peak[:, c.reverse]] | fights_for_survival(s, c)


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
