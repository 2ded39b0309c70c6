"""The standard vocabulary: rung classes, stop endings, and hand-built worlds classified correctly;
its columns in outcomes.parquet and summary.json, the report, compare and the after-action review."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from helpers import ROOT

import sim
from sim.errors import ScenarioError
from sim.model import compiled
from sim.rules.vocabulary import classify, vocab_of
from sim.scenario.history import ENDINGS
from sim.scenario.ladder import DEFAULT_LADDER
from sim.scenario.loader import load_scenario_text
from sim.scenario.vocabulary import ladder_violence

# Two rivals (Ostmark, Westland) and two bystanders with their own rivalry (Sudia, Nordia).
WORLD = """
name: vocab_worlds
turns: {limit: 6, days: 7}
actors:
  Ostmark: {capability: {maritime: 0.5}}
  Westland: {capability: {maritime: 0.5}}
  Sudia: {capability: {maritime: 0.5}}
  Nordia: {capability: {maritime: 0.5}}
relations:
  ow: {type: rivalry, members: [Ostmark, Westland]}
  sn: {type: rivalry, members: [Sudia, Nordia]}
stop:
  calm:
    when: {calm: {turns: 2, at_most: protest}}
  deal:
    when: {inject: accord}
    ending: formal_agreement
  bomb:
    when: {peak: {at_least: nuclear_use}}
injects:
  accord:
    turn: 9
    effects: [{type: deescalate, actor: Ostmark, toward: Westland, to: cooperation}]
outcomes:
  war:
    when: {peak: {actor: Ostmark, toward: Westland, at_least: limited_strikes}}
  peace: {}
"""


@pytest.fixture(scope="module")
def vocab():
    c = compiled(load_scenario_text(WORLD))
    return c, vocab_of(c)


def _world(c, rungs: dict[tuple[str, str], tuple[str, int]]) -> tuple[np.ndarray, np.ndarray]:
    """One world's (1, P) peak and violent-turn arrays from {(actor, target): (rung, turns)}."""
    peak = np.zeros((1, len(c.src)), dtype=np.int8)
    turns = np.zeros((1, len(c.src)), dtype=np.int16)
    for (a, b), (rung, n) in rungs.items():
        d = c.dyad_index(a, b)
        peak[0, d] = c.rung_index(rung)
        turns[0, d] = n
    return peak, turns


def _classify(v, peak, turns, stop=-1, end=6):
    return classify(v, peak, turns, np.array([stop]), np.array([end]))


def test_violence_class_of_every_default_rung() -> None:
    classes = dict(
        zip(
            [r.name for r in DEFAULT_LADDER.rungs],
            ladder_violence(DEFAULT_LADDER.rungs),
            strict=True,
        )
    )
    assert classes == {
        "cooperation": "none",
        "protest": "none",
        "grey_zone": "none",
        "show_of_force": "none",
        "blockade": "none",
        "limited_strikes": "serious_clashes",
        "major_war": "full_scale_war",
        "homeland_strikes": "full_scale_war",
        "nuclear_use": "nuclear_use",
    }


def _ladder(second: str, third: str) -> str:
    return (
        "name: own_ladder\nactors: {A: {}, B: {}}\n"
        "relations: {ab: {type: rivalry, members: [A, B]}}\noutcomes: {any: {}}\n"
        "ladder:\n  rungs:\n"
        "    - {name: calm, cost: 0}\n"
        f"    - {{name: shove, cost: 0.1, violence: {second}}}\n"
        f"    - {{name: fight, cost: 1, force: true, violence: {third}}}\n"
        "    - {name: bomb, cost: 4, force: true, nuclear: true}\n"
    )


def test_a_declared_violence_class_wins_and_classes_may_not_fall() -> None:
    c = compiled(load_scenario_text(_ladder("minor_clashes", "full_scale_war")))
    assert vocab_of(c).rung_class.tolist() == [0, 1, 3, 4]
    assert vocab_of(c).first_violent == 1
    with pytest.raises(ScenarioError, match=r"ladder: .*'fight' has violence 'none'"):
        load_scenario_text(_ladder("minor_clashes", "none"))


def test_only_two_bystanders_fought(vocab) -> None:
    c, v = vocab
    peak, turns = _world(
        c, {("Sudia", "Nordia"): ("major_war", 3), ("Nordia", "Sudia"): ("major_war", 3)}
    )
    out = _classify(v, peak, turns)
    fought = {k for k, col in out.items() if k.startswith("fought.") and col[0]}
    assert fought == {"fought.Sudia.Nordia", "fought.Nordia.Sudia"}
    assert not out["fought.Ostmark.Westland"][0] and not out["fought.Westland.Ostmark"][0]
    assert out["n_at_war"][0] == 2
    assert out["violence"][0] == "full_scale_war"


def test_peak_violence_of_hand_built_worlds(vocab) -> None:
    c, v = vocab
    cases = [
        ({("Ostmark", "Westland"): ("blockade", 0)}, "none"),
        ({("Ostmark", "Westland"): ("limited_strikes", 1)}, "minor_clashes"),  # one pair, one turn
        ({("Ostmark", "Westland"): ("limited_strikes", 2)}, "serious_clashes"),  # repeated
        (  # answered
            {
                ("Ostmark", "Westland"): ("limited_strikes", 1),
                ("Westland", "Ostmark"): ("limited_strikes", 1),
            },
            "serious_clashes",
        ),
        ({("Ostmark", "Westland"): ("major_war", 1)}, "full_scale_war"),
        ({("Ostmark", "Westland"): ("nuclear_use", 1)}, "nuclear_use"),
    ]
    for rungs, expected in cases:
        peak, turns = _world(c, rungs)
        assert _classify(v, peak, turns)["violence"][0] == expected, rungs


