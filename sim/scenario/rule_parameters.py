"""The parameters of the rule families, declared once: name, default, bounds, meaning, source.

This is pure data with no engine imports, so the scenario layer builds the ``rules:`` block of the
scenario format from it (``sim.scenario.schema.Rules``: field, default, range and description come
from here; the JSON Schema and docs/scenario-format.md follow) while each rule family in
``sim/rules/families/`` takes its own with ``parameters = declared(name)``. Adding a parameter to a
family is one entry below (docs/architecture.md, "Add a rule family"): the schema, ``--set``,
sweeps, the docs tables and the per-world values (``state.rules``) pick it up.

The order of :data:`RULE_PARAMETERS` is the order of the ``rules:`` fields and of the draws of the
uncertain ones (a distribution is sampled per world in this order), so a new parameter goes at the
end: moving one changes the results of scenarios that give two rule parameters a distribution.
Every ``source`` is a seed quote, a public reference, or says ``assumption:`` and why.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.scenario.distributions import MAX_NUMBER

__all__ = ["NON_NEGATIVE", "RULE_PARAMETERS", "UNIT", "RuleParameter", "declared"]

NON_NEGATIVE = (0.0, MAX_NUMBER)
"""Bounds of a weight, rate multiplier or noise: 0 up to the largest number a scenario may hold."""
UNIT = (0.0, 1.0)
"""Bounds of a share or a probability (per week, per turn)."""


@dataclass(frozen=True)
class RuleParameter:
    """A number of the ``rules:`` block: name, default, meaning and where it comes from.

    ``source`` is a seed file quote or a public reference, or starts with ``assumption:``.
    ``bounds`` (low, high) is the range a scenario may give it (a distribution must stay inside).
    ``family`` names the rule family that reads it. A parameter in :data:`RULE_PARAMETERS` may be
    set per scenario and with ``--set``; one a plug-in family declares elsewhere takes its default.
    """

    name: str
    default: float
    meaning: str
    source: str
    bounds: tuple[float, float] = NON_NEGATIVE
    family: str = ""


# --- references the sources below quote ----------------------------------------------------------

JERVIS = "Jervis, Perception and Misperception in International Politics (1976)"
MOST_STARR = (
    "Most and Starr, 'Diffusion, Reinforcement, Geopolitics, and the Spread of War', APSR 74(4), "
    "1980; Siverson and Starr, The Diffusion of War: A Study of Opportunity and Willingness "
    "(University of Michigan Press, 1991)"
)
NUCLEAR_DOCTRINES = (
    "China, Statement of 16 October 1964 ('China will never at any time and under any "
    "circumstances be the first to use nuclear weapons'); State Council, China's National Defense "
    "in the New Era (2019); DPRK, Law on the State Policy on Nuclear Forces (8 September 2022: use "
    "when an attack on the state leadership or important strategic objects is launched or "
    "imminent); Russia, Basic Principles of State Policy on Nuclear Deterrence (2020: conventional "
    "aggression 'when the very existence of the state is in jeopardy'); US Nuclear Posture Review "
    "2022 ('only ... in extreme circumstances to defend the vital interests')"
)
SNYDER = (
    "Snyder, 'The Security Dilemma in Alliance Politics', World Politics 36(4), 1984 "
    "(abandonment and entrapment)"
)
MUELLER = (
    "Mueller, 'Trends in Popular Support for the Wars in Korea and Vietnam', APSR 65(2), 1971, and "
    "War, Presidents and Public Opinion (1973): support falls with the log of cumulative "
    "casualties"
)
CONVERGENCE = (
    "Slantchev, 'The Principle of Convergence in Wartime Negotiations', APSR 97(4), 2003; Powell, "
    "'Bargaining and Learning While Fighting', AJPS 48(2), 2004"
)
WILKENFELD = (
    "Wilkenfeld, Young, Asal and Quinn, 'Mediating International Crises: Cross-National and "
    "Experimental Perspectives', JCR 47(3), 2003: mediated crises 'are more likely to end in "
    "agreements'"
)
BEARDSLEY = "Beardsley, The Mediation Dilemma (Cornell, 2011)"
FEARON95 = "Fearon, 'Rationalist Explanations for War', International Organization 49(3), 1995"
FORTNA = "Fortna, Peace Time: Cease-Fire Agreements and the Durability of Peace (Princeton, 2004)"
ICB = (
    "ICB form of outcome (formal agreement, tacit understanding, unilateral act, imposed, faded; "
    "Brecher, Wilkenfeld et al., ICB Data Codebook v12, 2017)"
)


# --- the parameters, in the order of the rules: block ------------------------------------------------

CALIBRATED = (
    "then fitted by the shipped calibration (docs/validation.md, 'The shipped calibration': "
    "wargame calibrate --params scenarios/calibration/default.yaml --folds 5 --workers 2)"
)
"""The provenance of the eleven defaults the shipped calibration fitted to the history deck."""

RULE_PARAMETERS: tuple[RuleParameter, ...] = (
    RuleParameter(
        "temperature",
        0.523204,
        "Logit choice temperature; 0 = always the best move.",
        "McFadden (1974), conditional logit; value: assumption"
        f" (hand-set 0.05); {CALIBRATED}, weakly identified, fold fits 0.26-0.63",
        family="choice",
    ),
    RuleParameter(
        "observation_noise",
        0.4,
        "SD (in rungs) of the noise with which actors observe rivals' rungs.",
        f"{JERVIS}; value: assumption: large enough that fog can start a spiral",
        family="perception",
    ),
    RuleParameter(
        "resolve_noise",
        0.1,
        "SD of the noise on perceived rival resolve.",
        f"{JERVIS}; value: assumption",
        family="perception",
    ),
    RuleParameter(
        "security_dilemma",
        0.3,
        "Threat added per unit of coalition capability partnered against the perceiver.",
        "seed 002: closer ties with G7/NATO 'could lead to increased tensions between Japan "
        "and its neighbouring countries'; Jervis, 'Cooperation under the Security Dilemma', "
        "World Politics 30(2), 1978; value: assumption",
        family="threat",
    ),
    RuleParameter(
        "reciprocity",
        1.0,
        "Weight of answering a rival's rung in kind.",
        "Richardson, Arms and Insecurity (1960): reciprocal escalation",
        family="utility",
    ),
    RuleParameter(
        "deterrence",
        1.0,
        "Weight of the committed coalition in a challenger's calculus.",
        "Schelling, Arms and Influence (1966); Huth, Extended Deterrence and the "
        "Prevention of War (1988)",
        family="utility",
    ),
    RuleParameter(
        "obligation",
        1.0,
        "Weight of an honoured commitment on the guarantor's choice.",
        "seed 000 (alliances and partners); value: assumption",
        family="utility",
    ),
    RuleParameter(
        "cost_scale",
        1.79582,
        "Multiplier on every escalation cost.",
        "assumption: the ladder's costs are relative; 1 keeps them as listed"
        f" (hand-set 1.0); {CALIBRATED}, weakly identified, fold fits 1.2-2.9",
        family="utility",
    ),
    RuleParameter(
        "defence_cost",
        0.588714,
        "Share of the escalation cost a state weighs when it answers a war waged on it (an "
        "attack at a full-scale-war rung, or one that threatens its existence): it bears the "
        "war's cost whether it fights back or not.",
        "Fearon, 'Rationalist Explanations for War', International Organization 49(3), 1995: "
        "the costs of war fall on both sides once it is fought; UN Charter, Art. 51 (self-"
        "defence); Reiter, How Wars End (2009): states fight invasions rather than capitulate; "
        "value: assumption: a state still weighs the cost of escalating beyond the attack, so "
        "less than half is refunded"
        f" (hand-set 0.4); {CALIBRATED}, not identified (flat), fold fits 0.37-0.67",
        family="utility",
        bounds=UNIT,
    ),
    RuleParameter(
        "economic_cost",
        1.0,
        "Weight of sea-lane and trade exposure in costs.",
        "seed 000: Japan 'owes its economic and energy survival to the maritime routes'; "
        "value: assumption",
        family="utility",
    ),
    RuleParameter(
        "inertia",
        0.15,
        "Cost of changing rung at all (status-quo bias).",
        "assumption: status-quo bias",
        family="utility",
    ),
    RuleParameter(
        "audience_cost",
        0.4,
        "Cost of backing down, times the rung left (Fearon 1994 audience costs).",
        "Fearon, 'Domestic Political Audiences and the Escalation of International "
        "Disputes', APSR 88(3), 1994; value: assumption",
        family="utility",
    ),
    RuleParameter(
        "threat_memory",
        0.7,
        "Share of last turn's threat kept (0 = no memory).",
        "assumption: threat builds over a few turns rather than at once",
        family="threat",
        bounds=UNIT,
    ),
    RuleParameter(
        "opportunism",
        0.02,
        "Horizontal escalation: rate (per 30 days) at which a dormant rivalry wakes while the "
        "rival is at war elsewhere.",
        f"{MOST_STARR}; value: assumption: joining a neighbour's war is rare (a few per cent "
        "of opportunities), so a small monthly hazard",
        family="theatre",
    ),
    RuleParameter(
        "retaliation",
        2.0,
        "Horizontal escalation: rate (per 30 days) at which an attacker turns on the basing "
        "hosts of a guarantor that has used force against it.",
        "Cancian, Cancian and Heginbotham, The First Battle of the Next War (CSIS, 2023): "
        "China struck US bases in Japan in most iterations; value: assumption: within weeks "
        "of the guarantor's first strike",
        family="theatre",
    ),
    RuleParameter(
        "second_front",
        0.02,
        "Horizontal escalation: rate (per 30 days) at which an ally of a belligerent opens a "
        "dormant rivalry against the enemy's side.",
        f"{MOST_STARR}: warring alliance partners are the main channel of diffusion; value: "
        "assumption: as rare as opportunism",
        family="theatre",
    ),
    RuleParameter(
        "last_resort",
        2.0,
        "Value of a nuclear rung to an actor whose existence is at stake (its homeland "
        "struck, threat at its existential threshold), times the attacker's share of power; "
        "also of answering nuclear use in kind.",
        NUCLEAR_DOCTRINES + "; value: assumption: about the extra cost of the nuclear rung over "
        "homeland strikes for a weak, risk-tolerant actor, so that first use is a live "
        "option only for a state that is losing a war on its own territory",
        family="nuclear",
    ),
    RuleParameter(
        "support_interest",
        0.611954,
        "Weight of the guarantor's stake: its own threat from the attacker and its trade with "
        "the partner.",
        "Walt, The Origins of Alliances (1987): balance of threat; Fordham, 'Trade and "
        "Asymmetric Alliances', Journal of Peace Research 47(6), 2010; value: assumption"
        f" (hand-set 0.75); {CALIBRATED}, not identified (flat), fold fits 0.32-1.5",
        family="alliance_decisions",
    ),
    RuleParameter(
        "support_cost",
        1.0,
        "Weight of the attacker's power against the guarantor's (nuclear attackers cost more).",
        f'{SNYDER}; seed 002: \'transition from primarily relying on the "nuclear umbrella" of '
        "the US'; value: assumption",
        family="alliance_decisions",
    ),
    RuleParameter(
        "support_opinion",
        1.0,
        "Weight of the guarantor's public reluctance (relaxed by the threat it feels).",
        "seed 000: 'the reluctance of the Japanese public opinion in the military universe'; "
        "value: assumption",
        family="alliance_decisions",
    ),
    RuleParameter(
        "support_partner_fights",
        1.0,
        "Penalty when the partner does not answer the attack in kind (buck-passing).",
        "Christensen and Snyder, 'Chain Gangs and Passed Bucks', International Organization "
        "44(2), 1990; value: assumption",
        family="alliance_decisions",
    ),
    RuleParameter(
        "support_entrapment",
        1.5,
        "Penalty when the partner used force first (the guarantor avoids entrapment).",
        f"{SNYDER}; Kim, 'Why Alliances Entangle But Seldom Entrap States', Security Studies "
        "20(3), 2011; value: assumption",
        family="alliance_decisions",
    ),
    RuleParameter(
        "support_reputation",
        0.5,
        "Weight of the reputation at stake: the guarantor's other commitments watching.",
        "Schelling, Arms and Influence (1966): the interdependence of commitments; value: "
        "assumption",
        family="alliance_decisions",
    ),
    RuleParameter(
        "support_partial",
        1.5,
        "How much likelier a guarantor is to give less than it promised (per unit of support "
        "weight saved).",
        "Leeds, Long and Mitchell, 'Reevaluating Alliance Reliability', Journal of Conflict "
        "Resolution 44(5), 2000 (partial fulfilment); value: assumption",
        family="alliance_decisions",
    ),
    RuleParameter(
        "weariness",
        0.306296,
        "War weariness: weight of ln(1 + weeks x cost borne) on every rung's utility.",
        f"{MUELLER}; Slantchev, 'The Principle of Convergence in Wartime Negotiations', "
        "APSR 97(4), 2003 (costs of continuing); value: assumption: after ten weeks of "
        "blockade-level crisis (ln(1 + C) near 2) it weighs like the domestic term of a "
        "reluctant public"
        f" (hand-set 0.3); {CALIBRATED}, weakly identified, fold fits 0.12-0.63",
        family="weariness",
    ),
    RuleParameter(
        "learning",
        0.2,
        "Share of the gap between perceived and true resolve closed per week a rival "
        "stands firm (twice that under fire).",
        f"{CONVERGENCE}; value: assumption: a misperception halves in about three weeks "
        "of standing firm",
        family="bargaining",
        bounds=UNIT,
    ),
    RuleParameter(
        "settlement_rate",
        0.0566985,
        "Weekly chance that a pair with an open settlement range settles, times "
        "1 - exp(-pressure) (what continuing costs both sides over their stakes).",
        f"{FEARON95} (a range of deals exists unless optimism exceeds costs); {FORTNA} "
        "(cease-fires after fighting); value: assumption: a confrontation that costs both "
        "sides their stakes settles in about five weeks; a cheap grey-zone standoff runs "
        "for many months"
        f" (hand-set 0.3); {CALIBRATED}, weakly identified, fold fits 0.021-0.088",
        family="settlement",
        bounds=UNIT,
    ),
    RuleParameter(
        "concession_rate",
        0.0444663,
        "Weekly chance that a side for which continuing is worth less than backing down concedes.",
        f"{ICB}: unilateral acts end many crises; Fearon, 'Domestic Political Audiences "
        "and the Escalation of International Disputes', APSR 88(3), 1994 (backing down costs "
        "face); value: assumption: as fast as a settlement"
        f" (hand-set 0.15); {CALIBRATED}, weakly identified, fold fits 0.036-0.093",
        family="settlement",
        bounds=UNIT,
    ),
    RuleParameter(
        "mediation_rate",
        0.05,
        "Weekly chance that an eligible third party of full standing starts mediating.",
        f"{WILKENFELD}; value: assumption: mediation is the exception, not the rule, in "
        "ICB crises (a full-standing mediator starts in about one week in twenty)",
        family="mediation",
        bounds=UNIT,
    ),
    RuleParameter(
        "mediation_effect",
        2.0,
        "Multiplier on the settlement rate while a dispute is mediated.",
        f"{WILKENFELD}; {BEARDSLEY}; value: assumption: the direction is sourced, the size is not",
        family="mediation",
    ),
    RuleParameter(
        "concession_share",
        0.0599044,
        "Share of the issue below which a side's settlement is its unilateral concession.",
        f"{FEARON95} (the deal reflects the balance); {ICB}: a unilateral act ends a crisis "
        "when one side gives in; value: assumption: a side left with less than a sixth of "
        "the issue has capitulated"
        f" (hand-set 0.15); {CALIBRATED}, not identified (flat), fold fits 0.095-0.3",
        family="settlement",
        bounds=UNIT,
    ),
    RuleParameter(
        "direct_agreement",
        0.431983,
        "Share of unmediated settlements that are formal agreements (else tacit).",
        f"{ICB}; value: assumption: no source ranks formal against tacit endings of "
        "unmediated crises, so even odds"
        f" (hand-set 0.5); {CALIBRATED}, weakly identified, fold fits 0.47-0.87",
        family="settlement",
        bounds=UNIT,
    ),
    RuleParameter(
        "imposition_rate",
        0.1,
        "Weekly chance that a far stronger neutral third party imposes an end to fighting.",
        f"{ICB} ('imposed'); value: assumption: pressure takes weeks to bite",
        family="settlement",
        bounds=UNIT,
    ),
    RuleParameter(
        "imposition_ratio",
        1.5,
        "How many times stronger than the stronger party a third party must be to "
        "impose an ending.",
        "ICB form of outcome 'imposed' (Brecher and Wilkenfeld, A Study of Crisis, 1997); "
        "value: assumption: only a clearly superior power can impose",
        family="mediation",
    ),
    RuleParameter(
        "calendar_time",
        0.192028,
        "How a turn counts on the clock of the weekly crisis-ending rates (settlement, "
        "concession, mediation, imposition, learning, weariness and fading): a turn of d weeks "
        "counts as d ** calendar_time weeks. 1: calendar time (a crisis played in days ends at "
        "the pace of one played in months); 0: decision time (every turn is one round of "
        "decisions, however long).",
        f"{FEARON95} and Powell, 'Bargaining and Learning While Fighting', AJPS 48(2), 2004, "
        "model crisis bargaining in rounds of offers, not in calendar time; ICB defines a crisis "
        "by a 'finite time for response' (Brecher and Wilkenfeld, A Study of Crisis, 1997), so "
        "the pace of decisions is part of the crisis, and a scenario's turn length is its "
        "author's reading of that pace; value: assumption: 0, measured on the history deck "
        "(docs/validation.md: with 1, incident crises played in days ran to the turn limit) "
        f"(hand-set 0); {CALIBRATED}, weakly identified, fold fits 0.0089-0.11",
        family="settlement",
        bounds=UNIT,
    ),
    RuleParameter(
        "fade_weeks",
        4.89716,
        "Weeks with no active, unresolved crisis after which the crisis has faded.",
        f"{ICB} ('faded'); value: assumption: the calm stops of the shipped scenarios "
        "use three to four weeks"
        f" (hand-set 4.0); {CALIBRATED}, not identified (flat), fold fits 1.8-5.8",
        family="settlement",
    ),
)


def declared(family: str) -> tuple[RuleParameter, ...]:
    """The parameters of ``family`` (its ``parameters``), in declaration order."""
    return tuple(p for p in RULE_PARAMETERS if p.family == family)
