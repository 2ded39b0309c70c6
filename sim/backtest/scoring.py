"""Scoring rules for a probabilistic forecast of one observed class, and reliability bins.

- **Log score** ``-ln p(observed)`` in nats (lower is better; 0 for certainty in what happened). It
  punishes a confident miss without bound, so no probability may be 0: see :func:`smoothed`.
- **Brier score** ``sum_c (p_c - o_c)^2`` over the classes, o the one-hot observation (lower is
  better; 0 to 2). Brier (1950), "Verification of forecasts expressed in terms of probability",
  Monthly Weather Review 78(1); log score: Good (1952), "Rational decisions", JRSS B 14(1).
- **Reliability**: predictions of every class pooled and binned by predicted probability; a
  well-calibrated forecaster's observed frequency in each bin matches the bin's mean prediction.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

ENGINE_PSEUDOCOUNT = 0.5
"""Added to every class's count of engine worlds before normalising (Krichevsky-Trofimov / Jeffreys
prior): a class no replicate reached gets probability 0.5 / (N + K/2), not 0. With N = 1,000 worlds
this moves a share by at most 0.25 points (assumption: the smallest standard smoothing)."""
BASE_RATE_PSEUDOCOUNT = 1.0
"""Added to every class's count of deck cases for the base-rate baseline (Laplace's rule of
succession): with a dozen cases, a class no other case showed still gets 1 / (n + K)."""
RELIABILITY_BINS = 5


def smoothed(counts: Sequence[float], pseudocount: float) -> np.ndarray:
    """Class probabilities from counts with ``pseudocount`` added to every class."""
    c = np.asarray(counts, dtype=float) + pseudocount
    return c / c.sum()


def log_score(p: Sequence[float], observed: int) -> float:
    """``-ln p[observed]`` (nats)."""
    return -math.log(float(p[observed]))


def brier_score(p: Sequence[float], observed: int) -> float:
    """``sum_c (p_c - [c == observed])^2``."""
    q = np.asarray(p, dtype=float).copy()
    q[observed] -= 1.0
    return float((q * q).sum())


def reliability(
    predicted: Sequence[float], outcome: Sequence[bool], bins: int = RELIABILITY_BINS
) -> list[dict[str, float]]:
    """Per equal-width bin of predicted probability: its range, the number of predictions, their mean,
    and the observed frequency of the predicted class (NaN for an empty bin)."""
    p = np.asarray(predicted, dtype=float)
    o = np.asarray(outcome, dtype=float)
    which = np.minimum((p * bins).astype(int), bins - 1)
    rows = []
    for b in range(bins):
        hit = which == b
        n = int(hit.sum())
        rows.append(
            {
                "lo": b / bins,
                "hi": (b + 1) / bins,
                "n": n,
                "mean_predicted": float(p[hit].mean()) if n else math.nan,
                "observed_frequency": float(o[hit].mean()) if n else math.nan,
            }
        )
    return rows
