"""Run a sweep: batches of points as tasks on a local process pool or a Dask cluster, streamed to disk.

Layout of the sweep folder::

    manifest.json                  the sweep file, resolved base scenario, design, versions, status
    design.parquet                 every point's parameter values
    points/batch-NNNNNN.parquet    per finished batch: each point's outcome counts, shares, intervals
    replicates/batch-NNNNNN.parquet
                                   every replicate of the batch, with its point's parameter values
                                   and an int32 ``batch`` column (one dataset: read the folder)
    points.parquet                 all points in order (when complete)

The replicate files are not hive-partitioned (``batch=N/``): readers type a hive key as a category
or a dictionary, whereas a column in the file reads as the integer it is. Every column is in the data
dictionary (``sim.outputs.datadict``, docs/data.md).

A batch is done when its points file exists (written last, under a temporary name then renamed), so a
sweep killed at any moment resumes with exactly the missing batches. Point ``p`` is seeded with
``SeedSequence(seed, spawn_key=(p,))``: results do not depend on the executor or the finishing order.
"""

from __future__ import annotations

import math
import os
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.errors import RunError
from sim.outputs.rundir import RunDir, describe_os_error, now, short_hash, versions
from sim.outputs.stats import wilson
from sim.outputs.tables import concat_blocks, scenario_labels, to_table, write_atomic
from sim.runner.executor import (
    Progress,
    check_workers,
    discard_if_nothing_kept,
    new_run_dir,
    run_tasks_on,
    working_in,
)

_BASE_CACHE: dict[str, Any] = {}


def run_points(base: dict, rows: list[tuple[int, dict]], replicates: int, seed: int) -> dict:
    """Task: play ``replicates`` worlds at each point of a batch. Pure: the same arguments give the
    same result on any worker. Points whose swept values are all per-world numbers are played
    several at once (``sim.sweeps.stacked``), with the same result as one by one."""
    from sim.runner.worker import playing

    with playing():
        return _run_points(base, rows, replicates, seed)


def _run_points(base: dict, rows: list[tuple[int, dict]], replicates: int, seed: int) -> dict:
    """:func:`run_points`' body."""
    from sim.scenario.schema import Scenario
    from sim.sweeps import stacked

    key = short_hash(base, 16)
    if key not in _BASE_CACHE:  # the base, validated and dumped once per worker process
        _BASE_CACHE.clear()
        scenario = Scenario.model_validate(base)
        _BASE_CACHE[key] = (
            scenario,
            scenario.model_dump(mode="json", by_alias=True, exclude_none=True),
        )
    scenario, data = _BASE_CACHE[key]
    point_rows, parts = [], []
    for group in stacked.groups(len(rows), replicates):
        points = [rows[i] for i in group]
        rngs = [
            np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(p,))) for p, _ in points
        ]
        swept = [values for _, values in points]
        cs = stacked.compile_all(scenario, swept, data) if len(group) > 1 else None
        if cs is not None:
            played = stacked.play(cs, rngs, replicates, swept)
        else:
            played = [
                _play_alone(scenario, values, data, rng, replicates)
                for (_, values), rng in zip(points, rngs, strict=True)
            ]
        for (point, values), (cols, names) in zip(points, played, strict=True):
            point_rows.append(_point_row(point, values, cols["outcome"], names, replicates))
            for name, value in values.items():  # the point's parameters, on every replicate
                cols[name] = np.full(
                    replicates, value, dtype=object if isinstance(value, str) else None
                )
            cols["point"] = np.full(replicates, point, dtype=np.int64)
            cols["replicate"] = np.arange(replicates, dtype=np.int64)
            parts.append(cols)
    reps = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    return {"points": point_rows, "replicates": reps}


def _play_alone(
    scenario: Any, values: dict, data: dict, rng: np.random.Generator, replicates: int
) -> tuple[dict[str, Any], list[str]]:
    """One point as its own model: its result columns and outcome names."""
    from sim.model import WargameModel
    from sim.rules.compile import compile_scenario
    from sim.sweeps.spec import point_scenario

    c = compile_scenario(point_scenario(scenario, values, data))
    m = WargameModel(c, R=replicates, rng=rng, explain=False, collect=False)
    m.run()
    cols: dict[str, Any] = m.results()
    m.release()
    return cols, m.outcome_names


