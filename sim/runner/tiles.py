"""A block played in tiles, a part of its worlds at a time, when ``WARGAME_TILE`` asks for it.

Tiles were the default once (docs/performance.md, ninth round): two processes each playing
blocks of 1,000 Taiwan worlds had run at half speed each, and in tiles of 500 sized to share the
machine's cache they played 3,900-4,130 replicates/s together. That slowdown was most likely
OpenBLAS's idle threads spinning beside the other process (sixteenth round), not the cache: with
BLAS on one thread, whole blocks play faster than tiles on two processes (6,800-7,180 replicates/s
against 6,460-6,520) and far faster on two threads of one process (6,070 against 4,810-4,950),
since a tile pays a turn's Python again for fewer worlds (seventeenth round). So a block plays whole
unless ``WARGAME_TILE`` sets a tile, a speed setting kept for machines whose cache it may suit.

A block's worlds are created whole before they are split, and every draw is keyed by the world's
index in its block (sim/rules/streams.py), so the tiles' results are the block's, byte for byte:
the tile is a speed setting, never a result setting (unlike the block size)."""

from __future__ import annotations

import numpy as np

from sim.model import WargameModel
from sim.rules import worlds
from sim.rules.compile import CompiledScenario
from sim.rules.state import WorldState
from sim.runner.pool import TILE_ENV, env_number


def tile_size(s: WorldState) -> int:
    """Worlds to play at once: ``WARGAME_TILE`` if set (0: the whole block), else the whole block."""
    given = env_number(TILE_ENV)
    return given or s.worlds


def play(model: WargameModel) -> None:
    """Play every world of ``model`` (just created) to its end, in tiles of :func:`tile_size`
    worlds split evenly: each tile a model of its own on the block's worlds, written back when it
    ends. Whole when one tile holds them, or with world 0's event log or trajectories.

    A tile's turn costs a fixed part (the Python between the kernels, about 1 ms on Taiwan)
    whatever its worlds, so the tiles' tails are played together (:func:`_join_tails`): the
    first tile plays until its running worlds would fit one tile with the others' (a share
    ``1 / tiles`` of it), the others to the same turn, and then their running worlds as one
    model to the end."""
    s = model.state
    tile = tile_size(s)
    if tile >= model.R or s.explain or model.record_trajectories or s.turn:
        model.run()
        return
    spans = np.array_split(np.arange(model.R), -(-model.R // tile))
    parts = [worlds.gather(s, idx) for idx in spans]  # all from the worlds as created
    share, size = len(spans), len(spans[0])  # the tiles as split (evenly: at most ``tile``)
    models = [WargameModel(model.compiled, state=part, collect=False) for part in parts]
    models[0].run(until=lambda m: share * int(m.state.alive.sum()) <= size)
    pause = models[0].state.turn
    for m in models[1:]:
        m.run(until=lambda m: m.state.turn >= pause)
    _join_tails(model.compiled, models)
    turn, acted = s.turn, s.acted.copy()
    for idx, m in zip(spans, models, strict=True):
        worlds.scatter(s, m.state, idx)
        turn, acted = max(turn, m.state.turn), acted | m.state.acted
        m.release()
    s.turn, s.acted = turn, acted
    model.running = False


def _join_tails(c: CompiledScenario, models: list[WargameModel]) -> None:
    """Play the running worlds of ``models`` (paused at one turn) as one model to the end, and
    write them back into each. Every draw is keyed by the world's index in its block, not its
    place in an array (sim/rules/streams.py), so the results are each tile's own."""
    running = [(m, np.flatnonzero(m.state.alive)) for m in models if m.running]
    if not running:
        return
    if len(running) == 1:
        running[0][0].run()
        return
    stacked = worlds.stack([worlds.gather(m.state, i) for m, i in running])
    joined = WargameModel(c, state=stacked, collect=False)
    joined.run()
    start = 0
    for m, idx in running:
        rows = np.arange(start, start + len(idx))
        worlds.scatter(m.state, worlds.gather(joined.state, rows), idx)
        m.running, start = False, start + len(idx)
    joined.release()
