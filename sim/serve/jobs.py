"""Background Monte Carlo for the web app: a thread with a progress share, a result and a cancel flag.

Pages only read a job's fields, so a closed tab never stops or breaks a run; starting a new what-if
cancels the previous one between blocks.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from sim.outputs.summary import summarise
from sim.rules.compile import CompiledScenario
from sim.runner.montecarlo import Cancelled
from sim.serve.distributions import Distributions, Key, key_of

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


WHATIF_RUNS = 2000
"""Simulated games of a what-if unless the facilitator asks for another number."""


def whatif_block(runs: int) -> int:
    """The block size of a what-if of ``runs`` games (a result setting: the blocks' seeds)."""
    return min(500, runs)


def distribution_job(
    distributions: Distributions,
    base: tuple[list[str], CompiledScenario],
    changed: tuple[list[str], CompiledScenario],
    runs: int,
    seed: int,
    overrides: list[str],
) -> Work:
    """Outcome distributions of ``base`` and ``changed`` (each: the overrides it was compiled with,
    and the compiled scenario) with the same seed (common random numbers), so that the difference
    is the parameters' and not the dice's. Each is taken from ``distributions`` (the game's runs:
    the baseline is usually computed before the facilitator asks) or computed there: the same
    numbers either way."""
    block = whatif_block(runs)
    runs_of = [(key_of(o, runs, seed, block), c) for o, c in (base, changed)]

    def work(progress: Callable[[float], None], cancelled: threading.Event) -> dict[str, Any]:
        # the progress bar covers only the runs still to compute, each an equal share
        left = list(dict.fromkeys(k for k, _ in runs_of if not distributions.kept(k)))

        def part(key: Key) -> Callable[[float], None] | None:
            if key not in left:
                return None
            return lambda s: progress((left.index(key) + s) / len(left))

        out = [distributions.run(k, c, part(k), cancelled) for k, c in runs_of]
        return {
            "runs": runs,
            "seed": seed,
            "overrides": overrides,
            "baseline": summarise(out[0].counts())["outcomes"],
            "changed": summarise(out[1].counts())["outcomes"],
        }

    return work
