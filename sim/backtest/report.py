"""``backtest.html`` (self-contained, plots embedded, every scenario text escaped) and ``backtest.md``."""

from __future__ import annotations

import html
import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

from sim.backtest.run import MODELS
from sim.errors import RunError
from sim.outputs.rundir import RunDir, read_manifest, write_text_atomic

EXPLAIN = (
    "Each row is one dimension of one case: the probability each forecaster gave to what happened "
    "(higher is better), its log score -ln p (nats, lower is better) and its Brier score (0 to 2, "
    "lower is better). Baselines: uniform over the classes, and the base rates of the other cases "
    "of the deck (leave-one-out, Laplace-smoothed). A handful of cases cannot prove a model right; "
    "they can show it wrong."
)


class BacktestData:
    """A complete backtest folder read back."""

    def __init__(self, path: Path) -> None:
        self.rd = RunDir(path)
        self.manifest = read_manifest(path)
        if self.manifest.get("kind") != "backtest":
            raise RunError(f"{path}: not a backtest folder")
        if self.manifest.get("status") != "complete":
            raise RunError(f"{path}: the backtest did not finish; run it again")
        self.summary = json.loads((path / "summary.json").read_text(encoding="utf-8"))
        self.scores = pd.read_parquet(path / "scores.parquet")
        self.checks = self.summary.get("checks", [])


def _meta(d: BacktestData) -> str:
    m = d.manifest
    return (
        f"deck {m['deck']} · {len(m['cases'])} cases · {m['runs']:,} worlds per case · seed "
        f"{m['seed']} · block {m['block']} · alliance-wargame {m['versions'].get('alliance-wargame')}"
        f" · finished {m['finished']}"
    )


def overall_rows(summary: dict[str, Any]) -> list[list[str]]:
    """Rows: scope, n, then per forecaster mean p(observed), log score, Brier score."""
    rows = []
    groups = [("all dimensions", summary["overall"])]
    groups += [(f"kind: {k}", v) for k, v in summary["by_kind"].items()]
    groups += [(f"case: {k}", v) for k, v in summary["by_case"].items()]
    for name, g in groups:
        row = [name, str(g["n"])]
        for m in MODELS:
            row += [f"{g[m]['p_observed']:.2f}", f"{g[m]['log']:.2f}", f"{g[m]['brier']:.2f}"]
        rows.append(row)
    return rows


def case_rows(scores: pd.DataFrame) -> list[list[str]]:
    """Rows: case, dimension, observed, engine's most likely class, p per forecaster, engine log."""
    return [
        [
            r.case,
            r.dimension,
            r.observed,
            r.engine_mode,
            f"{r.p_engine:.3f}",
            f"{r.p_uniform:.3f}",
            f"{r.p_base_rate:.3f}",
            f"{r.log_engine:.2f}",
            f"{r.log_base_rate:.2f}",
        ]
        for r in scores.itertuples()
    ]


CASE_HEAD = [
    "case",
    "dimension",
    "happened",
    "engine's likeliest",
    "p engine",
    "p uniform",
    "p base rate",
    "log engine",
    "log base rate",
]
OVERALL_HEAD = ["scope", "n"] + [f"{m} {s}" for m in MODELS for s in ("p", "log", "Brier")]


def check_rows(checks: list[dict[str, Any]]) -> list[list[str]]:
    """Rows: check, expected, measured effect [95% interval], verdict, source."""
    rows = []
    for c in checks:
        if c["expect"] == "at_most":
            measured = f"{c['effect']:.2%} [{c['lo']:.2%}, {c['hi']:.2%}]"
        else:
            measured = f"{c['effect']:+.3f} [{c['lo']:+.3f}, {c['hi']:+.3f}]"
        rows.append(
            [
                c["check"],
                f"{c['metric']}: {c['expected']}",
                measured,
                "pass" if c["passed"] else "FAIL",
                c["source"],
            ]
        )
    return rows


CHECK_HEAD = ["check", "expected", "measured (95% interval)", "verdict", "source"]


def reliability_chart(summary: dict[str, Any]) -> str:
    """The reliability diagram as base64 PNG: observed frequency against mean prediction per bin."""
    from sim.outputs.charts import figure as _figure
    from sim.outputs.charts import png as _png

    fig, ax = _figure(5.5, 5)
    ax.plot([0, 1], [0, 1], color="#999", linestyle="--", label="perfect calibration")
    for m, colour in (("engine", "#c0392b"), ("base_rate", "#3b6fb6")):
        pts = [
            b
            for b in summary["reliability"][m]
            if b["n"] and not math.isnan(b["observed_frequency"])
        ]
        ax.plot(
            [b["mean_predicted"] for b in pts],
            [b["observed_frequency"] for b in pts],
            marker="o",
            color=colour,
            label=m.replace("_", " "),
        )
        for b in pts:
            ax.annotate(
                str(b["n"]),
                (b["mean_predicted"], b["observed_frequency"]),
                fontsize=7,
                xytext=(3, 3),
                textcoords="offset points",
            )
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("predicted probability (bin mean)")
    ax.set_ylabel("observed frequency")
    ax.set_title("Reliability (numbers: predictions in the bin)")
    ax.legend(fontsize=8)
    return _png(fig)


