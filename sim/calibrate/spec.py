"""The calibration spec file: which parameters to fit, their bounds and priors, the cases kept out.

Validated like a sweep file: every problem located as ``FILE:LINE:COL: field.path: message``. A
parameter is a ``--set`` path (``rules.settlement_rate``, ``actors.US.resolve``); it must resolve in
every deck case it applies to (all cases, or those listed in its ``cases:``), and both of its bounds
must give a valid scenario in each, or the spec is refused with a did-you-mean. Example::

    title: Crisis-ending rates
    parameters:
      rules.settlement_rate:
        low: 0.05
        high: 0.8
        prior: {dist: beta, a: 2, b: 4}     # on [low, high]
        note: "assumption in sim/rules/families/settlement.py"
      actors.US.resolve: {low: 0.3, high: 0.95, cases: [taiwan_strait_1995]}
    held_out: [galwan_2020]                # never fitted; scored only at the end
    weights: {violence: 1, ending: 1, duration: 1, ally: 1}
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sim.errors import Problem, ScenarioError
from sim.scenario.loader import display_path as _display
from sim.scenario.loader import read_file, validation_problems
from sim.scenario.overrides import did_you_mean, unresolved

KINDS = ("violence", "ending", "duration", "ally")
GRID = 2001
"""Points of the grid on [low, high] on which priors are normalised and their mean and sd taken
(truncated priors have no closed form worth the code; 2,001 points put the error far below the
Monte Carlo error of any score)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class UniformPrior(_Strict):
    """Flat on [low, high] (the default): every value in the bounds equally plausible."""

    dist: Literal["uniform"] = Field(description="Prior kind.")


class NormalPrior(_Strict):
    """Normal, truncated to [low, high]."""

    dist: Literal["normal"] = Field(description="Prior kind.")
    mean: float = Field(description="Mean (before truncation).")
    sd: float = Field(gt=0, description="Standard deviation (before truncation).")


class LogNormalPrior(_Strict):
    """Log-normal (for positive weights and multipliers), truncated to [low, high]."""

    dist: Literal["lognormal"] = Field(description="Prior kind.")
    median: float = Field(gt=0, description="Median (before truncation).")
    sigma: float = Field(gt=0, description="Standard deviation of the logarithm.")


class BetaPrior(_Strict):
    """Beta(a, b) stretched over [low, high] (0 at ``low``, 1 at ``high``)."""

    dist: Literal["beta"] = Field(description="Prior kind.")
    a: float = Field(ge=1, le=1000, description="First shape parameter (1 or more: no pole).")
    b: float = Field(ge=1, le=1000, description="Second shape parameter (1 or more: no pole).")


Prior = Annotated[
    UniformPrior | NormalPrior | LogNormalPrior | BetaPrior, Field(discriminator="dist")
]


class Parameter(_Strict):
    """One parameter to fit: a ``--set`` path's bounds, prior and (optionally) the cases it applies to."""

    low: float = Field(ge=-1e6, le=1e6, description="Lowest value the fit may give.")
    high: float = Field(ge=-1e6, le=1e6, description="Highest value the fit may give.")
    prior: Prior = Field(
        default_factory=lambda: UniformPrior(dist="uniform"),
        description="Prior on [low, high]: {dist: uniform} (default), {dist: normal, mean, sd}, "
        "{dist: lognormal, median, sigma} or {dist: beta, a, b} (stretched over [low, high]).",
    )
    start: float | None = Field(
        default=None,
        description="Where the search starts (default: the hand-set value of a rules.* weight, "
        "else the prior's mean).",
    )
    cases: list[str] | None = Field(
        default=None,
        min_length=1,
        description="Deck cases the parameter applies to (default: every case). Its path must "
        "resolve in each.",
    )
    note: str = Field(default="", description="Why this parameter is fitted (shown in reports).")

    @model_validator(mode="after")
    def _order(self) -> Parameter:
        if self.high <= self.low:
            raise ValueError("high must be greater than low")
        if self.start is not None and not self.low <= self.start <= self.high:
            raise ValueError(f"start {self.start:g} is outside [low, high]")
        if isinstance(self.prior, LogNormalPrior) and self.low < 0:
            raise ValueError("a lognormal prior needs low >= 0")
        return self


