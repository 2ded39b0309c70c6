"""Monte Carlo in blocks, in this process: each block is one ``WargameModel`` with R = block size.

Block i is seeded with ``SeedSequence(seed, spawn_key=(i,))``, so its results depend only on the root
seed, the block size and i — not on which process ran it or when it finished. ``sim.runner.execute``
runs the same blocks on a process pool and writes them to disk.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim.rules.compile import CompiledScenario
from sim.runner.worker import run_block
from sim.scenario.outcomes import outcome_names

DEFAULT_BLOCK = 1000


@dataclass
class MonteCarlo:
    """Concatenated per-replicate results of a run, in block order."""

    columns: dict[str, np.ndarray]
    outcome_names: list[str]
    acted: dict[str, bool]

    @property
    def runs(self) -> int:
        """Number of worlds played."""
        return len(self.columns["outcome"])

    def counts(self) -> dict[str, int]:
        """Worlds per outcome, for every outcome name (zero included)."""
        out = self.columns["outcome"]
        return {name: int((out == name).sum()) for name in self.outcome_names}


def block_sizes(runs: int, block: int) -> list[int]:
    """Sizes of the blocks of a run of ``runs`` replicates (the last may be short)."""
    return [min(block, runs - i) for i in range(0, runs, block)]


class Cancelled(Exception):
    """A Monte Carlo run stopped on request (a newer what-if replaced it)."""


def run_montecarlo(
    c: CompiledScenario,
    runs: int,
    seed: int,
    block: int = DEFAULT_BLOCK,
    progress: Callable[[float], None] | None = None,
    cancelled: threading.Event | None = None,
) -> MonteCarlo:
    """Run ``runs`` replicates in blocks of ``block`` in this process and keep them in memory.

    ``progress`` is called with the share done after each block; setting ``cancelled`` stops the
    run between blocks with :class:`Cancelled`."""
    sizes = block_sizes(runs, block)
    parts = []
    for i, size in enumerate(sizes):
        if cancelled is not None and cancelled.is_set():
            raise Cancelled
        parts.append(run_block(c, i, size, seed, block))
        if progress is not None:
            progress((i + 1) / len(sizes))
    acted = np.logical_or.reduce([p["acted"] for p in parts])
    cols = [p["columns"] for p in parts]
    columns = {k: np.concatenate([p[k] for p in cols]) for k in cols[0]}
    return MonteCarlo(
        columns, outcome_names(c.scenario), dict(zip(c.actors, map(bool, acted), strict=True))
    )
