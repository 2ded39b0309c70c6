"""``wargame bench``: replicates per second of the vectorised engine against ``mesa.batch_run``."""

from __future__ import annotations

import time
from pathlib import Path

from sim.rules.pipeline import compiled
from sim.runner.batch import batch_run
from sim.runner.montecarlo import run_montecarlo


def bench(
    scenario: str | Path, runs: int = 5000, batch_runs: int = 40, block: int = 1000, seed: int = 0
) -> dict:
    """Time ``runs`` replicates in blocks and ``batch_runs`` single-replicate models via batch_run."""
    c = compiled(scenario)
    run_montecarlo(c, min(block, runs), seed, block)  # warm-up: imports, caches
    t0 = time.perf_counter()
    run_montecarlo(c, runs, seed, block)
    engine = runs / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    batch_run(scenario, range(batch_runs), max_steps=c.scenario.turns.limit + 1)
    mesa_rate = batch_runs / (time.perf_counter() - t0)
    return {
        "scenario": str(scenario),
        "actors": c.n_actors,
        "dyads": len(c.src),
        "turns": c.scenario.turns.limit,
        "runs": runs,
        "block": block,
        "engine_rate": engine,
        "batch_runs": batch_runs,
        "batch_run_rate": mesa_rate,
        "ratio": engine / mesa_rate,
    }
