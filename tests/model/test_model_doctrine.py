"""Doctrine masks as invariants over many worlds (DESIGN.md, "Doctrine constraints").

- Japan's exclusively defence-oriented posture: Japan only moves onto a force rung toward an actor
  that has used force against Japan in this crisis (self-defence, which persists after the attacker
  steps down) or, under the Three New Conditions, toward the
  attacker of a partner Japan is committed to, once that commitment fired and is honoured. It strikes
  a homeland only after that actor attacked Japan itself (2022 counterstrike capability).
- Actors without nuclear weapons, or bound by non-nuclear principles, never reach a nuclear rung.

Each invariant is also shown to *fail* when the doctrine flag is switched off, so that a model that
ignored the flag would be caught rather than pass by never escalating.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from helpers import ROOT

from sim.model import WargameModel, compiled

FIXTURES = ROOT / "tests" / "fixtures" / "model"
PROVOCATION = FIXTURES / "senkaku_provocation.yaml"
NUCLEAR = FIXTURES / "nuclear_brink.yaml"
SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml"))


@dataclass
class JapanAudit:
    """Per replicate: did Japan move onto a force rung, and was any such move unlicensed?"""

    used_force: np.ndarray
    unlicensed_force: np.ndarray
    unlicensed_homeland: np.ndarray
    options_violations: list[str]


def audit_japan(path: Path, R: int, seed: int, overrides: dict | None = None) -> JapanAudit:
    """Play ``R`` worlds turn by turn, comparing each of Japan's moves with the licence it had.

    Before every turn we ask the model for Japan's options, as a player would: this prepares the
    turn (scheduled injects included), so the state copied then is what Japan decided on.
    """
    c = compiled(path, overrides)
    m = WargameModel(c, R=R, rng=seed, explain=False)
    japan = c.actors.index("Japan")
    guaranteed = [k for k in range(len(c.link_g)) if c.link_g[k] == japan]
    force_rungs = set(c.rung_names[c.first_force :])
    used = np.zeros(R, dtype=bool)
    bad = np.zeros(R, dtype=bool)
    bad_home = np.zeros(R, dtype=bool)
    options_violations: list[str] = []
    seen = m.rung.copy()  # highest rung of every dyad seen at a decision: "has used force"
    while m.running:
        options = m.options("Japan")  # prepares the turn
        before = m.rung.copy()
        np.maximum(seen, before, out=seen)
        fired = m.state.triggered.copy()
        honoured = m.state.honoured.copy()
        alive = m.state.alive.copy()
        m.step()
        for d in c.dyads_of[japan]:
            target = c.actors[c.dst[d]]
            rose = alive & (m.rung[:, d] > before[:, d])
            entered = rose & (m.rung[:, d] >= c.first_force)
            attacked = seen[:, c.reverse[d]] >= c.first_force  # target has used force on Japan
            collective = np.zeros(R, dtype=bool)
            for k in guaranteed:  # target is attacking a partner Japan is committed to
                hit = c.dyad_index(target, c.actors[c.link_p[k]])
                if hit >= 0:
                    collective |= fired[:, k] & honoured[:, k] & (seen[:, hit] >= c.first_force)
            used |= entered
            bad |= entered & ~(attacked | collective)
            bad_home |= rose & (m.rung[:, d] >= c.first_homeland) & ~attacked
            if alive[0] and not (attacked[0] or collective[0]):
                # holding or stepping down from a rung already reached is always allowed
                offered = {
                    r
                    for r in options.get(target, [])
                    if r in force_rungs and c.rung_index(r) > before[0, d]
                }
                if offered:
                    options_violations.append(
                        f"turn {m.turn}: {target}: offered {sorted(offered)} without licence"
                    )
    return JapanAudit(used, bad, bad_home, options_violations)


# crises that never end (docs/model.md, 11 switched off): worlds run on and fight more, to audit
ENDLESS = {
    "rules.settlement_rate": 0,
    "rules.concession_rate": 0,
    "rules.imposition_rate": 0,
    "rules.fade_weeks": 1000,
}


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_japan_uses_force_only_when_its_doctrine_licenses_it_in_shipped_scenarios(
    path: Path,
) -> None:
    if "Japan" not in compiled(path).actors:
        pytest.skip("no Japan in this scenario")
    a = audit_japan(path, R=2000, seed=20240601)
    assert not a.unlicensed_force.any(), (
        f"Japan used force without an attack on itself or an honoured collective-defence trigger "
        f"in {int(a.unlicensed_force.sum())} of 2000 worlds"
    )
    assert not a.unlicensed_homeland.any(), "Japan struck a homeland without being attacked"
    assert a.options_violations == []
    if path.stem == "taiwan_contingency":  # crises that do not end: worlds run on, fight more
        # (Japan's force there is rare, about 1 world in 6,000 before and after issue 14; the
        # provocation fixture below exercises the audit)
        long = audit_japan(path, R=2000, seed=20240601, overrides=ENDLESS)
        assert not long.unlicensed_force.any() and not long.unlicensed_homeland.any()


def test_japan_stays_within_its_doctrine_when_provoked() -> None:
    a = audit_japan(PROVOCATION, R=2000, seed=11)
    assert a.used_force.mean() > 0.1, "the fixture should push Japan into many licensed fights"
    assert not a.unlicensed_force.any()
    assert not a.unlicensed_homeland.any()
    assert a.options_violations == []


def test_audit_catches_force_when_the_defence_oriented_flag_is_off() -> None:
    """Sanity check of the audit itself: without the doctrine, provoked Japan strikes first."""
    a = audit_japan(
        PROVOCATION, R=2000, seed=11, overrides={"actors.Japan.doctrine.defence_oriented": False}
    )
    assert a.unlicensed_force.sum() >= 20
    # the options a player sees are world 0's: look at a few single worlds
    off = {"actors.Japan.doctrine.defence_oriented": False}
    offered = [
        audit_japan(PROVOCATION, R=1, seed=s, overrides=off).options_violations for s in range(5)
    ]
    assert any(offered), "world 0 should sometimes be offered force without licence"


def test_japan_is_not_offered_force_before_any_attack() -> None:
    m = WargameModel(PROVOCATION, R=1, rng=3)
    allowed = m.options("Japan")["China"]
    assert allowed, "Japan must have some move toward China"
    c = m.c
    assert all(c.rung_index(r) < c.first_force for r in allowed)


# --- non-nuclear actors ------------------------------------------------------------------------


def non_nuclear_actors(path: Path, overrides: dict | None = None) -> list[str]:
    s = compiled(path, overrides).scenario
    return [n for n, a in s.actors.items() if not a.nuclear or a.doctrine.non_nuclear]


def test_non_nuclear_actors_never_reach_a_nuclear_rung() -> None:
    m = WargameModel(NUCLEAR, R=2000, rng=5, explain=False)
    m.run()
    r = m.results()
    first = m.c.first_nuclear
    nuclear_users = [a for a in m.c.actors if (r[f"peak.{a}"] >= first).any()]
    assert set(nuclear_users) & {"Red", "Blue"}, "the fixture should see some nuclear use"
    assert sorted(non_nuclear_actors(NUCLEAR)) == ["Green", "Yellow"]
    for actor in non_nuclear_actors(NUCLEAR):
        peak = r[f"peak.{actor}"]
        assert (peak < first).all(), f"{actor} reached a nuclear rung"
        assert (peak == first - 1).mean() > 0.5, f"{actor} should be pressed to the brink"


@pytest.mark.parametrize(
    ("override", "actor"),
    [
        ({"actors.Green.nuclear": True}, "Green"),
        ({"actors.Yellow.doctrine.non_nuclear": False}, "Yellow"),
    ],
)
def test_nuclear_check_detects_an_actor_allowed_to_go_nuclear(override: dict, actor: str) -> None:
    """With the restriction lifted the same actor does go nuclear: the test above can fail."""
    m = WargameModel(NUCLEAR, R=2000, rng=5, overrides=override, explain=False)
    m.run()
    assert actor not in non_nuclear_actors(NUCLEAR, override)
    assert (m.results()[f"peak.{actor}"] >= m.c.first_nuclear).any()
