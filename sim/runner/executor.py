"""The executor that runs, sweeps and backtests share: tasks on a pool or Dask, progress, folders.

A *task* is ``(key, function, arguments)``: a pure function of its arguments living in a ``sim``
module (``run_block``, ``run_points``, ``run_case_block``), so it gives the same result on any
worker. Tasks go to a ``concurrent.futures`` executor: this process for one worker, a spawn-context
process pool otherwise (``sim.runner.pool``: workers ignore Ctrl-C and do not re-run the caller's
``__main__``), or Dask's ``Client.get_executor()`` (a scheduler address, or a LocalCluster). The
caller hands each result to its own writer as it arrives, and decides the order of its tables, so
outputs never depend on the executor, the number of workers or the finishing order.

The rest is what every client needs around the tasks: the number of workers (refused below 1,
capped to the cores), progress on stderr, a new output folder (``runs/<name>-<UTC time>-<hash>/`` or
``--out``), and, while the work runs, the folder's lock plus failures (a dead worker, a full or
read-only disk, no memory) turned into one line saying what was kept and how to resume.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from numbers import Integral
from pathlib import Path
from typing import Any

from sim.errors import RunError
from sim.outputs.rundir import RunDir, describe_os_error, short_hash
from sim.runner.pool import (
    THREADS_ENV,
    WATCH_SECONDS,
    process_pool,
    start_workers,
    take_prestarted,
    unstick,
)

__all__ = [
    "EXECUTORS",
    "Progress",
    "Task",
    "check_workers",
    "default_workers",
    "discard_if_nothing_kept",
    "failures_keep_work",
    "first_missing",
    "in_flight",
    "make_dask_executor",
    "make_executor",
    "make_folder",
    "new_run_dir",
    "run_tasks",
    "run_tasks_on",
    "whole_number",
    "working_in",
]

EXECUTORS = ("local", "dask")
"""Where tasks can run: ``local`` (this process or a process pool) or ``dask`` (a cluster)."""

Task = tuple[Any, Callable[..., Any], tuple]
"""``(key, function, arguments)``: the result of ``function(*arguments)`` is reported under key."""


# --- numbers of workers ---------------------------------------------------------------------------


def whole_number(value: Any, least: int) -> bool:
    """``value`` is an integer (Python or NumPy, not a bool) of at least ``least``."""
    return isinstance(value, Integral) and not isinstance(value, bool) and value >= least


def default_workers() -> int:
    """Worker processes when none are asked for: one per core."""
    return os.cpu_count() or 1


def one_block_here(
    workers: int | None, runs: object, block: object, precision: object
) -> int | None:
    """``workers`` as given; when not given (None), 1 for a run of one block (``runs`` at most
    ``block``, no precision stop), else None (every core). A block plays on one thread, so a
    second process could not share it: the run plays in this process and pays no worker start-up
    (the default 1,000 replicates of Taiwan: about 1 s less, docs/performance.md, seventh round).
    Results do not depend on it."""
    if workers is not None or precision is not None:
        return workers
    one = isinstance(runs, int) and isinstance(block, int) and 0 < runs <= block
    return 1 if one else None


def check_workers(workers: int | None, name: str = "workers", cap: bool = True) -> tuple[int, str]:
    """The number of worker processes to start for ``workers`` (None: every core), and a one-line
    note when it was capped ("" otherwise). Fewer than 1 is refused. More than the cores is
    capped to the cores (``cap``): extra processes only compete for them, and the results do
    not depend on the number of workers."""
    if workers is None:
        return default_workers(), ""
    if not whole_number(workers, 1):
        raise RunError(f"{name} {workers!r}: give 1 or more worker processes (default: all cores)")
    cores = default_workers()
    if cap and workers > cores:
        return (
            cores,
            f"{name} {workers} is more than the {cores} cores of this machine: using {cores}",
        )
    return workers, ""


# --- progress -------------------------------------------------------------------------------------


@dataclass
class Progress:
    """Progress on stderr: a tqdm bar on a terminal; off a terminal (a log, a pipe, CI) a plain line
    at every tenth of the work or every ``every`` seconds, whichever comes first; then a final line.
    Nothing when quiet.

    ``label`` starts every line (e.g. the run folder); ``unit`` names what is counted."""

    total: int
    quiet: bool = False
    label: str = "wargame"
    unit: str = "replicates"
    every: float = 10.0
    done: int = 0
    _bar: Any = field(default=None, init=False)
    _start: float = field(default=0.0, init=False)
    _start_done: int = field(default=0, init=False)
    _last_time: float = field(default=0.0, init=False)
    _last_tenth: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        self._start = self._last_time = time.monotonic()
        if self.quiet:
            return
        if sys.stderr.isatty():
            from tqdm import tqdm

            self._bar = tqdm(
                total=self.total, unit="rep", unit_scale=True, dynamic_ncols=True, file=sys.stderr
            )
        else:
            self._line(f"{self.label}: {self.total:,} {self.unit} to run")

    def _line(self, text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    def resumed(self, n: int) -> None:
        """Count ``n`` already finished before this process started (a resumed run)."""
        self.done += n
        self._start_done = self.done
        self._last_tenth = self._tenth()
        if self._bar is not None:
            self._bar.update(n)
        elif n and not self.quiet:
            self._line(f"{self.label}: {n:,} of {self.total:,} {self.unit} already done")

    def _tenth(self) -> int:
        return 10 * self.done // self.total if self.total else 10

    def update(self, n: int) -> None:
        """Count ``n`` more finished; print a line if a tenth or ``every`` seconds have passed."""
        self.done += n
        if self._bar is not None:
            self._bar.update(n)
            return
        if self.quiet:
            return
        now = time.monotonic()
        if self._tenth() > self._last_tenth or now - self._last_time >= self.every:
            self._last_tenth, self._last_time = self._tenth(), now
            share = self.done / self.total if self.total else 1.0
            self._line(
                f"{self.label}: {self.done:,} of {self.total:,} {self.unit} ({share:.0%}), "
                f"{now - self._start:.0f} s"
            )

    def close(self) -> None:
        """Close the bar (also when the work stopped early)."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def elapsed(self) -> float:
        """Seconds since the progress started."""
        return time.monotonic() - self._start

    def finish(self, final: str | None = None) -> None:
        """The final line: ``final``, or the count and the time taken."""
        self.close()
        if self.quiet:
            return
        took = time.monotonic() - self._start
        ran = self.done - self._start_done
        rate = f", {ran / took:,.0f} {self.unit}/s" if took > 0 and ran else ""
        self._line(final or f"{self.label}: {self.done:,} {self.unit} done in {took:.1f} s{rate}")


