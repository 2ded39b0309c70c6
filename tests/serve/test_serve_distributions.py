"""The classroom's distributions are computed once, mostly while the room plays, and are the very
results a request would compute."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import ROOT

import sim.serve.distributions as dist
from sim.play.aar import review_block
from sim.rules.pipeline import compiled
from sim.runner.montecarlo import run_montecarlo
from sim.runner.pool import close_shared_pool
from sim.runner.worker import thread_pool
from sim.serve.distributions import Distributions, key_of
from sim.serve.host import GameHost
from sim.serve.jobs import WHATIF_RUNS, whatif_block

SENKAKU = str(ROOT / "scenarios" / "senkaku_grey_zone.yaml")


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """Every Monte Carlo run the store starts: (runs, seed, block)."""
    calls: list[tuple] = []
    real = dist.run_montecarlo

    def counting(c, runs, seed, block, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append((runs, seed, block))
        return real(c, runs, seed, block, *args, **kwargs)

    monkeypatch.setattr(dist, "run_montecarlo", counting)
    return calls


@pytest.fixture
def store() -> Iterator[Distributions]:
    """A store playing on a pool of two threads."""
    with thread_pool(2) as pool:
        yield Distributions(lambda: pool)


def _started(counted: list[tuple]) -> None:
    """Wait until the store has started its first run (the prefetch's)."""
    while not counted:
        threading.Event().wait(0.01)


def test_a_prefetched_run_is_the_requested_one_and_is_not_played_again(
    counted: list[tuple], store: Distributions
) -> None:
    c = compiled(SENKAKU)
    key = key_of([], 300, 4, 100)
    store.prefetch([(key, c)])
    assert store.idle(60) and store.kept(key)
    seen: list[float] = []
    got = store.run(key, c, seen.append)
    assert counted == [(300, 4, 100)]  # played once, by the prefetch
    assert seen == [1.0]
    fresh = run_montecarlo(c, 300, 4, 100)
    assert got.counts() == fresh.counts()
    assert all((got.columns[k] == fresh.columns[k]).all() for k in fresh.columns)


def test_a_request_comes_before_the_prefetch_which_resumes_after_it(
    counted: list[tuple], store: Distributions
) -> None:
    c = compiled(SENKAKU)
    slow, quick = key_of([], 20_000, 1, 500), key_of(["rules.deterrence=2"], 200, 1, 100)
    store.prefetch([(slow, c)])
    _started(counted)
    changed = compiled(SENKAKU, ["rules.deterrence=2"])
    assert store.run(quick, changed).runs == 200
    assert store.kept(quick)
    assert store.idle(120) and store.kept(slow)  # resumed after the request, from the start
    assert counted == [(20_000, 1, 500), (200, 1, 100), (20_000, 1, 500)]


def test_a_request_for_the_run_being_prefetched_joins_it(
    counted: list[tuple], store: Distributions
) -> None:
    c = compiled(SENKAKU)
    key = key_of([], 3000, 2, 500)
    store.prefetch([(key, c)])
    _started(counted)
    seen: list[float] = []
    assert store.run(key, c, seen.append).runs == 3000
    assert counted == [(3000, 2, 500)]  # not started a second time
    assert seen[-1] == 1.0


def _host(games: Path, workers: int, aar_runs: int = 2000) -> GameHost:
    h = GameHost(SENKAKU, games_dir=games, token="F", workers=workers, aar_runs=aar_runs)
    h.start(
        "F", SENKAKU, {"blue": ["Japan"], "red": ["China"]}, seed=1, overrides=["turns.limit=5"]
    )
    return h


def test_the_server_computes_the_review_and_the_baseline_while_the_room_plays(
    tmp_path: Path,
) -> None:
    try:
        host = _host(tmp_path / "pooled", 2)
        store = host.distributions
        assert store is not None and store.idle(120)
        o = ["turns.limit=5"]
        assert store.kept(key_of(o, WHATIF_RUNS, 1, whatif_block(WHATIF_RUNS)))
        assert store.kept(key_of(o, 2000, 1, review_block(2000)))
        while not host.need_game().over:
            host.adjudicate("F", force=True)  # the last turn starts the review: already played
        review = host.jobs["aar"]
        assert review.done.wait(60) and review.error is None, review.error
        whatif = host.start_whatif("F", ["rules.deterrence=3"])
        assert whatif.done.wait(60) and whatif.error is None, whatif.error
    finally:
        close_shared_pool()
    alone = _host(tmp_path / "alone", 1)  # no pool: nothing is computed before it is asked for
    assert alone.distributions is not None and not alone.distributions.kept(
        key_of(["turns.limit=5"], 2000, 1, review_block(2000))
    )
    while not alone.need_game().over:
        alone.adjudicate("F", force=True)
    assert alone.jobs["aar"].done.wait(60)
    assert alone.jobs["aar"].result == review.result  # the same numbers either way
    again = alone.start_whatif("F", ["rules.deterrence=3"])
    assert again.done.wait(60) and again.result == whatif.result


def test_a_new_game_stops_the_old_games_prefetch(tmp_path: Path) -> None:
    try:
        host = _host(tmp_path, 2, aar_runs=300_000)  # minutes of prefetch
        old = host.distributions
        host.aar_runs = 100
        host.start("F", SENKAKU, {"blue": ["Japan"]}, seed=3)
        assert old is not None and old.idle(30)  # stopped between its blocks
        assert not old.kept(key_of(["turns.limit=5"], 300_000, 1, review_block(300_000)))
        assert host.distributions is not old and host.distributions.idle(60)
    finally:
        close_shared_pool()


def test_the_store_keeps_the_prefetched_runs_and_the_latest_requests_only(
    store: Distributions,
) -> None:
    c = compiled(SENKAKU)
    wanted = key_of([], 60, 0, 30)
    store.prefetch([(wanted, c)])
    assert store.idle(60) and store.kept(wanted)
    asked = [key_of([], 20, seed, 10) for seed in range(dist.KEPT_REQUESTS + 3)]
    for key in asked:
        store.run(key, c)
    store.run(asked[0], c)  # forgotten: played again, now the most recent
    assert store.kept(wanted)  # a prefetched run is never forgotten
    kept = [k for k in asked if store.kept(k)]
    assert kept == [asked[0], *asked[-(dist.KEPT_REQUESTS - 1) :]]


def test_a_request_after_a_worker_was_killed_runs_on_a_new_pool(tmp_path: Path) -> None:
    import os
    import signal

    from sim.runner.pool import pids, shared_pool

    try:
        host = _host(tmp_path, 2)
        assert host.distributions is not None and host.distributions.idle(120)
        broken = shared_pool(2)
        os.kill(next(iter(pids(broken))), signal.SIGKILL)
        for _ in range(200):  # until the pool has noticed (asynchronously) and been replaced
            if shared_pool(2) is not broken:
                break
            threading.Event().wait(0.05)
        assert shared_pool(2) is not broken
        job = host.start_whatif("F", ["rules.deterrence=2"], runs=300)
        assert job.done.wait(120) and job.error is None, job.error
    finally:
        close_shared_pool()
