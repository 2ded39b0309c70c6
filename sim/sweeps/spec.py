"""The sweep file: which scenario, which parameters vary over what, the design, and how many replicates.

Validated like a scenario: every problem located as ``FILE:LINE:COL: field.path: message``. Parameter
paths are the ``--set`` paths of the scenario; each is checked by applying its extreme values to the
scenario and validating the result.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    model_validator,
)

from sim.errors import Problem, ScenarioError
from sim.scenario.loader import display_path, read_file, validation_problems
from sim.scenario.overrides import did_you_mean, unresolved
from sim.scenario.schema import Scenario

if TYPE_CHECKING:
    from sim.scenario.yamlsource import Located


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Range(_Strict):
    """A parameter varied over [low, high] (continuous; grids take ``levels`` evenly spaced values)."""

    low: float = Field(description="Lowest value.")
    high: float = Field(description="Highest value.")
    integer: bool = Field(default=False, description="Round sampled values to whole numbers.")

    @model_validator(mode="after")
    def _order(self) -> Range:
        if self.high <= self.low:
            raise ValueError("high must be greater than low")
        return self


class Values(_Strict):
    """A parameter taking one of a list of values."""

    values: list[float | str | bool] = Field(
        min_length=1, description="The values (numbers or names)."
    )


def _kind(value: Any) -> str:
    return "Values" if isinstance(value, dict) and "values" in value else "Range"


# Tags are capitalised so that error locations can tell them from field names (see _clean_loc).
Parameter = Annotated[
    Annotated[Range, Tag("Range")] | Annotated[Values, Tag("Values")], Discriminator(_kind)
]


class SweepSpec(_Strict):
    """A parameter sweep over one scenario."""

    scenario: str = Field(description="Scenario file, relative to this sweep file.")
    title: str | None = Field(default=None, description="Display title.")
    set: list[str] = Field(
        default_factory=list, description="Fixed --set overrides applied at every point."
    )
    parameters: dict[str, Parameter] = Field(
        min_length=1, description="Dotted --set paths to vary, each a range or a list of values."
    )
    design: Literal["grid", "random", "lhs", "sobol", "saltelli"] = Field(
        default="lhs",
        description="grid (full factorial), random, lhs (Latin hypercube), sobol (Sobol sequence), saltelli "
        "(Saltelli's scheme: enables Sobol sensitivity indices).",
    )
    points: int = Field(
        default=64,
        ge=1,
        le=1_000_000,
        description="Number of points (random/lhs/sobol); base sample size N for saltelli (N*(D+2) points).",
    )
    levels: int = Field(
        default=5, ge=2, le=1000, description="Values per range parameter in a grid."
    )
    replicates: int = Field(default=100, ge=1, le=1_000_000, description="Replicates per point.")
    seed: int = Field(
        default=0, ge=0, description="Root seed of the sweep (design and replicates)."
    )
    batch: int = Field(
        default=16, ge=1, le=10_000, description="Points per task and per file of replicates/."
    )
    outcomes: list[str] | None = Field(
        default=None, description="Outcomes to analyse (default: all)."
    )


SWEEP_FIELDS = sorted({*SweepSpec.model_fields, *Range.model_fields, *Values.model_fields})


def is_sweep_file(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` holds a sweep file (a ``scenario`` file name and ``parameters``) rather than
    a scenario; False when it cannot be read, so that the scenario loader reports why."""
    try:
        data = read_file(Path(path), str(path)).data
    except ScenarioError:
        return False
    return "parameters" in data or isinstance(data.get("scenario"), str)


