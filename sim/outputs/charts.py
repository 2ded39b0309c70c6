"""Static charts for the reports: matplotlib on the non-interactive Agg backend, PNGs inlined.

The run report, the sweep analysis, the backtest report and the vocabulary section draw with these
three helpers, so every figure has the same look and needs no display.
"""

from __future__ import annotations

import base64
import io
from typing import Any

__all__ = ["figure", "png", "pyplot"]


def pyplot() -> Any:
    """matplotlib.pyplot on the non-interactive Agg backend (no display needed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def png(fig: Any) -> str:
    """``fig`` as a base64 PNG (for an ``<img src='data:image/png;base64,...'>``), then closed."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    pyplot().close(fig)
    return base64.b64encode(buf.getvalue()).decode()


def figure(w: float, h: float) -> tuple[Any, Any]:
    """A new figure of ``w`` x ``h`` inches and its axes."""
    return pyplot().subplots(figsize=(w, h))
