"""alliance-wargame: an agent-based crisis simulation of states and alliances in the Indo-Pacific.

The Python API: ``load_scenario`` reads and validates a scenario; ``WargameModel`` is the Mesa model.
"""

from sim.errors import Problem, RunError, ScenarioError, WargameError
from sim.scenario import Scenario, load_scenario, load_scenario_text

__version__ = "0.1.0"

__all__ = [
    "Problem",
    "RunError",
    "Scenario",
    "ScenarioError",
    "WargameError",
    "__version__",
    "load_scenario",
    "load_scenario_text",
]
