"""Reports, comparisons and the notebook API on real (small) runs."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT

import sim
from sim.cli import main
from sim.outputs.compare import compare_runs
from sim.outputs.report import write_report
from sim.runner.worker import run_block

SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


def small_run(tmp: Path, scenario: Path, seed: int = 1, runs: int = 600, **kw) -> sim.RunResult:
    overrides = {"turns.limit": 12, **kw.pop("overrides", {})}
    return sim.run(
        scenario, runs=runs, seed=seed, block=300, workers=1, out=tmp, overrides=overrides, **kw
    )


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.stem)
def test_report_for_each_shipped_scenario_has_its_figures(tmp_path: Path, scenario: Path) -> None:
    result = small_run(tmp_path / "run", scenario)
    path = write_report(result.path, timeline_budget=1.5, replay_block=run_block)
    text = path.read_text(encoding="utf-8")
    images = re.findall(
        r"<img alt='([^']+)' src='data:image/png;base64,([A-Za-z0-9+/=]{200,})'", text
    )
    alts = {alt for alt, _ in images}
    assert {
        "outcome distribution",
        "escalation fan chart",
        "alliance network",
        "parameter separation",
    } <= alts
    assert "src='http" not in text and 'src="http' not in text  # self-contained: opens offline
    for name in result.summary["outcomes"]:
        assert name in text
    assert "<details><summary>" in text  # at least one representative world with its timeline
    assert "Briefing" in text


def test_markdown_report_lists_outcomes_and_treaties(tmp_path: Path) -> None:
    result = small_run(tmp_path / "run", ROOT / "scenarios" / "senkaku_grey_zone.yaml")
    main(["report", str(result.path), "--format", "md"])
    md = (result.path / "report.md").read_text(encoding="utf-8")
    assert md.startswith("# Senkaku grey-zone crisis")
    assert "| frozen_grey_zone |" in md and "| us_japan |" in md


def test_compare_flags_a_real_difference(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scen = ROOT / "scenarios" / "taiwan_contingency.yaml"
    a = small_run(
        tmp_path / "a", scen, seed=1, runs=1200, overrides={"relations.us_taiwan.credibility": 0.05}
    )
    b = small_run(
        tmp_path / "b", scen, seed=2, runs=1200, overrides={"relations.us_taiwan.credibility": 0.95}
    )
    r = compare_runs(a.path, b.path)
    assert r["different"] and r["p_overall"] < 1e-6
    alone = next(row for row in r["rows"] if row["outcome"] == "taiwan_fights_alone")
    assert alone["significant"] and alone["difference"] < 0
    assert main(["compare", str(a.path), str(b.path)]) == 0
    assert "the distributions differ" in capsys.readouterr().out


def test_compare_does_not_flag_noise(tmp_path: Path) -> None:
    """Pairs of runs differing only in seed: the 5% test should fire about 5% of the time.
    Eight pairs with fixed seeds; four or more alarms would have probability 0.04% if calibrated
    (these seeds give three, each with p between 0.01 and 0.04; the spread of a share across
    independent runs matches the binomial one, so the test itself is not over-dispersed)."""
    scen = ROOT / "scenarios" / "senkaku_grey_zone.yaml"
    alarms = 0
    for k in range(8):
        a = small_run(tmp_path / f"a{k}", scen, seed=100 + 2 * k, runs=400)
        b = small_run(tmp_path / f"b{k}", scen, seed=101 + 2 * k, runs=400)
        alarms += compare_runs(a.path, b.path)["different"]
    assert alarms <= 3


def test_compare_refuses_different_scenarios_unless_forced(tmp_path: Path) -> None:
    a = small_run(tmp_path / "a", ROOT / "scenarios" / "senkaku_grey_zone.yaml")
    b = small_run(tmp_path / "b", ROOT / "scenarios" / "korean_peninsula_crisis.yaml")
    proc = subprocess.run(
        [sys.executable, "-m", "sim.cli", "compare", str(a.path), str(b.path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and "--force" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert compare_runs(a.path, b.path, force=True)["rows"]


@pytest.mark.parametrize("command", ["report", "compare"])
def test_missing_or_invalid_run_dir_is_one_clear_line(tmp_path: Path, command: str) -> None:
    (tmp_path / "empty").mkdir()
    for target, expected in [
        (tmp_path / "nope", "no such run directory"),
        (tmp_path / "empty", "not a run directory"),
    ]:
        args = [str(target)] if command == "report" else [str(target), str(target)]
        proc = subprocess.run(
            [sys.executable, "-m", "sim.cli", command, *args],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        assert proc.returncode == 2
        assert expected in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
        assert "Traceback" not in proc.stderr


def test_python_api_round_trip(tmp_path: Path) -> None:
    result = small_run(
        tmp_path / "run", ROOT / "scenarios" / "korean_peninsula_crisis.yaml", trajectories=True
    )
    df = result.outcomes
    assert len(df) == 600 and list(df["replicate"]) == list(range(600))
    assert set(df["outcome"]) <= set(result.summary["outcomes"])
    again = sim.load_run(result.path)
    assert again.summary == result.summary
    assert again.outcomes.equals(df)
    assert set(again.trajectories.columns) >= {"replicate", "turn", "NorthKorea", "SouthKorea"}
    with pytest.raises(sim.RunError):
        sim.load_run(tmp_path / "missing")