def load_sweep(path: str | os.PathLike[str]) -> tuple[SweepSpec, Path]:
    """Read and validate a sweep file; return it and the resolved scenario path.

    Every problem is reported at once where possible: the parameter paths are checked against the
    scenario even when other fields of the sweep file are wrong."""
    path = Path(path)
    shown = display_path(path)
    if not path.exists():
        raise ScenarioError([Problem(shown, 1, 1, "", "file not found")])
    located = read_file(path, shown)
    data = located.data
    problems: list[Problem] = []
    spec: SweepSpec | None = None
    try:
        spec = SweepSpec.model_validate(data)
    except ValidationError as exc:
        problems += validation_problems(exc, located, shown, SWEEP_FIELDS, SweepSpec)
    if not isinstance(data.get("scenario"), str):
        raise ScenarioError(problems)  # reported above: `scenario` is required text
    scenario_path = (path.parent / data["scenario"]).resolve()
    if not scenario_path.is_file():
        f, line, col = located.locate(("scenario",), shown)
        problems.append(
            Problem(f, line, col, "scenario", f"scenario file {data['scenario']!r} not found")
        )
        raise ScenarioError(problems)
    sets = data.get("set")
    sets = sets if isinstance(sets, list) and all(isinstance(x, str) for x in sets) else []
    base = _base_scenario(scenario_path, sets, located, shown, problems)
    parameters = data.get("parameters")
    names = [k for k in parameters if isinstance(k, str)] if isinstance(parameters, dict) else []
    wrong = unresolved(scenario_path, names, base, sets)
    for name, why in wrong.items():
        f, line, col = located.locate(("parameters", name), shown)
        problems.append(Problem(f, line, col, f"parameters.{name}", why))
    if spec is None:
        raise ScenarioError(problems)
    problems += _extreme_problems(spec, base, set(wrong), located, shown)
    problems += _outcome_problems(spec, base, located, shown)
    if problems:
        raise ScenarioError(problems)
    return spec, scenario_path


def _base_scenario(
    scenario_path: Path, sets: list[str], located: Located, shown: str, problems: list[Problem]
) -> Scenario:
    """The sweep's scenario with its ``set:`` overrides; on failure raise every problem so far,
    a bad ``set:`` entry reported at its line of the sweep file."""
    from sim.scenario import load_scenario

    try:
        return load_scenario(scenario_path, sets)
    except ScenarioError as exc:
        for p in exc.problems:
            if p.file == "--set":
                f, line, col = located.locate(("set", p.line - 1), shown)
                p = Problem(f, line, col, f"set.{p.line - 1}", f"{p.path}: {p.message}")
            problems.append(p)
        raise ScenarioError(problems) from None


def _extreme_problems(
    spec: SweepSpec, base: Scenario, skip: set[str], located: Located, shown: str
) -> list[Problem]:
    """Each parameter's extreme values must make a valid scenario (checked now, not at point 37);
    parameters in ``skip`` (paths that did not resolve) are already reported."""
    problems: list[Problem] = []
    for name, param in spec.parameters.items():
        if name in skip:
            continue
        extremes = [param.low, param.high] if isinstance(param, Range) else param.values
        for value in extremes:
            try:
                point_scenario(base, {name: value})
            except ScenarioError as exc:
                f, line, col = located.locate(("parameters", name), shown)
                msg = exc.problems[0].message if exc.problems else "invalid"
                problems.append(
                    Problem(f, line, col, f"parameters.{name}", f"value {value!r}: {msg}")
                )
                break
    return problems


def _outcome_problems(
    spec: SweepSpec, base: Scenario, located: Located, shown: str
) -> list[Problem]:
    """The sweep's ``outcomes:`` must name outcomes of the scenario (or ``other``)."""
    outcome_names = list(base.outcomes)
    problems: list[Problem] = []
    for i, name in enumerate(spec.outcomes or []):
        if name not in outcome_names and name != "other":
            f, line, col = located.locate(("outcomes", i), shown)
            hint = did_you_mean(name, outcome_names)
            problems.append(
                Problem(f, line, col, f"outcomes.{i}", f"unknown outcome {name!r}{hint}")
            )
    return problems


def point_scenario(
    base: Scenario, values: dict[str, Any], data: dict[str, Any] | None = None
) -> Scenario:
    """The scenario at one point: ``base`` with ``values`` set on their dotted paths, validated.
    ``data`` is ``base`` dumped to plain data, when the caller keeps it for many points (the
    validation copies it, so it is never changed)."""
    from sim.scenario.loader import validate_data
    from sim.scenario.yamlsource import Located

    if data is None:
        data = base.model_dump(mode="json", by_alias=True, exclude_none=True)
    return validate_data(Located(data), base.name, values)
