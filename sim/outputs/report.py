"""``wargame report RUN_DIR``: a self-contained HTML report (images embedded) or a Markdown summary.

The report reads the run folder only, and regenerates what the run did not keep from the run's own
seeds (the scenario's blocks are deterministic): trajectories for the fan chart when the run was made
without ``--trajectories``, and one explained world per outcome for the timelines.

Replaying a block is the runner's job (``sim.runner.worker.run_block``): the caller passes it in as
``replay_block`` (``wargame report`` and ``RunResult.report`` do), so this layer never imports the
runner (tests/test_layers.py).
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.errors import RunError
from sim.outputs.charts import figure as _figure
from sim.outputs.charts import png as _png
from sim.outputs.charts import pyplot as _plt
from sim.outputs.rundir import RunDir, require_complete, write_text_atomic
from sim.rules.compile import CompiledScenario, compile_scenario
from sim.scenario.schema import Alliance, Partnership, Rivalry, Scenario

ReplayBlock = Callable[..., dict]
"""``run_block(c, index, size, seed, block, trajectories=True)`` (sim.runner.worker): one block of a
run played again, its per-replicate columns and trajectories."""

SIDE_COLOURS = {"blue": "#3b6fb6", "red": "#c0392b", "neutral": "#8e8e8e"}


# --- data ------------------------------------------------------------------------------------------


def rung_codes(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with its rung columns (ordered categories) as rung numbers, 0 = lowest."""
    out = df.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.CategoricalDtype) and out[col].cat.ordered:
            out[col] = out[col].cat.codes.astype("int8")
    return out


class RunData:
    """Everything a report needs from one complete run folder.

    ``replay_block`` plays block 0 again for its trajectories when the run kept none (see the
    module docstring); without it, such a run has no fan chart."""

    def __init__(self, path: Path, replay_block: ReplayBlock | None = None) -> None:
        self.replay_block = replay_block
        self.rd: RunDir = require_complete(path)
        self.manifest = self.rd.manifest()
        self.summary = self.rd.summary()
        self.scenario = Scenario.model_validate(self.manifest["resolved_scenario"])
        self.c: CompiledScenario = compile_scenario(self.scenario)
        self.outcomes = pd.read_parquet(self.rd.outcomes)
        self.names = list(self.summary["outcomes"])
        self._traj: pd.DataFrame | None = None
        self.traj_note = ""

    def trajectories(self) -> pd.DataFrame:
        """Rung per actor per turn: the run's own, or block 0 replayed with trajectories."""
        if self._traj is None:
            if self.rd.trajectories.exists():
                self._traj = rung_codes(pd.read_parquet(self.rd.trajectories))
                self.traj_note = "all replicates"
            else:
                if self.replay_block is None:
                    raise RunError(
                        f"{self.rd.path}: run without --trajectories, and no replay_block was "
                        "given to replay block 0 (pass sim.runner.worker.run_block)"
                    )
                m = self.manifest
                size = min(m["block"], m["runs"])
                res = self.replay_block(self.c, 0, size, m["seed"], m["block"], trajectories=True)
                self._traj = pd.DataFrame(res["trajectories"])
                self.traj_note = f"block 0 replayed ({size} replicates; run without --trajectories)"
        return self._traj


# --- figures ---------------------------------------------------------------------------------------


def outcome_chart(d: RunData) -> str:
    """Outcome shares as horizontal bars with their 95% intervals (base64 PNG)."""
    out = d.summary["outcomes"]
    names = list(out)[::-1]
    share = np.array([out[n]["share"] for n in names])
    lo = np.array([out[n]["ci95"][0] for n in names])
    hi = np.array([out[n]["ci95"][1] for n in names])
    fig, ax = _figure(7.5, 0.45 * len(names) + 1)
    ax.barh(names, share * 100, color="#3b6fb6", alpha=0.85)
    ax.errorbar(
        share * 100,
        names,
        xerr=[(share - lo) * 100, (hi - share) * 100],
        fmt="none",
        ecolor="black",
        capsize=3,
    )
    for y, s in enumerate(share):
        ax.text(s * 100 + 1, y, f"{s:.1%}", va="center", fontsize=8)
    ax.set_xlabel("share of replicates (%), with 95% Wilson interval")
    ax.set_xlim(0, max(100, float(hi.max() * 100) + 8))
    ax.set_title(f"Outcomes of {d.summary['runs']:,} replicates")
    return _png(fig)


