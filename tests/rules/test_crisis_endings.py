"""Crises that end (docs/model.md, 11): properties of the ending mechanisms, from the public API."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from helpers import ROOT

from sim.model import WargameModel
from sim.rules.vocabulary import vocab_of
from sim.scenario.history import ENDINGS

STANDOFF = ROOT / "tests/fixtures/model/island_standoff.yaml"
TAIWAN = ROOT / "scenarios/taiwan_contingency.yaml"
ENDLESS = {  # every crisis-ending rule off
    "rules.settlement_rate": 0,
    "rules.concession_rate": 0,
    "rules.imposition_rate": 0,
    "rules.fade_weeks": 1000,
}


def played(path: Path, R: int = 400, seed: int = 3, **overrides: object) -> WargameModel:
    """R worlds played to the end."""
    m = WargameModel(path, R=R, rng=seed, overrides=overrides or None)
    m.run()
    return m


def share(results: dict[str, np.ndarray], ending: str) -> float:
    """Share of worlds with ``ending``."""
    return float((results["ending"] == ending).mean())


def test_most_crises_end_before_the_turn_limit_each_recorded_with_its_type_and_turn() -> None:
    m = played(STANDOFF)
    r, s = m.results(), m.state
    assert set(r["ending"]) <= set(ENDINGS)
    assert share(r, "still_running") < 0.5
    ruled = s.stop_reason == -2  # ended by a crisis-ending rule
    assert ruled.any()
    assert (s.ending[ruled] >= 0).all() and (
        s.ending[ruled] != ENDINGS.index("still_running")
    ).all()
    assert (r["ending_turn"][ruled] == r["turn_ended"][ruled]).all()
    assert (r["turn_ended"][ruled] <= m.c.scenario.turns.limit).all()
    assert np.median(r["turn_ended"][ruled]) < m.c.scenario.turns.limit / 2


def test_a_world_that_ends_is_no_longer_played() -> None:
    m = WargameModel(STANDOFF, R=300, rng=5)
    frozen: dict[int, np.ndarray] = {}
    while m.running:
        m.step()
        for w in np.flatnonzero(~m.state.alive):
            frozen.setdefault(int(w), m.state.rung[w].copy())
    assert frozen
    for w, rungs in frozen.items():
        assert (m.state.rung[w] == rungs).all()


def test_without_the_crisis_ending_rules_crises_only_stop_at_the_limit() -> None:
    # every rate off: a crisis runs to the limit, unless a use of force went unanswered and the
    # pair went quiet (acquiescence has no rate: it reads what happened)
    r = played(STANDOFF, **ENDLESS).results()
    assert set(r["ending"]) <= {"still_running", "unilateral_concession"}
    early = r["ending"] == "unilateral_concession"
    one_sided = r["fought.Bigland.Smallland"] ^ r["fought.Smallland.Bigland"]
    assert one_sided[early].all()
    assert share(played(STANDOFF).results(), "still_running") < 0.5


def test_a_settlement_steps_both_sides_down_several_rungs_at_once() -> None:
    m = WargameModel(STANDOFF, R=400, rng=7, overrides={"rules.concession_rate": 0})
    a = m.c.dyad_index("Bigland", "Smallland")
    drops = []
    while m.running:
        before = m.state.rung[:, a].copy()
        alive = m.state.alive.copy()
        m.step()
        drops.append(np.where(alive, before - m.state.rung[:, a], 0))
    assert np.max(drops) >= 2  # one turn, two rungs or more: a mutual stand-down, not the ladder


def test_a_neutral_mediator_makes_formal_agreements_more_likely() -> None:
    with_forum = played(STANDOFF, R=600, seed=11).results()
    without = played(STANDOFF, R=600, seed=11, **{"actors.Forum.mediation": 0.0}).results()
    formal = share(with_forum, "formal_agreement") - share(without, "formal_agreement")
    assert formal > 0.05


def test_only_a_far_stronger_neutral_imposes_an_end_to_fighting() -> None:
    fight = {"initial.Bigland.Smallland": "limited_strikes", "rules.imposition_rate": 0.5}
    strong = played(STANDOFF, R=400, seed=13, **fight).results()
    assert share(strong, "imposed") > 0.05
    weak = played(STANDOFF, R=400, seed=13, **fight, **{"rules.imposition_ratio": 10.0}).results()
    assert share(weak, "imposed") == 0.0


def test_the_weaker_side_is_the_one_that_concedes() -> None:
    m = played(STANDOFF, R=600, seed=17, **{"rules.settlement_rate": 0})
    r, s, c = m.results(), m.state, m.c
    conceded = r["ending"] == "unilateral_concession"
    assert conceded.sum() > 20
    big, small = c.dyad_index("Bigland", "Smallland"), c.dyad_index("Smallland", "Bigland")
    small_yields = s.rung[conceded, small] == 0
    big_yields = s.rung[conceded, big] == 0
    assert small_yields.mean() > big_yields.mean()


def test_a_crisis_that_stays_at_protests_fades_after_the_fade_weeks() -> None:
    quiet = {
        "initial": {"Bigland": {"Smallland": "protest"}, "Smallland": {"Bigland": "protest"}},
        "relations.island.stake.Bigland": 0,  # nothing left to coerce for
        "relations.island.stake.Smallland": 0,
        "rules.settlement_rate": 0,
        "rules.concession_rate": 0,
        "rules.observation_noise": 0,
        "rules.temperature": 0.05,  # a quiet world: nearly no random moves up
        "rules.fade_weeks": 3,
    }
    r = played(STANDOFF, R=200, seed=19, **quiet).results()
    faded = r["ending"] == "faded"
    assert faded.mean() > 0.5
    assert (r["ending_turn"][faded] >= 3).all()  # never before three quiet weeks
    assert (r["ending_turn"][faded] == 3).mean() > 0.5  # quiet from the start: exactly then


def test_every_ending_type_has_a_mechanism() -> None:
    m = WargameModel(TAIWAN, R=1, rng=1)
    assert vocab_of(m.c).mechanisms == list(ENDINGS)


@pytest.mark.parametrize("seed", [1])
def test_the_shipped_taiwan_crisis_ends_in_most_worlds(seed: int) -> None:
    r = played(TAIWAN, R=300, seed=seed).results()
    assert share(r, "still_running") < 0.5
    ended = r["ending_turn"] >= 0
    assert np.median(r["ending_turn"][ended]) < m_limit(TAIWAN)


def m_limit(path: Path) -> int:
    """The scenario's turn limit."""
    return WargameModel(path, R=1, rng=0).c.scenario.turns.limit


