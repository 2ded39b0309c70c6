"""The search: CMA-ES (``cma``, Hansen's pycma) over the parameters scaled to [0, 1], seeded.

Why CMA-ES (measured; docs/validation.md, "Calibration"): it asks for a whole generation of
candidates at once, so a generation's cases and blocks run in parallel and the path of the search
does not depend on the number of workers; it needs no gradient and tolerates the step-shaped
objective that counting worlds gives; and it is deterministic given its random stream, so a
calibration resumed after ``kill -9`` asks for exactly the candidates it asked for before (their
scores come from the store) and ends where an uninterrupted run ends.

The search works on ``u = (value - low) / (high - low)`` in [0, 1] (cma's bound transform keeps every
candidate inside), starts at each parameter's ``start`` with step size ``SIGMA0``, and draws its
normal deviates from its own ``numpy`` generator (``SeedSequence(seed, spawn_key=(OPT_KEY, fit))``),
never from numpy's global state.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.calibrate.objective import rounded
from sim.calibrate.spec import Param
from sim.errors import RunError

SIGMA0 = 0.25
"""Initial step size in the scaled space: a quarter of each parameter's range (assumption: pycma's
advice is a quarter to a third of the search interval)."""
OPT_KEY = 0x0C3A
"""Spawn key of the optimiser's random stream (apart from the worlds' and the folds')."""

Batch = Callable[[list[dict[str, float]]], list[float]]
"""Objective of each candidate of a generation (values by parameter path), in order."""


@dataclass
class Fit:
    """One fit: every candidate evaluated, in order, with its objective; the best one."""

    name: str
    values: list[dict[str, float]] = field(default_factory=list)
    objectives: list[float] = field(default_factory=list)
    generations: list[int] = field(default_factory=list)
    stop: str = ""

    @property
    def best(self) -> int:
        """Index of the best candidate (the first, among equals)."""
        return int(np.argmin(self.objectives))

    @property
    def best_values(self) -> dict[str, float]:
        """Parameter values (by path) of the best candidate."""
        return self.values[self.best]


def to_values(params: Sequence[Param], u: np.ndarray) -> dict[str, float]:
    """Parameter values (rounded) of a point ``u`` of the scaled space."""
    return {
        p.path: rounded(p.low + float(np.clip(x, 0.0, 1.0)) * p.width)
        for p, x in zip(params, u, strict=True)
    }


def cma_fit(
    name: str, params: Sequence[Param], batch: Batch, budget: int, seed: int, index: int
) -> Fit:
    """Minimise ``batch`` over ``params`` with CMA-ES, at most ``budget`` evaluations."""
    try:
        import cma
    except ImportError:
        raise RunError(
            'wargame calibrate needs the calibrate extra: pip install -e ".[calibrate]"'
        ) from None
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(OPT_KEY, index)))

    def randn(*shape: int) -> np.ndarray:
        return rng.standard_normal(shape)

    x0 = [(p.start - p.low) / p.width for p in params]
    opts: dict[str, Any] = {
        "bounds": [0.0, 1.0],
        "randn": randn,
        "seed": np.nan,  # no seeding of numpy's global state: the deviates come from `rng`
        "verbose": -9,
        "verb_log": 0,
        "verb_disp": 0,
        "maxfevals": budget,
    }
    if len(params) == 1:  # pycma does not support one dimension (its issues 86 and 302): a
        x0 = [*x0, 0.5]  # second coordinate that no candidate reads stands in, as it advises
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        es = cma.CMAEvolutionStrategy(x0, SIGMA0, opts)
    fit = Fit(name)
    generation = 0
    while True:
        if len(fit.values) + es.popsize > budget:
            fit.stop = "budget"
            break
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            xs = es.ask()
        cands = [to_values(params, np.asarray(x)[: len(params)]) for x in xs]
        objs = batch(cands)
        fit.values += cands
        fit.objectives += objs
        fit.generations += [generation] * len(cands)
        generation += 1
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            es.tell(xs, objs)
            stop = es.stop()
        stop = {k: v for k, v in stop.items() if k != "maxfevals"}
        if stop:
            fit.stop = ", ".join(sorted(stop))
            break
    if not fit.values:
        raise RunError(f"budget {budget} is smaller than one generation ({es.popsize} candidates)")
    return fit
