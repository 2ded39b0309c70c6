"""Lever screening for ``wargame check SCENARIO --levers``: does every parameter the scenario uses act?

One-at-a-time screening with common random numbers: for each lever (a number or doctrine flag of
a cast actor, of a relation in the scenario, an inject's probability or a rule weight) the scenario
is run twice with the same seed, once with the lever at the low end of its range and once at the
high end (numbers in [0, 1] at 0 and 1; other non-negative numbers at 0 and twice their central
value; flags false and true). Because both arms draw the same random numbers, a lever with no effect
gives the same worlds twice and a weak one changes few worlds, so a few hundred worlds suffice.

The effect is measured on the instrument, not on the scenario's own labels alone: the peak violence
class (ordinal), the shares of each ending type, of each outcome and of each who-fought-whom pair.
For every measure the paired difference (high − low) over worlds is reported with a 95% normal
interval; a lever is *dead* when no interval excludes zero. The strongest measure (largest |diff| /
standard error) is shown for the others. Saltelli et al., *Global Sensitivity Analysis: The Primer*
(2008), ch. 2-3 (one-at-a-time and elementary effects); common random numbers: Law, *Simulation
Modeling and Analysis* (5th ed., 2015), 11.2.

Paths are checked with the override resolver (``sim.scenario.overrides.resolve``) and set as
``--set`` overrides, so a lever that is screened is exactly what a user can set.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel

from sim.scenario.distributions import is_distribution
from sim.scenario.overrides import PathError, resolve
from sim.scenario.vocabulary import VIOLENCE

# scenario sections whose numbers are levers (turns, ladder, initial rungs and predicates are not)
SECTIONS = ("actors", "relations", "injects", "rules")
SKIP = {"sources", "assumption", "merge", "type", "full_name", "title", "description", "side"}
SKIP |= {"playable"}  # who may play an actor in the classroom: not part of the model
BASING = ("basing_access", "basing_share")  # inert by construction without basing hosts
Z95 = 1.96


@dataclass(frozen=True)
class Lever:
    """A parameter path and the two values it is screened at."""

    path: str
    low: Any
    high: Any


@dataclass(frozen=True)
class Effect:
    """The strongest measured effect of a lever: the measure, the paired mean difference (high −
    low) and its 95% interval, and how many worlds changed in any measure."""

    lever: Lever
    measure: str
    diff: float
    low_ci: float
    high_ci: float
    changed: int
    runs: int

    @property
    def dead(self) -> bool:
        """No measure moved beyond noise (every interval contains zero)."""
        return self.low_ci <= 0.0 <= self.high_ci

    def line(self) -> str:
        """One line for the terminal."""
        arms = f"{self.lever.low!s} vs {self.lever.high!s}"
        if self.changed == 0:
            return f"{self.lever.path} ({arms}): no world changed in {self.runs}"
        return (
            f"{self.lever.path} ({arms}): {self.measure} {self.diff:+.3f} "
            f"[{self.low_ci:+.3f}, {self.high_ci:+.3f}], {self.changed}/{self.runs} worlds changed"
        )


def _bounds(annotation: Any) -> tuple[float | None, float | None]:
    """(ge, le) of a numeric schema annotation (the ``bounded`` types of sim.scenario.distributions)."""
    import typing

    found: list[tuple[float | None, float | None]] = []

    def walk(a: Any) -> None:
        for m in getattr(a, "__metadata__", ()):
            for c in getattr(m, "metadata", ()):
                lo, hi = getattr(c, "ge", None), getattr(c, "le", None)
                if lo is not None or hi is not None:
                    found.append((lo, hi))
        for arg in typing.get_args(a):
            walk(arg)

    walk(annotation)
    lo = next((b[0] for b in found if b[0] is not None), None)
    hi = next((b[1] for b in found if b[1] is not None), None)
    return lo, hi


def _center(value: Any) -> float:
    """A number's value, or a distribution's mean (from a fixed sample)."""
    if is_distribution(value):
        return float(np.mean(value.sample(np.random.default_rng(0), 2000)))
    return float(value)


def _arms(value: Any, annotation: Any) -> tuple[Any, Any] | None:
    """The low and high values a lever is screened at, or None if it is not a number or flag."""
    if isinstance(value, bool):
        return False, True
    if not (isinstance(value, int | float) or is_distribution(value)):
        return None
    lo, hi = _bounds(annotation)
    if lo is None:
        return None
    if hi is not None:
        return lo, hi
    center = _center(value)
    return lo, float(f"{2 * center:.3g}") if center > 0 else 1.0


def _walk(node: BaseModel, prefix: str) -> Iterator[Lever]:
    """Levers below a schema object: its number and flag fields, and numbers in its mappings."""
    import typing

    for name, info in type(node).model_fields.items():
        if name in SKIP:
            continue
        key = info.alias or name
        if key in BASING and not getattr(node, "basing_hosts", None):
            continue
        value = getattr(node, name)
        path = f"{prefix}.{key}"
        if isinstance(value, BaseModel) and not is_distribution(value):
            yield from _walk(value, path)
        elif isinstance(value, dict):
            args = typing.get_args(info.annotation)
            value_type = args[1] if len(args) == 2 else None
            for k, v in value.items():
                arms = _arms(v, value_type)
                if arms is not None and not isinstance(v, bool):
                    yield Lever(f"{path}.{k}", *arms)
        else:
            arms = _arms(value, info.annotation)
            if arms is not None:
                yield Lever(path, *arms)


def levers(scenario: Any, data: dict, prefix: str = "") -> list[Lever]:
    """Every lever the (resolved, cast-applied) ``scenario`` uses whose path starts with
    ``prefix``, each checked against the merged file data with the override resolver."""
    out: list[Lever] = []
    for section in SECTIONS:
        part = getattr(scenario, section)
        if isinstance(part, BaseModel):
            found = list(_walk(part, section))
        else:
            found = []
            for name, entry in part.items():
                if section == "injects":
                    arms = _arms(
                        entry.probability, type(entry).model_fields["probability"].annotation
                    )
                    if arms is not None:
                        found.append(Lever(f"injects.{name}.probability", *arms))
                else:
                    found.extend(_walk(entry, f"{section}.{name}"))
        for lever in found:
            if not lever.path.startswith(prefix):
                continue
            try:
                resolve(lever.path, data)
            except PathError:
                continue  # not settable by a user: not a lever
            out.append(lever)
    return out


def measures(columns: dict[str, np.ndarray], outcomes: list[str]) -> dict[str, np.ndarray]:
    """Per-world measures (float arrays): peak violence class, ending, outcome and fought shares."""
    out: dict[str, np.ndarray] = {
        "peak violence class": np.array([VIOLENCE.index(v) for v in columns["violence"]], float)
    }
    for e in sorted(set(columns["ending"])):
        out[f"ending={e}"] = (columns["ending"] == e).astype(float)
    for o in outcomes:
        out[f"outcome={o}"] = (columns["outcome"] == o).astype(float)
    for k in sorted(columns):
        if k.startswith("fought."):
            out[k] = columns[k].astype(float)
    return out


def compare(
    lever: Lever, low: dict[str, np.ndarray], high: dict[str, np.ndarray], runs: int
) -> Effect:
    """The strongest paired difference between the two arms' measures, with its interval."""
    changed = np.zeros(runs, dtype=bool)
    best: tuple[float, str, float, float] | None = None
    for name in sorted(set(low) | set(high)):
        a = low.get(name, np.zeros(runs))
        b = high.get(name, np.zeros(runs))
        d = b - a
        changed |= d != 0
        mean = float(d.mean())
        se = float(d.std(ddof=1) / math.sqrt(runs)) if runs > 1 else 0.0
        score = abs(mean) / se if se > 0 else 0.0
        if best is None or score > best[0]:
            best = (score, name, mean, se)
    assert best is not None
    _, name, mean, se = best
    return Effect(lever, name, mean, mean - Z95 * se, mean + Z95 * se, int(changed.sum()), runs)


