"""Monte Carlo in blocks, in this process: each block is the worlds of one ``WargameModel`` with
R = block size, created from the block's seed; a task plays a few consecutive blocks as one model
(:func:`tasks`, ``sim.runner.worker.run_blocks``), each block's result its own.

Block i is seeded with ``SeedSequence(seed, spawn_key=(i,))``, so its results depend only on the root
seed, the block size and i — not on which process ran it or when it finished. ``sim.runner.execute``
runs the same blocks on a process pool and writes them to disk.

Given a ``pool`` (any ``concurrent.futures`` executor: the classroom server's persistent process
pool, ``sim.runner.pool.shared_pool``, or a thread pool), the blocks run there instead of one after
the other in this thread; they are put back in block order, so the result is the same.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass

import numpy as np

from sim.rules.compile import CompiledScenario
from sim.runner.pool import pool_workers, unstick
from sim.runner.shipped import run_shipped_blocks, ship
from sim.scenario.outcomes import outcome_names

DEFAULT_BLOCK = 1000
TASK_WORLDS = 2000
"""Most worlds a task plays as one model, its consecutive blocks stacked (``run_blocks``):
``assumption`` measured on Taiwan, blocks of 1,000 two at a time against one (`wargame bench`
medians: 1.04x on one thread, 1.14x on two threads, 1.05x on two processes); four at a time were
no better on one thread, would split a run's blocks unevenly between two workers, and keep a
cancelled what-if's workers busy longer."""


@dataclass
class MonteCarlo:
    """Concatenated per-replicate results of a run, in block order."""

    columns: dict[str, np.ndarray]
    outcome_names: list[str]
    acted: dict[str, bool]

    @property
    def runs(self) -> int:
        """Number of worlds played."""
        return len(self.columns["outcome"])

    def counts(self) -> dict[str, int]:
        """Worlds per outcome, for every outcome name (zero included)."""
        out = self.columns["outcome"]
        return {name: int((out == name).sum()) for name in self.outcome_names}


def block_sizes(runs: int, block: int) -> list[int]:
    """Sizes of the blocks of a run of ``runs`` replicates (the last may be short)."""
    return [min(block, runs - i) for i in range(0, runs, block)]


class Cancelled(Exception):
    """A Monte Carlo run stopped on request (a newer what-if replaced it)."""


def run_montecarlo(
    c: CompiledScenario,
    runs: int,
    seed: int,
    block: int = DEFAULT_BLOCK,
    progress: Callable[[float], None] | None = None,
    cancelled: threading.Event | None = None,
    pool: Executor | None = None,
) -> MonteCarlo:
    """Run ``runs`` replicates in blocks of ``block`` and keep them in memory: in this thread, or
    on ``pool`` when one is given (same result).

    ``progress`` is called with the share done after each block; setting ``cancelled`` stops the
    run with :class:`Cancelled` (between blocks in this thread; on a pool, blocks not yet started
    are dropped)."""
    sizes = block_sizes(runs, block)
    if pool is None:
        parts = _in_this_thread(c, sizes, seed, block, progress, cancelled)
    else:
        parts = _on_pool(pool, c, sizes, seed, block, progress, cancelled)
    acted = np.logical_or.reduce([p["acted"] for p in parts])
    cols = [p["columns"] for p in parts]
    columns = {k: np.concatenate([p[k] for p in cols]) for k in cols[0]}
    return MonteCarlo(
        columns, outcome_names(c.scenario), dict(zip(c.actors, map(bool, acted), strict=True))
    )


def tasks(sizes: list[int], block: int, workers: int | None) -> list[range]:
    """The blocks each task plays as one model (consecutive ones, at most ``TASK_WORLDS`` worlds
    a task, in as many tasks as possible that are a multiple of ``workers``, of near-equal sizes,
    so that no worker is left with one more task at the end); one block a task when ``workers``
    is unknown (a Dask cluster's executor, say). Results do not depend on it."""
    n = len(sizes)
    if not workers or n <= 1:
        return [range(i, i + 1) for i in range(n)]
    most = max(1, TASK_WORLDS // max(block, 1))
    count = min(n, workers * -(-n // (workers * most)))
    return [range(int(p[0]), int(p[-1]) + 1) for p in np.array_split(np.arange(n), count)]


def _in_this_thread(
    c: CompiledScenario,
    sizes: list[int],
    seed: int,
    block: int,
    progress: Callable[[float], None] | None,
    cancelled: threading.Event | None,
) -> list[dict]:
    """The blocks task after task (:func:`tasks`), checking ``cancelled`` before each."""
    from sim.runner.worker import run_blocks

    parts: list[dict] = []
    for t in tasks(sizes, block, 1):
        if cancelled is not None and cancelled.is_set():
            raise Cancelled
        parts += run_blocks(c, t.start, sizes[t.start : t.stop], seed, block)
        if progress is not None:
            progress(len(parts) / len(sizes))
    return parts


def _on_pool(
    pool: Executor,
    c: CompiledScenario,
    sizes: list[int],
    seed: int,
    block: int,
    progress: Callable[[float], None] | None,
    cancelled: threading.Event | None,
) -> list[dict]:
    """Every task (:func:`tasks`, by the pool's size) submitted to ``pool`` at once (the
    scenario pickled once for all of them), results put back in block order; on ``cancelled``
    the tasks not started are dropped."""
    shipped = ship(c)
    futures: dict[Future, range] = {
        pool.submit(run_shipped_blocks, shipped, t.start, sizes[t.start : t.stop], seed, block): t
        for t in tasks(sizes, block, pool_workers(pool))
    }
    parts: list[dict | None] = [None] * len(sizes)
    pending = set(futures)
    try:
        while pending:
            if cancelled is not None and cancelled.is_set():
                raise Cancelled
            finished, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            if not finished:
                unstick(pool)  # a worker killed mid-result would otherwise leave this waiting
            for fut in finished:
                parts[futures[fut].start : futures[fut].stop] = fut.result()
            if finished and progress is not None:
                progress(sum(p is not None for p in parts) / len(sizes))
    finally:
        for fut in pending:
            fut.cancel()
    return parts  # type: ignore[return-value]
