"""``calibration.html`` (self-contained, plots embedded, every text escaped) and ``calibration.md``."""

from __future__ import annotations

import html
import json
import math
from pathlib import Path
from typing import Any

from sim.errors import RunError
from sim.outputs.rundir import read_manifest, write_text_atomic

LABELS = {
    "fitted": "fitted",
    "defaults": "hand-set",
    "base_rate": "base rates",
    "uniform": "uniform",
}
MODELS = tuple(LABELS)
EXPLAIN = (
    "Scores are mean log scores -ln p(what happened), in nats (lower is better): per kind of "
    "dimension, and the weighted mean over kinds that the fit minimises. In-sample: each fold's "
    "fit scored on the cases it was fitted on. Out-of-sample: each fitted case scored by the fold "
    "that did not see it. Held-out: cases named in the spec, scored once with the final fit. "
    "Base rates are the class frequencies of the fit's training cases (Laplace-smoothed); "
    "hand-set is the engine with the deck's own values, unfitted."
)


def read_fitted(path: Path) -> dict[str, Any]:
    """fitted.json of a complete calibration folder."""
    m = read_manifest(path)
    if m.get("kind") != "calibration":
        raise RunError(f"{path}: not a calibration folder")
    if m.get("status") != "complete":
        raise RunError(f"{path}: the calibration did not finish; wargame calibrate --resume {path}")
    return json.loads((path / "fitted.json").read_text(encoding="utf-8"))


