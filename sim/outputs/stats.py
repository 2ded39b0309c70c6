"""Interval maths for outcome shares."""

from __future__ import annotations

import math


def wilson(count: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score interval for a binomial share (95% by default); (0, 0) when n == 0."""
    if n <= 0:
        return (0.0, 0.0)
    p = count / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    lo = 0.0 if count == 0 else max(0.0, centre - half)
    hi = 1.0 if count == n else min(1.0, centre + half)
    return (lo, hi)


def mc_standard_error(count: int, n: int) -> float:
    """Monte Carlo standard error of a share."""
    if n <= 0:
        return 0.0
    p = count / n
    return math.sqrt(p * (1 - p) / n)
