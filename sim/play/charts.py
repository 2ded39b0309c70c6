"""Figures for the facilitator's page: the alliance network, the escalation timeline, what-if bars.

Drawn on ``matplotlib.figure.Figure`` objects (no pyplot state), so several browser sessions can draw
at once from their own threads.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.cm import ScalarMappable
from matplotlib.colors import LinearSegmentedColormap, Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from sim.play.game import Game
from sim.scenario.schema import SUPPORT_LEVELS

RUNG_COLOURS = LinearSegmentedColormap.from_list(
    "rungs", ["#4c9a2a", "#e8c547", "#d9531e", "#7a0019"]
)


def _layout(actors: list[str]) -> dict[str, np.ndarray]:
    """Actors on a circle in the scenario's order (so the same actor is always in the same place)."""
    angles = np.pi / 2 - 2 * np.pi * np.arange(len(actors)) / max(len(actors), 1)
    return {a: np.array([np.cos(t), np.sin(t)]) for a, t in zip(actors, angles, strict=True)}


def network(game: Game, frame: dict[str, Any] | None = None) -> Figure:
    """Actors on a circle coloured by their highest rung; an arrow for every rung above cooperation
    toward a rival (colour and width by rung); treaty commitments as lines, dotted while not
    triggered, solid blue once triggered (wider for more support)."""
    c = game.c
    frame = frame or game.frames[-1]
    top = max(c.top, 1)
    rung_of = game.actor_rungs(frame)
    pos = _layout(list(c.actors))
    fig = Figure(figsize=(7.5, 6.2), layout="constrained")
    ax = fig.subplots()
    ax.set_axis_off()
    ax.set_aspect("equal")
    _commitment_lines(ax, pos, frame["commitments"])
    _rung_arrows(ax, pos, game, frame["rungs"], top)
    for a in c.actors:
        x, y = pos[a]
        ax.scatter([x], [y], s=380, color=RUNG_COLOURS(rung_of[a] / top), ec="#222", zorder=3)
        ax.text(1.2 * x, 1.2 * y, a, ha="center", va="center", fontsize=8, weight="bold")
    ax.set_xlim(-1.45, 1.45)
    ax.set_ylim(-1.35, 1.35)
    ax.set_title(f"Turn {frame['turn']}", fontsize=9)
    ax.legend(
        handles=[
            Line2D([], [], ls=":", color="#95a5a6", label="commitment, not triggered"),
            Line2D([], [], color="#1f5f99", lw=2.5, label="commitment triggered"),
        ],
        fontsize=7,
        loc="lower left",
        bbox_to_anchor=(-0.02, -0.04),
        frameon=False,
    )
    bar = fig.colorbar(
        ScalarMappable(Normalize(-0.5, top + 0.5), RUNG_COLOURS), ax=ax, shrink=0.7, pad=0.01
    )
    bar.set_ticks(range(top + 1), labels=c.rung_labels, fontsize=7)
    bar.set_label("rung (actor: highest; arrow: toward that rival)", fontsize=7)
    return fig


def _commitment_lines(ax: Any, pos: dict[str, np.ndarray], commitments: list[dict]) -> None:
    """One line per treaty pair (both directions drawn once, the stronger state wins): dotted
    grey while not triggered, solid blue once triggered, wider for more support."""
    pairs: dict[frozenset[str], dict[str, Any]] = {}
    for k in commitments:
        pair = frozenset((k["guarantor"], k["protects"]))
        rank = (k["triggered"], SUPPORT_LEVELS.index(k["support"]))
        if pair not in pairs or rank > pairs[pair]["rank"]:
            pairs[pair] = {**k, "rank": rank}
    for k in pairs.values():
        (x0, y0), (x1, y1) = pos[k["guarantor"]], pos[k["protects"]]
        if k["triggered"]:
            level = SUPPORT_LEVELS.index(k["support"]) / (len(SUPPORT_LEVELS) - 1)
            ax.plot([x0, x1], [y0, y1], "-", color="#1f5f99", lw=1.2 + 3 * level, zorder=1)
        else:
            ax.plot([x0, x1], [y0, y1], ":", color="#95a5a6", lw=1.0, zorder=1)


def _rung_arrows(
    ax: Any, pos: dict[str, np.ndarray], game: Game, rungs: list[dict], top: int
) -> None:
    """An arrow for every rung above cooperation toward a rival, coloured and widened by rung
    (lowest drawn first, so the highest lie on top)."""
    c = game.c
    for r in sorted(rungs, key=lambda r: c.rung_index(r["rung"])):
        level = c.rung_index(r["rung"])
        if level == 0:
            continue
        ax.annotate(
            "",
            xy=tuple(pos[r["toward"]]),
            xytext=tuple(pos[r["actor"]]),
            arrowprops={
                "arrowstyle": "-|>",
                "color": RUNG_COLOURS(level / top),
                "lw": 0.6 + 2.4 * level / top,
                "shrinkA": 11,
                "shrinkB": 11,
                "connectionstyle": "arc3,rad=0.15",
            },
            zorder=2,
        )


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
    x = [*turns, turns[-1] + 1]  # each rung held from its turn until the next
    for i, a in enumerate(shown):
        jitter = (i - len(shown) / 2) * 0.03
        y = np.array([*series[a], series[a][-1]]) + jitter
        ax.step(x, y, where="post", label=a, lw=1.6)
    ax.set_yticks(range(c.top + 1), c.rung_labels, fontsize=7)
    ax.set_ylim(-0.3, c.top + 0.3)
    ax.set_xlabel("turn")
    ax.set_xlim(0, turns[-1] + 1)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(alpha=0.3)
    if shown:
        ax.legend(fontsize=7, ncol=2, loc="upper left", frameon=False)
    ax.set_title("Escalation timeline: each actor's highest rung", fontsize=9)
    return fig


def distribution(result: dict[str, Any], highlight: str | None = None) -> Figure:
    """Outcome shares with 95% intervals (``summarise(...)["outcomes"]``): baseline against changed
    parameters (what-if), or one distribution with the game's own outcome marked (the review)."""
    groups = [(k, result[k]) for k in ("baseline", "changed", "distribution") if k in result]
    names = list(groups[0][1])
    fig = Figure(figsize=(7.0, 0.45 * len(names) + 1.2), layout="constrained")
    ax = fig.subplots()
    height = 0.8 / len(groups)
    y = np.arange(len(names))
    for g, (label, dist) in enumerate(groups):
        share = np.array([dist[n]["share"] for n in names])
        lo = np.array([dist[n]["ci95"][0] for n in names])
        hi = np.array([dist[n]["ci95"][1] for n in names])
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
