"""Alliance decisions: when a trigger fires the guarantor decides, with credibility as the prior
(docs/model.md, "Alliance decisions"; Snyder 1984 on abandonment and entrapment)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from helpers import ROOT

import sim
from sim.model import WargameModel
from sim.scenario.schema import SUPPORT_LEVELS

KURIL = ROOT / "scenarios" / "kuril_incident.yaml"
# Russia strikes Japan's homeland at the start of turn 1: Article 5 fires before anyone moves, so
# the US decides in a situation that does not depend on the numbers being compared.
STRIKE = {
    "injects.missile_deployment.effects.0.to": "homeland_strikes",
    "relations.us_japan.credibility": 0.5,
}


def first_decision(overrides: dict, R: int = 400, seed: int = 11) -> tuple[np.ndarray, ...]:
    """(triggered, honoured, level) of the US -> Japan link after the first turn is prepared."""
    m = WargameModel(KURIL, R=R, rng=seed, overrides={**STRIKE, **overrides}, explain=False)
    m.options("Japan")  # prepares the coming turn (injects fire, triggers, decisions)
    k = m.compiled.link_relation.index("us_japan")
    s = m.state
    return s.triggered[:, k].copy(), s.honoured[:, k].copy(), s.decided_level[:, k].copy()


def test_raising_credibility_never_lowers_support_world_by_world() -> None:
    """Same worlds, same draws: every world's support at credibility 0.7 is at least its support
    at 0.3, and some worlds gain."""
    t_lo, h_lo, lv_lo = first_decision({"relations.us_japan.credibility": 0.3})
    t_hi, h_hi, lv_hi = first_decision({"relations.us_japan.credibility": 0.7})
    assert t_lo.all() and t_hi.all()
    assert (h_hi >= h_lo).all() and (lv_hi >= lv_lo).all()
    assert (h_hi & ~h_lo).sum() > 20


def test_the_honour_rate_is_a_result_not_the_credibility_typed_in() -> None:
    """At credibility 0.5 the share honoured moves with the attacker: the US supports Japan less
    against a nuclear-armed Russia than against the same Russia without nuclear weapons, world by
    world, and neither share is the credibility typed in."""
    _, nuclear, _ = first_decision({})
    _, conventional, _ = first_decision({"actors.Russia.nuclear": False})
    assert (conventional >= nuclear).all()
    assert conventional.sum() > nuclear.sum()
    assert abs(nuclear.mean() - 0.5) > 0.1


def test_a_partner_that_started_the_fight_gets_less_support() -> None:
    """Entrapment: Japan (not defence-oriented here) fires first at turn 1, Russia strikes Japan's
    homeland at turn 2. The entrapment weight acts only in the worlds where Japan used force longer
    than Russia, and only downward."""
    over = {
        "actors.Japan.doctrine.defence_oriented": False,
        "injects.boat_detained.turn": 1,
        "injects.boat_detained.probability": 1.0,
        "injects.boat_detained.effects.0.to": "limited_strikes",
        "injects.patrol_fired_on.turn": 2,
        "injects.patrol_fired_on.probability": 1.0,
        "injects.patrol_fired_on.effects.0.to": "homeland_strikes",
        "injects.missile_deployment.probability": 0.0,
    }

    def at_turn_2(entrapment: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        m = WargameModel(
            KURIL, R=400, rng=12, overrides={**over, "rules.support_entrapment": entrapment}
        )
        m.step()
        m.options("Japan")  # prepares the coming turn (injects fire, triggers, decisions)
        c, s = m.compiled, m.state
        k = c.link_relation.index("us_japan")
        jr, rj = c.dyad_index("Japan", "Russia"), c.dyad_index("Russia", "Japan")
        started = s.violent_turns[:, jr] > s.violent_turns[:, rj]
        return s.triggered[:, k].copy(), s.honoured[:, k].copy(), started

    t0, h0, started = at_turn_2(0.0)
    t1, h1, _ = at_turn_2(1.5)
    both = t0 & t1  # worlds where Article 5 fired in both arms (nearly all: the crisis may end)
    assert both.sum() > 350 and (started & both).sum() > 50
    assert (h1 <= h0)[both].all()
    assert not (h1 != h0)[both & ~started].any()
    assert (h0 & ~h1)[both & started].sum() > 10


def test_honour_rates_per_link_are_in_the_summary_and_the_report(tmp_path: Path) -> None:
    """summary.json's `alliances` counts, per link, triggered and honoured worlds and the support
    chosen; they agree with the outcome table, and the report shows them."""
    res = sim.run(KURIL, runs=300, seed=2, overrides=STRIKE, out=tmp_path / "run")
    row = res.summary["alliances"]["us_japan US>Japan"]
    col = res.outcomes["link.us_japan.US.Japan.support"]
    assert row["triggered"] == int((col >= 0).sum()) > 250
    assert row["honoured"] == int(res.outcomes["link.us_japan.US.Japan.honoured"].sum())
    assert sum(row["support"].values()) == row["triggered"]
    assert row["support"]["combat"] >= row["honoured"]  # the promised level is combat
    assert 0 < row["rate"] < 1 and list(row["support"]) == list(SUPPORT_LEVELS)
    from sim.outputs.report import RunData, render_markdown

    text = render_markdown(RunData(res.path))
    assert "| us_japan US>Japan |" in text
