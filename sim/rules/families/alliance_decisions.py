"""Alliance decisions: when a commitment's trigger fires, the guarantor decides whether and how far
to support the partner (docs/model.md, "Alliance decisions").

Credibility is the prior, not the answer:

    z = logit(credibility) + interest + cost + opinion + partner_fights + entrapment + reputation
    P(support at level l) = logistic(z + partial * (1 - w_l / w_promised))

and the guarantor gives the highest level l (up to the promised one) whose probability exceeds the
link's fixed uniform draw u (drawn at setup by the commitments family). The link is *honoured* when
that level is the promised one. Each term is centred on a reference situation (an equal adversary,
a partner that answers the attack in kind and did not start it, a public as reluctant as the
reference 0.3, no other commitment of the guarantor watching), so that credibility keeps its
meaning of "the chance of support in the reference situation" and the honour rate moves with the
situation. The decision is taken when the trigger fires and revisited every turn while the crisis
runs, but support only rises (a guarantor that has gone to war stays); because u is fixed and z
rises with credibility, raising a credibility never lowers support in a world (common random
numbers).

Before any trigger a link is honoured by the prior alone (u < credibility), which is what partners
and adversaries expect: it sets pre-trigger statements and the weight of pressure on a partner.
"""

from __future__ import annotations

import numpy as np

from sim.rules.compile import LEVEL, SUPPORT_WEIGHT, CompiledScenario
from sim.rules.events import Event
from sim.rules.family import RuleFamily
from sim.rules.state import F32, WorldState
from sim.scenario.rule_parameters import declared
from sim.scenario.schema import SUPPORT_LEVELS

# Reference situation on which every term is centred (assumptions, docs/model.md).
REF_OPINION = 0.3  # the reference public's reluctance (the library's US value)


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def _per_link(c: CompiledScenario, values: np.ndarray, fired: np.ndarray) -> np.ndarray:
    """Per link, the largest value over its fired trigger tests (R, K); -inf where none fired."""
    masked = np.where(fired, values, -np.inf).astype(F32)
    return c.triggers_by_link.max(masked, fill=-np.inf)


def decision_terms(s: WorldState, c: CompiledScenario, fired: np.ndarray) -> dict[str, np.ndarray]:
    """The terms of the support decision, each (R, K). ``fired`` (R, Q) marks the trigger tests
    that hold now; attacker-specific terms take the attacker that makes the strongest case."""
    r = s.rules
    q_link, q_dyad = c.trigger_link, c.trigger_dyad
    g = c.link_g[q_link]
    a = c.src[q_dyad]
    back = c.reverse[q_dyad]  # the partner's dyad toward its attacker
    # stake: the guarantor's own threat from the attacker (a shared enemy) and its trade with the
    # partner
    if s.threat is not None:
        guard = np.maximum(c.trigger_guard, 0)
        shared = np.where(c.trigger_guard >= 0, s.threat[:, guard], F32(0.0))
    else:
        shared = np.zeros((s.worlds, len(q_link)), dtype=F32)
    ld = c.link_dyad[q_link]
    trade = np.where(ld >= 0, s.trade_dependence[:, np.maximum(ld, 0)], F32(0.0))
    stake = np.minimum(shared + trade, 1.0)
    interest = r["support_interest"][:, None] * (2 * stake - 1)
    # costs: the attacker's power against the guarantor's, worse if the attacker is nuclear-armed
    adv = s.power[:, a] / (s.power[:, a] + s.power[:, g])
    tolerance = 1 - 0.7 * s.risk_tolerance[:, g]
    nuclear = c.nuclear_ok[a].astype(F32)
    cost = -r["support_cost"][:, None] * tolerance * (2 * adv - 1 + 0.5 * nuclear)
    # the partner's fight: does it answer the attack in kind (buck-passing otherwise)?
    attack = np.maximum(s.rung[:, q_dyad], 1).astype(F32)
    answer = np.minimum(s.rung[:, back].astype(F32) / attack, 1.0)
    fights = -r["support_partner_fights"][:, None] * (1 - answer)
    # entrapment: the partner used force first (it has ended more turns at a violent rung)
    started = s.violent_turns[:, back] > s.violent_turns[:, q_dyad]
    entrap = -r["support_entrapment"][:, None] * started
    attacker_terms = {
        "interest": interest,
        "cost": cost,
        "partner_fights": fights,
        "entrapment": entrap,
    }
    total = sum(attacker_terms.values())
    best = _per_link(c, total, fired)
    # take every attacker-specific term from the attacker with the best total
    choose = np.where(fired, total, -np.inf) >= best[:, q_link]
    out = {
        k: np.nan_to_num(_per_link(c, np.where(choose, v, -np.inf), fired & choose), neginf=0.0)
        for k, v in attacker_terms.items()
    }
    # domestic opinion: the guarantor's public reluctance, relaxed by the threat it feels
    threat = c.dyads_by_actor.max(s.threat) if s.threat is not None else 0 * s.power
    public = s.domestic_constraint * np.exp(-s.opinion_relaxation * threat)
    out["opinion"] = -r["support_opinion"][:, None] * 2 * (public[:, c.link_g] - REF_OPINION)
    # reputation: the guarantor's other commitments watch how it treats this one
    out["reputation"] = r["support_reputation"][:, None] * c.link_reputation
    return {k: v.astype(F32) for k, v in out.items()}


