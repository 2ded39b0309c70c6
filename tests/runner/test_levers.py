"""Every lever acts (issue 13, item 5): lever screening and the levers that were dead or pointed
the wrong way, each as a property of the public API (WargameModel, sim.runner.levers, the CLI).

- self-defence persists once the rival has used force, for as long as the crisis runs;
- a host that refuses its bases to a guarantor does not fight for that guarantor, and denying the
  US bases in Japan does not make China strike Japan more (CSIS 2023: the bases are targets);
- Japan's collective self-defence for the US acts (credibility 0 vs 1 changes who fights);
- raising the Three New Conditions' survival threshold never widens Japan's licence;
- declared no-first-use masks nuclear first use; first use is possible only as a last resort;
- ``wargame check --levers`` warns about a lever with no effect and reports the others.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
from helpers import ROOT

from sim.model import WargameModel, compiled
from sim.rules.pairs import pairs_of
from sim.runner.levers import screen

FIXTURES = ROOT / "tests" / "fixtures" / "model"
TAIWAN = ROOT / "scenarios" / "taiwan_contingency.yaml"
STEP_DOWN = FIXTURES / "strike_and_step_down.yaml"
LAST_RESORT = FIXTURES / "last_resort.yaml"


def test_self_defence_persists_after_the_attacker_steps_down() -> None:
    m = WargameModel(STEP_DOWN, R=300, rng=4)
    c = m.compiled
    d = c.dyad_index("Defender", "Aggressor")
    stepped_down = False
    while m.running:
        m.options("Defender")  # prepares the turn: injects fire, masks are set
        s = m.state
        aggressor = s.rung[:, c.reverse[d]]
        if s.turn >= 1:  # the strike happened at turn 1 in every world
            stepped_down |= bool((aggressor < c.first_force).any())
            assert s.self_defence[s.alive, d].all()  # an ended world licenses nothing
            assert not s.self_defence[~s.alive].any()
            # while the pair's crisis runs (a settled pair stays quiet: docs/model.md, 11)
            running = s.alive & (s.resolution[:, pairs_of(c).of_dyad[d]] < 0)
            assert (s.highest_rung[running, d] >= c.first_force).all(), "licence lapsed"
        m.step()
    assert stepped_down, "the fixture should see the aggressor below the force rungs"


def test_a_host_refusing_bases_never_honours_its_pledge_to_that_guarantor() -> None:
    m = WargameModel(TAIWAN, R=400, rng=2)
    c, s = m.compiled, m.state
    k = [i for i, r in enumerate(c.link_relation) if r == "japan_us_collective"]
    granted = s.sampled["basing_access_0_granted"].astype(bool)
    assert (~granted).any() and granted.any()
    assert not s.honoured[~granted][:, k].any()
    # the honour draw is untouched: where bases are granted, honouring follows credibility
    assert (s.honoured[granted][:, k] == (s.honour_draw < s.credibility)[granted][:, k]).all()


def test_denying_us_bases_in_japan_does_not_raise_chinas_strikes_on_japan() -> None:
    """CSIS 2023: bases in Japan are central to the defence of Taiwan; denying them gives China no
    extra reason to strike Japan. No significant rise (paired worlds, common random numbers)."""
    struck = {}
    for access in (0.0, 1.0):
        m = WargameModel(
            TAIWAN, R=1000, rng=7, overrides={"relations.us_taiwan.basing_access": access}
        )
        m.run()
        struck[access] = m.results()["fought.China.Japan"].astype(float)
    diff = struck[0.0] - struck[1.0]
    se = diff.std(ddof=1) / np.sqrt(len(diff))
    assert diff.mean() <= 1.96 * se, (diff.mean(), se)


def test_three_new_conditions_threshold_never_widens_the_licence_world_by_world() -> None:
    """A higher survival threshold licenses collective defence in a subset of the worlds (same
    seed, same turn, while the worlds have not diverged: compared at the first turn only)."""
    licences = []
    for threshold in (0.6, 0.7, 0.8):
        m = WargameModel(
            TAIWAN, R=400, rng=3, overrides={"actors.Japan.doctrine.survival_threshold": threshold}
        )
        c = m.compiled
        m.options("Japan")
        d = c.dyad_index("Japan", "China")
        s = m.state
        licences.append(s.threat[:, d] >= s.survival_threshold[:, c.actors.index("Japan")])
    assert (licences[1] <= licences[0]).all() and (licences[2] <= licences[1]).all()
    assert licences[0].sum() > licences[2].sum(), "the threshold acts inside the threat's band"


def test_collective_self_defence_credibility_acts() -> None:
    """Japan's collective self-defence pledge to the US changes who fights in some worlds where North
    Korea attacks US forces. Since the crisis theatre and the crisis-ending rules, such attacks are
    rare and the effect is small (not significant at 300 worlds): the screening reports it as weak,
    which is what docs/model.md's lever table says; this guards against it going dead again."""
    sea = TAIWAN.parent / "sea_of_japan_incident.yaml"
    (effect,) = screen(sea, runs=300, seed=1, prefix="relations.japan_us_collective.cred")
    assert effect.changed > 0, effect.line()


def test_no_first_use_masks_first_use_and_last_resort_makes_it_possible() -> None:
    def nuclear_share(overrides: dict) -> float:
        m = WargameModel(LAST_RESORT, R=300, rng=1, overrides=overrides)
        m.run()
        return float((m.results()["peak.Weak"] >= m.compiled.first_nuclear).mean())

    assert nuclear_share({}) > 0.5, "first use as a last resort should happen in this fixture"
    assert nuclear_share({"actors.Weak.doctrine.no_first_use": True}) == 0.0
    assert nuclear_share({"rules.last_resort": 0.0}) == 0.0
    assert nuclear_share({"actors.Weak.doctrine.existential_threshold": 1.0}) == 0.0


def test_no_first_use_actor_is_not_offered_a_nuclear_rung_before_nuclear_use() -> None:
    m = WargameModel(LAST_RESORT, R=1, rng=1)
    nuclear = m.compiled.rung_names[m.compiled.first_nuclear]
    assert nuclear not in m.options("Strong")["Weak"]
    assert nuclear in m.options("Weak")["Strong"]


def test_library_declares_china_and_india_no_first_use() -> None:
    s = compiled(TAIWAN).scenario
    assert s.actors["China"].doctrine.no_first_use and s.actors["India"].doctrine.no_first_use
    assert not any(s.actors[a].doctrine.no_first_use for a in ("US", "Russia", "NorthKorea"))


def test_check_levers_warns_about_a_dead_lever(tmp_path: Path) -> None:
    """No actor of the fixture has nuclear weapons on its ladder's reach: last_resort is dead;
    temperature acts. The CLI warns about the first and lists the second."""
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "sim.cli",
            "check",
            str(STEP_DOWN),
            "--levers",
            "rules.",
            "--runs",
            "60",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    dead = [ln for ln in out.stdout.splitlines() if ln.startswith("warning: lever")]
    assert any("rules.last_resort" in ln for ln in dead), out.stdout
    assert not any("rules.temperature" in ln for ln in dead), out.stdout
    assert "rules.temperature" in out.stdout
