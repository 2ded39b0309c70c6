"""Play at R = 1: readable explanations of every decision, and moves set by a person.

DESIGN.md: "Every decision at R = 1 can say why: the terms of its score"; "a human's chosen move may
replace the sampled one"; the engine is the authority on which moves the doctrine allows.
"""

from __future__ import annotations

import numpy as np
import pytest
from helpers import ROOT

from sim.model import TERMS, WargameModel
from sim.rules.explain import Event, timeline

FIXTURES = ROOT / "tests" / "fixtures" / "model"
PROVOCATION = FIXTURES / "senkaku_provocation.yaml"

DECISIONS = ("move", "hold")  # kinds of events that record a decision


def decisions(log: list[Event]) -> list[Event]:
    return [e for e in log if e.kind in DECISIONS]


def world_with_article_5(max_seed: int = 60) -> WargameModel:
    """A played R = 1 world of the provocation fixture in which Article 5 fires."""
    for seed in range(max_seed):
        m = WargameModel(PROVOCATION, R=1, rng=seed)
        m.run()
        if m.results()["triggered.us_japan"][0]:
            return m
    raise AssertionError(f"no world with a triggered us_japan among seeds 0-{max_seed - 1}")


@pytest.fixture(scope="module")
def played() -> WargameModel:
    return world_with_article_5()


# --- explanations ------------------------------------------------------------------------------


def test_explanations_are_on_by_default_at_r1_only() -> None:
    assert WargameModel(PROVOCATION, R=1, rng=0).explain
    assert not WargameModel(PROVOCATION, R=4, rng=0).explain


def test_timeline_reads_turn_by_turn_with_names_and_rung_labels(played: WargameModel) -> None:
    c = played.c
    text = timeline(played.log)
    first = min(e.turn for e in played.log if e.kind != "hold")  # holds are shown only verbose
    assert text.startswith(f"Turn {first}\n")
    for turn in {e.turn for e in played.log if e.kind != "hold"}:
        assert f"Turn {turn}" in text
    verbose = timeline(played.log, verbose=True)  # holds too
    for turn in {e.turn for e in played.log}:
        assert f"Turn {turn}" in verbose
    assert all(e.text in verbose for e in played.log)
    moves = [e for e in played.log if e.kind == "move"]
    assert moves, "some actor changed its rung"
    for e in moves:
        target = e.details["target"]
        label = c.rung_labels[c.rung_index(e.details["to"])]
        assert e.actor in c.actors and target in c.actors
        assert e.actor in e.text and target in e.text and label in e.text, e.text
        assert e.text in text
    assert any(label in text for label in c.rung_labels if label not in c.rung_names)


def test_every_decision_carries_its_terms_masks_and_probabilities(played: WargameModel) -> None:
    c = played.c
    events = decisions(played.log)
    assert events
    for e in events:
        d = e.details
        assert set(TERMS) <= set(d["terms"]), e.text
        assert all(isinstance(v, float) and np.isfinite(v) for v in d["terms"].values())
        assert isinstance(d["masks"], list) and all(isinstance(s, str) for s in d["masks"])
        probs = d["probabilities"]
        assert probs and set(probs) <= set(c.rung_names)
        assert sum(probs.values()) == pytest.approx(1.0, abs=0.01)
        if not d["human"]:
            assert probs.get(d["to"], 0) > 0, f"chosen rung had no probability: {e.text}"
        assert d["from"] in c.rung_names and d["to"] in c.rung_names
        assert 0 <= d["threat"] < 1


def test_japan_explains_its_doctrine(played: WargameModel) -> None:
    """Japan's decisions name the doctrine mask that binds it, and the licence once attacked."""
    c = played.c
    japan = [e for e in decisions(played.log) if e.actor == "Japan"]
    assert japan
    for e in japan:
        assert "non-nuclear: nuclear rungs barred" in e.details["masks"]
        assert any("defence-oriented" in m or "licensed" in m for m in e.details["masks"])

    # until China uses force against Japan or its US partner, Japan may not use force
    def china_force_on(target: str) -> list[int]:
        return [
            e.turn
            for e in decisions(played.log)
            if e.actor == "China"
            and e.details["target"] == target
            and c.rung_index(e.details["to"]) >= c.first_force
        ]

    on_japan, on_us = china_force_on("Japan"), china_force_on("US")
    assert on_japan, "the chosen world has an armed attack on Japan"
    first_force = min(on_japan + on_us)
    before = [e for e in japan if e.turn <= first_force]
    assert before and all(
        any(m.startswith("defence-oriented: no force") for m in e.details["masks"]) for e in before
    )
    # the turn after China's first armed attack on Japan, Japan's decision is licensed
    after = [e for e in japan if e.turn == on_japan[0] + 1]
    for e in after:
        assert any(m.startswith("self-defence licensed") for m in e.details["masks"]), e.details


