"""Generated docs are current, and the documented examples work."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from helpers import ROOT

import sim
from sim.model import WargameModel
from sim.scenario.docs import render
from sim.scenario.jsonschema import schema_text

DOCS = ROOT / "docs"


def test_scenario_format_doc_is_generated_from_the_current_models() -> None:
    assert (DOCS / "scenario-format.md").read_text(encoding="utf-8") == render(DOCS), (
        "docs/scenario-format.md is stale: run `wargame docs`"
    )


def test_committed_json_schema_is_current() -> None:
    assert (DOCS / "scenario.schema.json").read_text(encoding="utf-8") == schema_text(), (
        "docs/scenario.schema.json is stale: run `wargame docs`"
    )


def test_every_schema_field_is_documented() -> None:
    text = (DOCS / "scenario-format.md").read_text(encoding="utf-8")
    for field in ("credibility", "basing_access", "survival_threshold", "audience_cost", "calm"):
        assert f"`{field}`" in text


def test_walkthrough_example_loads_and_runs(tmp_path: Path) -> None:
    text = (DOCS / "scenario-walkthrough.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(.*?)```", text, re.S).group(1)
    shutil.copytree(ROOT / "scenarios" / "library", tmp_path / "library")
    path = tmp_path / "example.yaml"
    path.write_text(example, encoding="utf-8")
    scenario = sim.load_scenario(path)
    assert scenario.cast == ["China", "Japan", "US"]
    model = WargameModel(scenario, R=200, rng=1)
    model.run()
    shares = model.outcome_shares()
    assert set(shares) == {"article5_war", "seized_alone", "standoff"}
    assert abs(sum(shares.values()) - 1) < 1e-9
