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

The decision is two compiled loops (numba) over each world's live links and their trigger tests:
``_arguments`` sums the terms and gives the logistic's arguments, numpy exponentiates them in one
pass, ``_choose`` picks the level and updates the decision. Arithmetic is float32, as the rules
were defined (float32 constants: numba would promote a Python float to float64), and the float32
log and exp stay in numpy, whose vectorised results may differ from libm's in the last bit: the
results are those of the former numpy code to the byte, compiled or with ``NUMBA_DISABLE_JIT=1``.
"""

from __future__ import annotations

import numba
import numpy as np

from sim.rules.cache import per_arrays
from sim.rules.compile import LEVEL, SUPPORT_WEIGHT, CompiledScenario
from sim.rules.events import Event
from sim.rules.families.threat import opinion_relief
from sim.rules.family import RuleFamily
from sim.rules.jit import simplified
from sim.rules.state import F32, WorldState
from sim.scenario.rule_parameters import declared
from sim.scenario.schema import SUPPORT_LEVELS

# Reference situation on which every term is centred (assumptions, docs/model.md).
REF_OPINION = 0.3  # the reference public's reluctance (the library's US value)
# the terms of the decision, in the order they are summed and explained (weights support_<term>)
TERMS = ("interest", "cost", "partner_fights", "entrapment", "opinion", "reputation")
_WEIGHT_KEYS = tuple(f"support_{t}" for t in TERMS)  # each term's weight among the rule values
STATEMENT = LEVEL["statement"]
# float32 constants: the rules compute in float32, and numba keeps float32 only between float32s
_0, _1, _2, _HALF, _07 = F32(0.0), F32(1.0), F32(2.0), F32(0.5), F32(0.7)
_REF, _CLIP, _TINY = F32(REF_OPINION), F32(60.0), F32(1e-6)


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def _public(s: WorldState, c: CompiledScenario) -> np.ndarray:
    """(R, N) each actor's public reluctance, relaxed by the strongest threat it feels."""
    return s.domestic_constraint * opinion_relief(s, c)


@numba.njit(cache=True, nogil=True, inline="always")
def _attacker(
    r: int, dq: int, back: int, a: int, g: int, guard: int, ld: int, nuclear: bool,
    w: np.ndarray, rung: np.ndarray, violent: np.ndarray, power: np.ndarray,
    risk: np.ndarray, trade: np.ndarray, threat: np.ndarray,
) -> tuple[float, float, float, float]:  # fmt: skip
    """The attacker-specific terms (interest, cost, partner_fights, entrapment) of one trigger
    test (attacker dyad ``dq``, the partner's dyad ``back`` toward it) in world r, in float32."""
    # stake: the guarantor's own threat from the attacker (a shared enemy) and its trade with the
    # partner
    shared = threat[r, guard] if guard >= 0 else _0
    stake = min(shared + (trade[r, ld] if ld >= 0 else _0), _1)
    interest = w[r, 0] * (_2 * stake - _1)
    # costs: the attacker's power against the guarantor's, worse if the attacker is nuclear-armed
    adv = power[r, a] / (power[r, a] + power[r, g])
    tolerance = _1 - _07 * risk[r, g]
    cost = -w[r, 1] * tolerance * (_2 * adv - _1 + _HALF * (_1 if nuclear else _0))
    # the partner's fight: does it answer the attack in kind (buck-passing otherwise)?
    answer = min(F32(rung[r, back]) / F32(max(rung[r, dq], 1)), _1)
    fights = -w[r, 2] * (_1 - answer)
    # entrapment: the partner used force first (it has ended more turns at a violent rung)
    started = violent[r, back] > violent[r, dq]
    entrap = -w[r, 3] * (_1 if started else _0)
    return interest, cost, fights, entrap