def key_actors(d: RunData, n: int = 4) -> list[str]:
    """Actors named in the outcome predicates first, then those escalating most."""
    named = [
        a for a in d.c.actors if any(f"'{a}'" in repr(o.when) for o in d.scenario.outcomes.values())
    ]
    peaks = rung_codes(d.outcomes[[f"peak.{a}" for a in d.c.actors]])
    means = {a: float(peaks[f"peak.{a}"].mean()) for a in d.c.actors}
    rest = sorted((a for a in d.c.actors if a not in named), key=lambda a: -means[a])
    return (named + rest)[:n]


def fan_chart(d: RunData, actors: list[str]) -> str:
    """Per key actor, the 10-90% and 25-75% bands and the median of its highest rung per
    turn, so the reader sees how fast and how far worlds escalate (base64 PNG)."""
    t = d.trajectories()
    limit = int(d.scenario.turns.limit)
    fig, axes = _plt().subplots(
        len(actors), 1, figsize=(7.5, 2.0 * len(actors)), sharex=True, squeeze=False
    )
    turns = np.arange(1, limit + 1)
    for ax, actor in zip(axes[:, 0], actors, strict=True):
        wide = (
            t.pivot(index="replicate", columns="turn", values=actor)
            .reindex(columns=turns)
            .ffill(axis=1)
        )
        q = np.nanpercentile(wide.to_numpy(dtype=float), [10, 25, 50, 75, 90], axis=0)
        ax.fill_between(turns, q[0], q[4], color="#c0392b", alpha=0.15, label="10–90%")
        ax.fill_between(turns, q[1], q[3], color="#c0392b", alpha=0.3, label="25–75%")
        ax.plot(turns, q[2], color="#7b1f1f", label="median")
        ax.set_ylim(-0.2, d.c.top + 0.2)
        ax.set_yticks(range(d.c.top + 1))
        ax.set_yticklabels(d.c.rung_names, fontsize=6)
        ax.set_title(f"{actor}: highest rung toward any rival", fontsize=9)
    axes[0, 0].legend(fontsize=7, loc="upper left")
    axes[-1, 0].set_xlabel(f"turn ({d.scenario.turns.step})")
    fig.tight_layout()
    return _png(fig)


def honour_rates(d: RunData) -> dict[str, tuple[int, int]]:
    """Per alliance: (worlds where it was honoured, worlds where it was triggered)."""
    out = {}
    for name in d.scenario.relations:
        col = f"triggered.{name}"
        if col in d.outcomes:
            out[name] = (int(d.outcomes[f"honoured.{name}"].sum()), int(d.outcomes[col].sum()))
    return out


def link_rows(d: RunData) -> list[list[str]]:
    """Per commitment link: link, triggered (share of worlds), honoured when triggered (95%
    interval), support chosen when triggered (from summary.json; empty for older runs)."""
    rows = []
    runs = max(d.summary.get("runs", 0), 1)
    for key, r in (d.summary.get("alliances") or {}).items():
        t = r["triggered"]
        if not t:
            continue
        lo, hi = r["ci95"]
        chosen = ", ".join(f"{lv} {n / t:.0%}" for lv, n in r["support"].items() if n)
        rows.append(
            [key, f"{t:,} ({t / runs:.1%})", f"{r['rate']:.0%} ({lo:.0%} – {hi:.0%})", chosen]
        )
    return rows


LINK_NOTE = (
    "Per commitment link (guarantor > protected): the guarantor decides when the trigger fires, "
    "with its credibility as the prior (docs/model.md, 'Alliance decisions'). Leeds, Long and "
    "Mitchell (2000) found 74.5% of invoked commitments honoured."
)


Edge = tuple[str, str, str, str, str]  # (actor, actor, line style, label, colour)


def network_chart(d: RunData) -> str:
    """The alliance network as a PNG: actors coloured by side, alliances labelled with how often
    the guarantor honoured them, partnerships dashed, rivalries dotted red."""
    import networkx as nx

    g = nx.Graph()
    for a, act in d.scenario.actors.items():
        g.add_node(a, side=act.side)
    edges = _network_edges(d)
    for x, y, *_ in edges:
        g.add_edge(x, y)
    pos = nx.spring_layout(g, seed=7, k=1.2)
    fig, ax = _figure(8, 6.5)
    _draw_edges(ax, pos, edges)
    for node, (x, y) in pos.items():
        side = g.nodes[node].get("side", "neutral")
        ax.scatter(
            [x], [y], s=220, color=SIDE_COLOURS.get(side, "#8e8e8e"), zorder=2, edgecolors="white"
        )
        ax.text(
            x,
            y - 0.07,
            node,
            fontsize=8,
            ha="center",
            va="top",
            zorder=4,
            weight="bold",
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.7},
        )
    ax.set_axis_off()
    ax.set_title(
        "Alliances (solid: share of triggered worlds in which the guarantor honoured it), "
        "partnerships (dashed), rivalries (red dotted)",
        fontsize=8,
    )
    return _png(fig)


