"""``--set`` overrides and the ``cast`` field."""

from __future__ import annotations

import pytest
from helpers import FIXTURES

import sim

OK = FIXTURES / "scenarios_ok"
TINY_PATH = OK / "tiny.yaml"
TINY = TINY_PATH.read_text(encoding="utf-8")


def override_problems(overrides, text: str = TINY) -> list[sim.Problem]:
    with pytest.raises(sim.ScenarioError) as info:
        sim.load_scenario_text(text, overrides)
    return info.value.problems


# --- valid overrides take effect ------------------------------------------------------------------


def test_override_list_takes_effect() -> None:
    s = sim.load_scenario_text(TINY, ["actors.Japan.resolve=0.9"])
    assert s.actors["Japan"].resolve == 0.9


def test_override_dict_takes_effect() -> None:
    s = sim.load_scenario_text(TINY, {"actors.Japan.resolve": 0.9})
    assert s.actors["Japan"].resolve == 0.9


def test_override_on_a_file() -> None:
    s = sim.load_scenario(TINY_PATH, ["relations.us_japan.credibility=0.95"])
    assert s.relations["us_japan"].credibility == 0.95


def test_override_replaces_a_distribution_by_a_number_and_back() -> None:
    s = sim.load_scenario_text(TINY, ["relations.us_japan.credibility=0.3"])
    assert s.relations["us_japan"].credibility == 0.3
    s = sim.load_scenario_text(
        TINY, ["relations.us_japan.credibility={dist: uniform, low: 0.2, high: 0.4}"]
    )
    cred = s.relations["us_japan"].credibility
    assert (cred.dist, cred.low, cred.high) == ("uniform", 0.2, 0.4)


def test_override_values_are_yaml_scalars_and_collections() -> None:
    s = sim.load_scenario_text(
        TINY,
        [
            "actors.Japan.nuclear=true",
            "title=Crisis 2030",
            "turns.limit=12",
            "relations.us_japan.members=[US, Japan]",
        ],
    )
    assert s.actors["Japan"].nuclear is True
    assert s.title == "Crisis 2030"
    assert s.turns.limit == 12


def test_override_value_may_contain_equals_sign() -> None:
    s = sim.load_scenario_text(TINY, ["description=a=b"])
    assert s.description == "a=b"


def test_override_creates_mappings_for_fields_not_written() -> None:
    s = sim.load_scenario_text(TINY, ["rules.temperature=0.2", "actors.Japan.doctrine.max_rung=3"])
    assert s.rules.temperature == 0.2
    assert s.actors["Japan"].doctrine.max_rung == 3


def test_later_override_wins() -> None:
    s = sim.load_scenario_text(TINY, ["actors.Japan.resolve=0.1", "actors.Japan.resolve=0.2"])
    assert s.actors["Japan"].resolve == 0.2


def test_override_can_index_into_lists() -> None:
    text = TINY + "rules: {sources: [{reference: a}]}\n"
    s = sim.load_scenario_text(text, ["rules.sources.0.reference=b"])
    assert s.rules.sources[0].reference == "b"


def test_overrides_do_not_leak_between_loads() -> None:
    sim.load_scenario(TINY_PATH, ["actors.Japan.resolve=0.9"])
    assert sim.load_scenario(TINY_PATH).actors["Japan"].resolve == 0.5


def test_override_can_fix_an_invalid_file_value() -> None:
    broken = TINY.replace("resolve: 0.7", "resolve: 7")
    s = sim.load_scenario_text(broken, ["actors.China.resolve=0.7"])
    assert s.actors["China"].resolve == 0.7


# --- bad overrides --------------------------------------------------------------------------------


def test_out_of_range_override_is_located_at_set() -> None:
    (p,) = override_problems(["actors.Japan.resolve=1.5"])
    assert (p.file, p.line, p.path) == ("--set", 1, "actors.Japan.resolve")
    assert "less than or equal to 1" in p.message
    assert str(p).startswith("--set:1:1: actors.Japan.resolve: ")


def test_second_override_is_numbered_two() -> None:
    (p,) = override_problems(["actors.Japan.resolve=0.5", "relations.us_japan.credibility=2"])
    assert (p.file, p.line, p.path) == ("--set", 2, "relations.us_japan.credibility")


def test_out_of_range_dict_override() -> None:
    (p,) = override_problems(
        {"relations.us_japan.credibility": {"dist": "uniform", "low": 0, "high": 3}}
    )
    assert (p.file, p.path) == ("--set", "relations.us_japan.credibility")
    assert "values must lie in [0.0, 1.0]" in p.message