def _f(x: Any, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return f"{x:.{digits}f}" if isinstance(x, float) else str(x)


def _g(x: Any) -> str:
    return "–" if x is None else f"{x:.4g}"


def score_rows(fitted: dict[str, Any]) -> list[list[str]]:
    """Rows: scope, kind, then the score of each forecaster."""
    out = []
    scopes = [
        ("in-sample (folds)", fitted["scores"]["in_sample"]),
        ("out-of-sample", fitted["scores"]["out_of_sample"]),
        ("final fit, in-sample", fitted["final"]["in_sample"]),
    ]
    if fitted["scores"]["held_out"]:
        scopes.append(("held-out", fitted["scores"]["held_out"]))
    for name, s in scopes:
        out.append([name, f"all (weighted, n={s['n']})", *(_f(s[m]["score"]) for m in MODELS)])
        for kind in s["fitted"]["log"]:
            out.append([name, kind, *(_f(s[m]["log"].get(kind)) for m in MODELS)])
    return out


SCORE_HEAD = ["scope", "dimension", *LABELS.values()]


def fold_rows(fitted: dict[str, Any]) -> list[list[str]]:
    """Rows (FOLD_HEAD): each fold's test cases, scores in and out of sample, fitted values."""
    out = []
    for f in fitted["folds"]:
        ins, oos = f["in_sample"], f["out_of_sample"]
        out.append(
            [
                str(f["index"]),
                ", ".join(f["test"]),
                _f(ins["fitted"]["score"]),
                _f(ins["base_rate"]["score"]),
                _f(oos["fitted"]["score"]),
                _f(oos["defaults"]["score"]),
                _f(oos["base_rate"]["score"]),
                ", ".join(f"{k}={_g(v)}" for k, v in f["fitted"].items()),
            ]
        )
    return out


FOLD_HEAD = [
    "fold",
    "scored on (test)",
    "in-sample fitted",
    "in-sample base rates",
    "out-of-sample fitted",
    "out-of-sample hand-set",
    "out-of-sample base rates",
    "fitted values",
]


def param_rows(fitted: dict[str, Any]) -> list[list[str]]:
    """Rows (PARAM_HEAD): each parameter's bounds, prior, hand-set and fitted values, fold
    spread, profile and verdict, so a reader sees what the deck pins down and what it does not."""
    out = []
    for p in fitted["parameters"]:
        prior = p["prior"]
        shown = ", ".join(f"{k} {v:g}" for k, v in prior.items() if k != "dist")
        prof = p["profile"]
        out.append(
            [
                p["path"],
                f"[{p['low']:g}, {p['high']:g}]",
                f"{prior['dist']}{' (' + shown + ')' if shown else ''}",
                _g(p["hand_set"]),
                _g(p["fitted"])
                + (" (at a bound)" if p["at_bound"] else "")
                + (
                    " (a profile step scores better: raise --budget)"
                    if p.get("not_converged")
                    else ""
                ),
                f"{_g(p['fold_mean'])} ± {_g(p['fold_sd'])}",
                _f(p["spread_ratio"], 2),
                f"{_f(prof['rise_low'], 2)} / {_f(prof['rise_high'], 2)}",
                _g(prof["curvature_sd"]),
                p["identified"],
                p["note"],
            ]
        )
    return out


PARAM_HEAD = [
    "parameter",
    "bounds",
    "prior",
    "hand-set",
    "fitted",
    "folds: mean ± sd",
    "fold sd / prior sd",
    "log-lik. fall at -/+20% of range",
    "curvature sd",
    "identified",
    "note",
]


def worst_rows(fitted: dict[str, Any]) -> list[list[str]]:
    """Rows (WORST_HEAD): the worst-scored out-of-sample dimensions, with what the fitted engine
    expected instead."""
    out = []
    for w in fitted["worst"]:
        why = (
            f"expected {w['fitted_mode']}"
            if w["fitted_mode"] != w["observed"]
            else "likeliest class, but with low probability"
        )
        if w["log_fitted"] > w["log_base_rate"]:
            why += f"; worse than the base rates by {w['log_fitted'] - w['log_base_rate']:.2f} nats"
        out.append(
            [
                w["case"],
                w["dimension"],
                w["observed"],
                _f(w["p_fitted"]),
                _f(w["p_defaults"]),
                _f(w["p_base_rate"]),
                f"fold {w['fit']}",
                why,
            ]
        )
    return out


WORST_HEAD = [
    "case",
    "dimension",
    "happened",
    "p fitted (out of sample)",
    "p hand-set",
    "p base rates",
    "scored by",
    "what the fitted engine expected",
]


def _reliability_rows(bins: list[dict[str, float]]) -> list[str]:
    return [
        ""
        if not b["n"]
        else f"{b['mean_predicted']:.2f} → {b['observed_frequency']:.2f} ({b['n']})"
        for b in bins
    ]


def reliability_rows(fitted: dict[str, Any]) -> list[list[str]]:
    """Rows (REL_HEAD): each forecaster's reliability bins (hand-set, fitted, base rates)."""
    r = fitted["reliability"]
    names = [
        ("hand-set (before)", "defaults"),
        ("fitted, out of sample (after)", "fitted_out_of_sample"),
        ("base rates, out of sample", "base_rate_out_of_sample"),
    ]
    return [[label, *_reliability_rows(r[key])] for label, key in names]


def _meta(fitted: dict[str, Any]) -> str:
    p = fitted["provenance"]
    s = p["settings"]
    return (
        f"deck {p['deck']} ({len(p['cases'])} cases, sha256 {p['deck_sha256'][:12]}) · spec "
        f"{p['spec']} (sha256 {p['spec_sha256'][:12]}) · {s['runs']:,} worlds per case · seed "
        f"{s['seed']} · {len(fitted['folds'])} folds · budget {s['budget']} per fit · "
        f"{p['optimiser']} · alliance-wargame {p['alliance-wargame']}"
    )


def reliability_chart(fitted: dict[str, Any]) -> str:
    """Reliability before and after (base64 PNG)."""
    from sim.outputs.charts import figure as _figure
    from sim.outputs.charts import png as _png

    fig, ax = _figure(5.5, 5)
    ax.plot([0, 1], [0, 1], color="#999", linestyle="--", label="perfect calibration")
    for key, label, colour in (
        ("defaults", "hand-set (before)", "#999999"),
        ("fitted_out_of_sample", "fitted, out of sample", "#c0392b"),
        ("base_rate_out_of_sample", "base rates, out of sample", "#3b6fb6"),
    ):
        pts = [b for b in fitted["reliability"][key] if b["n"]]
        ax.plot(
            [b["mean_predicted"] for b in pts],
            [b["observed_frequency"] for b in pts],
            marker="o",
            color=colour,
            label=label,
        )
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("predicted probability (bin mean)")
    ax.set_ylabel("observed frequency")
    ax.legend(fontsize=8)
    return _png(fig)


def values_chart(fitted: dict[str, Any]) -> str:
    """Each parameter on its [low, high] range: fold fits, final fit, hand-set (base64 PNG)."""
    from sim.outputs.charts import figure as _figure
    from sim.outputs.charts import png as _png

    params = fitted["parameters"]
    fig, ax = _figure(6.5, 0.6 + 0.45 * len(params))
    for i, p in enumerate(params):
        w = p["high"] - p["low"]
        y = len(params) - 1 - i
        ax.plot([0, 1], [y, y], color="#ddd")
        ax.plot(
            [(v - p["low"]) / w for v in p["folds"]],
            [y] * len(p["folds"]),
            "o",
            color="#3b6fb6",
            alpha=0.6,
            label="folds" if i == 0 else None,
        )
        ax.plot(
            [(p["fitted"] - p["low"]) / w],
            [y],
            "D",
            color="#c0392b",
            label="final" if i == 0 else None,
        )
        if p["hand_set"] is not None:
            ax.plot(
                [(p["hand_set"] - p["low"]) / w],
                [y],
                "x",
                color="#222",
                label="hand-set" if i == 0 else None,
            )
    ax.set_yticks(range(len(params)), [p["path"] for p in reversed(params)], fontsize=7)
    ax.set_xlim(-0.02, 1.02)
    ax.set_xlabel("position in [low, high]")
    ax.legend(fontsize=7, loc="upper right")
    return _png(fig)


CSS = (
    "body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;"
    "color:#222}table{border-collapse:collapse;font-size:.8em}td,th{border:1px solid #ddd;"
    "padding:3px 7px}.meta{color:#666;font-size:.85em}"
)


def _html_table(head: list[str], rows: list[list[str]]) -> str:
    e = html.escape
    out = ["<table><tr>" + "".join(f"<th>{e(h)}</th>" for h in head) + "</tr>"]
    out += ["<tr>" + "".join(f"<td>{e(c)}</td>" for c in r) + "</tr>" for r in rows]
    return "".join(out) + "</table>"


def _directions(fitted: dict[str, Any]) -> list[str]:
    out = []
    for d in fitted["flat_directions"]:
        combo = " ".join(f"{c:+.2f}·{k}" for k, c in d["direction"].items())
        out.append(f"{combo}: folds spread {d['sd_in_prior_sds']:.2f} prior sds along it")
    flat = [p["path"] for p in fitted["parameters"] if p["identified"] != "identified"]
    if flat:
        out.insert(0, "not pinned down by the deck: " + ", ".join(flat))
    return out or ["every parameter is pinned down by the deck (profile and folds)"]


REL_HEAD = ["forecaster", *[f"{b / 5:.1f}–{(b + 1) / 5:.1f}" for b in range(5)]]


def render_html(fitted: dict[str, Any]) -> str:
    """The calibration report as one self-contained HTML page (charts inline, text escaped)."""
    e = html.escape
    title = fitted.get("title") or "Calibration against history"
    parts = [
        f"<!doctype html><html><head><meta charset='utf-8'><title>{e(title)}</title>"
        f"<style>{CSS}</style></head><body><h1>{e(title)}</h1>",
        f"<p class='meta'>{e(_meta(fitted))}</p><p>{e(EXPLAIN)}</p>",
        "<h2>Scores</h2>",
        _html_table(SCORE_HEAD, score_rows(fitted)),
        "<h2>Scores by fold</h2>",
        _html_table(FOLD_HEAD, fold_rows(fitted)),
        "<h2>Fitted values and their spread</h2>",
        _html_table(PARAM_HEAD, param_rows(fitted)),
        f"<img alt='fitted values' src='data:image/png;base64,{values_chart(fitted)}'>",
        "<h3>Flat directions</h3><ul>",
        *(f"<li>{e(t)}</li>" for t in _directions(fitted)),
        "</ul>",
        "<h2>Reliability before and after</h2>",
        f"<img alt='reliability diagram' src='data:image/png;base64,{reliability_chart(fitted)}'>",
        _html_table(REL_HEAD, reliability_rows(fitted)),
        "<p class='meta'>Each cell: mean predicted probability → observed frequency (predictions "
        "in the bin), every class of every dimension of the fitted cases pooled.</p>",
        "<h2>What the model still gets wrong (out of sample)</h2>",
        _html_table(WORST_HEAD, worst_rows(fitted)),
        "</body></html>",
    ]
    return "\n".join(parts)


def _md_table(head: list[str], rows: list[list[str]]) -> list[str]:
    def cell(c: str) -> str:
        return c.replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    return lines + ["| " + " | ".join(cell(c) for c in r) + " |" for r in rows]


def render_markdown(fitted: dict[str, Any]) -> str:
    """The calibration report as Markdown: the same tables as the HTML page, without charts."""
    title = fitted.get("title") or "Calibration against history"
    lines = [f"# {title}", "", f"_{_meta(fitted)}_", "", EXPLAIN, "", "## Scores", ""]
    lines += _md_table(SCORE_HEAD, score_rows(fitted))
    lines += ["", "## Scores by fold", "", *_md_table(FOLD_HEAD, fold_rows(fitted))]
    lines += [
        "",
        "## Fitted values and their spread",
        "",
        *_md_table(PARAM_HEAD, param_rows(fitted)),
    ]
    lines += ["", "### Flat directions", ""] + [f"- {t}" for t in _directions(fitted)]
    lines += [
        "",
        "## Reliability before and after",
        "",
        *_md_table(REL_HEAD, reliability_rows(fitted)),
    ]
    lines += ["", "## What the model still gets wrong (out of sample)", ""]
    lines += _md_table(WORST_HEAD, worst_rows(fitted))
    return "\n".join(lines) + "\n"


def write_calibration_report(path: Path, fmt: str = "html") -> Path:
    """Write calibration.html (or calibration.md) into the calibration folder; return its path."""
    fitted = read_fitted(path)
    text = render_html(fitted) if fmt == "html" else render_markdown(fitted)
    return write_text_atomic(text, path / f"calibration.{'html' if fmt == 'html' else 'md'}")
