"""Grouped reductions over the dyad or link axis without ``ufunc.at`` (which is slow on 2-D data).

Index lists are sorted by group at compile time; ``reduceat`` over contiguous runs then reduces every
replicate at once, and empty groups keep the fill value.
"""

from __future__ import annotations

import numpy as np


class Segments:
    """Reduce columns of an (R, Q) array into (R, n) by a sorted group index of length Q."""

    def __init__(self, groups: np.ndarray, n: int) -> None:
        groups = np.asarray(groups, dtype=np.int64)
        if groups.size and np.any(np.diff(groups) < 0):
            raise ValueError("segment groups must be sorted")
        self.n = n
        self.targets, self.starts = np.unique(groups, return_index=True)

    def max(self, values: np.ndarray, fill: float = 0) -> np.ndarray:
        """Per-group maximum of the columns of ``values`` (``fill`` for empty groups)."""
        out = np.full((values.shape[0], self.n), fill, dtype=values.dtype)
        if self.starts.size:
            out[:, self.targets] = np.maximum.reduceat(values, self.starts, axis=1)
        return out

    def any(self, values: np.ndarray) -> np.ndarray:
        """Per-group logical or of the columns of a boolean ``values``."""
        out = np.zeros((values.shape[0], self.n), dtype=bool)
        if self.starts.size:
            counts = np.add.reduceat(values.view(np.uint8), self.starts, axis=1, dtype=np.uint16)
            out[:, self.targets] = counts > 0
        return out