def _point_row(
    point: int, values: dict, outcome: np.ndarray, names: list[str], replicates: int
) -> dict[str, Any]:
    """A point's row of the points table: its values, then each outcome's count, share, interval."""
    row: dict[str, Any] = {"point": point, **values}
    for name in names:
        k = int((outcome == name).sum())
        lo, hi = wilson(k, replicates)
        row[f"{name}.count"] = k
        row[f"{name}.share"] = k / replicates
        row[f"{name}.lo"] = lo
        row[f"{name}.hi"] = hi
    return row


class SweepDir(RunDir):
    """Paths of a sweep folder."""

    unit = "batch"

    def kept(self) -> int:
        """Batches finished so far (what a failure keeps)."""
        return len(self.finished_batches())

    @property
    def design(self) -> Path:
        """The design: one row per point with its parameter values."""
        return self.path / "design.parquet"

    @property
    def points(self) -> Path:
        """The assembled per-point table, written when every batch is done."""
        return self.path / "points.parquet"

    def point_file(self, b: int) -> Path:
        """Batch ``b``'s points, kept until the sweep is assembled."""
        return self.path / "points" / f"batch-{b:06d}.parquet"

    def replicate_file(self, b: int) -> Path:
        """Batch ``b``'s per-replicate rows."""
        return self.path / "replicates" / f"batch-{b:06d}.parquet"

    def finished_batches(self) -> set[int]:
        """Indices of the batches whose points are written (a resume skips them)."""
        folder = self.path / "points"
        if not folder.is_dir():
            return set()
        return {int(p.stem.split("-")[1]) for p in folder.glob("batch-*.parquet")}


def start_sweep(spec_path: Path, out: str | os.PathLike[str] | None = None) -> SweepDir:
    """Validate the sweep file, create its folder, write the manifest and the design."""
    from sim.scenario import load_scenario
    from sim.sweeps.design import make_design
    from sim.sweeps.spec import load_sweep

    spec, scenario_path = load_sweep(spec_path)
    base = load_scenario(scenario_path, spec.set)
    design = make_design(spec)
    base_dict = base.model_dump(mode="json", by_alias=True, exclude_none=True)
    identity = {"spec": spec.model_dump(mode="json", warnings=False), "scenario": base_dict}
    rd = new_run_dir(f"sweep-{Path(spec_path).stem}", identity, out)
    sd = SweepDir(rd.path, created=rd.created)
    try:
        _write_start(sd, spec, spec_path, scenario_path, base, base_dict, design)
    except OSError as exc:
        discard_if_nothing_kept(sd)
        why, _ = describe_os_error(exc)
        raise RunError(f"cannot write the sweep folder {sd.path}: {why}") from None
    return sd


def _write_start(
    sd: SweepDir,
    spec: Any,
    spec_path: Path,
    scenario_path: Any,
    base: Any,
    base_dict: dict,
    design: pd.DataFrame,
) -> None:
    """The design table and the manifest (status ``incomplete``) of a new sweep folder."""

    params = [c for c in design.columns if c != "point"]
    columns = {k: _col(design[k]) for k in design.columns}
    write_atomic(to_table(columns, "design", lead=params), sd.design)
    manifest = {
        "format_version": 1,
        "kind": "sweep",
        "status": "incomplete",
        "sweep_file": str(spec_path),
        "spec": spec.model_dump(mode="json", warnings=False),
        "scenario": {
            "name": base.name,
            "path": str(scenario_path),
            "resolved_sha256": short_hash(base_dict, 64),
        },
        "points": len(design),
        "batches": math.ceil(len(design) / spec.batch),
        "versions": versions(),
        "started": now(),
        "finished": None,
        "base_scenario": base_dict,
    }
    sd.save_manifest(manifest)


def execute_sweep(
    sd: SweepDir,
    workers: int | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    quiet: bool = False,
) -> pd.DataFrame:
    """Run the missing batches of the sweep in ``sd``; finalise; return the points table.

    The folder is locked meanwhile (a second ``--resume`` of it is refused in one line); a dead
    worker, a full or read-only disk give a one-line ``RunError`` saying what was kept."""
    m = sd.manifest()
    if m["status"] == "complete":
        return pd.read_parquet(sd.points)
    workers, _ = check_workers(workers, cap=not (executor == "dask" and scheduler))
    with working_in(sd, "wargame sweep --resume"):
        return _execute_locked(sd, workers, executor, scheduler, quiet)