class CalibrationSpec(_Strict):
    """What ``wargame calibrate`` fits, and how it scores a fit."""

    title: str | None = Field(default=None, description="Display title.")
    deck: str | None = Field(
        default=None,
        description="History deck (folder), relative to this file; the command's DECK wins.",
    )
    parameters: dict[str, Parameter] = Field(
        min_length=1, description="Dotted --set paths to fit, each with bounds and a prior."
    )
    held_out: list[str] = Field(
        default_factory=list,
        description="Deck cases never used for fitting nor cross-validation; scored only at the "
        "end, with the final fit.",
    )
    weights: dict[Literal["violence", "ending", "duration", "ally"], float] = Field(
        default_factory=lambda: dict.fromkeys(KINDS, 1.0),
        description="Weight of each kind of backtest dimension in the objective (the weighted "
        "mean of each kind's mean log score); a kind left out weighs 0.",
    )
    prior_weight: float = Field(
        default=1.0,
        ge=0,
        le=1000,
        description="Weight of the log prior against the deck's log score (1: the posterior "
        "mode; 0: maximum likelihood).",
    )
    runs: int = Field(default=200, ge=1, le=1_000_000, description="Worlds per case per candidate.")
    seed: int = Field(default=0, ge=0, description="Root seed (worlds, folds and optimiser).")
    folds: int | None = Field(
        default=None,
        ge=2,
        le=1000,
        description="Cross-validation folds (default: leave-one-out up to 10 fitted cases, "
        "else 5).",
    )
    budget: int = Field(default=120, ge=4, le=100_000, description="Candidate evaluations per fit.")

    @model_validator(mode="after")
    def _weights(self) -> CalibrationSpec:
        if any(w < 0 or not math.isfinite(w) for w in self.weights.values()):
            raise ValueError("weights must be 0 or more")
        if not any(w > 0 for w in self.weights.values()):
            raise ValueError("at least one kind of dimension needs a weight above 0")
        return self


SPEC_FIELDS = sorted(
    {
        *CalibrationSpec.model_fields,
        *Parameter.model_fields,
        *NormalPrior.model_fields,
        *LogNormalPrior.model_fields,
        *BetaPrior.model_fields,
    }
)


@dataclass(frozen=True)
class Param:
    """A validated parameter: its path, bounds, prior (normalised on a grid) and cases."""

    path: str
    low: float
    high: float
    prior: dict[str, Any]
    start: float
    cases: tuple[str, ...]
    note: str

    @property
    def width(self) -> float:
        """Length of the range, ``high - low``."""
        return self.high - self.low

    @cached_property
    def _normaliser(self) -> tuple[np.ndarray, np.ndarray, float]:
        """Grid, normalised density on it, and the log of the normalising constant."""
        x = np.linspace(self.low, self.high, GRID)
        logp = np.array([_log_density(self.prior, self.low, self.high, v) for v in x])
        top = logp.max()
        p = np.exp(logp - top)
        z = float(np.trapezoid(p, x))
        return x, p / z, top + math.log(z)

    def log_prior(self, value: float) -> float:
        """Log density of the (truncated, normalised) prior at ``value``."""
        return _log_density(self.prior, self.low, self.high, value) - self._normaliser[2]

    def prior_mean_sd(self) -> tuple[float, float]:
        """Mean and standard deviation of the prior on [low, high]."""
        x, p, _ = self._normaliser
        mean = float(np.trapezoid(x * p, x))
        return mean, float(math.sqrt(max(np.trapezoid((x - mean) ** 2 * p, x), 0.0)))


