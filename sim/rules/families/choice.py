"""Choice: score the candidate moves on every dyad and pick one by a logit (docs/model.md, 6).

Candidates are *moves* (down one rung, hold, up one, up two). The utility of a move is the sum of
every registered family's terms (each a sum of parts, weight x shape of the candidate rung:
sim/rules/family.py); moves off the ladder or above the doctrine mask (``highest_rung``) are
removed, unless they lower the rung; one move is drawn with weights exp(U / temperature).

This is one compiled kernel (numba): a loop over worlds (in parallel), and in each world over its
dyads, so a world's data stays in cache; the parts' weights are read once per turn into one
(R, P, parts) array. With ``explain`` it also records every term of every move (``--explain``): the
explanations come from the same code. Arithmetic is float64 and the logit's uniform comes from the
world's own counter-based stream (sim/rules/streams.py), so the result is the same on any number
of threads and with ``NUMBA_DISABLE_JIT=1``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import ModuleType

import numba
import numpy as np

from sim.rules import streams
from sim.rules.cache import per_scenario
from sim.rules.compile import CompiledScenario
from sim.rules.family import (
    BACKING_DOWN,
    CAPPED,
    MOVE_SIZE,
    TABLE,
    RuleFamily,
    UtilityTerm,
)
from sim.rules.jit import simplified, threaded
from sim.rules.state import F32, WorldState
from sim.scenario.rule_parameters import declared

MOVES = np.array([-1, 0, 1, 2], dtype=np.int16)
UNWEIGHED = (
    "a rule family registered after 'utility' woke a dormant dyad (raised its rung or its highest "
    "rung) after the utility skipped its weights: register that family before 'utility'"
)
M = len(MOVES)
THREADED_FROM = 64
"""Worlds from which the choice shares them among numba's threads (``kernel``); fewer, as a
classroom game's one world, play on this thread (``kernel_serial``): waking threads for a few
worlds costs more than it gains, and a game's first turn after an install then needs no compile
of the threaded kernel, which a pool's one-thread workers do not prepare (sim/runner/kernels.py).
The results are the same either way."""


@dataclass
class Decision:
    """New rungs (R, d) and, when explaining, each term of every candidate (M, R, d) and which
    candidates were allowed (``valid``)."""

    rung: np.ndarray
    prob: np.ndarray | None
    terms: dict[str, np.ndarray] | None
    valid: np.ndarray | None

    def of(self, dyads: np.ndarray | slice) -> Decision:
        """The decision on ``dyads`` only (an actor's own; a slice gives views)."""
        terms = None if self.terms is None else {k: v[..., dyads] for k, v in self.terms.items()}
        prob = None if self.prob is None else self.prob[:, dyads]
        valid = None if self.valid is None else self.valid[..., dyads]
        return Decision(self.rung[:, dyads], prob, terms, valid)


@dataclass(frozen=True)
class Layout:
    """The registered terms' parts as the kernel reads them (fixed per model)."""

    shape: np.ndarray  # (C,) shape kind of each part
    table: np.ndarray  # (C,) row of ``tables`` (TABLE parts; the fraction is row 0)
    owner: np.ndarray  # (C,) term of each part (terms in order)
    cap_row: np.ndarray  # (C,) row of the caps array (CAPPED parts; -1 elsewhere)
    sign: np.ndarray  # (T,) +1 or -1
    tables: np.ndarray  # (rows, top + 4) padded per-rung tables, float64
    written: bool = False  # the parts are those of the generated kernel (``generated``)


def layout(c: CompiledScenario, terms: tuple[UtilityTerm, ...]) -> Layout:
    """Number the parts of ``terms`` for the kernel (parts of a term stay in order)."""
    rows = [c.rung_tables.frac]
    shape, table, owner, cap_row = [], [], [], []
    n_caps = 0
    for i, term in enumerate(terms):
        for part in term.parts:
            shape.append(part.shape)
            owner.append(i)
            cap_row.append(n_caps if part.cap is not None else -1)
            n_caps += part.cap is not None
            if part.shape == TABLE:
                assert part.table is not None, f"term {term.name}: a TABLE part needs a table"
                rows.append(np.asarray(part.table(c), dtype=F32))
            table.append(len(rows) - 1 if part.shape == TABLE else 0)
    as_int = lambda v: np.asarray(v, dtype=np.int64)  # noqa: E731
    sign = [t.sign for t in terms]
    from sim.rules import terms_codegen, terms_kernel

    generated_parts = getattr(terms_kernel, "PARTS", None)  # None: a file older than its generator
    return Layout(
        as_int(shape),
        as_int(table),
        as_int(owner),
        as_int(cap_row),
        np.array(sign, dtype=np.float64),
        np.stack(rows).astype(np.float64),
        written=terms_codegen.parts_key(shape, table, owner, cap_row, sign) == generated_parts,
    )


@per_scenario
def _layouts(c: CompiledScenario) -> dict[tuple[int, ...], tuple[tuple, Layout]]:
    """The layouts of ``c`` built so far, by the identities of their terms."""
    return {}


def layout_of(c: CompiledScenario, terms: tuple[UtilityTerm, ...]) -> Layout:
    """:func:`layout`, built once per compiled scenario and terms (a turn's choice asked for it
    anew: a fifth of a millisecond a turn, whatever the number of worlds). The terms are kept
    with it, so their identities stay theirs."""
    held = _layouts(c)
    key = tuple(map(id, terms))
    hit = held.get(key)
    if hit is None:
        hit = held[key] = (terms, layout(c, terms))
    return hit[1]


@dataclass(frozen=True)
class Weights:
    """The parts' weights as the kernel reads them, without copying a per-dyad array every turn:
    part ci reads ``dyad[k]`` (an (R, P) float32 row-major array) for ``k = source[ci] >= 0``,
    else row ``-k - 1`` of ``world`` (per-world weights, (K, R)); ``caps`` are the (R, P) caps of
    the CAPPED parts. Empty groups hold one dummy array (numba needs a type for the tuple)."""

    dyad: tuple[np.ndarray, ...]
    world: np.ndarray
    source: np.ndarray
    caps: tuple[np.ndarray, ...]


_DUMMY = np.zeros((1, 1), F32)


def _rows(value: np.ndarray) -> np.ndarray:
    """A writeable row-major float32 array of ``value`` (itself when it already is one)."""
    out = np.ascontiguousarray(value, dtype=F32)
    return out if out.flags.writeable else out.copy()


def weights(s: WorldState, terms: tuple[UtilityTerm, ...]) -> Weights:
    """Every part's weight and every CAPPED part's cap for this turn (see :class:`Weights`)."""
    parts = [p for t in terms for p in t.parts]
    R, P = s.rung.shape
    dyad: list[np.ndarray] = []
    world: list[np.ndarray] = []
    source = np.empty(len(parts), dtype=np.int64)
    for i, part in enumerate(parts):
        value = np.asarray(part.weight(s))
        if value.ndim == 1:
            source[i] = -len(world) - 1
            world.append(value)
        else:
            source[i] = len(dyad)
            dyad.append(_rows(value))
    caps = [  # a per-dyad cap as it is (a broadcast view is read-only: _rows would copy it)
        _rows(v if v.shape == (R, P) else np.broadcast_to(v[:, None] if v.ndim == 1 else v, (R, P)))
        for v in (np.asarray(p.cap(s)) for p in parts if p.cap is not None)
    ]
    return Weights(
        dyad=tuple(dyad) or (_DUMMY,),
        world=np.array(world, dtype=F32).reshape(len(world), R) if world else _DUMMY,
        source=source,
        caps=tuple(caps) or (_DUMMY,),
    )


@numba.njit(cache=True, nogil=True, inline="always")
def _utilities(
    u: np.ndarray, vals: np.ndarray, shown: np.ndarray, r: int, d: int, cur: int, highest: int,
    wv: np.ndarray, capv: np.ndarray, lay_shape: np.ndarray, lay_table: np.ndarray,
    owner: np.ndarray, sign: np.ndarray, tables: np.ndarray, top: int, explain: bool,
) -> None:  # fmt: skip
    """The utility of each move on dyad ``d`` of world ``r`` (-inf where not allowed), from the
    dyad's part weights ``wv`` and caps ``capv`` (per part, in rungs / top). Each part is
    weight x shape at the candidate (kinds in sim/rules/family.py), added to its term's value
    ``vals[term, move]`` in part order; the terms are then added in order (the same sums, in the
    same order, as one move at a time)."""
    inv = 1.0 / top
    now = cur * inv
    C = owner.shape[0]
    T = sign.shape[0]
    vals[:] = 0.0
    for ci in range(C):
        ti = owner[ci]
        kind = lay_shape[ci]
        wgt = wv[ci]
        row = lay_table[ci]
        for m in range(4):
            idx = cur + m  # the candidate's index into the padded tables (move m - 1)
            if kind <= TABLE:  # FRACTION (row 0 of the tables) or TABLE
                x = wgt * tables[row, idx]
            elif kind == CAPPED:
                x = wgt * min(tables[0, idx], capv[ci])
            elif kind == MOVE_SIZE:
                x = wgt * abs(m - 1)
            elif kind == BACKING_DOWN:
                x = wgt * now if m == 0 else 0.0
            else:
                x = 0.0
            vals[ti, m] += x
    for m in range(4):
        move = m - 1
        idx = cur + m
        off = idx < 1 or idx > top + 1 or (move > 0 and cur + move > highest)
        total = 0.0
        for ti in range(T):
            total += sign[ti] * vals[ti, m]
            if explain:
                shown[ti, m, r, d] = sign[ti] * vals[ti, m]
        u[m] = -np.inf if off else total


@numba.njit(cache=True, nogil=True, inline="always")
def _logit(u: np.ndarray, temperature: float, draw: float, p: np.ndarray) -> int:
    """Draw a move with weights exp((U - best) / T) (temperature 0: the best, ties split evenly);
    ``p`` receives the weights divided by their total."""
    best = -np.inf
    for m in range(4):
        best = max(best, u[m])
    total = 0.0
    for m in range(4):
        if u[m] == -np.inf:
            p[m] = 0.0
        elif u[m] == best:
            p[m] = 1.0  # exp(0), without the call
        elif temperature > 0:
            p[m] = math.exp((u[m] - best) / temperature)
        else:
            p[m] = 1.0 if u[m] >= best else 0.0
        total += p[m]
    x = draw * total  # strictly below the total: picks a move whose weight is positive
    pick = 3
    cum = 0.0
    for m in range(4):
        cum += p[m]
        if x < cum:
            pick = m
            break
    for m in range(4):
        p[m] /= total
    return pick


@numba.njit(cache=True, nogil=True, inline="always")
def _world(
    r: int, rung: np.ndarray, highest: np.ndarray, w: tuple, w1: np.ndarray, source: np.ndarray,
    cap: tuple, cap_row: np.ndarray, lay_shape: np.ndarray, lay_table: np.ndarray,
    owner: np.ndarray, sign: np.ndarray, tables: np.ndarray, top: int, temperature: np.ndarray,
    key: np.ndarray, turn: int, world: np.ndarray, explain: bool, shown: np.ndarray,
    prob: np.ndarray, util: np.ndarray, weighed: np.ndarray, new: np.ndarray, pick: np.ndarray,
    missed: np.ndarray, up: np.ndarray, vals: np.ndarray, wc: np.ndarray,
) -> None:  # fmt: skip
    """Every dyad of world ``r``: its moves' utilities, the logit draw, the new rung (a dyad with
    one move allowed takes it without either, unless ``explain`` asks for its terms). A dyad
    scored whose weights were not computed (``weighed``, see utility) sets ``missed[r]``. ``up``
    (utilities, probabilities), ``vals`` and ``wc`` (a dyad's weights, caps): scratch arrays,
    made once per call by ``kernel_serial`` and once per world by ``kernel`` (three allocations
    instead of five; paired, as a call takes at most 30 arguments to be inlined)."""
    P = rung.shape[1]
    u, p, wv, capv = up[0], up[1], wc[0], wc[1]
    C = owner.shape[0]
    inv = 1.0 / top
    pre = (0, 0)  # the stream's prefix, computed at the world's first draw
    drawn = False
    temp = float(temperature[r])
    for d in range(P):  # hold (move 1) at 0, what a dormant dyad keeps: set in a pass of its own,
        pick[r, d] = 1  # the dyad loop then skips dormant dyads without a store (a kernel with
        new[r, d] = 0  # stores in its most taken branch ran slower: sim/rules/families/utility.py)
    for d in range(P):
        cur = int(rung[r, d])
        if cur == 0 and highest[r, d] <= 0 and not explain:
            # staying is the one move allowed (no rung below 0, none above the cap): the logit
            # would pick it whatever the utilities, and draws are keyed, so nothing else changes.
            # Most dyad-turns are such (88% on Taiwan: dormant dyads, theatre.cap_dormant)
            continue
        if not weighed[r, d]:
            missed[r] = True
        for ci in range(C):  # this dyad's part weights, read once for the four moves
            k = source[ci]
            wv[ci] = float(w[k][r, d]) if k >= 0 else float(w1[-k - 1, r])
            if cap_row[ci] >= 0:
                capv[ci] = float(cap[cap_row[ci]][r, d]) * inv
        _utilities(
            u, vals, shown, r, d, cur, int(highest[r, d]), wv, capv,
            lay_shape, lay_table, owner, sign, tables, top, explain,
        )  # fmt: skip
        if not drawn:
            pre = streams.prefix(key[r], streams.CHOICE, world[r], turn)
            drawn = True
        k = _logit(u, temp, streams.uniform(pre, d), p)
        pick[r, d] = k
        new[r, d] = cur + k - 1
        if explain:
            for m in range(4):
                prob[m, r, d] = p[m]
                util[m, r, d] = u[m]


@numba.njit(cache=True, nogil=True, inline="always")
def _ended(r: int, rung: np.ndarray, new: np.ndarray, pick: np.ndarray) -> None:
    """World ``r`` has ended: every dyad holds its rung (the turn's commit keeps an ended world's
    rungs whatever is chosen; a block plays its ended worlds until it drops them, about 8% of its
    world-turns on Taiwan, and they need no utilities nor draws)."""
    for d in range(rung.shape[1]):
        pick[r, d] = 1
        new[r, d] = rung[r, d]


@numba.njit(cache=True, nogil=True, inline="always")
def _outputs(rung: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What both forms of the kernel return, to be filled: new rungs, picked moves (R, P) and
    whether each world scored a dyad not weighed (R,)."""
    R, P = rung.shape
    return np.empty((R, P), np.int8), np.empty((R, P), np.int8), np.zeros(R, np.bool_)


@threaded
def kernel(
    rung: np.ndarray, highest: np.ndarray, w: tuple, w1: np.ndarray, source: np.ndarray,
    cap: tuple, cap_row: np.ndarray, lay_shape: np.ndarray, lay_table: np.ndarray,
    owner: np.ndarray, sign: np.ndarray, tables: np.ndarray, top: int, temperature: np.ndarray,
    key: np.ndarray, turn: int, world: np.ndarray, explain: bool, shown: np.ndarray,
    prob: np.ndarray, util: np.ndarray, weighed: np.ndarray, alive: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """New rung and picked move (R, P) of every dyad in every world, worlds shared among numba's
    threads, and (R,) whether a world scored a dyad not ``weighed``; when ``explain``, every term
    (T, M, R, P), probability and utility (M, R, P) too. A world that has ended (not ``alive``)
    holds (``_ended``)."""
    R = rung.shape[0]
    C, T = owner.shape[0], sign.shape[0]
    new, pick, missed = _outputs(rung)
    for r in numba.prange(R):
        if not alive[r]:
            _ended(r, rung, new, pick)
            continue
        _world(
            r, rung, highest, w, w1, source, cap, cap_row, lay_shape, lay_table, owner, sign,
            tables, top, temperature, key, turn, world, explain, shown, prob, util, weighed, new,
            pick, missed, np.empty((2, 4)), np.empty((T, 4)), np.zeros((2, C)),
        )  # fmt: skip
    return new, pick, missed


@simplified
def kernel_serial(
    rung: np.ndarray, highest: np.ndarray, w: tuple, w1: np.ndarray, source: np.ndarray,
    cap: tuple, cap_row: np.ndarray, lay_shape: np.ndarray, lay_table: np.ndarray,
    owner: np.ndarray, sign: np.ndarray, tables: np.ndarray, top: int, temperature: np.ndarray,
    key: np.ndarray, turn: int, world: np.ndarray, explain: bool, shown: np.ndarray,
    prob: np.ndarray, util: np.ndarray, weighed: np.ndarray, alive: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """``kernel`` on this thread only, without the threading layer: what a block played on its
    own thread (several blocks at once in one process, sim/runner/worker.py) calls."""
    new, pick, missed = _outputs(rung)
    up, vals, wc = np.empty((2, 4)), np.empty((sign.shape[0], 4)), np.zeros((2, owner.shape[0]))
    for r in range(rung.shape[0]):
        if not alive[r]:
            _ended(r, rung, new, pick)
            continue
        _world(
            r, rung, highest, w, w1, source, cap, cap_row, lay_shape, lay_table, owner, sign,
            tables, top, temperature, key, turn, world, explain, shown, prob, util, weighed, new,
            pick, missed, up, vals, wc,
        )  # fmt: skip
    return new, pick, missed


GENERATED = True
"""Use the kernel generated for the shipped terms where a model's layout is its own
(sim/rules/terms_codegen.py); False plays every model with the general kernel (the same
results: tests/rules/test_terms_kernel.py compares them)."""


def generated(lay: Layout, wt: Weights) -> ModuleType | None:
    """The generated kernel's module if ``lay`` and this turn's weight sources (per-dyad or
    per-world, as the terms' weights came out) are the layout it was generated for."""
    if not (GENERATED and lay.written):
        return None
    from sim.rules import terms_codegen, terms_kernel

    sources = getattr(terms_kernel, "SOURCES", None)
    return terms_kernel if terms_codegen.sources_key(wt.source) == sources else None


def decide(
    s: WorldState, c: CompiledScenario, terms: tuple[UtilityTerm, ...], explain: bool = False
) -> Decision:
    """Score the four moves on every dyad of every world and sample one per dyad and world."""
    lay = layout_of(c, terms)
    wt = weights(s, terms)
    R, P = s.rung.shape
    full = (len(terms), M, R, P) if explain else (1, 1, 1, 1)
    shown = np.zeros(full)
    prob = np.zeros(full[1:])
    util = np.zeros(full[1:])
    threads = numba.get_num_threads() > 1 and R >= THREADED_FROM
    weighed = s.weighed if s.weighed is not None else np.ones((R, P), dtype=bool)
    written = None if explain else generated(lay, wt)
    if written is not None:  # the registry's terms written out: the same utilities, half the time
        new, pick, missed = (written.kernel if threads else written.kernel_serial)(
            s.rung, s.highest_rung, wt.dyad, wt.world, wt.caps, lay.tables, c.top,
            s.rules["temperature"], s.key, s.turn, s.world, weighed, s.alive,
        )  # fmt: skip
    else:
        new, pick, missed = (kernel if threads else kernel_serial)(
            s.rung, s.highest_rung, wt.dyad, wt.world, wt.source, wt.caps, lay.cap_row,
            lay.shape, lay.table, lay.owner, lay.sign, lay.tables, c.top, s.rules["temperature"],
            s.key, s.turn, s.world, explain, shown, prob, util, weighed, s.alive,
        )  # fmt: skip
    if missed.any():
        raise RuntimeError(UNWEIGHED)
    if not explain:
        return Decision(rung=new, prob=None, terms=None, valid=None)
    out = {t.name: shown[i] for i, t in enumerate(terms)}
    out.update(utility=util, pick=pick, prob_all=prob)
    chosen = np.take_along_axis(prob, pick[None].astype(np.int64), 0)[0]
    return Decision(rung=new, prob=chosen, terms=out, valid=np.isfinite(util))


class LogitChoice(RuleFamily):
    """Bounded rationality: a logit over the moves the masks allow (McFadden 1974)."""

    name = "choice"
    summary = "logit choice over four moves (down one, hold, up one, up two) after the masks"
    parameters = declared(name)


FAMILY = LogitChoice()
