"""Coalition: the power committed behind each actor (deterrence) and the power aligned with it
(the security dilemma). docs/model.md sections 3 and 6 ("Deterrence").
"""

from __future__ import annotations

import numba
import numpy as np

from sim.rules.compile import SUPPORT_WEIGHT, CompiledScenario
from sim.rules.family import RuleFamily
from sim.rules.state import F32, WorldState


def compute_coalition(s: WorldState, c: CompiledScenario) -> None:
    """Committed power (:func:`committed`) and aligned power: the power of the actors aligned
    with each one by the scenario's structure. The aligned power depends only on the worlds'
    power, drawn when they are created and never written after, so it is computed once (setup)."""
    committed(s, c)
    # sum over k of W[j, k] power_k
    s.aligned_power = (s.power @ c.coalition_static.T.astype(F32)).astype(F32)


def committed(s: WorldState, c: CompiledScenario) -> None:
    """Committed power: before a trigger, credibility x promised support; after, support given."""
    s.committed_power = np.zeros((s.worlds, c.n_actors), dtype=F32)
    if len(c.link_g):
        _committed(
            s.power, c.link_g, c.link_p, s.basing_factor, s.credibility,
            SUPPORT_WEIGHT[c.link_support], s.support, s.triggered, SUPPORT_WEIGHT,
            s.committed_power,
        )  # fmt: skip


@numba.njit(cache=True, nogil=True)
def _committed(
    power, link_g, link_p, basing, credibility, promised, support, triggered, weight, out
):  # fmt: skip
    """World by world, each link's committed power added to its protected actor's ``out``, in
    float32 and in link order: the support given once triggered, else the guarantor's
    credibility x the support promised; times its power x its basing factor.

    The sum was a float32 matrix product by a one-hot (link, protected) matrix: a BLAS call every
    turn, summing in the library's order, which changes with the library, the processor and its
    thread count (``sim.rules.blas`` holds it to one while worlds play; a model played outside
    that, a profiling script's, left OpenBLAS's threads spinning). The sums in link order
    differed from it in the last bit in 3% of a 2,000-world block's; no outcome of the shipped
    scenarios (20,000 worlds each), the deck's backtest or the shipped sweep changed."""
    for r in range(out.shape[0]):
        for k in range(link_g.shape[0]):
            given = weight[support[r, k]] if triggered[r, k] else credibility[r, k] * promised[k]
            w = np.float32(given * (power[r, link_g[k]] * basing[r, k]))  # as stored before
            out[r, link_p[k]] += w


class Coalition(RuleFamily):
    """Committed power, recomputed every turn (and at setup, for turn 1's threat), and aligned
    power, computed at setup."""

    name = "coalition"
    summary = (
        "power committed behind each actor (deterrence) and aligned with it (security dilemma)"
    )
    state_fields = ("committed_power", "aligned_power")

    def setup(self, s: WorldState, c: CompiledScenario) -> None:
        """So that the first turn's threat sees the committed coalition."""
        compute_coalition(s, c)

    def update(self, s: WorldState, c: CompiledScenario) -> None:
        """Recompute the committed power from this turn's support levels."""
        committed(s, c)


FAMILY = Coalition()