def scores_chart(summary: dict[str, Any]) -> str:
    """Mean log score per kind of dimension and forecaster (base64 PNG)."""
    import numpy as np

    from sim.outputs.charts import figure as _figure
    from sim.outputs.charts import png as _png

    kinds = list(summary["by_kind"])
    fig, ax = _figure(6.5, 3.2)
    x = np.arange(len(kinds))
    for i, (m, colour) in enumerate(
        (("engine", "#c0392b"), ("uniform", "#999999"), ("base_rate", "#3b6fb6"))
    ):
        ax.bar(
            x + (i - 1) * 0.27,
            [summary["by_kind"][k][m]["log"] for k in kinds],
            0.27,
            color=colour,
            label=m.replace("_", " "),
        )
    ax.set_xticks(x, kinds)
    ax.set_ylabel("mean log score (nats; lower is better)")
    ax.legend(fontsize=8)
    return _png(fig)


CSS = (
    "body{font-family:system-ui,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;"
    "color:#222}table{border-collapse:collapse;font-size:.82em}td,th{border:1px solid #ddd;"
    "padding:3px 7px}.meta{color:#666;font-size:.85em}.fail{color:#b00;font-weight:600}"
)


def _html_table(head: list[str], rows: list[list[str]]) -> str:
    e = html.escape
    out = ["<table><tr>" + "".join(f"<th>{e(h)}</th>" for h in head) + "</tr>"]
    for r in rows:
        cells = "".join(
            f"<td class='fail'>{e(c)}</td>" if c == "FAIL" else f"<td>{e(c)}</td>" for c in r
        )
        out.append(f"<tr>{cells}</tr>")
    return "".join(out) + "</table>"


def render_html(d: BacktestData) -> str:
    """The backtest report page: scores overall and per case, the reliability diagram,
    and the face-validity checks when they ran."""
    e = html.escape
    parts = [
        f"<!doctype html><html><head><meta charset='utf-8'><title>Backtest</title><style>{CSS}"
        "</style></head><body><h1>Backtest against history</h1>",
        f"<p class='meta'>{e(_meta(d))}</p><p>{e(EXPLAIN)}</p>",
        "<h2>Scores</h2>",
        _html_table(OVERALL_HEAD, overall_rows(d.summary)),
        f"<img alt='mean log score per kind' src='data:image/png;base64,{scores_chart(d.summary)}'>",
        "<h2>Per case and dimension</h2>",
        _html_table(CASE_HEAD, case_rows(d.scores)),
        "<h2>Reliability</h2>",
        f"<img alt='reliability diagram' src='data:image/png;base64,{reliability_chart(d.summary)}'>",
        "<p class='meta'>Every class's predicted probability on every dimension of every case, "
        "binned; the observed frequency is the share of those predictions whose class happened.</p>",
    ]
    if d.checks:
        parts += ["<h2>Face-validity checks</h2>", _html_table(CHECK_HEAD, check_rows(d.checks))]
    parts.append("</body></html>")
    return "\n".join(parts)


def _md_table(head: list[str], rows: list[list[str]]) -> list[str]:
    def cell(c: str) -> str:
        return c.replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(cell(c) for c in r) + " |" for r in rows]
    return lines


def render_markdown(d: BacktestData) -> str:
    """The backtest report as Markdown tables (no images), for docs and diffs."""
    lines = ["# Backtest against history", "", f"_{_meta(d)}_", "", EXPLAIN, "", "## Scores", ""]
    lines += _md_table(OVERALL_HEAD, overall_rows(d.summary))
    lines += ["", "## Per case and dimension", ""]
    lines += _md_table(CASE_HEAD, case_rows(d.scores))
    lines += ["", "## Reliability (engine)", ""]
    lines += _md_table(
        ["bin", "predictions", "mean predicted", "observed frequency"],
        [
            [
                f"{b['lo']:.1f}–{b['hi']:.1f}",
                str(b["n"]),
                "" if not b["n"] else f"{b['mean_predicted']:.3f}",
                "" if not b["n"] else f"{b['observed_frequency']:.3f}",
            ]
            for b in d.summary["reliability"]["engine"]
        ],
    )
    if d.checks:
        lines += ["", "## Face-validity checks", ""]
        lines += _md_table(CHECK_HEAD, check_rows(d.checks))
    return "\n".join(lines) + "\n"


def write_backtest_report(path: Path, fmt: str = "html") -> Path:
    """Write backtest.html (or backtest.md) into the backtest folder and return its path."""
    d = BacktestData(path)
    text = render_html(d) if fmt == "html" else render_markdown(d)
    return write_text_atomic(text, path / f"backtest.{'html' if fmt == 'html' else 'md'}")
