"""Malformed scenario files: every problem is reported with its file, line, field path and message.

Each bad file lives in tests/fixtures/scenarios_bad/. Tests load it with the fixture folder as the
working directory so the file shown in problems is just the file name, as a user would see it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import FIXTURES

import sim

BAD = FIXTURES / "scenarios_bad"
TINY = (FIXTURES / "scenarios_ok" / "tiny.yaml").read_text(encoding="utf-8")


def problems_of(name: str) -> list[sim.Problem]:
    """Load ``name`` (relative to the current directory) and return the problems it raises."""
    with pytest.raises(sim.ScenarioError) as info:
        sim.load_scenario(name)
    return info.value.problems


def text_problems(text: str | bytes, **kwargs) -> list[sim.Problem]:
    with pytest.raises(sim.ScenarioError) as info:
        sim.load_scenario_text(text, **kwargs)
    return info.value.problems


def assert_problems(problems: list[sim.Problem], expected: list[tuple[str, int, str, str]]) -> None:
    """``expected`` is (file, line, field path, message fragment) per problem, in reported order."""
    shown = "\n".join(str(p) for p in problems)
    assert [(p.file, p.line, p.path) for p in problems] == [e[:3] for e in expected], shown
    for p, (_, _, _, fragment) in zip(problems, expected, strict=True):
        assert fragment in p.message, shown
        prefix = f"{p.file}:{p.line}:{p.col}: " + (f"{p.path}: " if p.path else "")
        assert str(p) == prefix + p.message


@pytest.fixture
def in_bad(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(BAD)
    return BAD


# Fixture file -> every problem it must report, in order: (line, field path, message fragment).
# The file shown is the fixture's own name; the count must match exactly.
CASES: dict[str, list[tuple[int, str, str]]] = {
    "unknown_keys.yaml": [
        (6, "actors.Japan.capabilty", "unknown field 'capabilty' (did you mean 'capability'?)"),
        (12, "relations.sino_japanese.credibilty", "(did you mean 'credibility'?)"),
        (15, "injets", "unknown field 'injets' (did you mean 'injects'?)"),
    ],
    "wrong_types.yaml": [
        (5, "actors.Japan.resolve", "valid number"),
        (6, "actors.Japan.capability", "valid dictionary"),
        (9, "turns.limit", "valid integer"),
    ],
    "out_of_range.yaml": [
        (5, "actors.Japan.resolve", "greater than or equal to 0"),
        (12, "relations.us_japan.credibility", "less than or equal to 1"),
        (
            16,
            "relations.china_partner.credibility",
            "values must lie in [0.0, 1.0]; this one reaches [0.5, 1.2]",
        ),
    ],
    "unknown_actors.yaml": [
        (10, "relations.rivals.members.1", "unknown actor 'Jpan' (did you mean 'Japan'?)"),
        (14, "relations.senkaku.claimants.0", "unknown actor 'Chna' (did you mean 'China'?)"),
        (17, "initial.China.Japn", "unknown actor 'Japn' (did you mean 'Japan'?)"),
        (22, "injects.incursion.effects.0.actor", "unknown actor 'Chian' (did you mean 'China'?)"),
        (26, "outcomes.war.when.peak.toward", "unknown actor 'Atlantis'"),
        (29, "outcomes.us_in.when.support.actor", "unknown actor 'UK'"),
    ],
    "duplicate_actor_key.yaml": [
        (6, "actors", "duplicate key 'Japan'"),
    ],
    "several_problems.yaml": [
        (2, "name", "String should match pattern"),
        (5, "actors.Japan.resolve", "less than or equal to 1"),
        (7, "actors.Japan.capability.maritme", "(did you mean 'maritime'?)"),
        (9, "actors.China.risk_tolerance", "valid number"),
        (11, "relations.rivals.intensity", "less than or equal to 1"),
        (13, "injects.blockade.turn", "greater than or equal to 1"),
        (13, "injects.blockade.effects", "at least 1 item"),
    ],
    "several_references.yaml": [
        (11, "relations.us_japan.covers.0", "unknown place or dispute 'senkaku'"),
        (14, "initial.China.Japan", "unknown rung 'grey_zoen' (did you mean 'grey_zone'?)"),
        (
            18,
            "injects.landing.effects.0.to",
            "unknown rung 'limited_strike' (did you mean 'limited_strikes'?)",
        ),
        (
            20,
            "outcomes.honoured.when.honoured",
            "unknown alliance 'us_japn' (did you mean 'us_japan'?)",
        ),
    ],
    "syntax_error.yaml": [(4, "", "YAML syntax error")],
    "not_utf8.yaml": [(2, "", "not UTF-8 text (byte 0xe9)")],
    "utf16.yaml": [(1, "", "not UTF-8 text (byte 0xff)")],
    "empty.yaml": [(1, "", "file is empty")],
    "only_comments.yaml": [(1, "", "file is empty")],
    "top_level_list.yaml": [(1, "", "expected a mapping of fields at the top level")],
    "yaml_tags.yaml": [
        (3, "title", "python/object/apply:os.system' is not allowed"),
        (4, "description", "python/name:os.system' is not allowed"),
        (5, "briefing", "YAML tag '!foo' is not allowed"),
    ],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_file_reports_every_problem_located(in_bad: Path, name: str) -> None:
    assert_problems(problems_of(name), [(name, *case) for case in CASES[name]])


def test_every_bad_fixture_fails_to_load(in_bad: Path) -> None:
    names = sorted(p.name for p in BAD.glob("*.yaml"))
    assert len(names) >= len(CASES)
    for name in names:
        problems = problems_of(name)
        assert problems, name
        assert all(p.line >= 1 and p.col >= 1 for p in problems), name


def test_problems_are_sorted_in_file_order(in_bad: Path) -> None:
    problems = problems_of("several_problems.yaml")
    assert [(p.line, p.col) for p in problems] == sorted((p.line, p.col) for p in problems)


def test_error_message_joins_one_line_per_problem(in_bad: Path) -> None:
    with pytest.raises(sim.ScenarioError) as info:
        sim.load_scenario("wrong_types.yaml")
    lines = str(info.value).splitlines()
    assert lines == [str(p) for p in info.value.problems]
    assert lines[0].startswith("wrong_types.yaml:5:")
    assert isinstance(info.value, sim.WargameError)


# --- 1. unknown keys ------------------------------------------------------------------------------


def test_unknown_key_without_close_match_has_no_suggestion() -> None:
    text = TINY.replace("US: {nuclear: true,", "US: {zzqqxx: 1, nuclear: true,")
    (p,) = text_problems(text)
    assert p.path == "actors.US.zzqqxx"
    assert p.message == "unknown field 'zzqqxx'"


def test_unknown_key_with_block_value_is_located_at_the_key() -> None:
    text = "name: t\nactors:\n  Japan:\n    capabilty:\n      maritime: 0.5\noutcomes: {calm: {}}\n"
    (p,) = text_problems(text)
    assert (p.line, p.path) == (4, "actors.Japan.capabilty")


# --- 3. out-of-range probabilities ----------------------------------------------------------------


def test_negative_beta_parameter_is_located_at_the_parameter(in_bad: Path) -> None:
    problems = problems_of("negative_beta.yaml")
    located = [p for p in problems if p.path == "relations.us_japan.credibility.a"]
    assert len(located) == 1
    assert located[0].line == 12
    assert "greater than 0" in located[0].message


def test_negative_beta_parameter_is_the_only_problem(in_bad: Path) -> None:
    assert_problems(
        problems_of("negative_beta.yaml"),
        [("negative_beta.yaml", 12, "relations.us_japan.credibility.a", "greater than 0")],
    )


CRED = "credibility: {dist: beta, a: 8, b: 2}"


@pytest.mark.parametrize(
    "value",
    [
        "-0.01",
        "1.0001",
        ".inf",
        ".nan",
        "{dist: uniform, low: -0.1, high: 0.5}",
        "{dist: normal, mean: 0.5, sd: 0.2}",
        "{dist: triangular, low: 0.2, mode: 0.5, high: 1.5}",
        "{dist: choice, values: [0.2, 1.2]}",
        "{dist: fixed, value: 2}",
        "{dist: uniform, low: 0.8, high: 0.2}",
    ],
)
def test_probability_outside_unit_interval_is_refused(value: str) -> None:
    (p,) = text_problems(TINY.replace(CRED, f"credibility: {value}"), name="tiny.yaml")
    assert (p.file, p.line) == ("tiny.yaml", 8)
    assert p.path.startswith("relations.us_japan.credibility")


@pytest.mark.parametrize(
    "value",
    [
        "0",
        "1",
        "0.35",
        "{dist: uniform, low: 0, high: 1}",
        "{dist: normal, mean: 0.5, sd: 0.1, low: 0, high: 1}",
        "{dist: triangular, low: 0.2, mode: 0.5, high: 0.9}",
        "{dist: choice, values: [0.2, 0.9], weights: [1, 3]}",
        "{dist: fixed, value: 0.7}",
    ],
)
def test_probability_inside_unit_interval_is_accepted(value: str) -> None:
    s = sim.load_scenario_text(TINY.replace(CRED, f"credibility: {value}"))
    assert s.relations["us_japan"].credibility is not None


@pytest.mark.parametrize(
    "value",
    [
        "{dist: fixed, value: .nan}",
        "{dist: normal, mean: .nan, sd: 0.1}",
        "{dist: uniform, low: .nan, high: .nan}",
        "{dist: choice, values: [.nan]}",
        "{dist: beta, a: .inf, b: 1}",
        "{dist: choice, values: [0.5], weights: [.inf]}",
    ],
)
def test_non_finite_distribution_parameters_are_refused(value: str) -> None:
    text_problems(TINY.replace(CRED, f"credibility: {value}"))


# --- 5. duplicates --------------------------------------------------------------------------------


def test_duplicate_members_and_rung_names_are_both_reported(in_bad: Path) -> None:
    problems = problems_of("duplicate_names.yaml")
    shown = "\n".join(map(str, problems))
    assert len(problems) == 2, shown
    ladder, members = problems
    assert ladder.path.startswith("ladder") and ladder.message == "duplicate rung names: protest"
    assert members.path.startswith("relations.us_japan")
    assert members.message == "members listed twice: US"
    assert 3 <= ladder.line <= 8 and 13 <= members.line <= 15, shown


def test_duplicate_members_and_rung_names_point_at_the_duplicate(in_bad: Path) -> None:
    problems = problems_of("duplicate_names.yaml")
    assert [(p.line, p.path) for p in problems] == [
        (8, "ladder.rungs.3.name"),
        (15, "relations.us_japan.members"),
    ]


def test_duplicate_keys_are_refused_at_any_depth() -> None:
    text = TINY.replace("capability: {maritime: 0.5}", "capability: {maritime: 0.5, maritime: 0.6}")
    (p,) = text_problems(text)
    assert (p.line, p.path, p.message) == (4, "actors.Japan.capability", "duplicate key 'maritime'")


def test_duplicate_top_level_key_is_refused() -> None:
    (p,) = text_problems(TINY + "name: again\n")
    assert (p.line, p.path, p.message) == (15, "", "duplicate key 'name'")


def test_duplicate_actor_in_cast_is_reported() -> None:
    problems = text_problems(TINY + "cast: [China, Japan, US, China]\n")
    assert [(p.line, p.path) for p in problems] == [(15, "cast")]
    assert "listed twice: China" in problems[0].message


# --- 7. YAML-level problems -----------------------------------------------------------------------


def test_non_utf8_bytes_are_refused_with_their_position() -> None:
    (p,) = text_problems(b"\xff\xfe")
    assert (p.line, p.col, p.path) == (1, 1, "")
    assert "not UTF-8" in p.message


def test_utf16_file_is_refused_not_misread() -> None:
    (p,) = text_problems(TINY.encode("utf-16"))
    assert "not UTF-8" in p.message


def test_utf8_byte_order_mark_is_accepted() -> None:
    assert sim.load_scenario_text("\ufeff" + TINY).name == "tiny"
    assert sim.load_scenario_text(("\ufeff" + TINY).encode("utf-8")).name == "tiny"


@pytest.mark.parametrize("text", ["", "   \n\n", "# only a comment\n", "---\n", "~\n"])
def test_empty_documents_are_refused(text: str) -> None:
    (p,) = text_problems(text)
    assert p.line == 1
    assert "empty" in p.message or "mapping" in p.message


@pytest.mark.parametrize("text", ["- a\n- b\n", "just a string\n", "42\n", "[name, tiny]\n"])
def test_top_level_must_be_a_mapping(text: str) -> None:
    (p,) = text_problems(text)
    assert (p.line, p.path, p.message) == (1, "", "expected a mapping of fields at the top level")


def test_yaml_syntax_error_reports_the_line() -> None:
    text = "name: x\nactors:\n  Japan: {nuclear: false\n  China: {}\n"
    (p,) = text_problems(text)
    assert p.line == 4
    assert p.message.startswith("YAML syntax error")


def test_tab_indentation_is_a_located_syntax_error() -> None:
    (p,) = text_problems("name: x\nactors:\n\tJapan: {}\n")
    assert p.line == 3
    assert "YAML syntax error" in p.message


def test_several_documents_in_one_file_are_refused() -> None:
    (p,) = text_problems(TINY + "---\nname: second\n")
    assert p.line == 16
    assert "several" in p.message


def test_merge_keys_are_refused() -> None:
    text = TINY + "rules: {<<: {temperature: 0.5}}\n"
    (p,) = text_problems(text)
    assert p.line == 15
    assert "merge keys" in p.message


def test_aliases_are_refused_even_to_plain_values() -> None:
    text = TINY.replace("name: tiny", "name: &n tiny") + "title: *n\n"
    (p,) = text_problems(text)
    assert (p.line, p.col, p.path) == (15, 8, "title")
    assert p.message == "YAML aliases (*n) are not supported: write the value out"


def test_alias_of_a_long_mapping_is_one_problem_at_the_alias() -> None:
    body = "".join(f"  k{i}: {i}\n" for i in range(80))
    text = TINY + "extra: &big\n" + body + "rules: *big\n"
    (p,) = text_problems(text)
    assert (
        str(p) == "<text>:96:8: rules: YAML aliases (*big) are not supported: write the value out"
    )


def test_alias_used_as_a_key_or_in_a_list_is_refused_at_each_use() -> None:
    text = TINY + "cast: [&j Japan, *j, *j]\n*j : 1\n"
    problems = text_problems(text)
    assert [(p.line, p.col, p.path) for p in problems] == [
        (15, 18, "cast.1"),
        (15, 22, "cast.2"),
        (16, 1, ""),
    ]
    assert all("YAML aliases (*j)" in p.message for p in problems)


def test_text_source_name_is_used_in_problems() -> None:
    (p,) = text_problems(TINY.replace("resolve: 0.7", "resolve: 7"), name="inline.yaml")
    assert str(p).startswith("inline.yaml:5:")


def test_missing_file_is_a_problem_not_an_oserror(in_bad: Path) -> None:
    (p,) = problems_of("no_such_file.yaml")
    assert (p.file, p.line, p.message) == ("no_such_file.yaml", 1, "file not found")


def test_directory_is_a_problem_not_an_oserror(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "folder.yaml").mkdir()
    monkeypatch.chdir(tmp_path)
    (p,) = problems_of("folder.yaml")
    assert "directory" in p.message


# --- 8. YAML tags ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        '!!python/object/apply:os.system ["echo hi"]',
        "!!python/name:os.system",
        "!!python/object/new:os.system [echo hi]",
        "!!python/module:os",
        "!foo bar",
        "!foo {a: 1}",
        "!!binary aGk=",
        "!!set {a, b}",
    ],
)
def test_yaml_tags_are_refused_and_never_executed(
    value: str, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    calls: list[str] = []
    monkeypatch.setattr(os, "system", lambda cmd: calls.append(cmd) or 0)
    (p,) = text_problems(TINY + f"title: {value}\n")
    assert (p.line, p.path) == (15, "title")
    assert "is not allowed" in p.message
    assert calls == []
    assert "hi" not in capfd.readouterr().out


def test_tagged_file_on_disk_runs_nothing(in_bad: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(os, "system", lambda cmd: calls.append(cmd) or 0)
    assert len(problems_of("yaml_tags.yaml")) == 3
    assert calls == []


def test_explicit_core_tags_are_allowed() -> None:
    s = sim.load_scenario_text(TINY + "title: !!str 2024\n")
    assert s.title == "2024"


# --- 9. field problems and cross-references in one pass ------------------------------------------


def test_field_and_reference_problems_are_reported_together() -> None:
    text = TINY.replace("resolve: 0.7", "resolve: 7").replace("holder: Japan", "holder: Japn")
    problems = text_problems(text)
    assert [(p.line, p.path) for p in problems] == [
        (5, "actors.China.resolve"),
        (9, "relations.senkaku.holder"),
        (9, "relations.senkaku.stake.Japan"),
    ]
    problems = text_problems(TINY.replace("holder: Japan", "holder: Japn"))
    assert [(p.line, p.path, p.message) for p in problems] == [
        (9, "relations.senkaku.holder", "unknown actor 'Japn' (did you mean 'Japan'?)"),
        (9, "relations.senkaku.stake.Japan", "'Japan' is neither holder nor claimant"),
    ]


def test_missing_required_fields_are_reported() -> None:
    problems = text_problems("actors: {Japan: {}}\n")
    assert [(p.path, p.message) for p in problems] == [
        ("", "a scenario needs at least one outcome"),  # checked too, though `name` is missing
        ("name", "required field is missing"),
    ]


def test_scenario_without_actors_or_outcomes_is_refused() -> None:
    problems = text_problems("name: bare\n")
    messages = sorted(p.message for p in problems)
    assert len(problems) == 2
    assert "at least one actor" in messages[0]
    assert "at least one outcome" in messages[1]


def test_catch_all_outcome_must_be_last() -> None:
    text = TINY.replace("  calm: {}\n", "").replace("outcomes:\n", "outcomes:\n  calm: {}\n")
    (p,) = text_problems(text)
    assert (p.path, p.line) == ("outcomes.calm", 13)
    assert "only the last outcome" in p.message


# --- many problems: linear work, a capped report (issue 10, item 15) ----------------------------

SCENARIO_CODE = str(Path(sim.__file__).parent / "scenario")


class _TooMuchWork(Exception):
    pass


def _scenario_calls(text: str, budget: int) -> int:
    """Python function calls (generator resumptions included) made in sim/scenario/ while loading
    ``text``: a measure of work that does not depend on the machine's speed."""
    import sys
    import types

    calls = 0

    def count(frame: types.FrameType, event: str, arg: object) -> None:
        nonlocal calls
        if frame.f_code.co_filename.startswith(SCENARIO_CODE):
            calls += 1
            if calls > budget:
                raise _TooMuchWork
        return None

    before = sys.gettrace()
    sys.settrace(count)
    try:
        sim.load_scenario_text(text)
    except sim.ScenarioError:
        pass
    finally:
        sys.settrace(before)
    return calls


