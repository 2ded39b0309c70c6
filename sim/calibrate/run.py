"""Run a calibration: cross-validated fits, the final fit, the held-out score, into a folder.

Layout of ``runs/calibrate-<deck>-<UTC time>-<hash>/``::

    manifest.json      spec, deck (cases, file and resolved hashes), folds, settings, status
    evals/<key>.json   while under way: every evaluated candidate's world counts (the store)
    history.parquet    every candidate of every fit, in order: values, objective, score
    scores.parquet     one row per fit, case and dimension: the fitted engine's, the hand-set
                       engine's, the base rates' and the uniform forecast of what happened
    fitted.json        fitted values with their spread and identifiability, scores, provenance
    calibrated.yaml    the fitted rules.* values as a `rules:` block scenarios can include
    calibration.html   (or calibration.md) the report

The steps, all deterministic: the hand-set engine on every case; for each fold, a fit on its
training cases and a score of its test cases; the final fit on every fitted case, its score on the
held-out cases, and a profile of its objective along each parameter. Every evaluation goes through
the store, so a resumed calibration (after ``kill -9``) replays the same steps, reads what is stored
and plays only the rest: it ends exactly where an uninterrupted one ends. Tables are assembled from
the store in a fixed order, so they do not depend on the executor or the number of workers.
"""

from __future__ import annotations

import math
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from sim.backtest import baselines
from sim.backtest.deck import Case, load_deck
from sim.backtest.scoring import brier_score, log_score, reliability
from sim.calibrate.folds import Fold, check_folds, make_folds
from sim.calibrate.objective import (
    Counts,
    Evaluator,
    Pool,
    objective,
    rounded,
    rows,
    weighted_score,
)
from sim.calibrate.optimise import Fit, cma_fit
from sim.calibrate.spec import KINDS, Calibration, Param, deck_of, hand_set, load_spec
from sim.errors import RunError
from sim.outputs.rundir import (
    RunDir,
    command_line,
    now,
    read_manifest,
    short_hash,
    versions,
    write_json_atomic,
    write_text_atomic,
)
from sim.outputs.tables import write_atomic

MODELS = ("fitted", "defaults", "base_rate", "uniform")
PROFILE_STEP = 0.2
"""Profile step: each parameter is moved by this share of its range either side of the final fit
(assumption: a fifth of the range is a change a deck that identifies the parameter must notice, and
a step this large is not lost in the steps that counting worlds puts into the objective)."""
PROFILE_RISE = 1.92
"""A side of the profile is *identified* when the deck's log-likelihood (the weighted mean log score
times the number of scored dimensions) falls by at least this much there: half the 95% point of a
chi-square with one degree of freedom (3.84 / 2), the edge of a 95% profile-likelihood interval."""
SPREAD_RATIO = 0.5
"""Folds disagree when the spread (sd) of their fitted values exceeds this share of the prior's sd
(assumption: a deck that pins a parameter moves it by much less than the prior allows)."""
WORST = 12


class CalibrationDir(RunDir):
    """Paths of a calibration folder; its unit of kept work is a stored evaluation."""

    unit = "evaluation"

    @property
    def evals(self) -> Path:
        """The store of evaluations: one JSON file of world counts per candidate and case set."""
        return self.path / "evals"

    def kept(self) -> int:
        """Evaluations on disk (what a resume would not play again)."""
        return len(list(self.evals.glob("*.json"))) if self.evals.is_dir() else 0


@dataclass(frozen=True)
class Settings:
    """What a calibration runs with (the spec's values unless the command line gives others)."""

    runs: int
    seed: int
    folds: int | None
    budget: int
    block: int


def _resolved(case: Case) -> dict:
    return case.scenario.model_dump(mode="json", by_alias=True, exclude_none=True)


def _deck_identity(cases: list[Case]) -> list[dict[str, Any]]:
    return [
        {
            "name": c.name,
            "path": str(c.path),
            "file_sha256": c.file_sha256,
            "resolved_sha256": short_hash(_resolved(c), 64),
            "spawn_key": c.key,
        }
        for c in cases
    ]


