"""How crises end: agreement, tacit stand-down, concession, imposition, fading (model.md, 11.4).

After every turn, each engaged pair that has not ended its confrontation (a pair is *engaged*
when it is active - a rung above the quiet level - or both sides at least protest) may end it, with
one uniform draw per pair and world falling into one of three bands (weekly rates made per turn):

- **imposed**: the pair is fighting and a far stronger neutral presses it (mediation family),
  at ``imposition_rate``;
- **settled**: the settlement range is open (bargaining family), at ``settlement_rate x (1 -
  exp(-pressure))`` (the settlement pressure: costs over stakes), times ``mediation_effect`` while mediated; when both sides want out, at
  least at ``concession_rate`` (a mutual step-down). A mediated settlement is a formal agreement;
  an unmediated one is formal with chance ``direct_agreement``, else a tacit understanding;
- **conceded**: exactly one side wants out, at ``concession_rate``: it backs down.

A settlement splits the surplus (side a gets ``x_a = d_a + surplus / 2`` of the issue); without a
mediator, a side left with less than ``concession_share`` has capitulated: the ending is its
unilateral concession (mediated crises end in compromise: Wilkenfeld et al. 2003). A stake that
cannot be split (a dispute over detained persons, or one declared ``divisible: false``) goes whole
to one side, mediator or not: the side with less than half has conceded (Fearon 1995, "issue
indivisibilities"; a crew is released or it is not).

A settled or imposed pair steps down at once, several rungs if need be, to at most the quiet level
(a face-saving mutual stand-down: neither backs down alone, so neither pays the audience cost of
Fearon 1994). A conceding side drops to cooperation and its rival to at most the quiet level.
An ended pair stays capped at the quiet level while the rest of the crisis runs.

A world's crisis is over when no pair is active and unresolved. It then ends with the ending of
its principal resolved pair (the one that climbed highest), or, if none was resolved, once it has
been over for ``fade_weeks``: it **faded**. The endings family stops the world and classifies it.
"""

from __future__ import annotations

import numpy as np

from sim.rules import streams
from sim.rules.compile import CompiledScenario
from sim.rules.events import Event
from sim.rules.families.bargaining import fights_for_survival
from sim.rules.family import RuleFamily
from sim.rules.pairs import clock_weeks, pairs_of, per_turn, quiet_rung
from sim.rules.state import F32, WorldState
from sim.scenario.history import ENDINGS
from sim.scenario.rule_parameters import declared

FORMAL, TACIT, CONCESSION, IMPOSED, FADED = (
    ENDINGS.index(e)
    for e in (
        "formal_agreement",
        "tacit_understanding",
        "unilateral_concession",
        "imposed",
        "faded",
    )
)
PROTEST = 1


def engaged(s: WorldState, c: CompiledScenario) -> tuple[np.ndarray, np.ndarray]:
    """(R, Q) engaged pairs and active pairs (a rung above the quiet level)."""
    P = pairs_of(c)
    ra, rb = s.rung[:, P.a], s.rung[:, P.b]
    active = np.maximum(ra, rb) > quiet_rung(c)
    return active | ((ra >= PROTEST) & (rb >= PROTEST)), active


