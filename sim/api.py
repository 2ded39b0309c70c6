"""The notebook API: ``sim.run(...)`` writes a run folder and returns its results; ``sim.load_run``."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.outputs.rundir import RunDir, require_complete


@dataclass
class RunResult:
    """A finished run: ``.outcomes`` (pandas DataFrame, one row per replicate), ``.summary``, ``.path``."""

    path: Path

    @property
    def manifest(self) -> dict[str, Any]:
        """The run's manifest.json (what was asked, versions, status)."""
        return RunDir(self.path).manifest()

    @property
    def summary(self) -> dict[str, Any]:
        """The run's summary.json (outcome shares with intervals, vocabulary)."""
        return RunDir(self.path).summary()

    @property
    def outcomes(self) -> Any:
        """outcomes.parquet as a pandas DataFrame, one row per replicate."""
        import pandas as pd

        return pd.read_parquet(RunDir(self.path).outcomes)

    @property
    def trajectories(self) -> Any:
        """trajectories.parquet as a DataFrame (rung per actor per turn); only for
        runs made with trajectories."""
        import pandas as pd

        rd = RunDir(self.path)
        if not rd.trajectories.exists():
            raise FileNotFoundError(f"{self.path}: run without --trajectories")
        return pd.read_parquet(rd.trajectories)

    def shares(self) -> dict[str, float]:
        """Share of each outcome."""
        return {k: v["share"] for k, v in self.summary["outcomes"].items()}

    def report(self, fmt: str = "html") -> Path:
        """Write report.html (or report.md) into the run folder."""
        from sim.outputs.report import write_report
        from sim.runner.worker import run_block

        return write_report(self.path, fmt, replay_block=run_block)


def run(
    scenario: str | os.PathLike[str] | Any,
    runs: int = 1000,
    seed: int = 0,
    overrides: Mapping[str, Any] | Iterable[str] | None = None,
    block: int = 1000,
    workers: int | None = None,
    out: str | os.PathLike[str] | None = None,
    trajectories: bool = False,
    precision: float | None = None,
    max_runs: int = 200_000,
    quiet: bool = True,
    threads: int = 1,
) -> RunResult:
    """Run ``scenario`` (a path or a ``sim.Scenario``) and return the finished run.

    ``workers=1`` plays the blocks in this process: ``threads`` of them at once, one per thread
    (as ``wargame run --workers 1 --threads T``); the results do not depend on either.

    Works as written in a plain script (no ``if __name__ == "__main__":`` needed) and in a
    notebook: the worker processes do not re-run the caller's main module. A bad argument is
    refused before any folder is created; a run that fails before any block finished leaves no
    folder behind."""
    from sim.runner.execute import Plan, execute, start_run
    from sim.scenario import Scenario, load_scenario
    from sim.scenario.loader import validate_data
    from sim.scenario.yamlsource import Located

    overrides_list: Any = (
        dict(overrides) if isinstance(overrides, Mapping) else list(overrides or [])
    )
    if isinstance(scenario, Scenario):
        base = scenario
        path = None
        resolved = (
            validate_data(
                Located(scenario.model_dump(mode="json", by_alias=True, exclude_none=True)),
                scenario.name,
                overrides_list,
            )
            if overrides_list
            else scenario
        )
    else:
        path = str(scenario)
        base = load_scenario(path)
        resolved = load_scenario(path, overrides_list) if overrides_list else base
    plan = Plan(
        runs=runs,
        seed=seed,
        block=block,
        precision=precision,
        max_runs=max_runs,
        trajectories=trajectories,
    )
    workers = _workers(workers, plan)
    threads = _threads(threads)
    rd = start_run(resolved, path, overrides_list, plan, out, base_scenario=base)
    execute(rd, workers=workers, quiet=quiet, threads=threads)
    return RunResult(rd.path)


def _workers(workers: int | None, plan: Any = None) -> int:
    """Worker processes for ``workers`` (refused below 1; capped to the cores, with a warning).
    Not given, for a run's ``plan`` of one block: 1, the blocks in this process, as ``wargame
    run`` does (``one_block_here``); else every core."""
    import warnings

    from sim.runner.executor import check_workers, one_block_here

    if plan is not None:
        workers = one_block_here(workers, plan.runs, plan.block, plan.precision)
    n, note = check_workers(workers)
    if note:
        warnings.warn(note, stacklevel=3)
    return n


def _threads(threads: int) -> int:
    """Threads of this process for ``threads`` (refused below 1, in one line)."""
    from sim.errors import RunError
    from sim.runner.executor import whole_number

    if not whole_number(threads, 1):
        raise RunError(f"threads {threads!r}: give 1 or more threads")
    return int(threads)


def load_run(path: str | os.PathLike[str]) -> RunResult:
    """Read a finished run folder back."""
    return RunResult(require_complete(Path(path)).path)


def sweep(
    sweep_file: str | os.PathLike[str],
    workers: int | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    out: str | os.PathLike[str] | None = None,
    quiet: bool = True,
) -> Any:
    """Run a sweep file; return its points table (pandas DataFrame; ``.attrs["path"]`` is the folder).

    Like :func:`run`, needs no main guard in a script and leaves no folder behind when it fails
    before any batch finished."""
    from sim.sweeps.run import execute_sweep, start_sweep

    if executor != "dask" or not scheduler:
        workers = _workers(workers)
    sd = start_sweep(Path(sweep_file), out)
    points = execute_sweep(sd, workers=workers, executor=executor, scheduler=scheduler, quiet=quiet)
    points.attrs["path"] = sd.path
    return points
