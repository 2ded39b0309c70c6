"""The standard vocabulary in a run's outputs: tallies for summary.json, tables for the report and
``compare``.

``summary.json`` gets a ``vocabulary`` section::

    violence:  {class: {count, share, ci95}}            every class, in order (zero counts too)
    ending:    {type: {count, share, ci95, mechanism}}  mechanism false: the scenario has no way to
                                                        produce this ending yet (count 0 by construction)
    endings_without_mechanism: [type, ...]
    ending_turn: {type: {mean, min, max}}               over the worlds that ended that way
    n_at_war:  {mean, counts: {n: worlds}}
    fought:    {"A>B": worlds in which A used force on B}  every dyad that can use force
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pyarrow as pa

from sim.outputs.stats import wilson
from sim.outputs.tables import values_of
from sim.rules.vocabulary import FOUGHT, Vocab
from sim.scenario.vocabulary import ENDINGS, VIOLENCE


class Tally:
    """Counts of the vocabulary columns, added block by block (memory does not grow with runs)."""

    def __init__(self, mechanisms: Iterable[str]) -> None:
        self.mechanisms = list(mechanisms)
        self.violence = dict.fromkeys(VIOLENCE, 0)
        self.ending = dict.fromkeys(ENDINGS, 0)
        self.turn_sum = dict.fromkeys(ENDINGS, 0)
        self.turn_min: dict[str, int] = {}
        self.turn_max: dict[str, int] = {}
        self.at_war: dict[int, int] = {}
        self.fought: dict[str, int] = {}
        self.n = 0

    def add(self, cols: Mapping[str, Any]) -> None:
        """Add a block's columns (numpy arrays or Arrow columns)."""
        if "violence" not in cols:
            return
        violence = np.asarray(cols["violence"]).astype(str)
        ending = np.asarray(cols["ending"]).astype(str)
        turn = np.asarray(cols["ending_turn"], dtype=float)
        self.n += len(violence)
        for name in VIOLENCE:
            self.violence[name] += int((violence == name).sum())
        for name in ENDINGS:
            hit = ending == name
            self.ending[name] += int(hit.sum())
            t = turn[hit & np.isfinite(turn) & (turn >= 0)]
            if t.size:
                self.turn_sum[name] += int(t.sum())
                self.turn_min[name] = min(self.turn_min.get(name, 10**9), int(t.min()))
                self.turn_max[name] = max(self.turn_max.get(name, 0), int(t.max()))
        values, counts = np.unique(np.asarray(cols["n_at_war"]), return_counts=True)
        for v, k in zip(values.tolist(), counts.tolist(), strict=True):
            self.at_war[int(v)] = self.at_war.get(int(v), 0) + int(k)
        for name in cols:
            if name.startswith(FOUGHT):
                a, b = name[len(FOUGHT) :].split(".")
                key = f"{a}>{b}"
                self.fought[key] = self.fought.get(key, 0) + int(np.asarray(cols[name]).sum())

    def summary(self) -> dict[str, Any]:
        """The tallied vocabulary as summary.json's ``vocabulary``: shares with Wilson
        intervals per violence class and ending, ending turns, actors at war, who fought whom."""

        def shares(counts: dict[str, int]) -> dict[str, dict[str, Any]]:
            out = {}
            for name, k in counts.items():
                lo, hi = wilson(k, self.n)
                out[name] = {"count": k, "share": k / self.n if self.n else 0.0, "ci95": [lo, hi]}
            return out

        ending = shares(self.ending)
        for name, row in ending.items():
            row["mechanism"] = name in self.mechanisms
        turns = {
            name: {
                "mean": self.turn_sum[name] / self.ending[name],
                "min": self.turn_min[name],
                "max": self.turn_max[name],
            }
            for name in ENDINGS
            if name in self.turn_min
        }
        total = sum(self.at_war.values())
        return {
            "violence": shares(self.violence),
            "ending": ending,
            "endings_without_mechanism": [e for e in ENDINGS if e not in self.mechanisms],
            "ending_turn": turns,
            "n_at_war": {
                "mean": sum(k * v for k, v in self.at_war.items()) / total if total else 0.0,
                "counts": {str(k): v for k, v in sorted(self.at_war.items())},
            },
            "fought": dict(sorted(self.fought.items(), key=lambda kv: (-kv[1], kv[0]))),
        }


def summarise_columns(columns: Mapping[str, Any], vocab: Vocab) -> dict[str, Any]:
    """The ``vocabulary`` summary of in-memory columns (a Monte Carlo result, a sweep point)."""
    t = Tally(vocab.mechanisms)
    t.add(columns)
    return t.summary()


def vocabulary_columns(names: Iterable[str]) -> list[str]:
    """The columns of a block that the vocabulary summary reads (none in older runs)."""
    names = list(names)
    if "violence" not in names:
        return []
    keep = [n for n in names if n in ("violence", "ending", "ending_turn", "n_at_war")]
    return keep + [n for n in names if n.startswith(FOUGHT)]


def add_table(t: Tally, table: pa.Table) -> bool:
    """Add a block's table to ``t``; False for a table written before the vocabulary existed."""
    keep = vocabulary_columns(table.column_names)
    if keep:
        t.add({n: values_of(table.column(n)) for n in keep})
    return bool(keep)