# --- executors and tasks --------------------------------------------------------------------------


class _InProcess(Executor):
    """A one-worker executor that runs each task when submitted (no pool start-up cost)."""

    def submit(self, fn: Callable, /, *args: Any, **kwargs: Any) -> Future:
        """Run ``fn(*args, **kwargs)`` now; its result (or exception) is in the returned future."""
        fut: Future = Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                raise
            fut.set_exception(exc)
        return fut


def make_executor(workers: int, threads: int = 1, say: bool = False) -> Executor:
    """In-process for one worker (after ``sim.runner.kernels.warm_here``): in the caller's thread,
    or with ``threads`` > 1 on that many threads of this process, a task each (``sim.runner.worker.thread_pool``: the compiled kernels
    release the GIL). Otherwise a spawn-context process pool whose workers ignore Ctrl-C
    (the parent handles it and keeps what has finished) and do not re-run ``__main__``, so a plain
    script or a notebook needs no ``if __name__ == "__main__":`` guard (``sim.runner.pool``).

    The pool's processes start at once and import the engine while the caller prepares its first
    tasks; a pool that ``sim.runner.pool.prestart`` started earlier (``wargame run`` starts it
    before reading the scenario) is adopted instead of starting another. ``say``: print
    ``sim.runner.kernels.NOTICE`` when this process must first compile the kernels."""
    if workers <= 1:
        from sim.runner.kernels import warm_here
        from sim.runner.pool import configured_threads

        # a cold kernel cache: compiled on every core, not by this process alone (``say``: with
        # a notice why the wait). Blocks on a pool's threads play on one thread each (no threaded
        # kernel to prepare); in the caller's thread, on this process's configured threads
        warm_here(say=say, threaded=threads <= 1 and configured_threads() > 1)
        if threads <= 1:
            return _InProcess()
        from sim.runner.worker import thread_pool

        return thread_pool(threads)
    pool = take_prestarted(workers)
    if pool is None:
        pool = process_pool(workers, every=False)  # its tasks start at once (see _start_worker)
        start_workers(pool, workers)
    return pool