def _unknown_keys(n: int) -> str:
    return TINY + "rules: {" + ", ".join(f"unknown_{i}: 1" for i in range(n)) + "}\n"


def test_work_grows_linearly_with_the_number_of_problems() -> None:
    small = _scenario_calls(_unknown_keys(300), budget=10**7)
    try:
        large = _scenario_calls(_unknown_keys(3000), budget=30 * small)
    except _TooMuchWork:
        pytest.fail("10x the problems cost more than 30x the work (quadratic?)")
    assert large < 15 * small, (small, large)


def test_report_of_many_problems_is_capped_and_counts_the_rest(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from sim.cli import main

    path = tmp_path / "many.yaml"
    path.write_text(_unknown_keys(5000).replace("unknown_0:", "temperatur:"), encoding="utf-8")
    with pytest.raises(sim.ScenarioError) as info:
        sim.load_scenario(path)
    assert len(info.value.problems) == 5000  # the API keeps every problem
    assert main(["validate", str(path)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 51
    assert lines[-1] == "... and 4950 more errors"
    assert lines[0].endswith(
        "rules.temperatur: unknown field 'temperatur' (did you mean 'temperature'?)"
    )
    assert all(": unknown field 'unknown_" in ln for ln in lines[1:50])


# --- found by the mutation fuzzer (tests/scenario/test_scenario_mutants.py) --------------------------------


@pytest.mark.parametrize(("char", "col"), [("\x00", 10), ("\x1b", 10), ("\x7f", 10)])
def test_control_character_is_one_located_line(char: str, col: int) -> None:
    (p,) = text_problems(TINY + f"title: 'a{char}b'\n")
    assert str(p) == f"<text>:15:{col}: control character 0x{ord(char):02x} is not allowed in YAML"


def test_did_you_mean_never_suggests_the_same_word() -> None:
    text = TINY.replace("name: tiny", "name: tiny\nsources: [{reference: r, title: x}]")
    (p,) = text_problems(text)
    assert p.path == "sources.0.title"
    assert p.message == "unknown field 'title'"


def test_a_key_holding_a_newline_stays_on_one_line() -> None:
    (p,) = text_problems(TINY + '"a\\nb": 1\n')
    assert str(p) == "<text>:15:1: a\\nb: unknown field 'a\\nb'"
    assert "\n" not in str(p)
