"""Worker pools that are started once: the persistent pool of the classroom server, the pool that
``wargame run`` starts before reading its scenario, and the scenario shipped once per worker."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numba
import numpy as np
import pytest
from helpers import ROOT

from sim.rules.pipeline import compiled
from sim.runner.executor import make_executor
from sim.runner.montecarlo import Cancelled, run_montecarlo
from sim.runner.pool import (
    START_ENV,
    WORKER_NAME,
    close_shared_pool,
    discard_prestarted,
    frozen_objects,
    pids,
    prestart,
    shared_pool,
    take_prestarted,
)
from sim.runner.shipped import compiled_of, ship

SENKAKU = ROOT / "scenarios" / "senkaku_grey_zone.yaml"


@pytest.fixture(scope="module")
def pool() -> Iterator[object]:
    yield shared_pool(2)
    close_shared_pool()


@pytest.fixture(scope="module")
def c() -> object:
    return compiled(SENKAKU, ["turns.limit=6"])


def test_blocks_on_the_pool_equal_blocks_in_this_thread(pool: object, c: object) -> None:
    here = run_montecarlo(c, 250, 5, 100)  # also leaves cached closures on c: still shippable
    there = run_montecarlo(c, 250, 5, 100, pool=pool)
    assert list(there.columns) == list(here.columns)
    for k in here.columns:
        assert np.array_equal(there.columns[k], here.columns[k]), k
    assert there.acted == here.acted and there.runs == 250


def test_a_workers_start_up_objects_are_left_out_of_garbage_collection(
    pool: object, c: object
) -> None:
    """A full collection in a worker walked every object its imports and kernels made (70 ms,
    once every few blocks); they live as long as the worker, so it freezes them once started.
    The caller's own process is not frozen by the engine: its objects are the user's."""
    import gc

    before = gc.get_freeze_count()
    counts = [f.result() for f in [pool.submit(frozen_objects) for _ in range(4)]]
    run_montecarlo(c, 60, 1, 30)  # blocks in this process
    run_montecarlo(c, 60, 1, 30, pool=pool)
    assert min(counts) > 10_000
    assert gc.get_freeze_count() == before


def test_a_worker_keeps_blas_on_one_thread_and_this_process_keeps_its_own(
    pool: object, c: object
) -> None:
    """A worker only plays, so BLAS stays on one thread there for good (sim/rules/blas.py: its
    spinning threads took the other worker's core); this process's setting is the user's."""
    from sim.rules import blas

    own = blas.threads()
    run_montecarlo(c, 60, 1, 30, pool=pool)
    counts = [f.result() for f in [pool.submit(blas.threads) for _ in range(4)]]
    assert counts and all(n and set(n) == {1} for n in counts)
    assert blas.threads() == own


def test_the_shared_pool_keeps_its_processes(pool: object, c: object) -> None:
    shares: list[float] = []
    run_montecarlo(c, 120, 1, 40, progress=shares.append, pool=shared_pool(2))
    before = pids(pool)
    assert len(before) == 2
    again = shared_pool(2)
    run_montecarlo(c, 120, 2, 40, pool=again)
    assert again is pool and pids(again) == before  # no new process for the second request
    assert shares[-1] == 1.0 and shares == sorted(shares)


def test_a_cancelled_run_on_the_pool_stops(pool: object, c: object) -> None:
    stop = threading.Event()
    stop.set()
    with pytest.raises(Cancelled):
        run_montecarlo(c, 2000, 1, 100, cancelled=stop, pool=pool)
    assert len(run_montecarlo(c, 40, 1, 40, pool=pool).columns["outcome"]) == 40  # still usable


def test_a_shipped_scenario_is_unpickled_once_per_process(c: object) -> None:
    s = ship(c)
    assert s == ship(c)  # same content, same key
    first = compiled_of(s)
    assert compiled_of(s) is first and first.actors == c.actors


def _workers() -> dict[int, multiprocessing.Process]:
    return {p.pid: p for p in multiprocessing.active_children() if p.name.startswith(WORKER_NAME)}


def _gone(pid: int) -> bool:
    """Process ``pid`` has exited: no longer listed, or a zombie left for its parent (or init) to
    reap. A process still running, or one whose state cannot be read, has not."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True  # gone
    except OSError:
        return False
    return state in ("Z", "X")


def _dead(p: multiprocessing.Process) -> bool:
    """The process has exited: reaped, or a zombie that another thread is about to reap (the
    executor's thread, the pool's reaper and this test all join it; ``is_alive`` can be stale for
    the loser of that race). A process still running is not dead."""
    return not p.is_alive() or _gone(p.pid)


def test_a_prestarted_pool_is_adopted_by_the_executor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(START_ENV, "spawn")  # prestarting is for spawned workers
    prestart(2)
    pool = make_executor(2)  # adopts it: no second pool
    try:
        assert len(pids(pool)) == 2
        assert take_prestarted(2) is None
    finally:
        pool.shutdown(wait=True)


def test_an_unused_prestarted_pool_is_stopped_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(START_ENV, "spawn")
    before = set(_workers())
    prestart(2)
    started = {pid: p for pid, p in _workers().items() if pid not in before}
    assert len(started) == 2
    discard_prestarted()  # a command that failed on its input: no waiting for the imports
    for p in started.values():
        p.join(30)  # terminated at once; a loaded machine may take a while to reap it
        assert _dead(p)


def test_pool_workers_share_the_cores_instead_of_taking_every_core(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each worker of a pool of two runs its kernels on the cores divided by two (at least one),
    or on ``--threads`` when given: numba's default, every core in every worker, oversubscribed
    the machine."""
    import os

    from sim.runner.pool import THREADS_ENV, process_pool, start_workers
    from sim.runner.worker import set_threads

    for given, expected in ((None, max(1, (os.cpu_count() or 1) // 2)), ("1", 1)):
        if given is None:
            monkeypatch.delenv(THREADS_ENV, raising=False)
        else:
            monkeypatch.setenv(THREADS_ENV, given)
        workers = process_pool(2)
        try:
            start_workers(workers, 2)
            # what a task finds when it starts, before it sets anything (a sweep batch or a
            # backtest case once kept numba's default: every core in every worker)
            assert {workers.submit(numba.get_num_threads).result() for _ in range(4)} == {expected}
            assert {workers.submit(set_threads).result() for _ in range(4)} == {expected}
        finally:
            workers.shutdown(wait=True)


def test_a_thread_pool_plays_blocks_at_once_with_the_same_result(c: object) -> None:
    """``thread_pool``: blocks on threads of this process give the blocks of this thread."""
    from sim.runner.worker import thread_pool

    alone = run_montecarlo(c, 300, 7, 100)
    with thread_pool(2) as threads:
        together = run_montecarlo(c, 300, 7, 100, pool=threads)
    for k, v in alone.columns.items():
        assert np.array_equal(v, together.columns[k]), k


def _sweep_batch() -> None:
    from sim.scenario import load_scenario
    from sim.sweeps.run import run_points

    base = load_scenario(ROOT / "scenarios" / "senkaku_grey_zone.yaml")
    data = base.model_dump(mode="json", by_alias=True, exclude_none=True)
    run_points(data, [(0, {"rules.deterrence": 1.0})], 20, 1)


def _backtest_block() -> None:
    from sim.backtest.deck import load_case
    from sim.backtest.task import run_case_block

    case = load_case(ROOT / "tests" / "fixtures" / "history" / "strait_standoff.yaml")
    data = case.scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
    run_case_block(data, case.dimensions, case.days, 20, 1, case.key, 0)


@pytest.mark.parametrize("task", [_sweep_batch, _backtest_block], ids=["sweep", "backtest"])
def test_every_kind_of_task_takes_its_process_share_of_the_cores(
    task: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Dask worker's thread (or any fresh thread) starts at numba's default, every core; a sweep
    batch or a backtest block played there takes the process's threads (``WARGAME_THREADS``, set
    to 1 for a Dask LocalCluster's one-thread workers) rather than oversubscribe the machine."""
    from sim.runner.pool import THREADS_ENV

    monkeypatch.setenv(THREADS_ENV, "1")
    seen: list[int] = []

    def play() -> None:
        task()  # type: ignore[operator]
        seen.append(numba.get_num_threads())

    thread = threading.Thread(target=play)
    thread.start()
    thread.join()
    assert seen == [1]


FORK = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forks on Linux only")


_START_SCRIPT = """
import os, threading
import numba, numpy as np
from sim.errors import RunError
from sim.runner.pool import start_method

def method():
    try:
        return start_method()
    except RunError as exc:
        return "refused:" + str(exc)

print(method())  # a fresh process on one thread
release = threading.Event()
other = threading.Thread(target=release.wait)
other.start()
print(method())  # another thread runs
release.set()
other.join()
print(method())  # one thread again

@numba.njit(parallel=True)
def total(a):
    s = 0.0
    for i in numba.prange(a.size):
        s += a[i]
    return s

total(np.ones(8))  # numba's threads have started
print(method())
os.environ["WARGAME_START"] = "fork"
print(method())
os.environ["WARGAME_START"] = "frok"
print(method())
"""


@FORK
def test_pools_fork_from_a_lone_thread_and_spawn_beside_other_threads() -> None:
    """A forked worker starts without importing the engine again; a parent with another thread
    (the classroom server, a live pool's manager) or with numba's threads started spawns instead;
    asking for fork there is refused in one line, as is a misspelt method (in a fresh process:
    this one has threads of its own)."""
    env = {k: v for k, v in os.environ.items() if k != START_ENV}
    out = subprocess.run(
        [sys.executable, "-c", _START_SCRIPT],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**env, "NUMBA_NUM_THREADS": "2"},
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[:4] == ["fork", "spawn", "fork", "spawn"], lines
    assert lines[4].startswith("refused:WARGAME_START=fork: ") and "numba's threads" in lines[4]
    assert (
        lines[5]
        == "refused:WARGAME_START=frok: must be fork, spawn, or unset (did you mean 'fork'?)"
    )


@FORK
def test_a_forked_pool_is_prestarted_once_the_engine_is_imported() -> None:
    """``wargame run`` imports the engine and forks its workers before it reads its scenario, so
    that the workers run numba's one-off set-up meanwhile; the executor adopts that pool (in a
    fresh process: this one may have started numba's threads, and then cannot fork)."""
    script = (
        "import multiprocessing, sys\n"
        "from sim.runner.executor import make_executor\n"
        "from sim.runner.pool import pids, prestart, take_prestarted\n"
        "prestart(2)\n"
        "forked = {p.pid for p in multiprocessing.active_children()}\n"
        "print(len(forked), 'sim.model' in sys.modules)\n"
        "pool = make_executor(2)\n"
        "print(pids(pool) == forked, pool._mp_context.get_start_method(), take_prestarted(2))\n"
        "pool.shutdown(wait=True)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, START_ENV: "fork"},
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["2", "True", "True", "fork", "None"]


START_METHODS = [pytest.param("fork", marks=FORK), "spawn"]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@pytest.mark.parametrize("start", START_METHODS)
def test_workers_end_when_their_parent_is_killed(start: str) -> None:
    """A classroom server killed with SIGKILL (or crashed) cannot shut its persistent pool down;
    its workers end by themselves instead of waiting for tasks forever (they once did, a few
    hundred MB each, after every killed server)."""
    script = (
        "import time\n"
        "from sim.runner.pool import pids, shared_pool\n"
        "print(*sorted(pids(shared_pool(2))), flush=True)\n"
        "time.sleep(300)\n"
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, START_ENV: start},
    )
    try:
        workers = [int(pid) for pid in parent.stdout.readline().split()]  # type: ignore[union-attr]
        assert len(workers) == 2 and not any(_gone(pid) for pid in workers)
    finally:
        parent.kill()
        parent.wait(30)
    deadline = time.monotonic() + 60
    while not all(_gone(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert all(_gone(pid) for pid in workers)


@pytest.mark.parametrize("start", START_METHODS)
def test_a_worker_killed_halfway_through_a_result_fails_the_tasks_instead_of_hanging(
    start: str,
) -> None:
    """A worker killed while it wrote a result (the out-of-memory killer, ``kill -9``) left half
    a message in the result pipe: the executor waited for the rest forever, so ``wargame run``
    hung instead of stopping in one line (once in six runs of the dead-worker test)."""
    from concurrent.futures.process import BrokenProcessPool

    from helpers import die_halfway_through_a_result

    from sim.runner.executor import run_tasks
    from sim.runner.pool import process_pool, start_workers

    workers = process_pool(2, start=start)
    start_workers(workers, 2)
    tasks = iter([(0, die_halfway_through_a_result, ()), (1, time.sleep, (60,))])
    raised: list[BaseException] = []

    def waiting() -> None:
        try:
            run_tasks(workers, tasks, 2, lambda key, result: None)
        except BaseException as exc:  # what the caller would see
            raised.append(exc)

    waiter = threading.Thread(target=waiting, daemon=True)
    waiter.start()
    waiter.join(30)
    try:
        assert not waiter.is_alive(), "still waiting 30 s after the worker died"
        assert len(raised) == 1 and isinstance(raised[0], BrokenProcessPool), raised
    finally:  # without the fix, free the executor's thread so that this process can exit
        workers._result_queue._writer.close()
        for p in list(workers._processes.values()):
            p.kill()
        workers.shutdown(wait=True)


def test_a_runs_pool_loads_only_the_kernels_its_blocks_call(c: object) -> None:
    """On a warm cache a kept pool (the classroom's) loads every kernel as it starts; a run's
    pool, whose first task comes at once, loads one (numba's one-off set-up) and each other when
    a block first calls it (about two thirds of the list for a scenario), and plays the same
    blocks."""
    from sim.runner.kernels import FIRST, cold, compiled_signatures, needed
    from sim.runner.pool import process_pool, start_workers

    if not needed() or cold(threaded=False):
        pytest.skip("needs compiled kernels on disk (numba on, warm cache)")
    kept, run = process_pool(1), process_pool(1, every=False)
    try:
        start_workers(kept, 1)
        start_workers(run, 1)
        every = kept.submit(compiled_signatures).result()
        assert len(every) >= len(needed(threaded=False))
        first = run.submit(compiled_signatures).result()
        assert len(first) == 1 and first[0].startswith(FIRST + ":")
        here = run_montecarlo(c, 60, 3, 30)
        there = run_montecarlo(c, 60, 3, 30, pool=run)
        assert all(np.array_equal(there.columns[k], here.columns[k]) for k in here.columns)
        used = run.submit(compiled_signatures).result()
        assert 0 < len(used) < len(every) and set(used) <= set(every)
    finally:
        kept.shutdown(wait=True)
        run.shutdown(wait=True)
