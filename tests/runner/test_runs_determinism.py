"""Run folders are reproducible: same seed and block size give the same bytes, whoever ran the blocks.

DESIGN.md, "Seeding and determinism": one root seed per run, one generator per block; block size is
part of the run's identity (recorded in the manifest); outcome tables are byte-identical whether one
process or many ran the blocks, and in whatever order blocks finished.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from helpers import ROOT, assert_same_file

import sim.runner.execute as execute_mod
import sim.runner.executor as executor
from sim.cli import main

PROVOCATION = ROOT / "tests" / "fixtures" / "model" / "senkaku_provocation.yaml"
TAIWAN_REL = "scenarios/taiwan_contingency.yaml"

ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def run(out: Path, *extra: object, scenario: Path = PROVOCATION) -> Path:
    """``wargame run`` in this process; returns the run folder."""
    argv = ["run", str(scenario), "--out", str(out), "--quiet", *map(str, extra)]
    assert main(argv) == 0
    return out


def read_bytes(folder: Path, name: str = "outcomes.parquet") -> bytes:
    return (folder / name).read_bytes()


# --- 1: one worker and two workers give the same bytes --------------------------------------------


def test_one_and_two_workers_give_identical_bytes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    common = ("--runs", 1000, "--block", 200, "--seed", 11, "--trajectories")
    one = run(tmp_path / "w1", *common, "--workers", 1)
    two = run(tmp_path / "w2", *common, "--workers", 2)
    assert_same_file(one / "outcomes.parquet", two / "outcomes.parquet")
    assert_same_file(one / "trajectories.parquet", two / "trajectories.parquet")
    # the summaries agree too (the number part: the manifest differs in times and command)
    s1 = json.loads((one / "summary.json").read_text())
    s2 = json.loads((two / "summary.json").read_text())
    assert s1 == s2
    assert not (one / "blocks").exists() and not (two / "blocks").exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forked workers: Linux only")
def test_forked_and_spawned_workers_give_identical_bytes(tmp_path: Path) -> None:
    """Workers copied from the parent (fork, the default where safe) or started afresh (spawn)
    play the same worlds: two fresh ``wargame run`` processes, one of each."""
    outs = {}
    for start in ("fork", "spawn"):
        out = tmp_path / start
        cmd = [sys.executable, "-m", "sim.cli", "run", str(PROVOCATION), "--out", str(out)]
        cmd += ["--runs", "600", "--block", "200", "--seed", "8", "--workers", "2", "--quiet"]
        env = {**os.environ, "WARGAME_START": start}
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)
        assert proc.returncode == 0, proc.stderr
        outs[start] = out
    assert_same_file(outs["fork"] / "outcomes.parquet", outs["spawn"] / "outcomes.parquet")


def test_block_finishing_order_does_not_change_the_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Blocks finishing in reverse order (threads, later blocks faster) give the same file."""
    common = ("--runs", 1200, "--block", 200, "--seed", 4, "--trajectories", "--workers", 1)
    reference = run(tmp_path / "ref", *common)

    real_run_block = execute_mod.run_shipped_block
    written: list[int] = []
    lock = threading.Lock()

    def slow_early_blocks(shipped, index, size, seed, block, trajectories=False):
        time.sleep(0.08 * (6 - index))  # block 0 last, block 5 first
        return real_run_block(shipped, index, size, seed, block, trajectories)

    real_write = execute_mod._write_block

    def recording_write(rd, result):
        with lock:
            written.append(result["index"])
        return real_write(rd, result)

    monkeypatch.setattr(execute_mod, "run_shipped_block", slow_early_blocks)
    monkeypatch.setattr(execute_mod, "_write_block", recording_write)
    monkeypatch.setattr(
        execute_mod, "make_executor", lambda workers, threads=1, **_: ThreadPoolExecutor(6)
    )
    shuffled = run(tmp_path / "shuffled", *common[:-1], 3)  # 3 workers: 6 blocks in flight

    assert sorted(written) == list(range(6))
    assert written != sorted(written), "the test meant blocks to finish out of order"
    assert read_bytes(shuffled) == read_bytes(reference)
    assert read_bytes(shuffled, "trajectories.parquet") == read_bytes(
        reference, "trajectories.parquet"
    )


# --- 2: seeds, block size, manifest ---------------------------------------------------------------


def test_same_seed_same_bytes_other_seed_other_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = run(tmp_path / "a", "--runs", 600, "--block", 200, "--seed", 1, "--workers", 1)
    b = run(tmp_path / "b", "--runs", 600, "--block", 200, "--seed", 1, "--workers", 1)
    c = run(tmp_path / "c", "--runs", 600, "--block", 200, "--seed", 2, "--workers", 1)
    assert read_bytes(a) == read_bytes(b)
    ta, tc = pq.read_table(a / "outcomes.parquet"), pq.read_table(c / "outcomes.parquet")
    assert ta.num_rows == tc.num_rows == 600
    assert ta.column_names == tc.column_names
    assert read_bytes(a) != read_bytes(c)
    # not only the bytes: the sampled parameters themselves differ replicate by replicate
    param = next(n for n in ta.column_names if n.startswith("param."))
    assert ta.column(param).to_pylist() != tc.column(param).to_pylist()


