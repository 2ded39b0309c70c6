"""Process pools whose workers never re-run the caller's ``__main__``.

A spawn-context worker normally re-imports the parent's main module before it runs a task (that is
how functions defined in a script reach the worker). A plain script or notebook cell without an
``if __name__ == "__main__":`` guard that calls ``sim.run`` would then run again in every worker,
start pools of its own and crash (Python's "bootstrapping phase" error). The engine's tasks
(``run_block``, ``run_points``) live in ``sim`` modules and need nothing from ``__main__``, so the
workers of these pools skip that step: ``multiprocessing.spawn.get_preparation_data`` is wrapped
once, and leaves out the main-module entries only for processes of the class below (recognised by
name, so other pools in the same program are not affected).

Start-up is what a user waits for (a spawned worker spends 0.7 s importing the engine, with Mesa's
core only: ``sim.mesa_core``, and then numba's set-up, before its first block), so every pool's
workers import the engine as soon as they start (:data:`ENGINE`), and two helpers take it off the
critical path:

- :func:`prestart` starts a command's pool before the command has read its scenario, so that the
  workers import while the parent does; :func:`take_prestarted` hands it to the executor.
- :func:`shared_pool` is one pool kept for the life of a process (the classroom server): every
  what-if and review reuses its warm workers instead of starting new ones.

A worker exits as soon as the process that started it is gone: a parent killed outright (a
classroom server stopped with ``kill -9``, or crashed) cannot shut its pool down, and its workers
would otherwise wait for tasks forever, a few hundred MB each.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import multiprocessing
import multiprocessing.connection
import multiprocessing.context
import multiprocessing.spawn
import os
import signal
import sys
import threading
import time
import warnings
import weakref
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from sim.errors import RunError

WORKER_NAME = "WargameWorker"
THREADS_ENV = "WARGAME_THREADS"
"""Threads per process (``--threads``), inherited by worker processes (``sim.runner.worker``)."""
TILE_ENV = "WARGAME_TILE"
"""Worlds a task plays at once, if set (0: the whole block), read by ``sim.runner.tiles``."""
SETTINGS = (THREADS_ENV, TILE_ENV)
"""The engine's numeric settings from the environment (all read by :func:`env_number`)."""


def env_number(name: str) -> int | None:
    """The whole number set in environment variable ``name`` (None when unset or empty); any
    other value is refused in one line (``RunError``), not met later as a worker's traceback."""
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise RunError(f"{name}={value}: must be a whole number (0 or more), or unset")
    return int(value)