def test_unknown_override_field_gets_did_you_mean() -> None:
    (p,) = override_problems(["actors.Japan.reslove=0.5"])
    assert (p.file, p.line, p.path) == ("--set", 1, "actors.Japan.reslove")
    assert p.message == "unknown field 'reslove' (did you mean 'resolve'?)"


def test_unknown_top_level_override_field() -> None:
    (p,) = override_problems(["injets={}"])
    assert (p.file, p.line, p.path) == ("--set", 1, "injets")
    assert p.message == "unknown field 'injets' (did you mean 'injects'?)"


@pytest.mark.parametrize(
    ("override", "path"),
    [("injets.x.turn=1", "injets"), ("relations.new.credibility=0.5", "relations.new")],
)
def test_problem_on_mapping_created_by_override_is_located_at_set(override: str, path: str) -> None:
    (p,) = override_problems([override])
    assert (p.file, p.line, p.path) == ("--set", 1, path)


def test_override_without_equals_is_refused() -> None:
    (p,) = override_problems(["actors.Japan.resolve"])
    assert (p.file, p.line) == ("--set", 1)
    assert p.message.startswith("expected PATH=VALUE")


def test_override_with_bad_yaml_value_is_refused() -> None:
    (p,) = override_problems(["actors.Japan.resolve=[0.5,"])
    assert (p.file, p.path) == ("--set", "actors.Japan.resolve")
    assert "YAML syntax error" in p.message


def test_override_with_yaml_tag_is_refused() -> None:
    (p,) = override_problems(["title=!!python/name:os.system"])
    assert p.file == "--set"
    assert "is not allowed" in p.message


@pytest.mark.parametrize("key", ["actors..resolve", ".name", "name.", ""])
def test_override_with_empty_path_segment_is_refused(key: str) -> None:
    (p,) = override_problems([f"{key}=1"])
    assert p.file == "--set"
    assert p.message == "empty path segment"


def test_override_into_a_scalar_is_refused() -> None:
    (p,) = override_problems(["name.first=x"])
    assert (p.file, p.path) == ("--set", "name.first")


def test_override_reference_problem_is_located_at_set() -> None:
    (p,) = override_problems(["injects.incursion.effects.0.actor=Chna"])
    assert (p.file, p.line, p.path) == ("--set", 1, "injects.incursion.effects.0.actor")
    assert p.message == "unknown actor 'Chna' (did you mean 'China'?)"


def test_file_problem_and_override_problem_are_both_reported() -> None:
    broken = TINY.replace("resolve: 0.7", "resolve: 7")
    problems = override_problems(["actors.Japan.resolve=2"], text=broken)
    assert [(p.file, p.path) for p in problems] == [
        ("--set", "actors.Japan.resolve"),
        ("<text>", "actors.China.resolve"),
    ]


# --- cast -----------------------------------------------------------------------------------------


def test_cast_keeps_only_listed_actors_and_drops_broken_relations() -> None:
    s = sim.load_scenario_text(TINY + "cast: [China, Japan]\n")
    assert set(s.actors) == {"China", "Japan"}
    assert set(s.relations) == {"senkaku"}  # us_japan lost US


def test_cast_by_override() -> None:
    s = sim.load_scenario_text(TINY, ["cast=[China, Japan]"])
    assert set(s.actors) == {"China", "Japan"}
    assert "us_japan" not in s.relations


def test_cast_shrinks_relations_that_keep_enough_members() -> None:
    text = """\
name: four
actors:
  Japan: {}
  US: {}
  Australia: {}
  China: {}
relations:
  quad: {type: alliance, members: [US, Japan, Australia], protects: [Japan, Australia], covers: [spratly], credibility: 0.5}
  spratly: {type: dispute, holder: Australia, claimants: [China]}
  trade: {type: economic, members: [China, Australia], dependence: {China: 0.2, Australia: 0.5}}
outcomes: {calm: {}}
cast: [US, Japan, China]
"""
    s = sim.load_scenario_text(text)
    assert set(s.actors) == {"US", "Japan", "China"}
    assert set(s.relations) == {"quad"}
    quad = s.relations["quad"]
    assert quad.members == ["US", "Japan"]
    assert quad.protects == ["Japan"]
    assert quad.covers == []


def test_cast_with_unknown_actor_gets_did_you_mean() -> None:
    problems = override_problems(["cast=[China, Jpan]"])
    assert [(p.file, p.path) for p in problems] == [("--set", "cast.1")]
    assert problems[0].message == "unknown actor 'Jpan' (did you mean 'Japan'?)"


def test_cast_in_file_with_unknown_actor_is_located() -> None:
    (p,) = override_problems(None, text=TINY + "cast: [China, Korea]\n")
    assert (p.line, p.path) == (15, "cast.1")
    assert p.message == "unknown actor 'Korea'"