def _logistic(z: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-z)) without overflow (z clipped to +-60: the result is 0 or 1 there)."""
    return 1 / (1 + np.exp(-np.clip(z, -60, 60)))


def support_chance(s: WorldState, terms: dict[str, np.ndarray]) -> np.ndarray:
    """P(the promised support) = logistic(logit(credibility) + sum of the terms), (R, K)."""
    z = _logit(s.credibility) + sum(terms.values())
    return _logistic(z).astype(F32)


def chosen_level(s: WorldState, c: CompiledScenario, z: np.ndarray) -> np.ndarray:
    """Highest support level up to the promised one whose chance exceeds the fixed draw (R, K);
    a statement when none does."""
    partial = s.rules["support_partial"][:, None]
    full = SUPPORT_WEIGHT[c.link_support]
    level = np.full(z.shape, LEVEL["statement"], dtype=np.int8)
    for lv in range(LEVEL["statement"] + 1, len(SUPPORT_LEVELS)):
        offer = lv <= c.link_support
        if not offer.any():
            continue
        cheaper = partial * (1 - SUPPORT_WEIGHT[lv] / np.maximum(full, 1e-6))
        p = _logistic(z + cheaper)
        level = np.where(offer & (s.honour_draw < p), np.int8(lv), level)
    return level


def decide(s: WorldState, c: CompiledScenario, fired: np.ndarray) -> None:
    """Decide (or revisit) support on every triggered link of the running worlds."""
    live = s.triggered & s.alive[:, None] & c.triggers_by_link.any(fired)
    if not live.any():
        return
    terms = decision_terms(s, c, fired)
    z = _logit(s.credibility) + sum(terms.values())
    chance = _logistic(z).astype(F32)
    level = chosen_level(s, c, z)
    full = (s.honour_draw < chance) & ~s.basing_refused  # a host that refused its bases stays out
    level = np.where(s.basing_refused, np.int8(LEVEL["statement"]), level).astype(np.int8)
    first = live & ~s.decided
    again = live & s.decided
    raised = again & ((level > s.decided_level) | (full & ~s.honoured))
    s.decided_level = np.where(
        first, level, np.where(again, np.maximum(level, s.decided_level), s.decided_level)
    ).astype(np.int8)
    s.honoured = np.where(first, full, np.where(again, s.honoured | full, s.honoured))
    s.support_chance = np.where(first | raised, chance, s.support_chance).astype(F32)
    s.decided |= live
    if s.explain:
        _log(s, c, first[0] | raised[0], terms, chance)


def _log(
    s: WorldState,
    c: CompiledScenario,
    new: np.ndarray,
    terms: dict[str, np.ndarray],
    chance: np.ndarray,
) -> None:
    """One event per link whose support was decided or raised this turn in world 0."""
    for k in np.flatnonzero(new):
        g = c.actors[c.link_g[k]]
        parts = ", ".join(f"{n} {float(v[0, k]):+.2f}" for n, v in terms.items())
        lvl = SUPPORT_LEVELS[int(s.decided_level[0, k])]
        s.log.append(
            Event(
                s.turn,
                "decision",
                g,
                f"{g} decides on {c.link_relation[k]} ({c.actors[c.link_p[k]]}): "
                f"P(full support) {float(chance[0, k]):.2f} from credibility "
                f"{float(s.credibility[0, k]):.2f} ({parts}): {lvl}",
            )
        )


class AllianceDecisions(RuleFamily):
    """Support as a decision when a trigger fires (called by the commitments family)."""

    name = "alliance_decisions"
    summary = "a fired commitment is a decision: credibility is the prior, the situation moves it"
    parameters = declared(name)
    state_fields = ("decided", "decided_level", "support_chance")  # and revises `honoured`

    def setup(self, s: WorldState, c: CompiledScenario) -> None:
        """Before any trigger, the prior: the promised level where u < credibility."""
        s.decided = np.zeros(s.honoured.shape, dtype=bool)
        s.decided_level = np.where(s.honoured, c.link_support, LEVEL["statement"]).astype(np.int8)
        s.support_chance = s.credibility.astype(F32).copy()


FAMILY = AllianceDecisions()
