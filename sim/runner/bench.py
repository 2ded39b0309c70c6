"""``wargame bench``: replicates per second of the compiled engine, on one thread and on every
core, against ``mesa.batch_run`` driving the same model one replicate at a time.

On N threads, N blocks are played at once, one per thread of this process
(``sim.runner.worker.thread_pool``): what ``wargame run --workers 1`` does. One thread is a pool of
one, so its kernels take their one-thread form too (a block played in the caller's thread would
take every core for the choice kernel: ``sim.runner.worker.playing``). On every core, the
rate on as many worker processes too (what ``wargame run`` uses): threads share one interpreter's
lock between kernels, processes do not. The last line's engine rate is the faster of the two.

Each rate is the median of ``repeat`` passes, taken in turn (one thread, N threads, N processes,
then again), so that a machine whose speed drifts while bench runs (other tenants on a shared
host: one thread gave 2,460 to 2,900 replicates/s within an hour) moves every rate alike rather than
one; the passes' range and the load average are reported beside them."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from concurrent.futures import Executor
from functools import partial
from pathlib import Path

from sim.rules.compile import CompiledScenario
from sim.rules.pipeline import compiled
from sim.runner.batch import batch_run
from sim.runner.montecarlo import run_montecarlo
from sim.runner.pool import process_pool, start_workers
from sim.runner.worker import set_threads, thread_pool


def thread_counts(threads: int | None) -> list[int]:
    """One thread, then ``threads`` (default: every core numba may use), without repeats."""
    most = set_threads(threads)
    return sorted({1, most})


def bench(
    scenario: str | Path,
    runs: int = 10000,
    batch_runs: int = 40,
    block: int = 1000,
    seed: int = 0,
    threads: int | None = None,
    repeat: int = 3,
) -> dict:
    """Time ``runs`` replicates in blocks on each thread count (and on as many processes), each
    ``repeat`` times in turn, and ``batch_runs`` single-replicate models via batch_run. The first
    (warm-up) block also loads the compiled kernels."""
    if repeat < 1:
        raise ValueError(f"repeat must be at least 1, not {repeat}")
    c = compiled(scenario)
    counts = thread_counts(threads)
    load = os.getloadavg()[0]
    with thread_pool(1) as pool:  # warm-up: imports, kernels, caches
        t0 = time.perf_counter()
        run_montecarlo(c, min(block, runs), seed, block, pool=pool)
        warm_up = time.perf_counter() - t0
    passes = _passes(c, runs, seed, block, counts, repeat)
    median = {k: statistics.median(v) for k, v in passes.items()}
    rates = {n: median["threads", n] for n in counts}
    processes = {n: v for (kind, n), v in median.items() if kind == "processes"}
    t0 = time.perf_counter()
    batch_run(scenario, range(batch_runs), max_steps=c.scenario.turns.limit + 1)
    mesa_rate = batch_runs / (time.perf_counter() - t0)
    engine = max([rates[counts[-1]], *processes.values()])
    return {
        "scenario": str(scenario),
        "actors": c.n_actors,
        "dyads": len(c.src),
        "turns": c.scenario.turns.limit,
        "runs": runs,
        "block": block,
        "repeat": repeat,
        "load_average": (load, os.getloadavg()[0]),
        "warm_up_seconds": warm_up,
        "thread_rates": rates,
        "process_rates": processes,
        "passes": {f"{n} {kind}": v for (kind, n), v in passes.items()},
        "threads": counts[-1],
        "engine_rate": engine,
        "speedup": engine / rates[1],
        "batch_runs": batch_runs,
        "batch_run_rate": mesa_rate,
        "ratio": engine / mesa_rate,
    }


def _passes(
    c: CompiledScenario, runs: int, seed: int, block: int, counts: list[int], repeat: int
) -> dict[tuple[str, int], list[float]]:
    """``repeat`` rates of each configuration (one thread, each thread count, and as many worker
    processes when more than one), taken in turn; the pool is started and warm first."""
    timers: dict[tuple[str, int], Callable[[], float]] = {
        ("threads", n): partial(_on_threads, c, runs, seed, block, n) for n in counts
    }
    workers = counts[-1]
    pool = process_pool(workers) if workers > 1 else None
    try:
        if pool is not None:
            start_workers(pool, workers)
            run_montecarlo(c, workers * min(block, runs), seed, block, pool=pool)
            timers["processes", workers] = partial(_rate, c, runs, seed, block, pool)
        passes: dict[tuple[str, int], list[float]] = {k: [] for k in timers}
        for _ in range(repeat):
            for key, timed in timers.items():
                passes[key].append(timed())
        return passes
    finally:
        if pool is not None:
            pool.shutdown(wait=True)


def _on_threads(c: CompiledScenario, runs: int, seed: int, block: int, n: int) -> float:
    """A pass on ``n`` threads: every block on one thread of a pool of n, n blocks at once."""
    with thread_pool(n) as pool:
        return _rate(c, runs, seed, block, pool)


def _rate(c: CompiledScenario, runs: int, seed: int, block: int, pool: Executor) -> float:
    """Replicates per second of ``runs`` replicates on ``pool``, already warm."""
    t0 = time.perf_counter()
    run_montecarlo(c, runs, seed, block, pool=pool)
    return runs / (time.perf_counter() - t0)