def test_endings_of_hand_built_worlds(vocab) -> None:
    c, v = vocab
    peak, turns = _world(c, {})
    limit = _classify(v, peak, turns, stop=-1, end=6)
    assert limit["ending"][0] == "still_running" and limit["ending_turn"][0] == -1
    calm = _classify(v, peak, turns, stop=0, end=3)
    assert calm["ending"][0] == "faded" and calm["ending_turn"][0] == 3
    deal = _classify(v, peak, turns, stop=1, end=4)
    assert deal["ending"][0] == "formal_agreement" and deal["ending_turn"][0] == 4
    bomb = _classify(v, peak, turns, stop=2, end=2)  # "nuclear use ends the game": not an ending
    assert bomb["ending"][0] == "still_running" and bomb["ending_turn"][0] == -1
    # every ending type has a mechanism: the stops' and the crisis-ending rule families' (model.md 11)
    assert v.mechanisms == list(ENDINGS)


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("vocab") / "run"
    sim.run(
        ROOT / "tests/fixtures/model/senkaku_provocation.yaml",
        runs=300,
        seed=4,
        block=150,
        out=out,
        workers=1,
    )
    return out


def test_outcomes_table_and_summary_carry_the_vocabulary(run_folder: Path) -> None:
    t = pq.read_table(run_folder / "outcomes.parquet").to_pandas()
    s = json.loads((run_folder / "summary.json").read_text())["vocabulary"]
    assert list(s["violence"]) == [
        "none",
        "minor_clashes",
        "serious_clashes",
        "full_scale_war",
        "nuclear_use",
    ]
    for key in ("violence", "ending"):
        counts = t[key].value_counts().to_dict()
        assert {k: o["count"] for k, o in s[key].items() if o["count"]} == counts
    running = t.ending == "still_running"
    assert t.loc[running, "ending_turn"].isna().all()
    assert (t.loc[~running, "ending_turn"] == t.loc[~running, "turn_ended"]).all()
    # the crisis-ending rules give every ending type a mechanism (docs/model.md, 11)
    assert all(s["ending"][e]["mechanism"] for e in ENDINGS)
    assert s["endings_without_mechanism"] == []
    assert s["fought"]["China>Japan"] == int(t["fought.China.Japan"].sum())
    # a scenario outcome label cannot hide a war: every world where China fought Japan has violence
    assert (t.loc[t["fought.China.Japan"], "violence"] != "none").all()


def test_report_and_compare_show_the_vocabulary(run_folder: Path, tmp_path: Path) -> None:
    from sim.outputs.compare import compare_runs, format_comparison
    from sim.outputs.report import write_report

    md = write_report(run_folder, "md").read_text()
    assert "## Standard vocabulary" in md and "| used force \\ on |" in md
    assert "no mechanism yet" not in md  # every ending type has a rule behind it now
    other = tmp_path / "b"
    sim.run(
        ROOT / "tests/fixtures/model/senkaku_provocation.yaml",
        runs=300,
        seed=4,
        block=150,
        out=other,
        workers=1,
        overrides=["relations.us_japan.credibility=0.99"],
    )
    r = compare_runs(run_folder, other)
    assert set(r["vocabulary"]) == {"violence", "ending"}
    rows = {row["outcome"]: row for row in r["vocabulary"]["violence"]["rows"]}
    assert sum(row["count_a"] for row in rows.values()) == 300
    assert "standard vocabulary: peak violence" in format_comparison(r)


def test_after_action_review_sets_the_game_beside_the_simulations() -> None:
    from sim.play.aar import after_action, summary_text
    from sim.play.game import Game

    g = Game(
        str(ROOT / "tests/fixtures/model/senkaku_provocation.yaml"), {"blue": ["Japan"]}, seed=1
    )
    while not g.over:
        g.adjudicate(g.facilitator_token, force=True)
    a = after_action(g, runs=200)
    v = a["vocabulary"]
    m = g.model
    st = m.state
    expected = classify(m.vocab, m.peak, st.violent_turns, st.stop_reason, m.end_turn, st.ending)
    assert v["violence"] == expected["violence"][0] and v["ending"] == expected["ending"][0]
    assert sum(o["count"] for o in v["simulated"]["violence"].values()) == 200
    assert f"{v['violence']} in your game" in summary_text(a)


def test_a_derived_class_never_falls_up_the_ladder() -> None:
    from sim.scenario.schema import Rung

    rungs = [
        Rung(name="calm", cost=0),
        Rung(name="strike", cost=1, force=True),
        Rung(name="embargo", cost=1.2, sanctions=True),  # above a force rung: not "no violence"
        Rung(name="war", cost=2, force=True),
    ]
    assert ladder_violence(rungs) == [
        "none",
        "serious_clashes",
        "serious_clashes",
        "full_scale_war",
    ]
