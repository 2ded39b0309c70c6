"""Create R worlds of a compiled scenario and play their turns with the registered rule families.

This is the turn loop; ``sim.model.WargameModel`` wraps it for Mesa (agents, DataCollector) and
for people in the loop. Everything here takes the declared state and the compiled scenario.
"""

from __future__ import annotations

import math
from dataclasses import fields

import numba
import numpy as np

from sim.rules import streams, vocabulary
from sim.rules.compile import RULE_KEYS, CompiledScenario
from sim.rules.family import RuleFamily
from sim.rules.registry import parameters
from sim.rules.state import F32, WorldState

ATTRIBUTES = (  # compiled array -> state field (float32 per world)
    "resolve",
    "risk_tolerance",
    "domestic_constraint",
    "opinion_relaxation",
    "sea_lanes",
    "survival_threshold",
    "existential_threshold",
    "rivalry_intensity",
    "trade_dependence",
    "claim_stake",
    "holder_stake",
    "credibility",
)


def rule_values(
    s: WorldState, c: CompiledScenario, fams: tuple[RuleFamily, ...]
) -> dict[str, np.ndarray]:
    """Every rule parameter per world: the scenario's ``rules:`` (drawn in schema order) and,
    for a family's parameter the schema does not know, its declared default."""
    values = {
        k: c.uncertain.draw(f"rules.{k}", s.rng, s.worlds, s.sampled).astype(F32) for k in RULE_KEYS
    }
    for name, (_, p) in parameters(fams).items():
        values.setdefault(name, np.full(s.worlds, p.default, dtype=F32))
    # a temperature below float32's normal range (a beta draw near 0) would make 1/T infinite:
    # such a world chooses its best move, as at temperature 0
    t = values["temperature"]
    values["temperature"] = np.where(t < np.finfo(F32).tiny, F32(0), t).astype(F32)
    return values


def create_worlds(
    c: CompiledScenario,
    R: int,
    rng: np.random.Generator,
    fams: tuple[RuleFamily, ...],
    explain: bool,
) -> WorldState:
    """R worlds at turn 0: sampled attributes, initial rungs, then every family's setup."""
    s = WorldState(
        worlds=R,
        rng=rng,
        key=np.tile(streams.key_of(rng), (R, 1)),
        world=np.arange(R, dtype=np.int64),
        explain=explain,
        log=[],
        forced_injects=set(),
        sampled={},
        family_arrays={},
    )
    arrays = c.uncertain.sample(rng, R, s.sampled)
    weights = c.theatre.power_weights  # the theatre's domain weights (maritime by default)
    s.power = (arrays["power_by_domain"] @ weights).astype(F32) + F32(1e-3)
    for name in ATTRIBUTES:
        setattr(s, name, arrays[name].astype(F32))
    s.basing_access = [arrays[b.key] for b in c.basing]
    s.rules = rule_values(s, c, fams)
    s.rung = np.zeros((R, len(c.src)), dtype=np.int8)
    for who, targets in c.scenario.initial.items():
        for t, ref in targets.items():
            s.rung[:, c.dyad_index(who, t)] = c.rung_index(ref)
    s.peak = s.rung.copy()
    s.violent_turns = np.zeros(s.rung.shape, dtype=np.int16)
    s.first_violent_rung = vocabulary.vocab_of(c).first_violent
    s.next_rung = s.rung.copy()
    s.acted = np.zeros(len(c.src), dtype=bool)
    for f in fams:
        f.setup(s, c)
    return s


def prepare_turn(s: WorldState, c: CompiledScenario, fams: tuple[RuleFamily, ...]) -> None:
    """Start the coming turn (injects fire) and compute what all actors share; once per turn."""
    if s.prepared_turn == s.turn:
        return
    for f in fams:
        f.start_turn(s, c)
    for f in fams:
        f.update(s, c)
    s.prepared_turn = s.turn


def force_inject(
    s: WorldState, c: CompiledScenario, fams: tuple[RuleFamily, ...], name: str
) -> None:
    """Fire inject ``name`` at the start of the next turn in every world (now, if that turn is
    already prepared: then the shared quantities are computed again)."""
    s.forced_injects.add(name)
    if s.prepared_turn == s.turn:
        for f in fams:
            f.inject_forced(s, c)
        for f in fams:
            f.update(s, c)


def finish_turn(
    s: WorldState, c: CompiledScenario, fams: tuple[RuleFamily, ...], before: np.ndarray
) -> None:
    """Commit the simultaneous moves in the worlds still running; then every family's end_turn."""
    s.rung = np.empty(before.shape, np.int8)
    _commit(
        s.next_rung, before, s.alive, s.first_violent_rung, s.rung, s.acted, s.peak,
        s.violent_turns,
    )  # fmt: skip
    s.turn += 1
    for f in fams:
        f.end_turn(s, c)


@numba.njit(cache=True, nogil=True)
def _commit(next_rung, before, alive, first_violent, rung, acted, peak, violent):  # fmt: skip
    """World by world: a running world takes its chosen rungs (an ended one keeps ``before``);
    then which dyads ever moved (``acted``), the peaks and the turns at a violent rung, in one
    pass instead of five over (R, P) arrays."""
    for r in range(before.shape[0]):
        running = alive[r]
        for d in range(before.shape[1]):
            now = next_rung[r, d] if running else before[r, d]
            rung[r, d] = now
            if running and now != before[r, d]:
                acted[d] = True
            if now > peak[r, d]:
                peak[r, d] = now
            if running and now >= first_violent:
                violent[r, d] += 1


