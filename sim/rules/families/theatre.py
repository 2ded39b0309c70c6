"""The crisis theatre and horizontal escalation: which dyads are in play in each world.

A crisis activates the dyads in play (sim/rules/theatre.py): its trigger, the disputes and
rivalries between the pairs it names and those the scenario's ``theatre:`` declares, and, as the
crisis runs, the commitment chains from them (a guarantor whose commitment fired and who gives at
least sanctions-level support, toward the partner's attacker). Every other dyad is dormant: its
actor may not raise it. A dormant rivalry or dispute wakes only through one of three
horizontal-escalation rules, each a hazard (per 30 days, turned into a per-turn chance by the
turn's length) with its own parameter and sources:

- ``opportunism``: i's rival j is at war with someone else (Most and Starr 1980; Siverson and
  Starr 1991: war spreads to states bordering a belligerent, who see an opportunity);
- ``retaliation``: a guarantor has used force against i on behalf of its partner; i turns on the
  hosts whose bases the guarantor uses (Cancian et al. 2023, CSIS: Chinese strikes on US bases in
  Japan and Guam in most iterations of a Taiwan war);
- ``second_front``: i's ally is at war with j's side (j or j's partners); i opens its own dormant
  rivalry with j (Siverson and Starr 1991: alliance ties are the main channel of war diffusion).

Each rule's clock is an exponential draw per world and dyad, fixed for the run (common random
numbers: a counter-based draw of the world's stream at turn 0, read where the rule's condition
holds rather than stored); the hazard accumulates while the condition holds and the pair activates
when it passes the draw. Activation is per world (``active``), recorded with its cause
(``activated_by``), logged at R = 1 and counted in the outcome table (``horizontal.<rule>``).
docs/model.md, 7b.
The per-turn work is compiled (numba), world by world: ``_chains`` (first use of force and
commitment chains), ``_horizontal`` (the three conditions, the hazards, activation) and
``_activate``; world 0's newly active dyads come back for the ``--explain`` events.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numba
import numpy as np

from sim.rules import streams
from sim.rules.cache import per_arrays
from sim.rules.compile import LEVEL, CompiledScenario
from sim.rules.events import Event
from sim.rules.family import RuleFamily
from sim.rules.state import F32, WorldState
from sim.rules.theatre import HORIZONTAL, SOURCE_GROUPS
from sim.scenario.rule_parameters import declared

THEATRE, INJECT, CHAIN = 0, 1, 2
RULE_CODE = {name: SOURCE_GROUPS.index(name) for name in HORIZONTAL}
EXPOSURE = "theatre.exposure"  # (R, 3, P) hazard accumulated by each rule (family array)
USED = "theatre.used_force"  # (R, P) bool: the dyad's peak is a force rung (as last seen)
FIRST = "theatre.first_use"  # (R, P) bool: the source used force before the target did
CHAIN_SUPPORT = "theatre.chain_support"  # (R, P) int8: support behind a chain dyad (-1: none)
SEEN = ("theatre.seen_peak", "theatre.seen_triggered", "theatre.seen_support")  # what the chains
# read when they last ran (R, P), (R, K), (R, K): unchanged, running them again changes nothing
SEEN_INJECTS = "theatre.seen_injects"  # (R, I) the injects fired when the crisis last started
SANCTIONS = LEVEL["sanctions"]


@dataclass
class Static:
    """The family's scenario-only arrays, in the form its kernels read."""

    comp_off: np.ndarray  # (P + 1,) dyad p's companions are comp_idx[comp_off[p]:comp_off[p + 1]]
    comp_idx: np.ndarray  # companion dyads, row by row
    host: np.ndarray  # (Q,) basing pairs of every alliance: attacker -> host dyad
    fight: np.ndarray  # (Q,) guarantor -> attacker dyad
    alliance: np.ndarray  # (Q,) index of the pair's alliance in ``c.basing``
    link: np.ndarray  # (T,) chain tests (trigger tests with a guard): the link
    attack: np.ndarray  # (T,) the attacker dyad
    guard: np.ndarray  # (T,) the guarantor -> attacker dyad
    rung: np.ndarray  # (T,) the test's threshold rung
    codes: np.ndarray  # (3,) int64 cause of each horizontal rule, in HORIZONTAL order


