"""Run a backtest: every case of a deck (and the checks) on the local pool or Dask, into a folder.

Layout of ``runs/backtest-<deck>-<UTC time>-<hash>/``::

    manifest.json       deck, cases (file and hash), runs, seed, block, versions, status
    scores.parquet      one row per case and dimension: what happened, the probability the engine
                        and each baseline gave it, log and Brier scores
    predictions.parquet one row per case, dimension and class: engine worlds and the three forecasts
    checks.parquet      with --checks: one row per check
    summary.json        mean scores overall, per kind of dimension and per case; reliability bins
    backtest.html       (or backtest.md) the report

Case c's block b is seeded with ``SeedSequence(seed, spawn_key=(key_c, b))``, ``key_c`` from the
case's file name; check blocks with ``SeedSequence(seed, spawn_key=(b,))`` in both arms. Tables are
assembled in deck order after every task has finished, so they do not depend on the executor, the
number of workers or the finishing order.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from sim.backtest import baselines
from sim.backtest.checks import CHECKS, Check, check_scenarios, evaluate
from sim.backtest.deck import Case, load_deck
from sim.backtest.scoring import (
    ENGINE_PSEUDOCOUNT,
    brier_score,
    log_score,
    reliability,
    smoothed,
)
from sim.backtest.task import run_case_block, run_check_arm
from sim.outputs.rundir import (
    RunDir,
    command_line,
    now,
    short_hash,
    versions,
    write_json_atomic,
)
from sim.outputs.tables import write_atomic
from sim.runner.executor import Progress, default_workers, new_run_dir, run_tasks_on
from sim.runner.montecarlo import block_sizes

MODELS = ("engine", "uniform", "base_rate")


def _resolved(case: Case) -> dict:
    """The case's scenario as plain JSON data, to send to a worker."""
    return case.scenario.model_dump(mode="json", by_alias=True, exclude_none=True)


def run_backtest(
    deck: str | os.PathLike[str],
    runs: int = 1000,
    seed: int = 0,
    block: int = 1000,
    workers: int | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    checks: bool = False,
    out: str | os.PathLike[str] | None = None,
    quiet: bool = True,
    check_list: tuple[Check, ...] = CHECKS,
) -> RunDir:
    """Run every case of ``deck`` (``runs`` worlds each) and, with ``checks``, the face-validity
    checks; write the backtest folder (without the report) and return it."""
    cases, skipped = load_deck(deck)
    arms = check_scenarios(check_list) if checks else {}
    identity = {
        "cases": {c.name: c.file_sha256 for c in cases},
        "runs": runs,
        "seed": seed,
        "block": block,
        "checks": checks,
    }
    rd = new_run_dir(f"backtest-{Path(deck).stem or 'deck'}", identity, out)
    manifest = _manifest(deck, cases, skipped, identity)
    rd.save_manifest(manifest)
    sizes = block_sizes(runs, block)
    chosen = check_list if checks else ()
    tasks = _tasks(cases, chosen, arms, sizes, seed)
    results = _run(tasks, executor, scheduler, workers or default_workers(), quiet)

    scores, predictions = score_cases(cases, results, len(sizes))
    write_atomic(_table(scores), rd.path / "scores.parquet")
    write_atomic(_table(predictions), rd.path / "predictions.parquet")
    check_rows = _check_rows(chosen, results, len(sizes))
    if checks:
        flat = [
            {k: (", ".join(v) if isinstance(v, list) else v) for k, v in r.items()}
            for r in check_rows
        ]
        write_atomic(_table(flat), rd.path / "checks.parquet")
    summary = summarise(scores, predictions, check_rows)
    summary.update(deck=str(deck), cases=len(cases), runs=runs, seed=seed, block=block)
    write_json_atomic(summary, rd.path / "summary.json")
    manifest["status"] = "complete"
    manifest["finished"] = now()
    rd.save_manifest(manifest)
    return rd


def _manifest(
    deck: str | os.PathLike[str], cases: list[Case], skipped: Any, identity: dict[str, Any]
) -> dict[str, Any]:
    """The manifest of a backtest just started (``incomplete`` until all tables are written)."""
    return {
        "format_version": 1,
        "kind": "backtest",
        "status": "incomplete",
        "deck": str(deck),
        "cases": [
            {"name": c.name, "path": str(c.path), "file_sha256": c.file_sha256, "spawn_key": c.key}
            for c in cases
        ],
        "skipped": skipped,
        "runs": identity["runs"],
        "seed": identity["seed"],
        "block": identity["block"],
        "checks": identity["checks"],
        "versions": versions(),
        "command": command_line(),
        "started": now(),
        "finished": None,
        "identity": short_hash(identity, 16),
    }


Task = tuple[tuple[int, ...], Any, tuple]