def test_a_triggered_treaty_appears_in_the_timeline(played: WargameModel) -> None:
    triggers = [e for e in played.log if e.kind == "trigger"]
    art5 = [e for e in triggers if "us_japan" in e.text]
    assert len(art5) == 1, "a trigger fires once per link"
    e = art5[0]
    assert e.actor == "US" and "Japan" in e.text
    honours = bool(played.results()["honoured.us_japan"][0])
    assert ("does not honour" in e.text) != honours
    assert e.text in timeline(played.log)


def test_the_log_ends_with_the_outcome(played: WargameModel) -> None:
    last = played.log[-1]
    assert last.kind == "end"
    assert str(played.results()["outcome"][0]) in last.text
    assert last.turn == played.turn
    assert [e.turn for e in played.log] == sorted(e.turn for e in played.log)


def test_events_serialise_to_plain_dicts(played: WargameModel) -> None:
    import json

    for e in played.log:
        json.dumps(e.to_dict())


# --- moves set by a person -------------------------------------------------------------------


def test_options_list_the_rungs_within_reach_and_doctrine() -> None:
    m = WargameModel(PROVOCATION, R=1, rng=1)
    c = m.c
    opts = m.options("Japan")
    assert set(opts) == {c.actors[c.dst[d]] for d in c.dyads_of[c.actors.index("Japan")]}
    assert opts["China"] == ["cooperation", "protest", "grey_zone"]
    china = m.options("China")["Japan"]  # China starts at grey-zone coercion toward Japan
    assert china == ["protest", "grey_zone", "show_of_force", "blockade"]


def test_a_forbidden_move_is_refused() -> None:
    m = WargameModel(PROVOCATION, R=1, rng=1)
    with pytest.raises(ValueError, match="may not choose limited_strikes"):
        m.set_move("Japan", "China", "limited_strikes")
    with pytest.raises(ValueError):
        m.set_move("Japan", "China", m.c.rung_index("limited_strikes"))
    with pytest.raises(ValueError):
        m.set_move("Japan", "China", "not_a_rung")
    with pytest.raises(ValueError, match="no rivalry"):
        m.set_move("Japan", "Japan", "protest")
    assert m.pending_moves == {}


def test_a_rung_number_off_the_ladder_is_refused_cleanly() -> None:
    m = WargameModel(PROVOCATION, R=1, rng=1)
    with pytest.raises(ValueError):
        m.set_move("Japan", "China", 99)


def test_moves_can_be_set_only_in_a_single_world() -> None:
    m = WargameModel(PROVOCATION, R=3, rng=1)
    with pytest.raises(ValueError):
        m.set_move("Japan", "China", "protest")


def test_an_allowed_move_is_applied_and_marked_as_a_team_move() -> None:
    m = WargameModel(PROVOCATION, R=1, rng=1)
    d = m.c.dyad_index("Japan", "China")
    m.set_move("Japan", "China", "grey_zone")
    m.step()
    assert m.rung[0, d] == m.c.rung_index("grey_zone")
    team = [e for e in m.log if e.actor == "Japan" and e.details.get("human")]
    assert len(team) == 1 and team[0].text.startswith("(team move)")
    assert team[0].details["to"] == "grey_zone"


def test_the_doctrine_opens_force_to_a_team_once_japan_is_attacked() -> None:
    m = WargameModel(PROVOCATION, R=1, rng=1)
    c = m.c
    m.set_move("China", "Japan", "blockade")
    m.set_move("Japan", "China", "grey_zone")
    m.step()
    assert "limited_strikes" not in m.options("Japan")["China"]
    m.set_move("China", "Japan", "limited_strikes")
    m.set_move("Japan", "China", "blockade")
    m.step()
    assert m.rung[0, c.dyad_index("China", "Japan")] == c.rung_index("limited_strikes")
    opts = m.options("Japan")["China"]
    assert "limited_strikes" in opts and "major_war" in opts
    m.set_move("Japan", "China", "limited_strikes")
    m.step()
    assert m.rung[0, c.dyad_index("Japan", "China")] == c.rung_index("limited_strikes")