def default_threads(workers: int | None) -> int:
    """Threads per process when ``--threads`` is not given: the cores shared among ``workers``
    processes (None or more than the cores: one each)."""
    cores = os.cpu_count() or 1
    return max(1, cores // max(1, min(workers or cores, cores)))


def configured_threads() -> int:
    """Threads a task of this process takes for its kernels: ``--threads`` (``WARGAME_THREADS``),
    else numba's default, every core; within numba's limit (``sim.runner.worker.set_threads``)."""
    import numba

    threads = env_number(THREADS_ENV) or numba.config.NUMBA_NUM_THREADS
    return max(1, min(threads, numba.config.NUMBA_NUM_THREADS))


ENGINE = ("sim.runner.worker",)
"""Modules a worker imports when it starts (the engine: ``WargameModel`` and Mesa)."""
_MAIN_KEYS = ("init_main_from_name", "init_main_from_path")
_install_lock = threading.Lock()


class _Named:
    """A pool process named ``WargameWorker-<n>`` (how the spawn preparation and the tests tell
    the engine's workers from other processes)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.name = f"{WORKER_NAME}-{':'.join(map(str, self._identity))}"  # type: ignore[attr-defined]


class WargameWorker(_Named, multiprocessing.context.SpawnProcess):
    """A spawn-context process started without the parent's ``__main__``."""


class WargameSpawnContext(multiprocessing.context.SpawnContext):
    """The spawn context, with :class:`WargameWorker` processes."""

    Process = WargameWorker  # type: ignore[assignment]


FORKABLE = hasattr(multiprocessing.context, "ForkProcess")
"""Whether this platform can fork (POSIX): where it cannot, no fork context is defined."""

if FORKABLE:

    class WargameForkWorker(_Named, multiprocessing.context.ForkProcess):  # type: ignore[name-defined]
        """A fork-context process: a copy of a parent that has already imported the engine."""

    class WargameForkContext(multiprocessing.context.ForkContext):  # type: ignore[name-defined]
        """The fork context, with :class:`WargameForkWorker` processes."""

        Process = WargameForkWorker  # type: ignore[assignment]


START_ENV = "WARGAME_START"
"""How a pool starts its processes, if set: ``fork`` or ``spawn`` (default: :func:`start_method`)."""
START_METHODS = ("fork", "spawn")


def start_method() -> str:
    """``fork`` where it is safe (:func:`fork_hazard` is None), else ``spawn``; ``WARGAME_START``
    chooses instead: ``spawn``, or ``fork``, refused in one line where it is not safe (so is any
    other value).

    A forked worker is a copy of a parent that has imported the engine once: it starts at once
    instead of importing Mesa's core, pydantic and numba itself (about 0.7 s of CPU per worker;
    docs/performance.md)."""
    given = os.environ.get(START_ENV, "").strip()
    if given and given not in START_METHODS:
        import difflib

        close = difflib.get_close_matches(given, START_METHODS, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise RunError(f"{START_ENV}={given}: must be fork, spawn, or unset{hint}")
    hazard = fork_hazard()
    if given == "fork" and hazard:
        raise RunError(f"{START_ENV}=fork: {hazard}; use spawn, or unset it")
    return given or ("spawn" if hazard else "fork")


def fork_hazard() -> str | None:
    """Why this process must not fork its workers, or None. Fork is kept to Linux (macOS's system
    libraries are not safe to use after a fork; Windows has none) and to a process running one
    thread: another thread (the classroom server's, a notebook's) could hold a lock the copy
    would wait on forever, and GNU OpenMP, numba's threading layer here, does not survive a fork
    once its threads have started."""
    if not sys.platform.startswith("linux") or not FORKABLE:
        return f"forked workers are for Linux, not {sys.platform}"
    if threading.active_count() > 1:
        return "this process runs other threads"
    if _team_started():
        return "this process has started numba's threads (a parallel kernel ran)"
    return None


def _team_started() -> bool:
    """Whether numba's threading layer has started its threads in this process (a parallel kernel
    ran): GNU OpenMP, the layer numba picks here, does not survive a fork once it has. True when
    numba's flag cannot be read (assume the worst)."""
    parallel = sys.modules.get("numba.np.ufunc.parallel")
    return parallel is not None and getattr(parallel, "_is_initialized", True)


def _install() -> None:
    """Wrap ``spawn.get_preparation_data`` (once) so that it drops the main-module entries for
    :class:`WargameWorker` processes; every other process is prepared exactly as before."""
    with _install_lock:
        real = multiprocessing.spawn.get_preparation_data
        if getattr(real, "_wargame", False):
            return

        def get_preparation_data(name: str, *args: Any, **kwargs: Any) -> dict:
            data = real(name, *args, **kwargs)
            if str(name).startswith(WORKER_NAME + "-"):
                for key in _MAIN_KEYS:
                    data.pop(key, None)
            return data

        get_preparation_data._wargame = True  # type: ignore[attr-defined]
        multiprocessing.spawn.get_preparation_data = get_preparation_data


def _exit_with_parent() -> None:  # pragma: no cover - workers
    """A worker's watch thread: wait for the parent process to end, then end this one. The
    parent's pipe (``parent_process().sentinel``) reads as closed when the parent is gone, however
    it went; the pool's own queues do not (every worker holds their write ends)."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return
    multiprocessing.connection.wait([parent.sentinel])
    os._exit(0)


def _start_worker(
    preload: tuple[str, ...], threads: int, workers: int, started: Any, every: bool = True
) -> None:  # pragma: no cover - workers
    """Worker start: ignore Ctrl-C, take ``threads`` threads for the kernels, import ``preload``,
    then, on a cold cache, compile the kernels from this worker's share of the list on: the
    ``started``-th of ``workers`` starts that far along, so they are compiled once between the
    workers (``sim.runner.kernels``), all before the first task arrives. On a warm cache ``every``
    loads them all now (a pool kept for later tasks); otherwise only numba's one-off set-up runs
    now (``kernels.first_use``), and each kernel is loaded when a task first calls it (a run's
    pool: its tasks come at once, and a scenario calls about two thirds of the list)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, name="wargame-parent-watch", daemon=True).start()
    os.environ[THREADS_ENV] = str(threads)
    from sim import heap, mesa_core, numba_probe

    mesa_core.defer()  # an engine's worker: Mesa's core only (sim/mesa_core.py)
    numba_probe.skip()  # numba's set-up without SciPy's linear algebra
    heap.keep_freed()  # freed arrays stay in the heap for the next turn (sim/heap.py)
    for name in preload:
        importlib.import_module(name)
    import numba

    from sim.rules import blas

    blas.for_good()  # a worker only plays: no BLAS thread to spin beside it (sim/rules/blas.py)

    # this thread runs every task: its kernels take the worker's share of the cores from the
    # first task on, whatever the task (each task sets it again: ``sim.runner.worker.playing``)
    numba.set_num_threads(max(1, min(threads, numba.config.NUMBA_NUM_THREADS)))
    with started.get_lock():
        index = started.value
        started.value += 1
    from sim.runner.kernels import cold, first_use, warm

    # only a head start: a kernel this cannot prepare is compiled by the first task that calls
    # it, and any real error surfaces there, in the task the user asked for
    with contextlib.suppress(Exception):
        if every or cold():
            warm(index % workers, workers)
        else:
            first_use()  # numba's one-off set-up, before the first task needs it
    # the ~190,000 objects of the imports and kernels live as long as the worker: out of the
    # collector's sight, a full collection walks only what the tasks made (70 ms a time before)
    gc.freeze()


def frozen_objects() -> int:
    """Task: how many objects the worker's start-up left out of the collector's sight."""
    return gc.get_freeze_count()


def worker_pid() -> int:
    """Task: the worker's process id (a no-op that makes the pool start a process)."""
    return os.getpid()


def process_pool(
    workers: int, preload: tuple[str, ...] = ENGINE, start: str | None = None, every: bool = True
) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes that ignore Ctrl-C (the parent handles it and keeps
    what has finished), do not re-run ``__main__`` (a script without a main guard works) and
    have imported ``preload``, then compile the kernels on a cold cache, each worker from its own
    share of the list on (``sim.runner.kernels``), and on a warm one load them all if ``every``
    (else each when first called). :func:`start_workers` starts them at once.

    ``start`` (default :func:`start_method`): ``spawn`` processes import ``preload`` as they
    start; for ``fork`` this process imports it first, and the copies start with it. A ``fork``
    given here is not checked against :func:`fork_hazard`: the caller vouches for it (a test whose
    copies run no kernel).

    Each worker's kernels take ``--threads`` threads (``WARGAME_THREADS`` here), else the cores
    shared among the workers: numba's default, every core in every worker, oversubscribes the
    machine (two workers on two cores ran a 10,000-game review 1.6x slower)."""
    _install()
    threads = int(os.environ.get(THREADS_ENV, 0)) or default_threads(workers)
    start = start or start_method()
    if start not in START_METHODS or (start == "fork" and not FORKABLE):
        raise ValueError(f"start={start!r}: must be spawn, or fork where the platform has it")
    if start == "fork":
        for name in preload:
            importlib.import_module(name)
    context = WargameForkContext() if start == "fork" else WargameSpawnContext()
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(tuple(preload), threads, workers, context.Value("i", 0), every),
    )


def start_workers(pool: ProcessPoolExecutor, workers: int) -> None:
    """Start every process of ``pool`` now (a spawn pool otherwise starts one per submitted task),
    so their imports run while the caller prepares its work.

    A fork pool forks them all at the first submit. Python 3.12 then warns that the process is
    multi-threaded whenever native threads exist; here they are those of OpenBLAS and of
    pyarrow's jemalloc, both of which prepare for a fork (``pthread_atfork``), and
    :func:`fork_hazard` has ruled out the others: the warning is silenced for these forks only."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", r".*multi-threaded.*fork", DeprecationWarning)
        for _ in range(workers):
            pool.submit(worker_pid)


