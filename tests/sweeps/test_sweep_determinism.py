"""A sweep's files do not depend on the executor: the local process pool, this process (one worker)
and a two-worker Dask LocalCluster (127.0.0.1, dashboard off) give byte-identical points.parquet and
replicate partitions. Point p is seeded by SeedSequence(seed, spawn_key=(p,)), so its numbers do not
depend on the batch size either.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from helpers import ROOT

from sim.cli import main
from sim.sweeps.run import execute_sweep, start_sweep

FIXTURES = ROOT / "tests" / "fixtures" / "sweeps"
SMALL = FIXTURES / "small.yaml"  # 12 LHS points x 50 replicates in 3 batches of 4


def output_files(path: Path) -> list[str]:
    parts = sorted(p.relative_to(path).as_posix() for p in (path / "replicates").rglob("*.parquet"))
    return ["design.parquet", "points.parquet", *parts]


def in_process(spec_file: Path, out: Path) -> Path:
    sd = start_sweep(spec_file, out)
    execute_sweep(sd, workers=1, quiet=True)
    return sd.path


def test_local_pool_and_dask_give_identical_bytes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("distributed")
    local, dask, single = tmp_path / "local", tmp_path / "dask", tmp_path / "single"
    assert main(["sweep", str(SMALL), "--workers", "2", "--quiet", "--out", str(local)]) == 0
    assert "12 points x 50 replicates (lhs design)" in capsys.readouterr().out
    cmd = [sys.executable, "-m", "sim.cli", "sweep", str(SMALL), "--executor", "dask"]
    proc = subprocess.run(
        [*cmd, "--workers", "2", "--quiet", "--out", str(dask)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "12 points x 50 replicates (lhs design)" in proc.stdout
    in_process(SMALL, single)

    files = output_files(local)
    assert files == [
        "design.parquet",
        "points.parquet",
        *[f"replicates/batch-{b:06d}.parquet" for b in range(3)],
    ]
    assert output_files(dask) == files
    assert output_files(single) == files
    for name in files:
        data = (local / name).read_bytes()
        assert (dask / name).read_bytes() == data, f"dask: {name}"
        assert (single / name).read_bytes() == data, f"one worker: {name}"


def test_same_sweep_twice_gives_identical_bytes(tmp_path: Path) -> None:
    a = in_process(SMALL, tmp_path / "a")
    b = in_process(SMALL, tmp_path / "b")
    for name in output_files(a):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_results_do_not_depend_on_the_batch_size(tmp_path: Path) -> None:
    other = tmp_path / "batch5.yaml"
    other.write_text(
        SMALL.read_text(encoding="utf-8")
        .replace("batch: 4", "batch: 5")
        .replace("scenario: alliance.yaml", f"scenario: {FIXTURES / 'alliance.yaml'}"),
        encoding="utf-8",
    )
    a = in_process(SMALL, tmp_path / "a")
    b = in_process(other, tmp_path / "b")
    assert len(list((b / "replicates").iterdir())) == 3  # 5 + 5 + 2 points
    pd.testing.assert_frame_equal(
        pd.read_parquet(a / "points.parquet"), pd.read_parquet(b / "points.parquet")
    )
    ra, rb = (
        pd.read_parquet(d / "replicates")
        .drop(columns="batch")
        .sort_values(["point", "replicate"])
        .reset_index(drop=True)
        for d in (a, b)
    )
    pd.testing.assert_frame_equal(ra, rb)


def test_another_seed_gives_other_results(tmp_path: Path) -> None:
    other = tmp_path / "seed4.yaml"
    other.write_text(
        SMALL.read_text(encoding="utf-8")
        .replace("seed: 3", "seed: 4")
        .replace("scenario: alliance.yaml", f"scenario: {FIXTURES / 'alliance.yaml'}"),
        encoding="utf-8",
    )
    a = pd.read_parquet(in_process(SMALL, tmp_path / "a") / "points.parquet")
    b = pd.read_parquet(in_process(other, tmp_path / "b") / "points.parquet")
    assert not a["relations.us_japan.credibility"].equals(b["relations.us_japan.credibility"])
