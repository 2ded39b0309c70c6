"""The pipeline's front door: a scenario file (or ``Scenario``) plus overrides, loaded, validated and
compiled into the arrays the rules read. Beside the compiler; ``sim.model.compiled`` re-exports it."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from sim.rules.compile import CompiledScenario, compile_scenario
from sim.scenario import Scenario, load_scenario

_CACHE: dict[tuple, CompiledScenario] = {}


def compiled(
    scenario: str | os.PathLike[str] | Scenario | CompiledScenario,
    overrides: Mapping[str, Any] | Iterable[str] | None = None,
) -> CompiledScenario:
    """Compile a scenario given as a path, a ``Scenario`` or already compiled.

    Scenarios read from a file are cached by path, modification time and overrides, so that
    ``mesa.batch_run`` building one model per replicate does not re-read the YAML every time.
    """
    if isinstance(scenario, CompiledScenario):
        if overrides:
            raise ValueError(
                "pass overrides with the scenario path or Scenario, not a compiled scenario"
            )
        return scenario
    if isinstance(scenario, Scenario):
        if overrides:
            from sim.scenario.loader import validate_data
            from sim.scenario.yamlsource import Located

            data = scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
            scenario = validate_data(Located(data), scenario.name, overrides)
        return compile_scenario(scenario)
    path = Path(scenario)
    items = list(overrides.items()) if isinstance(overrides, Mapping) else list(overrides or ())
    key = (str(path.resolve()), path.stat().st_mtime if path.exists() else 0.0, repr(items))
    if key not in _CACHE:
        if len(_CACHE) > 32:
            _CACHE.clear()
        _CACHE[key] = compile_scenario(load_scenario(path, overrides))
    return _CACHE[key]
