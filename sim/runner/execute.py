"""Run a scenario to a run folder: blocks on a process pool, streamed to disk, resumable.

Blocks are submitted to a ``concurrent.futures`` executor (a spawn-context process pool, or this
process when one worker is asked for). Each finished block is written to ``blocks/`` under a temporary
name and renamed; the manifest says ``incomplete`` until every block is there and the outcome table has
been assembled in block order. Ctrl-C, a dead worker or a full or read-only disk leaves the finished
blocks in place (one line says what was kept), and ``resume`` runs only the missing ones. The folder is
locked while a run executes, so two resumes of it cannot interleave.
"""

from __future__ import annotations

import math
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from numbers import Integral, Real
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq

from sim.errors import RunError
from sim.outputs.rundir import (
    RunDir,
    canonical_json,
    command_line,
    describe_os_error,
    now,
    short_hash,
    versions,
)
from sim.outputs.summary import max_half_width, summarise
from sim.outputs.tables import concat_blocks, scenario_labels, to_table, write_atomic
from sim.rules.compile import CompiledScenario, compile_scenario
from sim.runner.montecarlo import outcome_names
from sim.runner.pool import process_pool
from sim.runner.worker import run_block
from sim.scenario.schema import Scenario

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
        total = self.max_runs if self.precision is not None else self.runs
        return max(1, math.ceil(total / self.block))

    def size(self, i: int) -> int:
        total = self.max_runs if self.precision is not None else self.runs
        return min(self.block, total - i * self.block)

    def check(self) -> None:
        """Refuse, in one line and before any folder exists, a plan that cannot run."""
        for name in ("runs", "block", "max_runs"):
            if not _whole(getattr(self, name), 1):
                raise RunError(f"{name}={getattr(self, name)!r}: give a whole number of 1 or more")
        if not _whole(self.seed, 0):
            raise RunError(f"seed={self.seed!r}: give a whole number of 0 or more")
        p = self.precision
        if p is not None and (isinstance(p, bool) or not isinstance(p, Real) or not 0 < p < 0.5):
            raise RunError(f"precision={p!r}: give a half-width between 0 and 0.5, e.g. 0.01")
        self.runs, self.seed, self.block = int(self.runs), int(self.seed), int(self.block)
        self.max_runs = int(self.max_runs)
        self.precision = None if p is None else float(p)


def _whole(value: Any, least: int) -> bool:
    """``value`` is an integer (Python or NumPy, not a bool) of at least ``least``."""
    return isinstance(value, Integral) and not isinstance(value, bool) and value >= least