def _log_density(prior: dict[str, Any], low: float, high: float, v: float) -> float:
    """Unnormalised log density of ``prior`` at ``v`` (kept finite at the bounds, so that a
    candidate on a bound has a finite penalty)."""
    kind = prior["dist"]
    if kind == "uniform":
        return 0.0
    if kind == "normal":
        return -0.5 * ((v - prior["mean"]) / prior["sd"]) ** 2
    if kind == "lognormal":
        v = max(v, 1e-12)
        return -math.log(v) - 0.5 * (math.log(v / prior["median"]) / prior["sigma"]) ** 2
    u = min(max((v - low) / (high - low), 1e-9), 1 - 1e-9)  # beta on [low, high], a, b >= 1
    return (prior["a"] - 1) * math.log(u) + (prior["b"] - 1) * math.log(1 - u)


def hand_set(path: str) -> float | None:
    """The schema default of a ``rules.<name>`` weight (its hand-set value), else None."""
    from sim.scenario.schema import Rules

    parts = path.split(".")
    if len(parts) == 2 and parts[0] == "rules" and parts[1] in Rules.model_fields:
        default = Rules.model_fields[parts[1]].default
        return float(default) if isinstance(default, int | float) else None
    return None


@dataclass(frozen=True)
class Calibration:
    """A validated spec: the file, its model, its parameters and the deck it was checked against."""

    path: Path
    spec: CalibrationSpec
    params: tuple[Param, ...]
    sha256: str


def deck_of(spec_path: str | os.PathLike[str]) -> str | None:
    """The ``deck:`` the spec file names (resolved against the file), or None; never raises, so
    that loading the spec reports what is wrong with it."""
    try:
        data = read_file(Path(spec_path), str(spec_path)).data
    except ScenarioError:
        return None
    deck = data.get("deck") if isinstance(data, dict) else None
    return str(Path(spec_path).parent / deck) if isinstance(deck, str) else None


def load_spec(path: str | os.PathLike[str], cases: list[Any]) -> Calibration:
    """Read and validate a calibration spec against the deck's ``cases``; every problem at once."""
    import hashlib

    path = Path(path)
    shown = _display(path)
    if not path.exists():
        raise ScenarioError([Problem(shown, 1, 1, "", "file not found")])
    located = read_file(path, shown)
    data = located.data
    if not isinstance(data, dict):
        raise ScenarioError([Problem(shown, 1, 1, "", "a calibration spec is a mapping")])
    problems: list[Problem] = []
    spec: CalibrationSpec | None = None
    try:
        spec = CalibrationSpec.model_validate(data)
    except ValidationError as exc:
        problems += validation_problems(exc, located, shown, SPEC_FIELDS, CalibrationSpec)

    by_name = {c.name: c for c in cases}

    def at(*where: Any) -> tuple[str, int, int]:
        return located.locate(tuple(where), shown)

    held = data.get("held_out") if isinstance(data.get("held_out"), list) else []
    for i, name in enumerate(held):
        if name not in by_name:
            problems.append(_unknown_case(name, by_name, at, "held_out", i))
    parameters = data.get("parameters") if isinstance(data.get("parameters"), dict) else {}
    applies, unknown = _applies(parameters, by_name, at)
    problems += unknown
    problems += _check_paths(parameters, applies, at)
    fit = [n for n in by_name if n not in held]
    if spec is not None and len(fit) < 2:
        f, line, col = at("held_out")
        problems.append(
            Problem(f, line, col, "held_out", f"leaves {len(fit)} case(s) to fit; need 2 or more")
        )
    if problems or spec is None:
        raise ScenarioError(problems)
    params = _params(spec, by_name)
    return Calibration(path, spec, params, hashlib.sha256(path.read_bytes()).hexdigest())


_Locate = Callable[..., tuple[str, int, int]]
"""File, line and column of a field of the spec, given its path (``at("held_out", 0)``)."""


