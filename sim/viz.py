"""Mesa's ``SolaraViz`` at R = 1: step one world and watch rungs and the explained timeline.

Needs the ``viz`` extra (``pip install -e ".[viz]"``). Serve it with ``wargame viz SCENARIO``; in a
notebook, ``sim.viz.page(scenario)`` returns the component to display.
"""

from __future__ import annotations

import os
from typing import Any

import solara
from mesa.visualization import SolaraViz, make_plot_component

from sim.model import WargameModel
from sim.rules.explain import timeline


def rung_table(model: WargameModel) -> str:
    """Markdown table of every rung above cooperation in world 0."""
    c = model.c
    rows = ["| actor | toward | rung |", "|---|---|---|"]
    for d in range(len(c.src)):
        r = int(model.rung[0, d])
        if r > 0:
            rows.append(f"| {c.actors[c.src[d]]} | {c.actors[c.dst[d]]} | {c.rung_labels[r]} |")
    return "\n".join(rows) if len(rows) > 2 else "_All actors at cooperation._"


@solara.component
def Rungs(model: WargameModel) -> None:
    """Current rungs of world 0."""
    solara.Markdown(rung_table(model))


@solara.component
def Timeline(model: WargameModel) -> None:
    """The last events of world 0's explained timeline."""
    text = timeline(model.log[-60:]) or "(no events yet)"
    solara.Markdown(f"Turn {model.turn}\n\n```\n{text}\n```")


def page(scenario: str | os.PathLike[str], seed: int = 0) -> Any:
    """A ``SolaraViz`` component for one world of ``scenario``."""
    model = WargameModel(scenario, R=1, rng=seed)
    return SolaraViz(
        model,
        components=[make_plot_component("max_rung"), Rungs, Timeline],
        model_params={"scenario": str(scenario), "rng": seed},
        name=f"alliance-wargame: {model.c.scenario.title or model.c.scenario.name}",
    )