@dataclass
class Progress:
    """Progress on stderr: a tqdm bar on a terminal; off a terminal (a log, a pipe, CI) a plain line
    at every tenth of the work or every ``every`` seconds, whichever comes first; then a final line.
    Nothing when quiet.

    ``label`` starts every line (e.g. the run folder); ``unit`` names what is counted."""

    total: int
    quiet: bool = False
    label: str = "wargame"
    unit: str = "replicates"
    every: float = 10.0
    done: int = 0
    _bar: Any = field(default=None, init=False)
    _start: float = field(default=0.0, init=False)
    _start_done: int = field(default=0, init=False)
    _last_time: float = field(default=0.0, init=False)
    _last_tenth: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        self._start = self._last_time = time.monotonic()
        if self.quiet:
            return
        if sys.stderr.isatty():
            from tqdm import tqdm

            self._bar = tqdm(
                total=self.total, unit="rep", unit_scale=True, dynamic_ncols=True, file=sys.stderr
            )
        else:
            self._line(f"{self.label}: {self.total:,} {self.unit} to run")

    def _line(self, text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    def resumed(self, n: int) -> None:
        """Count ``n`` already finished before this process started (a resumed run)."""
        self.done += n
        self._start_done = self.done
        self._last_tenth = self._tenth()
        if self._bar is not None:
            self._bar.update(n)
        elif n and not self.quiet:
            self._line(f"{self.label}: {n:,} of {self.total:,} {self.unit} already done")

    def _tenth(self) -> int:
        return 10 * self.done // self.total if self.total else 10

    def update(self, n: int) -> None:
        self.done += n
        if self._bar is not None:
            self._bar.update(n)
            return
        if self.quiet:
            return
        now = time.monotonic()
        if self._tenth() > self._last_tenth or now - self._last_time >= self.every:
            self._last_tenth, self._last_time = self._tenth(), now
            share = self.done / self.total if self.total else 1.0
            self._line(
                f"{self.label}: {self.done:,} of {self.total:,} {self.unit} ({share:.0%}), "
                f"{now - self._start:.0f} s"
            )

    def close(self) -> None:
        """Close the bar (also when the work stopped early)."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def elapsed(self) -> float:
        """Seconds since the progress started."""
        return time.monotonic() - self._start

    def finish(self, final: str | None = None) -> None:
        """The final line: ``final``, or the count and the time taken."""
        self.close()
        if self.quiet:
            return
        took = time.monotonic() - self._start
        ran = self.done - self._start_done
        rate = f", {ran / took:,.0f} {self.unit}/s" if took > 0 and ran else ""
        self._line(final or f"{self.label}: {self.done:,} {self.unit} done in {took:.1f} s{rate}")


class _InProcess(Executor):
    """A one-worker executor that runs each task when submitted (no pool start-up cost)."""

    def submit(self, fn: Callable, /, *args: Any, **kwargs: Any) -> Future:
        fut: Future = Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                raise
            fut.set_exception(exc)
        return fut


def make_executor(workers: int) -> Executor:
    """In-process for one worker; otherwise a spawn-context process pool whose workers ignore Ctrl-C
    (the parent handles it and keeps what has finished) and do not re-run ``__main__``, so a plain
    script or a notebook needs no ``if __name__ == "__main__":`` guard (``sim.runner.pool``)."""
    if workers <= 1:
        return _InProcess()
    return process_pool(workers)


def in_flight(workers: int) -> int:
    """Tasks to keep submitted on ``make_executor(workers)``: one in-process (it runs on submit, so
    its result must be written before the next starts), two per worker on a pool."""
    return 1 if workers <= 1 else 2 * workers


def run_tasks(
    executor: Executor,
    tasks: Iterator[tuple[Any, Callable, tuple]],
    limit: int,
    on_result: Callable[[Any, Any], None],
    stop: Callable[[], bool] = lambda: False,
) -> list[Future]:
    """Submit ``(key, fn, args)`` tasks keeping at most ``limit`` in flight; hand each result to
    ``on_result(key, result)`` (in key order among those finishing together). Returns the futures
    still running when ``stop()`` became true (none when every task ran)."""
    running: dict[Future, Any] = {}
    while True:
        while len(running) < limit and not stop():
            task = next(tasks, None)
            if task is None:
                break
            key, fn, args = task
            running[executor.submit(fn, *args)] = key
        if not running:
            return []
        finished, _ = wait(running, return_when=FIRST_COMPLETED)
        for fut in sorted(finished, key=running.__getitem__):
            on_result(running.pop(fut), fut.result())
        if stop():
            return list(running)


def default_workers() -> int:
    return os.cpu_count() or 1


def check_workers(workers: int | None, name: str = "workers", cap: bool = True) -> tuple[int, str]:
    """The number of worker processes to start for ``workers`` (None: every core), and a one-line
    note when it was capped ("" otherwise). Fewer than 1 is refused. More than the cores is
    capped to the cores (``cap``): extra processes only compete for them, and the results do
    not depend on the number of workers."""
    if workers is None:
        return default_workers(), ""
    if not _whole(workers, 1):
        raise RunError(f"{name} {workers!r}: give 1 or more worker processes (default: all cores)")
    cores = default_workers()
    if cap and workers > cores:
        return (
            cores,
            f"{name} {workers} is more than the {cores} cores of this machine: using {cores}",
        )
    return workers, ""


def new_run_dir(scenario_name: str, identity: dict, out: str | os.PathLike[str] | None) -> RunDir:
    """``runs/<scenario>-<UTC time>-<hash>/`` (or ``out``), created empty. ``RunDir.created`` is the
    topmost folder this call created (removed again by :func:`discard_if_nothing_kept`)."""
    if out is not None:
        path = Path(out)
        if path.exists() and not path.is_dir():
            raise RunError(f"{path}: --out names a file, not a folder")
        if path.exists() and any(path.iterdir()):
            raise RunError(f"{path}: output folder exists and is not empty")
        top = first_missing(path)
        make_folder(path, exist_ok=True)
        return RunDir(path, created=top)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    for attempt in range(100):  # the hash tells runs apart; the counter, two started in one second
        salt = {"identity": identity, "attempt": attempt, "ns": time.time_ns()}
        path = Path("runs") / f"{scenario_name}-{stamp}-{short_hash(salt)}"
        top = first_missing(path)
        try:
            make_folder(path, exist_ok=False)
            return RunDir(path, created=top)
        except FileExistsError:
            continue
    raise RunError("could not create a new run folder under runs/")


def first_missing(path: Path) -> Path | None:
    """The topmost of ``path`` and its parents that does not exist yet (None if ``path`` exists)."""
    top = None
    for p in [path, *path.parents]:
        if p.exists():
            break
        top = p
    return top


def make_folder(path: Path, exist_ok: bool) -> None:
    """``path.mkdir(parents=True)``, a one-line error when the place is not writable or full."""
    try:
        path.mkdir(parents=True, exist_ok=exist_ok)
    except FileExistsError:
        raise
    except OSError as exc:
        why, _ = describe_os_error(exc)
        raise RunError(f"cannot create the folder {path}: {why}") from None


def discard_if_nothing_kept(rd: RunDir) -> bool:
    """After a failed fresh run or sweep: remove the folders it created if no finished block or
    batch is in them (nothing to resume), so a failure leaves nothing behind. True if removed."""
    if rd.created is None or not rd.created.exists() or rd.kept():
        return False
    try:
        if rd.manifest().get("status") == "complete":
            return False
    except RunError:
        pass  # no readable manifest: nothing to keep either
    shutil.rmtree(rd.created, ignore_errors=True)
    return True


@contextmanager
def failures_keep_work(rd: RunDir, command: str) -> Iterator[None]:
    """Turn a dead worker, a full or read-only disk and an exhausted memory into one ``RunError``
    line saying what was kept in ``rd`` and how to finish (``command`` is the resume command). A
    fresh folder in which nothing finished is removed on any failure but Ctrl-C."""

    def kept_and_next() -> tuple[str, str]:
        if discard_if_nothing_kept(rd):
            return f"nothing had finished, so {rd.path} was removed", "start again"
        return (
            f"{rd.kept()} finished {rd.unit}(s) kept in {rd.path}",
            f"finish with `{command} {rd.path}`",
        )

    try:
        yield
    except BrokenProcessPool:
        kept, then = kept_and_next()
        raise RunError(f"a worker process died; {kept}; {then}") from None
    except MemoryError:
        kept, then = kept_and_next()
        raise RunError(
            f"out of memory; {kept}; use a smaller block or fewer workers, then {then}"
        ) from None
    except OSError as exc:
        why, fix = describe_os_error(exc)
        kept, then = kept_and_next()
        raise RunError(f"cannot write to {rd.path}: {why}; {kept}; {fix}, then {then}") from None
    except Exception:
        discard_if_nothing_kept(rd)
        raise


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
    col = (
        pq.read_table(rd.block_file(i), columns=["outcome"])
        .column("outcome")
        .to_numpy(zero_copy_only=False)
    )
    return {n: int((col == n).sum()) for n in names}


def execute(rd: RunDir, workers: int | None = None, quiet: bool = False) -> dict:
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
    with rd.lock("wargame run --resume"), failures_keep_work(rd, "wargame run --resume"):
        return _execute_locked(rd, workers, quiet)


def _execute_locked(rd: RunDir, workers: int, quiet: bool) -> dict:
    m = rd.manifest()  # again, under the lock: another process may have finished the run
    if m.get("status") == "complete":
        return rd.summary()
    plan = _plan_of(m, rd.path)
    try:
        scenario = Scenario.model_validate(m["resolved_scenario"])
    except (KeyError, ValueError) as exc:
        raise RunError(
            f"{rd.path}/manifest.json: damaged resolved scenario ({str(exc).splitlines()[0]})"
        ) from None
    c = compile_scenario(scenario)
    names = outcome_names(c)
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
    executor = make_executor(workers)
    tasks = (
        (i, run_block, (c, i, plan.size(i), plan.seed, plan.block, plan.trajectories))
        for i in range(n_blocks)
        if i not in done
    )

    def on_result(i: int, result: dict) -> None:
        nonlocal target
        result["labels"] = labels
        _write_block(rd, result)
        counts[i] = {n: int((result["columns"]["outcome"] == n).sum()) for n in names}
        progress.update(plan.size(i))
        if plan.precision is not None and target is None:
            target = _precision_target(counts, plan)

    try:
        for fut in run_tasks(
            executor, tasks, in_flight(workers), on_result, lambda: target is not None
        ):
            fut.cancel()  # blocks past the precision target are not needed
    finally:
        progress.close()
        executor.shutdown(wait=True, cancel_futures=True)
    last = target if target is not None else n_blocks - 1
    summary = finalise(rd, c, names, last)
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


def _write_block(rd: RunDir, result: dict) -> None:
    """Write a finished block's tables (``result["labels"]``: the scenario's outcome and rung
    names)."""
    i, labels = result["index"], result["labels"]
    if "trajectories" in result:
        write_atomic(
            to_table(result["trajectories"], "trajectories", labels), rd.trajectory_file(i)
        )
    # the block file last: it marks the block done
    write_atomic(to_table(result["columns"], "outcomes", labels), rd.block_file(i))


def finalise(rd: RunDir, c: CompiledScenario, names: list[str], last: int) -> dict:
    """Assemble the ordered tables, write the summary, mark the run complete, drop block files."""
    m = rd.manifest()
    blocks = [rd.block_file(i) for i in range(last + 1)]
    missing = [p.name for p in blocks if not p.exists()]
    if missing:
        raise RunError(f"{rd.path}: blocks missing ({', '.join(missing[:3])}...); resume the run")
    rows = concat_blocks(blocks, rd.outcomes)
    if m["trajectories"]:
        concat_blocks([rd.trajectory_file(i) for i in range(last + 1)], rd.trajectories)
    counts = dict.fromkeys(names, 0)
    for p in blocks:
        col = pq.read_table(p, columns=["outcome"]).column("outcome").to_numpy(zero_copy_only=False)
        for n in names:
            counts[n] += int((col == n).sum())
    assert sum(counts.values()) == rows
    summary = summarise(
        counts,
        {
            "scenario": m["scenario"]["name"],
            "seed": m["seed"],
            "block": m["block"],
            "blocks": last + 1,
        },
    )
    from sim.outputs.rundir import write_json_atomic
    from sim.outputs.vocabulary import summarise_files
    from sim.rules.vocabulary import vocab_of

    summary["vocabulary"] = summarise_files(blocks, vocab_of(c))
    from sim.outputs.alliances import summarise_links

    summary["alliances"] = summarise_links(blocks)
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


__all__ = ["Plan", "canonical_json", "execute", "finalise", "np", "start_run"]
