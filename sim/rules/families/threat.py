"""Threat perception and the security dilemma (docs/model.md section 3)."""

from __future__ import annotations

import numba
import numpy as np

from sim.rules.cache import per_array, per_arrays
from sim.rules.compile import CompiledScenario
from sim.rules.family import RuleFamily
from sim.rules.segments import row_max
from sim.rules.state import F32, WorldState
from sim.scenario.rule_parameters import declared


def update_threat(s: WorldState, c: CompiledScenario) -> None:
    """Threat of dst to src: rivalry and stakes scaled by dst's relative power, observed hostile
    moves, and the security dilemma (power aligned with dst). Smoothed by ``threat_memory``.

    The sum is one compiled loop (``_raw``, float32 as the numpy expressions it replaced, negated
    as it is written); the saturation's float32 ``exp`` stays numpy's (vectorised: a fifteenth of
    libm's time, and numba's may differ in the last bit); ``1 - exp`` and the smoothing are a
    second loop (``_smooth``: float32 steps in numpy's order, so the same bits)."""
    theta = np.empty(s.rung.shape, F32)
    _raw(
        s.perceived_rung, s.rung, c.src, c.dst, c.reverse, c.top, F32(1 / c.top),
        s.aligned_power, s.rules["security_dilemma"], s.source_power, s.sea_lane_threat,
        c.flag_blockade, s.rivalry_threat, s.relative_power, s.alive, theta,
    )  # fmt: skip
    np.exp(theta, out=theta)  # in place: exp(-raw)
    first = s.threat is None
    kept = theta if first else np.empty_like(theta)
    highest = np.empty((s.worlds, c.n_actors), F32)
    _smooth(
        theta, theta if first else s.threat, s.rules["threat_memory"], first, kept,
        c.dyads_by_actor.offsets, highest,
    )  # fmt: skip
    s.threat = kept
    _highest.keep(kept, c, highest)  # each actor's highest threat, taken in the same pass


@numba.njit(cache=True, nogil=True)
def _smooth(
    e: np.ndarray, before: np.ndarray, memory: np.ndarray, first: bool, out: np.ndarray,
    offsets: np.ndarray, highest: np.ndarray,
) -> None:  # fmt: skip
    """World by world, the saturating threat theta = 1 - ``e`` (in [0, 1)) smoothed by the
    world's ``memory``: memory x ``before`` + (1 - memory) x theta, or theta alone on the first
    turn (``first``: ``before`` unread; ``out`` may be ``e``). float32 throughout, each product and
    sum rounded as numpy's (R, P) expressions rounded them. ``highest`` (R, N): each actor's
    highest threat over its dyads (``offsets[i]:offsets[i + 1]``, sorted by source; 0 without
    one), as :func:`max_threat` takes it (``segments.row_max``, as ``Segments.max`` does)."""
    one = np.float32(1.0)
    for r in range(e.shape[0]):
        m = memory[r]
        rest = one - m
        for d in range(e.shape[1]):
            theta = one - e[r, d]
            out[r, d] = theta if first else before[r, d] * m + theta * rest
        for i in range(highest.shape[1]):
            if offsets[i] == offsets[i + 1]:
                highest[r, i] = np.float32(0.0)
                continue
            highest[r, i] = row_max(out, r, offsets[i], offsets[i + 1])


_ZERO, _HALF, _TINY = F32(0.0), F32(0.5), F32(1e-6)


@numba.njit(cache=True, nogil=True)
def _raw(
    perceived, rung, src, dst, reverse, top, inv_top, aligned, dilemma, source_power, sea_lanes,
    flag_blockade, rivalry, relative, alive, out,
):  # fmt: skip
    """World by world, -max(0, theta) of every dyad (negated for the ``exp`` that follows):
    rivalry + observed moves x (0.5 + the rival's relative power) + the security dilemma (power
    aligned with the rival, against mine) + sea lanes (a rival that blockades anyone threatens
    the lanes an exposed actor lives on, seed 000:14). A world that has ended (not ``alive``)
    feels none: 0 (its threat then decays by its memory, unread)."""
    R, P = rung.shape
    ftop = np.float32(top)
    blockading = np.zeros(aligned.shape[1], np.float32)  # per actor
    for r in range(R):
        if not alive[r]:
            out[r, :] = _ZERO  # -max(0, theta) of no threat (exp gives 1, theta 0)
            continue
        blockading[:] = _ZERO
        for d in range(P):
            f = flag_blockade[rung[r, d]]
            if f > blockading[src[d]]:
                blockading[src[d]] = f
        for d in range(P):
            moves = min(max(perceived[r, reverse[d]], _ZERO), ftop) * inv_top
            al = aligned[r, dst[d]]
            dil = dilemma[r] * al / (al + source_power[r, d] + _TINY)
            lanes = sea_lanes[r, d] * blockading[dst[d]]
            theta = rivalry[r, d] + moves * (_HALF + relative[r, d]) + dil + lanes
            out[r, d] = -max(theta, _ZERO)


def max_threat(s: WorldState, c: CompiledScenario) -> np.ndarray:
    """Each actor's highest perceived threat (R, N), used by domestic opinion (the utility's and
    the alliance decisions' of the same turn): taken once per turn's threat array (no rule writes
    into one; each turn's is new), not at every reader."""
    if s.threat is None:
        return np.zeros((s.worlds, c.n_actors), dtype=F32)
    return _highest(s.threat, c)


@per_array
def _highest(threat: np.ndarray, c: CompiledScenario) -> np.ndarray:
    """:func:`max_threat` of the array ``threat``."""
    return c.dyads_by_actor.max(threat)


def opinion_relief(s: WorldState, c: CompiledScenario) -> np.ndarray:
    """(R, N) exp(-relaxation x each actor's highest threat): how far the strongest threat it
    feels relaxes its public's reluctance (the utility's domestic weight, the alliance decisions'
    public term), once per turn's threat array rather than by each reader."""
    return _relief(s.opinion_relaxation, max_threat(s, c))


@per_arrays
def _relief(relaxation: np.ndarray, highest: np.ndarray) -> np.ndarray:
    """:func:`opinion_relief` (float32, numpy's ``exp``)."""
    return np.exp(-relaxation * highest)


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
