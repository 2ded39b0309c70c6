"""The alliance summary: per commitment link, how often it fired and how often the guarantor
honoured it, with the support it chose (docs/model.md, "Alliance decisions").

The honour rate is a result of the decision rule, to be compared with the literature: allies
honoured 74.5% of the commitments that were invoked in Leeds, Long and Mitchell, 'Reevaluating
Alliance Reliability', Journal of Conflict Resolution 44(5), 2000.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from sim.outputs.stats import wilson
from sim.outputs.tables import values_of
from sim.scenario.schema import SUPPORT_LEVELS

PREFIX = "link."
LEEDS_2000 = 0.745  # share of invoked commitments honoured (Leeds, Long and Mitchell 2000)


class Links:
    """Each commitment link's triggers, honours and support levels, added block by block."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[str, Any]] = {}

    def add(self, table: pa.Table) -> None:
        """Add a block's table (its ``link.*`` columns; none in older runs)."""
        for n in table.column_names:
            if not (n.startswith(PREFIX) and n.endswith(".support")):
                continue
            _, rel, g, prot, _ = n.split(".")
            level = values_of(table.column(n))
            honoured = values_of(table.column(n.removesuffix(".support") + ".honoured"))
            row = self.rows.setdefault(
                f"{rel} {g}>{prot}",
                {
                    "relation": rel,
                    "guarantor": g,
                    "protected": prot,
                    "triggered": 0,
                    "honoured": 0,
                    "support": dict.fromkeys(SUPPORT_LEVELS, 0),
                },
            )
            row["triggered"] += int((level >= 0).sum())
            row["honoured"] += int(honoured.sum())
            counts = np.bincount(level[level >= 0].astype(np.int64), minlength=len(SUPPORT_LEVELS))
            for i, lv in enumerate(SUPPORT_LEVELS):
                row["support"][lv] += int(counts[i])

    def summary(self) -> dict[str, Any]:
        """``{"<relation> <G>><P>": {relation, guarantor, protected, triggered, honoured, rate,
        ci95, support: {level: count}}}`` (empty for older runs)."""
        for row in self.rows.values():
            t, h = row["triggered"], row["honoured"]
            row["rate"] = h / t if t else None
            row["ci95"] = list(wilson(h, t)) if t else None
        return self.rows


def pooled_rate(links: dict[str, Any]) -> tuple[int, int]:
    """(honoured, triggered) over every link: comparable with Leeds, Long and Mitchell (2000)."""
    return (
        sum(r["honoured"] for r in links.values()),
        sum(r["triggered"] for r in links.values()),
    )
