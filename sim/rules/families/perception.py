"""Perception and misperception (fog of war): noisy observation of rungs and of rival resolve.

docs/model.md section 2. One observation of each dyad per turn serves every observer; rival resolve
is seen once per world with noise.
"""

from __future__ import annotations

import numba
import numpy as np

from sim.rules import streams
from sim.rules.compile import CompiledScenario
from sim.rules.family import RuleFamily
from sim.rules.state import F32, WorldState
from sim.scenario.rule_parameters import declared


@numba.njit(cache=True, nogil=True)
def _observe(rung, noise_sd, top, key, turn, world, alive, out):  # fmt: skip
    """World by world: observed rung = rung + sd x a standard normal (float32, one draw per dyad
    and turn from the world's own stream, as ``streams.normals`` draws them), kept on the ladder
    [0, top]: every reader takes only that part (threat's observed moves, utility's pressure, a
    team's view). A quiet dyad (rung 0) whose draw is surely negative is seen at 0 without the
    draw's logarithm and cosine: about half of them, and most dyads are quiet. A world that has
    ended (not ``alive``) observes nothing: 0 everywhere."""
    ftop = np.float32(top)
    zero = np.float32(0.0)
    for r in range(rung.shape[0]):
        if not alive[r]:
            out[r, :] = zero
            continue
        pre = streams.prefix(key[r], streams.OBSERVE, world[r], turn)
        sd = noise_sd[r]
        for d in range(rung.shape[1]):
            if rung[r, d] == 0 and sd >= 0 and streams.normal_negative(pre, d):
                out[r, d] = zero
                continue
            z = np.float32(streams.normal(pre, d))
            seen = np.float32(rung[r, d]) + sd * z
            out[r, d] = min(max(seen, zero), ftop)


class Perception(RuleFamily):
    """Observed rungs = true rung + noise, on the ladder; perceived resolve = resolve + noise (fixed
    per world)."""

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
        s.perceived_rung = np.empty(s.rung.shape, F32)
        _observe(
            s.rung, s.rules["observation_noise"], c.top, s.key, s.turn, s.world, s.alive,
            s.perceived_rung,
        )  # fmt: skip


FAMILY = Perception()
