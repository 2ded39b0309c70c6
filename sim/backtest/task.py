"""The tasks a worker runs for a backtest: one block of one case, or one arm of a check. Pure (the
same arguments give the same result on any worker) and light: no plotting or web imports."""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.backtest.dimensions import Dimension, Theatre, intervened, world_classes
from sim.outputs.rundir import short_hash

_CACHE: dict[str, Any] = {}


def _compiled(scenario: dict) -> Any:
    from sim.rules.compile import compile_scenario
    from sim.scenario.schema import Scenario

    key = short_hash(scenario, 16)
    if key not in _CACHE:
        _CACHE.clear()
        _CACHE[key] = compile_scenario(Scenario.model_validate(scenario))
    return _CACHE[key]


def play(scenario: dict, size: int, seed: int, key: tuple[int, ...]) -> tuple[Any, dict]:
    """Play ``size`` worlds seeded with ``SeedSequence(seed, spawn_key=key)``; the model (for its
    arrays) and its per-world columns."""
    from sim.model import WargameModel
    from sim.runner.worker import playing

    with playing():
        c = _compiled(scenario)
        m = WargameModel(
            c,
            R=size,
            rng=np.random.default_rng(np.random.SeedSequence(seed, spawn_key=key)),
            explain=False,
            collect=False,
        )
        m.run()
        return m, m.results()


def theatre(m: Any) -> Theatre:
    """What the ally dimension reads of a played model (see :class:`Theatre`)."""
    from sim.rules.pairs import quiet_rung
    from sim.scenario.ladder import DEFAULT_LADDER

    c = m.compiled
    rungs = (c.scenario.ladder or DEFAULT_LADDER).rungs
    deploy = [i for i, r in enumerate(rungs) if r.deployment]
    return Theatre(
        support_peak=m.state.support_peak,
        link_g=c.link_g,
        link_p=c.link_p,
        actors=c.actors,
        peak=m.state.peak,
        src=c.src,
        dst=c.dst,
        first_deployment=deploy[0] if deploy else len(rungs),
        quiet=quiet_rung(c),
    )


def run_case_block(
    scenario: dict, dims: list[Dimension], days: float, size: int, seed: int, key: int, index: int
) -> dict[str, list[int]]:
    """Counts of each class of every dimension over one block of a case's worlds."""
    m, cols = play(scenario, size, seed, (key, index))
    counts = {}
    for d in dims:
        mask = None
        if d.kind == "ally":
            mask = intervened(cols, theatre(m), d.ally, d.partner)
        which = world_classes(d, cols, days, mask)
        counts[d.name] = np.bincount(which, minlength=len(d.classes)).tolist()
    m.release()
    return counts


def run_check_arm(scenario: dict, metric: dict, size: int, seed: int, index: int) -> np.ndarray:
    """The check metric of every world of one block of one arm (common random numbers: both arms
    of a check use the same seed and block keys)."""
    m, cols = play(scenario, size, seed, (index,))
    if metric["kind"] == "peak_toward":  # one dyad's highest rung: read from the model's state
        cols = {**cols, "peak_toward": m.state.peak[:, m.c.dyad_index(metric["a"], metric["b"])]}
    values = metric_values(metric, cols)
    m.release()
    return values


def metric_values(metric: dict, cols: dict[str, np.ndarray]) -> np.ndarray:
    """A check's per-world metric (float) from the outcome columns."""
    kind = metric["kind"]
    n = len(cols["outcome"])

    def fought(a: str, b: str) -> np.ndarray:
        return cols.get(f"fought.{a}.{b}", np.zeros(n, dtype=bool))

    if kind == "any_force":
        return (cols["violence"] != "none").astype(float)
    if kind == "fought":
        return fought(metric["a"], metric["b"]).astype(float)
    if kind == "fought_unopposed":  # a fights b and c never fights a
        return (fought(metric["a"], metric["b"]) & ~fought(metric["c"], metric["a"])).astype(float)
    if kind == "peak":
        return cols[f"peak.{metric['actor']}"].astype(float)
    if kind == "peak_toward":  # a's highest rung toward b (added by run_check_arm)
        return cols["peak_toward"].astype(float)
    raise ValueError(f"unknown check metric {kind!r}")