def _network_edges(d: RunData) -> list[Edge]:
    """One edge per pair of alliance or partnership members and per rivalry, in scenario order."""
    rates = honour_rates(d)
    edges: list[Edge] = []
    for name, rel in d.scenario.relations.items():
        if isinstance(rel, Alliance | Partnership):
            h, t = rates.get(name, (0, 0))
            label = f"{h / t:.0%} of {t:,}" if t else "not triggered"
            style = "solid" if isinstance(rel, Alliance) else "dashed"
            for i, x in enumerate(rel.members):
                for y in rel.members[i + 1 :]:
                    edges.append(
                        (x, y, style, label if isinstance(rel, Alliance) else "", "#3b6fb6")
                    )
        elif isinstance(rel, Rivalry):
            edges.append((rel.members[0], rel.members[1], "dotted", "", "#c0392b"))
    return edges


def _draw_edges(ax: Any, pos: dict[str, Any], edges: list[Edge]) -> None:
    """Draw the edges between the laid-out actors, with their labels mid-way."""
    for x, y, style, label, colour in edges:
        ax.plot(
            [pos[x][0], pos[y][0]],
            [pos[x][1], pos[y][1]],
            linestyle=style,
            color=colour,
            lw=1.6 if style == "solid" else 0.9,
            alpha=0.8,
            zorder=1,
        )
        if label:
            ax.text(
                (pos[x][0] + pos[y][0]) / 2,
                (pos[x][1] + pos[y][1]) / 2,
                label,
                fontsize=7,
                ha="center",
                bbox={"boxstyle": "round", "fc": "white", "ec": "none", "alpha": 0.8},
                zorder=3,
            )


def parameter_table(d: RunData) -> pd.DataFrame:
    """Mean of each sampled parameter per outcome, and how strongly it separates outcomes."""
    cols = [c for c in d.outcomes.columns if c.startswith("param.") and d.outcomes[c].std() > 0]
    if not cols:
        return pd.DataFrame()
    means = (
        d.outcomes.groupby("outcome", observed=True)[cols]
        .mean()
        .reindex([n for n in d.names if n in set(d.outcomes.outcome)])
    )
    sd = d.outcomes[cols].std()
    spread = (means.max() - means.min()) / sd
    table = means.T
    table["separation (max−min)/sd"] = spread
    table = table.sort_values("separation (max−min)/sd", ascending=False)
    table.index = [i.removeprefix("param.") for i in table.index]
    return table


def separation_chart(table: pd.DataFrame) -> str:
    """Bars of the eight sampled parameters that best separate the outcomes (base64 PNG)."""
    top = table["separation (max−min)/sd"].head(8)[::-1]
    fig, ax = _figure(7.5, 0.4 * len(top) + 1)
    ax.barh(list(top.index), top.values, color="#6c5b7b")
    ax.set_xlabel("difference between outcome means, in standard deviations")
    ax.set_title("Which uncertain parameters separate the outcomes")
    return _png(fig)


def representative_timelines(d: RunData, budget_s: float = 8.0, tries: int = 200) -> dict[str, str]:
    """One explained world per outcome: R = 1 worlds with seeds 0, 1, ... until each outcome is found."""
    from sim.model import WargameModel
    from sim.rules.explain import timeline

    found: dict[str, str] = {}
    start = time.perf_counter()
    for seed in range(tries):
        if len(found) == len(d.names) or time.perf_counter() - start > budget_s:
            break
        m = WargameModel(d.c, R=1, rng=seed, explain=True, collect=False)
        m.run()
        name = m.outcome_names[m.outcome[0]]
        if name not in found:
            lines = timeline(m.log).splitlines()
            if len(lines) > 60:
                lines = [*lines[:58], f"  ... ({len(lines) - 58} more lines)", lines[-1]]
            found[name] = f"(seed {seed}, R = 1, ended at turn {m.end_turn[0]})\n" + "\n".join(
                lines
            )
    return found


