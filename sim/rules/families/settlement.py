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

A world's crisis is over when no pair is active and unresolved and no limited campaign runs
(campaigns family). It then ends with the ending of
its principal resolved pair (the one that climbed highest), or, if none was resolved, once it has
been over for ``fade_weeks``: it **faded**. The endings family stops the world and classifies it.
"""

from __future__ import annotations

import numba
import numpy as np

from sim.rules import streams
from sim.rules.cache import per_arrays, per_scenario
from sim.rules.compile import CompiledScenario
from sim.rules.events import Event
from sim.rules.families.bargaining import survives
from sim.rules.family import RuleFamily
from sim.rules.pairs import clock_weeks, engaged, one_clock, pairs_of, per_turn_one, quiet_rung
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


RATES = (
    "settlement_rate",
    "mediation_effect",
    "concession_rate",
    "imposition_rate",
    "direct_agreement",
    "concession_share",
)  # the per-world rules the kernel reads, rows of its ``rates`` (6, R)


@numba.njit(cache=True, nogil=True)
def _chances(
    r: int, q: int, level: int, out_a: bool, out_b: bool, first_force: int, gain: np.ndarray,
    surplus: np.ndarray, mediated: np.ndarray, imposer: np.ndarray, rates: np.ndarray,
    weeks: float, same: bool,
) -> tuple[np.float32, np.float32, np.float32]:  # fmt: skip
    """Pair q's per-turn chances (float32) to be imposed, settled, conceded in world r: the
    numpy formulation's float32 steps (``np.maximum``: NaN wins)."""
    zero = np.float32(0.0)
    settle = rates[0, r] * gain[r, q]
    if mediated[r, q]:
        settle = settle * rates[1, r]
    conc = rates[2, r]
    if out_a and out_b and not (settle >= conc or settle != settle):
        settle = conc
    if not surplus[r, q] >= 0:
        settle = zero
    concede = conc if out_a != out_b else zero
    impose = rates[3, r] if imposer[r, q] and level >= first_force else zero
    p_i = np.float32(per_turn_one(float(impose), weeks, same))
    p_s = np.float32(per_turn_one(float(settle), weeks, same))
    p_c = np.float32(per_turn_one(float(concede), weeks, same))
    return p_i, p_s, p_c


@numba.njit(cache=True, nogil=True)
def _deal(
    r: int, q: int, pa: np.ndarray, pb: np.ndarray, whole: bool,
    mediated: np.ndarray, surplus: np.ndarray, demand: np.ndarray, rates: np.ndarray,
    survival: tuple[bool, bool], direct: float,
) -> tuple[int, bool, bool]:  # fmt: skip
    """A settlement of pair q in world r: (ending, a yields, b yields); ending -1 when the side
    that would capitulate fights for its survival (no deal this turn)."""
    one = np.float32(1.0)
    x_a = demand[r, pa[q]] + np.float32(0.5) * surplus[r, q]
    floor = np.float32(0.5) if whole else rates[5, r]
    a_gives = b_gives = False
    if not mediated[r, q] or whole:
        a_gives = x_a < floor and x_a < one - x_a
        b_gives = one - x_a < floor and not a_gives
    if (a_gives and survival[0]) or (b_gives and survival[1]):
        return -1, False, False
    if a_gives or b_gives:
        return CONCESSION, a_gives, b_gives
    formal = mediated[r, q] or np.float32(direct) < rates[4, r]
    return (FORMAL if formal else TACIT), False, False


@numba.njit(cache=True, nogil=True)
def _step_down(rung: np.ndarray, r: int, a: int, b: int, quiet: int, ya: bool, yb: bool) -> None:
    """:func:`stand_down` of one pair in world r (a yielding side to 0, the rest to the quiet
    level at most)."""
    rung[r, a] = 0 if ya else min(int(rung[r, a]), quiet)
    rung[r, b] = 0 if yb else min(int(rung[r, b]), quiet)


