"""Monte Carlo in blocks: each block is one ``WargameModel`` with R = block size and its own seed.

Seeds come from ``SeedSequence(root).spawn(n_blocks)``, so a block's results depend only on the root
seed, the block size and its index — not on which process ran it or when it finished.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.model import WargameModel
from sim.rules.compile import CompiledScenario

DEFAULT_BLOCK = 1000


def block_seeds(seed: int, n_blocks: int) -> list[np.random.SeedSequence]:
    """One independent seed per block, derived from the run's root seed."""
    return np.random.SeedSequence(seed).spawn(n_blocks)


def run_block(
    c: CompiledScenario, size: int, seed: np.random.SeedSequence, index: int = 0
) -> dict[str, np.ndarray]:
    """Play ``size`` worlds in one model and return their per-replicate columns."""
    model = WargameModel(c, R=size, rng=np.random.default_rng(seed), explain=False)
    model.run()
    out = model.results()
    out["block"] = np.full(size, index, dtype=np.int32)
    acted = np.zeros(c.n_actors, dtype=bool)  # per actor: moved a rung in some world of the block
    np.logical_or.at(acted, c.src, model.acted_dyad)
    out["acted"] = acted
    return out


@dataclass
class MonteCarlo:
    """Concatenated per-replicate results of a run, in block order."""

    columns: dict[str, np.ndarray]
    outcome_names: list[str]
    acted: dict[str, bool]

    @property
    def runs(self) -> int:
        return len(self.columns["outcome"])

    def counts(self) -> dict[str, int]:
        out = self.columns["outcome"]
        return {name: int((out == name).sum()) for name in self.outcome_names}


def outcome_names(c: CompiledScenario) -> list[str]:
    """Outcome names in priority order, including the implicit catch-all ``other`` if needed."""
    names = list(c.scenario.outcomes)
    outs = list(c.scenario.outcomes.values())
    if outs and outs[-1].when is not None:
        names.append("other")
    return names


def run_montecarlo(
    c: CompiledScenario, runs: int, seed: int, block: int = DEFAULT_BLOCK
) -> MonteCarlo:
    """Run ``runs`` replicates in blocks of ``block`` in this process."""
    n_blocks = max(1, -(-runs // block))
    seeds = block_seeds(seed, n_blocks)
    parts = []
    for i in range(n_blocks):
        size = min(block, runs - i * block)
        parts.append(run_block(c, size, seeds[i], i))
    acted = np.logical_or.reduce([p.pop("acted") for p in parts])
    columns = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    columns["replicate"] = np.arange(runs, dtype=np.int64)
    return MonteCarlo(columns, outcome_names(c), dict(zip(c.actors, map(bool, acted), strict=True)))