def _unknown_case(name: Any, by_name: dict[str, Any], at: _Locate, *where: Any) -> Problem:
    """The located problem of a case name the deck does not have, with a did-you-mean."""
    f, line, col = at(*where)
    field = ".".join(map(str, where))
    hint = did_you_mean(str(name), by_name)
    return Problem(f, line, col, field, f"no case {name!r} in the deck{hint}")


def _applies(
    parameters: dict, by_name: dict[str, Any], at: _Locate
) -> tuple[dict[str, list[Any]], list[Problem]]:
    """The deck cases each parameter applies to (those its ``cases:`` lists, else all), and a
    problem for each listed name the deck does not have; read from the raw mapping, so that a
    spec with other errors still has its case names checked."""
    applies: dict[str, list[Any]] = {}
    problems: list[Problem] = []
    for key, entry in parameters.items():
        if not isinstance(key, str):
            continue
        subset = entry.get("cases") if isinstance(entry, dict) else None
        names = list(by_name)
        if isinstance(subset, list):
            for i, name in enumerate(subset):
                if name not in by_name:
                    problems.append(_unknown_case(name, by_name, at, "parameters", key, "cases", i))
            names = [n for n in subset if isinstance(n, str) and n in by_name]
        applies[key] = [by_name[n] for n in names]
    return applies, problems


def _params(spec: CalibrationSpec, by_name: dict[str, Any]) -> tuple[Param, ...]:
    """The spec's parameters; each starts at its ``start:``, else at its hand-set value when that
    is within its bounds, else at its prior mean (so a search starts from what the engine uses)."""
    params = []
    for key, p in spec.parameters.items():
        start = p.start
        if start is None:
            default = hand_set(key)
            start = default if default is not None and p.low <= default <= p.high else None
        prm = Param(
            key,
            p.low,
            p.high,
            p.prior.model_dump(),
            0.0,
            tuple(p.cases or by_name),
            p.note,
        )
        if start is None:
            start = prm.prior_mean_sd()[0]
        params.append(
            Param(prm.path, prm.low, prm.high, prm.prior, float(start), prm.cases, prm.note)
        )
    return tuple(params)


def _check_paths(parameters: dict, applies: dict[str, list[Any]], at: _Locate) -> list[Problem]:
    """Problems of the parameter paths: each must resolve in every case it applies to, and both of
    its bounds must give a valid scenario there. One line per parameter (the first case that
    shows what is wrong); each case is loaded once, whatever the number of parameters."""
    from sim.sweeps.spec import point_scenario

    problems: dict[str, Problem] = {}
    cases = {c.name: c for group in applies.values() for c in group}
    for case in cases.values():
        keys = [k for k, group in applies.items() if case in group and k not in problems]
        for key, why in unresolved(case.path, keys, case.scenario).items():
            f, line, col = at("parameters", key)
            problems[key] = Problem(f, line, col, f"parameters.{key}", f"case {case.name}: {why}")
    for bound in ("low", "high"):
        for case in cases.values():
            values = {}
            for key, group in applies.items():
                value = parameters[key].get(bound) if isinstance(parameters[key], dict) else None
                if case in group and key not in problems and _is_number(value):
                    values[key] = float(value)
            if not values:
                continue
            try:
                point_scenario(case.scenario, values)  # all at once: the usual case is no problem
                continue
            except ScenarioError:
                pass
            for key, value in values.items():  # then one by one, to name the culprit
                try:
                    point_scenario(case.scenario, {key: value})
                except ScenarioError as exc:
                    msg = exc.problems[0].message if exc.problems else "invalid"
                    f, line, col = at("parameters", key, bound)
                    problems[key] = Problem(
                        f,
                        line,
                        col,
                        f"parameters.{key}.{bound}",
                        f"value {parameters[key][bound]!r} in case {case.name}: {msg}",
                    )
    return list(problems.values())


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