def pool_workers(pool: Executor) -> int | None:
    """How many tasks ``pool`` plays at once: the workers of a thread or process pool of the
    standard library (the classroom's, a ``thread_pool``), None for any other executor."""
    if isinstance(pool, ThreadPoolExecutor | ProcessPoolExecutor):
        return int(pool._max_workers)  # the size it was made with (no public accessor)
    return None


def pids(pool: ProcessPoolExecutor) -> set[int]:
    """Process ids of the pool's live workers (a test checks that a kept pool keeps them)."""
    live = {p.pid for p in multiprocessing.active_children()}
    return {pid for pid in getattr(pool, "_processes", {}) if pid in live}


def stop_now(pool: ProcessPoolExecutor) -> None:
    """Shut ``pool`` down without waiting: its workers are terminated. For a pool whose tasks have
    all finished (each worker would otherwise spend about half a second tearing down Mesa, pandas
    and SciPy while the user waits) or one whose workers are still importing (a failed command)."""
    _kill(pool)


def _kill(pool: ProcessPoolExecutor) -> None:
    """:func:`stop_now`."""
    procs = list(getattr(pool, "_processes", {}).values())  # the executor keeps no public list
    pool.shutdown(wait=False, cancel_futures=True)
    # a worker the executor was still starting is listed only now (seen on a loaded machine)
    procs += [p for p in (getattr(pool, "_processes", None) or {}).values() if p not in procs]
    for p in procs:
        with contextlib.suppress(Exception):
            p.terminate()
    threading.Thread(target=_reap, args=(procs,), daemon=True, name="wargame-reaper").start()


