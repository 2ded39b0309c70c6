"""Figures for the facilitator's page: the alliance network, the escalation timeline, what-if bars.

Drawn on ``matplotlib.figure.Figure`` objects (no pyplot state), so several browser sessions can draw
at once from their own threads.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import networkx as nx
import numpy as np
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from sim.play.game import Game

RUNG_COLOURS = LinearSegmentedColormap.from_list(
    "rungs", ["#4c9a2a", "#e8c547", "#d9531e", "#7a0019"]
)
SUPPORT_STYLE = {  # commitment state -> (colour, line style)
    "dormant": ("#7f8c8d", ":"),
    "none": ("#7f8c8d", ":"),
    "diplomatic": ("#2e86c1", "--"),
    "logistic": ("#2e86c1", "-"),
    "military": ("#1a5276", "-"),
}


@lru_cache(maxsize=16)
def _layout(actors: tuple[str, ...], edges: tuple[tuple[str, str], ...]) -> dict[str, np.ndarray]:
    g = nx.Graph()
    g.add_nodes_from(actors)
    g.add_edges_from(edges)
    return nx.spring_layout(g, seed=7, k=1.6 / max(len(actors), 1) ** 0.5)


def network(game: Game, frame: dict[str, Any] | None = None) -> Figure:
    """Actors coloured by their highest rung; rivalries above cooperation as red arrows labelled
    with the rung; alliance and partnership commitments as blue lines styled by their state."""
    c = game.c
    frame = frame or game.frames[-1]
    top = max(c.top, 1)
    rung_of = game.actor_rungs(frame)
    links = [(k["guarantor"], k["protects"]) for k in frame["commitments"]]
    rivals = [(c.actors[c.src[d]], c.actors[c.dst[d]]) for d in range(len(c.src))]
    pos = _layout(tuple(c.actors), tuple(sorted(set(links) | set(rivals))))
    fig = Figure(figsize=(7.5, 5.6), layout="constrained")
    ax = fig.subplots()
    ax.set_axis_off()
    for k in frame["commitments"]:
        (x0, y0), (x1, y1) = pos[k["guarantor"]], pos[k["protects"]]
        state = "dormant" if not k["triggered"] else k["support"]
        colour, style = SUPPORT_STYLE.get(state, ("#2e86c1", "-"))
        width = 2.5 if k["triggered"] else 1.0
        ax.plot([x0, x1], [y0, y1], style, color=colour, lw=width, zorder=1)
    index = {n: i for i, n in enumerate(c.rung_names)}
    for r in frame["rungs"]:
        level = index[r["rung"]]
        if level == 0:
            continue
        (x0, y0), (x1, y1) = pos[r["actor"]], pos[r["toward"]]
        ax.annotate(
            "",
            xy=(x1, y1),
            xytext=(x0, y0),
            arrowprops={
                "arrowstyle": "-|>",
                "color": RUNG_COLOURS(level / top),
                "lw": 0.8 + 2.2 * level / top,
                "shrinkA": 14,
                "shrinkB": 14,
                "connectionstyle": "arc3,rad=0.12",
            },
            zorder=2,
        )
        ax.text(
            x0 + (x1 - x0) * 0.35,
            y0 + (y1 - y0) * 0.35,
            c.rung_labels[level],
            fontsize=6.5,
            color="#333",
            ha="center",
            zorder=4,
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.75},
        )
    for a in c.actors:
        x, y = pos[a]
        level = rung_of[a]
        ax.scatter([x], [y], s=520, color=RUNG_COLOURS(level / top), edgecolor="#222", zorder=3)
        ax.text(x, y - 0.11, a, ha="center", va="top", fontsize=8, weight="bold", zorder=4)
    ax.set_title(
        f"Turn {frame['turn']}: node colour = highest rung; red arrows = rivalry rungs; "
        "blue = commitments (dotted: dormant, solid: triggered)",
        fontsize=8,
    )
    ax.margins(0.08)
    return fig


def timeline(game: Game) -> Figure:
    """Each actor's highest rung, turn by turn (actors that never left cooperation are left out)."""
    c = game.c
    series = {a: [] for a in c.actors}
    turns = [f["turn"] for f in game.frames]
    for f in game.frames:
        for a, level in game.actor_rungs(f).items():
            series[a].append(level)
    fig = Figure(figsize=(7.5, 3.2), layout="constrained")
    ax = fig.subplots()
    shown = [a for a, s in series.items() if max(s) > 0]
    for i, a in enumerate(shown):
        jitter = (i - len(shown) / 2) * 0.03
        ax.step(turns, np.array(series[a]) + jitter, where="post", label=a, lw=1.6)
    ax.set_yticks(range(c.top + 1), c.rung_labels, fontsize=7)
    ax.set_ylim(-0.3, c.top + 0.3)
    ax.set_xlabel("turn")
    ax.set_xlim(0, max(turns[-1], 1))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(alpha=0.3)
    if shown:
        ax.legend(fontsize=7, ncol=2, loc="upper left", frameon=False)
    ax.set_title("Escalation timeline: each actor's highest rung", fontsize=9)
    return fig


def distribution(result: dict[str, Any], highlight: str | None = None) -> Figure:
    """Outcome shares with 95% intervals: baseline against changed parameters (what-if), or one
    distribution with the game's own outcome marked (after-action review)."""
    groups = [(k, result[k]) for k in ("baseline", "changed", "distribution") if k in result]
    names = list(groups[0][1])
    fig = Figure(figsize=(7.0, 0.45 * len(names) + 1.2), layout="constrained")
    ax = fig.subplots()
    height = 0.8 / len(groups)
    y = np.arange(len(names))
    for g, (label, dist) in enumerate(groups):
        share = np.array([dist[n]["share"] for n in names])
        lo = np.array([dist[n]["lo"] for n in names])
        hi = np.array([dist[n]["hi"] for n in names])
        ax.barh(
            y + g * height,
            share,
            height,
            xerr=[share - lo, hi - share],
            label={"distribution": "simulated games"}.get(label, label),
            capsize=2,
        )
    labels = [f"{n}  (your game)" if n == highlight else n for n in names]
    ax.set_yticks(y + height * (len(groups) - 1) / 2, labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("share of simulated games")
    ax.legend(fontsize=8, frameon=False)
    return fig