def resolve_pairs(s: WorldState, c: CompiledScenario) -> np.ndarray:
    """Draw the pairs that end their confrontation this turn; step their rungs down. Returns the
    (R, Q) mask of pairs resolved now."""
    P = pairs_of(c)
    rules, weeks = s.rules, clock_weeks(s, c)[:, None]
    engage, _ = engaged(s, c)
    open_ = engage & (s.resolution < 0) & s.alive[:, None]
    level = np.maximum(s.rung[:, P.a], s.rung[:, P.b])
    out_a, out_b = s.wants_out[:, P.a], s.wants_out[:, P.b]
    col = lambda k: rules[k][:, None]  # noqa: E731 - a per-world rule as a column
    settle = col("settlement_rate") * (1.0 - np.exp(-s.settlement_pressure))
    settle = np.where(s.mediated, settle * col("mediation_effect"), settle)
    settle = np.where(out_a & out_b, np.maximum(settle, col("concession_rate")), settle)
    settle = np.where(s.bargaining_surplus >= 0, settle, 0.0)
    concede = np.where(out_a ^ out_b, col("concession_rate"), 0.0)
    impose = np.where(s.imposer & (level >= c.first_force), col("imposition_rate"), 0.0)
    p_i, p_s, p_c = (per_turn(x, weeks) for x in (impose, settle, concede))
    u = streams.uniforms(s.key, streams.SETTLE, s.turn, s.world, P.size)
    direct = streams.uniforms(s.key, streams.FORMAL, s.turn, s.world, P.size)
    formal = s.mediated | (direct < col("direct_agreement"))
    imposed = open_ & (u < p_i)
    settled = open_ & ~imposed & (u < p_i + p_s)
    conceded = open_ & ~imposed & ~settled & (u < p_i + p_s + p_c)
    # the deal splits the surplus (x_a = d_a + surplus / 2): a side left with almost nothing
    # capitulates - the settlement is its unilateral concession, not an agreement - unless a
    # mediator brokers a compromise (Wilkenfeld et al. 2003)
    x_a = s.demand[:, P.a] + 0.5 * s.bargaining_surplus
    # an indivisible stake (a detained crew) goes whole to one side: the deal is the concession
    # of the side that got less than half, mediated or not (Fearon 1995)
    whole = c.indivisible_dyad[P.a] | c.indivisible_dyad[P.b]
    floor = np.where(whole, F32(0.5), col("concession_share"))
    alone = settled & (~s.mediated | whole)
    a_gives = alone & (x_a < floor) & (x_a < 1 - x_a)
    b_gives = alone & (1 - x_a < floor) & ~a_gives
    # a side fighting for its survival does not capitulate (Reiter 2009): no deal this turn
    survival = fights_for_survival(s, c)
    void = (a_gives & survival[:, P.a]) | (b_gives & survival[:, P.b])
    settled &= ~void
    a_gives &= ~void
    b_gives &= ~void
    deal = settled & ~a_gives & ~b_gives
    s.resolution = np.where(imposed, IMPOSED, s.resolution).astype(np.int8)
    kind = np.where(formal, FORMAL, TACIT)
    s.resolution = np.where(deal, kind, s.resolution).astype(np.int8)
    gave = conceded | a_gives | b_gives
    s.resolution = np.where(gave, CONCESSION, s.resolution).astype(np.int8)
    a_yields = (conceded & out_a) | a_gives
    b_yields = (conceded & out_b) | b_gives
    stand_down(s, c, imposed | deal, a_yields, b_yields)
    return imposed | settled | conceded


def stand_down(
    s: WorldState,
    c: CompiledScenario,
    mutual: np.ndarray,
    a_yields: np.ndarray,
    b_yields: np.ndarray,
) -> None:
    """Mutual: both sides to at most the quiet level. A side yielding drops to cooperation; its
    rival to at most the quiet level."""
    P = pairs_of(c)
    quiet = np.int8(quiet_rung(c))
    ra, rb = s.rung[:, P.a], s.rung[:, P.b]
    any_end = mutual | a_yields | b_yields
    new_a = np.where(any_end, np.minimum(ra, quiet), ra)
    new_b = np.where(any_end, np.minimum(rb, quiet), rb)
    new_a = np.where(a_yields, 0, new_a)
    new_b = np.where(b_yields, 0, new_b)
    s.rung[:, P.a] = new_a.astype(np.int8)
    s.rung[:, P.b] = new_b.astype(np.int8)


def one_sided(s: WorldState, c: CompiledScenario) -> tuple[np.ndarray, np.ndarray]:
    """(R, Q) masks: side a (resp. b) of the pair was hit by force it never answered with force,
    or, holding a disputed place, was coerced there by the claimant and neither it nor a
    guarantor committed to it ever answered above the quiet level (a fait accompli: the
    claimant's presence on the place, met with protests)."""
    P = pairs_of(c)
    pa, pb = s.peak[:, P.a], s.peak[:, P.b]
    b_hit = pa >= c.first_force  # a has used force on b
    a_hit = pb >= c.first_force
    a_hit, b_hit = a_hit & ~b_hit, b_hit & ~a_hit
    accepted = unanswered_claims(s, c)
    return a_hit | accepted[:, P.b], b_hit | accepted[:, P.a]


def unanswered_claims(s: WorldState, c: CompiledScenario) -> np.ndarray:
    """(R, P) claimant -> holder dyads of a disputed place on which the claimant coerced (peak
    above the quiet level) and no defender (``place_defenders``) answered above it."""
    quiet = quiet_rung(c)
    out = np.zeros(s.peak.shape, dtype=bool)
    for d, defenders in c.place_defenders.items():
        answered = (s.peak[:, defenders] > quiet).any(axis=1)
        out[:, d] = (s.peak[:, d] > quiet) & ~answered
    return out


def unanswered(s: WorldState, c: CompiledScenario) -> np.ndarray:
    """(R,) worlds with an unresolved pair in which one side's use of force, or a claimant's
    coercion on a disputed place, went unanswered (:func:`one_sided`): a calm stop there is that
    side's acquiescence (:func:`acquiesce`), not a crisis that faded."""
    if not pairs_of(c).size:
        return np.zeros(s.worlds, dtype=bool)
    a_hit, b_hit = one_sided(s, c)
    return ((a_hit | b_hit) & (s.resolution < 0)).any(axis=1)


