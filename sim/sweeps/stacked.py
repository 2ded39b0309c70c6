"""A batch's points played as one model: per-point cost paid once per batch, results unchanged.

At 100 replicates a point, half a point's time was the turn's fixed cost (about 2 ms a turn for
the families' Python, whatever the number of worlds) and the model's set-up. Here each point's
swept numbers enter its compiled scenario as ``fixed`` distributions, so they land in the per-world
arrays (``sim.rules.uncertain``) instead of the compiled constants; each point's worlds are created
from its own generator (its stream key, its sampled parameters) and the points' worlds are stacked
(``sim.rules.worlds.stack``) into one model of the first point's compiled scenario. Every draw is
keyed by the world's own key and index (``sim.rules.streams``), so each point's worlds come out
byte for byte as if played alone (tests/sweeps/test_sweep_stacked.py).

A batch is stacked only when every swept value is a number that each point's scenario accepts as a
distribution and that the compiled scenario keeps only per world (a ``place``d or ``declare``d
number): anything else (a flag, a name, the turn limit, a number the compiler reads as a constant)
is played point by point as before.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.errors import ScenarioError
from sim.rules.compile import CompiledScenario, compile_scenario

# most worlds in one stacked model (assumption: the block size of a run, 1,000, doubled; memory per
# world is about 20 kB on Taiwan, so 40 MB, and past a few hundred worlds the turn's fixed cost is
# already small)
MOST_WORLDS = 2000


def groups(n_points: int, replicates: int) -> list[range]:
    """Consecutive points played together: as many as fit in ``MOST_WORLDS`` worlds (at least 1)."""
    size = max(1, MOST_WORLDS // max(replicates, 1))
    return [range(i, min(i + size, n_points)) for i in range(0, n_points, size)]


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def compile_fixed(
    scenario: Any, values: dict[str, Any], data: dict[str, Any]
) -> CompiledScenario | None:
    """The point's compiled scenario with its swept numbers as per-world ``fixed`` values, or None
    when one of them cannot be (not a number, not a distribution-valued field, or read as a
    constant by the compiler): such a point is played alone."""
    from sim.sweeps.spec import point_scenario

    if not all(_number(v) for v in values.values()):
        return None
    fixed = {p: {"dist": "fixed", "value": float(v)} for p, v in values.items()}
    try:
        c = compile_scenario(point_scenario(scenario, fixed, data))
    except (ScenarioError, TypeError, ValueError):
        # refused as a distribution, or used in arithmetic at compile time: not per world
        return None
    per_world = {p.path for p in c.uncertain.params} | set(c.uncertain.direct)
    return c if set(values) <= per_world else None


def compile_all(
    scenario: Any, points: list[dict[str, Any]], data: dict[str, Any]
) -> list[CompiledScenario] | None:
    """Every point's ``compile_fixed`` scenario, or None as soon as one point cannot be stacked."""
    out = []
    for values in points:
        c = compile_fixed(scenario, values, data)
        if c is None:
            return None
        out.append(c)
    return out


def play(
    cs: list[CompiledScenario],
    rngs: list[np.random.Generator],
    replicates: int,
    points: list[dict[str, Any]],
) -> list[tuple[dict[str, np.ndarray], list[str]]]:
    """Play the points ``cs`` (each with its generator and swept ``points`` values) as one model;
    each point's result columns and outcome names."""
    from sim.model import WargameModel
    from sim.rules import worlds

    states = []
    for c, rng, values in zip(cs, rngs, points, strict=True):
        # each point's worlds as its own model creates them (Mesa takes its draw first)
        s = WargameModel(c, R=replicates, rng=rng, explain=False, collect=False).take_worlds()
        for path in values:  # the point's own value, not a sampled parameter
            s.sampled.pop(path, None)
        states.append(s)
    m = WargameModel(cs[0], state=worlds.stack(states), collect=False)
    m.run()
    cols = m.results()
    m.release()
    names = m.outcome_names
    return [
        ({k: v[i * replicates : (i + 1) * replicates] for k, v in cols.items()}, names)
        for i in range(len(cs))
    ]
