"""Geography: a use of force has a place, and a treaty fires only on the places it covers.

US-Japan Treaty of Mutual Cooperation and Security (1960), Art. V covers "the territories under the
administration of Japan": the Senkakus in, the Northern Territories (Russia) and Takeshima (South
Korea) out (docs/model.md, "Geography").
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from helpers import ROOT

from sim import ScenarioError, load_scenario, load_scenario_text
from sim.model import WargameModel

KURIL = ROOT / "scenarios" / "kuril_incident.yaml"
SENKAKU = ROOT / "scenarios" / "senkaku_grey_zone.yaml"


def played(path: Path, R: int, seed: int, overrides: dict | None = None) -> WargameModel:
    m = WargameModel(path, R=R, rng=seed, overrides=overrides, explain=False)
    m.run()
    return m


def links_of(m: WargameModel, relation: str) -> list[int]:
    return [k for k, r in enumerate(m.compiled.link_relation) if r == relation]


def test_a_clash_on_a_place_the_treaty_does_not_cover_never_triggers_it() -> None:
    """Kuril incident: in no world does Russia's fire at the islands (below full-scale war) fire
    Article 5; it fires only where Russia's attack on Japan went beyond the islands."""
    m = played(KURIL, 400, 3)
    c, s = m.compiled, m.state
    peak = s.peak[:, c.dyad_index("Russia", "Japan")]
    triggered = s.triggered[:, links_of(m, "us_japan")].any(axis=1)
    island = peak == c.rung_index("limited_strikes")
    assert island.sum() > 50  # the clash happens in many worlds
    assert not (triggered & island).any()
    assert (peak[triggered] >= c.rung_index("major_war")).all()


def test_an_attack_on_japans_homeland_still_fires_article_5() -> None:
    """The same incident, but Russia strikes Japan's homeland: Article 5 fires in every world the
    strike happens in."""
    m = played(
        KURIL,
        200,
        4,
        {
            "injects.patrol_fired_on.probability": 1.0,
            "injects.patrol_fired_on.effects.0.to": "homeland_strikes",
        },
    )
    inject = m.compiled.scenario.injects
    fired = m.state.inject_fired[:, list(inject).index("patrol_fired_on")]
    assert fired.sum() > 50  # not in worlds whose crisis ended before the seizure's turn
    assert m.state.triggered[fired][:, links_of(m, "us_japan")].all()


def test_a_limited_strike_at_the_senkakus_fires_article_5_without_a_workaround() -> None:
    """Japan administers the Senkakus: a seizure at limited_strikes fires the treaty at once."""
    m = played(SENKAKU, 200, 5, {"injects.ccg_seizure.probability": 1.0})
    s = m.state
    fired = s.inject_fired[:, list(m.compiled.scenario.injects).index("ccg_seizure")]
    assert fired.sum() > 50  # not in worlds whose crisis ended before the seizure's turn
    assert s.triggered[fired][:, links_of(m, "us_japan")].all()


TOY = """
name: toy_places
actors:
  A: {capability: {maritime: 0.5}}
  B: {capability: {maritime: 0.5}}
  G: {capability: {maritime: 1.0}}
places:
  rocks: {administered_by: A, claimed_by: [B]}
  reef: {administered_by: B, claimed_by: [A]}
relations:
  rocks_dispute: {type: dispute, holder: A, claimants: [B], place: rocks}
  reef_dispute: {type: dispute, holder: B, claimants: [A], place: reef}
  treaty:
    type: alliance
    members: [G, B]
    guarantors: [G]
    protects: [B]
    credibility: 1.0
    covers: COVERS
outcomes:
  any: {}
"""


def thresholds(covers: str) -> dict[str, str]:
    """Trigger threshold rung of the treaty against A, by the place it falls on there."""
    s = load_scenario_text(TOY.replace("COVERS", covers))
    c = WargameModel(s, R=1, rng=0).compiled
    (q,) = np.flatnonzero(c.trigger_dyad == c.dyad_index("A", "B"))
    rung = int(c.trigger_rung[q])
    return {"rung": c.rung_names[rung] if rung <= c.top else "never", "place": c.trigger_place[q]}


def test_coverage_by_administration_and_by_name() -> None:
    """A attacks B (two disputes: the reef B holds, the rocks A holds). The place B holds comes
    first; coverage by administration takes it, by a list of other places it does not."""
    assert thresholds("{administered_by: B}") == {"rung": "limited_strikes", "place": "reef"}
    assert thresholds("[rocks]") == {"rung": "major_war", "place": "B's territory and forces"}
    assert thresholds("[reef]") == {"rung": "limited_strikes", "place": "reef"}
    # a treaty that covers none of B's places never fires, whatever A does to B
    assert thresholds("{administered_by: [A]}") == {"rung": "never", "place": "nowhere covered"}


def test_places_are_checked_and_cast_with_their_administrator(tmp_path: Path) -> None:
    """Unknown places and a dispute whose place another actor administers are one-line errors;
    a cast without a place's administrator drops the place, not the scenario."""
    bad = TOY.replace("COVERS", "[atoll]").replace("place: reef", "place: rocks")
    with pytest.raises(ScenarioError) as err:
        load_scenario_text(bad)
    text = str(err.value)
    assert "covers.0: unknown place or dispute 'atoll'" in text
    assert "place 'rocks' is administered by 'A', not by the dispute's holder 'B'" in text
    path = tmp_path / "toy.yaml"
    path.write_text(TOY.replace("COVERS", "{administered_by: B}") + "cast: [B, G]\n")
    s = load_scenario(path)
    assert set(s.places) == {"reef"} and s.places["reef"].claimed_by == []