@numba.njit(cache=True, nogil=True)
def _kernel(
    rung: np.ndarray, pa: np.ndarray, pb: np.ndarray, whole: np.ndarray, quiet: int,
    first_force: int, alive: np.ndarray, resolution: np.ndarray, mediated: np.ndarray,
    imposer: np.ndarray, gain: np.ndarray, surplus: np.ndarray, demand: np.ndarray,
    wants_out: np.ndarray, reverse: np.ndarray, src: np.ndarray, threat: np.ndarray,
    existential: np.ndarray, rates: np.ndarray, weeks: np.ndarray, same: bool, key: np.ndarray,
    turn: int, world: np.ndarray, frozen: np.ndarray,
) -> np.ndarray:  # fmt: skip
    """One turn of :func:`resolve_pairs` in every world, world by world over its open pairs
    (engaged, unresolved, no limited campaign running (``frozen``), world running): ``rung`` and
    ``resolution`` are updated in place;
    returns the (R, Q) mask of pairs resolved now."""
    R, Q = resolution.shape
    now = np.zeros((R, Q), dtype=np.bool_)
    for r in range(R):
        if not alive[r]:
            continue
        pre = streams.prefix(key[r], streams.SETTLE, world[r], turn)
        pre_f = streams.prefix(key[r], streams.FORMAL, world[r], turn)
        for q in range(Q):
            a, b = pa[q], pb[q]
            ra, rb = int(rung[r, a]), int(rung[r, b])
            level = max(ra, rb)
            if not engaged(ra, rb, quiet) or resolution[r, q] >= 0:
                continue
            if frozen[r, q]:
                continue
            out_a, out_b = wants_out[r, a], wants_out[r, b]
            p_i, p_s, p_c = _chances(
                r, q, level, out_a, out_b, first_force, gain, surplus, mediated, imposer,
                rates, weeks[r], same,
            )  # fmt: skip
            u = np.float32(streams.uniform(pre, q))
            if u < p_i:
                ending, ya, yb = IMPOSED, False, False
            elif u < p_i + p_s:
                direct = streams.uniform(pre_f, q)
                survival = (
                    survives(rung, reverse, src, threat, existential, first_force, r, a),
                    survives(rung, reverse, src, threat, existential, first_force, r, b),
                )
                ending, ya, yb = _deal(
                    r, q, pa, pb, whole[q], mediated, surplus, demand, rates, survival, direct
                )
                if ending < 0:
                    continue
            elif u < p_i + p_s + p_c:
                ending, ya, yb = CONCESSION, out_a, out_b
            else:
                continue
            resolution[r, q] = ending
            now[r, q] = True
            _step_down(rung, r, a, b, quiet, ya, yb)
    return now


@per_arrays
def _rates(*values: np.ndarray) -> np.ndarray:
    """The kernel's per-world rule values, one row each (``RATES``): once per block (and drop)."""
    return np.stack(values).astype(F32)


def resolve_pairs(s: WorldState, c: CompiledScenario) -> np.ndarray:
    """Draw the pairs that end their confrontation this turn; step their rungs down. Returns the
    (R, Q) mask of pairs resolved now."""
    P = pairs_of(c)
    weeks = clock_weeks(s, c)
    gain = 1.0 - np.exp(-s.settlement_pressure)  # float32, numpy's exp
    whole = c.indivisible_dyad[P.a] | c.indivisible_dyad[P.b]
    rates = _rates(*(s.rules[k] for k in RATES))
    resolution = s.resolution.copy()
    frozen = s.campaign_running
    if frozen is None:  # no campaigns family registered
        frozen = np.zeros(resolution.shape, dtype=bool)
    now = _kernel(
        s.rung, P.a, P.b, whole, quiet_rung(c), c.first_force, s.alive, resolution,
        s.mediated, s.imposer, gain, s.bargaining_surplus, s.demand, s.wants_out,
        c.reverse, c.src, s.threat, s.existential_threshold, rates, weeks,
        one_clock(weeks), s.key, s.turn, s.world, frozen,
    )  # fmt: skip
    s.resolution = resolution
    return now


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


@per_scenario
def _claims(c: CompiledScenario) -> tuple[np.ndarray, np.ndarray]:
    """The claimant -> holder dyads of ``place_defenders`` and their defenders' dyads as a
    (claims, most defenders) matrix padded with P (past the dyads: not a defender)."""
    claims = np.array(list(c.place_defenders), dtype=np.int64)
    most = max((len(v) for v in c.place_defenders.values()), default=0)
    defenders = np.full((len(claims), most), len(c.src), dtype=np.int64)
    for i, v in enumerate(c.place_defenders.values()):
        defenders[i, : len(v)] = v
    return claims, defenders


