"""``wargame validate`` knows sweep files, never suggests the same word, and reports every problem of
a file in one pass (issue 10, items 3 and 5)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import ROOT

import sim
from sim.cli import main

SWEEPS = sorted((ROOT / "scenarios" / "sweeps").glob("*.yaml"))
TINY = (ROOT / "tests" / "fixtures" / "scenarios_ok" / "tiny.yaml").read_text(encoding="utf-8")


def cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str], list[str]]:
    rc = main(args)
    captured = capsys.readouterr()
    return rc, captured.out.splitlines(), [ln for ln in captured.err.splitlines() if ln.strip()]


def text_problems(text: str, overrides=None) -> list[sim.Problem]:
    with pytest.raises(sim.ScenarioError) as info:
        sim.load_scenario_text(text, overrides)
    return info.value.problems


# --- item 3: sweep files --------------------------------------------------------------------------


def test_validate_recognises_the_shipped_sweep_files(capsys: pytest.CaptureFixture[str]) -> None:
    assert SWEEPS
    rc, out, err = cli(["validate", *map(str, SWEEPS)], capsys)
    assert (rc, err) == (0, [])
    assert len(out) == len(SWEEPS)
    assert all(": ok (sweep of ../taiwan_contingency.yaml:" in line for line in out)


def test_validate_reports_a_bad_sweep_file_as_a_sweep_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "sweep.yaml"
    scenario = ROOT / "tests" / "fixtures" / "sweeps" / "alliance.yaml"
    path.write_text(
        f"scenario: {scenario}\nparameters:\n  actors.Japan.resolv: {{low: 0, high: 1}}\nsed: 3\n"
    )
    rc, out, err = cli(["validate", str(path)], capsys)
    assert (rc, out) == (2, [])
    shown = [e.split(":", 1)[1] for e in err]
    assert shown == [
        "3:3: parameters.actors.Japan.resolv: unknown field 'resolv' (did you mean 'resolve'?)",
        "4:1: sed: unknown field 'sed' (did you mean 'seed'?)",
    ]


def test_sweep_field_names_are_not_suggested_for_a_sweep_file_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "sweep.yaml"
    scenario = ROOT / "tests" / "fixtures" / "sweeps" / "alliance.yaml"
    path.write_text(f"scenario: {scenario}\nparameters:\n  rules.inertia: {{lo: 0, high: 1}}\n")
    rc, _, err = cli(["validate", str(path)], capsys)
    assert rc == 2
    assert any("unknown field 'lo' (did you mean 'low'?)" in e for e in err), err


@pytest.mark.parametrize("word", ["seed", "quote", "members", "credibility", "limit", "dist"])
def test_did_you_mean_never_suggests_the_same_word(word: str) -> None:
    problems = text_problems(TINY + f"{word}: 1\n")
    (p,) = [p for p in problems if p.path == word]
    assert p.message.startswith(f"unknown field {word!r}")
    assert f"did you mean {word!r}" not in p.message


def test_did_you_mean_suggests_fields_allowed_at_that_place() -> None:
    (p,) = text_problems(TINY.replace("resolve: 0.7", "resolv: 0.7"))
    assert p.message == "unknown field 'resolv' (did you mean 'resolve'?)"
    (p,) = text_problems(TINY + "turns: {limt: 3}\n")
    assert p.message == "unknown field 'limt' (did you mean 'limit'?)"


# --- item 5: one pass ------------------------------------------------------------------------------


def test_bad_field_name_does_not_hide_reference_problems() -> None:
    text = TINY.replace("resolve: 0.7", "resolv: 0.7").replace("holder: Japan", "holder: Japn")
    text = text.replace("to: grey_zone", "to: grey_zoen")
    problems = text_problems(text)
    assert [(p.line, p.path) for p in problems] == [
        (5, "actors.China.resolv"),
        (9, "relations.senkaku.holder"),
        (9, "relations.senkaku.stake.Japan"),
        (11, "injects.incursion.effects.0.to"),
    ]
    assert "did you mean 'grey_zone'" in problems[-1].message


def test_entry_set_aside_does_not_cause_false_reference_problems() -> None:
    # China fails validation as a whole (a bad capability): references to China must not be
    # reported as unknown actors, but the misspelt rung elsewhere still is.
    text = TINY.replace("capability: {maritime: 0.8}", "capability: 7")
    text = text.replace("at_least: limited_strikes", "at_least: limited_strike")
    problems = text_problems(text)
    assert [(p.line, p.path) for p in problems] == [
        (5, "actors.China.capability"),
        (13, "outcomes.war.when.peak.at_least"),
    ]


def test_bad_override_cast_and_file_problems_are_reported_together() -> None:
    text = TINY.replace("resolve: 0.7", "resolve: 7") + "cast: [China, Japan, Korea]\n"
    problems = text_problems(text, ["actors.Japn.resolve=0.5"])
    assert [(p.file, p.line, p.path) for p in problems] == [
        ("--set", 1, "actors.Japn"),
        ("<text>", 5, "actors.China.resolve"),
        ("<text>", 15, "cast.2"),
    ]


def test_clash_with_a_library_entry_does_not_hide_other_problems(tmp_path: Path) -> None:
    (tmp_path / "library").mkdir()
    (tmp_path / "library" / "lib.yaml").write_text("actors: {Japan: {}, China: {}}\n")
    path = tmp_path / "s.yaml"
    path.write_text(
        "name: s\ninclude: [library/lib.yaml]\nactors:\n  Japan: {resolve: 0.2}\n"
        "initial: {China: {Japn: protest}}\noutcomes: {calm: {}}\n"
    )
    with pytest.raises(sim.ScenarioError) as info:
        sim.load_scenario(path)
    assert [(p.line, p.path) for p in info.value.problems] == [
        (4, "actors.Japan"),
        (5, "initial.China.Japn"),
    ]
