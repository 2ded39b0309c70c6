"""alliance-wargame: an agent-based crisis simulation of states and alliances in the Indo-Pacific.

Python API: ``load_scenario`` validates a scenario, ``run`` runs it to a run folder, ``load_run`` reads
one back; ``sim.model.WargameModel`` is the Mesa model.
"""

from sim.api import RunResult, load_run, run, sweep
from sim.errors import Problem, RunError, ScenarioError, WargameError
from sim.scenario import Scenario, load_scenario, load_scenario_text

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
