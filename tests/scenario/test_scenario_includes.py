"""Includes: library files merged underneath a scenario; cycles, escapes and missing files refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import FIXTURES

import sim

OK = FIXTURES / "scenarios_ok"
BAD = FIXTURES / "scenarios_bad"


def problems_of(name: str) -> list[sim.Problem]:
    with pytest.raises(sim.ScenarioError) as info:
        sim.load_scenario(name)
    return info.value.problems


def located(problems: list[sim.Problem]) -> list[tuple[str, int, str]]:
    return [(p.file, p.line, p.path) for p in problems]


@pytest.fixture
def in_bad(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(BAD)
    return BAD


@pytest.fixture
def in_ok(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(OK)
    return OK


# --- merging --------------------------------------------------------------------------------------


def test_included_files_are_merged_underneath(in_ok: Path) -> None:
    s = sim.load_scenario("uses_library.yaml")
    assert s.name == "uses_library"
    assert set(s.actors) == {"Japan", "China", "US"}
    assert set(s.relations) == {"us_japan", "senkaku"}
    assert list(s.outcomes) == ["war", "calm"]


def test_including_file_wins_and_merge_is_deep(in_ok: Path) -> None:
    s = sim.load_scenario("uses_library.yaml")
    japan = s.actors["Japan"]
    assert japan.resolve == 0.9  # the scenario's value
    assert japan.capability.maritime == 0.5  # kept from the library
    assert japan.capability.air == 0.4
    cred = s.relations["us_japan"].credibility
    assert (cred.dist, cred.a, cred.b) == ("beta", 8, 2)
    assert s.relations["us_japan"].protects == ["Japan"]  # kept from the library


def test_library_values_are_used_when_not_overridden(in_ok: Path) -> None:
    s = sim.load_scenario("nested/deep.yaml")
    assert s.actors["Japan"].resolve == 0.4
    assert s.relations["us_japan"].credibility == 0.6


def test_include_from_subfolder_into_tree_library(in_ok: Path) -> None:
    # nested/ has no library/ of its own: the tree root is scenarios_ok/, so ../library is inside.
    s = sim.load_scenario("nested/deep.yaml")
    assert s.name == "deep"


def test_diamond_includes_are_not_cycles(in_ok: Path) -> None:
    # relations.yaml and outcomes.yaml both include actors.yaml.
    s = sim.load_scenario("uses_library.yaml")
    assert s.actors["China"].resolve == 0.7


def test_later_include_wins_over_earlier(tmp_path: Path) -> None:
    (tmp_path / "library").mkdir()
    (tmp_path / "library" / "a.yaml").write_text(
        "actors: {Japan: {resolve: 0.1, nuclear: false}}\n"
    )
    (tmp_path / "library" / "b.yaml").write_text("actors: {Japan: {merge: true, resolve: 0.2}}\n")
    (tmp_path / "s.yaml").write_text(
        "name: s\ninclude: [library/a.yaml, library/b.yaml]\noutcomes: {calm: {}}\n"
    )
    s = sim.load_scenario(tmp_path / "s.yaml")
    assert s.actors["Japan"].resolve == 0.2


def test_loading_the_same_file_twice_gives_equal_scenarios(in_ok: Path) -> None:
    assert sim.load_scenario("uses_library.yaml") == sim.load_scenario("uses_library.yaml")


def test_include_needs_a_file_on_disk() -> None:
    with pytest.raises(sim.ScenarioError) as info:
        sim.load_scenario_text("name: t\ninclude: [library/actors.yaml]\n")
    (p,) = info.value.problems
    assert (p.line, p.path) == (2, "include")
    assert "file on disk" in p.message


# --- errors in included files ---------------------------------------------------------------------


def test_problem_in_included_file_is_located_there(in_bad: Path) -> None:
    problems = problems_of("include_child_error.yaml")
    assert located(problems) == [("partial_wrong_type.yaml", 4, "actors.Japan.nuclear")]
    assert "valid boolean" in problems[0].message


def test_include_must_be_a_list(in_bad: Path) -> None:
    (p,) = problems_of("include_not_list.yaml")
    assert (p.file, p.line, p.path) == ("include_not_list.yaml", 2, "include")
    assert p.message == "expected a list of file paths"


# --- cycles ---------------------------------------------------------------------------------------


def test_include_cycle_is_reported(in_bad: Path) -> None:
    (p,) = problems_of("include_cycle_a.yaml")
    assert (p.file, p.line, p.path) == ("include_cycle_b.yaml", 3, "include.0")
    assert p.message == (
        "include cycle: include_cycle_a.yaml -> include_cycle_b.yaml -> include_cycle_a.yaml"
    )


def test_include_cycle_is_reported_from_either_end(in_bad: Path) -> None:
    (p,) = problems_of("include_cycle_b.yaml")
    assert (p.file, p.line, p.path) == ("include_cycle_a.yaml", 3, "include.0")
    assert "include cycle" in p.message


def test_self_include_is_a_cycle(in_bad: Path) -> None:
    (p,) = problems_of("include_self.yaml")
    assert (p.file, p.line, p.path) == ("include_self.yaml", 1, "include.0")
    assert p.message == "include cycle: include_self.yaml -> include_self.yaml"


# --- leaving the tree, missing files --------------------------------------------------------------


def test_includes_leaving_the_tree_and_missing_files_are_all_reported(in_bad: Path) -> None:
    problems = problems_of("include_escape.yaml")
    assert located(problems) == [
        ("include_escape.yaml", 4, "include.0"),
        ("include_escape.yaml", 5, "include.1"),
        ("include_escape.yaml", 6, "include.2"),
        ("include_escape.yaml", 7, "include.3"),
    ]
    escape_relative, escape_absolute, escape_existing, missing = (p.message for p in problems)
    assert escape_relative.startswith("'../../etc/passwd' leaves the scenario tree")
    assert escape_absolute.startswith("'/etc/passwd' leaves the scenario tree")
    # Refused even though the file exists and is a valid scenario.
    assert escape_existing.startswith("'../scenarios_ok/tiny.yaml' leaves the scenario tree")
    assert missing == "included file 'library/nowhere.yaml' not found"


def test_escaping_include_is_never_read(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    (tree / "library").mkdir(parents=True)
    secret = tmp_path / "secret.yaml"
    secret.write_text("actors: {Spy: {}}\nname: secret\noutcomes: {calm: {}}\n")
    (tree / "s.yaml").write_text(f"name: s\ninclude: [../secret.yaml, {secret}]\n")
    with pytest.raises(sim.ScenarioError) as info:
        sim.load_scenario(tree / "s.yaml")
    assert [p.path for p in info.value.problems] == ["include.0", "include.1"]
    assert all("leaves the scenario tree" in p.message for p in info.value.problems)
    assert "Spy" not in str(info.value)


def test_library_file_cannot_reach_outside_its_tree(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    (tree / "library").mkdir(parents=True)
    (tmp_path / "outside.yaml").write_text("actors: {X: {}}\n")
    (tree / "library" / "lib.yaml").write_text("include: [../../outside.yaml]\n")
    (tree / "s.yaml").write_text("name: s\ninclude: [library/lib.yaml]\n")
    with pytest.raises(sim.ScenarioError) as info:
        sim.load_scenario(tree / "s.yaml")
    (p,) = info.value.problems
    assert p.file.endswith("lib.yaml")
    assert (p.line, p.path) == (1, "include.0")
    assert "leaves the scenario tree" in p.message


def test_missing_top_level_file() -> None:
    with pytest.raises(sim.ScenarioError) as info:
        sim.load_scenario(BAD / "does_not_exist.yaml")
    (p,) = info.value.problems
    assert p.message == "file not found"


# --- paths the OS refuses: one located line each, never a traceback (issue 10, item 14) ----------


def _tree(tmp_path: Path, include: str) -> Path:
    (tmp_path / "library").mkdir()
    (tmp_path / "a.yaml").symlink_to(tmp_path / "b.yaml")
    (tmp_path / "b.yaml").symlink_to(tmp_path / "a.yaml")
    scenario = tmp_path / "s.yaml"
    scenario.write_text(f"name: s\ninclude: [{include}]\n")
    return scenario


@pytest.mark.parametrize(
    ("include", "why"),
    [('"a.yaml"', "symlink loop"), ('"a\\0b.yaml"', "NUL byte"), ('"' + "x" * 5000 + '"', "long")],
)
def test_unusable_include_path_is_one_located_problem(
    tmp_path: Path, include: str, why: str
) -> None:
    with pytest.raises(sim.ScenarioError) as info:
        sim.load_scenario(_tree(tmp_path, include))
    (p,) = info.value.problems
    assert (p.line, p.col, p.path) == (2, 11, "include.0")
    assert why in p.message


@pytest.mark.parametrize(("name", "why"), [("a.yaml", "symlink loop"), ("a\0b.yaml", "NUL byte")])
def test_unusable_top_level_path_is_one_problem(tmp_path: Path, name: str, why: str) -> None:
    _tree(tmp_path, "[]")
    with pytest.raises(sim.ScenarioError) as info:
        sim.load_scenario(tmp_path / name)
    (p,) = info.value.problems
    assert why in p.message


def test_symlink_loop_include_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from helpers import one_line

    from sim.cli import main

    assert main(["validate", str(_tree(tmp_path, "a.yaml"))]) == 2
    assert one_line(capsys).endswith(
        "s.yaml:2:11: include.0: cannot include 'a.yaml': symlink loop"
    )