def _tasks(
    cases: list[Case],
    checks: tuple[Check, ...],
    arms: dict[tuple[str, str], Any],
    sizes: list[int],
    seed: int,
) -> list[Task]:
    """One task per case block, keyed (0, case, 0, block), then one per check arm block, keyed
    (1, check, arm, block): the keys put the results back in deck order."""
    tasks: list[Task] = []
    for i, case in enumerate(cases):
        scen = _resolved(case)
        for b, size in enumerate(sizes):
            args = (scen, case.dimensions, case.days, size, seed, case.key, b)
            tasks.append(((0, i, 0, b), run_case_block, args))
    for j, ch in enumerate(checks):
        for a, arm in enumerate(ch.arms):
            for b, size in enumerate(sizes):
                args = (arms[(ch.name, arm)], ch.metric, size, seed, b)
                tasks.append(((1, j, a, b), run_check_arm, args))
    return tasks


def _run(
    tasks: list[Task], executor: str, scheduler: str | None, workers: int, quiet: bool
) -> dict[tuple[int, ...], Any]:
    """Every task's result by key, on the local pool or Dask, with a progress bar."""
    results: dict[tuple[int, ...], Any] = {}
    progress = Progress(len(tasks), quiet=quiet)

    def on_result(key: tuple[int, ...], value: Any) -> None:
        results[key] = value
        progress.update(1)

    try:
        run_tasks_on(executor, scheduler, workers, tasks, on_result)
    finally:
        progress.close()
    return results


def _check_rows(
    checks: tuple[Check, ...], results: dict[tuple[int, ...], Any], n_blocks: int
) -> list[dict[str, Any]]:
    """One evaluated row per check, from its arms' metric values over all blocks."""
    rows = []
    for j, ch in enumerate(checks):
        per_arm = {
            arm: np.concatenate([results[(1, j, a, b)] for b in range(n_blocks)])
            for a, arm in enumerate(ch.arms)
        }
        rows.append(evaluate(ch, per_arm))
    return rows


def score_cases(
    cases: list[Case], results: dict[tuple[int, ...], Any], n_blocks: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Rows of the scores and predictions tables, in deck order."""
    observations = [(c.name, d.kind, d.observed) for c in cases for d in c.dimensions]
    scores, predictions = [], []
    for i, case in enumerate(cases):
        for d in case.dimensions:
            counts = np.sum([results[(0, i, 0, b)][d.name] for b in range(n_blocks)], axis=0)
            forecasts = {
                "engine": smoothed(counts, ENGINE_PSEUDOCOUNT),
                "uniform": baselines.uniform(d.kind),
                "base_rate": baselines.base_rate(observations, case.name, d.kind),
            }
            o = d.classes.index(d.observed)
            row: dict[str, Any] = {
                "case": case.name,
                "dimension": d.name,
                "kind": d.kind,
                "observed": d.observed,
                "runs": int(counts.sum()),
                "engine_mode": d.classes[int(np.argmax(counts))],
            }
            for m in MODELS:
                row[f"p_{m}"] = float(forecasts[m][o])
            for m in MODELS:
                row[f"log_{m}"] = log_score(forecasts[m], o)
            for m in MODELS:
                row[f"brier_{m}"] = brier_score(forecasts[m], o)
            scores.append(row)
            for k, cls in enumerate(d.classes):
                predictions.append(
                    {
                        "case": case.name,
                        "dimension": d.name,
                        "kind": d.kind,
                        "class": cls,
                        "observed": k == o,
                        "count": int(counts[k]),
                        **{f"p_{m}": float(forecasts[m][k]) for m in MODELS},
                    }
                )
    return scores, predictions


def summarise(
    scores: list[dict[str, Any]], predictions: list[dict[str, Any]], checks: list[dict[str, Any]]
) -> dict[str, Any]:
    """Mean log and Brier scores of each forecaster overall, per kind and per case; reliability."""

    def means(rows: list[dict[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {"n": len(rows)}
        for m in MODELS:
            out[m] = {
                "log": float(np.mean([r[f"log_{m}"] for r in rows])),
                "brier": float(np.mean([r[f"brier_{m}"] for r in rows])),
                "p_observed": float(np.mean([r[f"p_{m}"] for r in rows])),
            }
        return out

    kinds = list(dict.fromkeys(r["kind"] for r in scores))
    cases = list(dict.fromkeys(r["case"] for r in scores))
    return {
        "overall": means(scores),
        "by_kind": {k: means([r for r in scores if r["kind"] == k]) for k in kinds},
        "by_case": {c: means([r for r in scores if r["case"] == c]) for c in cases},
        "reliability": {
            m: reliability([p[f"p_{m}"] for p in predictions], [p["observed"] for p in predictions])
            for m in ("engine", "base_rate")
        },
        "checks": checks,
    }


def _table(rows: list[dict[str, Any]]) -> pa.Table:
    """An Arrow table with the rows' own column order (no pandas metadata: stable bytes)."""
    if not rows:
        return pa.table({})
    names = list(rows[0])
    return pa.table({n: pa.array([r[n] for r in rows]) for n in names})
