"""The ``wargame`` commands that play the crisis model: run --explain, check and bench."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import ROOT

from sim.cli import main

FIXTURES = ROOT / "tests" / "fixtures" / "model"
PROVOCATION = str(FIXTURES / "senkaku_provocation.yaml")
DILEMMA = str(FIXTURES / "security_dilemma.yaml")


def test_run_explain_prints_a_timeline_and_the_outcome(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", PROVOCATION, "--runs", "1", "--seed", "4", "--explain"]) == 0
    out = capsys.readouterr().out
    assert "Turn 1" in out
    assert re.search(r"^  (China|Japan|US) (escalates|de-escalates|holds)", out, re.M)
    outcome = re.search(r"^Outcome: (\w+) \(turn (\d+)\)$", out, re.M)
    assert outcome, out
    assert outcome.group(1) in {"china_attacks_japan", "us_china_war", "coercion", "calm"}
    assert 1 <= int(outcome.group(2)) <= 15


def test_run_explain_applies_overrides(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["run", DILEMMA, "--runs", "1", "--explain", "--set", "turns.limit=1"]
    assert main(args) == 0
    assert "(turn 1)" in capsys.readouterr().out


def test_run_explain_needs_a_single_world(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", PROVOCATION, "--runs", "5", "--explain"]) == 2
    assert "--runs 1" in capsys.readouterr().err


def test_run_prints_every_outcome_with_its_share(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    argv = ["run", PROVOCATION, "--runs", "300", "--seed", "1", "--block", "100"]
    assert main([*argv, "--out", str(tmp_path / "run")]) == 0
    out = capsys.readouterr().out
    assert "300 replicates, seed 1" in out
    counts = {
        m.group(1): int(m.group(2)) for m in re.finditer(r"^  (\w+)\s+(\d+)\s+[\d.]+%", out, re.M)
    }
    assert set(counts) == {"china_attacks_japan", "us_china_war", "coercion", "calm"}
    assert sum(counts.values()) == 300


def test_check_reports_determinism(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", DILEMMA, "--runs", "200", "--block", "100"]) == 0
    out = capsys.readouterr().out
    assert "deterministic: two runs of 200 replicates with seed 0 are identical" in out
    assert re.search(r"^check: ok, [1-9]\d* warning\(s\)$", out, re.M)
    # the fixture has an outcome that Japan's non-nuclear doctrine makes unreachable
    assert "warning: outcome 'japan_goes_nuclear' was reached by no replicate" in out


def test_bench_prints_rates(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["bench", DILEMMA, "--runs", "100", "--batch-runs", "2", "--block", "50"]
    assert main(args) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    last = lines[-1]
    threads = [ln for ln in lines if ln.startswith("engine on ")]
    assert threads and threads[0].startswith("engine on 1 thread: ")  # then every core's rate
    rate = r": \d+ replicates/s \(\d+\.\d\dx one thread; 3 passes \d+-\d+\)$"  # medians
    assert all(re.search(rate, ln) for ln in threads), threads
    assert re.search(
        r"^machine load average: \d+\.\d\d at start, \d+\.\d\d at end$", "\n".join(lines), re.M
    )
    if len(threads) > 1:  # every core: on as many threads, then as many worker processes
        assert re.search(
            r"engine on (\d+) threads: .*\nengine on \1 processes: ", "\n".join(threads)
        )
    assert re.fullmatch(
        r"bench: \d+ replicates/s, batch_run \d+(\.\d+)? replicates/s, ratio \d+x", last
    ), last
