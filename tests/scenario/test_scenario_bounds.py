"""Numbers the engine cannot hold are refused by validation (issue 10, item 16).

The rules work in float32 and keep rungs and turn counts in int8/int16 arrays: every number a scenario
may give is bounded so that it fits, NaN and infinity are refused, and the engine runs without an
overflow at the bounds.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from helpers import ROOT, one_line
from pydantic import ValidationError

import sim
from sim.cli import main
from sim.model import WargameModel
from sim.scenario.distributions import MAX_NUMBER
from sim.scenario.predicates import MAX_TURNS
from sim.scenario.schema import MAX_RUNGS, Rules, Scenario

TINY = ROOT / "tests" / "fixtures" / "scenarios_ok" / "tiny.yaml"
SENKAKU = ROOT / "scenarios" / "senkaku_grey_zone.yaml"

# Integers that name a rung by position: checked against the scenario's ladder by the reference
# checks ("rung 12 is outside the ladder (0-8)"), so the schema leaves them open.
RUNG_REFERENCES = {
    ("Doctrine", "max_rung"),
    ("Alliance", "trigger"),
    ("Escalate", "to"),
    ("Incident", "to"),
    ("Deescalate", "to"),
    ("RungTest", "at_least"),
    ("RungTest", "at_most"),
    ("Calm", "at_most"),
    ("Scenario", "initial"),
}


# Models of the `history:` block (dataset ids, durations in days): descriptive facts the backtest
# reads in Python; the engine's arrays never hold them.
HISTORY_MODELS = {"History", "Datasets", "AllyDecision"}


def _numbers(node: Any, where: tuple[str, str]) -> list[tuple[tuple[str, str], dict]]:
    """Every number or integer schema under ``node`` with the (model, field) it belongs to."""
    found = []
    if isinstance(node, dict):
        if node.get("type") in ("number", "integer"):
            found.append((where, node))
        for key, sub in node.items():
            if key == "properties":
                for name, prop in sub.items():
                    found += _numbers(prop, (where[0], name))
            elif key == "$defs":
                for model, d in sub.items():
                    found += _numbers(d, (model, ""))
            else:
                found += _numbers(sub, where)
    elif isinstance(node, list):
        for sub in node:
            found += _numbers(sub, where)
    return found


def test_every_number_in_the_schema_is_bounded() -> None:
    schema = Scenario.model_json_schema(by_alias=True)
    numbers = _numbers(schema, ("Scenario", ""))
    assert len(numbers) > 40  # the walk reached the models
    open_ended = []
    for where, s in numbers:
        if where in RUNG_REFERENCES and s["type"] == "integer":
            continue
        if where[0] in HISTORY_MODELS:  # the history block is read by the backtest, never stored
            continue
        lo = s.get("minimum", s.get("exclusiveMinimum", -math.inf))
        hi = s.get("maximum", s.get("exclusiveMaximum", math.inf))
        limit = MAX_TURNS if s["type"] == "integer" else MAX_NUMBER
        if not (-limit <= lo and hi <= limit):
            open_ended.append(f"{where[0]}.{where[1]}: [{lo}, {hi}]")
    assert not open_ended, "numbers the engine may not hold:\n" + "\n".join(open_ended)
    assert schema["$defs"]["Ladder"]["properties"]["rungs"]["maxItems"] == MAX_RUNGS < 127


@pytest.mark.parametrize(
    ("setting", "field"),
    [
        ("rules.temperature=3.5e38", "rules.temperature"),
        ("rules.temperature=1e7", "rules.temperature"),
        ("actors.Japan.opinion_relaxation=1e300", "actors.Japan.opinion_relaxation"),
        (
            "rules.temperature={dist: choice, values: [0.1, 0.2], weights: [1e308, 1]}",
            "rules.temperature.weights.0",
        ),
        ("rules.temperature={dist: choice, values: [1e308, 0.2]}", "rules.temperature.values.0"),
        ("rules.temperature={dist: uniform, low: 0, high: 1e308}", "rules.temperature.high"),
        (
            "actors.Japan.resolve={dist: normal, mean: 0.5, sd: 1e308, low: 0, high: 1}",
            "actors.Japan.resolve.sd",
        ),
        ("actors.Japan.resolve={dist: beta, a: 1e308, b: 1}", "actors.Japan.resolve.a"),
        ("rules.cost_scale=.inf", "rules.cost_scale"),
        ("rules.inertia=.nan", "rules.inertia"),
        ("injects.hotline_call.turn=99999999999999999999", "injects.hotline_call.turn"),
        ("stop={s: {when: {calm: {turns: 40000, at_most: 0}}}}", "stop.s.when.calm.turns"),
    ],
)
def test_numbers_the_engine_cannot_hold_are_one_line_exit_2(
    setting: str, field: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["run", str(SENKAKU), "--runs", "20", "--workers", "1", "--quiet"]
    assert main([*argv, "--out", str(tmp_path / "run"), "--set", setting]) == 2
    assert f": {field}: " in one_line(capsys)
    assert not (tmp_path / "run").exists()


def _ladder(cost: float) -> str:
    names = [f"r{i}" for i in range(MAX_RUNGS - 2)] + ["grey_zone", "limited_strikes"]
    rungs = ", ".join(
        f"{{name: {n}, cost: {cost}{', force: true' if n == 'limited_strikes' else ''}}}"
        for n in names
    )
    return f"ladder: {{rungs: [{rungs}]}}\n"


def _largest(rule: str) -> float:
    """The largest value the schema admits for a rule weight (MAX_NUMBER, or 1 for shares)."""
    try:
        Rules.model_validate({rule: MAX_NUMBER})
    except ValidationError:
        return 1.0
    return MAX_NUMBER


@pytest.mark.parametrize("temperature", [MAX_NUMBER, 0.0, 1e-40])
@pytest.mark.parametrize("ladder", ["", _ladder(MAX_NUMBER)])
def test_engine_runs_without_overflow_at_the_bounds(temperature: float, ladder: str) -> None:
    text = TINY.read_text(encoding="utf-8") + ladder
    sets = [
        f"rules.{k}={_largest(k)}"
        for k in Rules.model_fields
        if k not in ("sources", "assumption", "threat_memory")
    ]
    sets += [f"rules.temperature={temperature}", f"actors.Japan.opinion_relaxation={MAX_NUMBER}"]
    sets += [f"actors.China.opinion_relaxation={MAX_NUMBER}"]
    if temperature == MAX_NUMBER:  # the longest game (turn counts are int16)
        sets.append(f"turns.limit={MAX_TURNS}")
    scenario = sim.load_scenario_text(text, sets)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an overflow or an invalid value would warn
        m = WargameModel(scenario, R=20, rng=3)
        while m.running:
            m.step()
    top = len(scenario.ladder.rungs) - 1 if scenario.ladder else 8
    assert int(m.rung.min()) >= 0 and int(m.peak.max()) <= top
    assert np.isfinite(m.threat).all()


def test_a_subnormal_temperature_plays_the_best_move_not_off_the_ladder() -> None:
    m = WargameModel(SENKAKU, R=50, rng=1, overrides=["rules.temperature=1e-40"])
    while m.running:
        m.step()
        assert int(m.rung.min()) >= 0