@numba.njit(cache=True, nogil=True, inline="always")
def _strongest(
    out: np.ndarray, r: int, g: int, ld: int, lo: int, hi: int, t_dyad: np.ndarray,
    t_rung: np.ndarray, t_guard: np.ndarray, src: np.ndarray, reverse: np.ndarray,
    nuclear: np.ndarray, w: np.ndarray, rung: np.ndarray, violent: np.ndarray,
    power: np.ndarray, risk: np.ndarray, trade: np.ndarray, threat: np.ndarray,
) -> None:  # fmt: skip
    """out[:4] = the attacker-specific terms of a link (trigger tests lo:hi) in world r, from the
    attacker that makes the strongest case: the fired test with the largest total (on a tie, each
    term is its largest over the tied tests); 0 where no test fired."""
    out[:4] = _0
    best = -np.inf
    for q in range(lo, hi):
        dq = t_dyad[q]
        if rung[r, dq] < t_rung[q]:
            continue
        a = src[dq]
        v = _attacker(
            r, dq, reverse[dq], a, g, t_guard[q], ld, nuclear[a],
            w, rung, violent, power, risk, trade, threat,
        )  # fmt: skip
        total = _0 + v[0] + v[1] + v[2] + v[3]
        if total > best:
            best = total
            for t in range(4):
                out[t] = v[t]
        elif total == best:
            for t in range(4):
                if v[t] > out[t]:  # the first of equal values stays (as a grouped maximum)
                    out[t] = v[t]


@simplified
def _arguments(
    live: np.ndarray, lc: np.ndarray, public: np.ndarray, w: np.ndarray, partial: np.ndarray,
    rung: np.ndarray, violent: np.ndarray, power: np.ndarray, risk: np.ndarray,
    trade: np.ndarray, threat: np.ndarray, offsets: np.ndarray, t_dyad: np.ndarray,
    t_rung: np.ndarray, t_guard: np.ndarray, src: np.ndarray, reverse: np.ndarray,
    nuclear: np.ndarray, link_g: np.ndarray, link_dyad: np.ndarray, link_rep: np.ndarray,
    link_support: np.ndarray, explain: bool, shown: np.ndarray,
) -> np.ndarray:  # fmt: skip
    """(live links, levels) the logistic's arguments -clip(z) and -clip(z + partial discount of
    each level above a statement) of the live links in row order (0 where not offered), with
    z = logit(credibility) + the terms (``lc``: the logits, same order). The caller exponentiates
    them in one numpy pass, so that the float32 exp is numpy's (numba's may differ in the last
    bit). When ``explain``, world 0's terms go to ``shown`` (T, K)."""
    R, K = live.shape
    arg = np.zeros((lc.shape[0], len(SUPPORT_WEIGHT) - STATEMENT), dtype=np.float32)
    terms = np.empty(len(TERMS), dtype=np.float32)
    i = -1
    for r in range(R):
        for k in range(K):
            if not live[r, k]:
                continue
            i += 1
            g = link_g[k]
            _strongest(
                terms, r, g, link_dyad[k], offsets[k], offsets[k + 1], t_dyad, t_rung, t_guard,
                src, reverse, nuclear, w, rung, violent, power, risk, trade, threat,
            )  # fmt: skip
            # domestic opinion: the guarantor's public reluctance, relaxed by the threat it feels
            terms[4] = -w[r, 4] * _2 * (public[r, g] - _REF)
            # reputation: the guarantor's other commitments watch how it treats this one
            terms[5] = w[r, 5] * link_rep[k]
            total = _0
            for t in range(len(TERMS)):
                total += terms[t]
                if explain and r == 0:
                    shown[t, k] = terms[t]
            z = lc[i] + total
            arg[i, 0] = -min(max(z, -_CLIP), _CLIP)
            full = max(SUPPORT_WEIGHT[link_support[k]], _TINY)
            for lv in range(STATEMENT + 1, link_support[k] + 1):
                cheaper = partial[r] * (_1 - SUPPORT_WEIGHT[lv] / full)
                arg[i, lv - STATEMENT] = -min(max(z + cheaper, -_CLIP), _CLIP)
    return arg