# --- tables for the report, compare and the after-action review ---------------------------------

NO_MECHANISM = "no mechanism yet"


def distribution_rows(vocab: dict[str, Any], key: str) -> list[list[str]]:
    """Rows (class, count, share, 95% interval, note) of ``violence`` or ``ending``."""
    rows = []
    for name, o in vocab[key].items():
        lo, hi = o["ci95"]
        note = "" if o.get("mechanism", True) else NO_MECHANISM
        rows.append([name, f"{o['count']:,}", f"{o['share']:.1%}", f"{lo:.1%} – {hi:.1%}", note])
    return rows


def fought_matrix(vocab: dict[str, Any], runs: int) -> tuple[list[str], list[list[float | None]]]:
    """Actors that fought in some world, and the share of worlds in which row used force on column
    (None where the pair cannot use force)."""
    pairs = {tuple(k.split(">")): v for k, v in vocab["fought"].items()}
    actors = sorted(
        {a for (a, b), v in pairs.items() if v} | {b for (a, b), v in pairs.items() if v}
    )
    matrix = [
        [(pairs[(a, b)] / runs if runs else 0.0) if (a, b) in pairs else None for b in actors]
        for a in actors
    ]
    return actors, matrix


def fought_chart(vocab: dict[str, Any], runs: int) -> Any:
    """A heat map of who fought whom (a matplotlib figure), or None when nobody fought."""
    from sim.outputs.charts import figure as _figure

    actors, matrix = fought_matrix(vocab, runs)
    if not actors:
        return None
    data = np.array([[np.nan if v is None else v for v in row] for row in matrix], dtype=float)
    fig, ax = _figure(0.5 * len(actors) + 2.5, 0.45 * len(actors) + 1.8)
    im = ax.imshow(data * 100, cmap="Reds", vmin=0, vmax=max(1.0, float(np.nanmax(data) * 100)))
    ax.set_xticks(range(len(actors)), actors, rotation=60, ha="right", fontsize=7)
    ax.set_yticks(range(len(actors)), actors, fontsize=7)
    for i in range(len(actors)):
        for j in range(len(actors)):
            if not np.isnan(data[i, j]) and data[i, j] > 0:
                ax.text(j, i, f"{data[i, j]:.0%}", ha="center", va="center", fontsize=6)
    ax.set_xlabel("target")
    ax.set_ylabel("used force")
    fig.colorbar(im, ax=ax, label="% of worlds")
    ax.set_title("Who fought whom: share of worlds in which the row used force on the column")
    return fig


def vocabulary_html(vocab: dict[str, Any], runs: int, png: Any) -> str:
    """The report's "standard vocabulary" section (HTML). ``png`` turns a figure into base64."""
    import html

    e = html.escape
    parts = [
        "<h2>Standard vocabulary</h2>",
        "<p class='meta'>Every world described the same way in every scenario "
        "(docs/validation.md): peak violence on the ICB scale plus nuclear use, how the crisis "
        "ended, and who used force against whom. A scenario's outcome labels can hide a war "
        "elsewhere; these cannot.</p>",
    ]
    for key, title in (("violence", "peak violence"), ("ending", "ending")):
        parts.append(
            f"<table><tr><th>{title}</th><th>count</th><th>share</th><th>95% interval</th>"
            "<th>note</th></tr>"
        )
        for row in distribution_rows(vocab, key):
            parts.append("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>")
        parts.append("</table><br>")
    if vocab["endings_without_mechanism"]:
        parts.append(
            "<p class='meta'>Ending types marked “no mechanism yet” cannot occur in this "
            "scenario: no rule or stop condition produces them, so their zero is not a finding.</p>"
        )
    w = vocab["n_at_war"]
    parts.append(f"<p>Actors at war per world: mean {w['mean']:.2f}.</p>")
    fig = fought_chart(vocab, runs)
    if fig is None:
        parts.append("<p>No actor used force in any world.</p>")
    else:
        parts.append(f"<img alt='who fought whom' src='data:image/png;base64,{png(fig)}'>")
    return "\n".join(parts)


def vocabulary_markdown(vocab: dict[str, Any], runs: int) -> list[str]:
    """The report's "standard vocabulary" section (Markdown lines)."""
    lines = ["", "## Standard vocabulary", ""]
    for key, title in (("violence", "peak violence"), ("ending", "ending")):
        lines += [f"| {title} | count | share | 95% interval | note |", "|---|---:|---:|---|---|"]
        lines += ["| " + " | ".join(r) + " |" for r in distribution_rows(vocab, key)]
        lines.append("")
    lines.append(f"Actors at war per world: mean {vocab['n_at_war']['mean']:.2f}.")
    actors, matrix = fought_matrix(vocab, runs)
    if actors:
        lines += [
            "",
            "Who fought whom (share of worlds in which the row used force on the column):",
        ]
        lines += ["", "| used force \\ on | " + " | ".join(actors) + " |"]
        lines.append("|---|" + "---:|" * len(actors))
        for a, row in zip(actors, matrix, strict=True):
            cells = ["—" if v is None else (f"{v:.1%}" if v else "") for v in row]
            lines.append(f"| {a} | " + " | ".join(cells) + " |")
    return lines
