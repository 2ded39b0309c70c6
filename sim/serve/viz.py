"""Mesa's ``SolaraViz`` at R = 1: step one world and watch rungs and the explained timeline.

Needs the ``viz`` extra (``pip install -e ".[viz]"``). Serve it with ``wargame viz SCENARIO``; in a
notebook, ``sim.serve.viz.page(scenario)`` (or ``sim.viz.page``) returns the component to display.
"""

from __future__ import annotations

import os
from typing import Any

import solara
from mesa.visualization import SolaraViz, make_plot_component

from sim.model import WargameModel
from sim.rules.explain import timeline
from sim.serve.literal import Table, Text


def rung_rows(model: WargameModel) -> list[list[str]]:
    """Actor, rival and rung label of every rung above cooperation in world 0."""
    c = model.c
    return [
        [c.actors[c.src[d]], c.actors[c.dst[d]], c.rung_labels[int(model.rung[0, d])]]
        for d in range(len(c.src))
        if int(model.rung[0, d]) > 0
    ]


@solara.component
def Rungs(model: WargameModel) -> None:
    """Current rungs of world 0 (scenario names shown literally, never as Markdown/HTML)."""
    rows = rung_rows(model)
    if rows:
        Table(["actor", "toward", "rung"], rows)
    else:
        Text("All actors at cooperation.")


@solara.component
def Timeline(model: WargameModel) -> None:
    """The last events of world 0's explained timeline."""
    Text(f"Turn {model.turn}", tag="p")
    Text(timeline(model.log[-60:]) or "(no events yet)", tag="pre")


def page(scenario: str | os.PathLike[str], seed: int = 0) -> Any:
    """A ``SolaraViz`` component for one world of ``scenario``."""
    model = WargameModel(scenario, R=1, rng=seed)
    return SolaraViz(
        model,
        components=[make_plot_component("max_rung"), Rungs, Timeline],
        model_params={"scenario": str(scenario), "rng": seed},
        name=f"alliance-wargame: {model.c.scenario.title or model.c.scenario.name}",
    )