@numba.njit(cache=True, nogil=True)
def _choose(
    live: np.ndarray, e: np.ndarray, draw: np.ndarray, refused: np.ndarray,
    link_support: np.ndarray, decided: np.ndarray, level_out: np.ndarray,
    honoured: np.ndarray, chance_out: np.ndarray, new0: np.ndarray,
) -> None:  # fmt: skip
    """Decide every live link from ``e`` = exp of :func:`_arguments`: P(full support), and the
    highest level up to the promised one whose chance exceeds the fixed draw (a statement when
    none does, or when the guarantor refused its bases). A first decision is taken as is, a
    revisited one only rises; ``new0`` (K,) marks world 0's links decided or raised now."""
    R, K = live.shape
    i = -1
    for r in range(R):
        for k in range(K):
            if not live[r, k]:
                continue
            i += 1
            u = draw[r, k]
            chance = _1 / (_1 + e[i, 0])
            level = STATEMENT
            for lv in range(STATEMENT + 1, link_support[k] + 1):
                if u < _1 / (_1 + e[i, lv - STATEMENT]):
                    level = lv
            full = u < chance and not refused[r, k]  # a host that refused its bases stays out
            if refused[r, k]:
                level = STATEMENT
            new = True
            if decided[r, k]:
                new = level > level_out[r, k] or (full and not honoured[r, k])
                level = max(level, int(level_out[r, k]))
                full = full or honoured[r, k]
            level_out[r, k] = level
            honoured[r, k] = full
            if new:
                chance_out[r, k] = chance
            decided[r, k] = True
            if r == 0:
                new0[k] = new


@per_arrays
def _stacked_weights(*weights: np.ndarray) -> np.ndarray:
    """The terms' per-world weights side by side, (R, terms): once per block (and drop)."""
    return np.stack(weights, axis=1)


def decide(s: WorldState, c: CompiledScenario, fired: np.ndarray) -> None:
    """Decide (or revisit) support on every triggered link of the running worlds; ``fired``
    (R, K) marks the links with a trigger test that holds now."""
    live = s.triggered & s.alive[:, None] & fired
    if not np.count_nonzero(live):
        return
    K = live.shape[1]
    threat = s.threat if s.threat is not None else np.zeros((1, 1), dtype=F32)
    guard = c.trigger_guard if s.threat is not None else np.full_like(c.trigger_guard, -1)
    w = _stacked_weights(*(s.rules[k] for k in _WEIGHT_KEYS))
    shown = np.zeros((len(TERMS), K) if s.explain else (1, 1), dtype=F32)
    arg = _arguments(
        live, _logit(s.credibility[live]), _public(s, c), w, s.rules["support_partial"], s.rung,
        s.violent_turns, s.power, s.risk_tolerance, s.trade_dependence, threat,
        c.triggers_by_link.offsets, c.trigger_dyad, c.trigger_rung, guard, c.src, c.reverse,
        c.nuclear_ok, c.link_g, c.link_dyad, c.link_reputation, c.link_support, s.explain, shown,
    )  # fmt: skip
    new0 = np.zeros(K, dtype=bool)
    _choose(
        live, np.exp(arg), s.honour_draw, s.basing_refused, c.link_support, s.decided,
        s.decided_level, s.honoured, s.support_chance, new0,
    )  # fmt: skip
    if s.explain:
        _log(s, c, new0, shown)


def _log(s: WorldState, c: CompiledScenario, new: np.ndarray, shown: np.ndarray) -> None:
    """One event per link whose support was decided or raised this turn in world 0 (``shown``:
    its terms, (T, K))."""
    for k in np.flatnonzero(new):
        g = c.actors[c.link_g[k]]
        parts = ", ".join(f"{n} {float(v):+.2f}" for n, v in zip(TERMS, shown[:, k], strict=True))
        lvl = SUPPORT_LEVELS[int(s.decided_level[0, k])]
        s.log.append(
            Event(
                s.turn,
                "decision",
                g,
                f"{g} decides on {c.link_relation[k]} ({c.actors[c.link_p[k]]}): "
                f"P(full support) {float(s.support_chance[0, k]):.2f} from credibility "
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