_STATIC: dict[int, tuple[weakref.ref, Static]] = {}


def static_of(c: CompiledScenario) -> Static:
    """The family's :class:`Static` of ``c`` (kept while ``c`` lives, by identity)."""
    hit = _STATIC.get(id(c))
    if hit is not None and hit[0]() is c:
        return hit[1]
    rows, cols = np.nonzero(c.theatre.companions)
    pairs = [b.pairs for b in c.basing] or [np.zeros((0, 2), dtype=np.int64)]
    q = c.trigger_guard >= 0
    st = Static(
        comp_off=np.searchsorted(rows, np.arange(len(c.src) + 1)).astype(np.int64),
        comp_idx=cols.astype(np.int64),
        host=np.concatenate([p[:, 0] for p in pairs]).astype(np.int64),
        fight=np.concatenate([p[:, 1] for p in pairs]).astype(np.int64),
        alliance=np.concatenate([np.full(len(p), i) for i, p in enumerate(pairs)]).astype(np.int64),
        link=np.asarray(c.trigger_link[q], dtype=np.int64),
        attack=np.asarray(c.trigger_dyad[q], dtype=np.int64),
        guard=np.asarray(c.trigger_guard[q], dtype=np.int64),
        rung=np.asarray(c.trigger_rung[q], dtype=np.int64),
        codes=np.array([RULE_CODE[name] for name in HORIZONTAL], dtype=np.int64),
    )
    key = id(c)
    _STATIC[key] = (weakref.ref(c, lambda _: _STATIC.pop(key, None)), st)
    return st


@numba.njit(cache=True, nogil=True, inline="always")
def _spread(
    r: int, new: np.ndarray, active: np.ndarray, activated_by: np.ndarray, comp_off: np.ndarray,
    comp_idx: np.ndarray, cause: int, fresh0: np.ndarray,
) -> None:  # fmt: skip
    """World r: if a dyad of ``new`` (P,) is not yet active, activate every companion of every
    dyad of ``new`` that is not active, recording ``cause`` (world 0's in ``fresh0``)."""
    P = new.shape[0]
    coming = False
    for p in range(P):
        if new[p] and not active[r, p]:
            coming = True
            break
    if not coming:
        return
    for p in range(P):
        if new[p]:
            for i in range(comp_off[p], comp_off[p + 1]):
                d = comp_idx[i]
                if not active[r, d]:
                    active[r, d] = True
                    activated_by[r, d] = cause
                    if r == 0:
                        fresh0[d] = True


@numba.njit(cache=True, nogil=True)
def _activate(
    new: np.ndarray, alive: np.ndarray, active: np.ndarray, activated_by: np.ndarray,
    comp_off: np.ndarray, comp_idx: np.ndarray, cause: int,
) -> np.ndarray:  # fmt: skip
    """Activate the dyads in ``new`` (R, P) and their companions in living worlds; returns
    world 0's newly active dyads."""
    fresh0 = np.zeros(new.shape[1], dtype=np.bool_)
    for r in range(new.shape[0]):
        if alive[r]:
            _spread(r, new[r], active, activated_by, comp_off, comp_idx, cause, fresh0)
    return fresh0


def activate(s: WorldState, c: CompiledScenario, new: np.ndarray, cause: int) -> None:
    """Activate the dyads in ``new`` (R, P) and their companions; record ``cause`` (world 0 logs)."""
    if not new.any():
        return
    st = static_of(c)
    s.activated_by = s.activated_by.copy()
    fresh0 = _activate(
        np.ascontiguousarray(new, dtype=bool), s.alive, s.active, s.activated_by, st.comp_off,
        st.comp_idx, cause,
    )  # fmt: skip
    if s.explain and fresh0.any() and cause >= CHAIN:
        log_activation(s, c, np.flatnonzero(fresh0), cause)


