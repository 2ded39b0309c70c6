"""Which optimiser? Evaluations to reach the optimum on a synthetic deck, measured.

``python -m sim.calibrate.compare [--copies 4] [--runs 100] [--budget 48] [--seeds 3]`` builds a
synthetic deck from ``tests/fixtures/history`` at known values of two crisis-ending weights, then
minimises the same objective as ``wargame calibrate`` (common random numbers, all cases) with each
candidate optimiser and several seeds, and prints for each the evaluations it needed to come within
``--tol`` nats of the best value any of them found, the best value and the wall time. Evaluations
are cached by candidate, so a point two methods both try is played once. Results are in
docs/validation.md ("Calibration": the optimiser).
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from sim.backtest.deck import load_deck
from sim.calibrate.objective import Evaluator, Pool, objective, rounded, rows
from sim.calibrate.optimise import cma_fit
from sim.calibrate.spec import Param
from sim.calibrate.synthetic import make_synthetic_deck

PROBLEMS = {
    # path: (truth, low, high, start = the hand-set value)
    "2d": {
        "rules.direct_agreement": (0.8, 0.0, 1.0, 0.5),
        "rules.settlement_rate": (0.15, 0.02, 0.9, 0.3),
    },
    "5d": {
        "rules.direct_agreement": (0.8, 0.0, 1.0, 0.5),
        "rules.settlement_rate": (0.15, 0.02, 0.9, 0.3),
        "rules.concession_rate": (0.3, 0.01, 0.6, 0.15),
        "rules.weariness": (0.6, 0.02, 1.5, 0.3),
        "rules.fade_weeks": (4.0, 1.0, 12.0, 4.0),  # changes no world of these fixtures: flat
    },
}
WEIGHTS = dict.fromkeys(("violence", "ending", "duration", "ally"), 1.0)


def _params(problem: str, names: list[str]) -> tuple[Param, ...]:
    return tuple(
        Param(k, lo, hi, {"dist": "uniform"}, start, tuple(names), "")
        for k, (_, lo, hi, start) in PROBLEMS[problem].items()
    )


def _optuna(sampler: str) -> Callable:
    def run(params: tuple[Param, ...], batch: Callable, budget: int, seed: int) -> list[float]:
        import optuna

        optuna.logging.set_verbosity(logging.WARNING)
        s = (
            optuna.samplers.TPESampler(seed=seed)
            if sampler == "tpe"
            else optuna.samplers.RandomSampler(seed=seed)
        )
        study = optuna.create_study(sampler=s)
        study.enqueue_trial({p.path: p.start for p in params})
        out = []
        for _ in range(budget):
            t = study.ask()
            v = {p.path: rounded(t.suggest_float(p.path, p.low, p.high)) for p in params}
            (f,) = batch([v])
            study.tell(t, f)
            out.append(f)
        return out

    return run


def _cma(params: tuple[Param, ...], batch: Callable, budget: int, seed: int) -> list[float]:
    return cma_fit("compare", params, batch, budget, seed, 0).objectives


def _nelder_mead(params: tuple[Param, ...], batch: Callable, budget: int, seed: int) -> list[float]:
    from scipy.optimize import minimize

    out: list[float] = []
    lo = np.array([p.low for p in params])
    w = np.array([p.width for p in params])
    x0 = (np.array([p.start for p in params]) - lo) / w
    x0 = x0 + np.random.default_rng(seed).normal(0, 0.05, len(params))  # seeds differ a little

    def f(u: np.ndarray) -> float:
        if len(out) >= budget:
            return out[-1]
        v = {
            p.path: rounded(p.low + float(np.clip(x, 0, 1)) * p.width)
            for p, x in zip(params, u, strict=True)
        }
        (y,) = batch([v])
        out.append(y)
        return y

    minimize(
        f,
        np.clip(x0, 0, 1),
        method="Nelder-Mead",
        options={"maxfev": budget, "xatol": 1e-3, "fatol": 1e-4},
    )
    return out


METHODS = {
    "cma-es": _cma,
    "optuna-tpe": _optuna("tpe"),
    "optuna-random": _optuna("random"),
    "nelder-mead": _nelder_mead,
}


def main(argv: list[str] | None = None) -> None:
    """Run each optimiser on the synthetic deck with several seeds and print, per method, the
    evaluations it needed to come within ``--tol`` of the best objective found (see the module docstring)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=4)
    ap.add_argument("--runs", type=int, default=100)
    ap.add_argument("--budget", type=int, default=48)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--tol", type=float, default=0.01)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--problem", choices=sorted(PROBLEMS), default="2d")
    ap.add_argument("--methods", default=",".join(METHODS), help="comma-separated")
    a = ap.parse_args(argv)
    root = Path(tempfile.mkdtemp(prefix="calibrate-compare-"))
    repo = Path(__file__).resolve().parents[2]
    truth = {k: v[0] for k, v in PROBLEMS[a.problem].items()}
    make_synthetic_deck(repo / "tests/fixtures/history", root / "deck", truth, a.copies, seed=1)
    cases, _ = load_deck(root / "deck")
    names = [c.name for c in cases]
    params = _params(a.problem, names)
    (root / "evals").mkdir()
    pool = Pool("local", None, a.workers)
    ev = Evaluator({c.name: c for c in cases}, params, a.runs, 0, a.runs, root / "evals", pool)

    def batch(cands: list[dict[str, float]]) -> list[float]:
        got = ev.counts([(v, names) for v in cands])
        return [
            objective(params, v, rows(ev.cases, c), WEIGHTS, 0.0)[0]
            for v, c in zip(cands, got, strict=True)
        ]

    traces: dict[str, list[tuple[list[float], float, int]]] = {}
    try:
        for name in a.methods.split(","):
            method = METHODS[name]
            for seed in range(a.seeds):
                t0, played0 = time.monotonic(), ev.played
                trace = method(params, batch, a.budget, seed)
                traces.setdefault(name, []).append(
                    (trace, time.monotonic() - t0, ev.played - played0)
                )
    finally:
        pool.close()
    best = min(min(t) for runs in traces.values() for t, _, _ in runs)
    print(
        f"synthetic deck: {len(cases)} cases ({a.copies} worlds of each of 3 fixtures at {truth}), "
        f"{a.runs} worlds per case, budget {a.budget}, best objective {best:.4f}; evaluations to "
        f"come within {a.tol} nats of it (- = never), per seed"
    )
    for name, runs in traces.items():
        hits = []
        for t, _, _ in runs:
            reached = [i + 1 for i, y in enumerate(np.minimum.accumulate(t)) if y <= best + a.tol]
            hits.append(str(reached[0]) if reached else "-")
        bests = ", ".join(f"{min(t):.4f}" for t, _, _ in runs)
        secs = sum(s for _, s, _ in runs)
        print(f"  {name:22s} evaluations {', '.join(hits):14s} best {bests}  {secs:.0f} s")


if __name__ == "__main__":
    main()
