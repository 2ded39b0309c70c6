"""The scenario language: schema (pydantic models), safe YAML loading, includes and overrides."""

from sim.scenario.loader import load_scenario, load_scenario_text
from sim.scenario.schema import Scenario

__all__ = ["Scenario", "load_scenario", "load_scenario_text"]
