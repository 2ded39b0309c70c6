"""Compile the scenario's declarative conditions (outcome and stop predicates) into programs that
one compiled kernel evaluates. The predicate *data* is sim/scenario/predicates.py.

A condition is a short postfix program: each test pushes whether it holds in each world, ``all``
and ``any`` pop their operands and push the result, ``not`` flips the top. Every program of a
scenario lives in one code array, so the stop conditions of all running worlds take one call a
turn, and the outcomes of the worlds that end one more, in place of a few numpy passes per test
(docs/performance.md, fourteenth round).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numba
import numpy as np

from sim.rules.compile import LEVEL, CompiledScenario
from sim.rules.state import WorldState
from sim.scenario.outcomes import outcome_names
from sim.scenario.predicates import Predicate, RungTest

# opcodes; a row of the code is (opcode, a, b, x, y)
PEAK, NOW = 0, 1  # some dyad items[a:b] has its peak / current rung in [x, y]
CONST = 2  # push a (0 or 1)
TRIGGERED, HONOURED = 3, 4  # some link items[a:b] has fired / fired and is honoured
SUPPORT = 5  # some link items[a:b] has given at least level x
INJECT = 6  # inject a has fired
TURN = 7  # a <= turn <= b
CALM = 8  # the world has been calm at rung a or below for at least b turns
ALL, ANY, NOT = 9, 10, 11  # pop a values, push their and / or (a = 0: true / false); flip the top
PEAK_SPAN, NOW_SPAN = 12, 13  # PEAK, NOW on the consecutive dyads a:b (a loop without exit)

READS = {
    PEAK: "peak",
    NOW: "rung",
    PEAK_SPAN: "peak",
    NOW_SPAN: "rung",
    TRIGGERED: "triggered",
    HONOURED: "honoured",
    SUPPORT: "support_peak",
    INJECT: "inject_fired",
    CALM: "calm_turns",
}
"""The state field each test reads (a condition on a family's state needs that family)."""


class _Writer:
    """The code and items arrays of one compiled scenario's conditions, as they are written."""

    def __init__(self) -> None:
        self.code: list[tuple[int, int, int, int, int]] = []
        self.items: list[int] = []

    def op(self, opcode: int, a: int = 0, b: int = 0, x: int = 0, y: int = 0) -> None:
        """Append one instruction."""
        self.code.append((opcode, a, b, x, y))

    def over(self, opcode: int, items: np.ndarray, x: int = 0, y: int = 0) -> None:
        """Append a test over ``items`` (dyads or links), kept in the items array."""
        start = len(self.items)
        self.items.extend(int(i) for i in items)
        self.op(opcode, start, len(self.items), x, y)


def _matching(
    c: CompiledScenario, first: np.ndarray, second: np.ndarray, actor: str, toward: str
) -> np.ndarray:
    """Indices whose ``first`` actor is ``actor`` and ``second`` is ``toward`` (``any``: every
    one): dyads by source and target, links by guarantor and partner."""
    sel = np.ones(len(first), dtype=bool)
    if actor != "any":
        sel &= first == c.actors.index(actor)
    if toward != "any":
        sel &= second == c.actors.index(toward)
    return np.flatnonzero(sel)


def _dyads(c: CompiledScenario, actor: str, toward: str) -> tuple[np.ndarray, bool]:
    """Dyad indices matching actor/toward, and whether an absent specific pair counts as rung 0."""
    specific = actor != "any" and toward != "any"
    return _matching(c, c.src, c.dst, actor, toward), specific


def _rung_test(w: _Writer, c: CompiledScenario, t: RungTest, opcode: int) -> None:
    """A ``peak`` or ``current`` rung test on the matching dyads."""
    idx, specific = _dyads(c, t.actor, t.toward)
    lo = 0 if t.at_least is None else c.rung_index(t.at_least)
    hi = c.top if t.at_most is None else c.rung_index(t.at_most)
    if idx.size == 0:  # the pair never escalates: it stays at rung 0
        w.op(CONST, int(specific and lo <= 0 <= hi))
    elif (np.diff(idx) == 1).all():  # consecutive dyads (every one, an actor's): read in place
        w.op(PEAK_SPAN if opcode == PEAK else NOW_SPAN, int(idx[0]), int(idx[-1]) + 1, lo, hi)
    else:
        w.over(opcode, idx, lo, hi)


def _write(w: _Writer, c: CompiledScenario, p: Predicate, calm_keys: list[tuple[int, int]]) -> None:
    """Append the program of ``p``; ``calm_keys`` collects its calm tests (turns, rung)."""
    if p.all is not None or p.any is not None:
        subs = p.all if p.all is not None else p.any
        for q in subs:
            _write(w, c, q, calm_keys)
        w.op(ALL if p.all is not None else ANY, len(subs))
    elif p.not_ is not None:
        _write(w, c, p.not_, calm_keys)
        w.op(NOT)
    elif p.peak is not None or p.current is not None:
        _rung_test(w, c, p.peak or p.current, PEAK if p.peak is not None else NOW)
    elif p.triggered is not None or p.honoured is not None:
        name = p.triggered or p.honoured
        ks = np.array([k for k, r in enumerate(c.link_relation) if r == name], dtype=np.int64)
        if ks.size == 0:
            w.op(CONST, 0)
        else:
            w.over(TRIGGERED if p.triggered is not None else HONOURED, ks)
    elif p.inject is not None:
        w.op(INJECT, list(c.scenario.injects).index(p.inject))
    elif p.turn is not None:
        lo = p.turn.at_least if p.turn.at_least is not None else 0
        hi = p.turn.at_most if p.turn.at_most is not None else 10**9
        w.op(TURN, lo, hi)
    elif p.calm is not None:
        key = (p.calm.turns, c.rung_index(p.calm.at_most))
        calm_keys.append(key)
        w.op(CALM, key[1], key[0])
    elif p.support is not None:
        ks = _matching(c, c.link_g, c.link_p, p.support.actor, p.support.toward)
        level = LEVEL[p.support.at_least]
        if ks.size == 0:
            w.op(CONST, int(level == 0))
        else:
            w.over(SUPPORT, ks, level)
    else:  # pragma: no cover
        raise AssertionError("validated predicate has one key")


@numba.njit(cache=True, nogil=True)
def _run(
    code, items, start, end, rows, peak, rung, triggered, honoured, support, fired, calm,
    calm_rungs, turn, stack,
):  # fmt: skip
    """Whether the program ``code[start:end]`` holds in each world of ``rows``: instruction by
    instruction over every world (``stack``: (depth, rows) scratch), so that an instruction is
    decoded once per call, not once per world. Returns the stack's first row."""
    sp = 0
    for i in range(start, end):
        op, a, b, x, y = code[i, 0], code[i, 1], code[i, 2], code[i, 3], code[i, 4]
        if op in (ALL, ANY):
            for j in range(rows.shape[0]):
                v = op == ALL
                for k in range(sp - a, sp):
                    v = (v and stack[k, j]) if op == ALL else (v or stack[k, j])
                stack[sp - a, j] = v
            sp += 1 - a
        elif op == NOT:
            for j in range(rows.shape[0]):
                stack[sp - 1, j] = not stack[sp - 1, j]
        else:
            _test(
                op, a, b, x, y, rows, items, peak, rung, triggered, honoured, support, fired,
                calm, calm_rungs, turn, stack[sp],
            )  # fmt: skip
            sp += 1
    return stack[0]


@numba.njit(cache=True, nogil=True)
def _test(
    op, a, b, x, y, rows, items, peak, rung, triggered, honoured, support, fired, calm,
    calm_rungs, turn, out,
):  # fmt: skip
    """Whether test ``(op, a, b, x, y)`` holds in each world of ``rows``, into ``out``."""
    n = rows.shape[0]
    out[:n] = False
    if op in (PEAK_SPAN, NOW_SPAN):
        arr = peak if op == PEAK_SPAN else rung
        lo, hi = np.int8(x), np.int8(y)  # rungs (int8): compared without widening
        for j in range(n):
            row = arr[rows[j]]
            hits = 0  # every dyad tested, without a branch: the loop is vectorised
            for d in range(a, b):
                hits += (row[d] >= lo) & (row[d] <= hi)
            out[j] = hits > 0
    elif op in (PEAK, NOW):
        arr = peak if op == PEAK else rung
        for j in range(n):
            for e in range(a, b):
                if x <= arr[rows[j], items[e]] <= y:
                    out[j] = True
                    break
    elif op in (TRIGGERED, HONOURED):
        for j in range(n):
            for e in range(a, b):
                k = items[e]
                if triggered[rows[j], k] and (op == TRIGGERED or honoured[rows[j], k]):
                    out[j] = True
                    break
    elif op == SUPPORT:
        for j in range(n):
            for e in range(a, b):
                if support[rows[j], items[e]] >= x:
                    out[j] = True
                    break
    elif op == INJECT:
        for j in range(n):
            out[j] = fired[rows[j], a]
    elif op == CALM:
        for c in range(calm_rungs.shape[0]):  # the column of rung a's counter
            if calm_rungs[c] == a:
                for j in range(n):
                    out[j] = calm[rows[j], c] >= b
    else:  # CONST (a) or TURN (a <= turn <= b): the same in every world
        out[:n] = (a != 0) if op == CONST else (a <= turn <= b)


@numba.njit(cache=True, nogil=True)
def _held(code, items, bounds, rows, peak, rung, triggered, honoured, support, fired, calm, calm_rungs, turn):  # fmt: skip
    """(rows, programs): whether each program (``bounds``: a (start, end) row each) holds in
    each world of ``rows``."""
    out = np.empty((rows.shape[0], bounds.shape[0]), np.bool_)
    stack = np.empty((max(1, code.shape[0]), rows.shape[0]), np.bool_)
    for i in range(bounds.shape[0]):
        out[:, i] = _run(
            code, items, bounds[i, 0], bounds[i, 1], rows, peak, rung, triggered, honoured,
            support, fired, calm, calm_rungs, turn, stack,
        )  # fmt: skip
    return out


@numba.njit(cache=True, nogil=True)
def _each(code, items, bounds, rows, peak, rung, triggered, honoured, support, fired, calm, calm_rungs, turn, out):  # fmt: skip
    """For every world r in ``rows``, whether each program holds, into ``out[r, i]``."""
    held = _held(code, items, bounds, rows, peak, rung, triggered, honoured, support, fired, calm, calm_rungs, turn)  # fmt: skip
    for j in range(rows.shape[0]):
        out[rows[j]] = held[j]


@numba.njit(cache=True, nogil=True)
def _first(code, items, bounds, rows, peak, rung, triggered, honoured, support, fired, calm, calm_rungs, turn, out):  # fmt: skip
    """For every world r in ``rows``, the first program that holds, into ``out[r]`` (unchanged
    if none does)."""
    held = _held(code, items, bounds, rows, peak, rung, triggered, honoured, support, fired, calm, calm_rungs, turn)  # fmt: skip
    for j in range(rows.shape[0]):
        for i in range(bounds.shape[0]):
            if held[j, i]:
                out[rows[j]] = i
                break


_DUMMIES = {
    "peak": np.zeros((1, 1), np.int8),
    "triggered": np.zeros((1, 1), np.bool_),
    "honoured": np.zeros((1, 1), np.bool_),
    "support_peak": np.zeros((1, 1), np.int8),
    "inject_fired": np.zeros((1, 1), np.bool_),
    "calm_turns": np.zeros((1, 1), np.int16),
}


@dataclass(frozen=True)
class Programs:
    """Conditions compiled into one code array: program i is ``code[bounds[i, 0]:bounds[i, 1]]``."""

    code: np.ndarray  # (n, 5) int64
    items: np.ndarray  # dyad and link indices the tests read
    bounds: np.ndarray  # (programs, 2) int64
    calm_rungs: np.ndarray  # rungs with a calm counter (columns of ``calm_turns``)
    reads: frozenset[str]  # state fields the programs read

    def _arrays(self, s: WorldState) -> tuple[np.ndarray, ...]:
        """The state arrays the kernel reads (a dummy for a field no program reads)."""
        out = []
        for name in ("peak", "rung", "triggered", "honoured", "support_peak", "inject_fired"):
            out.append(self._field(s, name))
        calm = self._field(s, "calm_turns")
        return (*out, calm, self.calm_rungs, np.int64(s.turn))

    def _field(self, s: WorldState, name: str) -> np.ndarray:
        """State field ``name``; a dummy where no family provides it and no program reads it."""
        value = getattr(s, name)
        if value is not None:
            return value
        if name in self.reads:
            raise RuntimeError(f"a condition reads {name}, which no registered family provides")
        return _DUMMIES.get(name, _DUMMIES["peak"])

    def each(self, s: WorldState, rows: np.ndarray) -> np.ndarray:
        """(R, programs) bool: whether each program holds in each world of ``rows`` (else
        false)."""
        out = np.zeros((s.worlds, len(self.bounds)), dtype=bool)
        _each(self.code, self.items, self.bounds, rows, *self._arrays(s), out)
        return out

    def first(self, s: WorldState, rows: np.ndarray, out: np.ndarray) -> None:
        """Write into ``out[r]`` the first program that holds in each world ``r`` of ``rows``."""
        _first(self.code, self.items, self.bounds, rows, *self._arrays(s), out)


class Condition:
    """One compiled condition: called on a state, a bool per world."""

    def __init__(self, programs: Programs, index: int) -> None:
        self.programs, self.index = programs, index

    def __call__(self, s: WorldState) -> np.ndarray:
        """Whether the condition holds in each world."""
        rows = np.arange(s.worlds, dtype=np.int64)
        return self.programs.each(s, rows)[:, self.index]


def _programs(
    c: CompiledScenario, preds: list[Predicate | None], calm_keys: list[tuple[int, int]]
) -> Programs:
    """The programs of ``preds`` (None: always holds); calm rungs from ``calm_keys`` as well."""
    w = _Writer()
    bounds = []
    for p in preds:
        start = len(w.code)
        if p is None:
            w.op(CONST, 1)
        else:
            _write(w, c, p, calm_keys)
        bounds.append((start, len(w.code)))
    code = np.array(w.code, dtype=np.int64).reshape(-1, 5)
    reads = frozenset(READS[int(op)] for op in code[:, 0] if int(op) in READS)
    return Programs(
        code=code,
        items=np.array(w.items, dtype=np.int64),
        bounds=np.array(bounds, dtype=np.int64).reshape(-1, 2),
        calm_rungs=np.array(list(dict.fromkeys(r for _, r in calm_keys)), dtype=np.int64),
        reads=reads,
    )


def compile_condition(
    c: CompiledScenario, p: Predicate, calm_keys: list[tuple[int, int]]
) -> Condition:
    """A function of the state returning a bool per world. ``calm_keys`` collects calm tests
    (turns, rung); the state's ``calm_turns`` columns are their rungs in order of first mention
    (those given, then this condition's)."""
    return Condition(_programs(c, [p], calm_keys), 0)


@dataclass
class Endings:
    """Compiled stop conditions and outcomes (the catch-all ``other`` added when missing)."""

    after: np.ndarray  # (stops,) a stop is tested only after this turn
    stops: Programs  # one program per stop, in file order
    outcome_names: list[str]
    outcomes: Programs  # one program per outcome, in priority order (the catch-all: true)
    calm_rungs: np.ndarray  # rungs with a "calm" test (columns of ``calm_turns``), both read it


def compile_endings(c: CompiledScenario) -> Endings:
    """Stops and outcomes of ``c.scenario`` as compiled programs."""
    calm_keys: list[tuple[int, int]] = []
    stops = list(c.scenario.stop.values())
    names = outcome_names(c.scenario)
    outs: list[Predicate | None] = [o.when for o in c.scenario.outcomes.values()]
    outs += [None] * (len(names) - len(outs))  # the implicit catch-all
    stop_programs = _programs(c, [s.when for s in stops], calm_keys)
    outcome_programs = _programs(c, outs, calm_keys)
    # the outcomes' calm tests may add rungs: both read the scenario's full list of counters
    calm = outcome_programs.calm_rungs
    stop_programs = replace(stop_programs, calm_rungs=calm)
    after = np.array([s.after_turn for s in stops], dtype=np.int64)
    return Endings(after, stop_programs, names, outcome_programs, calm)
