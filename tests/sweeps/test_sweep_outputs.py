"""The sweep folder: manifest, design, the points table and the replicates dataset.

``points.parquet`` has one row per point (its parameters, and per outcome count, share and the Wilson
interval); ``replicates/batch-NNNNNN.parquet`` holds every replicate with its point's parameters and
an integer ``batch`` column, and is read whole by pandas, pyarrow, polars and DuckDB (the last two
are not project dependencies: skipped when missing).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from helpers import ROOT

import sim.api
from sim.outputs.stats import wilson
from sim.sweeps.run import SweepDir, execute_sweep, start_sweep

FIXTURES = ROOT / "tests" / "fixtures" / "sweeps"
SMALL = FIXTURES / "small.yaml"  # 12 LHS points x 50 replicates, batches of 4
POINTS, REPLICATES, BATCH = 12, 50, 4
PARAMS = ["relations.us_japan.credibility", "actors.China.resolve"]
OUTCOMES = ["china_attacks_japan", "us_china_war", "coercion", "calm"]  # alliance.yaml, in order


@pytest.fixture(scope="module")
def sweep_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    sd = start_sweep(SMALL, tmp_path_factory.mktemp("sweep") / "out")
    execute_sweep(sd, workers=1, quiet=True)
    return sd.path


def test_folder_layout(sweep_dir: Path) -> None:
    names = sorted(p.relative_to(sweep_dir).as_posix() for p in sweep_dir.rglob("*"))
    assert names == [
        "design.parquet",
        "manifest.json",
        "points.parquet",
        "replicates",
        *[f"replicates/batch-{b:06d}.parquet" for b in range(3)],
    ]  # points/ (per-batch files) is gone once complete; no temporary files left


def test_manifest(sweep_dir: Path) -> None:
    m = json.loads((sweep_dir / "manifest.json").read_text(encoding="utf-8"))
    assert m["kind"] == "sweep"
    assert m["status"] == "complete"
    assert m["finished"]
    assert m["points"] == POINTS
    assert m["batches"] == 3
    assert m["spec"]["replicates"] == REPLICATES
    assert m["spec"]["set"] == ["turns.limit=8"]
    assert m["scenario"]["name"] == "sweep_alliance"
    assert m["base_scenario"]["turns"]["limit"] == 8  # the fixed override is in the base


def test_points_table(sweep_dir: Path) -> None:
    points = pd.read_parquet(sweep_dir / "points.parquet")
    design = pd.read_parquet(sweep_dir / "design.parquet")
    assert points["point"].tolist() == list(range(POINTS))
    pd.testing.assert_frame_equal(points[design.columns], design)
    expected = {"point", *PARAMS} | {
        f"{o}.{k}" for o in OUTCOMES for k in ("count", "share", "lo", "hi")
    }
    assert set(points.columns) == expected
    counts = points[[f"{o}.count" for o in OUTCOMES]]
    shares = points[[f"{o}.share" for o in OUTCOMES]]
    assert (counts.sum(axis=1) == REPLICATES).all()
    np.testing.assert_allclose(shares.sum(axis=1), 1.0)
    for o in OUTCOMES:
        np.testing.assert_allclose(points[f"{o}.share"], points[f"{o}.count"] / REPLICATES)
        assert (points[f"{o}.lo"] <= points[f"{o}.share"] + 1e-12).all()
        assert (points[f"{o}.share"] <= points[f"{o}.hi"] + 1e-12).all()
        for k, lo, hi in points[[f"{o}.count", f"{o}.lo", f"{o}.hi"]].itertuples(index=False):
            assert (lo, hi) == pytest.approx(wilson(int(k), REPLICATES))


def test_points_table_is_in_batches(sweep_dir: Path) -> None:
    meta = pq.ParquetFile(sweep_dir / "points.parquet").metadata
    assert meta.num_rows == POINTS
    assert meta.num_row_groups == 1  # whole batches share a row group of up to 65,536 rows


def test_replicates_with_pandas(sweep_dir: Path) -> None:
    reps = pd.read_parquet(sweep_dir / "replicates")
    assert len(reps) == POINTS * REPLICATES
    assert {"point", "replicate", "outcome", "turn_ended", "batch"} <= set(reps.columns)
    reps = reps.sort_values(["point", "replicate"])
    ids = reps.groupby("point")["replicate"].apply(list)
    assert ids.index.tolist() == list(range(POINTS))
    assert all(v == list(range(REPLICATES)) for v in ids)
    assert reps["batch"].dtype == np.int32
    assert (reps["batch"] == reps["point"] // BATCH).all()
    # the replicates agree with the points table
    points = pd.read_parquet(sweep_dir / "points.parquet").set_index("point")
    counts = reps.groupby(["point", "outcome"]).size().unstack(fill_value=0)
    for o in OUTCOMES:
        got = counts[o] if o in counts else pd.Series(0, index=points.index)
        assert got.reindex(points.index, fill_value=0).tolist() == points[f"{o}.count"].tolist()
    assert set(reps["outcome"]) <= set(OUTCOMES)


def test_every_partition_has_one_schema(sweep_dir: Path) -> None:
    files = sorted((sweep_dir / "replicates").glob("batch-*.parquet"))
    assert len(files) == 3
    schemas = [pq.read_schema(f) for f in files]
    assert all(s.equals(schemas[0]) for s in schemas)
    for b, f in enumerate(files):
        t = pq.read_table(f)
        assert t.num_rows == BATCH * REPLICATES
        assert set(t.column("point").to_pylist()) == set(range(b * BATCH, (b + 1) * BATCH))


def test_replicates_with_polars(sweep_dir: Path) -> None:
    pl = pytest.importorskip("polars")
    lazy = pl.scan_parquet(f"{sweep_dir}/replicates/*.parquet")
    df = lazy.collect()
    assert df.height == POINTS * REPLICATES
    assert df.schema["batch"] == pl.Int32
    per_point = df.group_by("point").len().sort("point")
    assert per_point["point"].to_list() == list(range(POINTS))
    assert set(per_point["len"].to_list()) == {REPLICATES}
    assert df.select(pl.col("batch").n_unique()).item() == 3


def test_replicates_with_duckdb(sweep_dir: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect()
    try:
        rows, points, batches = con.execute(
            "SELECT count(*), count(DISTINCT point), count(DISTINCT batch) FROM "
            f"read_parquet('{sweep_dir}/replicates/*.parquet')"
        ).fetchone()
        per_outcome = dict(
            con.execute(
                "SELECT outcome, count(*) FROM "
                f"read_parquet('{sweep_dir}/replicates/*.parquet') "
                "GROUP BY outcome"
            ).fetchall()
        )
    finally:
        con.close()
    assert (rows, points, batches) == (POINTS * REPLICATES, POINTS, 3)
    table = pd.read_parquet(sweep_dir / "points.parquet")
    for o in OUTCOMES:
        assert per_outcome.get(o, 0) == table[f"{o}.count"].sum()


def test_batch_reads_as_an_integer_with_pandas_and_pyarrow(sweep_dir: Path) -> None:
    import pyarrow as pa
    import pyarrow.dataset as ds

    reps = pd.read_parquet(sweep_dir / "replicates")
    assert pd.api.types.is_integer_dtype(reps["batch"])
    assert sorted(reps["batch"].unique()) == [0, 1, 2]
    assert ds.dataset(sweep_dir / "replicates").schema.field("batch").type == pa.int32()
    assert pq.read_table(sweep_dir / "replicates").schema.field("batch").type == pa.int32()


def test_replicates_carry_the_swept_parameters(sweep_dir: Path) -> None:
    reps = pd.read_parquet(sweep_dir / "replicates")
    design = pd.read_parquet(sweep_dir / "design.parquet").set_index("point")
    assert list(reps.columns[:5]) == ["batch", "point", *design.columns, "replicate"]
    for p in PARAMS:
        assert reps[p].dtype == design[p].dtype
        assert (reps[p].to_numpy() == design.loc[reps["point"], p].to_numpy()).all(), p


def test_shares_by_parameter_are_one_query(sweep_dir: Path) -> None:
    reps = pd.read_parquet(sweep_dir / "replicates")
    shares = reps.groupby("actors.China.resolve")["outcome"].value_counts(normalize=True)
    # the same from the points table: counts summed over the points at each value
    points = pd.read_parquet(sweep_dir / "points.parquet")
    by_value = points.groupby("actors.China.resolve")[[f"{o}.count" for o in OUTCOMES]].sum()
    assert sorted(by_value.index) == [0.3, 0.6, 0.9]
    for value, row in by_value.iterrows():
        total = row.sum()
        for o in OUTCOMES:
            assert shares[(value, o)] == pytest.approx(row[f"{o}.count"] / total), (value, o)


def test_outcome_is_a_category_of_every_outcome_in_file_order(sweep_dir: Path) -> None:
    reps = pd.read_parquet(sweep_dir / "replicates")
    assert isinstance(reps["outcome"].dtype, pd.CategoricalDtype)
    assert list(reps["outcome"].cat.categories) == OUTCOMES
    counts = reps["outcome"].value_counts(sort=False)
    assert list(counts.index) == OUTCOMES
    assert (counts == 0).any(), "the fixture sweep leaves an outcome unreached: it stays listed"
    schema = pq.read_schema(sweep_dir / "replicates" / "batch-000000.parquet")
    assert json.loads(schema.metadata[b"wargame.outcomes"]) == OUTCOMES


def test_points_list_outcomes_in_file_order(sweep_dir: Path) -> None:
    columns = pd.read_parquet(sweep_dir / "points.parquet").columns
    shares = [c.removesuffix(".share") for c in columns if c.endswith(".share")]
    assert shares == OUTCOMES


def test_python_api_gives_the_same_table(sweep_dir: Path, tmp_path: Path) -> None:
    points = sim.api.sweep(SMALL, workers=1, out=tmp_path / "api")
    assert Path(points.attrs["path"]) == tmp_path / "api"
    pd.testing.assert_frame_equal(
        points.reset_index(drop=True), pd.read_parquet(sweep_dir / "points.parquet")
    )
    assert (tmp_path / "api" / "points.parquet").read_bytes() == (
        sweep_dir / "points.parquet"
    ).read_bytes()


def test_resuming_a_complete_sweep_runs_nothing(
    sweep_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sim.sweeps.run as run_mod

    def fail(*_: object) -> None:
        raise AssertionError("a complete sweep ran a batch")

    before = (sweep_dir / "points.parquet").read_bytes()
    monkeypatch.setattr(run_mod, "run_points", fail)
    points = execute_sweep(SweepDir(sweep_dir), workers=1, quiet=True)
    assert len(points) == POINTS
    assert (sweep_dir / "points.parquet").read_bytes() == before


def test_integer_parameters_stay_integers(tmp_path: Path) -> None:
    path = tmp_path / "int.yaml"
    path.write_text(
        f"scenario: {FIXTURES / 'alliance.yaml'}\n"
        "parameters:\n"
        "  relations.us_japan.credibility: {low: 0.1, high: 0.9}\n"
        "  turns.limit: {low: 6, high: 10, integer: true}\n"
        "design: grid\nlevels: 2\nreplicates: 5\nbatch: 4\n",
        encoding="utf-8",
    )
    sd = start_sweep(path, tmp_path / "out")
    points = execute_sweep(sd, workers=1, quiet=True)
    design = pd.read_parquet(sd.design)
    assert design["turns.limit"].dtype == np.int64
    assert points["turns.limit"].dtype == np.int64


def test_sim_sweep_can_be_called_twice(tmp_path: Path) -> None:
    code = (
        "import sys, sim\n"
        "for out in sys.argv[2:]:\n"
        "    points = sim.sweep(sys.argv[1], workers=1, out=out)\n"
        "    assert len(points) == 12\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(SMALL), str(tmp_path / "a"), str(tmp_path / "b")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