def start_calibration(
    deck: str | os.PathLike[str] | None,
    spec_path: str | os.PathLike[str],
    runs: int | None = None,
    seed: int | None = None,
    folds: int | None = None,
    budget: int | None = None,
    block: int | None = None,
    out: str | os.PathLike[str] | None = None,
) -> CalibrationDir:
    """Validate the deck and spec, make the folds, create the folder and its manifest."""
    from sim.backtest import DEFAULT_DECK
    from sim.runner.executor import new_run_dir

    deck = str(deck or deck_of(spec_path) or DEFAULT_DECK)
    cases, _ = load_deck(deck)
    cal = load_spec(spec_path, cases)
    spec = cal.spec
    s = Settings(
        runs=runs or spec.runs,
        seed=spec.seed if seed is None else seed,
        folds=folds or spec.folds,
        budget=budget or spec.budget,
        block=block or runs or spec.runs,
    )
    for name, value, least in (("runs", s.runs, 1), ("block", s.block, 1), ("budget", s.budget, 4)):
        if value < least:
            raise RunError(f"--{name} {value}: give a whole number of {least} or more")
    fit, fold_list = make_folds([c.name for c in cases], spec.held_out, s.folds, s.seed)
    deck_cases = _deck_identity(cases)
    identity = {"spec": cal.sha256, "deck": deck_cases, "settings": vars(s)}
    deck_name = Path(deck).stem or "deck"
    rd0 = new_run_dir(f"calibrate-{deck_name}", identity, out)
    rd = CalibrationDir(rd0.path, created=rd0.created)
    manifest = {
        "format_version": 1,
        "kind": "calibration",
        "status": "incomplete",
        "deck": deck,
        "deck_resolved": str(Path(deck).resolve()),
        "deck_sha256": short_hash([c["resolved_sha256"] for c in deck_cases], 64),
        "cases": deck_cases,
        "spec_path": str(spec_path),
        "spec_resolved": str(Path(spec_path).resolve()),
        "spec_sha256": cal.sha256,
        "spec": spec.model_dump(mode="json"),
        "settings": vars(s),
        "fitted_cases": fit,
        "held_out": list(spec.held_out),
        "folds": [
            {"index": f.index, "train": list(f.train), "test": list(f.test)} for f in fold_list
        ],
        "versions": _versions(),
        "command": command_line(),
        "started": now(),
        "finished": None,
    }
    rd.save_manifest(manifest)
    return rd


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = versions()
    try:
        out["cma"] = version("cma")
    except PackageNotFoundError:
        out["cma"] = "not installed"
    return out


def read_calibration(path: str | os.PathLike[str]) -> tuple[CalibrationDir, dict, Calibration]:
    """A calibration folder, its manifest and its spec (checked: neither the spec file nor any
    deck case has changed since the calibration started)."""
    rd = CalibrationDir(Path(path))
    m = read_manifest(rd.path)
    if m.get("kind") != "calibration":
        raise RunError(f"{rd.path}: not a calibration folder")
    cases, _ = load_deck(m["deck_resolved"])
    now_ids = {c["name"]: c["resolved_sha256"] for c in _deck_identity(cases)}
    for c in m["cases"]:
        if now_ids.get(c["name"]) != c["resolved_sha256"]:
            raise RunError(
                f"{rd.path}: deck case {c['name']} changed (or is gone) since the calibration "
                "started; start a new calibration"
            )
    if len(now_ids) != len(m["cases"]):
        raise RunError(f"{rd.path}: the deck has other cases now; start a new calibration")
    cal = load_spec(m["spec_resolved"], cases)
    if cal.sha256 != m["spec_sha256"]:
        raise RunError(
            f"{rd.path}: the spec {m['spec_path']} changed since the calibration started; "
            "start a new calibration"
        )
    return rd, m, cal


def execute_calibration(
    rd: CalibrationDir,
    workers: int | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    quiet: bool = True,
) -> dict:
    """Run (or finish) the calibration in ``rd``; return fitted.json's content. The folder is
    locked meanwhile; a dead worker or a full disk give one line saying what was kept."""
    from sim.runner.executor import check_workers, failures_keep_work

    if read_manifest(rd.path).get("kind") != "calibration":
        raise RunError(f"{rd.path}: not a calibration folder")
    workers, _ = check_workers(workers, cap=not (executor == "dask" and scheduler))
    with (
        rd.lock("wargame calibrate --resume"),
        failures_keep_work(rd, "wargame calibrate --resume"),
    ):
        return _execute_locked(rd, workers, executor, scheduler, quiet)


