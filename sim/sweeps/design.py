"""Experimental designs: the table of points a sweep visits (scipy.stats.qmc, SALib for Saltelli)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from scipy.stats import qmc

from sim.sweeps.spec import Range, SweepSpec, Values


def _unit_to_values(u: np.ndarray, spec: SweepSpec) -> dict[str, list]:
    """Map unit-cube columns to parameter values (ranges scale, value lists index)."""
    out: dict[str, list] = {}
    for j, (name, p) in enumerate(spec.parameters.items()):
        col = u[:, j]
        if isinstance(p, Range):
            v = p.low + col * (p.high - p.low)
            out[name] = list(np.round(v).astype(int)) if p.integer else [float(x) for x in v]
        else:
            idx = np.minimum((col * len(p.values)).astype(int), len(p.values) - 1)
            out[name] = [p.values[i] for i in idx]
    return out


def require_salib(part: str) -> object:
    """SALib's ``sample.sobol`` or ``analyze.sobol``, or a clear error naming the extra to install."""
    try:
        if part == "sample":
            from SALib.sample import sobol
        else:
            from SALib.analyze import sobol
    except ImportError:
        from sim.errors import WargameError

        raise WargameError(
            'the saltelli design needs SALib: pip install -e ".[sensitivity]"'
        ) from None
    return sobol


def saltelli_problem(spec: SweepSpec) -> dict:
    """SALib's problem definition (value lists are sampled by index over [0, len))."""
    names, bounds = [], []
    for name, p in spec.parameters.items():
        names.append(name)
        bounds.append([p.low, p.high] if isinstance(p, Range) else [0.0, float(len(p.values))])
    return {"num_vars": len(names), "names": names, "bounds": bounds}


def make_design(spec: SweepSpec) -> pd.DataFrame:
    """One row per point: ``point`` (0..n-1) and one column per parameter, in a fixed order."""
    d = len(spec.parameters)
    rng = np.random.default_rng(np.random.SeedSequence(spec.seed, spawn_key=(2**31,)))
    if spec.design == "grid":
        axes = []
        for p in spec.parameters.values():
            if isinstance(p, Range):
                v = np.linspace(p.low, p.high, spec.levels)
                axes.append(list(np.round(v).astype(int)) if p.integer else [float(x) for x in v])
            else:
                axes.append(list(p.values))
        rows = list(itertools.product(*axes))
        table = {name: [r[j] for r in rows] for j, name in enumerate(spec.parameters)}
    elif spec.design == "saltelli":
        sobol_sample = require_salib("sample")

        problem = saltelli_problem(spec)
        x = sobol_sample.sample(problem, spec.points, calc_second_order=False, seed=spec.seed)
        table = {}
        for j, (name, p) in enumerate(spec.parameters.items()):
            if isinstance(p, Range):
                table[name] = (
                    list(np.round(x[:, j]).astype(int))
                    if p.integer
                    else [float(v) for v in x[:, j]]
                )
            else:
                idx = np.minimum(x[:, j].astype(int), len(p.values) - 1)
                table[name] = [p.values[i] for i in idx]
    else:
        if spec.design == "random":
            u = rng.random((spec.points, d))
        elif spec.design == "lhs":
            u = qmc.LatinHypercube(d=d, seed=rng).random(spec.points)
        else:  # sobol
            u = qmc.Sobol(d=d, scramble=True, seed=rng).random(spec.points)
        table = _unit_to_values(u, spec)
    df = pd.DataFrame(table)
    df.insert(0, "point", np.arange(len(df), dtype=np.int64))
    return df


__all__ = ["Values", "make_design", "saltelli_problem"]
