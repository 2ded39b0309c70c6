"""alliance-wargame: an agent-based crisis simulation of states and alliances in the Indo-Pacific.

Python API: ``load_scenario`` validates a scenario, ``run`` runs it to a run folder, ``load_run`` reads
one back; ``sim.model.WargameModel`` is the Mesa model.
"""

import os

# numba's OpenMP threads (the choice kernel's ``prange``) sleep between kernels rather than spin:
# spinning, they slowed a block played in the caller's thread on two cores from 2,800 to 2,000
# replicates/s (docs/performance.md, ninth round). Read once, when numba first starts its threads;
# a value the user set is kept.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import importlib
from typing import TYPE_CHECKING, Any

from sim.errors import Problem, RunError, ScenarioError, WargameError

if TYPE_CHECKING:
    from sim.api import RunResult, load_run, run, sweep
    from sim.scenario import Scenario, load_scenario, load_scenario_text

_LAZY = {
    "RunResult": "sim.api",
    "load_run": "sim.api",
    "run": "sim.api",
    "sweep": "sim.api",
    "Scenario": "sim.scenario",
    "load_scenario": "sim.scenario",
    "load_scenario_text": "sim.scenario",
}
"""The API's names that live in heavier modules, imported on first use (PEP 562): ``import sim``
stays light (no pydantic schema, no run folders), so ``wargame run`` starts its worker pool about
0.3 s sooner and each spawned worker, which imports ``sim`` before anything else, starts sooner."""

__version__ = "0.1.0"

__all__ = [
    "Problem",
    "RunError",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "WargameError",
    "__version__",
    "load_run",
    "load_scenario",
    "load_scenario_text",
    "run",
    "sweep",
]


def __getattr__(name: str) -> Any:
    """A name of :data:`_LAZY`, imported now and kept (later lookups do not come here)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
