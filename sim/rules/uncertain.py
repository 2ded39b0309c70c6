"""Uncertain parameters: the one place where a number-or-distribution becomes a value per world.

Compile records every number of the scenario that lands in an array (``place``) and every number
read directly by a rule family (``rules.*``, ``injects.*.probability``: ``declare``). ``sample``
draws the array-bound ones for a block, in scenario order; ``draw`` draws one direct number when
its family needs it. Both record what they drew (reported per world as ``param.<path>``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.scenario.distributions import is_distribution


@dataclass
class Param:
    """One uncertain number: its dotted path, distribution, and where it lands in the arrays."""

    path: str
    dist: Any
    key: str
    index: list[tuple[int, ...]]


def _sample(dist: Any, rng: np.random.Generator, n: int, path: str, sampled: dict) -> np.ndarray:
    """Draw ``n`` values of ``dist`` and record them under ``path``."""
    values = dist.sample(rng, n)
    sampled[path] = values
    return values


@dataclass
class Uncertainties:
    """Base arrays (distribution midpoints where uncertain) and the uncertain numbers."""

    base: dict[str, np.ndarray] = field(default_factory=dict)
    params: list[Param] = field(default_factory=list)
    direct: dict[str, Any] = field(default_factory=dict)

    def array(self, key: str, shape: tuple[int, ...], fill: float = 0.0) -> None:
        """Declare a float64 array of the compiled scenario (one value per world when sampled)."""
        self.base[key] = np.full(shape, fill, dtype=np.float64)

    def place(self, key: str, index: tuple[int, ...], value: Any, path: str) -> None:
        """Put a number (or a distribution, sampled per world) at ``key[index]``."""
        if is_distribution(value):
            same = [p for p in self.params if p.path == path and p.key == key]
            if same:
                same[0].index.append(index)
            else:
                self.params.append(Param(path, value, key, [index]))
            lo, hi = value.bounds
            self.base[key][index] = (lo + hi) / 2
        else:
            self.base[key][index] = float(value)

    def declare(self, path: str, value: Any) -> None:
        """A number a rule family reads itself with ``draw`` (``rules.*``, inject probabilities)."""
        self.direct[path] = value

    def sample(
        self, rng: np.random.Generator, n: int, sampled: dict[str, np.ndarray]
    ) -> dict[str, np.ndarray]:
        """Arrays with a leading axis of ``n`` worlds, uncertain entries drawn in order."""
        arrays = {k: np.broadcast_to(v, (n, *v.shape)).copy() for k, v in self.base.items()}
        for p in self.params:
            values = _sample(p.dist, rng, n, p.path, sampled)
            for index in p.index:
                arrays[p.key][(slice(None), *index)] = values
        return arrays

    def draw(
        self, path: str, rng: np.random.Generator, n: int, sampled: dict[str, np.ndarray]
    ) -> np.ndarray:
        """A direct number for every world: drawn (and recorded) if it is a distribution."""
        value = self.direct[path]
        if is_distribution(value):
            return _sample(value, rng, n, path, sampled)
        return np.full(n, float(value))
