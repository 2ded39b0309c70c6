"""What a newcomer meets on the command line: progress on stderr off a terminal (plain lines, then a
final line) for run, sweep and report; help text for every argument; ``report`` on a sweep folder
points to ``analyse``; the EMA adapter's message names the parameter."""

from __future__ import annotations

import argparse
import subprocess
import sys
import types
from pathlib import Path

import pytest
from helpers import ROOT, one_line

from sim.cli import build_parser, main

PROVOCATION = ROOT / "tests" / "fixtures" / "model" / "senkaku_provocation.yaml"
SMALL = ROOT / "tests" / "fixtures" / "sweeps" / "small.yaml"


def test_every_argument_of_every_subcommand_has_help() -> None:
    missing = []
    for action in build_parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                for arg in sub._actions:
                    if not isinstance(arg, argparse._HelpAction) and not arg.help:
                        missing.append(f"{name} {'/'.join(arg.option_strings) or arg.dest}")
    assert not missing, f"arguments without help text: {missing}"


def test_run_off_a_terminal_prints_progress_lines_and_a_final_line(tmp_path: Path) -> None:
    out = tmp_path / "run"
    cmd = [sys.executable, "-m", "sim.cli", "run", str(PROVOCATION), "--runs", "600"]
    proc = subprocess.run(
        [*cmd, "--block", "100", "--workers", "1", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "\r" not in proc.stderr, "a progress bar written to a pipe"
    lines = proc.stderr.splitlines()
    assert lines[0] == f"{out}: 600 replicates to run"
    steps = [ln for ln in lines if " of 600 replicates (" in ln]
    assert 3 <= len(steps) <= 12  # every tenth at most (plus one every 10 s), not every block
    assert steps[-1].startswith(f"{out}: 600 of 600 replicates (100%)")
    assert lines[-1].startswith(f"{out}: 600 replicates done in ")
    assert "run folder:" in proc.stdout and "replicates done" not in proc.stdout


def test_quiet_run_prints_no_progress(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["run", str(PROVOCATION), "--runs", "200", "--block", "100", "--workers", "1"]
    assert main([*argv, "--quiet", "--out", str(tmp_path / "q")]) == 0
    assert capsys.readouterr().err == ""


@pytest.fixture(scope="module")
def sweep_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("progress") / "sweep"
    cmd = [sys.executable, "-m", "sim.cli", "sweep", str(SMALL), "--workers", "1"]
    proc = subprocess.run(
        [*cmd, "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    return out, proc.stderr


def test_sweep_off_a_terminal_prints_progress_lines_and_a_final_line(
    sweep_run: tuple[Path, str],
) -> None:
    out, err = sweep_run
    lines = err.splitlines()
    assert lines[0] == f"{out}: 600 replicates to run"  # 12 points x 50
    assert [ln.split(" (")[0] for ln in lines[1:-1]] == [
        f"{out}: {n} of 600 replicates" for n in (200, 400, 600)
    ]
    assert lines[-1].startswith(f"{out}: 12 points x 50 replicates done in ")


def test_report_of_a_sweep_folder_points_to_analyse(
    sweep_run: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    out, _ = sweep_run
    assert main(["report", str(out)]) == 2
    line = one_line(capsys)
    assert "a sweep folder" in line and f"wargame analyse {out}" in line


def test_report_tells_each_step_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import sim.outputs.report as report

    real = report.representative_timelines
    monkeypatch.setattr(  # the search for an unreachable outcome would use its whole 8 s
        report, "representative_timelines", lambda d, budget_s: real(d, budget_s=0.5)
    )
    out = tmp_path / "run"
    argv = ["run", str(PROVOCATION), "--runs", "200", "--block", "100", "--workers", "1"]
    assert main([*argv, "--quiet", "--trajectories", "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["report", str(out)]) == 0
    captured = capsys.readouterr()
    steps = captured.err.splitlines()
    assert steps[0].startswith("report: read 200 replicates")
    for step in ("outcome distribution", "fan chart", "alliance network", "explained world"):
        assert any(step in s for s in steps), step
    assert steps[-1].startswith("report: done (")
    assert captured.out == f"wrote {out / 'report.html'}\n"


def test_ema_message_names_the_parameter(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check runs before any EMA class is used: a stand-in module is enough (EMA needs 3.12)."""
    from sim import ema

    fake = types.SimpleNamespace(ReplicatorModel=object, ScalarOutcome=object)
    monkeypatch.setitem(sys.modules, "ema_workbench", fake)
    with pytest.raises(ValueError) as info:
        ema.ema_model(PROVOCATION, parameters={"turns.limit": None})
    message = str(info.value)
    assert "parameters={'turns.limit': (low, high)}" in message
    assert "{path!r" not in message
