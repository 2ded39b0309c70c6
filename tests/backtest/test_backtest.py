"""``wargame backtest``: scoring maths by hand, leave-one-out baselines, determinism across worker
counts, the folder and report the CLI writes, checks and the docs/validation.md section.

The deck is tests/fixtures/history/: three fictional cases (invented states and crises)."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import ROOT, assert_same_file

from sim.backtest import baselines
from sim.backtest.checks import CHECKS, evaluate
from sim.backtest.deck import load_deck
from sim.backtest.dimensions import BANDS, band
from sim.backtest.run import run_backtest
from sim.backtest.scoring import brier_score, log_score, reliability, smoothed
from sim.backtest.validation import BEGIN, END, write_section
from sim.cli import main

DECK = ROOT / "tests/fixtures/history"


def test_scoring_rules_against_hand_computed_values() -> None:
    p = smoothed([3, 1, 0], 0.5)  # (3.5, 1.5, 0.5) / 5.5
    assert p.tolist() == pytest.approx([3.5 / 5.5, 1.5 / 5.5, 0.5 / 5.5])
    assert log_score(p, 0) == pytest.approx(-math.log(3.5 / 5.5))
    assert log_score([0.25, 0.75], 1) == pytest.approx(0.2876820724517809)
    assert brier_score([0.7, 0.2, 0.1], 0) == pytest.approx(0.09 + 0.04 + 0.01)
    assert brier_score([0.7, 0.2, 0.1], 2) == pytest.approx(0.49 + 0.04 + 0.81)
    assert brier_score([1.0, 0.0], 0) == 0.0
    bins = reliability([0.1, 0.15, 0.5, 0.95, 1.0], [False, True, True, True, False], bins=5)
    assert [b["n"] for b in bins] == [2, 0, 1, 0, 2]
    assert bins[0]["mean_predicted"] == pytest.approx(0.125)
    assert bins[0]["observed_frequency"] == pytest.approx(0.5)
    assert math.isnan(bins[1]["observed_frequency"])
    assert bins[4]["observed_frequency"] == pytest.approx(0.5)


def test_duration_bands() -> None:
    edges = {7: "<=7", 8: "8-30", 30: "8-30", 31: "31-90", 90: "31-90", 91: "91-365"}
    edges |= {365: "91-365", 366: ">365", 0: "<=7"}
    assert {d: band(d) for d in edges} == edges
    assert BANDS == ("<=7", "8-30", "31-90", "91-365", ">365")


def test_leave_one_out_base_rate_never_uses_the_scored_case() -> None:
    obs = [
        ("a", "violence", "none"),
        ("b", "violence", "none"),
        ("c", "violence", "full_scale_war"),
    ]
    obs += [("c", "ally", "intervened")]
    # c's forecast counts a and b only (two 'none'), Laplace-smoothed over five classes
    assert baselines.base_rate(obs, "c", "violence").tolist() == pytest.approx(
        [3 / 7, 1 / 7, 1 / 7, 1 / 7, 1 / 7]
    )
    # whatever c observed, its own forecast is the same
    for other in ("none", "minor_clashes", "nuclear_use"):
        changed = [(k, d, other if k == "c" and d == "violence" else v) for k, d, v in obs]
        assert baselines.base_rate(changed, "c", "violence").tolist() == pytest.approx(
            baselines.base_rate(obs, "c", "violence").tolist()
        )
    # no other case has an ally decision: the base rate is uniform
    assert baselines.base_rate(obs, "c", "ally").tolist() == [0.5, 0.5]


@pytest.fixture(scope="module")
def one_worker(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bt") / "one"
    run_backtest(DECK, runs=200, seed=5, block=100, workers=1, out=out)
    return out


def test_same_seed_same_tables_on_one_and_two_workers(one_worker: Path, tmp_path: Path) -> None:
    two = tmp_path / "two"
    run_backtest(DECK, runs=200, seed=5, block=100, workers=2, out=two)
    for name in ("scores.parquet", "predictions.parquet"):
        assert_same_file(one_worker / name, two / name)


def test_scores_table_is_what_the_forecasts_say(one_worker: Path) -> None:
    scores = pd.read_parquet(one_worker / "scores.parquet")
    preds = pd.read_parquet(one_worker / "predictions.parquet")
    cases, _ = load_deck(DECK)
    assert list(scores.case.unique()) == [c.name for c in cases]  # deck (file name) order
    assert len(scores) == sum(len(c.dimensions) for c in cases)
    obs = [(c.name, d.kind, d.observed) for c in cases for d in c.dimensions]
    for c in cases:
        for d in c.dimensions:
            row = scores[(scores.case == c.name) & (scores.dimension == d.name)].iloc[0]
            p = preds[(preds.case == c.name) & (preds.dimension == d.name)]
            assert list(p["class"]) == list(d.classes)
            assert p["count"].sum() == row.runs == 200
            counts = p["count"].to_numpy()
            engine = (counts + 0.5) / (counts.sum() + 0.5 * len(counts))
            o = d.classes.index(d.observed)
            assert row.p_engine == pytest.approx(engine[o])
            assert row.log_engine == pytest.approx(-math.log(engine[o]))
            assert row.p_uniform == pytest.approx(1 / len(d.classes))
            loo = baselines.base_rate(obs, c.name, d.kind)
            assert row.p_base_rate == pytest.approx(loo[o])
            assert row.brier_base_rate == pytest.approx(
                float(((loo - np.eye(len(loo))[o]) ** 2).sum())
            )
    summary = json.loads((one_worker / "summary.json").read_text())
    assert summary["overall"]["engine"]["log"] == pytest.approx(scores.log_engine.mean())
    assert summary["overall"]["n"] == len(scores)


def test_cli_writes_the_folder_and_the_report(tmp_path: Path, capsys) -> None:
    out = tmp_path / "cli"
    doc = tmp_path / "validation.md"
    doc.write_text(
        f"# Validation\n\nthe deck table stays\n\n{BEGIN}\nSTALE-SECTION-TEXT\n{END}\n\nafter\n"
    )
    args = ["backtest", str(DECK), "--runs", "60", "--block", "30", "--workers", "1"]
    code = main([*args, "--out", str(out), "--quiet", "--doc", str(doc)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "all dimensions" in printed and f"backtest folder: {out}" in printed
    m = json.loads((out / "manifest.json").read_text())
    assert m["kind"] == "backtest" and m["status"] == "complete"
    assert [c["name"] for c in m["cases"]] == ["border_war", "fishing_incident", "strait_standoff"]
    html = (out / "backtest.html").read_text()
    assert "data:image/png;base64," in html and "fishing_incident" in html
    assert "<script" not in html
    text = doc.read_text()
    assert text.startswith("# Validation\n\nthe deck table stays\n") and text.endswith("after\n")
    assert (
        "STALE-SECTION-TEXT" not in text
        and "### Engine scores" in text
        and "strait_standoff" in text
    )
    write_section(out, doc)  # regenerating replaces the section, once
    assert doc.read_text().count(BEGIN) == 1
    md_args = ["--out", str(tmp_path / "md"), "--format", "md", "--quiet"]
    assert main([*args, *md_args]) == 0
    md = (tmp_path / "md" / "backtest.md").read_text()
    assert "| border_war | violence | full_scale_war |" in md


def test_a_case_without_turn_days_is_one_located_line(tmp_path: Path, capsys) -> None:
    deck = tmp_path / "deck"
    deck.mkdir()
    for p in DECK.glob("*.yaml"):
        shutil.copy(p, deck / p.name)
    bad = deck / "fishing_incident.yaml"
    bad.write_text(bad.read_text().replace(", days: 3}", "}"))
    assert main(["backtest", str(deck), "--runs", "10", "--workers", "1", "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert (
        len(err) == 1 and "fishing_incident.yaml:1:1: turns.days: needed by the backtest" in err[0]
    )


def test_check_verdicts_from_paired_arms() -> None:
    no_rise = next(c for c in CHECKS if c.expect == "no_increase")
    a = np.array([1.0, 1, 0, 0] * 50)
    r = evaluate(no_rise, {"A": a, "B": a * 0})  # every attacked world now unattacked
    assert r["effect"] == pytest.approx(-0.5) and r["hi"] < 0 and r["passed"]
    r = evaluate(no_rise, {"A": a * 0, "B": a})
    assert r["lo"] > 0 and not r["passed"]
    peace = next(c for c in CHECKS if c.expect == "at_most")
    assert evaluate(peace, {"A": np.zeros(1000)})["passed"]
    assert not evaluate(peace, {"A": np.r_[np.ones(30), np.zeros(970)]})["passed"]


def test_checks_run_with_common_random_numbers(tmp_path: Path) -> None:
    credibility = next(c for c in CHECKS if c.name == "ally_credibility_does_not_invite_attack")
    rd = run_backtest(
        DECK,
        runs=100,
        seed=2,
        block=100,
        workers=1,
        checks=True,
        check_list=(credibility,),
        out=tmp_path / "c",
    )
    rows = json.loads((rd.path / "summary.json").read_text())["checks"]
    assert [r["check"] for r in rows] == [credibility.name]
    r = rows[0]
    assert r["runs"] == 100 and r["lo"] <= r["effect"] <= r["hi"]
    assert r["effect"] == pytest.approx(r["mean_b"] - r["mean_a"])
    assert pd.read_parquet(rd.path / "checks.parquet").check.tolist() == [credibility.name]


def test_an_ally_that_deploys_against_its_partners_adversary_has_intervened() -> None:
    # the deck codes a deployment into the theatre as intervention (docs/validation.md): a
    # show of force (the default ladder's first deployment rung) toward an actor coercing the
    # partner counts; a protest does not, nor a deployment toward an actor leaving it alone
    from sim.backtest.dimensions import Theatre, intervened
    from sim.scenario.ladder import DEFAULT_LADDER

    names = [r.name for r in DEFAULT_LADDER.rungs]
    actors = ["Ally", "Partner", "Rival", "Other"]
    src = np.array([0, 2, 0, 3])  # Ally->Rival, Rival->Partner, Ally->Other, Other->Partner
    dst = np.array([2, 1, 3, 1])
    show, protest, grey = (names.index(n) for n in ("show_of_force", "protest", "grey_zone"))
    peak = np.array(
        [
            [show, grey, 0, 0],  # deploys against the rival coercing the partner: intervened
            [protest, grey, 0, 0],  # only protests: stayed out
            [0, grey, show, protest],  # deploys against an actor that only protests: stayed out
        ],
        dtype=np.int8,
    )
    t = Theatre(
        support_peak=np.zeros((3, 0), dtype=np.int8),
        link_g=np.array([], dtype=int),
        link_p=np.array([], dtype=int),
        actors=actors,
        peak=peak,
        src=src,
        dst=dst,
        first_deployment=show,
        quiet=protest,
    )
    cols = {"violence": np.array(["none"] * 3)}
    assert intervened(cols, t, "Ally", "Partner").tolist() == [True, False, False]
    assert [r.name for r in DEFAULT_LADDER.rungs if r.deployment] == ["show_of_force"]


def test_a_dyad_peak_metric_reads_that_dyads_highest_rung() -> None:
    from sim.backtest.checks import check_scenarios
    from sim.backtest.task import play, run_check_arm

    ch = next(c for c in CHECKS if c.name == "closer_partnerships_raise_tension")
    assert ch.metric == {"kind": "peak_toward", "a": "China", "b": "Japan"}
    data = next(iter(check_scenarios((ch,)).values()))
    values = run_check_arm(data, ch.metric, 60, 0, 0)
    m, _ = play(data, 60, 0, (0,))
    assert np.array_equal(values, m.state.peak[:, m.c.dyad_index("China", "Japan")].astype(float))
    assert values.max() > 0  # China does press Japan in some worlds
