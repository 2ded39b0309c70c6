"""Limited campaigns (war aims of planned length) and the cost of answering a war (docs/model.md
11.5 and 6), stated as properties."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import ROOT

import sim
from sim.model import WargameModel
from sim.rules.pairs import quiet_rung

STANDOFF = ROOT / "tests/fixtures/model/island_standoff.yaml"
PUNISH = {  # Bigland attacks at once; its aim is a three-week punitive campaign
    "initial": {"Bigland": {"Smallland": "limited_strikes"}, "Smallland": {"Bigland": "grey_zone"}},
    "campaigns": {
        "lesson": {"actor": "Bigland", "toward": "Smallland", "aim": "punish", "weeks": 3}
    },
}
COERCE = {  # a ten-week coercive campaign of shows of force
    "campaigns": {
        "signal": {"actor": "Bigland", "toward": "Smallland", "aim": "coerce", "weeks": 10}
    },
}


def played(R: int = 300, seed: int = 3, **overrides: object) -> WargameModel:
    """R worlds of the island standoff played to the end."""
    m = WargameModel(STANDOFF, R=R, rng=seed, overrides=overrides or None)
    m.run()
    return m


def test_a_punitive_campaign_ends_by_the_campaigners_unilateral_act_when_it_has_run() -> None:
    m = played(**PUNISH)
    r = m.results()
    # the clock starts at turn 1 (force from the start): the pair ends by turn 3 at the latest,
    # by the campaign's end or by Smallland's acquiescence, never by a deal
    assert (m.state.end_turn <= 3).all()
    assert (r["ending"] == "unilateral_concession").all()
    without = played(**{"initial": PUNISH["initial"]})
    assert (without.state.end_turn > 3).any()  # the campaign, not the standoff, ends them
    assert set(without.results()["ending"]) - {"unilateral_concession"}


def test_after_a_campaign_both_sides_stand_down_to_the_quiet_level() -> None:
    m = played(**PUNISH)
    ab = m.c.dyad_index("Bigland", "Smallland")
    ba = m.c.dyad_index("Smallland", "Bigland")
    quiet = quiet_rung(m.c)
    assert (m.state.rung[:, ab] <= quiet).all() and (m.state.rung[:, ba] <= quiet).all()


def test_a_coercive_campaign_stays_short_of_force_unless_attacked_and_never_settles() -> None:
    m = played(**COERCE, **{"rules.temperature": 0.6})
    s, c = m.state, m.c
    ab = c.dyad_index("Bigland", "Smallland")
    ba = c.dyad_index("Smallland", "Bigland")
    unprovoked = s.peak[:, ba] < c.first_force
    assert unprovoked.sum() > 100
    assert (s.peak[unprovoked, ab] < c.first_force).all()
    # no settlement, concession or fading while the campaign runs: no world ends before turn 10
    assert (s.end_turn >= 10).all()
    ended = m.results()["ending"]
    calm = unprovoked & (s.peak[:, ba] < c.first_force) & (s.end_turn == 10)
    assert calm.sum() > 50 and (ended[calm] == "faded").all()
    without = played(**{"rules.temperature": 0.6})
    assert (without.state.peak[:, ab] >= c.first_force).any()  # the cap is the campaign's
    assert (without.state.end_turn < 10).any()


def test_a_campaign_naming_an_unknown_actor_is_one_located_error(tmp_path) -> None:
    text = STANDOFF.read_text(encoding="utf-8") + (
        "campaigns:\n  lesson: {actor: Bigland, toward: Smalland, weeks: 3}\n"
    )
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(sim.ScenarioError) as err:
        sim.load_scenario(path)
    message = str(err.value)
    assert "campaigns.lesson.toward" in message and "did you mean 'Smallland'" in message


def test_answering_a_war_costs_less_than_starting_one() -> None:
    # Bigland invades (major war from turn 1); Smallland weighs only defence_cost of its
    # escalation costs, so it fights back in more worlds than when it weighs them all
    invade = {"initial": {"Bigland": {"Smallland": "major_war"}}, "rules.concession_rate": 0}
    ba = None
    shares = []
    for share in (1.0, 0.4):
        m = played(R=400, **invade, **{"rules.defence_cost": share})
        ba = m.c.dyad_index("Smallland", "Bigland")
        shares.append((m.state.peak[:, ba] >= m.c.first_force).mean())
    assert shares[1] > shares[0] + 0.2


def test_the_defence_cost_does_nothing_below_war() -> None:
    # no rung of the war class and no existential threat: the parameter cannot act
    below = {
        "actors.Bigland.doctrine.max_rung": "limited_strikes",
        "actors.Smallland.doctrine.max_rung": "limited_strikes",
        "actors.Smallland.doctrine.existential_threshold": 1.0,
        "actors.Bigland.doctrine.existential_threshold": 1.0,
    }
    a = played(**below, **{"rules.defence_cost": 1.0})
    b = played(**below, **{"rules.defence_cost": 0.1})
    assert a.state.peak.max() >= a.c.first_force  # force was used, short of war
    for column in ("ending", "outcome", "turn_ended"):
        assert np.array_equal(a.results()[column], b.results()[column])


def test_a_campaigns_length_is_an_override_and_a_misspelt_one_is_refused() -> None:
    longer = played(**PUNISH, **{"campaigns.lesson.weeks": 6})
    assert (longer.state.end_turn > 3).any()  # what the user asked for is what ran
    with pytest.raises(sim.ScenarioError) as err:
        played(**PUNISH, **{"campaigns.lessen.weeks": 6})
    assert "did you mean 'lesson'" in str(err.value)
