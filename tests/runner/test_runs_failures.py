"""A full disk, a read-only folder, a killed sweep worker and two resumes at once (issue 10, items
12 and 13): one line on stderr saying what was kept and how to finish, exit status 2, and the kept
work resumes to the same bytes as an uninterrupted run.

The disk-full and read-only cases run twice: through an injected ``OSError`` (everywhere) and on a
real tiny or read-only tmpfs (when this user may mount one, e.g. root in a container).
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import ROOT, SERIAL, one_line, worker_pids

import sim.outputs.tables as tables
from sim.cli import main
from sim.outputs.rundir import RunDir
from sim.sweeps.run import SweepDir, start_sweep

PROVOCATION = str(ROOT / "tests" / "fixtures" / "model" / "senkaku_provocation.yaml")
TAIWAN = "scenarios/taiwan_contingency.yaml"
SMALL = ["--runs", "1200", "--block", "200", "--seed", "9", "--quiet"]  # 6 blocks
LONG_SWEEP = ROOT / "tests" / "fixtures" / "sweeps" / "long.yaml"  # 20 batches of 2 points
SMALL_SWEEP = ROOT / "tests" / "fixtures" / "sweeps" / "small.yaml"


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("reference") / "run"
    assert main(["run", PROVOCATION, *SMALL, *SERIAL, "--out", str(out)]) == 0
    return out


def fail_writes(monkeypatch: pytest.MonkeyPatch, code: int, name: str) -> None:
    """Every Parquet write whose file name contains ``name`` fails with ``OSError(code)``."""
    real = tables.pq.write_table

    def write_table(table, where, **kw):
        if name in str(where):
            raise OSError(code, os.strerror(code))
        return real(table, where, **kw)

    monkeypatch.setattr(tables.pq, "write_table", write_table)


def resume_matches(out: Path, reference: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["run", "--resume", str(out), *SERIAL, "--quiet"]) == 0
    assert RunDir(out).manifest()["status"] == "complete"
    assert (out / "outcomes.parquet").read_bytes() == (reference / "outcomes.parquet").read_bytes()


# --- 12: disk full, read-only -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "words", "fix"),
    [
        (errno.ENOSPC, "the disk is full", "free some space"),
        (errno.EROFS, "not writable", "make it writable"),
    ],
)
def test_a_failed_block_write_is_one_line_and_resumable(
    code: int,
    words: str,
    fix: str,
    tmp_path: Path,
    reference: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "run"
    with monkeypatch.context() as mp:
        fail_writes(mp, code, "block-000002")
        assert main(["run", PROVOCATION, *SMALL, *SERIAL, "--out", str(out)]) == 2
    line = one_line(capsys)
    assert words in line and fix in line
    assert f"2 finished block(s) kept in {out}" in line
    assert f"`wargame run --resume {out}`" in line
    assert RunDir(out).finished_blocks() == {0, 1}
    resume_matches(out, reference, capsys)


def test_a_failure_at_the_end_keeps_every_block(
    tmp_path: Path,
    reference: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The outcome table is streamed as blocks finish; a run this small writes its one row group
    at the end, and that write fails: every block is kept, and no half-written table is left."""
    out = tmp_path / "run"
    with monkeypatch.context() as mp:
        mp.setattr(tables.pq, "ParquetWriter", _FullDisk)  # the outcome table cannot be written
        assert main(["run", PROVOCATION, *SMALL, *SERIAL, "--out", str(out)]) == 2
    line = one_line(capsys)
    assert "the disk is full" in line and "6 finished block(s) kept" in line
    assert not list(out.glob(".*.tmp")) and not (out / "outcomes.parquet").exists()
    resume_matches(out, reference, capsys)


class _FullDisk(tables.pq.ParquetWriter):
    """A Parquet writer that opens its file but has no room for a row group."""

    def write_table(self, *args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")


def test_a_fresh_run_that_kept_nothing_leaves_no_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "new" / "place" / "run"
    fail_writes(monkeypatch, errno.ENOSPC, "block-000000")
    assert main(["run", PROVOCATION, *SMALL, *SERIAL, "--out", str(out)]) == 2
    line = one_line(capsys)
    assert "the disk is full" in line and "was removed" in line
    assert list(tmp_path.iterdir()) == []  # the folders the run created are gone


def test_a_full_disk_for_a_sweep_is_one_line_and_resumable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sweep"
    with monkeypatch.context() as mp:
        fail_writes(mp, errno.ENOSPC, "batch-000001")
        argv = ["sweep", str(SMALL_SWEEP), "--workers", "1", "--quiet", "--out", str(out)]
        assert main(argv) == 2
    line = one_line(capsys)
    assert "the disk is full" in line and f"1 finished batch(s) kept in {out}" in line
    assert f"`wargame sweep --resume {out}`" in line
    assert main(["sweep", "--resume", str(out), "--workers", "1", "--quiet"]) == 0
    assert SweepDir(out).manifest()["status"] == "complete"


@contextlib.contextmanager
def tmpfs(where: Path, options: str) -> Iterator[Path]:
    """A tmpfs mounted at ``where`` (skips the test when this user may not mount)."""
    where.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


@pytest.fixture
def read_only_dir(tmp_path: Path) -> Iterator[Path]:
    """An empty folder nobody can write to: mode 555 for a normal user, a read-only tmpfs for root."""
    if os.geteuid() != 0:
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o555)
        yield ro
        ro.chmod(0o755)
        return
    with tmpfs(tmp_path / "ro", "size=64k,ro") as ro:
        yield ro


