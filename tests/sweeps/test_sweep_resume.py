"""Interrupted sweeps: a sweep killed at any moment resumes with exactly the missing batches and ends
byte-identical to an uninterrupted one.

A real ``wargame sweep`` process (with its worker pool, in its own process group) is killed with
SIGKILL once some batches are on disk; ``wargame sweep --resume`` (in this process, one worker,
``run_points`` recorded) must compute only the points of the missing batches, each once, and give the
same bytes as an uninterrupted sweep.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import ROOT

import sim.sweeps.run as run_mod
from sim.cli import main
from sim.sweeps.run import SweepDir, execute_sweep, start_sweep

FIXTURES = ROOT / "tests" / "fixtures" / "sweeps"
LONG = FIXTURES / "long.yaml"  # 40 points in 20 batches of 2, 150 replicates, 20 turns
SMALL = FIXTURES / "small.yaml"  # 12 points in 3 batches of 4
REAL_RUN_POINTS = run_mod.run_points


def output_files(path: Path) -> list[str]:
    """points.parquet, design.parquet and every replicate partition (relative paths)."""
    files = sorted(p.relative_to(path).as_posix() for p in (path / "replicates").rglob("*"))
    return ["design.parquet", "points.parquet", *files]


def assert_same_bytes(a: Path, b: Path) -> None:
    files = output_files(a)
    assert files == output_files(b)
    for name in files:
        if (a / name).is_file():
            assert (a / name).read_bytes() == (b / name).read_bytes(), name
    assert not [p for p in a.rglob("*") if p.name.endswith(".tmp")]  # no temporary file left
    assert not (a / "points").exists()
    assert json.loads((a / "manifest.json").read_text(encoding="utf-8"))["status"] == "complete"


def uninterrupted(spec_file: Path, out: Path) -> Path:
    sd = start_sweep(spec_file, out)
    execute_sweep(sd, workers=1, quiet=True)
    return sd.path


class Recorder:
    """Stands in for ``run_points`` (in-process executor): records the points each task runs."""

    def __init__(self, stop_after: int | None = None) -> None:
        self.calls: list[list[int]] = []
        self.stop_after = stop_after

    def __call__(self, base: dict, rows: list, replicates: int, seed: int) -> dict:
        if self.stop_after is not None and len(self.calls) >= self.stop_after:
            raise KeyboardInterrupt  # as Ctrl-C would, in the middle of the sweep
        self.calls.append([p for p, _ in rows])
        return REAL_RUN_POINTS(base, rows, replicates, seed)

    @property
    def points(self) -> list[int]:
        return sorted(p for call in self.calls for p in call)


def points_of(batches: set[int] | list[int], batch: int, n: int) -> list[int]:
    return sorted(p for b in batches for p in range(b * batch, min((b + 1) * batch, n)))


def test_killed_sweep_resumes_byte_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    killed = tmp_path / "killed"
    cmd = [sys.executable, "-m", "sim.cli", "sweep", str(LONG), "--workers", "2"]
    proc = subprocess.Popen(
        [*cmd, "--out", str(killed), "--quiet"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: the pool's workers die with it
    )
    try:
        deadline = time.monotonic() + 120
        while not any((killed / "points").glob("batch-*.parquet")):
            if proc.poll() is not None:
                pytest.fail(f"the sweep ended before it was killed: {proc.stderr.read()[-2000:]}")
            assert time.monotonic() < deadline, "no batch finished in 120 s"
            time.sleep(0.01)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        if proc.poll() is None:
            proc.wait(timeout=30)
        if proc.stderr is not None:
            proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL

    m = json.loads((killed / "manifest.json").read_text(encoding="utf-8"))
    assert m["status"] == "incomplete"
    n_points, n_batches, batch = m["points"], m["batches"], m["spec"]["batch"]
    assert (n_points, n_batches, batch) == (40, 20, 2)
    done = SweepDir(killed).finished_batches()
    assert 0 < len(done) < n_batches, f"killed too late to test a resume: {sorted(done)}"
    assert not (killed / "points.parquet").exists()

    reference = uninterrupted(LONG, tmp_path / "reference")
    # resume (the command, in this process with one worker so that run_points can be recorded):
    # only the missing batches are computed, each once, and the result is the uninterrupted sweep
    recorder = Recorder()
    monkeypatch.setattr(run_mod, "run_points", recorder)
    assert main(["sweep", "--resume", str(killed), "--workers", "1", "--quiet"]) == 0
    assert "40 points x 150 replicates" in capsys.readouterr().out
    missing = [b for b in range(n_batches) if b not in done]
    assert recorder.points == points_of(missing, batch, n_points)
    assert sorted(map(tuple, recorder.calls)) == [
        tuple(points_of([b], batch, n_points)) for b in missing
    ]
    assert_same_bytes(killed, reference)


def test_interrupted_sweep_resumes_with_the_missing_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl-C after two batches; then a crash between a batch's two files, and stale temporaries."""
    reference = uninterrupted(SMALL, tmp_path / "reference")
    out = tmp_path / "out"
    first = Recorder(stop_after=2)
    monkeypatch.setattr(run_mod, "run_points", first)
    rc = main(["sweep", str(SMALL), "--workers", "1", "--quiet", "--out", str(out)])
    assert rc == 130
    err = capsys.readouterr().err
    assert f"wargame sweep --resume {out}" in err
    assert "Traceback" not in err
    assert first.points == list(range(8))
    sd = SweepDir(out)
    assert sd.finished_batches() == {0, 1}
    assert sd.manifest()["status"] == "incomplete"

    # batch 1 "crashed" after its replicates were written but before its points file
    sd.point_file(1).unlink()
    assert sd.replicate_file(1).exists()
    # and writes cut off by a crash left temporary files
    stale = [
        out / "points" / ".batch-000002.parquet.99999.tmp",
        out / "replicates" / ".batch-000002.parquet.99999.tmp",
    ]
    for p in stale:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(b"half a parquet file")

    second = Recorder()
    monkeypatch.setattr(run_mod, "run_points", second)
    assert main(["sweep", "--resume", str(out), "--workers", "1", "--quiet"]) == 0
    assert second.calls == [[4, 5, 6, 7], [8, 9, 10, 11]]
    assert not any(p.exists() for p in stale)
    assert_same_bytes(out, reference)

    # resuming again computes nothing
    third = Recorder()
    monkeypatch.setattr(run_mod, "run_points", third)
    assert main(["sweep", "--resume", str(out), "--workers", "1", "--quiet"]) == 0
    assert third.calls == []
    assert_same_bytes(out, reference)


def test_a_failing_batch_keeps_the_finished_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reference = uninterrupted(SMALL, tmp_path / "reference")
    real = REAL_RUN_POINTS

    def fail_on_batch_1(base: dict, rows: list, replicates: int, seed: int) -> dict:
        if rows[0][0] == 4:
            raise RuntimeError("worker lost")
        return real(base, rows, replicates, seed)

    sd = start_sweep(SMALL, tmp_path / "out")
    monkeypatch.setattr(run_mod, "run_points", fail_on_batch_1)
    with pytest.raises(RuntimeError, match="worker lost"):
        execute_sweep(sd, workers=1, quiet=True)
    assert 0 in sd.finished_batches()
    assert 1 not in sd.finished_batches()
    assert sd.manifest()["status"] == "incomplete"
    monkeypatch.setattr(run_mod, "run_points", real)
    execute_sweep(sd, workers=1, quiet=True)
    assert_same_bytes(sd.path, reference)