def _reap(procs: list[multiprocessing.Process], grace: float = 3.0) -> None:
    """Kill any terminated worker still alive after ``grace`` seconds (a worker caught mid-start
    on a loaded CI machine once outlived SIGTERM by 30 s), so no worker outlives its pool."""
    for p in procs:
        with contextlib.suppress(Exception):
            p.join(grace)
            if p.is_alive():
                p.kill()


# --- a worker that died halfway through sending a result ------------------------------------------

WATCH_SECONDS = 0.5
"""How often a caller waiting on a pool's futures looks for a dead worker (:func:`unstick`)."""
_dead_since: weakref.WeakKeyDictionary[ProcessPoolExecutor, float] = weakref.WeakKeyDictionary()


def unstick(pool: Executor, grace: float = 1.0) -> bool:
    """Break ``pool`` if one of its workers has been dead for ``grace`` seconds and the executor
    has not noticed; True if it did. Callers waiting on the pool's futures call this between waits.

    A worker killed (the out-of-memory killer, ``kill -9``) while it was writing a result leaves
    half a message in the result pipe. The executor's manager thread then waits forever for the
    rest (``wait_result_broken_or_wakeup`` in CPython 3.11 and 3.12), so no future ever fails and
    the run hangs instead of stopping with "a worker process died". Closing this process's copy of
    the pipe's write end and killing the other workers makes that read end with end-of-file, and
    the executor breaks the pool as it does for any dead worker: every future raises
    ``BrokenProcessPool``."""
    if not isinstance(pool, ProcessPoolExecutor) or getattr(pool, "_broken", False):
        return False
    procs = list((getattr(pool, "_processes", None) or {}).values())
    if not any(p.exitcode is not None for p in procs):
        _dead_since.pop(pool, None)
        return False
    first = _dead_since.setdefault(pool, time.monotonic())
    if time.monotonic() - first < grace:
        return False
    with contextlib.suppress(Exception):
        pool._result_queue._writer.close()  # type: ignore[attr-defined]
    for p in procs:
        with contextlib.suppress(Exception):
            p.kill()
    return True


# --- a pool started before the command needs it ----------------------------------------------------

_prestarted: tuple[int, ProcessPoolExecutor] | None = None
_prestart_lock = threading.Lock()


def prestart(workers: int) -> None:
    """Start a pool of ``workers`` processes now, for the executor of the command about to run
    (``wargame run``), so that the workers get ready while this process reads and compiles the
    scenario: spawned workers import the engine; forked ones (this process imports it first)
    run numba's one-off set-up (``kernels.first_use``, about 0.3 s). :func:`take_prestarted`
    adopts the pool; :func:`discard_prestarted` stops it unused."""
    global _prestarted
    if workers <= 1:
        return
    with _prestart_lock:
        if _prestarted is not None:
            return
        pool = process_pool(workers, every=False)
        start_workers(pool, workers)
        _prestarted = (workers, pool)


def take_prestarted(workers: int) -> ProcessPoolExecutor | None:
    """The pool :func:`prestart` started, if it has ``workers`` processes (the caller owns it and
    shuts it down); a pool of another size is stopped. None when there is none."""
    global _prestarted
    with _prestart_lock:
        held, _prestarted = _prestarted, None
    if held is None:
        return None
    if held[0] != workers:
        _kill(held[1])
        return None
    return held[1]


def discard_prestarted() -> None:
    """Stop a pool that :func:`prestart` started and nothing took (the command failed first):
    its workers are terminated, so a one-line error does not wait for their imports."""
    pool = take_prestarted(-1)
    assert pool is None


# --- one pool for the life of the process (the classroom server) ----------------------------------

_shared: tuple[int, ProcessPoolExecutor] | None = None
_shared_lock = threading.Lock()


def shared_pool(workers: int) -> ProcessPoolExecutor:
    """The process's persistent pool of ``workers`` processes: started (and its workers' imports
    begun) on the first call, then the same pool and the same processes for every later call.
    A pool that broke (a worker was killed) or has another size is replaced."""
    global _shared
    with _shared_lock:
        if _shared is not None:
            size, pool = _shared
            if size == workers:
                try:
                    pool.submit(worker_pid)  # raises on a broken or shut-down pool
                    return pool
                except (BrokenProcessPool, RuntimeError):
                    pass
            _kill(pool)
        pool = process_pool(workers)
        start_workers(pool, workers)
        _shared = (workers, pool)
        return pool


def close_shared_pool() -> None:
    """Stop the persistent pool (if any); the next :func:`shared_pool` starts a new one."""
    global _shared
    with _shared_lock:
        held, _shared = _shared, None
    if held is not None:
        held[1].shutdown(wait=True, cancel_futures=True)
