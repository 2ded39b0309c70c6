"""Compatibility name: the interval maths moved to ``sim.outputs.stats``, beside the outputs that
use it."""

from sim.outputs.stats import mc_standard_error, wilson

__all__ = ["mc_standard_error", "wilson"]
