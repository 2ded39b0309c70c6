"""EMA Workbench adapter: a scenario as an EMA model, for scenario discovery (PRIM, CART) on our engine.

``ema_model`` returns an ``ema_workbench.ReplicatorModel`` whose uncertainties are the scenario's
uncertain parameters and whose outcomes are the shares of the scenario's outcomes. One EMA experiment
sets every uncertainty to the value EMA sampled (as a ``--set`` style override, which replaces the
distribution with that number) and plays ``replicates`` worlds of the engine in one vectorised block;
the outcomes are the shares of those worlds that ended in each outcome. See docs/ema.md.

Needs the optional extra ``ema`` (``pip install 'alliance-wargame[ema]'``), which needs Python 3.12+:
``ema_workbench`` is imported only when ``ema_model`` is called, so ``uncertain_parameters`` and
``ema_name`` work without it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.model import RULE_KEYS, compiled
from sim.runner.montecarlo import run_montecarlo
from sim.scenario import Scenario, load_scenario
from sim.scenario.distributions import Choice, is_distribution
from sim.scenario.outcomes import outcome_names
from sim.scenario.overrides import unresolved

if TYPE_CHECKING:
    from ema_workbench import ReplicatorModel

__all__ = ["ema_model", "ema_name", "uncertain_parameters"]

INSTALL_HINT = (
    "sim.ema needs the EMA Workbench, which needs Python 3.12 or later: "
    "pip install 'alliance-wargame[ema]'"
)


def ema_name(path: str) -> str:
    """The EMA identifier of a dotted path or outcome name: dots become ``__``, other characters that
    cannot appear in a Python identifier (such as ``-``) become ``_``."""
    name = re.sub(r"\W", "_", path.replace(".", "__"))
    return name if name.isidentifier() else f"p_{name}"


def uncertain_parameters(
    scenario: str | os.PathLike[str] | Scenario, overrides: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Every number of the scenario the engine samples per world: dotted path -> distribution.

    That is the compiled parameters (capabilities, resolve, credibility, basing access, stakes, ...)
    plus the rule weights and inject probabilities, which the model samples itself. Distributions that
    can take only one value (``fixed``, a one-value ``choice``, zero width) are left out: nothing is
    uncertain about them.
    """
    if not isinstance(scenario, Scenario):
        s = load_scenario(scenario, overrides)
    else:
        s = compiled(scenario, overrides).scenario if overrides else scenario
    found: dict[str, Any] = {p.path: p.dist for p in compiled(s).params}
    for key in RULE_KEYS:
        found[f"rules.{key}"] = getattr(s.rules, key)
    for name, inject in s.injects.items():
        found[f"injects.{name}.probability"] = inject.probability
    return {path: d for path, d in found.items() if is_distribution(d) and _varies(d)}


