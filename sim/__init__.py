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
