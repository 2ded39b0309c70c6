"""``wargame run`` without ``--workers`` (and ``sim.run`` without ``workers``): a run of one block plays
in this process (a second process could not share a block, and would cost its start-up); a longer
run takes every core."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import ROOT, assert_same_file

import sim
import sim.runner.execute as execute
import sim.runner.executor as executor
from sim.cli import main

PROVOCATION = str(ROOT / "tests" / "fixtures" / "model" / "senkaku_provocation.yaml")


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The worker counts the run's executor is made with (it is still made, and used)."""
    seen: list[int] = []
    real = execute.make_executor

    def spy(workers: int, threads: int = 1, **kw: object) -> object:
        seen.append(workers)
        return real(workers, threads, **kw)

    monkeypatch.setattr(execute, "make_executor", spy)
    monkeypatch.setattr(executor, "default_workers", lambda: 2)  # a 2-core machine
    return seen


@pytest.mark.parametrize(
    ("extra", "workers"),
    [
        (["--runs", "200"], 1),  # the default block of 1,000: one block
        (["--runs", "100", "--block", "100"], 1),
        (["--runs", "200", "--block", "100"], 2),  # two blocks: every core
        (["--runs", "200", "--workers", "2"], 2),  # asked for: as asked
        (["--runs", "300", "--block", "100", "--workers", "1"], 1),
    ],
)
def test_one_block_plays_in_this_process_unless_workers_are_asked_for(
    extra: list[str], workers: int, asked: list[int], tmp_path: Path
) -> None:
    out = tmp_path / "run"
    assert main(["run", PROVOCATION, *extra, "--quiet", "--out", str(out)]) == 0
    assert asked == [workers]
    assert (out / "outcomes.parquet").exists()


def test_the_default_gives_the_same_bytes_as_two_workers(asked: list[int], tmp_path: Path) -> None:
    """What the user gets from the default is what two workers give, byte for byte."""
    one, two = tmp_path / "one", tmp_path / "two"
    assert main(["run", PROVOCATION, "--runs", "150", "--quiet", "--out", str(one)]) == 0
    args = ["run", PROVOCATION, "--runs", "150", "--workers", "2", "--quiet", "--out", str(two)]
    assert main(args) == 0
    assert asked == [1, 2]
    assert_same_file(one / "outcomes.parquet", two / "outcomes.parquet")


def test_the_api_follows_the_same_rule(asked: list[int], tmp_path: Path) -> None:
    sim.run(PROVOCATION, runs=100, out=tmp_path / "one")
    sim.run(PROVOCATION, runs=100, block=50, out=tmp_path / "two")
    sim.run(PROVOCATION, runs=100, workers=2, out=tmp_path / "asked")
    assert asked == [1, 2, 2]


@pytest.mark.parametrize(("cold_for", "said"), [("threaded", False), ("all", True)])
def test_the_first_run_notice_is_said_only_when_this_run_compiles(
    cold_for: str,
    said: bool,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A cache that lacks only the threaded kernel (left out by one-thread processes) is warm for
    a run whose blocks play on one thread each: no "first run" notice on every later run."""
    from sim.runner import kernels

    def cold(threaded: bool | None = None) -> bool:  # None: this thread's numba threads say
        return cold_for == "all" or kernels._threaded(threaded)

    monkeypatch.setattr(kernels, "cold", cold)
    monkeypatch.setattr(kernels, "warm", lambda *a, **k: 0)  # nothing to compile here
    monkeypatch.setattr(kernels.os, "cpu_count", lambda: 1)  # no helper processes
    assert main(["run", PROVOCATION, "--runs", "50", "--out", str(tmp_path / "run")]) == 0
    assert (kernels.NOTICE in capsys.readouterr().err) is said