def log_activation(s: WorldState, c: CompiledScenario, dyads: np.ndarray, cause: int) -> None:
    """One event per newly activated pair of world 0, naming the rule."""
    seen: set[tuple[int, int]] = set()
    for d in dyads:
        a, b = int(c.src[d]), int(c.dst[d])
        if (b, a) in seen or (a, b) in seen:
            continue
        seen.add((a, b))
        x, y = c.actors[a], c.actors[b]
        if cause == CHAIN:
            text = f"Commitment chain: {x}-{y} enters the theatre (a partner's commitment fired)"
        else:
            text = f"Horizontal escalation ({SOURCE_GROUPS[cause]}): {x}-{y} enters the theatre"
        s.log.append(Event(s.turn, "horizontal", x, text, {"rule": SOURCE_GROUPS[cause]}))


def start_crisis(s: WorldState, c: CompiledScenario) -> None:
    """Worlds whose crisis starts now (an inject fired) bring the declared disputes and rivalries
    into play; pairs named by the injects that fired come in with their disputes and rivalries.
    The injects fired so far only grow, and what they brought in stays: with none fired since the
    last turn, nothing new comes in (skipped)."""
    t = c.theatre
    if t.inject_dyads.shape[0]:
        if not s.inject_fired.any() or _seen(s, (SEEN_INJECTS,), (s.inject_fired,)):
            return
        named = (s.inject_fired.astype(F32) @ t.inject_dyads.astype(F32)) > 0
        starting = named.any(axis=1) & ~s.crisis
        activate(s, c, named, INJECT)
        s.crisis |= starting
        activate(s, c, starting[:, None] & t.declared[None], THEATRE)


@numba.njit(cache=True, nogil=True, inline="always")
def _any_row(flags: np.ndarray, r: int) -> bool:
    """Whether any entry of row r of the boolean ``flags`` is set."""
    return flags[r].any()


@numba.njit(cache=True, nogil=True)
def _chains(
    peak: np.ndarray, reverse: np.ndarray, first_force: int, used: np.ndarray, first: np.ndarray,
    triggered: np.ndarray, support: np.ndarray, link: np.ndarray, attack: np.ndarray,
    guard: np.ndarray, t_rung: np.ndarray, chain_support: np.ndarray, alive: np.ndarray,
    active: np.ndarray, activated_by: np.ndarray, comp_off: np.ndarray, comp_idx: np.ndarray,
) -> np.ndarray:  # fmt: skip
    """World by world: mark the dyads whose source used force first in its pair (``first``, with
    ``used`` the force seen now); then each chain test that fired (commitment triggered, at least
    sanctions, the attacker at the rung and first to use force) brings its guarantor's dyad into
    the theatre and raises its ``chain_support``. Returns world 0's newly active dyads."""
    R, P = peak.shape
    now = np.zeros(P, dtype=np.bool_)
    new = np.zeros(P, dtype=np.bool_)
    fresh0 = np.zeros(P, dtype=np.bool_)
    for r in range(R):
        for d in range(P):
            now[d] = peak[r, d] >= first_force
            if now[d] and not used[r, d] and not used[r, reverse[d]]:
                first[r, d] = True
        for d in range(P):
            used[r, d] = now[d]
        if not _any_row(triggered, r):  # no commitment has fired: no chain test can (most worlds)
            continue
        new[:] = False
        fired = False
        for q in range(link.shape[0]):
            k, a = link[q], attack[q]
            if (
                triggered[r, k]
                and support[r, k] >= SANCTIONS
                and peak[r, a] >= t_rung[q]
                and first[r, a]
            ):
                fired = True
                new[guard[q]] = True
                chain_support[r, guard[q]] = max(chain_support[r, guard[q]], support[r, k])
        if fired and alive[r]:
            _spread(r, new, active, activated_by, comp_off, comp_idx, CHAIN, fresh0)
    return fresh0


