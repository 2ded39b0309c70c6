"""``wargame bench``: replicates per second of the compiled engine, on one thread and on every
core, against ``mesa.batch_run`` driving the same model one replicate at a time.

On N threads, N blocks are played at once, one per thread of this process
(``sim.runner.worker.thread_pool``): what ``wargame run --workers 1`` does. One thread is a pool of
one, so its kernels take their one-thread form too (a block played in the caller's thread would
take every core for the choice kernel: ``sim.runner.worker.task_threads``). On every core, the
rate on as many worker processes too (what ``wargame run`` uses): threads share one interpreter's
lock between kernels, processes do not. The last line's engine rate is the faster of the two."""

from __future__ import annotations

import time
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
) -> dict:
    """Time ``runs`` replicates in blocks on each thread count and ``batch_runs`` single-replicate
    models via batch_run. The first (warm-up) block also loads the compiled kernels."""
    c = compiled(scenario)
    counts = thread_counts(threads)
    rates = {}
    for n in counts:  # every block on one thread of a pool of n, n blocks at once
        with thread_pool(n) as pool:
            if n == 1:  # warm-up: imports, kernels, caches
                t0 = time.perf_counter()
                run_montecarlo(c, min(block, runs), seed, block, pool=pool)
                warm_up = time.perf_counter() - t0
            t0 = time.perf_counter()
            run_montecarlo(c, runs, seed, block, pool=pool)
        rates[n] = runs / (time.perf_counter() - t0)
    processes = (
        {counts[-1]: _on_processes(c, runs, seed, block, counts[-1])} if counts[-1] > 1 else {}
    )
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
        "warm_up_seconds": warm_up,
        "thread_rates": rates,
        "process_rates": processes,
        "threads": counts[-1],
        "engine_rate": engine,
        "speedup": engine / rates[1],
        "batch_runs": batch_runs,
        "batch_run_rate": mesa_rate,
        "ratio": engine / mesa_rate,
    }


def _on_processes(c: CompiledScenario, runs: int, seed: int, block: int, workers: int) -> float:
    """Replicates per second on ``workers`` worker processes (what ``wargame run`` uses), timed
    after the workers have started and played a block each."""
    pool = process_pool(workers)
    try:
        start_workers(pool, workers)
        run_montecarlo(c, workers * min(block, runs), seed, block, pool=pool)
        t0 = time.perf_counter()
        run_montecarlo(c, runs, seed, block, pool=pool)
        return runs / (time.perf_counter() - t0)
    finally:
        pool.shutdown(wait=True)