# --- documents -------------------------------------------------------------------------------------

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;max-width:980px;margin:2em auto;color:#222;
line-height:1.45;padding:0 1em}h1{margin-bottom:.2em}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;
margin-top:1.8em}table{border-collapse:collapse;font-size:.85em}td,th{border:1px solid #ddd;padding:3px 8px;
text-align:right}th:first-child,td:first-child,td:last-child{text-align:left}img{max-width:100%}.meta{color:#666;font-size:.85em}
pre{background:#f6f6f6;padding:.8em;font-size:.75em;overflow-x:auto;white-space:pre-wrap}
details{margin:.5em 0}summary{cursor:pointer;font-weight:600}
"""


def _outcome_rows(d: RunData) -> list[list[str]]:
    rows = []
    desc = {k: v.description for k, v in d.scenario.outcomes.items()}
    for name, o in d.summary["outcomes"].items():
        lo, hi = o["ci95"]
        rows.append(
            [
                name,
                f"{o['count']:,}",
                f"{o['share']:.1%}",
                f"{lo:.1%} – {hi:.1%}",
                desc.get(name, ""),
            ]
        )
    return rows


def _meta(d: RunData) -> str:
    m = d.manifest
    over = ", ".join(map(str, m["overrides"])) if m["overrides"] else "none"
    return (
        f"{d.summary['runs']:,} replicates · seed {m['seed']} · block {m['block']} · overrides: {over} · "
        f"alliance-wargame {m['versions'].get('alliance-wargame')} · finished {m['finished']}"
    )


def _quiet(_: str) -> None:
    pass


def render_html(
    d: RunData, timeline_budget: float = 8.0, progress: Callable[[str], None] = _quiet
) -> str:
    """The HTML report; ``progress`` is told each step as it starts (the slow ones take seconds)."""
    e = html.escape
    actors = key_actors(d)
    params = parameter_table(d)
    parts = [
        f"<!doctype html><html><head><meta charset='utf-8'><title>{e(d.scenario.title or d.scenario.name)}"
        f"</title><style>{CSS}</style></head><body>",
        f"<h1>{e(d.scenario.title or d.scenario.name)}</h1><p class='meta'>{e(_meta(d))}</p>",
    ]
    if d.scenario.briefing:
        parts.append(f"<h2>Briefing</h2><p>{e(d.scenario.briefing.strip())}</p>")
    progress("outcome distribution")
    parts += _outcomes_html(d)
    progress(
        "escalation fan chart"
        + ("" if d.rd.trajectories.exists() else " (replaying block 0 for its trajectories)")
    )
    parts.append("<h2>Escalation over time</h2>")
    fan = fan_chart(d, actors)
    parts.append(
        f"<img alt='escalation fan chart' src='data:image/png;base64,{fan}'>"
        f"<p class='meta'>Trajectories: {e(d.traj_note)}.</p>"
    )
    progress("alliance network")
    parts += _alliances_html(d)
    progress("parameters that separate the outcomes")
    parts += _separation_html(params)
    progress(f"one explained world per outcome (at most {timeline_budget:.0f} s)")
    parts.append("<h2>A representative world per outcome</h2>")
    for name, text in representative_timelines(d, budget_s=timeline_budget).items():
        parts.append(f"<details><summary>{e(name)}</summary><pre>{e(text)}</pre></details>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _outcomes_html(d: RunData) -> list[str]:
    """The outcome section: chart, table with intervals, the Monte Carlo error, the vocabulary."""
    e = html.escape
    parts = ["<h2>Outcome distribution</h2>"]
    parts.append(f"<img alt='outcome distribution' src='data:image/png;base64,{outcome_chart(d)}'>")
    parts.append(
        "<table><tr><th>outcome</th><th>count</th><th>share</th><th>95% interval</th><th>meaning</th></tr>"
    )
    for row in _outcome_rows(d):
        parts.append("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>")
    parts.append(
        f"</table><p class='meta'>Monte Carlo standard error of the shares at most "
        f"{d.summary['mc_standard_error']:.2%}.</p>"
    )
    if d.summary.get("vocabulary"):
        from sim.outputs.vocabulary import vocabulary_html

        parts.append(vocabulary_html(d.summary["vocabulary"], d.summary["runs"], _png))
    return parts


def _alliances_html(d: RunData) -> list[str]:
    """The alliance section: the network chart, honour rates per alliance and per link."""
    e = html.escape
    parts = ["<h2>Alliance network</h2>"]
    parts.append(f"<img alt='alliance network' src='data:image/png;base64,{network_chart(d)}'>")
    parts.append(
        "<table><tr><th>alliance</th><th>triggered</th><th>honoured when triggered</th></tr>"
    )
    for name, (h, t) in honour_rates(d).items():
        rate = f"{h / t:.0%}" if t else "—"
        parts.append(
            f"<tr><td>{e(name)}</td><td>{t:,} ({t / d.summary['runs']:.1%})</td><td>{rate}</td></tr>"
        )
    parts.append("</table>")
    rows = link_rows(d)
    if rows:
        parts.append(f"<p class='meta'>{e(LINK_NOTE)}</p>")
        parts.append(
            "<table><tr><th>link</th><th>triggered</th><th>honoured when triggered</th>"
            "<th>support chosen</th></tr>"
        )
        for r in rows:
            parts.append("<tr>" + "".join(f"<td>{e(x)}</td>" for x in r) + "</tr>")
        parts.append("</table>")
    return parts


def _separation_html(params: pd.DataFrame) -> list[str]:
    """The section on which sampled parameters separate the outcomes (chart and mean table)."""
    parts = ["<h2>What separates the outcomes</h2>"]
    if params.empty:
        parts.append("<p>No uncertain parameters were sampled.</p>")
        return parts
    parts.append(
        f"<img alt='parameter separation' src='data:image/png;base64,{separation_chart(params)}'>"
    )
    parts.append(
        "<p class='meta'>Mean of each sampled parameter among the replicates ending in each "
        "outcome.</p>"
    )
    parts.append(params.head(12).to_html(float_format=lambda v: f"{v:.3f}", border=0))
    return parts


def render_markdown(d: RunData) -> str:
    """The Markdown summary: the report's tables without images or timelines (fast, diffable)."""
    lines = [f"# {d.scenario.title or d.scenario.name}", "", f"_{_meta(d)}_", ""]
    if d.scenario.briefing:
        lines += [d.scenario.briefing.strip(), ""]
    lines += ["| outcome | count | share | 95% interval | meaning |", "|---|---:|---:|---|---|"]
    lines += ["| " + " | ".join(r) + " |" for r in _outcome_rows(d)]
    lines += ["", "| alliance | triggered | honoured when triggered |", "|---|---:|---:|"]
    for name, (h, t) in honour_rates(d).items():
        lines.append(f"| {name} | {t:,} | {h / t:.0%} |" if t else f"| {name} | 0 | — |")
    rows = link_rows(d)
    if rows:
        lines += [
            "",
            LINK_NOTE,
            "",
            "| link | triggered | honoured when triggered | support chosen |",
        ]
        lines += ["|---|---:|---:|---|"] + ["| " + " | ".join(r) + " |" for r in rows]
    if d.summary.get("vocabulary"):
        from sim.outputs.vocabulary import vocabulary_markdown

        lines += vocabulary_markdown(d.summary["vocabulary"], d.summary["runs"])
    params = parameter_table(d)
    if not params.empty:
        lines += ["", "Parameters that separate the outcomes (mean per outcome):", ""]
        head = params.head(8)
        lines.append("| parameter | " + " | ".join(head.columns) + " |")
        lines.append("|---|" + "---:|" * len(head.columns))
        for idx, row in head.iterrows():
            lines.append(f"| {idx} | " + " | ".join(f"{v:.3f}" for v in row.values) + " |")
    return "\n".join(lines) + "\n"


def write_report(
    path: Path,
    fmt: str = "html",
    out: Path | None = None,
    timeline_budget: float = 8.0,
    progress: Callable[[str], None] = _quiet,
    replay_block: ReplayBlock | None = None,
) -> Path:
    """Write report.html (or report.md) into the run folder (or ``out``) and return its path.

    ``timeline_budget`` bounds the seconds spent finding one explained world per outcome;
    ``progress`` is told each step as it starts; ``replay_block`` (``sim.runner.worker.run_block``)
    replays block 0 for the fan chart of an HTML report of a run kept without trajectories."""
    d = RunData(path, replay_block)
    progress(f"read {d.summary['runs']:,} replicates")
    text = render_html(d, timeline_budget, progress) if fmt == "html" else render_markdown(d)
    target = out or (path / f"report.{'html' if fmt == 'html' else 'md'}")
    return write_text_atomic(text, target)