def chains(s: WorldState, c: CompiledScenario) -> None:
    """A guarantor whose commitment fired (the partner's attacker used force first) and who gives
    at least sanctions enters the theatre toward the attacker; ``CHAIN_SUPPORT`` keeps the highest
    support it gives there, which caps the dyad (``cap_dormant``).

    They run after the moves and again at the next turn's start, where only an inject can have
    changed what they read (the peaks, the triggers, the support): when none did, the second run
    is skipped, as it would change nothing (``USED`` already holds the peaks, ``FIRST`` and
    ``CHAIN_SUPPORT`` only grow, and an active dyad stays active)."""
    st, f = static_of(c), s.family_arrays
    if _seen(s, SEEN, (s.peak, s.triggered, s.support)):  # (the kernel writes none of them)
        return
    s.activated_by = s.activated_by.copy()
    fresh0 = _chains(
        s.peak, c.reverse, int(c.first_force), f[USED], f[FIRST], s.triggered, s.support, st.link,
        st.attack, st.guard, st.rung, f[CHAIN_SUPPORT], s.alive, s.active, s.activated_by,
        st.comp_off, st.comp_idx,
    )  # fmt: skip
    if s.explain and fresh0.any():
        log_activation(s, c, np.flatnonzero(fresh0), CHAIN)


def _seen(s: WorldState, keys: tuple[str, ...], arrays: tuple[np.ndarray, ...]) -> bool:
    """Whether ``arrays`` equal the copies kept under ``keys`` (family arrays, so that a block's
    drop of its ended worlds keeps them aligned) when a rule last ran on them; if not, keep
    copies of these for the next time. A rule whose run on unchanged inputs changes nothing
    skips the run when this is True. Compared byte for byte (the arrays are of bools and int8)
    in one pass that stops at the first difference, and copied into the kept arrays."""
    f = s.family_arrays
    kept = [f.get(k) for k in keys]
    pairs = list(zip(kept, arrays, strict=True))
    fits = [old is not None and old.shape == a.shape and old.dtype == a.dtype for old, a in pairs]
    if all(fits) and all(_same_bytes(_bytes(old), _bytes(a)) for old, a in pairs):
        return True
    for k, (old, a), fit in zip(keys, pairs, fits, strict=True):
        if fit:
            np.copyto(old, a)
        else:
            f[k] = a.copy()
    return False


def _bytes(a: np.ndarray) -> np.ndarray:
    """A C-contiguous array of one-byte items (bools, int8) as a flat uint8 view."""
    return a.reshape(-1).view(np.uint8)


