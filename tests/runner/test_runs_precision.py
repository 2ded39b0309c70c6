"""``--precision P``: add blocks until every share's 95% Wilson half-width is at most P, and no longer.

The stop is decided on whole blocks in block order, so it is the same with any number of workers
and after an interruption.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from helpers import ROOT, SERIAL, assert_same_file

import sim.runner.execute as execute_mod
from sim.cli import main
from sim.outputs.stats import wilson

PROVOCATION = ROOT / "tests" / "fixtures" / "model" / "senkaku_provocation.yaml"
PRECISION = ["--precision", "0.02", "--block", "400", "--seed", "5", "--quiet"]


def run(out: Path, *extra: object) -> Path:
    assert main(["run", str(PROVOCATION), "--out", str(out), *map(str, extra)]) == 0
    return out


def half_width(counts: dict[str, int]) -> float:
    n = sum(counts.values())
    return max((hi - lo) / 2 for lo, hi in (wilson(c, n) for c in counts.values()))


def prefix_counts(outcomes: np.ndarray, blocks: np.ndarray, names: list[str], k: int) -> dict:
    """Outcome counts over blocks 0..k-1 (every outcome listed, zeros included)."""
    sel = outcomes[blocks < k]
    return {n: int((sel == n).sum()) for n in names}


@pytest.fixture(scope="module")
def precise(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run(tmp_path_factory.mktemp("precise") / "run", *PRECISION, *SERIAL)


def test_precision_stops_at_the_first_block_that_reaches_it(precise: Path) -> None:
    summary = json.loads((precise / "summary.json").read_text())
    manifest = json.loads((precise / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["precision"] == 0.02
    assert summary["max_half_width"] <= 0.02

    table = pq.read_table(precise / "outcomes.parquet")
    outcomes = table.column("outcome").to_numpy(zero_copy_only=False)
    blocks = table.column("block").to_numpy()
    names = list(summary["outcomes"])
    k = summary["blocks"]
    assert k >= 2, "pick a precision that needs several blocks"
    assert blocks.max() == k - 1 and table.num_rows == summary["runs"] == manifest["runs"]
    assert summary["runs"] == 400 * k  # well below --max-runs: whole blocks only

    assert half_width(prefix_counts(outcomes, blocks, names, k)) == pytest.approx(
        summary["max_half_width"]
    )
    # one block fewer (indeed any shorter prefix) would not have been enough
    for j in range(1, k):
        assert half_width(prefix_counts(outcomes, blocks, names, j)) > 0.02, j


def test_precision_gives_the_same_bytes_with_two_workers(
    precise: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    two = run(tmp_path / "two", *PRECISION, "--workers", "2")
    assert_same_file(two / "outcomes.parquet", precise / "outcomes.parquet")
    assert json.loads((two / "summary.json").read_text()) == json.loads(
        (precise / "summary.json").read_text()
    )


def test_precision_run_resumed_after_ctrl_c_stops_at_the_same_block(
    precise: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    real = execute_mod.run_shipped_block
    ran: list[int] = []

    def ctrl_c_at_block_2(c, index, *args):
        if index == 2:
            raise KeyboardInterrupt
        ran.append(index)
        return real(c, index, *args)

    out = tmp_path / "run"
    with monkeypatch.context() as mp:
        mp.setattr(execute_mod, "run_shipped_block", ctrl_c_at_block_2)
        argv = ["run", str(PROVOCATION), "--out", str(out), *PRECISION, *SERIAL]
        assert main(argv) == 130
    assert ran == [0, 1]
    assert json.loads((out / "manifest.json").read_text())["status"] == "incomplete"
    assert main(["run", "--resume", str(out), *SERIAL, "--quiet"]) == 0
    assert (out / "outcomes.parquet").read_bytes() == (precise / "outcomes.parquet").read_bytes()


def test_max_runs_caps_a_precision_that_is_not_reached(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """0.005 needs ~40,000 replicates; the cap of 900 (not a multiple of the block) wins."""
    out = run(
        tmp_path / "cap", "--precision", "0.005", "--max-runs", 900, "--block", 200, "--workers", 1
    )
    summary = json.loads((out / "summary.json").read_text())
    assert summary["runs"] == 900 and summary["blocks"] == 5
    assert summary["max_half_width"] > 0.005
    table = pq.read_table(out / "outcomes.parquet", columns=["replicate", "block"])
    assert table.column("replicate").to_pylist() == list(range(900))
    assert table.column("block").to_pylist() == [i // 200 for i in range(900)]
    assert json.loads((out / "manifest.json").read_text())["status"] == "complete"