def _execute_locked(
    sd: SweepDir, workers: int, executor: str, scheduler: str | None, quiet: bool
) -> pd.DataFrame:
    """Run the sweep's missing batches (the caller holds the folder's lock), then assemble."""
    m = sd.manifest()  # again, under the lock: another process may have finished the sweep
    if m["status"] == "complete":
        return pd.read_parquet(sd.points)
    spec = m["spec"]
    design = pd.read_parquet(sd.design)
    params = [c for c in design.columns if c != "point"]
    batch, n_batches = spec["batch"], m["batches"]
    _clear_stale(sd)
    done = sd.finished_batches()
    todo = iter([b for b in range(n_batches) if b not in done])
    progress = Progress(len(design) * spec["replicates"], quiet=quiet, label=str(sd.path))
    progress.resumed(sum(min(batch, len(design) - b * batch) for b in done) * spec["replicates"])
    from sim.rules.compile import compile_scenario
    from sim.scenario.schema import Scenario

    labels = scenario_labels(compile_scenario(Scenario.model_validate(m["base_scenario"])))
    (sd.path / "points").mkdir(exist_ok=True)

    def on_result(b: int, result: dict) -> None:
        _write_batch(sd, labels, params, b, result)
        progress.update(len(result["points"]) * spec["replicates"])

    rows = (_batch_rows(design, params, batch, b) for b in todo)
    tasks = (
        (b, run_points, (m["base_scenario"], r, spec["replicates"], spec["seed"])) for b, r in rows
    )
    try:
        run_tasks_on(executor, scheduler, workers, tasks, on_result)
    finally:
        progress.close()
    concat_blocks([sd.point_file(b) for b in range(n_batches)], sd.points)
    progress.finish(
        f"{sd.path}: {len(design):,} points x {spec['replicates']:,} replicates done in "
        f"{progress.elapsed():.1f} s"
    )
    m["status"] = "complete"
    m["finished"] = now()
    sd.save_manifest(m)
    shutil.rmtree(sd.path / "points", ignore_errors=True)
    return pd.read_parquet(sd.points)


def _clear_stale(sd: SweepDir) -> None:
    """Refuse a folder of the older layout; delete temporary files a killed run left."""
    if any((sd.path / "replicates").glob("batch=*")):
        raise RunError(
            f"{sd.path}: made by an older version (hive-partitioned replicates/); start it again"
        )
    for stale in list(sd.path.glob("points/.*.tmp")) + list(sd.path.glob("replicates/.*.tmp")):
        stale.unlink()


def _batch_rows(
    design: pd.DataFrame, params: list[str], batch: int, b: int
) -> tuple[int, list[tuple[int, dict]]]:
    """Batch ``b`` of the design as (point id, parameter values) rows, each column its own type."""
    chunk = design.iloc[b * batch : (b + 1) * batch]
    columns = {p: chunk[p].tolist() for p in ["point", *params]}
    return b, [
        (int(columns["point"][i]), {p: _py(columns[p][i]) for p in params})
        for i in range(len(chunk))
    ]


def _write_batch(sd: SweepDir, labels: Any, params: list[str], b: int, result: dict) -> None:
    """Write one finished batch: its replicates and its points (atomically)."""
    rep = sd.replicate_file(b)
    rep.parent.mkdir(parents=True, exist_ok=True)
    reps = result["replicates"]
    reps["batch"] = np.full(len(reps["point"]), b, dtype=np.int32)
    write_atomic(to_table(reps, "replicates", labels, lead=params), rep)
    pts = pd.DataFrame(result["points"])
    stats = [f"{o}.{k}" for o in labels.outcomes for k in ("count", "share", "lo", "hi")]
    points_table = to_table(
        {k: _col(pts[k]) for k in pts.columns}, "points", lead=[*params, *stats]
    )
    write_atomic(points_table, sd.point_file(b))


def _py(v: Any) -> Any:
    return v.item() if hasattr(v, "item") else v


def _col(s: pd.Series) -> np.ndarray:
    return s.to_numpy(dtype=object) if s.dtype == object else s.to_numpy()