def test_a_real_full_disk(
    tmp_path: Path, reference: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with tmpfs(tmp_path / "disk", "size=48k") as disk:
        out = disk / "run"
        assert main(["run", PROVOCATION, *SMALL, *SERIAL, "--out", str(out)]) == 2
        line = one_line(capsys)
        assert "the disk is full" in line and f"`wargame run --resume {out}`" in line
        kept = len(RunDir(out).finished_blocks())
        assert f"{kept} finished block(s) kept" in line
        subprocess.run(["mount", "-o", "remount,size=4m", str(disk)], check=True)
        resume_matches(out, reference, capsys)


def test_a_read_only_out_folder(read_only_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inside = read_only_dir / "run"
    assert main(["run", PROVOCATION, *SMALL, "--out", str(inside)]) == 2
    line = one_line(capsys)
    assert f"cannot create the folder {inside}: not writable" in line
    assert main(["run", PROVOCATION, *SMALL, "--out", str(read_only_dir)]) == 2
    assert f"cannot write the run folder {read_only_dir}: not writable" in one_line(capsys)
    argv = ["sweep", str(SMALL_SWEEP), "--out", str(inside)]
    assert main(argv) == 2
    assert "not writable" in one_line(capsys)
    assert list(read_only_dir.iterdir()) == []


# --- 12: a killed sweep worker ----------------------------------------------------------------------


@contextlib.contextmanager
def started(argv: list[str]) -> Iterator[subprocess.Popen[str]]:
    """``wargame ARGV`` in its own process group, killed (the group) at the end."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim.cli", *argv],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        yield proc
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=60)


def wait_until(proc: subprocess.Popen[str], done: object, what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not done():  # type: ignore[operator]
        if proc.poll() is not None:
            pytest.fail(f"the command ended before {what}: {proc.stderr.read()[-2000:]}")  # type: ignore[union-attr]
        assert time.monotonic() < deadline, f"not {what} in {timeout} s"
        time.sleep(0.01)


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc")
def test_a_killed_sweep_worker_is_one_line_and_resumable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "sweep.yaml"  # 16 batches of one point: long enough to kill part-way
    text = LONG_SWEEP.read_text().replace("alliance.yaml", str(LONG_SWEEP.parent / "alliance.yaml"))
    spec.write_text(text.replace("points: 40", "points: 16").replace("batch: 2", "batch: 1"))
    out = tmp_path / "sweep"
    argv = ["sweep", str(spec), "--workers", "2", "--quiet", "--out", str(out)]
    with started(argv) as proc:
        wait_until(proc, lambda: len(SweepDir(out).finished_batches()) >= 1, "one batch finished")
        workers = worker_pids(proc.pid)
        assert workers, "expected pool worker processes"
        os.kill(workers[0], signal.SIGKILL)  # one worker of the sweep we started
        _, err = proc.communicate(timeout=120)
    assert proc.returncode == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    kept = len(SweepDir(out).finished_batches())
    assert "worker process died" in lines[0]
    assert f"{kept} finished batch(s) kept in {out}" in lines[0]
    assert f"`wargame sweep --resume {out}`" in lines[0]
    assert main(["sweep", "--resume", str(out), "--workers", "1", "--quiet"]) == 0
    assert SweepDir(out).manifest()["status"] == "complete"


# --- 13: two resumes at once ------------------------------------------------------------------------


def test_a_second_resume_of_a_running_run_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "run"
    # 30 blocks of about 0.1 s: the first run is still going when the second asks, even with
    # other tests on the other core (with 10 it could end first, and the resume then ran)
    argv = ["run", TAIWAN, "--runs", "6000", "--block", "200", "--set", "turns.limit=10"]
    with started([*argv, *SERIAL, "--quiet", "--out", str(out)]) as proc:
        wait_until(proc, lambda: len(RunDir(out).finished_blocks()) >= 1, "one block finished")
        assert main(["run", "--resume", str(out), *SERIAL, "--quiet"]) == 2
        line = one_line(capsys)
        assert str(out) in line and "already being run or resumed" in line
        assert proc.poll() is None  # the first one goes on undisturbed
        os.killpg(proc.pid, signal.SIGKILL)  # a crash releases the lock
        proc.communicate(timeout=60)
    assert main(["run", "--resume", str(out), *SERIAL, "--quiet"]) == 0
    assert RunDir(out).manifest()["status"] == "complete"
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []  # no lock file left


def test_a_second_resume_of_a_running_sweep_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import fcntl

    sd = start_sweep(SMALL_SWEEP, tmp_path / "sweep")
    fd = os.open(sd.path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # what a process running or resuming the sweep holds
        assert main(["sweep", "--resume", str(sd.path), "--workers", "1", "--quiet"]) == 2
        line = one_line(capsys)
        assert str(sd.path) in line and "already being run or resumed" in line
        assert sd.finished_batches() == set()
    finally:
        os.close(fd)
    assert main(["sweep", "--resume", str(sd.path), "--workers", "1", "--quiet"]) == 0
    assert sd.manifest()["status"] == "complete"
