"""A block played in tiles: a few hundred of its worlds at a time, so that the worlds of tasks
playing at once on the machine fit the cache they share (docs/performance.md, ninth round).

Two processes each playing blocks of 1,000 Taiwan worlds ran at half speed each (2,240-2,730
replicates/s together, as much as one alone); in tiles of 500 they played 3,900-4,130 together.
Alone, or with smaller worlds (Sea of Japan), whole blocks were as fast or faster, so a task
playing alone never tiles. A block's worlds are created whole before they are split, and every
draw is keyed by the world's index in its block (sim/rules/streams.py), so the tiles' results are
the block's, byte for byte: the tile is a speed setting, never a result setting (unlike the
block size)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np

from sim.model import WargameModel
from sim.rules import worlds
from sim.rules.compile import CompiledScenario
from sim.rules.state import WorldState
from sim.runner.pool import PEERS_ENV, TILE_ENV, env_number

CACHE_SHARE = 0.5
"""Share of the last-level cache that the worlds of the tasks playing at once fill, counted as
their state when created (a turn's temporaries add about as much again): ``assumption`` fitted on
this project's machine, 32 MiB shared by 2 cores. Two tasks: Taiwan's 10.6 kB per world gives
tiles of at most 790 (so blocks of 1,000 in two tiles of 500, measured best), Sea of Japan's
6.7 kB gives 1,250 (whole blocks, measured best)."""
MIN_TILE = 100
"""Fewest worlds in a tile: below it the turn's fixed cost (about 1 ms) outweighs the cache."""
_FALLBACK_CACHE = 32 << 20
_here = threading.local()


def set_peers(peers: int) -> None:
    """This thread plays blocks beside ``peers - 1`` other threads (``sim.runner.worker``)."""
    _here.peers = max(1, int(peers))


def peers() -> int:
    """Tasks playing at once: this thread's pool's, else this process's pool's, else one; at most
    one per core (more take turns on the cores)."""
    n = getattr(_here, "peers", 0) or env_number(PEERS_ENV) or 1
    return max(1, min(n, os.cpu_count() or 1))


def cache_bytes() -> int:
    """The last-level cache's size as Linux describes it (32 MiB where it does not)."""
    try:
        text = Path("/sys/devices/system/cpu/cpu0/cache/index3/size").read_text().strip()
        return int(text[:-1]) << 10 if text.endswith("K") else int(text)
    except (OSError, ValueError):
        return _FALLBACK_CACHE


def tile_size(s: WorldState) -> int:
    """Worlds to play at once: ``WARGAME_TILE`` if set; else all of them for a task alone, and
    each task's share of the cache when several play at once."""
    given = env_number(TILE_ENV)
    if given is not None:
        return given or s.worlds
    if peers() == 1:
        return s.worlds
    fit = CACHE_SHARE * cache_bytes() / peers() / max(worlds.bytes_per_world(s), 1.0)
    return max(MIN_TILE, int(fit))


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