def acquiesce(s: WorldState, c: CompiledScenario, active: np.ndarray) -> np.ndarray:
    """Pairs that went quiet after one side used force and the other never answered with force,
    or after a claimant coerced the holder of a disputed place who answered only with protests
    (:func:`one_sided`): the unanswered side has accepted it (a fait accompli or an unavenged
    attack), its unilateral concession. Returns the (R, Q) mask of pairs resolved so now.

    Altman, 'By Fait Accompli, Not Coercion: How States Wrest Territory from Their Adversaries',
    International Studies Quarterly 61(4), 2017: most faits accomplis stand, the loser accepting
    them rather than fighting to reverse them, and many involve no force (an unoccupied feature
    occupied); ICB's form of outcome 'unilateral act' (one side's decision, such as not
    retaliating, ends the crisis). A pair that answered force with force, or coercion with
    coercion, and then went quiet is left to fade (or to a settlement)."""
    hit_a, hit_b = one_sided(s, c)
    accepted = (hit_a | hit_b) & ~active & (s.resolution < 0) & s.alive[:, None]
    if not accepted.any():
        return accepted
    s.resolution = np.where(accepted, CONCESSION, s.resolution).astype(np.int8)
    stand_down(s, c, np.zeros_like(accepted), accepted & hit_a, accepted & hit_b)
    return accepted


def world_endings(s: WorldState, c: CompiledScenario) -> None:
    """Declare the ending of the worlds whose crisis is over (``crisis_ending``)."""
    P = pairs_of(c)
    _, active = engaged(s, c)
    now = acquiesce(s, c, active)
    if s.explain and now[0].any():
        log_resolutions(s, c, now[0])
    unresolved = s.resolution < 0
    over = ~(active & unresolved).any(axis=1)
    s.quiet_turns = np.where(over & s.alive, s.quiet_turns + 1, 0).astype(np.int16)
    resolved = ~unresolved
    peak = np.maximum(s.peak[:, P.a], s.peak[:, P.b]).astype(np.int16)
    principal = np.argmax(np.where(resolved, peak, -1), axis=1)
    ending = s.resolution[np.arange(s.worlds), principal]
    done = s.alive & over & resolved.any(axis=1)
    weeks = clock_weeks(s, c)
    faded = s.alive & over & ~resolved.any(axis=1)
    faded &= s.quiet_turns * weeks >= s.rules["fade_weeks"] - 1e-6
    s.crisis_ending = np.where(done, ending, np.where(faded, FADED, -1)).astype(np.int8)


class Settlement(RuleFamily):
    """End pairs' confrontations and declare the ending of worlds whose crisis is over."""

    name = "settlement"
    summary = "agreements, tacit stand-downs, concessions, impositions and fading end crises"
    endings = (
        "formal_agreement",
        "tacit_understanding",
        "unilateral_concession",
        "imposed",
        "faded",
    )
    parameters = declared(name)
    state_fields = ("resolution", "quiet_turns", "crisis_ending")

    def setup(self, s: WorldState, c: CompiledScenario) -> None:
        """No pair has ended its confrontation; no world is over."""
        s.resolution = np.full((s.worlds, pairs_of(c).size), -1, dtype=np.int8)
        s.quiet_turns = np.zeros(s.worlds, dtype=np.int16)
        s.crisis_ending = np.full(s.worlds, -1, dtype=np.int8)

    def update(self, s: WorldState, c: CompiledScenario) -> None:
        """An ended pair stays at most at the quiet level while the crisis runs."""
        P = pairs_of(c)
        if not P.size or not (s.resolution >= 0).any():
            return
        ended = s.resolution >= 0
        quiet = np.int8(quiet_rung(c))
        for d in (P.a, P.b):
            s.highest_rung[:, d] = np.where(
                ended, np.minimum(s.highest_rung[:, d], quiet), s.highest_rung[:, d]
            )

    def end_turn(self, s: WorldState, c: CompiledScenario) -> None:
        """Resolve pairs, then declare the ending of worlds whose crisis is over."""
        s.crisis_ending = np.full(s.worlds, -1, dtype=np.int8)
        if pairs_of(c).size:
            now = resolve_pairs(s, c)
            if s.explain and now[0].any():
                log_resolutions(s, c, now[0])
        world_endings(s, c)

    def reasons(self, s: WorldState, c: CompiledScenario, dyad: int) -> list[str]:
        """An ended pair is held at the quiet level."""
        q = pairs_of(c).of_dyad[dyad]
        if s.resolution[0, q] >= 0:
            return [f"confrontation ended ({ENDINGS[s.resolution[0, q]]}): held at the quiet level"]
        return []


def log_resolutions(s: WorldState, c: CompiledScenario, now: np.ndarray) -> None:
    """Events of world 0 for the pairs that ended their confrontation this turn."""
    P = pairs_of(c)
    for q in np.flatnonzero(now):
        a, b = c.actors[P.i[q]], c.actors[P.j[q]]
        how = ENDINGS[s.resolution[0, q]].replace("_", " ")
        s.log.append(Event(s.turn, "settlement", a, f"{a} and {b}: {how}"))


FAMILY = Settlement()