def in_flight(workers: int, threads: int = 1) -> int:
    """Tasks to keep submitted on ``make_executor(workers, threads)``: one in the caller's thread
    (it runs on submit, so its result must be written before the next starts), two per thread or
    worker on a pool."""
    if workers <= 1:
        return 1 if threads <= 1 else 2 * threads
    return 2 * workers


def make_dask_executor(scheduler: str | None, workers: int) -> tuple[Executor, list[Any]]:
    """A ``concurrent.futures`` executor on Dask (the scheduler at ``scheduler``, or a LocalCluster
    of ``workers`` one-thread processes), and what to close after it."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise RunError('the Dask executor needs the dask extra: pip install -e ".[dask]"') from None
    if scheduler:
        client = Client(scheduler)
        closers: list[Any] = [client]
    else:
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            # one task per worker: its kernels on one thread
            env={THREADS_ENV: "1"},
            host="127.0.0.1",
            dashboard_address=None,
        )
        client = Client(cluster)
        closers = [client, cluster]
    return client.get_executor(pure=False), closers


def run_tasks(
    executor: Executor,
    tasks: Iterator[Task],
    limit: int,
    on_result: Callable[[Any, Any], None],
    stop: Callable[[], bool] = lambda: False,
) -> list[Future]:
    """Submit ``(key, fn, args)`` tasks keeping at most ``limit`` in flight; hand each result to
    ``on_result(key, result)`` (in key order among those finishing together). Returns the futures
    still running when ``stop()`` became true (none when every task ran)."""
    running: dict[Future, Any] = {}
    while True:
        while len(running) < limit and not stop():
            task = next(tasks, None)
            if task is None:
                break
            key, fn, args = task
            running[executor.submit(fn, *args)] = key
        if not running:
            return []
        finished, _ = wait(running, timeout=WATCH_SECONDS, return_when=FIRST_COMPLETED)
        if not finished:
            unstick(executor)  # a worker killed mid-result would otherwise leave this waiting
            continue
        for fut in sorted(finished, key=running.__getitem__):
            on_result(running.pop(fut), fut.result())
        if stop():
            return list(running)


def run_tasks_on(
    executor: str,
    scheduler: str | None,
    workers: int,
    tasks: Iterable[Task],
    on_result: Callable[[Any, Any], None],
) -> None:
    """Run every task on ``executor`` (``local``: this process or a process pool; ``dask``: the
    cluster at ``scheduler`` or a LocalCluster), calling ``on_result(key, result)`` as each
    finishes; the executor is shut down after, also on an error or Ctrl-C."""
    closers: list[Any] = []
    if executor == "dask":
        ex, closers = make_dask_executor(scheduler, workers)
        limit = 2 * workers
    else:
        ex, limit = make_executor(workers), in_flight(workers)
    try:
        run_tasks(ex, iter(tasks), limit, on_result)
    finally:
        if executor == "dask":
            for c in closers:
                c.close()
        else:
            ex.shutdown(wait=True, cancel_futures=True)


# --- output folders -------------------------------------------------------------------------------


def new_run_dir(name: str, identity: dict, out: str | os.PathLike[str] | None) -> RunDir:
    """``runs/<name>-<UTC time>-<hash>/`` (or ``out``, which must be new or empty), created empty.
    ``identity`` (what decides the results) seeds the hash. ``RunDir.created`` is the topmost
    folder this call created (removed again by :func:`discard_if_nothing_kept`)."""
    if out is not None:
        path = Path(out)
        if path.exists() and not path.is_dir():
            raise RunError(f"{path}: --out names a file, not a folder")
        if path.exists() and any(path.iterdir()):
            raise RunError(f"{path}: output folder exists and is not empty")
        top = first_missing(path)
        make_folder(path, exist_ok=True)
        return RunDir(path, created=top)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    for attempt in range(100):  # the hash tells runs apart; the counter, two started in one second
        salt = {"identity": identity, "attempt": attempt, "ns": time.time_ns()}
        path = Path("runs") / f"{name}-{stamp}-{short_hash(salt)}"
        top = first_missing(path)
        try:
            make_folder(path, exist_ok=False)
            return RunDir(path, created=top)
        except FileExistsError:
            continue
    raise RunError("could not create a new run folder under runs/")


def first_missing(path: Path) -> Path | None:
    """The topmost of ``path`` and its parents that does not exist yet (None if ``path`` exists)."""
    top = None
    for p in [path, *path.parents]:
        if p.exists():
            break
        top = p
    return top


def make_folder(path: Path, exist_ok: bool) -> None:
    """``path.mkdir(parents=True)``, a one-line error when the place is not writable or full."""
    try:
        path.mkdir(parents=True, exist_ok=exist_ok)
    except FileExistsError:
        raise
    except OSError as exc:
        why, _ = describe_os_error(exc)
        raise RunError(f"cannot create the folder {path}: {why}") from None


def discard_if_nothing_kept(rd: RunDir) -> bool:
    """After a failed fresh run or sweep: remove the folders it created if no finished block or
    batch is in them (nothing to resume), so a failure leaves nothing behind. True if removed."""
    if rd.created is None or not rd.created.exists() or rd.kept():
        return False
    try:
        if rd.manifest().get("status") == "complete":
            return False
    except RunError:
        pass  # no readable manifest: nothing to keep either
    shutil.rmtree(rd.created, ignore_errors=True)
    return True


@contextmanager
def failures_keep_work(rd: RunDir, command: str) -> Iterator[None]:
    """Turn a dead worker, a full or read-only disk and an exhausted memory into one ``RunError``
    line saying what was kept in ``rd`` and how to finish (``command`` is the resume command). A
    fresh folder in which nothing finished is removed on any failure but Ctrl-C."""

    def kept_and_next() -> tuple[str, str]:
        if discard_if_nothing_kept(rd):
            return f"nothing had finished, so {rd.path} was removed", "start again"
        return (
            f"{rd.kept()} finished {rd.unit}(s) kept in {rd.path}",
            f"finish with `{command} {rd.path}`",
        )

    try:
        yield
    except BrokenProcessPool:
        kept, then = kept_and_next()
        raise RunError(f"a worker process died; {kept}; {then}") from None
    except MemoryError:
        kept, then = kept_and_next()
        raise RunError(
            f"out of memory; {kept}; use a smaller block or fewer workers, then {then}"
        ) from None
    except OSError as exc:
        why, fix = describe_os_error(exc)
        kept, then = kept_and_next()
        raise RunError(f"cannot write to {rd.path}: {why}; {kept}; {fix}, then {then}") from None
    except Exception:
        discard_if_nothing_kept(rd)
        raise


@contextmanager
def working_in(rd: RunDir, command: str) -> Iterator[None]:
    """While the work on ``rd`` runs: hold its lock (a second ``command`` of the same folder is
    refused in one line) and keep what finished on a failure (:func:`failures_keep_work`)."""
    with rd.lock(command), failures_keep_work(rd, command):
        yield