def _execute_locked(
    rd: CalibrationDir, workers: int, executor: str, scheduler: str | None, quiet: bool
) -> dict:
    from sim.calibrate.report import read_fitted
    from sim.runner.executor import Progress

    _, m, cal = read_calibration(rd.path)
    if m["status"] == "complete":
        return read_fitted(rd.path)
    s = Settings(**m["settings"])
    cases, _ = load_deck(m["deck_resolved"])
    by_name = {c.name: c for c in cases}
    folds = [Fold(f["index"], tuple(f["train"]), tuple(f["test"])) for f in m["folds"]]
    fit_cases: list[str] = m["fitted_cases"]
    held: list[str] = m["held_out"]
    check_folds(fit_cases, held, folds)
    rd.evals.mkdir(exist_ok=True)
    for stale in rd.evals.glob(".*.tmp"):
        stale.unlink()
    params = cal.params
    planned = 1 + (len(folds) + 1) * s.budget + len(folds) + bool(held) + 2 * len(params)
    progress = Progress(planned, quiet=quiet, label=str(rd.path), unit="evaluations")
    progress.resumed(rd.kept())
    pool = Pool(executor, scheduler, workers)
    ev = Evaluator(by_name, params, s.runs, s.seed, s.block, rd.evals, pool, progress.update)
    try:
        result = _calibrate(ev, cal, s, folds, fit_cases, held, by_name, m)
    finally:
        pool.close()
        progress.close()
    tables, fitted = result
    write_atomic(tables["history"], rd.path / "history.parquet")
    write_atomic(tables["scores"], rd.path / "scores.parquet")
    write_json_atomic(fitted, rd.path / "fitted.json")
    write_text_atomic(rules_yaml(fitted), rd.path / "calibrated.yaml")
    progress.finish(
        f"{rd.path}: {ev.played:,} evaluations played ({rd.kept():,} stored) in "
        f"{progress.elapsed():.1f} s"
    )
    m["status"] = "complete"
    m["finished"] = now()
    rd.save_manifest(m)
    shutil.rmtree(rd.evals, ignore_errors=True)
    return fitted


def _calibrate(
    ev: Evaluator,
    cal: Calibration,
    s: Settings,
    folds: list[Fold],
    fit_cases: list[str],
    held: list[str],
    by_name: dict[str, Case],
    m: dict,
) -> tuple[dict[str, pa.Table], dict]:
    spec = cal.spec
    params = cal.params
    weights = {k: float(spec.weights.get(k, 0.0)) for k in KINDS}
    all_cases = [*fit_cases, *held]
    (defaults,) = ev.counts([({}, all_cases)])

    def fit_on(name: str, index: int, train: tuple[str, ...]) -> tuple[Fit, Counts]:
        def batch(cands: list[dict[str, float]]) -> list[float]:
            got = ev.counts([(v, train) for v in cands])
            return [
                objective(params, v, rows(by_name, c), weights, spec.prior_weight)[0]
                for v, c in zip(cands, got, strict=True)
            ]

        f = cma_fit(name, params, batch, s.budget, s.seed, index)
        (train_counts,) = ev.counts([(f.best_values, train)])
        return f, train_counts

    fits: list[Fit] = []
    score_rows: list[dict[str, Any]] = []
    fold_info = []
    for fold in folds:
        f, train_counts = fit_on(f"fold {fold.index}", fold.index, fold.train)
        (test_counts,) = ev.counts([(f.best_values, fold.test)])
        fits.append(f)
        train_obs = _observations(by_name, fold.train)
        score_rows += _score_rows(
            by_name, str(fold.index), "train", train_counts, defaults, train_obs
        )
        score_rows += _score_rows(
            by_name, str(fold.index), "test", test_counts, defaults, train_obs
        )
        fold_info.append({"index": fold.index, "train": list(fold.train), "test": list(fold.test)})
    final, final_counts = fit_on("final", len(folds), tuple(fit_cases))
    fits.append(final)
    fit_obs = _observations(by_name, fit_cases)
    score_rows += _score_rows(by_name, "final", "train", final_counts, defaults, fit_obs)
    if held:
        (held_counts,) = ev.counts([(final.best_values, tuple(held))])
        score_rows += _score_rows(by_name, "final", "held_out", held_counts, defaults, fit_obs)
    profile = _profile(ev, params, final.best_values, tuple(fit_cases), by_name, weights)
    fitted = _summary(cal, s, m, params, folds, fits, score_rows, profile, weights, fold_info)
    return {"history": _history_table(params, fits), "scores": _table(score_rows)}, fitted


