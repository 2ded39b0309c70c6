"""The objective: the backtest score of one candidate (a value per fitted parameter) on a set of cases.

**Common random numbers.** Case ``c``'s block ``b`` is played with ``SeedSequence(seed, spawn_key=
(key_c, b))`` whatever the candidate, exactly as ``wargame backtest`` plays it: two candidates differ
only by their parameters, never by their luck, so Monte Carlo noise cannot steer the search, and a
candidate's score is a deterministic function of its values.

**Score.** For each scored dimension the engine's forecast is its share of worlds in each class with
0.5 added per class (as in the backtest), and its log score is ``-ln p(what happened)``. The score of a
set of cases is the weighted mean, over the kinds of dimension present (violence, ending, duration,
ally), of each kind's mean log score (weights from the spec; default 1 each, so the 29 ally decisions
of the deck do not outweigh its 18 endings). The **objective** minimised adds the prior:
``score + prior_weight * (-sum_i ln prior_i(value_i)) / n``, with ``n`` the number of scored
dimensions: the mean log score is ``1/n`` of the deck's negative log-likelihood, so this is the
posterior mode when the weights are equal.

**Store.** Each evaluated (candidate, case set) is written to ``evals/<key>.json`` (a temporary name
then a rename) as soon as its last block finishes; a calibration resumed after ``kill -9`` reads
them back instead of playing them again, so it follows the same path to the same result.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim.backtest.deck import Case
from sim.backtest.scoring import ENGINE_PSEUDOCOUNT, brier_score, log_score, smoothed
from sim.backtest.task import run_case_block
from sim.calibrate.spec import KINDS, Param
from sim.outputs.rundir import short_hash, write_json_atomic
from sim.runner.montecarlo import block_sizes

Counts = dict[str, dict[str, list[int]]]  # case -> dimension -> count of worlds per class
SIGNIFICANT = 6
"""Candidate values are rounded to this many significant digits before they are played, so the
value written to the fitted rules file is exactly the value that was scored."""


def rounded(value: float) -> float:
    """``value`` to ``SIGNIFICANT`` significant digits."""
    return float(f"{float(value):.{SIGNIFICANT}g}")


def case_overrides(
    params: Sequence[Param], values: dict[str, float], case: str
) -> dict[str, float]:
    """The values of the parameters that apply to ``case``."""
    return {p.path: values[p.path] for p in params if case in p.cases and p.path in values}


def candidate_scenario(case: Case, overrides: dict[str, float]) -> dict:
    """The case's resolved scenario with ``overrides`` set (validated), as plain data."""
    from sim.sweeps.spec import point_scenario

    scenario = point_scenario(case.scenario, overrides) if overrides else case.scenario
    return scenario.model_dump(mode="json", by_alias=True, exclude_none=True)


class Pool:
    """The executor of a whole calibration (started on first use, so a resume whose evaluations
    are all on disk starts no process): a local process pool or a Dask cluster."""

    def __init__(self, executor: str, scheduler: str | None, workers: int) -> None:
        self.kind, self.scheduler, self.workers = executor, scheduler, workers
        self._ex: Any = None
        self._closers: list[Any] = []
        self._limit = 1

    def run(self, tasks: list[tuple[Any, Callable, tuple]], on_result: Callable) -> None:
        """Run ``(key, fn, args)`` tasks, handing each result to ``on_result(key, result)``."""
        from sim.runner.executor import in_flight, make_executor, run_tasks

        if not tasks:
            return
        if self._ex is None:
            if self.kind == "dask":
                from sim.runner.executor import make_dask_executor

                self._ex, self._closers = make_dask_executor(self.scheduler, self.workers)
                self._limit = 2 * self.workers
            else:
                self._ex, self._limit = make_executor(self.workers), in_flight(self.workers)
        run_tasks(self._ex, iter(tasks), self._limit, on_result)

    def close(self) -> None:
        """Shut the executor down (if one was started); the pool can start a new one after."""
        if self._ex is None:
            return
        if self.kind == "dask":
            for c in self._closers:
                c.close()
        else:
            self._ex.shutdown(wait=True, cancel_futures=True)
        self._ex = None


