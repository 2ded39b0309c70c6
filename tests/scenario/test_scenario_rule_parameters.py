"""The ``rules:`` block is built from the rule families' parameter declarations
(sim/scenario/rule_parameters.py): a declaration is a field with its default, range and meaning,
settable per scenario and with ``--set`` (did-you-mean included), with no schema edit."""

from __future__ import annotations

import pytest
from helpers import ROOT

import sim
from sim.scenario.distributions import MAX_NUMBER
from sim.scenario.jsonschema import scenario_json_schema
from sim.scenario.rule_parameters import RULE_PARAMETERS, UNIT, RuleParameter, declared
from sim.scenario.schema import Rules, rules_model

SENKAKU = ROOT / "scenarios" / "senkaku_grey_zone.yaml"


def one_problem(overrides: list[str]) -> sim.Problem:
    with pytest.raises(sim.ScenarioError) as info:
        sim.load_scenario(SENKAKU, overrides)
    problems = info.value.problems
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


def test_a_new_declaration_is_a_field_with_its_default_range_and_meaning() -> None:
    """What adding a parameter does: the model built from the declarations has the new field."""
    new = RuleParameter(
        "patience", 0.25, "Weeks a side waits, as a share.", "assumption: toy", UNIT
    )
    model = rules_model((*RULE_PARAMETERS, new), "WithPatience")
    assert list(model.model_fields)[-1] == "patience"
    assert model().patience == 0.25  # type: ignore[attr-defined]
    uncertain = model(patience={"dist": "uniform", "low": 0.1, "high": 0.9})
    assert uncertain.patience.high == 0.9  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="less than or equal to 1"):
        model(patience=1.5)
    with pytest.raises(ValueError, match=r"values must lie in \[0.0, 1.0\]"):
        model(patience={"dist": "uniform", "low": 0.5, "high": 1.2})
    prop = model.model_json_schema()["properties"]["patience"]
    assert prop["default"] == 0.25 and prop["description"] == "Weeks a side waits, as a share."


def test_the_rules_block_has_every_declaration_in_order_with_its_bounds() -> None:
    """The scenario format's ``rules:`` fields are the declarations, in declaration order (the
    order of the draws of uncertain rule parameters), and the JSON Schema carries the bounds."""
    fields = [k for k in Rules.model_fields if k not in ("sources", "assumption")]
    assert fields == [p.name for p in RULE_PARAMETERS]
    props = scenario_json_schema()["$defs"]["Rules"]["properties"]
    for p in RULE_PARAMETERS:
        number = next(b for b in props[p.name]["anyOf"] if b.get("type") == "number")
        assert (number["minimum"], number["maximum"]) == p.bounds, p.name
        assert props[p.name]["default"] == p.default and props[p.name]["description"] == p.meaning
    assert {p.bounds for p in RULE_PARAMETERS} == {UNIT, (0.0, MAX_NUMBER)}


def test_every_declaration_names_its_family_and_a_source() -> None:
    names = [p.name for p in RULE_PARAMETERS]
    assert len(names) == len(set(names))
    for p in RULE_PARAMETERS:
        assert p.family and p in declared(p.family), p.name
        assert p.source and p.meaning.endswith("."), p.name


@pytest.mark.parametrize(
    ("override", "path", "message"),
    [
        ("rules.temprature=0.1", "rules.temprature", "(did you mean 'temperature'?)"),
        ("rules.threat_memory=1.5", "rules.threat_memory", "less than or equal to 1"),
        (
            "rules.settlement_rate={dist: uniform, low: 0.5, high: 1.2}",
            "rules.settlement_rate",
            "values must lie in [0.0, 1.0]",
        ),
    ],
)
def test_a_bad_rules_override_is_one_problem_naming_the_field(
    override: str, path: str, message: str
) -> None:
    problem = one_problem([override])
    assert problem.path == path and message in problem.message


def test_a_rules_override_reaches_the_scenario() -> None:
    scenario = sim.load_scenario(SENKAKU, ["rules.fade_weeks=6", "rules.learning=0.05"])
    assert scenario.rules.fade_weeks == 6 and scenario.rules.learning == 0.05