def test_block_size_is_part_of_the_identity_and_recorded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = run(tmp_path / "a", "--runs", 1000, "--block", 200, "--seed", 3, "--workers", 1)
    b = run(tmp_path / "b", "--runs", 1000, "--block", 250, "--seed", 3, "--workers", 1)
    ma = json.loads((a / "manifest.json").read_text())
    mb = json.loads((b / "manifest.json").read_text())
    assert (ma["block"], mb["block"]) == (200, 250)
    assert (ma["blocks_planned"], mb["blocks_planned"]) == (5, 4)
    assert execute_mod.identity_of(ma) != execute_mod.identity_of(mb)
    ta, tb = pq.read_table(a / "outcomes.parquet"), pq.read_table(b / "outcomes.parquet")
    assert ta.column("block").to_pylist() == [i // 200 for i in range(1000)]
    assert tb.column("block").to_pylist() == [i // 250 for i in range(1000)]
    # another block size means other generators: other draws
    param = next(n for n in ta.column_names if n.startswith("param."))
    assert ta.column(param).to_pylist() != tb.column(param).to_pylist()


def test_manifest_records_what_was_run(tmp_path: Path) -> None:
    """A real ``wargame run`` process: hashes, overrides, seed, block, versions, command, times."""
    out = tmp_path / "run"
    cmd = [
        sys.executable,
        "-m",
        "sim.cli",
        "run",
        TAIWAN_REL,
        "--runs",
        "400",
        "--block",
        "200",
        "--seed",
        "42",
        "--workers",
        "1",
        "--quiet",
        "--set",
        "turns.limit=10",
        "--set",
        "relations.us_japan.credibility=0.9",
        "--out",
        str(out),
    ]
    before = datetime.now().astimezone().replace(microsecond=0)
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    m = json.loads((out / "manifest.json").read_text())

    assert m["status"] == "complete"
    assert m["format_version"] == 1
    assert m["seed"] == 42 and m["block"] == 200 and m["runs"] == 400
    assert m["runs_requested"] == 400 and m["blocks_planned"] == 2
    assert m["precision"] is None and m["trajectories"] is False
    assert m["overrides"] == ["turns.limit=10", "relations.us_japan.credibility=0.9"]

    sc = m["scenario"]
    assert sc["name"] == "taiwan_contingency"
    assert sc["path"] == TAIWAN_REL
    assert sc["file_sha256"] == hashlib.sha256((ROOT / TAIWAN_REL).read_bytes()).hexdigest()
    for key in ("resolved_sha256", "base_sha256"):
        assert re.fullmatch(r"[0-9a-f]{64}", sc[key]), key
    assert sc["resolved_sha256"] != sc["base_sha256"], "overrides change the resolved scenario"
    assert m["resolved_scenario"]["turns"]["limit"] == 10
    assert m["resolved_scenario"]["relations"]["us_japan"]["credibility"] == 0.9
    assert m["base_scenario"]["turns"]["limit"] != 10

    for pkg in ("python", "alliance-wargame", "numpy", "pyarrow", "mesa", "pydantic"):
        assert m["versions"].get(pkg), pkg
    assert "run" in m["command"] and TAIWAN_REL in m["command"]
    assert "--seed" in m["command"] and "42" in m["command"]

    assert ISO_UTC.match(m["started"]) and ISO_UTC.match(m["finished"])
    started = datetime.fromisoformat(m["started"].replace("Z", "+00:00"))
    finished = datetime.fromisoformat(m["finished"].replace("Z", "+00:00"))
    assert before.timestamp() - 1 <= started.timestamp() <= finished.timestamp()
    assert finished.timestamp() <= time.time() + 1


def test_manifest_without_overrides_has_equal_hashes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run(tmp_path / "r", "--runs", 200, "--block", 200, "--workers", 1)
    m = json.loads((out / "manifest.json").read_text())
    assert m["overrides"] == []
    assert m["scenario"]["resolved_sha256"] == m["scenario"]["base_sha256"]
    assert m["scenario"]["file_sha256"] == hashlib.sha256(PROVOCATION.read_bytes()).hexdigest()


def test_default_run_folders_of_two_runs_never_collide(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sim.model import compiled
    from sim.runner.execute import Plan, start_run

    monkeypatch.chdir(tmp_path)
    frozen = time.gmtime()
    monkeypatch.setattr(executor.time, "gmtime", lambda *a: frozen)  # same second, for sure
    c = compiled(str(PROVOCATION), [])
    first = start_run(c.scenario, str(PROVOCATION), [], Plan(runs=100, seed=1, block=50))
    second = start_run(c.scenario, str(PROVOCATION), [], Plan(runs=5000, seed=1, block=50))
    assert first.path != second.path
    assert first.manifest()["runs_requested"] == 100
