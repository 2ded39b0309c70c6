"""Blocks played a few at a time as one model (sim/runner/worker.py ``run_blocks``, grouped by
sim/runner/montecarlo.py ``tasks``): every block's result byte for byte, whatever the grouping."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import ROOT

from sim.rules.pipeline import compiled
from sim.runner import montecarlo
from sim.runner.montecarlo import TASK_WORLDS, run_montecarlo, tasks
from sim.runner.pool import pool_workers
from sim.runner.worker import run_block, run_blocks, thread_pool

TAIWAN = ROOT / "scenarios" / "taiwan_contingency.yaml"


@pytest.fixture(scope="module")
def c() -> object:
    return compiled(TAIWAN)


@pytest.mark.parametrize("n", [1, 2, 3, 7, 10, 11])
@pytest.mark.parametrize("workers", [1, 2, 3])
def test_tasks_cover_the_blocks_in_order_evenly_among_the_workers(n: int, workers: int) -> None:
    block = 1000
    out = tasks([block] * n, block, workers)
    assert [i for t in out for i in t] == list(range(n))  # consecutive, each block once
    assert max(len(t) for t in out) <= TASK_WORLDS // block
    assert max(len(t) for t in out) - min(len(t) for t in out) <= 1
    if n >= workers:  # no worker left with one task more than another at the end
        assert len(out) % workers == 0


def test_a_block_larger_than_a_task_or_an_unknown_pool_plays_alone() -> None:
    assert tasks([5000] * 4, 5000, 2) == [range(i, i + 1) for i in range(4)]
    assert tasks([1000] * 4, 1000, None) == [range(i, i + 1) for i in range(4)]
    with thread_pool(3) as pool:
        assert pool_workers(pool) == 3
    assert pool_workers(object()) is None  # type: ignore[arg-type]


def test_blocks_played_together_give_each_blocks_own_result(c: object) -> None:
    sizes = [120, 120, 45]  # the last block short, as a run's last block may be
    alone = [run_block(c, 4 + k, size, 9, 120) for k, size in enumerate(sizes)]  # type: ignore[arg-type]
    together = run_blocks(c, 4, sizes, 9, 120)  # type: ignore[arg-type]
    assert [r["index"] for r in together] == [4, 5, 6]
    for a, t in zip(alone, together, strict=True):
        assert list(a["columns"]) == list(t["columns"])
        for k, v in a["columns"].items():
            assert np.array_equal(v, t["columns"][k]), k
    union = np.logical_or.reduce([a["acted"] for a in alone])
    assert all(np.array_equal(t["acted"], union) for t in together)


def test_a_run_is_the_same_in_blocks_alone_or_together(
    c: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In this thread and on a pool of two threads, grouped as by default or one block a task."""
    grouped = run_montecarlo(c, 500, 3, 100)  # type: ignore[arg-type]
    with thread_pool(2) as pool:
        on_pool = run_montecarlo(c, 500, 3, 100, pool=pool)  # type: ignore[arg-type]
    monkeypatch.setattr(montecarlo, "TASK_WORLDS", 1)
    single = run_montecarlo(c, 500, 3, 100)  # type: ignore[arg-type]
    for other in (on_pool, single):
        assert other.acted == grouped.acted
        assert list(other.columns) == list(grouped.columns)
        for k, v in grouped.columns.items():
            assert np.array_equal(v, other.columns[k]), k
