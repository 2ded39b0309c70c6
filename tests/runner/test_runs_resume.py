"""Interrupted runs: Ctrl-C, kill -9 and a dead worker keep finished blocks; --resume completes them.

A real ``wargame run`` process is interrupted once some blocks are on disk (polled, with a timeout);
the resumed run must give the same bytes as an uninterrupted one and run only the missing blocks.
Temporary files (a write cut off by a crash) never count as finished blocks.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from helpers import ROOT, SERIAL, assert_same_file, worker_pids

import sim.runner.execute as execute_mod
from sim.cli import main
from sim.errors import RunError
from sim.outputs.rundir import RunDir

TAIWAN = "scenarios/taiwan_contingency.yaml"
PROVOCATION = ROOT / "tests" / "fixtures" / "model" / "senkaku_provocation.yaml"

# 20 blocks of 300 at the full 40 turns: a few seconds in a fresh process, so that the blocks
# still to play once two (or three) are written take well over the half second a loaded CI
# machine may take to deliver Ctrl-C or kill -9 (10 blocks of 10 turns once finished first)
BIG = ["--runs", "6000", "--block", "300", "--seed", "7", "--quiet"]
BIG_BLOCKS = 20
SMALL = ["--runs", "1200", "--block", "200", "--seed", "9", "--quiet"]
SMALL_BLOCKS = 6


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The uninterrupted run of BIG (one worker, in this process)."""
    out = tmp_path_factory.mktemp("reference") / "run"
    assert main(["run", str(ROOT / TAIWAN), *BIG, *SERIAL, "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def small_reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("small") / "run"
    assert main(["run", str(PROVOCATION), *SMALL, *SERIAL, "--out", str(out)]) == 0
    return out


def _default_sigint() -> None:  # pragma: no cover - runs in the child before exec
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # a background parent may have ignored it


def start(out: Path, workers: int) -> subprocess.Popen[str]:
    """``wargame run`` of BIG in its own process group (so its pool can be cleaned up by id)."""
    cmd = [sys.executable, "-m", "sim.cli", "run", TAIWAN, *BIG, "--workers", str(workers)]
    return subprocess.Popen(
        [*cmd, "--out", str(out)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=_default_sigint,
    )


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[str]]]:
    """Started processes; whatever is left of their process groups is killed at the end."""
    started: list[subprocess.Popen[str]] = []
    yield started
    for p in started:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(p.pid, signal.SIGKILL)  # the group of this one process we started
        p.wait(timeout=30)


def wait_for_blocks(
    proc: subprocess.Popen[str], out: Path, n: int, timeout: float = 60
) -> set[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = RunDir(out).finished_blocks()
        if len(done) >= n:
            return done
        if proc.poll() is not None:
            err = proc.communicate()[1]
            pytest.fail(f"run ended (status {proc.returncode}) before {n} blocks: {err}")
        time.sleep(0.01)
    pytest.fail(f"no {n} finished blocks within {timeout} s")


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text())


def same_bytes(a: Path, b: Path, name: str = "outcomes.parquet") -> bool:
    return (a / name).read_bytes() == (b / name).read_bytes()


def record_run_block(monkeypatch: pytest.MonkeyPatch, fail_at: int | None = None) -> list[int]:
    """Wrap the block task (one in-process worker) to record which indices it ran.

    ``fail_at``: raise KeyboardInterrupt (Ctrl-C) when that block starts."""
    ran: list[int] = []
    real = execute_mod.run_shipped_block

    def wrapped(c, index, size, seed, block, trajectories=False):
        if index == fail_at:
            raise KeyboardInterrupt
        ran.append(index)
        return real(c, index, size, seed, block, trajectories)

    monkeypatch.setattr(execute_mod, "run_shipped_block", wrapped)
    return ran


# --- 3: Ctrl-C, kill -9, dead worker --------------------------------------------------------------


def test_ctrl_c_keeps_blocks_and_resume_gives_identical_bytes(
    tmp_path: Path, reference: Path, processes: list, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "run"
    proc = start(out, workers=2)
    processes.append(proc)
    wait_for_blocks(proc, out, 2)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)

    assert proc.returncode == 130, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    assert "--resume" in lines[0] and str(out) in lines[0]
    m = manifest(out)
    assert m["status"] == "incomplete" and m["finished"] is None
    kept = RunDir(out).finished_blocks()
    assert kept and len(kept) < BIG_BLOCKS
    assert f"{len(kept)} finished block(s)" in lines[0]
    assert not (out / "outcomes.parquet").exists() and not (out / "summary.json").exists()

    capsys.readouterr()
    assert main(["run", "--resume", str(out), *SERIAL, "--quiet"]) == 0
    assert f"run folder: {out}" in capsys.readouterr().out
    m = manifest(out)
    assert m["status"] == "complete" and m["runs"] == 6000 and m["finished"]
    assert not (out / "blocks").exists()
    assert_same_file(out / "outcomes.parquet", reference / "outcomes.parquet")
    assert json.loads((out / "summary.json").read_text()) == json.loads(
        (reference / "summary.json").read_text()
    )


def test_kill_9_then_resume_runs_only_missing_blocks(
    tmp_path: Path, reference: Path, processes: list, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "run"
    proc = start(out, workers=1)
    processes.append(proc)
    wait_for_blocks(proc, out, 3)
    os.kill(proc.pid, signal.SIGKILL)  # no handler runs, no block is finished off
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    assert manifest(out)["status"] == "incomplete"
    before = RunDir(out).finished_blocks()
    assert 3 <= len(before) < BIG_BLOCKS

    ran = record_run_block(monkeypatch)
    summary = execute_mod.execute(RunDir(out), workers=1, quiet=True)

    assert ran == sorted(set(range(BIG_BLOCKS)) - before)  # each missing block once, none again
    assert summary["runs"] == 6000
    assert manifest(out)["status"] == "complete"
    assert_same_file(out / "outcomes.parquet", reference / "outcomes.parquet")


def test_dead_worker_is_one_line_exit_2_and_resumable(
    tmp_path: Path, reference: Path, processes: list, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "run"
    proc = start(out, workers=2)
    processes.append(proc)
    wait_for_blocks(proc, out, 1)
    workers = worker_pids(proc.pid)
    assert workers, "expected pool worker processes"
    os.kill(workers[0], signal.SIGKILL)  # one worker of the run we started
    _, err = proc.communicate(timeout=60)

    assert proc.returncode == 2, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert "worker" in err and "--resume" in err
    assert manifest(out)["status"] == "incomplete"
    before = RunDir(out).finished_blocks()
    assert before

    ran = record_run_block(monkeypatch)
    execute_mod.execute(RunDir(out), workers=1, quiet=True)
    assert ran == sorted(set(range(BIG_BLOCKS)) - before)
    assert_same_file(out / "outcomes.parquet", reference / "outcomes.parquet")


def test_resume_of_a_complete_run_changes_nothing(
    tmp_path: Path, small_reference: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "run"
    shutil.copytree(small_reference, out)
    stamp = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    assert main(["run", "--resume", str(out), "--quiet"]) == 0
    assert "already complete" in capsys.readouterr().out
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == stamp


# --- 4: temporary files are never taken for finished blocks ---------------------------------------


def interrupted_small_run(out: Path, monkeypatch: pytest.MonkeyPatch, fail_at: int) -> RunDir:
    """A SMALL run cut off by Ctrl-C when block ``fail_at`` starts (one in-process worker)."""
    with monkeypatch.context() as mp:
        record_run_block(mp, fail_at=fail_at)
        rc = main(["run", str(PROVOCATION), *SMALL, *SERIAL, "--out", str(out)])
    assert rc == 130
    return RunDir(out)


def test_temporary_files_are_ignored_and_cleaned_on_resume(
    tmp_path: Path,
    small_reference: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    rd = interrupted_small_run(tmp_path / "run", monkeypatch, fail_at=3)
    kept = rd.finished_blocks()
    assert kept and max(kept) < 3 and rd.manifest()["status"] == "incomplete"

    # what a crash in the middle of writes leaves: a cut-off file, and a whole one not yet renamed
    stale = [
        rd.blocks / ".block-000003.parquet.123.tmp",
        rd.blocks / ".traj-000004.parquet.77.tmp",
        rd.blocks / f".block-{max(kept) + 1:06d}.parquet.4242.tmp",
    ]
    stale[0].write_bytes(b"PAR1 cut off")
    stale[1].write_bytes(b"")
    shutil.copyfile(rd.block_file(min(kept)), stale[2])
    assert rd.finished_blocks() == kept  # none of them counts as finished

    # resume, interrupted at once: the leftovers are gone, the kept blocks untouched
    kept_bytes = {i: rd.block_file(i).read_bytes() for i in kept}
    with monkeypatch.context() as mp:
        record_run_block(mp, fail_at=min(set(range(SMALL_BLOCKS)) - kept))
        assert main(["run", "--resume", str(rd.path), *SERIAL, "--quiet"]) == 130
    assert not any(p.exists() for p in stale)
    assert not list(rd.blocks.glob(".*"))
    assert {i: rd.block_file(i).read_bytes() for i in rd.finished_blocks()} == kept_bytes

    # resume to the end: only the missing blocks run, and the bytes are the uninterrupted ones
    ran = record_run_block(monkeypatch)
    assert main(["run", "--resume", str(rd.path), *SERIAL, "--quiet"]) == 0
    assert ran == sorted(set(range(SMALL_BLOCKS)) - kept)
    assert same_bytes(rd.path, small_reference)
    assert not (rd.path / "blocks").exists()


def test_a_failed_write_leaves_no_file_under_the_final_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A write that dies half-way (disk full, crash) leaves only a temporary name behind."""
    import sim.outputs.tables as tables

    rd = interrupted_small_run(tmp_path / "run", monkeypatch, fail_at=2)
    real_write_table = tables.pq.write_table

    def half_write(table, where, **kw):
        Path(where).write_bytes(b"PAR1 half of a table")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tables.pq, "write_table", half_write)
    with pytest.raises(RunError, match="the disk is full; 2 finished block"):
        execute_mod.execute(rd, workers=1, quiet=True)
    assert not rd.block_file(2).exists()
    assert rd.finished_blocks() == {0, 1}
    assert list(rd.blocks.glob(".block-000002.parquet.*.tmp"))  # the cut-off write, hidden
    assert rd.manifest()["status"] == "incomplete"

    monkeypatch.setattr(tables.pq, "write_table", real_write_table)
    execute_mod.execute(rd, workers=1, quiet=True)
    assert rd.manifest()["status"] == "complete"
    assert pq.read_table(rd.outcomes).num_rows == 1200


def test_a_failed_manifest_write_keeps_the_old_manifest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sim.outputs.rundir as rundir

    rd = interrupted_small_run(tmp_path / "run", monkeypatch, fail_at=2)
    old = rd.manifest_path.read_bytes()

    def no_rename(src, dst):
        raise OSError(5, "I/O error")

    monkeypatch.setattr(rundir.os, "replace", no_rename)
    with pytest.raises(OSError):
        rd.save_manifest({**rd.manifest(), "status": "complete"})
    assert rd.manifest_path.read_bytes() == old
    assert rd.manifest()["status"] == "incomplete"


def test_crash_during_finalise_is_resumable(
    tmp_path: Path,
    small_reference: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Killed after the outcome table but before the summary: still incomplete, blocks kept."""
    out = tmp_path / "run"

    def boom(*a, **kw):
        raise RunError("simulated crash in finalise")

    with monkeypatch.context() as mp:
        mp.setattr(execute_mod, "summarise", boom)
        assert main(["run", str(PROVOCATION), *SMALL, *SERIAL, "--out", str(out)]) == 2
    rd = RunDir(out)
    assert rd.manifest()["status"] == "incomplete"
    assert rd.finished_blocks() == set(range(SMALL_BLOCKS))
    assert not rd.summary_path.exists()

    ran = record_run_block(monkeypatch)
    assert main(["run", "--resume", str(out), "--quiet"]) == 0
    assert ran == []  # every block was there: nothing runs again
    assert same_bytes(out, small_reference)


def test_resume_cleans_temporary_files_left_by_a_crashed_finalise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl-C while the outcome table is being assembled removes the half-written table; one that
    a killed process left behind (``kill -9`` runs no clean-up) is removed by the resume."""
    out = tmp_path / "run"
    real_add = execute_mod.Summaries.__call__
    seen: list[int] = []

    def ctrl_c_at_the_second_block(self, table):  # type: ignore[no-untyped-def]
        seen.append(table.num_rows)
        if len(seen) == 2:
            raise KeyboardInterrupt
        real_add(self, table)

    with monkeypatch.context() as mp:
        mp.setattr(execute_mod.Summaries, "__call__", ctrl_c_at_the_second_block)
        assert main(["run", str(PROVOCATION), *SMALL, *SERIAL, "--out", str(out)]) == 130
    assert not list(out.glob(".*.tmp"))  # this process removed its half-written table
    assert RunDir(out).finished_blocks()
    (out / ".outcomes.parquet.999999.tmp").write_bytes(b"PAR1 cut off")  # a dead process's
    assert main(["run", "--resume", str(out), "--quiet"]) == 0
    assert manifest(out)["status"] == "complete"
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == []


def test_ctrl_c_with_one_worker_keeps_every_finished_block(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = execute_mod.run_shipped_block
    finished: list[int] = []

    def ctrl_c_at_block_3(c, index, *args):
        if index == 3:
            raise KeyboardInterrupt
        result = real(c, index, *args)
        finished.append(index)
        return result

    monkeypatch.setattr(execute_mod, "run_shipped_block", ctrl_c_at_block_3)
    out = tmp_path / "run"
    assert main(["run", str(PROVOCATION), *SMALL, *SERIAL, "--out", str(out)]) == 130
    assert finished == [0, 1, 2]
    assert RunDir(out).finished_blocks() == set(finished)
