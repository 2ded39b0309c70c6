"""The outcome summary: count, share, 95% Wilson interval and Monte Carlo standard error."""

from __future__ import annotations

from typing import Any

from sim.outputs.stats import mc_standard_error, wilson


def summarise(counts: dict[str, int], extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """``{"runs": N, "outcomes": {name: {count, share, ci95, se}}, "mc_standard_error": max se}``."""
    n = sum(counts.values())
    outcomes = {}
    for name, count in counts.items():
        lo, hi = wilson(count, n)
        outcomes[name] = {
            "count": int(count),
            "share": count / n if n else 0.0,
            "ci95": [lo, hi],
            "se": mc_standard_error(count, n),
        }
    out: dict[str, Any] = {"runs": n, "outcomes": outcomes}
    out["mc_standard_error"] = max((o["se"] for o in outcomes.values()), default=0.0)
    out["max_half_width"] = max(
        ((o["ci95"][1] - o["ci95"][0]) / 2 for o in outcomes.values()), default=0.0
    )
    if extra:
        out.update(extra)
    return out


def max_half_width(counts: dict[str, int]) -> float:
    """Largest half-width of the 95% intervals of the shares."""
    n = sum(counts.values())
    return max(((hi - lo) / 2 for lo, hi in (wilson(c, n) for c in counts.values())), default=1.0)
