"""Perception and misperception (fog of war): noisy observation of rungs and of rival resolve.

docs/model.md section 2. One observation of each dyad per turn serves every observer; rival resolve
is seen once per world with noise.
"""

from __future__ import annotations

import numpy as np

from sim.rules import streams
from sim.rules.compile import CompiledScenario
from sim.rules.family import RuleFamily
from sim.rules.state import F32, WorldState
from sim.scenario.rule_parameters import declared


class Perception(RuleFamily):
    """Observed rungs = true rung + noise; perceived resolve = resolve + noise (fixed per world)."""

    name = "perception"
    summary = "noisy observation of rivals' rungs (per turn) and resolve (per world)"
    parameters = declared(name)
    state_fields = ("perceived_resolve", "perceived_rung")

    def setup(self, s: WorldState, c: CompiledScenario) -> None:
        """Each world sees every rival's resolve once, with noise."""
        noise = streams.normals(s.key, streams.RESOLVE, 0, s.world, len(c.src))
        s.perceived_resolve = np.clip(
            s.resolve[:, c.dst] + s.rules["resolve_noise"][:, None] * noise, 0, 1
        ).astype(F32)
        s.perceived_rung = s.rung.astype(F32)

    def update(self, s: WorldState, c: CompiledScenario) -> None:
        """Observe every dyad once per turn (after the turn's injects)."""
        if s.observed_turn == s.turn:
            return
        s.observed_turn = s.turn
        noise = streams.normals(s.key, streams.OBSERVE, s.turn, s.world, len(c.src))
        s.perceived_rung = s.rung.astype(F32) + s.rules["observation_noise"][:, None] * noise


FAMILY = Perception()
