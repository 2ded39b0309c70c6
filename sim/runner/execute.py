"""One run of a scenario to a run folder: blocks on the shared executor, streamed to disk, resumable.

What is specific to a single run lives here: the plan (replicates or a precision target, seed,
block size), the manifest, writing each finished block, the precision stop and the final tables.
The executor, progress, worker counts, folder creation, the lock and the failure handling are
shared with sweeps and backtests (``sim.runner.executor``).

Each finished block is written to ``blocks/`` under a temporary name and renamed; the manifest says
``incomplete`` until every block is there and the outcome table has been assembled in block order.
Ctrl-C, a dead worker or a full or read-only disk leaves the finished blocks in place (one line says
what was kept), and ``resume`` runs only the missing ones. The folder is locked while a run
executes, so two resumes of it cannot interleave.
"""

from __future__ import annotations

import math
import os
import shutil
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from numbers import Real
from pathlib import Path

import pyarrow as pa

from sim.errors import RunError
from sim.outputs.rundir import RunDir, command_line, describe_os_error, now, short_hash, versions
from sim.outputs.summary import max_half_width, summarise
from sim.outputs.tables import (
    Assembly,
    concat_blocks,
    read_parquet,
    scenario_labels,
    to_table,
    values_of,
    write_atomic,
)
from sim.rules.compile import CompiledScenario, compile_scenario
from sim.runner.executor import (
    Progress,
    check_workers,
    discard_if_nothing_kept,
    in_flight,
    make_executor,
    new_run_dir,
    run_tasks,
    whole_number,
    working_in,
)
from sim.runner.pool import stop_now
from sim.runner.shipped import run_shipped_block, ship
from sim.scenario.outcomes import outcome_names
from sim.scenario.schema import Scenario

__all__ = [
    "DEFAULT_MAX_RUNS",
    "Plan",
    "Summaries",
    "execute",
    "finalise",
    "identity_of",
    "start_run",
]

DEFAULT_MAX_RUNS = 1_000_000


@dataclass
class Plan:
    """What to run: replicates (or a precision target), seed, block size, extras."""

    runs: int = 1000
    seed: int = 0
    block: int = 1000
    precision: float | None = None
    max_runs: int = DEFAULT_MAX_RUNS
    trajectories: bool = False

    def n_blocks(self) -> int:
        """Blocks the plan may run (up to ``max_runs`` with a precision stop)."""
        total = self.max_runs if self.precision is not None else self.runs
        return max(1, math.ceil(total / self.block))

    def size(self, i: int) -> int:
        """Worlds in block ``i`` (the last may be smaller)."""
        total = self.max_runs if self.precision is not None else self.runs
        return min(self.block, total - i * self.block)

    def check(self) -> None:
        """Refuse, in one line and before any folder exists, a plan that cannot run."""
        for name in ("runs", "block", "max_runs"):
            if not whole_number(getattr(self, name), 1):
                raise RunError(f"{name}={getattr(self, name)!r}: give a whole number of 1 or more")
        if not whole_number(self.seed, 0):
            raise RunError(f"seed={self.seed!r}: give a whole number of 0 or more")
        p = self.precision
        if p is not None and (isinstance(p, bool) or not isinstance(p, Real) or not 0 < p < 0.5):
            raise RunError(f"precision={p!r}: give a half-width between 0 and 0.5, e.g. 0.01")
        self.runs, self.seed, self.block = int(self.runs), int(self.seed), int(self.block)
        self.max_runs = int(self.max_runs)
        self.precision = None if p is None else float(p)


def start_run(
    scenario: Scenario,
    scenario_path: str | None,
    overrides: list[str] | dict,
    plan: Plan,
    out: str | os.PathLike[str] | None = None,
    base_scenario: Scenario | None = None,
) -> RunDir:
    """Create the run folder and its manifest (status ``incomplete``). A plan that cannot run is
    refused first, and a folder whose manifest cannot be written is removed again."""
    plan.check()
    resolved = scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
    base = (base_scenario or scenario).model_dump(mode="json", by_alias=True, exclude_none=True)
    file_hash = None
    if scenario_path and Path(scenario_path).is_file():
        import hashlib

        file_hash = hashlib.sha256(Path(scenario_path).read_bytes()).hexdigest()
    identity = {"scenario": resolved, "plan": vars(plan)}
    rd = new_run_dir(scenario.name, identity, out)
    manifest = {
        "format_version": 1,
        "status": "incomplete",
        "scenario": {
            "name": scenario.name,
            "path": scenario_path,
            "file_sha256": file_hash,
            "resolved_sha256": short_hash(resolved, 64),
            "base_sha256": short_hash(base, 64),
        },
        "overrides": list(overrides) if not isinstance(overrides, dict) else overrides,
        "seed": plan.seed,
        "block": plan.block,
        "runs_requested": plan.runs,
        "precision": plan.precision,
        "max_runs": plan.max_runs,
        "trajectories": plan.trajectories,
        "blocks_planned": plan.n_blocks(),
        "versions": versions(),
        "command": command_line(),
        "started": now(),
        "finished": None,
        "resolved_scenario": resolved,
        "base_scenario": base,
    }
    try:
        rd.save_manifest(manifest)
    except OSError as exc:
        discard_if_nothing_kept(rd)
        why, _ = describe_os_error(exc)
        raise RunError(f"cannot write the run folder {rd.path}: {why}") from None
    return rd


