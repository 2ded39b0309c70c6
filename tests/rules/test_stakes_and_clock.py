"""Faits accomplis without force, stakes that are not territory and the crisis clock
(docs/model.md 11.4 and "Stakes that are not territory"), stated as properties."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml
from helpers import ROOT

import sim
from sim.model import WargameModel
from sim.rules.pairs import quiet_rung

STANDOFF = ROOT / "tests/fixtures/model/island_standoff.yaml"
NO_RATES = {  # every crisis-ending rate off: only what happened can end a crisis
    "rules.settlement_rate": 0,
    "rules.concession_rate": 0,
    "rules.imposition_rate": 0,
    "rules.fade_weeks": 1000,
}
PRESENCE = {  # Bigland's coast guard around Smallland's island; Smallland only protests
    "initial": {"Bigland": {"Smallland": "grey_zone"}, "Smallland": {"Bigland": "protest"}},
}


def played(path: Path, R: int = 300, seed: int = 5, **overrides: object) -> WargameModel:
    """R worlds played to the end."""
    m = WargameModel(path, R=R, rng=seed, overrides=overrides or None)
    m.run()
    return m


def with_guarantor(tmp_path: Path) -> Path:
    """The standoff with Farland committed to Smallland (it may answer Bigland's coercion)."""
    doc = yaml.safe_load(STANDOFF.read_text(encoding="utf-8"))
    doc["relations"]["farland_pact"] = {
        "type": "alliance",
        "members": ["Farland", "Smallland"],
        "guarantors": ["Farland"],
        "protects": ["Smallland"],
        "credibility": 0.9,
        "trigger": "grey_zone",
        "support": "combat",
    }
    path = tmp_path / "guarded.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


def no_force(m: WargameModel) -> np.ndarray:
    """Worlds in which nobody used force."""
    return m.state.peak.max(axis=1) < m.c.first_force


def no_one_sided_force(m: WargameModel) -> np.ndarray:
    """Worlds in which Bigland and Smallland both used force on each other or neither did (so an
    acquiescence can only come from the coercion short of force)."""
    ff = m.c.first_force
    bs = m.state.peak[:, m.c.dyad_index("Bigland", "Smallland")] >= ff
    sb = m.state.peak[:, m.c.dyad_index("Smallland", "Bigland")] >= ff
    return bs == sb


def test_a_claimants_presence_met_only_with_protests_is_the_holders_concession() -> None:
    # Smallland cannot go beyond protests: when Bigland's pressure goes quiet, Smallland has
    # accepted the fait accompli (no rate is on, so nothing else ends these crises early)
    m = played(
        STANDOFF, **NO_RATES, **PRESENCE, **{"actors.Smallland.doctrine.max_rung": "protest"}
    )
    r = m.results()
    quiet_end = no_force(m) & (r["ending"] != "still_running")
    assert quiet_end.sum() > 20
    assert (r["ending"][quiet_end] == "unilateral_concession").all()


def test_a_holder_that_answers_the_coercion_has_not_acquiesced() -> None:
    m = played(STANDOFF, **NO_RATES, **PRESENCE)
    r = m.results()
    answered = m.state.peak[:, m.c.dyad_index("Smallland", "Bigland")] > quiet_rung(m.c)
    cases = answered & no_one_sided_force(m)
    assert cases.sum() > 20
    assert not (r["ending"][cases] == "unilateral_concession").any()


def test_a_guarantor_that_answers_the_claimant_counts_as_an_answer(tmp_path: Path) -> None:
    deployed = {"initial": {**PRESENCE["initial"], "Farland": {"Bigland": "show_of_force"}}}
    short_of_force = {  # so that only coercion can be left unanswered (force is another rule)
        "actors.Bigland.doctrine.max_rung": "blockade",
        "actors.Farland.doctrine.max_rung": "blockade",
    }
    m = played(
        with_guarantor(tmp_path),
        **NO_RATES,
        **deployed,
        **short_of_force,
        **{"actors.Smallland.doctrine.max_rung": "protest"},
    )
    r = m.results()
    guard = m.state.peak[:, m.c.dyad_index("Farland", "Bigland")] > quiet_rung(m.c)
    cases = guard & no_force(m)
    assert cases.sum() > 20
    assert not (r["ending"][cases] == "unilateral_concession").any()


def test_an_indivisible_stake_is_never_split_by_a_settlement() -> None:
    settle = {"rules.settlement_rate": 0.9, "rules.direct_agreement": 0.5}
    split = played(STANDOFF, R=400, seed=7, **settle).results()["ending"]
    whole = played(
        STANDOFF, R=400, seed=7, **settle, **{"relations.island.divisible": False}
    ).results()["ending"]
    agreed = ("formal_agreement", "tacit_understanding")
    assert np.isin(split, agreed).mean() > 0.1
    assert not np.isin(whole, agreed).any()  # even Forum's mediation cannot halve the island
    assert (whole == "unilateral_concession").mean() > (split == "unilateral_concession").mean()


DETAINED = """
name: detained
turns: {limit: 10, step: 1 day, days: 1}
actors:
  Seizer: {capability: {maritime: 0.3}}
  Flagstate: {capability: {maritime: 0.6}}
  Ally: {capability: {maritime: 0.8}}
relations:
  crew:
    type: dispute
    issue: detained_persons
    holder: Seizer
    claimants: [Flagstate]
    stake: {Flagstate: 0.6, Seizer: 0.3}
  pact:
    type: alliance
    members: [Ally, Seizer]
    credibility: 0.5
    covers: [crew]
outcomes:
  any: {description: Anything.}
"""


def test_a_detained_crew_is_no_place_a_treaty_can_cover() -> None:
    with pytest.raises(sim.ScenarioError) as info:
        sim.load_scenario_text(DETAINED, name="detained.yaml")
    (problem,) = info.value.problems
    assert problem.path == "relations.pact.covers.0"
    assert "unknown place or dispute 'crew'" in problem.message


def test_a_detained_crew_is_indivisible_and_placeless_by_default() -> None:
    s = sim.load_scenario_text(DETAINED.replace("    covers: [crew]\n", ""), name="d.yaml")
    c = WargameModel(s, R=1, rng=0).c
    d = c.dyad_index("Flagstate", "Seizer")
    assert c.indivisible_dyad[d] and not c.claim_on_place[d]
    assert "crew" not in c.places.names  # no implicit territory for a crew


def daily(calendar: float) -> dict[str, object]:
    """The standoff played in days, with the crisis clock at ``calendar``."""
    return {
        "turns.days": 1,
        "turns.step": "1 day",
        "turns.limit": 40,
        "rules.calendar_time": calendar,
    }


def test_the_crisis_clock_counts_turns_or_weeks() -> None:
    # in decision time (0) a day-long turn is a round of decisions; in calendar time (1) the
    # weekly rates act a seventh as fast per turn, so more crises are still running at the limit
    rounds = played(STANDOFF, R=400, seed=9, **daily(0.0)).results()
    calendar = played(STANDOFF, R=400, seed=9, **daily(1.0)).results()
    running = lambda r: (r["ending"] == "still_running").mean()  # noqa: E731
    assert running(calendar) > running(rounds) + 0.1


def test_the_crisis_clock_changes_nothing_when_a_turn_is_a_week() -> None:
    a = played(STANDOFF, R=200, seed=9, **{"rules.calendar_time": 0.0}).results()
    b = played(STANDOFF, R=200, seed=9, **{"rules.calendar_time": 1.0}).results()
    for k in ("ending", "ending_turn", "violence"):
        assert np.array_equal(a[k], b[k])
