"""The history deck (scenarios/history/): real crises that `wargame backtest` scores the engine on.

Every case must validate, carry a source for every fact of its `history:` block, stay clear of the
five crises reserved for an independent check, and run. These are the promises docs/validation.md
makes about the deck.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml
from helpers import ROOT

import sim
from sim.cli import main
from sim.scenario.history import ENDINGS, FACT_FIELDS, VIOLENCE

DECK = ROOT / "scenarios" / "history"
CASES = sorted(DECK.glob("*.yaml"))

# The independent check set (issue 12): these crises must stay out of the deck and out of tuning.
# Each: words that name it, its ICB crisis number if ICB has it, and its first day.
RESERVED = {
    "Hainan Island EP-3 incident (2001)": (("hainan", "ep-3", "ep3"), None, dt.date(2001, 4, 1)),
    "Yeonpyeong shelling (2010)": (("yeonpyeong",), 462, dt.date(2010, 11, 23)),
    "Scarborough Shoal standoff (2012)": (("scarborough",), 467, dt.date(2012, 4, 10)),
    "Zhenbao/Damansky clashes (1969)": (
        ("zhenbao", "damansky", "ussuri"),
        231,
        dt.date(1969, 3, 2),
    ),
    "Doklam standoff (2017)": (("doklam", "donglang"), None, dt.date(2017, 6, 16)),
    # Too entangled with Yeonpyeong to use (same year, same adversaries, same sea).
    "Cheonan sinking (2010)": (("cheonan",), 461, dt.date(2010, 3, 26)),
}


@functools.cache
def load(path: Path) -> sim.Scenario:
    """A deck case, loaded once per test session (loading resolves the library includes)."""
    return sim.load_scenario(path)


def reserved_hits(s: sim.Scenario) -> list[str]:
    """The reserved crises a scenario names, shares an ICB number with, or starts within 10 days of."""
    h = s.history
    assert h is not None
    text = " ".join(
        [s.name, s.title or "", s.description, s.briefing, h.case, h.summary, *h.datasets.other]
    ).lower()
    hits = []
    for label, (words, icb, first_day) in RESERVED.items():
        named = any(w in text for w in words)
        same_icb = icb is not None and h.datasets.icb == icb
        same_time = abs((h.start - first_day).days) <= 10
        if named or same_icb or same_time:
            hits.append(label)
    return hits


def test_the_deck_has_enough_cases_across_violence_and_endings() -> None:
    assert len(CASES) >= 14, [c.name for c in CASES]
    histories = [load(c).history for c in CASES]
    assert all(h is not None for h in histories), "a deck case without a history: block"
    violence = {h.peak_violence for h in histories}
    # Every ICB violence class (the deck has no nuclear case: none happened).
    assert set(VIOLENCE[:4]) <= violence, violence
    endings = {h.ending for h in histories}
    assert len(endings) >= 4 and endings <= set(ENDINGS), endings


def test_every_case_validates_with_the_cli(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", *map(str, CASES)]) == 0, capsys.readouterr().err


def test_every_case_matches_the_editor_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    validator = jsonschema.Draft202012Validator(json.loads(capsys.readouterr().out))
    for path in CASES:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert [e.message for e in validator.iter_errors(data)] == [], path.name


@pytest.mark.parametrize("path", CASES, ids=[c.stem for c in CASES])
def test_every_history_fact_has_a_source_and_names_cast_actors(path: Path) -> None:
    s = load(path)
    h = s.history
    assert h is not None
    facts = (
        [*FACT_FIELDS, "datasets", "force_pairs"] if h.force_pairs else [*FACT_FIELDS, "datasets"]
    )
    for field in facts:
        assert [x for x in h.sources.get(field, []) if x.strip()], (
            f"{path.name}: no source for {field}"
        )
    assert h.duration_days == (h.end - h.start).days, path.name
    assert s.turns.days, f"{path.name}: turns.days is needed to turn end turns into days"
    named = {*h.used_force, *(a for p in h.force_pairs for a in p)}
    named |= {n for d in h.allies for n in (d.ally, d.partner)}
    assert named <= set(s.actors), named - set(s.actors)
    assert {a for p in h.force_pairs for a in p[:1]} <= set(h.used_force), path.name
    assert h.summary.strip(), path.name


@pytest.mark.parametrize("path", CASES, ids=[c.stem for c in CASES])
def test_no_case_is_a_reserved_crisis(path: Path) -> None:
    assert reserved_hits(load(path)) == []


def _copy_tree(tmp_path: Path) -> Path:
    """A scenario tree (library + history) to mutate a deck case in."""
    tree = tmp_path / "scenarios"
    shutil.copytree(ROOT / "scenarios" / "library", tree / "library")
    (tree / "history").mkdir()
    return tree / "history"


def test_a_fact_without_a_source_is_refused(tmp_path: Path) -> None:
    case = DECK / "taiwan_strait_1958.yaml"
    text = case.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.strip().startswith("peak_violence: ["))
    bad = _copy_tree(tmp_path) / case.name
    bad.write_text(text.replace(line + "\n", ""), encoding="utf-8")
    with pytest.raises(sim.ScenarioError) as info:
        sim.load_scenario(bad)
    (problem,) = info.value.problems
    assert problem.path == "history" and "no source for: peak_violence" in problem.message


def test_a_history_naming_an_actor_outside_the_cast_is_refused(tmp_path: Path) -> None:
    case = DECK / "taiwan_strait_1958.yaml"
    text = case.read_text(encoding="utf-8").replace("ally: USSR1958", "ally: USSR1985")
    bad = _copy_tree(tmp_path) / case.name
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(sim.ScenarioError) as info:
        sim.load_scenario(bad)
    (problem,) = info.value.problems
    assert problem.path == "history.allies.1.ally"
    assert problem.message == "unknown actor 'USSR1985' (did you mean 'USSR1958'?)"


def test_the_reserved_check_catches_a_reserved_crisis(tmp_path: Path) -> None:
    case = DECK / "taiwan_strait_1958.yaml"
    text = case.read_text(encoding="utf-8")
    tree = _copy_tree(tmp_path)
    renamed = tree / "renamed.yaml"
    renamed.write_text(text.replace("case: Second Taiwan Strait", "case: Scarborough"), "utf-8")
    assert reserved_hits(sim.load_scenario(renamed)) == ["Scarborough Shoal standoff (2012)"]
    redated = tree / "redated.yaml"
    moved = text.replace('start: "1958-07-17"', 'start: "2010-11-20"').replace(
        'end: "1958-10-23"', 'end: "2011-02-26"'
    )
    redated.write_text(moved, "utf-8")
    assert reserved_hits(sim.load_scenario(redated)) == ["Yeonpyeong shelling (2010)"]


@pytest.mark.parametrize("path", CASES, ids=[c.stem for c in CASES])
def test_every_case_runs(path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "run"
    argv = ["run", str(path), "--runs", "20", "--workers", "1", "--quiet", "--out", str(out)]
    assert main(argv) == 0, capsys.readouterr().err
    assert (out / "outcomes.parquet").is_file()