def _observations(by_name: dict[str, Case], names: Any) -> list[tuple[str, str, str]]:
    return [(n, d.kind, d.observed) for n in names for d in by_name[n].dimensions]


def _score_rows(
    by_name: dict[str, Case],
    fit: str,
    role: str,
    counts: Counts,
    defaults: Counts,
    train_obs: list[tuple[str, str, str]],
) -> list[dict[str, Any]]:
    """Rows of the scores table for the cases of ``counts``: the fitted and hand-set engine's,
    the base rates' (of the fit's training cases) and the uniform forecast of what happened."""
    out = []
    default_rows = {
        (r.case, r.dimension): r for r in rows(by_name, {n: defaults[n] for n in counts})
    }
    for r in rows(by_name, counts):
        d = default_rows[(r.case, r.dimension)]
        forecasts = {
            "fitted": r.p,
            "defaults": d.p,
            # in-sample: the training cases' rates, this case included; else out of sample
            "base_rate": baselines.base_rate(train_obs, "", r.kind),
            "uniform": baselines.uniform(r.kind),
        }
        row: dict[str, Any] = {
            "fit": fit,
            "role": role,
            "case": r.case,
            "dimension": r.dimension,
            "kind": r.kind,
            "observed": r.classes[r.observed],
            "fitted_mode": r.classes[int(np.argmax(r.p))],
            "defaults_mode": d.classes[int(np.argmax(d.p))],
        }
        for mdl in MODELS:
            row[f"p_{mdl}"] = float(forecasts[mdl][r.observed])
        for mdl in MODELS:
            row[f"log_{mdl}"] = log_score(forecasts[mdl], r.observed)
        for mdl in MODELS:
            row[f"brier_{mdl}"] = brier_score(forecasts[mdl], r.observed)
        row["forecast_fitted"] = [float(x) for x in r.p]
        row["forecast_defaults"] = [float(x) for x in d.p]
        row["forecast_base_rate"] = [float(x) for x in forecasts["base_rate"]]
        out.append(row)
    return out


def _profile(
    ev: Evaluator,
    params: tuple[Param, ...],
    best: dict[str, float],
    train: tuple[str, ...],
    by_name: dict[str, Case],
    weights: dict[str, float],
) -> list[dict[str, Any]]:
    """The score of the final fit moved by PROFILE_STEP of the range either side on each
    parameter (clipped to the bounds): how much the deck's likelihood falls there."""
    requests: list[tuple[dict[str, float], tuple[str, ...]]] = [(best, train)]
    sides = []
    for p in params:
        h = PROFILE_STEP * p.width
        lo = rounded(max(p.low, best[p.path] - h))
        hi = rounded(min(p.high, best[p.path] + h))
        sides.append((lo, hi))
        requests += [({**best, p.path: lo}, train), ({**best, p.path: hi}, train)]
    got = ev.counts(requests)

    def score(c: Counts) -> tuple[float, int]:
        value, _, n = weighted_score([(r.kind, r.log) for r in rows(by_name, c)], weights)
        return value, n

    f0, n = score(got[0])
    out = []
    for i, p in enumerate(params):
        lo, hi = sides[i]
        fm, _ = score(got[1 + 2 * i])
        fp, _ = score(got[2 + 2 * i])
        rise_lo = None if lo == best[p.path] else n * (fm - f0)
        rise_hi = None if hi == best[p.path] else n * (fp - f0)
        curv_sd = None
        if rise_lo is not None and rise_hi is not None and rise_lo > 0 and rise_hi > 0:
            hl, hh = best[p.path] - lo, hi - best[p.path]
            # second difference on an uneven grid, of the total negative log-likelihood
            second = 2 * (rise_lo / hl + rise_hi / hh) / (hl + hh)
            curv_sd = 1 / math.sqrt(second) if second > 0 else None
        out.append(
            {
                "low_value": lo,
                "high_value": hi,
                "rise_low": rise_lo,
                "rise_high": rise_hi,
                "curvature_sd": curv_sd,
            }
        )
    return out