@numba.njit(cache=True, nogil=True)
def _one_sided(
    r: int, peak: np.ndarray, pa: np.ndarray, pb: np.ndarray, quiet: int, first_force: int,
    claims: np.ndarray, defenders: np.ndarray, claimed: np.ndarray, hit_a: np.ndarray,
    hit_b: np.ndarray,
) -> None:  # fmt: skip
    """World r's (Q,) ``hit_a`` (resp. ``hit_b``): side a (b) of the pair was hit by force it
    never answered with force, or, holding a disputed place, was coerced there by the claimant
    and neither it nor a guarantor committed to it ever answered above the quiet level (a fait
    accompli: the claimant's presence on the place, met with protests). ``claimed`` (P,) is
    scratch: the claimant -> holder dyads of such unanswered coercion."""
    P = peak.shape[1]
    claimed[:] = False
    for i in range(claims.shape[0]):
        if peak[r, claims[i]] > quiet:
            answered = False
            for k in range(defenders.shape[1]):
                d = defenders[i, k]
                if d < P and peak[r, d] > quiet:
                    answered = True
                    break
            claimed[claims[i]] = not answered
    for q in range(pa.shape[0]):
        b_hit = peak[r, pa[q]] >= first_force  # a has used force on b
        a_hit = peak[r, pb[q]] >= first_force
        hit_a[q] = (a_hit and not b_hit) or claimed[pb[q]]
        hit_b[q] = (b_hit and not a_hit) or claimed[pa[q]]


@numba.njit(cache=True, nogil=True)
def _unanswered(
    peak: np.ndarray, pa: np.ndarray, pb: np.ndarray, quiet: int, first_force: int,
    claims: np.ndarray, defenders: np.ndarray, resolution: np.ndarray, among: np.ndarray,
) -> np.ndarray:  # fmt: skip
    """:func:`unanswered`, world by world (the worlds ``among``; False elsewhere)."""
    R, Q = resolution.shape
    out = np.zeros(R, dtype=np.bool_)
    claimed = np.zeros(peak.shape[1], dtype=np.bool_)
    hit_a, hit_b = np.zeros(Q, dtype=np.bool_), np.zeros(Q, dtype=np.bool_)
    for r in range(R):
        if not among[r]:
            continue
        _one_sided(r, peak, pa, pb, quiet, first_force, claims, defenders, claimed, hit_a, hit_b)
        for q in range(Q):
            if (hit_a[q] or hit_b[q]) and resolution[r, q] < 0:
                out[r] = True
                break
    return out


def unanswered(s: WorldState, c: CompiledScenario, among: np.ndarray) -> np.ndarray:
    """(R,) which of the worlds ``among`` (a calm stop's) have an unresolved pair in which one
    side's use of force, or a claimant's coercion on a disputed place, went unanswered
    (:func:`_one_sided`): a calm stop there is that side's acquiescence (see :func:`_endings`),
    not a crisis that faded. The other worlds are not examined (False)."""
    P = pairs_of(c)
    claims, defenders = _claims(c)
    return _unanswered(
        s.peak, P.a, P.b, quiet_rung(c), c.first_force, claims, defenders, s.resolution, among
    )