EC121 = ROOT / "scenarios/history/ec121_1969.yaml"
KOREA = ROOT / "scenarios/history/korean_war_1950.yaml"


def test_an_unanswered_use_of_force_that_goes_quiet_is_the_victims_concession() -> None:
    # only acquiescence can end a crisis here: a world ends by it, or runs to the limit
    m = played(EC121, **ENDLESS)
    r = m.results()
    conceded = r["ending"] == "unilateral_concession"
    unanswered = r["fought.DPRK1969.US"] & ~r["fought.US.DPRK1969"]
    assert conceded.any() and "faded" not in set(r["ending"][unanswered])
    # the shootdown went unanswered in every such world: the US never used force on the DPRK
    assert not r["fought.US.DPRK1969"][conceded].any()
    assert r["fought.DPRK1969.US"][conceded].all()


def test_force_answered_with_force_is_never_an_acquiescence() -> None:
    # the US answers the shootdown: the same calm is then a crisis that faded or still runs
    answered = played(EC121, **ENDLESS, **{"rules.reciprocity": 50.0}).results()
    both = answered["fought.US.DPRK1969"] & answered["fought.DPRK1969.US"]
    assert both.any()
    assert not (answered["ending"][both] == "unilateral_concession").any()


def test_a_state_fighting_for_its_survival_concedes_no_more_often() -> None:
    # ROK1950 under invasion: with its existence at stake (threshold reachable) it fights on;
    # with the threshold out of reach the rule is off. Same seeds (common random numbers).
    def rok_capitulates(threshold: float) -> float:
        m = played(
            KOREA, R=600, seed=11, **{"actors.ROK1950.doctrine.existential_threshold": threshold}
        )
        a = m.c.dyad_index("ROK1950", "DPRK1950")
        yielded = (m.state.rung[:, a] == 0) & (m.results()["ending"] == "unilateral_concession")
        return float(yielded.mean())

    assert rok_capitulates(0.5) < rok_capitulates(1.0)


def test_the_settlement_range_is_that_of_the_engaged_pairs() -> None:
    """Bargaining gives each engaged pair (a side above the quiet level, or both protesting) its
    surplus 1 - d_a - d_b; a pair not engaged, which no rule mediates or settles, gets zeros."""
    from sim.rules.families import bargaining
    from sim.rules.pairs import engaged, pairs_of, quiet_rung

    m = WargameModel(ROOT / "scenarios" / "taiwan_contingency.yaml", R=200, rng=5, explain=False)
    P, quiet = pairs_of(m.compiled), quiet_rung(m.compiled)
    seen = np.zeros(2, dtype=int)
    for _ in range(6):
        m.step()
        s = m.state
        bargaining.FAMILY.end_turn(s, m.compiled)  # the range of the rungs as they stand now
        ra, rb = s.rung[:, P.a], s.rung[:, P.b]
        on = np.vectorize(engaged)(ra, rb, quiet)
        seen += on.sum(), (~on).sum()
        expected = np.float32(1) - s.demand[:, P.a] - s.demand[:, P.b]
        assert np.array_equal(s.bargaining_surplus[on], expected[on])
        assert (s.bargaining_surplus[~on] == 0).all() and (s.settlement_pressure[~on] == 0).all()
        assert not s.wants_out[:, P.a][~on].any() and (s.demand[:, P.b][~on] == 0).all()
    assert seen.min() > 0
