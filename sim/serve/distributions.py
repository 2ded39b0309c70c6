"""The Monte Carlo distributions of the game being played, each computed once, most of them
before anyone asks.

The after-action review's distribution and the what-if's baseline depend only on the game's
scenario (with its overrides), seed, number of games and block size, never on the teams' moves.
So the host computes them in the background while the room plays (:meth:`Distributions.prefetch`,
on the server's worker pool): the review is ready when the game ends, and a what-if runs only its
changed side. A kept run is the very result a request would compute (the same blocks with the
same seeds), so the pages show the same numbers; only the wait changes.

A request always comes first: while one runs, the prefetch stops (its blocks not yet started are
dropped, those running finish), and it resumes when no request is left. A request for the very
run the prefetch is computing joins it instead (a short game's review), with its progress.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from concurrent.futures import Executor

from sim.rules.compile import CompiledScenario
from sim.runner.montecarlo import Cancelled, MonteCarlo, run_montecarlo

log = logging.getLogger(__name__)

Key = tuple[tuple[str, ...], int, int, int]
"""A distribution: (the overrides the scenario was compiled with, games, seed, block size)."""


def key_of(overrides: Iterable[str], runs: int, seed: int, block: int) -> Key:
    """The key of ``runs`` games of the scenario under ``overrides``, seed ``seed``."""
    return (tuple(overrides), int(runs), int(seed), int(block))


KEPT_REQUESTS = 8
"""Runs kept besides the prefetched ones, the most recently used: a what-if's changed side is
kept too (a facilitator going back to a setting finds it), but a session of many large what-ifs
must not grow the server without bound (100,000 games' columns are some tens of MB)."""


class Distributions:
    """The game's Monte Carlo runs by :data:`Key`: the prefetched ones (:meth:`prefetch`) for
    the game's life, and the :data:`KEPT_REQUESTS` most recently used others. Thread-safe."""

    def __init__(self, pool: Callable[[], Executor | None]) -> None:
        self.pool = pool  # asked at every run: a broken pool is replaced by its owner
        self._kept: OrderedDict[Key, MonteCarlo] = OrderedDict()  # least recently used first
        self._wanted: list[tuple[Key, CompiledScenario]] = []
        self._lock = threading.Condition()  # notified when a run is kept or the prefetch stops
        self._stop = threading.Event()  # set: the prefetch stops between its blocks
        self._requests = 0  # requests running now
        self._prefetching: threading.Thread | None = None
        self._current: Key | None = None  # the run the prefetch is computing
        self._share = 0.0  # and its share done
        self._closed = False

    def kept(self, key: Key) -> bool:
        """Whether the run ``key`` is done and kept."""
        with self._lock:
            return key in self._kept

    def run(
        self,
        key: Key,
        c: CompiledScenario,
        progress: Callable[[float], None] | None = None,
        cancelled: threading.Event | None = None,
    ) -> MonteCarlo:
        """The run ``key`` of ``c`` (compiled with ``key``'s overrides): kept, or computed now on
        the pool ahead of any prefetch, then kept."""
        runs, seed, block = key[1:]
        hit = self._join(key, progress, cancelled)
        if hit is not None:
            if progress is not None:
                progress(1.0)
            return hit
        try:
            mc = run_montecarlo(c, runs, seed, block, progress, cancelled, self.pool())
            with self._lock:
                self._keep(key, mc)
            return mc
        finally:
            with self._lock:
                self._requests -= 1
                self._resume()

    def _join(
        self,
        key: Key,
        progress: Callable[[float], None] | None,
        cancelled: threading.Event | None,
    ) -> MonteCarlo | None:
        """The kept run ``key``, waiting for it while the prefetch computes it; else None, and
        the prefetch is stopped for the request to compute it."""
        with self._lock:
            while key not in self._kept and key == self._current:
                if cancelled is not None and cancelled.is_set():
                    raise Cancelled
                if progress is not None:
                    progress(self._share)
                self._lock.wait(0.2)
            hit = self._kept.get(key)
            if hit is not None:
                self._kept.move_to_end(key)
            else:
                self._requests += 1
                self._stop.set()
            return hit

    def prefetch(self, wanted: Iterable[tuple[Key, CompiledScenario]]) -> None:
        """Compute these runs in the background, in order, whenever no request is running."""
        with self._lock:
            self._wanted = list(wanted)
            self._resume()

    def close(self) -> None:
        """Stop the prefetch for good (a new game replaces this one)."""
        with self._lock:
            self._closed = True
            self._stop.set()

    def idle(self, timeout: float) -> bool:
        """Wait until no prefetch is running; whether none is."""
        with self._lock:
            thread = self._prefetching
        if thread is not None:
            thread.join(timeout)
        with self._lock:
            return self._prefetching is None

    def _next(self) -> tuple[Key, CompiledScenario] | None:
        """The first wanted run not kept, unless a request runs or the game is closed (locked)."""
        if self._requests or self._closed:
            return None
        return next(((k, c) for k, c in self._wanted if k not in self._kept), None)

    def _resume(self) -> None:
        """Start the prefetch thread if there is work for it and none runs (locked)."""
        if self._prefetching is None and self._next() is not None:
            self._prefetching = threading.Thread(
                target=self._prefetch, name="wargame-prefetch", daemon=True
            )
            self._prefetching.start()

    def _prefetch(self) -> None:
        """The prefetch thread: the wanted runs one after the other, until a request or the end."""
        while True:
            with self._lock:
                todo = self._next()
                self._current, self._share = (todo[0] if todo else None), 0.0
                self._lock.notify_all()
                if todo is None:
                    self._prefetching = None
                    return
                self._stop.clear()
            key, c = todo
            try:
                mc = run_montecarlo(c, *key[1:], self._done_share, self._stop, self.pool())
            except Cancelled:
                continue  # a request came: the loop ends, the request's end resumes it
            except Exception:  # a broken pool: the request that needs the run reports it
                log.exception("prefetch of a distribution failed")
                with self._lock:
                    self._wanted = [w for w in self._wanted if w[0] != key]
                continue
            with self._lock:
                self._keep(key, mc)

    def _keep(self, key: Key, mc: MonteCarlo) -> None:
        """Keep run ``key`` as the most recently used; forget the least recently used requests
        beyond :data:`KEPT_REQUESTS` (never a wanted run) (locked)."""
        self._kept.setdefault(key, mc)
        self._kept.move_to_end(key)
        wanted = {k for k, _ in self._wanted}
        others = [k for k in self._kept if k not in wanted]
        for old in others[: max(0, len(others) - KEPT_REQUESTS)]:
            del self._kept[old]

    def _done_share(self, share: float) -> None:
        """The prefetch's progress on its current run (shown to a request that joins it)."""
        self._share = share