@numba.njit(cache=True, nogil=True)
def _endings(
    rung: np.ndarray, peak: np.ndarray, pa: np.ndarray, pb: np.ndarray, quiet: int,
    first_force: int, claims: np.ndarray, defenders: np.ndarray, alive: np.ndarray,
    resolution: np.ndarray, campaigns: bool, campaign_running: np.ndarray,
    quiet_turns: np.ndarray, weeks: np.ndarray, fade_weeks: np.ndarray,
    crisis_ending: np.ndarray,
) -> np.ndarray:  # fmt: skip
    """World by world: acquiescence, then whether the crisis is over and how it ended.

    **Acquiescence.** A pair that went quiet (no side above the quiet level) after one side used
    force and the other never answered with force, or after a claimant coerced the holder of a
    disputed place who answered only with protests (:func:`_one_sided`): the unanswered side has
    accepted it (a fait accompli or an unavenged attack), its unilateral concession; it drops to
    cooperation, its rival to at most the quiet level. Altman, 'By Fait Accompli, Not Coercion:
    How States Wrest Territory from Their Adversaries', International Studies Quarterly 61(4),
    2017: most faits accomplis stand, the loser accepting them rather than fighting to reverse
    them, and many involve no force (an unoccupied feature occupied); ICB's form of outcome
    'unilateral act' (one side's decision, such as not retaliating, ends the crisis). A pair that
    answered force with force, or coercion with coercion, and then went quiet is left to fade (or
    to a settlement).

    **Over.** No pair active (above the quiet level at the start of this step) and unresolved,
    and no limited campaign running. The world then ends with the ending of its principal resolved
    pair (the first of those that climbed highest), or, with none resolved, once it has been over
    for ``fade_weeks`` (``quiet_turns`` x weeks a turn): faded.

    ``rung``, ``resolution`` and ``quiet_turns`` are updated in place, ``crisis_ending`` written
    (-1: not over); returns world 0's pairs that acquiesced now (for its event log)."""
    R, Q = resolution.shape
    claimed = np.zeros(peak.shape[1], dtype=np.bool_)
    hit_a, hit_b = np.zeros(Q, dtype=np.bool_), np.zeros(Q, dtype=np.bool_)
    now0 = np.zeros(Q, dtype=np.bool_)
    threshold = fade_weeks - np.float32(1e-6)  # float32, as numpy had it
    for r in range(R):
        _one_sided(r, peak, pa, pb, quiet, first_force, claims, defenders, claimed, hit_a, hit_b)
        over = True
        for q in range(Q):
            a, b = pa[q], pb[q]
            active = max(rung[r, a], rung[r, b]) > quiet
            if (hit_a[q] or hit_b[q]) and not active and resolution[r, q] < 0 and alive[r]:
                resolution[r, q] = CONCESSION
                _step_down(rung, r, a, b, quiet, hit_a[q], hit_b[q])
                if r == 0:
                    now0[q] = True
            if active and resolution[r, q] < 0:
                over = False
            if campaigns and campaign_running[r, q]:
                over = False
        quiet_turns[r] = quiet_turns[r] + 1 if over and alive[r] else 0
        crisis_ending[r] = -1
        if alive[r] and over:
            crisis_ending[r] = _ending_of(
                r, peak, pa, pb, resolution, quiet_turns, weeks, threshold
            )
    return now0


@numba.njit(cache=True, nogil=True)
def _ending_of(
    r: int, peak: np.ndarray, pa: np.ndarray, pb: np.ndarray, resolution: np.ndarray,
    quiet_turns: np.ndarray, weeks: np.ndarray, threshold: np.ndarray,
) -> int:  # fmt: skip
    """How world r's crisis, now over, ended: as its principal resolved pair (the first of those
    that climbed highest), faded once over for ``fade_weeks`` with none resolved, else not yet
    (-1)."""
    principal, highest, resolved = 0, -1, False
    for q in range(resolution.shape[1]):
        if resolution[r, q] >= 0:
            resolved = True
            level = max(int(peak[r, pa[q]]), int(peak[r, pb[q]]))
            if level > highest:
                principal, highest = q, level
    if resolved:
        return int(resolution[r, principal])
    if float(quiet_turns[r]) * weeks[r] >= float(threshold[r]):
        return FADED
    return -1


def world_endings(s: WorldState, c: CompiledScenario) -> None:
    """Acquiescence, then the ending of the worlds whose crisis is over (``crisis_ending``):
    :func:`_endings`."""
    P = pairs_of(c)
    claims, defenders = _claims(c)
    campaigns = s.campaign_running is not None
    running = s.campaign_running if campaigns else np.zeros((0, 0), dtype=bool)
    s.crisis_ending = np.empty(s.worlds, dtype=np.int8)
    now0 = _endings(
        s.rung, s.peak, P.a, P.b, quiet_rung(c), c.first_force, claims, defenders, s.alive,
        s.resolution, campaigns, running, s.quiet_turns, clock_weeks(s, c),
        s.rules["fade_weeks"], s.crisis_ending,
    )  # fmt: skip
    if s.explain and now0.any():
        log_resolutions(s, c, now0)


@numba.njit(cache=True, nogil=True)
def _hold(
    resolution: np.ndarray, pa: np.ndarray, pb: np.ndarray, quiet: int, highest: np.ndarray
) -> None:
    """Both dyads of every ended pair: ``highest`` (the highest rung a side may choose) capped at
    the quiet level, in place."""
    R, Q = resolution.shape
    for r in range(R):
        for q in range(Q):
            if resolution[r, q] >= 0:
                if highest[r, pa[q]] > quiet:
                    highest[r, pa[q]] = quiet
                if highest[r, pb[q]] > quiet:
                    highest[r, pb[q]] = quiet


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
        if P.size:
            _hold(s.resolution, P.a, P.b, quiet_rung(c), s.highest_rung)

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
