"""The classroom server keeps one pool of worker processes for every what-if and review."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import ROOT

from sim.runner.pool import close_shared_pool, pids, shared_pool
from sim.serve.host import GameHost

SENKAKU = str(ROOT / "scenarios" / "senkaku_grey_zone.yaml")


def _host(games: Path, workers: int) -> GameHost:
    h = GameHost(SENKAKU, games_dir=games, token="F", workers=workers)
    h.start(
        "F", SENKAKU, {"blue": ["Japan"], "red": ["China"]}, seed=2, overrides=["turns.limit=5"]
    )
    return h


@pytest.fixture
def pooled(tmp_path: Path) -> Iterator[GameHost]:
    yield _host(tmp_path / "pooled", 2)
    close_shared_pool()


def _result(job: object) -> dict:
    assert job.done.wait(120) and job.error is None, job.error
    return job.result


def test_whatifs_reuse_the_same_worker_processes(pooled: GameHost, tmp_path: Path) -> None:
    first = _result(pooled.start_whatif("F", ["rules.deterrence=3"], runs=400))
    workers = pids(shared_pool(2))
    assert len(workers) == 2
    second = _result(pooled.start_whatif("F", ["rules.deterrence=0.5"], runs=400))
    assert pids(shared_pool(2)) == workers  # the second what-if started no process
    alone = _host(tmp_path / "alone", 1)  # in the job's own thread, no pool
    assert alone.pool() is None
    assert _result(alone.start_whatif("F", ["rules.deterrence=3"], runs=400)) == first
    assert second["baseline"] == first["baseline"] != second["changed"]


def test_the_review_on_the_pool_equals_the_review_in_the_thread(
    pooled: GameHost, tmp_path: Path
) -> None:
    alone = _host(tmp_path / "alone", 1)
    for h in (pooled, alone):
        h.aar_runs = 300
        while not h.need_game().over:
            h.adjudicate("F", force=True)  # the last turn starts the review
    a, b = _result(pooled.jobs["aar"]), _result(alone.jobs["aar"])
    assert a == b and a["runs"] == 300
    assert len(pids(shared_pool(2))) == 2
