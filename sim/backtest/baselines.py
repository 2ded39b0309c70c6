"""The two baselines every engine score is set against, computed like the engine's.

- **uniform**: every class of the dimension equally likely (the forecaster who knows nothing);
- **base rate, leave-one-out**: the frequency of each class among the *other* cases of the deck on
  dimensions of the same kind (all ally decisions are pooled as one kind), with Laplace smoothing
  (``scoring.BASE_RATE_PSEUDOCOUNT``). The scored case never counts towards its own forecast.

An engine that cannot beat the base rates adds nothing a historian's tally does not already give.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sim.backtest.dimensions import CLASSES
from sim.backtest.scoring import BASE_RATE_PSEUDOCOUNT, smoothed


def uniform(kind: str) -> np.ndarray:
    """Equal probability on every class of ``kind``."""
    k = len(CLASSES[kind])
    return np.full(k, 1.0 / k)


def base_rate(
    observations: Sequence[tuple[str, str, str]],
    case: str,
    kind: str,
    pseudocount: float = BASE_RATE_PSEUDOCOUNT,
) -> np.ndarray:
    """Leave-one-out base rates for ``case`` on a dimension of ``kind``.

    ``observations`` holds ``(case, kind, observed class)`` for every scored dimension of the deck;
    those of ``case`` itself are left out."""
    classes = CLASSES[kind]
    counts = np.zeros(len(classes))
    for other, k, observed in observations:
        if other != case and k == kind:
            counts[classes.index(observed)] += 1
    return smoothed(counts, pseudocount)
