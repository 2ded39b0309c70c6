"""Mesa's SolaraViz drives the model at R = 1 (skipped without the viz extra)."""

from __future__ import annotations

import pytest
from helpers import ROOT

solara = pytest.importorskip("solara")
viz = pytest.importorskip("sim.serve.viz")

from sim.model import WargameModel  # noqa: E402

SCENARIO = ROOT / "scenarios" / "senkaku_grey_zone.yaml"


def _rendered_text(element: object) -> str:
    """Text of the rendered widgets (text nodes of HTML elements, templates)."""
    box, _ = solara.render(element, handle_error=False)

    def text(w: object) -> str:
        if isinstance(w, str):
            return w
        own = getattr(w, "template", "") or ""
        return own + " ".join(text(c) for c in getattr(w, "children", None) or [])

    return text(box)


def test_solaraviz_page_renders_with_the_model() -> None:
    box, _ = solara.render(viz.page(SCENARIO, seed=1), handle_error=False)
    assert box.children, "SolaraViz rendered nothing"


def test_timeline_component_shows_the_explained_turns() -> None:
    model = WargameModel(SCENARIO, R=1, rng=3)  # a world whose first turns hold a move
    for _ in range(3):
        model.step()
    assert any(e.kind == "move" for e in model.log)
    text = _rendered_text(viz.Timeline(model))
    assert "Turn 3" in text
    assert "toward" in text  # at least one explained move


def test_rung_component_lists_escalated_dyads() -> None:
    model = WargameModel(SCENARIO, R=1, rng=1)
    text = _rendered_text(viz.Rungs(model))
    assert "China" in text and "Japan" in text  # the scenario starts with China in the grey zone
