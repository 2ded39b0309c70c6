"""Library entries merge only when the scenario says so; relations left with too few members by the
cast are dropped; ``drop_relations`` leaves library relations out by name (issue 10, item 4)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import ROOT

import sim

TAIWAN = ROOT / "scenarios" / "taiwan_contingency.yaml"

LIBRARY = """\
actors:
  Japan: {resolve: 0.4, capability: {maritime: 0.5}}
  China: {nuclear: true, resolve: 0.7, capability: {maritime: 0.8}}
  US: {nuclear: true, capability: {maritime: 1.0}}
  India: {capability: {maritime: 0.4}}
relations:
  us_japan: {type: alliance, members: [US, Japan], guarantors: [US], protects: [Japan], credibility: 0.6}
  quad: {type: partnership, members: [US, Japan, India], min_members: 3, support: intelligence}
  trio: {type: partnership, members: [US, Japan, India], support: statement}
  rivals: {type: rivalry, members: [China, Japan]}
"""


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "library").mkdir()
    (tmp_path / "library" / "lib.yaml").write_text(LIBRARY)
    return tmp_path


def scenario(tree: Path, body: str, overrides=None) -> sim.Scenario:
    path = tree / "s.yaml"
    path.write_text("name: s\ninclude: [library/lib.yaml]\noutcomes: {calm: {}}\n" + body)
    return sim.load_scenario(path, overrides)


def problems(tree: Path, body: str, overrides=None) -> list[sim.Problem]:
    with pytest.raises(sim.ScenarioError) as info:
        scenario(tree, body, overrides)
    return info.value.problems


# --- merging is explicit --------------------------------------------------------------------------


def test_inline_actor_with_a_library_name_must_say_how_to_combine(tree: Path) -> None:
    (p,) = problems(tree, "actors:\n  Japan: {resolve: 0.9}\n")
    assert (p.file.endswith("s.yaml"), p.line, p.path) == (True, 5, "actors.Japan")
    assert p.message.startswith("actor 'Japan' is also defined at ")
    assert "lib.yaml:2:" in p.message and "merge: true" in p.message and "merge: false" in p.message


def test_merge_true_changes_only_the_given_fields(tree: Path) -> None:
    s = scenario(tree, "actors:\n  Japan: {merge: true, resolve: 0.9}\n")
    assert s.actors["Japan"].resolve == 0.9
    assert s.actors["Japan"].capability.maritime == 0.5  # from the library
    assert "us_japan" in s.relations


def test_merge_false_replaces_the_library_entry(tree: Path) -> None:
    s = scenario(tree, "actors:\n  Japan: {merge: false, resolve: 0.9}\n")
    assert s.actors["Japan"].resolve == 0.9
    assert s.actors["Japan"].capability.maritime == 0.0  # nothing inherited
    s = scenario(
        tree, "relations:\n  rivals: {merge: false, type: economic, members: [China, Japan]}\n"
    )
    assert s.relations["rivals"].type == "economic"


def test_merge_true_without_a_library_entry_is_refused_with_a_did_you_mean(tree: Path) -> None:
    (p,) = problems(tree, "relations:\n  us_japn: {merge: true, credibility: 0.9}\n")
    assert (p.line, p.path) == (5, "relations.us_japn.merge")
    assert p.message == (
        "no included file defines relation 'us_japn' to merge with (did you mean 'us_japan'?)"
    )


def test_relation_with_a_library_name_must_say_how_to_combine(tree: Path) -> None:
    (p,) = problems(tree, "relations:\n  quad: {weight: 0.1}\n")
    assert p.path == "relations.quad"
    assert p.message.startswith("relation 'quad' is also defined at ")


def test_sibling_includes_merge_only_when_told(tmp_path: Path) -> None:
    (tmp_path / "library").mkdir()
    (tmp_path / "library" / "a.yaml").write_text("actors: {Japan: {resolve: 0.1}}\n")
    (tmp_path / "library" / "b.yaml").write_text("actors: {Japan: {resolve: 0.2}}\n")
    path = tmp_path / "s.yaml"
    path.write_text("name: s\ninclude: [library/a.yaml, library/b.yaml]\noutcomes: {calm: {}}\n")
    with pytest.raises(sim.ScenarioError, match="actor 'Japan' is also defined at"):
        sim.load_scenario(path)


def test_shipped_scenarios_say_merge_and_load() -> None:
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        assert sim.load_scenario(path).actors


# --- relations that lose members ------------------------------------------------------------------


def test_relation_left_with_fewer_than_min_members_is_dropped(tree: Path) -> None:
    s = scenario(tree, "cast: [US, Japan, China]\n")
    assert "quad" not in s.relations  # min_members 3: two of three are not the quad
    assert s.relations["trio"].members == ["US", "Japan"]  # default min_members 2: shrinks


def test_the_library_quad_with_only_two_members_is_dropped() -> None:
    s = sim.load_scenario(TAIWAN, ["cast=[US, Japan, China, Taiwan]"])
    assert "quad" not in s.relations
    s = sim.load_scenario(TAIWAN, ["cast=[US, Japan, China, Taiwan, Australia]"])
    assert s.relations["quad"].members == ["US", "Japan", "Australia"]


def test_min_members_above_the_member_count_is_refused(tree: Path) -> None:
    (p,) = problems(tree, "relations:\n  trio: {merge: true, min_members: 4}\n")
    assert (p.line, p.path) == (5, "relations.trio.min_members")
    assert p.message == "min_members 4 is more than its 3 members"


# --- drop_relations -------------------------------------------------------------------------------


def test_drop_relations_leaves_library_relations_out(tree: Path) -> None:
    s = scenario(tree, "drop_relations: [quad, rivals]\n")
    assert set(s.relations) == {"us_japan", "trio"}
    assert s.drop_relations == []  # applied: the resolved scenario holds the result
    again = sim.load_scenario_text(s.model_dump_json(by_alias=True, exclude_none=True))
    assert set(again.relations) == {"us_japan", "trio"}


def test_unknown_relation_in_drop_relations_gets_a_did_you_mean(tree: Path) -> None:
    (p,) = problems(tree, "drop_relations: [quda]\n")
    assert (p.line, p.path) == (4, "drop_relations.0")
    assert p.message == "unknown relation 'quda' (did you mean 'quad'?)"


def test_drop_relations_by_override_and_overriding_a_dropped_relation(tree: Path) -> None:
    s = scenario(tree, "", ["drop_relations=[quad]"])
    assert "quad" not in s.relations
    (p,) = problems(tree, "drop_relations: [quad]\n", ["relations.quad.weight=0.1"])
    assert (p.file, p.path) == ("--set", "relations.quad.weight")
    assert p.message == "relation 'quad' is not in the scenario: drop_relations lists it"