def screen(
    scenario_path: str | os.PathLike[str],
    runs: int = 300,
    seed: int = 0,
    prefix: str = "",
    overrides: list[str] | None = None,
    block: int = 1000,
    progress: Callable[[int, int, Effect], None] | None = None,
) -> list[Effect]:
    """Screen every lever of the scenario file (after ``overrides``) whose path starts with
    ``prefix``: two runs of ``runs`` worlds with seed ``seed`` per lever."""
    from sim.rules.pipeline import compiled
    from sim.runner.montecarlo import run_montecarlo
    from sim.scenario.loader import load_merged
    from sim.scenario.overrides import apply_overrides, parse_overrides

    base = list(overrides or [])
    c0 = compiled(scenario_path, base)
    located, _ = load_merged(Path(scenario_path))
    apply_overrides(located, parse_overrides(base))
    found = levers(c0.scenario, located.data, prefix)
    effects = []
    for i, lever in enumerate(found, start=1):
        arms = []
        for value in (lever.low, lever.high):
            c = compiled(scenario_path, [*base, f"{lever.path}={_text(value)}"])
            mc = run_montecarlo(c, runs, seed, block)
            arms.append(measures(mc.columns, mc.outcome_names))
        effect = compare(lever, arms[0], arms[1], runs)
        effects.append(effect)
        if progress is not None:
            progress(i, len(found), effect)
    return effects


def _text(value: Any) -> str:
    """A value as ``--set`` text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(float(value)) if isinstance(value, float) else str(value)


def report(effects: list[Effect], out: Callable[[str], None] = print) -> int:
    """Print a warning per dead lever and one line per live one; return the number of warnings."""
    dead = [e for e in effects if e.dead]
    for e in dead:
        out(f"warning: lever with no measurable effect: {e.line()}")
    live = sorted((e for e in effects if not e.dead), key=lambda e: -abs(e.diff))
    if live:
        out(f"levers that act ({len(live)} of {len(effects)}; strongest measure, 95% interval):")
        for e in live:
            out(f"  {e.line()}")
    return len(dead)


def check_levers(
    scenario: str, runs: int, seed: int, prefix: str, overrides: list[str], block: int
) -> int:
    """``wargame check --levers``: screen, print progress on stderr and the report; warnings."""
    import sys

    def tick(i: int, n: int, e: Effect) -> None:
        print(f"\rscreening levers: {i}/{n}", end="", file=sys.stderr, flush=True)

    effects = screen(scenario, runs, seed, prefix, overrides, block, progress=tick)
    print(file=sys.stderr)
    print(f"levers: {len(effects)} screened, {runs} worlds per arm, seed {seed} in both arms")
    return report(effects)