def _means(rows_: list[dict[str, Any]], weights: dict[str, float]) -> dict[str, Any]:
    """Per model: the weighted score, mean log and Brier per kind, mean p(observed); and n."""
    out: dict[str, Any] = {"n": len(rows_)}
    for mdl in MODELS:
        score, by_kind, _ = weighted_score([(r["kind"], r[f"log_{mdl}"]) for r in rows_], weights)
        brier = {
            k: float(np.mean([r[f"brier_{mdl}"] for r in rows_ if r["kind"] == k])) for k in by_kind
        }
        out[mdl] = {
            "score": score,
            "log": by_kind,
            "brier": brier,
            "p_observed": float(np.mean([r[f"p_{mdl}"] for r in rows_])) if rows_ else math.nan,
        }
    return out


def _reliability(rows_: list[dict[str, Any]], key: str) -> list[dict[str, float]]:
    from sim.backtest.dimensions import CLASSES

    predicted, hit = [], []
    for r in rows_:
        for k, p in enumerate(r[f"forecast_{key}"]):
            predicted.append(p)
            hit.append(CLASSES[r["kind"]][k] == r["observed"])
    return reliability(predicted, hit)


def _summary(
    cal: Calibration,
    s: Settings,
    m: dict,
    params: tuple[Param, ...],
    folds: list[Fold],
    fits: list[Fit],
    score_rows: list[dict[str, Any]],
    profile: list[dict[str, Any]],
    weights: dict[str, float],
    fold_info: list[dict[str, Any]],
) -> dict[str, Any]:
    """fitted.json: values, spread, identifiability, scores and provenance (no times or paths of
    the output, so that it is the same bytes whatever the executor)."""
    final = fits[-1]
    test_rows = [r for r in score_rows if r["role"] == "test"]
    train_rows = [r for r in score_rows if r["role"] == "train" and r["fit"] != "final"]
    final_rows = [r for r in score_rows if r["fit"] == "final" and r["role"] == "train"]
    held_rows = [r for r in score_rows if r["role"] == "held_out"]
    _add_fold_results(fold_info, fits[:-1], train_rows, test_rows, weights)
    parameters, fold_matrix = _parameters(params, fits, profile)
    return {
        "format_version": 1,
        "kind": "calibration",
        "title": cal.spec.title,
        "provenance": _provenance(cal, s, m, weights),
        "fitted": final.best_values,
        "parameters": parameters,
        "flat_directions": _flat_directions(params, fold_matrix),
        "folds": fold_info,
        "final": {
            "objective": final.objectives[final.best],
            "evaluations": len(final.values),
            "stop": final.stop,
            "in_sample": _means(final_rows, weights),
            "held_out": _means(held_rows, weights) if held_rows else None,
        },
        "scores": {
            "in_sample": _means(train_rows, weights),
            "out_of_sample": _means(test_rows, weights),
            "held_out": _means(held_rows, weights) if held_rows else None,
        },
        "reliability": {
            "defaults": _reliability(test_rows, "defaults"),
            "fitted_out_of_sample": _reliability(test_rows, "fitted"),
            "base_rate_out_of_sample": _reliability(test_rows, "base_rate"),
        },
        "worst": _worst(test_rows),
    }


