"""Background Monte Carlo for the web app: a thread with a progress share, a result and a cancel flag.

Pages only read a job's fields, so a closed tab never stops or breaks a run; starting a new what-if
cancels the previous one between blocks.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

from sim.outputs.summary import summarise
from sim.rules.compile import CompiledScenario
from sim.runner.montecarlo import Cancelled, run_montecarlo

log = logging.getLogger(__name__)
Work = Callable[[Callable[[float], None], threading.Event], Any]


class Job:
    """``work(progress, cancelled)`` run in a daemon thread."""

    def __init__(self, work: Work, on_done: Callable[[], None] | None = None) -> None:
        self.work = work
        self.on_done = on_done
        self.progress = 0.0
        self.result: Any = None
        self.error: str | None = None
        self.done = threading.Event()
        self.cancelled = threading.Event()

    @property
    def running(self) -> bool:
        """Whether the work has not finished yet."""
        return not self.done.is_set()

    def start(self) -> None:
        """Run the work in a daemon thread (a closed server does not wait for it)."""
        threading.Thread(target=self._run, daemon=True).start()

    def cancel(self) -> None:
        """Ask the work to stop at its next check (between blocks)."""
        self.cancelled.set()

    def _progress(self, share: float) -> None:
        self.progress = share

    def _run(self) -> None:
        try:
            self.result = self.work(self._progress, self.cancelled)
        except Cancelled:
            self.error = "cancelled"
        except Exception as exc:
            log.exception("background job failed")
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            self.progress = 1.0
            self.done.set()
            if self.on_done is not None:
                self.on_done()


def distribution_job(
    base: CompiledScenario,
    changed: CompiledScenario,
    runs: int,
    seed: int,
    overrides: list[str],
    pool: Executor | None = None,
) -> Work:
    """Outcome distributions of ``base`` and ``changed`` with the same seed (common random numbers),
    so that the difference is the parameters' and not the dice's. On ``pool`` (the server's
    persistent worker pool) when given, else in the job's thread: the same numbers either way."""
    block = min(500, runs)

    def work(progress: Callable[[float], None], cancelled: threading.Event) -> dict[str, Any]:
        a = run_montecarlo(base, runs, seed, block, lambda s: progress(s / 2), cancelled, pool)
        b = run_montecarlo(
            changed, runs, seed, block, lambda s: progress(0.5 + s / 2), cancelled, pool
        )
        return {
            "runs": runs,
            "seed": seed,
            "overrides": overrides,
            "baseline": summarise(a.counts())["outcomes"],
            "changed": summarise(b.counts())["outcomes"],
        }

    return work
