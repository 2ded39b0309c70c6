"""Alliance commitments in the crisis model: deterrence, treaty triggers, the security dilemma.

DESIGN.md: a challenger's expected gain falls with the committed coalition weighted by perceived
credibility; treaties fire on armed attacks and are honoured per replicate; threat perception grows
with the coalition forming against the perceiver (the security dilemma).
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pytest
from helpers import ROOT

from sim import Scenario, load_scenario
from sim.model import WargameModel, compiled

FIXTURES = ROOT / "tests" / "fixtures" / "model"
PROVOCATION = FIXTURES / "senkaku_provocation.yaml"
DILEMMA = FIXTURES / "security_dilemma.yaml"
SENKAKU = ROOT / "scenarios" / "senkaku_grey_zone.yaml"


def without_relation(path: Path, relation: str, overrides: dict | None = None) -> Scenario:
    s = load_scenario(path, overrides)
    assert relation in s.relations
    return s.model_copy(
        update={"relations": {k: v for k, v in s.relations.items() if k != relation}}
    )


def played(scenario: Path | Scenario, R: int, seed: int, overrides: dict | None = None):
    m = WargameModel(scenario, R=R, rng=seed, overrides=overrides, explain=False)
    m.run()
    return m


def force_share(m: WargameModel, actor: str, target: str) -> float:
    d = m.c.dyad_index(actor, target)
    assert d >= 0, f"no dyad {actor} -> {target}"
    return float((m.peak[:, d] >= m.c.first_force).mean())


def tolerance(p: float, q: float, n: int, z: float = 3.5) -> float:
    """Sampling tolerance for the difference of two shares of ``n`` worlds each."""
    pooled = max((p + q) / 2, 1 / n)
    return z * math.sqrt(2 * pooled * (1 - pooled) / n)


# --- deterrence ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "R"),
    [(PROVOCATION, 4000), pytest.param(SENKAKU, 1500, id="senkaku_grey_zone")],
    ids=lambda v: getattr(v, "stem", str(v)),
)
def test_a_more_credible_us_japan_treaty_does_not_invite_attacks_on_japan(
    path: Path, R: int
) -> None:
    if not path.exists():
        pytest.skip(f"{path.name} is not shipped")
    shares = [
        force_share(
            played(path, R, seed=99, overrides={"relations.us_japan.credibility": cred}),
            "China",
            "Japan",
        )
        for cred in (0.2, 0.6, 0.95)
    ]
    for low, high in itertools.pairwise(shares):
        assert high <= low + tolerance(low, high, R), f"attack shares by credibility: {shares}"


def test_credibility_deters_in_the_provocation_fixture() -> None:
    """Not only 'no worse': a credible treaty clearly deters in the Senkaku fixture."""
    low = force_share(
        played(PROVOCATION, 3000, 1, {"relations.us_japan.credibility": 0.2}), "China", "Japan"
    )
    high = force_share(
        played(PROVOCATION, 3000, 1, {"relations.us_japan.credibility": 0.95}), "China", "Japan"
    )
    assert high < low - tolerance(low, high, 3000)


# --- treaties and their triggers -------------------------------------------------------------


def test_removing_the_us_japan_treaty_removes_its_trigger_and_obligations() -> None:
    base = played(PROVOCATION, 3000, seed=4)
    gone = played(without_relation(PROVOCATION, "us_japan"), 3000, seed=4)
    r_base, r_gone = base.results(), gone.results()

    # with the treaty, the trigger fires and is sometimes honoured: the comparison means something
    assert r_base["triggered.us_japan"].any() and r_base["honoured.us_japan"].any()
    assert "triggered.us_japan" not in r_gone and "honoured.us_japan" not in r_gone
    # the other treaty is untouched
    assert "triggered.japan_us_collective" in r_gone

    # no commitment of the US to Japan remains, so the US never honours anything for Japan
    c = gone.c
    us, japan = c.actors.index("US"), c.actors.index("Japan")
    assert not ((c.link_g == us) & (c.link_p == japan)).any()

    # the US obligation to fight for Japan drove US escalation against China
    us_base, us_gone = force_share(base, "US", "China"), force_share(gone, "US", "China")
    assert us_base > 0.03  # crises end (model.md 11), so fewer worlds reach a US-China war
    assert us_gone < us_base - tolerance(us_base, us_gone, 3000)
    d_base, d_gone = base.c.dyad_index("US", "China"), gone.c.dyad_index("US", "China")
    assert gone.peak[:, d_gone].mean() < base.peak[:, d_base].mean()


def test_the_us_fights_mostly_where_it_honours_the_treaty() -> None:
    """US force against China follows an honoured Article 5, not a dishonoured one."""
    m = played(PROVOCATION, 3000, seed=8)
    r = m.results()
    d = m.c.dyad_index("US", "China")
    fights = m.peak[:, d] >= m.c.first_force
    honoured = r["honoured.us_japan"]
    dishonoured = r["triggered.us_japan"] & ~honoured
    assert honoured.sum() > 100 and dishonoured.sum() > 100
    assert fights[honoured].mean() > fights[dishonoured].mean() + 0.2


INJECTED_ATTACK = {
    # the scheduled blockade becomes an armed attack on Japan, and China is inclined to back off
    "injects.blockade.effects.0.to": "limited_strikes",
    "injects.blockade.probability": 1.0,
    "rules.audience_cost": 0.0,
    "actors.China.resolve": 0.3,
}


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param(None, id="attacks-by-decision"),
        pytest.param(INJECTED_ATTACK, id="attack-by-inject"),
    ],
)
def test_every_armed_attack_on_japan_fires_article_5(overrides: dict | None) -> None:
    m = played(PROVOCATION, 2000, seed=2, overrides=overrides)
    attacked = m.peak[:, m.c.dyad_index("China", "Japan")] >= m.c.first_force
    assert attacked.any()
    triggered = m.results()["triggered.us_japan"]
    missed = int((attacked & ~triggered).sum())
    spurious = int((triggered & ~attacked).sum())
    assert (missed, spurious) == (0, 0), f"{missed} attacks without trigger, {spurious} spurious"


# --- security dilemma --------------------------------------------------------------------------


def first_turn_threat(scenario: Scenario, perceiver: str, of: str, R: int = 50) -> np.ndarray:
    m = WargameModel(compiled(scenario), R=R, rng=12345, explain=False)
    m.step()
    return m.threat[:, m.c.dyad_index(perceiver, of)].astype(float)


def test_a_new_partner_of_japan_raises_chinas_threat_perception() -> None:
    with_partner = first_turn_threat(load_scenario(DILEMMA), "China", "Japan")
    alone = first_turn_threat(without_relation(DILEMMA, "uk_japan_raa"), "China", "Japan")
    assert (with_partner > alone + 1e-4).all()


def test_leaving_the_partner_out_of_the_cast_is_like_having_no_partnership() -> None:
    cast = load_scenario(DILEMMA, ["cast=[China, Japan]"])
    assert "uk_japan_raa" not in cast.relations
    np.testing.assert_allclose(
        first_turn_threat(cast, "China", "Japan"),
        first_turn_threat(without_relation(DILEMMA, "uk_japan_raa"), "China", "Japan"),
        rtol=0,
        atol=1e-6,
    )


def test_a_weightier_partnership_raises_threat_more() -> None:
    light = first_turn_threat(
        load_scenario(DILEMMA, {"relations.uk_japan_raa.weight": 0.2}), "China", "Japan"
    )
    heavy = first_turn_threat(
        load_scenario(DILEMMA, {"relations.uk_japan_raa.weight": 0.8}), "China", "Japan"
    )
    assert (heavy > light).all()


def test_without_the_security_dilemma_a_partnership_adds_no_threat() -> None:
    off = {"rules.security_dilemma": 0}
    with_partner = first_turn_threat(load_scenario(DILEMMA, off), "China", "Japan")
    alone = first_turn_threat(without_relation(DILEMMA, "uk_japan_raa", off), "China", "Japan")
    np.testing.assert_allclose(with_partner, alone, rtol=0, atol=1e-6)