def _per_world(shape: str) -> bool:
    """A declared field whose leading axis is the worlds'."""
    return shape.startswith("(R")


def gather(s: WorldState, keep: np.ndarray, *, per_turn: bool = True) -> WorldState:
    """The worlds ``keep`` of ``s`` as a smaller state (per-world arrays indexed, the rest shared).

    Every draw is keyed by the world's index in its block (``s.world``), not its position, so a
    block may drop its ended worlds and play on with the others: results do not change. Plug-in
    family arrays must lead with the world axis. ``per_turn=False`` leaves the fields the next
    turn assigns anew unset (``declared``'s ``per_turn``; a third of Taiwan's bytes per world):
    for a state whose next turn is played before anyone reads it."""
    out = WorldState()
    for f in fields(WorldState):
        value = getattr(s, f.name)
        if not per_turn and f.metadata["per_turn"]:
            value = None
        elif _per_world(f.metadata["shape"]) and value is not None:
            if isinstance(value, dict):
                value = {k: _rows(v, keep) for k, v in value.items()}
            elif isinstance(value, list):
                value = [_rows(v, keep) for v in value]
            else:
                value = _rows(value, keep)
        elif f.name == "family_arrays":
            value = {k: _rows(v, keep) for k, v in value.items()}
        setattr(out, f.name, value)
    out.worlds = len(keep)
    return out


def _rows(value: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """``value[keep]`` along the world axis, by ``take`` (half the time of fancy indexing on a
    block's state, the same array)."""
    return np.asarray(value).take(keep, axis=0)


def stack(states: list[WorldState]) -> WorldState:
    """Several blocks' worlds at one turn, just created or paused between turns (the tiles of a
    block, ``sim.runner.tiles``), as one state (per-world arrays concatenated).

    Each world keeps its block's stream key and its index in that block (``s.key``, ``s.world``),
    so it draws what it draws in its own block: a sweep plays the points of a batch as one model
    and each point's worlds come out as if played alone. The blocks must be of compiled scenarios
    that differ only in per-world values (``sim.sweeps.stacked``), at the same turn, without
    ``explain``. Flags every world shares are or-ed (they ask for a recomputation; between turns
    they are all clear, as the turn that set them consumed them), counters must agree, and the
    rest is the first block's (its generator: no rule draws from it after creation, every draw is
    keyed)."""
    if any(s.explain for s in states):
        raise ValueError("explained worlds cannot be stacked (the event log is world 0's)")
    out = WorldState()
    for f in fields(WorldState):
        values = [getattr(s, f.name) for s in states]
        value = values[0]
        if f.name == "worlds":
            value = sum(values)
        elif f.name == "acted" or isinstance(value, bool):
            value = np.logical_or.reduce(values) if f.name == "acted" else any(values)
        elif _per_world(f.metadata["shape"]) or f.name == "family_arrays":
            if value is None:
                assert all(v is None for v in values), f.name
            elif isinstance(value, dict):
                if any(v.keys() != value.keys() for v in values):
                    raise ValueError(f"blocks with different {f.name} keys cannot be stacked")
                value = {k: np.concatenate([v[k] for v in values]) for k in value}
            elif isinstance(value, list):
                value = [np.concatenate(parts) for parts in zip(*values, strict=True)]
            else:
                value = np.concatenate(values)
        elif isinstance(value, int) and any(v != value for v in values):
            raise ValueError(f"blocks at different {f.name} cannot be stacked")
        setattr(out, f.name, value)
    return out


def scatter(full: WorldState, part: WorldState, where: np.ndarray) -> None:
    """Write the worlds of ``part`` (a ``gather`` of ``full`` at ``where``) back into ``full``,
    with the fields every world shares (turn counters, flags)."""
    for f in fields(WorldState):
        value, into = getattr(part, f.name), getattr(full, f.name)
        if f.name == "worlds":
            continue
        if _per_world(f.metadata["shape"]) or f.name == "family_arrays":
            if value is None:
                continue
            if isinstance(value, dict):
                for k, v in value.items():
                    into[k] = _put(into.get(k), v, where, full.worlds)
            elif isinstance(value, list):
                into[:] = [_put(a, v, where, full.worlds) for a, v in zip(into, value, strict=True)]
            else:
                setattr(full, f.name, _put(into, value, where, full.worlds))
        else:
            setattr(full, f.name, value)


def _c_order(*arrays: np.ndarray) -> bool:
    """Every array is C-contiguous (its rows whole and in order)."""
    return all(a.flags.c_contiguous for a in arrays)


def _put(into: np.ndarray | None, value: np.ndarray, where: np.ndarray, R: int) -> np.ndarray:
    """``into`` (or a new zero array of R worlds) with ``value`` written at ``where``. A world's
    row of a 2-D or wider array is written as one item (the rows seen as opaque bytes): numpy's
    indexed assignment then copies whole rows, in half the time of element by element (a drop
    writes back the ended worlds of some 140 arrays)."""
    if into is None or into.shape[1:] != value.shape[1:]:
        into = np.zeros((R, *value.shape[1:]), dtype=value.dtype)
    elif into.dtype != value.dtype:
        into = into.astype(value.dtype)
    if not len(value):
        return into
    size = into.itemsize * math.prod(into.shape[1:])  # a row's bytes
    if into.ndim > 1 and size and not into.dtype.hasobject and _c_order(into, value):
        row = np.dtype((np.void, size))
        flat = into.reshape(len(into), -1).view(row)[:, 0]  # a view of ``into``: one item a row
        flat[where] = value.reshape(len(value), -1).view(row)[:, 0]
    else:
        into[where] = value
    return into
