"""The task a worker runs: one block of replicates, or a few played as one model. Kept light: no
plotting or web imports."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import numba
import numpy as np

from sim.model import WargameModel
from sim.rules import blas, worlds
from sim.rules.compile import CompiledScenario
from sim.runner import tiles
from sim.runner.pool import configured_threads


def set_threads(threads: int | None = None) -> int:
    """Use ``threads`` threads for the compiled kernels in this process (None: the number set by
    ``--threads`` in ``WARGAME_THREADS``, else numba's default, every core); returns the number.
    Results do not depend on it: every draw is keyed by the world, not the thread."""
    if threads is None:
        threads = configured_threads()
    threads = max(1, min(int(threads), numba.config.NUMBA_NUM_THREADS))
    numba.set_num_threads(threads)
    return threads


_here = threading.local()  # ``one``: this thread plays whole blocks on its own (``thread_pool``)


def _block_thread() -> None:
    """Initializer of a pool thread: it plays one block at a time, its kernels on itself only,
    beside the pool's other threads."""
    _here.one = True
    numba.set_num_threads(1)  # thread-local: the kernels take their one-thread form


def thread_pool(threads: int) -> ThreadPoolExecutor:
    """``threads`` threads of this process, each playing whole blocks (several blocks at once).

    The compiled kernels release the GIL (``nogil``), but the Python between them does not: whole
    blocks two at a time (``run_montecarlo``) on two threads ran 1.64-1.78x as fast as on one on
    Taiwan (worker processes: 1.88-1.95x), with no worker process to start; every draw is keyed by
    its world and block, so the results are those of one thread (docs/performance.md, seventeenth
    round of issue 14)."""
    threads = max(1, threads)
    return ThreadPoolExecutor(threads, "wargame-block", initializer=_block_thread)


@contextmanager
def playing() -> Iterator[None]:
    """Around every task (a run's block, a sweep's batch, a backtest's case block):
    - the kernels take this process's threads (:func:`set_threads`), unless this thread plays
      whole blocks on its own (:func:`thread_pool`). Without it a worker process or a Dask worker
      kept numba's default, every core, and two workers on two cores ran a calibration 1.7x
      slower than one worker;
    - BLAS runs on one thread from the worlds' creation to their results (``sim.rules.blas``;
      around the turns alone, the products made at creation left OpenBLAS's threads spinning
      into them)."""
    if not getattr(_here, "one", False):
        set_threads()
    with blas.one_thread():
        yield


def block_seed(seed: int, index: int) -> np.random.SeedSequence:
    """Seed of block ``index``: the same as ``SeedSequence(seed).spawn(n)[index]`` for any n."""
    return np.random.SeedSequence(seed, spawn_key=(index,))


def run_block(
    c: CompiledScenario, index: int, size: int, seed: int, block: int, trajectories: bool = False
) -> dict:
    """Play one block; return its per-replicate columns (and trajectories if asked)."""
    with playing():
        return _block(c, index, size, seed, block, trajectories)


def run_blocks(
    c: CompiledScenario, first: int, sizes: list[int], seed: int, block: int
) -> list[dict]:
    """Play the consecutive blocks ``first``, ``first + 1``, ... (of ``sizes``) as one model; each
    block's result as :func:`run_block` gives it, byte for byte.

    Each block's worlds are created as its own model creates them (its seed, its stream key);
    stacked (``sim.rules.worlds.stack``) they play as one model, and every draw is keyed by the
    world's key and index in its block (sim/rules/streams.py), so each world plays as in its own
    block. A turn's Python between the kernels is then paid once for all of them: on Taiwan, two
    blocks of 1,000 a task against one, `wargame bench` medians over three pairs: 1.04x on one
    thread, 1.14x on two threads (whose Python shares one interpreter), 1.05x on two processes
    (docs/performance.md, seventeenth round). Only
    ``acted`` (the actors that moved in some world) is the group's, the same in every block's
    result: a run takes the union over its blocks anyway."""
    if len(sizes) == 1:
        return [run_block(c, first, sizes[0], seed, block)]
    with playing():
        states = [
            _created(c, first + k, size, seed, trajectories=False).take_worlds()
            for k, size in enumerate(sizes)
        ]
        model = WargameModel(c, state=worlds.stack(states), collect=False)
        tiles.play(model)
        cols, acted = model.results(), _acted(c, model)
        model.release()
    out, start = [], 0
    for k, size in enumerate(sizes):
        part = {name: v[start : start + size] for name, v in cols.items()}
        out.append(_result(first + k, part, size, block, acted.copy()))
        start += size
    return out


def _created(
    c: CompiledScenario, index: int, size: int, seed: int, trajectories: bool
) -> WargameModel:
    """Block ``index``'s model, its worlds just created from the block's seed."""
    return WargameModel(
        c,
        R=size,
        rng=np.random.default_rng(block_seed(seed, index)),
        explain=False,
        trajectories=trajectories,
        collect=False,
    )


def _acted(c: CompiledScenario, model: WargameModel) -> np.ndarray:
    """(N,) whether each actor moved on some dyad in some world of ``model``."""
    acted = np.zeros(c.n_actors, dtype=bool)
    np.logical_or.at(acted, c.src, model.acted_dyad)
    return acted


def _result(index: int, cols: dict, size: int, block: int, acted: np.ndarray) -> dict:
    """Block ``index``'s result: its columns, with its block and replicate numbers, and ``acted``."""
    cols["block"] = np.full(size, index, dtype=np.int32)
    cols["replicate"] = np.arange(index * block, index * block + size, dtype=np.int64)
    return {"index": index, "columns": cols, "acted": acted}


def _block(
    c: CompiledScenario, index: int, size: int, seed: int, block: int, trajectories: bool
) -> dict:
    """:func:`run_block`'s body."""
    model = _created(c, index, size, seed, trajectories)
    tiles.play(model)  # model.run(), in tiles where WARGAME_TILE asks (the same results)
    out = _result(index, model.results(), size, block, _acted(c, model))
    cols = out["columns"]
    if trajectories:
        traj = np.stack(model.trajectory, axis=1)  # (R, turns, N)
        turns = np.arange(1, traj.shape[1] + 1, dtype=np.int16)
        keep = turns[None, :] <= model.end_turn[:, None]
        rep, t = np.nonzero(keep)
        tcols = {"replicate": cols["replicate"][rep], "turn": turns[t]}
        for i, a in enumerate(c.actors):
            tcols[a] = traj[rep, t, i]
        out["trajectories"] = tcols
    model.release()
    return out