@dataclass
class Evaluator:
    """Plays candidates on sets of cases (common random numbers), through a store on disk."""

    cases: dict[str, Case]
    params: tuple[Param, ...]
    runs: int
    seed: int
    block: int
    store: Path
    pool: Pool
    on_evaluation: Callable[[int], None] = lambda n: None
    played: int = 0

    def key(self, values: dict[str, float], names: Sequence[str]) -> str:
        """Store key of a candidate on a set of cases: a hash of both, so that the same request
        (in this fit, another fit or a resumed run) is played once."""
        return short_hash({"values": values, "cases": list(names)}, 24)

    def load(self, key: str) -> Counts | None:
        """The stored counts of ``key``, or None when it has not been played yet."""
        path = self.store / f"{key}.json"
        if not path.is_file():
            return None
        return json.loads(path.read_text(encoding="utf-8"))["counts"]

    def counts(self, requests: list[tuple[dict[str, float], Sequence[str]]]) -> list[Counts]:
        """Counts of every class of every dimension of each request's cases at its values; what
        is in the store is read, the rest played (all requests' blocks at once, in parallel)."""
        out: list[Counts | None] = []
        keys = [self.key(v, n) for v, n in requests]
        for k in keys:
            out.append(self.load(k))
        sizes = block_sizes(self.runs, self.block)
        tasks: list[tuple[tuple[int, int, int], Callable, tuple]] = []
        pending: dict[int, int] = {}
        for r, (values, names) in enumerate(requests):
            if out[r] is not None or r in pending or keys[r] in keys[:r]:
                continue
            pending[r] = len(names) * len(sizes)
            for i, name in enumerate(names):
                case = self.cases[name]
                scen = candidate_scenario(case, case_overrides(self.params, values, name))
                for b, size in enumerate(sizes):
                    args = (scen, case.dimensions, case.days, size, self.seed, case.key, b)
                    tasks.append(((r, i, b), run_case_block, args))
        parts: dict[tuple[int, int, int], dict[str, list[int]]] = {}

        def on_result(key: tuple[int, int, int], value: dict[str, list[int]]) -> None:
            parts[key] = value
            r = key[0]
            pending[r] -= 1
            if pending[r] == 0:
                values, names = requests[r]
                counts = {
                    name: {
                        d.name: np.sum(
                            [parts[(r, i, b)][d.name] for b in range(len(sizes))], axis=0
                        ).tolist()
                        for d in self.cases[name].dimensions
                    }
                    for i, name in enumerate(names)
                }
                write_json_atomic(
                    {"values": values, "cases": list(names), "counts": counts},
                    self.store / f"{keys[r]}.json",
                )
                out[r] = counts
                self.played += 1
                self.on_evaluation(1)

        self.pool.run(tasks, on_result)
        for r, k in enumerate(keys):
            if out[r] is None:  # a duplicate of an earlier request of this call
                out[r] = out[keys.index(k)]
        return [o for o in out if o is not None]


@dataclass(frozen=True)
class Row:
    """One scored dimension of one case: the engine's forecast and what happened."""

    case: str
    dimension: str
    kind: str
    observed: int
    classes: tuple[str, ...]
    p: np.ndarray

    @property
    def log(self) -> float:
        """Log score of the forecast: ``-ln p[observed]`` (nats; lower is better)."""
        return log_score(self.p, self.observed)

    @property
    def brier(self) -> float:
        """Brier score of the forecast over its classes (lower is better)."""
        return brier_score(self.p, self.observed)


def rows(cases: dict[str, Case], counts: Counts) -> list[Row]:
    """The scored dimensions of the cases in ``counts`` (in its order), with the engine's forecasts."""
    out = []
    for name, dims in counts.items():
        for d in cases[name].dimensions:
            out.append(
                Row(
                    name,
                    d.name,
                    d.kind,
                    d.classes.index(d.observed),
                    d.classes,
                    smoothed(dims[d.name], ENGINE_PSEUDOCOUNT),
                )
            )
    return out


def weighted_score(
    scored: Sequence[tuple[str, float]], weights: dict[str, float]
) -> tuple[float, dict[str, float], int]:
    """Weighted mean over kinds of each kind's mean score, the per-kind means, and how many
    dimensions counted (those of a kind with a weight above 0)."""
    by_kind: dict[str, list[float]] = {}
    for kind, value in scored:
        by_kind.setdefault(kind, []).append(value)
    means = {k: float(np.mean(by_kind[k])) for k in KINDS if k in by_kind}
    used = [k for k in means if weights.get(k, 0) > 0]
    total = sum(weights[k] for k in used)
    score = sum(weights[k] * means[k] for k in used) / total if total else math.nan
    return score, means, sum(len(by_kind[k]) for k in used)


def penalty(params: Sequence[Param], values: dict[str, float]) -> float:
    """``-sum_i ln prior_i(value_i)`` (the prior's part of the negative log posterior)."""
    return -sum(p.log_prior(values[p.path]) for p in params)


def objective(
    params: Sequence[Param],
    values: dict[str, float],
    scored: list[Row],
    weights: dict[str, float],
    prior_weight: float,
) -> tuple[float, float]:
    """(objective to minimise, score) of a candidate on the scored rows."""
    score, _, n = weighted_score([(r.kind, r.log) for r in scored], weights)
    return score + prior_weight * penalty(params, values) / max(n, 1), score
