"""Driving ``WargameModel`` with ``mesa.batch_run`` (one replicate per model), on Mesa 3.3 to 3.5.

Mesa 3.4 added an ``rng`` argument to ``batch_run`` (and deprecated ``iterations``); 3.3 takes the
seed as an ordinary model parameter. This wrapper hides the difference for users and the benchmark.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Iterable, Mapping
from typing import Any

import mesa

from sim.model import WargameModel


def batch_run(
    scenario: str | os.PathLike[str],
    seeds: Iterable[int],
    overrides: Mapping[str, Any] | None = None,
    number_processes: int | None = 1,
    max_steps: int = 1000,
) -> list[dict[str, Any]]:
    """Run one R = 1 model per seed through ``mesa.batch_run``; returns its list of result rows."""
    params: dict[str, Any] = {"scenario": str(scenario)}
    if overrides:
        params["overrides"] = [dict(overrides)]  # one value: batch_run iterates lists
    seeds = list(seeds)
    if "rng" in inspect.signature(mesa.batch_run).parameters:
        return mesa.batch_run(
            WargameModel,
            params,
            number_processes=number_processes,
            rng=seeds,
            max_steps=max_steps,
            display_progress=False,
        )
    params["rng"] = seeds
    return mesa.batch_run(
        WargameModel,
        params,
        number_processes=number_processes,
        iterations=1,
        max_steps=max_steps,
        display_progress=False,
    )