def _add_fold_results(
    fold_info: list[dict[str, Any]],
    fold_fits: list[Fit],
    train_rows: list[dict[str, Any]],
    test_rows: list[dict[str, Any]],
    weights: dict[str, float],
) -> None:
    """Add each fold's fit and its scores in and out of sample to its entry of ``fold_info``, so
    that the report can show how far the fit of each fold carries to the cases it did not see."""
    for i, f in enumerate(fold_fits):
        fold_info[i].update(
            fitted=f.best_values,
            objective=f.objectives[f.best],
            evaluations=len(f.values),
            stop=f.stop,
            in_sample=_means([r for r in train_rows if r["fit"] == str(i)], weights),
            out_of_sample=_means([r for r in test_rows if r["fit"] == str(i)], weights),
        )


def _parameters(
    params: tuple[Param, ...], fits: list[Fit], profile: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[np.ndarray]]:
    """Each parameter's entry of fitted.json (final fit, fold spread, profile, verdict), and the
    folds' fitted values in prior sds around their mean (one row per parameter), whose principal
    directions :func:`_flat_directions` reads."""
    final = fits[-1]
    parameters = []
    fold_matrix = []
    for i, p in enumerate(params):
        values = [f.best_values[p.path] for f in fits[:-1]]
        prior_mean, prior_sd = p.prior_mean_sd()
        sd = float(np.std(values, ddof=1)) if len(values) > 1 else 0.0
        fold_matrix.append((np.array(values) - np.mean(values)) / prior_sd)
        prof = profile[i]
        sides = [prof["rise_low"], prof["rise_high"]]
        ratio = sd / prior_sd if prior_sd > 0 else math.inf
        fitted_value = final.best_values[p.path]
        parameters.append(
            {
                "path": p.path,
                "low": p.low,
                "high": p.high,
                "prior": p.prior,
                "prior_mean": prior_mean,
                "prior_sd": prior_sd,
                "start": p.start,
                "hand_set": hand_set(p.path),
                "cases": list(p.cases),
                "note": p.note,
                "fitted": fitted_value,
                "at_bound": fitted_value in (p.low, p.high),
                # a profile step scores better than the fit: the search stopped short there
                "not_converged": any(x is not None and x < 0 for x in sides),
                "folds": values,
                "fold_mean": float(np.mean(values)),
                "fold_sd": sd,
                "spread_ratio": ratio,
                "profile": prof,
                "identified": _identified(sides, ratio),
            }
        )
    return parameters, fold_matrix


def _identified(sides: list[float | None], ratio: float) -> str:
    """What the deck pins down, in one word: "identified" when the log-likelihood falls by
    PROFILE_RISE on both sides of the fit and the folds agree (spread within SPREAD_RATIO of the
    prior sd), "weak" when only part of that holds, "flat" when neither side rises enough."""
    firm = [x is not None and x >= PROFILE_RISE for x in sides]
    verdict = "identified" if all(firm) else ("weak" if any(firm) else "flat")
    if verdict == "identified" and ratio > SPREAD_RATIO:
        verdict = "weak"
    return verdict


def _provenance(
    cal: Calibration, s: Settings, m: dict, weights: dict[str, float]
) -> dict[str, Any]:
    """Where a fit came from: the deck, its cases and the spec (with their hashes), the settings,
    weights and versions, from the manifest ``m``, so that a fit can be traced and run again."""
    return {
        "deck": m["deck"],
        "deck_sha256": m["deck_sha256"],
        "cases": [
            {k: c[k] for k in ("name", "file_sha256", "resolved_sha256")} for c in m["cases"]
        ],
        "spec": m["spec_path"],
        "spec_sha256": m["spec_sha256"],
        "spec_content": m["spec"],
        "settings": vars(s),
        "weights": weights,
        "prior_weight": cal.spec.prior_weight,
        "optimiser": f"CMA-ES (cma {m['versions'].get('cma')}), sigma0 0.25 on [0, 1] scales",
        "alliance-wargame": m["versions"].get("alliance-wargame"),
    }


WORST_FIELDS = (
    "fit",
    "case",
    "dimension",
    "observed",
    "fitted_mode",
    "p_fitted",
    "p_defaults",
    "p_base_rate",
    "log_fitted",
    "log_base_rate",
)
"""What fitted.json keeps of each of the worst-scored rows (what the report shows of them)."""


