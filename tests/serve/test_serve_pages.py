"""The classroom pages rendered in-process (Solara's test renderer, no browser): a page that is open
while the facilitator starts another game redraws for the new game."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import ROOT

solara = pytest.importorskip("solara")
v = pytest.importorskip("ipyvuetify")

import sim.serve.host as serve_host  # noqa: E402
from sim.serve.host import GameHost  # noqa: E402

SENKAKU = str(ROOT / "scenarios" / "senkaku_grey_zone.yaml")


@pytest.fixture
def host(tmp_path: Path) -> Iterator[GameHost]:
    h = GameHost(SENKAKU, scenarios_dir=ROOT / "scenarios", games_dir=tmp_path, token="F")
    old, serve_host._current = serve_host._current, h
    yield h
    serve_host._current = old


def sliders(rc) -> list[str]:
    return [w.label for w in rc.find(v.Slider).widgets]


def test_the_facilitator_page_follows_a_new_game_that_changes_a_rules_type(
    host: GameHost,
) -> None:
    from sim.serve.facilitator import FacilitatorPage

    teams = {"blue": ["Japan"], "red": ["China"]}
    host.start("F", SENKAKU, teams, seed=1)  # temperature drawn per game: no slider for it
    _box, rc = solara.render(FacilitatorPage("F"), handle_error=False)
    try:
        assert not any(s.startswith("temperature") for s in sliders(rc))
        host.start("F", SENKAKU, teams, seed=1, overrides=["rules.temperature=0.05"])
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:  # the page redraws from its own thread
            if any(s.startswith("temperature (scenario: 0.05)") for s in sliders(rc)):
                break
            time.sleep(0.2)
        assert any(s.startswith("temperature (scenario: 0.05)") for s in sliders(rc)), sliders(rc)
    finally:
        rc.close()