def _varies(dist: Any) -> bool:
    if isinstance(dist, Choice):
        return len(set(dist.values)) > 1
    lo, hi = dist.bounds
    return hi > lo


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python number pydantic expects."""
    return value.item() if isinstance(value, np.generic) else value


def _mean(values: Sequence[float]) -> float:
    """Outcome of an EMA experiment: the mean share over its EMA replications (seeds)."""
    return float(np.mean(values))


class ScenarioExperiment:
    """The callable EMA runs once per experiment and replication (picklable, for parallel evaluators).

    Keyword arguments are EMA names (see ``ema_name``) set as overrides; names not in ``paths`` are
    decoded by turning ``__`` back into dots, so levers or constants added by the user work too.
    ``seed`` is the engine seed of the replication. Returns outcome shares by EMA name.
    """

    def __init__(
        self,
        scenario: Scenario,
        replicates: int,
        paths: Mapping[str, str],
        outcomes: Mapping[str, str],
        seed: int = 0,
    ) -> None:
        self.scenario = scenario
        self.replicates = int(replicates)
        self.paths = dict(paths)
        self.outcomes = dict(outcomes)
        self.seed = seed

    def overrides(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """EMA values by name -> ``{dotted.path: value}`` overrides."""
        return {
            self.paths.get(name, name.replace("__", ".")): _plain(v) for name, v in values.items()
        }

    def __call__(self, seed: int | None = None, **values: Any) -> dict[str, float]:
        """Play one experiment: ``replicates`` worlds with ``values`` set; outcome shares."""
        c = compiled(self.scenario, self.overrides(values))
        seed = self.seed if seed is None else int(seed)
        mc = run_montecarlo(c, self.replicates, seed, block=self.replicates)
        counts = mc.counts()
        return {name: counts[outcome] / mc.runs for name, outcome in self.outcomes.items()}


def _parameter(name: str, spec: Any) -> Any:
    """An EMA parameter from a distribution, a ``(low, high)`` pair or a list of values."""
    from ema_workbench import CategoricalParameter, IntegerParameter, RealParameter

    if is_distribution(spec):
        if isinstance(spec, Choice):
            values = sorted(set(spec.values))
            ints = all(float(v).is_integer() for v in values)
            if ints and values == list(np.arange(values[0], values[-1] + 1)):
                return IntegerParameter(name, int(values[0]), int(values[-1]))
            return CategoricalParameter(name, values)
        lo, hi = spec.bounds
        return RealParameter(name, float(lo), float(hi))
    if isinstance(spec, tuple) and len(spec) == 2:
        lo, hi = spec
        if type(lo) is int and type(hi) is int:
            return IntegerParameter(name, lo, hi)
        return RealParameter(name, float(lo), float(hi))
    if isinstance(spec, list | set | frozenset) and len(spec) > 1:
        return CategoricalParameter(name, list(spec))
    raise ValueError(
        f"{name}: give a (low, high) pair or a list of at least two values, not {spec!r}"
    )


def _ends(param: Any) -> tuple[Any, Any]:
    """The two extreme values of a parameter, to check once that the scenario accepts them."""
    if hasattr(param, "categories"):
        cats = [c.value for c in param.categories]
        return cats[0], cats[-1]
    return param.lower_bound, param.upper_bound


def ema_model(
    scenario_path: str | os.PathLike[str],
    name: str | None = None,
    replicates: int = 200,
    seed: int = 0,
    parameters: Iterable[str] | Mapping[str, Any] | None = None,
    outcomes: Iterable[str] | None = None,
    base_overrides: Mapping[str, Any] | None = None,
) -> ReplicatorModel:
    """An EMA ``ReplicatorModel`` of a scenario, ready for ``perform_experiments``.

    Args:
        scenario_path: the scenario YAML file.
        name: EMA model name (a Python identifier); default: from the scenario's name.
        replicates: worlds played per EMA experiment (one vectorised block); outcomes are shares
            of these, so their Monte Carlo error is about sqrt(p(1-p)/replicates).
        seed: engine seed of every experiment (common random numbers: experiments differ only by
            their parameter values). ``model.replications = [{"seed": s} for s in seeds]`` runs
            each experiment once per seed and reports the mean share.
        parameters: which uncertainties to declare (default: every uncertain parameter of the
            scenario, see ``uncertain_parameters``). Either dotted paths of uncertain parameters, or
            a mapping of dotted path -> ``None`` (range from its distribution), ``(low, high)``
            (``RealParameter``; ``IntegerParameter`` if both are ints) or a list of values
            (``CategoricalParameter``); a mapping may name any number of the scenario, uncertain or
            not. Uncertain parameters left out keep their distribution and are sampled per world.
        outcomes: which outcome shares to report (default: all, including ``other`` if the
            scenario has that implicit catch-all).
        base_overrides: overrides applied to the scenario first, e.g. ``{"turns.limit": 20}``.

    Returns:
        the model; ``model.wargame_paths`` maps EMA uncertainty names to dotted paths and
        ``model.wargame_outcomes`` EMA outcome names to outcome names.
    """
    scenario = load_scenario(scenario_path, base_overrides)
    specs = _specs(scenario_path, scenario, parameters, base_overrides)
    try:  # after the checks of the arguments, which need no EMA
        from ema_workbench import ReplicatorModel, ScalarOutcome
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(INSTALL_HINT) from exc

    paths = _uncertainty_names(specs)
    params = [_parameter(key, specs[path]) for key, path in paths.items()]
    outs = _outcomes(scenario, outcomes)
    # fail now, not in experiment 37, if a path is wrong or a range leaves the field's bounds
    for end in (0, 1):
        values = {paths[p.name]: _plain(_ends(p)[end]) for p in params}
        compiled(scenario, values)

    model = ReplicatorModel(
        ema_name(name or scenario.name),
        function=ScenarioExperiment(scenario, replicates, paths, outs, seed),
    )
    model.uncertainties = params
    model.outcomes = [ScalarOutcome(key, function=_mean) for key in outs]
    model.replications = [{"seed": seed}]
    model.wargame_paths = paths
    model.wargame_outcomes = outs
    return model


def _specs(
    scenario_path: str | os.PathLike[str],
    scenario: Scenario,
    parameters: Iterable[str] | Mapping[str, Any] | None,
    base_overrides: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """The uncertainties to declare, dotted path -> distribution or range, checked against the
    scenario (see ``ema_model``'s ``parameters``)."""
    uncertain = uncertain_parameters(scenario)
    if parameters is None:
        return dict(uncertain)
    chosen = (
        dict(parameters)
        if isinstance(parameters, Mapping)
        else dict.fromkeys([parameters] if isinstance(parameters, str) else parameters)
    )
    # the same resolver as --set and sweep files: a misspelt or out-of-cast path is an error
    wrong = unresolved(scenario_path, chosen, scenario, base_overrides)
    if wrong:
        path, why = next(iter(wrong.items()))
        raise ValueError(f"parameters: {path}: {why}")
    specs: dict[str, Any] = {}
    for path, spec in chosen.items():
        if spec is None:
            if path not in uncertain:
                raise ValueError(
                    f"{path} is not an uncertain parameter of {scenario.name}; "
                    f"give its range as parameters={{{path!r}: (low, high)}}"
                )
            spec = uncertain[path]
        specs[path] = spec
    return specs


def _uncertainty_names(specs: Mapping[str, Any]) -> dict[str, str]:
    """EMA uncertainty name -> dotted path; two paths with one EMA name are an error."""
    paths: dict[str, str] = {}
    for path in specs:
        key = ema_name(path)
        if key in paths:
            raise ValueError(f"{path} and {paths[key]} have the same EMA name {key}")
        paths[key] = path
    return paths


def _outcomes(scenario: Scenario, outcomes: Iterable[str] | None) -> dict[str, str]:
    """EMA outcome name -> outcome name, for the outcomes asked for (default: all)."""
    names = outcome_names(compiled(scenario).scenario)
    wanted = names if outcomes is None else list(outcomes)
    unknown = [o for o in wanted if o not in names]
    if unknown:
        raise ValueError(f"unknown outcome(s) {unknown}; {scenario.name} has {names}")
    outs: dict[str, str] = {}
    for outcome in wanted:
        key = ema_name(outcome)
        if key in outs:
            raise ValueError(f"outcomes {outcome} and {outs[key]} have the same EMA name {key}")
        outs[key] = outcome
    return outs