@numba.njit(cache=True, nogil=True)
def _same_bytes(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two flat uint8 arrays of one length are equal (stopping at the first difference)."""
    for i in range(a.shape[0]):  # noqa: SIM110 - a generator in all() does not compile
        if a[i] != b[i]:
            return False
    return True


@numba.njit(cache=True, nogil=True, inline="always")
def _bit(row: np.ndarray, k: int) -> bool:
    """Whether bit k of a bit row (words of 32 actors: ``sides``) is set."""
    return (row[k >> 5] >> (k & 31)) & 1 != 0


@numba.njit(cache=True, nogil=True, inline="always")
def _set(bits: np.ndarray, i: int, k: int) -> None:
    """Set bit k of row i of a bit matrix (words of 32 actors: ``sides``)."""
    bits[i, k >> 5] |= 1 << (k & 31)


@numba.njit(cache=True, nogil=True, inline="always")
def partner_bits(partners: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The (N, N) ``partners`` matrix as ``sides`` reads it: each actor's partners listed
    (``mates[mate_off[i]:mate_off[i + 1]]``) and as a bit matrix (N, words of 32 actors; bit k
    of row i; 32 so that every shift is exact in plain Python too)."""
    N = partners.shape[0]
    pbits, mate_off = np.zeros((N, (N + 31) // 32), np.int64), np.zeros(N + 1, np.int64)
    mates = np.empty(N * N, np.int64)
    for i in range(N):
        mate_off[i + 1] = mate_off[i]
        for k in range(N):
            if partners[i, k]:
                _set(pbits, i, k)
                mates[mate_off[i + 1]] = k
                mate_off[i + 1] += 1
    return mates, mate_off, pbits


@numba.njit(cache=True, nogil=True, inline="always")
def sides(
    r: int, rung: np.ndarray, src: np.ndarray, dst: np.ndarray, first_force: int,
    mates: np.ndarray, mate_off: np.ndarray, pbits: np.ndarray, w: np.ndarray, side: np.ndarray,
    enemy: np.ndarray,
) -> bool:  # fmt: skip
    """World r, as bit matrices (N, words of 32 actors; bit k of row i): ``w`` force is used
    between i and k now (either way); ``side`` a partner of i is at war with k or with a partner
    of k, written only when force is used anywhere in the world, which it returns. ``mates``
    lists each actor's partners (``mate_off[i]:mate_off[i + 1]``), ``pbits`` the partners as
    bits (``enemy``: one row of scratch): a world's sides cost a few operations per actor, not a
    loop over every triple."""
    N, W = w.shape
    w[:] = 0
    war = False
    for d in range(src.shape[0]):
        if rung[r, d] >= first_force:
            i, k = src[d], dst[d]
            _set(w, i, k)
            _set(w, k, i)
            war = True
    if not war:  # no force used in this world: nobody has enemies (most worlds, most turns)
        return False  # (``side`` is then left as it was: not read)
    for i in range(N):
        enemy[:] = 0  # i's enemies: whom its partners fight
        for m in range(mate_off[i], mate_off[i + 1]):
            for u in range(W):
                enemy[u] |= w[mates[m], u]
        for u in range(W):
            side[i, u] = enemy[u]
        for y in range(N):  # and the enemies' partners
            if _bit(enemy, y):
                for u in range(W):
                    side[i, u] |= pbits[y, u]
    return True


@numba.njit(cache=True, nogil=True, inline="always")
def _conditions(
    r: int, rung: np.ndarray, peak: np.ndarray, src: np.ndarray, dst: np.ndarray,
    first_force: int, partners: np.ndarray, hostile: np.ndarray, active: np.ndarray,
    granted: np.ndarray, host: np.ndarray, fight: np.ndarray, alliance: np.ndarray,
    mates: np.ndarray, mate_off: np.ndarray, pbits: np.ndarray, w: np.ndarray, side: np.ndarray,
    enemy: np.ndarray, holds: np.ndarray,
) -> bool:  # fmt: skip
    """World r: ``holds`` (3, P) where each horizontal rule's condition holds on a dormant rivalry
    or dispute: opportunism (the target is at war with someone other than the source),
    retaliation (a guarantor using the host's bases has used force against the source), second
    front (the source's ally is at war with the target or the target's partners). Returns False
    when none can hold (no force used in the world, no host's bases used): most worlds."""
    war = sides(r, rung, src, dst, first_force, mates, mate_off, pbits, w, side, enemy)
    holds[:] = False
    based = False
    for q in range(host.shape[0]):
        if granted[r, alliance[q]] and peak[r, fight[q]] >= first_force:
            holds[1, host[q]] = True
            based = True
    if not (war or based):
        return False
    for p in range(src.shape[0]):
        i, j = src[p], dst[p]
        holds[1, p] = holds[1, p] and not active[r, p]
        if not war or not hostile[p] or active[r, p]:  # no war: no opportunity, no second front
            continue
        others = False  # the target is at war with someone other than the source
        for u in range(w.shape[1]):
            word = w[j, u] & ~(1 << (i & 31)) if u == i >> 5 else w[j, u]
            if word != 0:
                others = True
                break
        holds[0, p] = others
        holds[2, p] = _bit(side[i], j) and not partners[i, j]
    return True


@numba.njit(cache=True, nogil=True)
def _horizontal(
    rung: np.ndarray, peak: np.ndarray, src: np.ndarray, dst: np.ndarray, first_force: int,
    partners: np.ndarray, hostile: np.ndarray, granted: np.ndarray, host: np.ndarray,
    fight: np.ndarray, alliance: np.ndarray, rate: np.ndarray, exposure: np.ndarray,
    key: np.ndarray, world: np.ndarray, codes: np.ndarray, alive: np.ndarray, active: np.ndarray,
    activated_by: np.ndarray, comp_off: np.ndarray, comp_idx: np.ndarray,
) -> np.ndarray:  # fmt: skip
    """World by world (living ones): each rule's hazard ``rate`` (R, 3) accumulates in
    ``exposure`` where its condition holds; the dyad activates once it passes the rule's clock
    (:func:`_passed`, drawn there). Returns (3, P) world 0's dyads newly activated by each rule."""
    R, H, P = exposure.shape
    mates, mate_off, pbits = partner_bits(partners)
    w, side, enemy = np.zeros_like(pbits), np.zeros_like(pbits), np.zeros(pbits.shape[1], np.int64)
    holds, new = np.zeros((H, P), dtype=np.bool_), np.zeros(P, dtype=np.bool_)
    fresh0 = np.zeros((H, P), dtype=np.bool_)
    for r in range(R):
        if not alive[r]:
            continue
        if not _conditions(
            r, rung, peak, src, dst, first_force, partners, hostile, active, granted, host, fight,
            alliance, mates, mate_off, pbits, w, side, enemy, holds,
        ):  # fmt: skip
            continue  # no rule's condition holds on any dyad: no exposure, no activation
        pre = streams.prefix(key[r], streams.THEATRE, world[r], 0)
        for h in range(H):
            passed = False
            for p in range(P):
                new[p] = False
                if holds[h, p]:
                    exposure[r, h, p] += rate[r, h]
                    new[p] = _passed(exposure[r, h, p], pre, h * P + p)
                    passed = passed or new[p]
            if passed:
                _spread(r, new, active, activated_by, comp_off, comp_idx, codes[h], fresh0[h])
    return fresh0


_SURELY_BELOW = np.float32(1.0 - 2.0**-10)


@numba.njit(cache=True, nogil=True, inline="always")
def _passed(exposure: np.float32, pre: tuple[int, int], index: int) -> bool:
    """Whether ``exposure`` has reached a rule's exponential clock on a dyad: -ln(1 - u) of the
    world's uniform ``index`` (rule x P + dyad) at turn 0, in float32 (:func:`exponential`, the
    bits of the (R, 3, P) array numpy drew at setup before; tests/rules/test_theatre.py). Drawn
    where a condition holds rather than stored: a block dropping its ended worlds has one array
    less, and the setup no logarithm of every rule, world and dyad. Below (1 - 2**-10) u the
    exposure surely falls short (the clock is at least u, within a few units in the last place),
    without the logarithm."""
    u = np.float32(streams.uniform(pre, index))
    if exposure < u * _SURELY_BELOW:
        return False
    return exposure >= exponential(u)


@numba.njit(cache=True, nogil=True, inline="always")
def exponential(u: np.float32) -> np.float32:
    """-ln(1 - ``u``) of a float32 uniform, in float32: libm's ``log1pf``, the function numpy's
    float32 ``log1p`` calls (where it has no AVX-512 loop of its own). ``np.log1p``, not
    ``math.log1p``: as plain Python (``NUMBA_DISABLE_JIT=1``) the latter would work in float64."""
    return -np.log1p(-u)


@per_arrays
def _hazards(scale: np.float32, *rates: np.ndarray) -> np.ndarray:
    """Each horizontal rule's hazard per turn, (R, rules): once per block (and drop)."""
    return np.stack([r * scale for r in rates], axis=1)


@per_arrays
def _granted(*granted: np.ndarray) -> np.ndarray:
    """Whether each alliance's hosts grant basing, (R, alliances): once per block (and drop)."""
    return np.stack([g > 0 for g in granted], axis=1)


def horizontal(s: WorldState, c: CompiledScenario) -> None:
    """Accumulate each rule's hazard where its condition holds; activate where it passes."""
    st, t = static_of(c), c.theatre
    scale = F32(t.days / 30.0)
    rate = _hazards(scale, *(s.rules[name] for name in HORIZONTAL))
    granted = _granted(*s.basing_granted) if s.basing_granted else np.zeros((s.worlds, 1), bool)
    s.activated_by = s.activated_by.copy()
    fresh0 = _horizontal(
        s.rung, s.peak, c.src, c.dst, int(c.first_force), t.partners, t.hostile, granted, st.host,
        st.fight, st.alliance, rate, s.family_arrays[EXPOSURE], s.key, s.world, st.codes, s.alive,
        s.active, s.activated_by, st.comp_off, st.comp_idx,
    )  # fmt: skip
    for h, name in enumerate(HORIZONTAL):
        if s.explain and fresh0[h].any():
            log_activation(s, c, np.flatnonzero(fresh0[h]), RULE_CODE[name])


def cap_dormant(s: WorldState, c: CompiledScenario) -> None:
    """A dormant dyad may not rise above the rung it holds. A guarantor brought in by a chain acts
    at the level of the support it gives: below combat, no force unless attacked itself."""
    s.highest_rung = _cap_dormant(
        s.active, s.highest_rung, s.rung, s.activated_by, s.family_arrays[CHAIN_SUPPORT],
        c.reverse, int(c.first_force), LEVEL["combat"], CHAIN,
    )  # fmt: skip


@numba.njit(cache=True, nogil=True)
def _cap_dormant(
    active: np.ndarray, highest: np.ndarray, rung: np.ndarray, activated_by: np.ndarray,
    chain_support: np.ndarray, reverse: np.ndarray, first_force: int, combat: int, chain: int,
) -> np.ndarray:  # fmt: skip
    """:func:`cap_dormant`, world by world: the new (R, P) highest rungs."""
    R, P = rung.shape
    out = np.empty((R, P), dtype=np.int8)
    for r in range(R):
        for d in range(P):
            h = highest[r, d] if active[r, d] else min(highest[r, d], rung[r, d])
            short = activated_by[r, d] == chain and chain_support[r, d] < combat
            if short and rung[r, reverse[d]] < first_force:
                h = min(h, first_force - 1)
            out[r, d] = h
    return out


class Theatre(RuleFamily):
    """Dyads in play per world; horizontal escalation wakes dormant rivalries (module docstring)."""

    name = "theatre"
    summary = "crisis theatre: dyads in play, commitment chains, horizontal escalation"
    parameters = declared(name)
    state_fields = ("crisis", "active", "activated_by")

    def setup(self, s: WorldState, c: CompiledScenario) -> None:
        """The theatre at turn 0; no hazard accumulated (the clocks are drawn where read)."""
        t, R = c.theatre, s.worlds
        start = t.start | (t.declared if t.crisis_at_start else False)
        s.crisis = np.full(R, t.crisis_at_start, dtype=bool)
        s.active = np.broadcast_to(start, s.rung.shape).copy()
        s.activated_by = np.where(s.active, np.int8(THEATRE), np.int8(-1)).astype(np.int8)
        shape = (s.worlds, len(HORIZONTAL), len(c.src))
        s.family_arrays[EXPOSURE] = np.zeros(shape, dtype=F32)
        s.family_arrays[USED] = s.peak >= c.first_force
        s.family_arrays[FIRST] = s.family_arrays[USED] & ~s.family_arrays[USED][:, c.reverse]
        s.family_arrays[CHAIN_SUPPORT] = np.full(s.rung.shape, -1, dtype=np.int8)

    def update(self, s: WorldState, c: CompiledScenario) -> None:
        """Injects that fired and chains that formed activate their dyads; dormant dyads are capped."""
        start_crisis(s, c)
        chains(s, c)
        cap_dormant(s, c)

    def end_turn(self, s: WorldState, c: CompiledScenario) -> None:
        """After the moves: commitment chains and the horizontal-escalation rules."""
        chains(s, c)
        horizontal(s, c)

    def reasons(self, s: WorldState, c: CompiledScenario, dyad: int) -> list[str]:
        """Say when a dyad is dormant (outside the theatre)."""
        if not s.active[0, dyad]:
            return ["outside the crisis theatre: dormant (no escalation)"]
        support = int(s.family_arrays[CHAIN_SUPPORT][0, dyad])
        if s.activated_by[0, dyad] == CHAIN and 0 <= support < LEVEL["combat"]:
            return ["commitment chain below combat support: no force unless attacked"]
        return []


def result_columns(s: WorldState, c: CompiledScenario) -> dict[str, np.ndarray]:
    """Per world: how many directed dyads each horizontal rule activated (``horizontal.<rule>``)
    and how many dyads were in play at the end (``theatre.active``)."""
    out = {
        f"horizontal.{name}": (s.activated_by == RULE_CODE[name]).sum(axis=1).astype(np.int16)
        for name in HORIZONTAL
    }
    out["theatre.active"] = s.active.sum(axis=1).astype(np.int16)
    return out


FAMILY = Theatre()