def _plan_of(m: dict, path: Path) -> Plan:
    try:
        if m["status"] not in ("complete", "incomplete"):
            raise ValueError(f"status {m['status']!r}")
        return Plan(
            runs=int(m["runs_requested"]),
            seed=int(m["seed"]),
            block=int(m["block"]),
            precision=m["precision"],
            max_runs=int(m["max_runs"]),
            trajectories=bool(m["trajectories"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise RunError(
            f"{path}/manifest.json is damaged ({type(exc).__name__}: {exc}); start a new run"
        ) from None


def _block_counts(rd: RunDir, i: int, names: list[str]) -> dict[str, int]:
    col = values_of(read_parquet(rd.block_file(i), ["outcome"]).column("outcome"))
    return {n: int((col == n).sum()) for n in names}


def execute(rd: RunDir, workers: int | None = None, quiet: bool = False, threads: int = 1) -> dict:
    """Run every missing block of the run in ``rd`` and finalise it; return the summary.

    The run folder is locked while this runs: a second ``execute`` of the same folder (two
    ``--resume`` at once) is refused with a one-line ``RunError``. Raises ``KeyboardInterrupt``
    (after keeping finished blocks) on Ctrl-C and a one-line ``RunError`` when a worker dies, the
    disk is full or read-only; either way the manifest stays ``incomplete`` and ``--resume`` picks
    up from there.
    """
    m = rd.manifest()
    if m.get("kind", "run") != "run":
        raise RunError(
            f"{rd.path}: a {m.get('kind')} folder, not a run (use `wargame sweep --resume`)"
        )
    if m.get("status") == "complete":
        return rd.summary()
    workers, _ = check_workers(workers)
    with working_in(rd, "wargame run --resume"):
        return _execute_locked(rd, workers, quiet, threads)


def _execute_locked(rd: RunDir, workers: int, quiet: bool, threads: int) -> dict:
    m = rd.manifest()  # again, under the lock: another process may have finished the run
    if m.get("status") == "complete":
        return rd.summary()
    # first: its workers import the engine meanwhile (or this process compiles the kernels)
    executor = make_executor(workers, threads, say=not quiet)
    try:
        summary = _run_blocks(rd, m, in_flight(workers, threads), quiet, executor)
    except BaseException:
        executor.shutdown(wait=True, cancel_futures=True)
        raise
    if isinstance(executor, ProcessPoolExecutor):
        stop_now(executor)  # every block is written: no waiting for the workers' teardown
    return summary


def _run_blocks(rd: RunDir, m: dict, limit: int, quiet: bool, executor: Executor) -> dict:
    """Run the missing blocks of ``rd`` on ``executor``, writing each as it finishes; finalise."""
    plan = _plan_of(m, rd.path)
    try:
        scenario = Scenario.model_validate(m["resolved_scenario"])
    except (KeyError, ValueError) as exc:
        raise RunError(
            f"{rd.path}/manifest.json: damaged resolved scenario ({str(exc).splitlines()[0]})"
        ) from None
    c = compile_scenario(scenario)
    names = outcome_names(c.scenario)
    labels = scenario_labels(c)
    rd.blocks.mkdir(exist_ok=True)
    for stale in [*rd.blocks.glob(".*.tmp"), *rd.path.glob(".*.tmp")]:
        stale.unlink()  # a write cut off by a crash: never counted
    done = rd.finished_blocks()
    counts = {i: _block_counts(rd, i, names) for i in sorted(done)}
    target = _precision_target(counts, plan) if plan.precision is not None else None
    n_blocks = plan.n_blocks()
    progress = Progress(
        sum(plan.size(i) for i in range(n_blocks)) if plan.precision is None else plan.max_runs,
        quiet=quiet,
        label=str(rd.path),
    )
    progress.resumed(sum(plan.size(i) for i in done))
    assembly = Assembly(rd.outcomes, Summaries(c, names))  # written while the workers play
    for i in done:
        assembly.offer(i, rd.block_file(i))
    shipped = ship(c)  # pickled once; each worker unpickles it once
    tasks = (
        (i, run_shipped_block, (shipped, i, plan.size(i), plan.seed, plan.block, plan.trajectories))
        for i in range(n_blocks)
        if i not in done
    )

    def on_result(i: int, result: dict) -> None:
        nonlocal target
        result["labels"] = labels
        assembly.offer(i, _write_block(rd, result), rd.block_file(i))
        counts[i] = {n: int((result["columns"]["outcome"] == n).sum()) for n in names}
        progress.update(plan.size(i))
        if plan.precision is not None and target is None:
            target = _precision_target(counts, plan)
        assembly.advance(target)  # never past the precision target (blocks after it are dropped)

    try:
        try:
            for fut in run_tasks(executor, tasks, limit, on_result, lambda: target is not None):
                fut.cancel()  # blocks past the precision target are not needed
        finally:
            progress.close()
        last = target if target is not None else n_blocks - 1
        summary = finalise(rd, c, names, last, assembly)
    finally:
        assembly.close(discard=True)  # after a failure: no half-written table left
    progress.finish()
    return summary


def _precision_target(counts: dict[int, dict[str, int]], plan: Plan) -> int | None:
    """First block index k such that blocks 0..k reach the precision, if the prefix is there."""
    total: dict[str, int] = {}
    k = 0
    while k in counts:
        for name, v in counts[k].items():
            total[name] = total.get(name, 0) + v
        if max_half_width(total) <= plan.precision:  # type: ignore[operator]
            return k
        k += 1
    return (plan.n_blocks() - 1) if k >= plan.n_blocks() else None


def _write_block(rd: RunDir, result: dict) -> pa.Table:
    """Write a finished block's tables (``result["labels"]``: the scenario's outcome and rung
    names); its outcome table."""
    i, labels = result["index"], result["labels"]
    if "trajectories" in result:
        write_atomic(
            to_table(result["trajectories"], "trajectories", labels), rd.trajectory_file(i)
        )
    # the block file last: it marks the block done
    table = to_table(result["columns"], "outcomes", labels)
    write_atomic(table, rd.block_file(i))
    return table


class Summaries:
    """The outcome counts, the mechanism vocabulary and the alliance summaries of a run, gathered
    block by block as its outcome table is assembled (``Assembly``'s ``visit``: each block's
    table seen once)."""

    def __init__(self, c: CompiledScenario, names: list[str]) -> None:
        from sim.outputs.alliances import Links
        from sim.outputs.vocabulary import Tally
        from sim.rules.vocabulary import vocab_of

        self.counts = dict.fromkeys(names, 0)
        self.tally, self.links = Tally(vocab_of(c).mechanisms), Links()
        self.vocabulary = True  # False for blocks written before the vocabulary existed

    def __call__(self, table: pa.Table) -> None:
        """Count, tally and summarise one block's outcome table."""
        from sim.outputs.vocabulary import add_table

        col = values_of(table.column("outcome"))
        for n in self.counts:
            self.counts[n] += int((col == n).sum())
        self.vocabulary = self.vocabulary and add_table(self.tally, table)
        self.links.add(table)


def finalise(
    rd: RunDir,
    c: CompiledScenario,
    names: list[str],
    last: int,
    assembly: Assembly | None = None,
) -> dict:
    """Assemble the ordered tables, write the summary, mark the run complete, drop block files.

    ``assembly`` (its visitor a :class:`Summaries`) is the outcome table a run has been writing as
    its blocks finished; without it the table is assembled from the block files."""
    m = rd.manifest()
    missing = [rd.block_file(i).name for i in range(last + 1) if not rd.block_file(i).exists()]
    if missing:
        raise RunError(f"{rd.path}: blocks missing ({', '.join(missing[:3])}...); resume the run")
    from sim.outputs.rundir import write_json_atomic

    if assembly is None:
        assembly = Assembly(rd.outcomes, Summaries(c, names))
        for i in range(last + 1):
            assembly.offer(i, rd.block_file(i))
    seen = assembly.visit
    assert isinstance(seen, Summaries), "a run's assembly has its summaries as visitor"
    try:
        rows = assembly.finish(last)
    finally:
        assembly.close()
    if m["trajectories"]:
        concat_blocks([rd.trajectory_file(i) for i in range(last + 1)], rd.trajectories)
    assert sum(seen.counts.values()) == rows
    summary = summarise(
        seen.counts,
        {
            "scenario": m["scenario"]["name"],
            "seed": m["seed"],
            "block": m["block"],
            "blocks": last + 1,
        },
    )
    summary["vocabulary"] = seen.tally.summary() if seen.vocabulary else None
    summary["alliances"] = seen.links.summary()
    write_json_atomic(summary, rd.summary_path)
    m["status"] = "complete"
    m["finished"] = now()
    m["runs"] = rows
    rd.save_manifest(m)
    shutil.rmtree(rd.blocks, ignore_errors=True)
    return summary


def identity_of(manifest: dict) -> str:
    """Hash of what decides a run's numbers (resolved scenario, seed, block size)."""
    return short_hash({k: manifest[k] for k in ("resolved_scenario", "seed", "block")}, 16)
