"""Threat perception and the security dilemma (docs/model.md section 3)."""

from __future__ import annotations

import numpy as np

from sim.rules.compile import CompiledScenario
from sim.rules.family import RuleFamily
from sim.rules.state import F32, WorldState
from sim.scenario.rule_parameters import declared


def update_threat(s: WorldState, c: CompiledScenario) -> None:
    """Threat of dst to src: rivalry and stakes scaled by dst's relative power, observed hostile
    moves, and the security dilemma (power aligned with dst). Smoothed by ``threat_memory``."""
    moves = np.clip(s.perceived_rung[:, c.reverse], 0, c.top) * F32(1 / c.top)
    aligned = s.aligned_power[:, c.dst]
    dilemma = s.rules["security_dilemma"][:, None] * aligned / (aligned + s.source_power + 1e-6)
    # a rival that blockades anyone threatens the sea lanes an exposed actor lives on (seed 000:14)
    blockading = c.dyads_by_actor.max(c.flag_blockade[s.rung])[:, c.dst]
    lanes = s.sea_lane_threat * blockading
    theta = s.rivalry_threat + moves * (0.5 + s.relative_power) + dilemma + lanes
    theta = (1.0 - np.exp(-np.maximum(theta, 0.0))).astype(F32)  # saturating: in [0, 1)
    memory = s.rules["threat_memory"][:, None]
    s.threat = theta if s.threat is None else (memory * s.threat + (1 - memory) * theta).astype(F32)


def max_threat(s: WorldState, c: CompiledScenario) -> np.ndarray:
    """Each actor's highest perceived threat (R, N), used by domestic opinion."""
    if s.threat is None:
        return np.zeros((s.worlds, c.n_actors), dtype=F32)
    return c.dyads_by_actor.max(s.threat)


class Threat(RuleFamily):
    """Smoothed, saturating threat perception on every dyad, once per turn."""

    name = "threat"
    summary = "threat perception: rivalry, observed moves, security dilemma, sea lanes"
    parameters = declared(name)
    state_fields = ("threat",)

    def update(self, s: WorldState, c: CompiledScenario) -> None:
        """Update the smoothed threat (runs again after a forced inject, as it always has)."""
        update_threat(s, c)


FAMILY = Threat()