def _worst(test_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The WORST out-of-sample rows by the fitted engine's log score (ties by case, dimension):
    what the fitted model still gets wrong, for the report."""
    worst = sorted(test_rows, key=lambda r: (-r["log_fitted"], r["case"], r["dimension"]))[:WORST]
    return [{k: r[k] for k in WORST_FIELDS} for r in worst]


def _flat_directions(
    params: tuple[Param, ...], fold_matrix: list[np.ndarray]
) -> list[dict[str, Any]]:
    """Principal directions of the folds' fitted values (in prior sds): a direction along which
    the folds spread by more than SPREAD_RATIO of the prior is one the deck does not pin down."""
    if len(params) < 2 or len(fold_matrix[0]) < 3:
        return []
    x = np.vstack(fold_matrix)  # (params, folds)
    cov = np.cov(x)
    vals, vecs = np.linalg.eigh(cov)
    out = []
    for k in np.argsort(vals)[::-1]:
        sd = math.sqrt(max(float(vals[k]), 0.0))
        if sd <= SPREAD_RATIO:
            continue
        v = vecs[:, k]
        v = v * (1 if v[np.argmax(np.abs(v))] > 0 else -1)  # a fixed sign
        out.append(
            {
                "sd_in_prior_sds": sd,
                "direction": {p.path: round(float(c), 3) for p, c in zip(params, v, strict=True)},
            }
        )
    return out


def _history_table(params: tuple[Param, ...], fits: list[Fit]) -> pa.Table:
    cols: dict[str, list[Any]] = {"fit": [], "evaluation": [], "generation": []}
    cols.update({p.path: [] for p in params})
    cols["objective"] = []
    for f in fits:
        for i, (v, o, g) in enumerate(zip(f.values, f.objectives, f.generations, strict=True)):
            cols["fit"].append(f.name)
            cols["evaluation"].append(i)
            cols["generation"].append(g)
            for p in params:
                cols[p.path].append(v[p.path])
            cols["objective"].append(o)
    return pa.table({k: pa.array(v) for k, v in cols.items()})


def _table(rows_: list[dict[str, Any]]) -> pa.Table:
    if not rows_:
        return pa.table({})
    return pa.table({n: pa.array([r[n] for r in rows_]) for n in rows_[0]})


def rules_yaml(fitted: dict[str, Any]) -> str:
    """calibrated.yaml: the fitted ``rules.*`` values as a partial scenario (``include:`` it, from
    a file in the scenario tree), with the provenance as the block's source; fitted values of
    other paths are listed as ``--set`` lines in a comment."""
    import yaml

    prov = fitted["provenance"]
    rules = {k.split(".", 1)[1]: v for k, v in fitted["fitted"].items() if k.startswith("rules.")}
    others = {k: v for k, v in fitted["fitted"].items() if not k.startswith("rules.")}
    oos = fitted["scores"]["out_of_sample"]
    s = prov["settings"]
    reference = (
        f"wargame calibrate: deck {prov['deck']} (resolved sha256 {prov['deck_sha256'][:16]}), "
        f"spec {prov['spec']} (sha256 {prov['spec_sha256'][:16]}), seed {s['seed']}, "
        f"{s['runs']} worlds per case, {len(fitted['folds'])} folds; out-of-sample score "
        f"{oos['fitted']['score']:.3f} (hand-set {oos['defaults']['score']:.3f}, base rates "
        f"{oos['base_rate']['score']:.3f}; mean log score, nats)"
    )
    lines = [
        "# Fitted by `wargame calibrate`: a partial scenario with the fitted rules. Include it from a",
        "# scenario (`include: [library/calibrated.yaml]` once copied into the scenario tree);",
        "# provenance, spread and scores are in fitted.json beside this file.",
    ]
    for k, v in others.items():
        lines.append(f"# not a rule weight, set it with: --set {k}={v!r}")
    body: dict[str, Any] = {"rules": dict(rules)}
    if rules:
        body["rules"]["sources"] = [{"reference": reference, "about": ", ".join(rules)}]
    else:
        body = {}
    text = yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=100) if body else ""
    return "\n".join(lines) + "\n" + text
