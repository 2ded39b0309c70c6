"""Committed power: each link's power summed into its protected actor, in link order, in float32
(no matrix product: its BLAS summed in an order of its own)."""

from __future__ import annotations

import numpy as np

from sim.model import WargameModel
from sim.rules.compile import SUPPORT_WEIGHT
from sim.rules.families.coalition import committed
from sim.rules.state import F32


def test_committed_power_sums_each_link_into_its_protected_actor_in_link_order() -> None:
    model = WargameModel("scenarios/taiwan_contingency.yaml", R=64, rng=3)
    for _ in range(6):  # some links triggered, support given
        model.step()
    s, c = model.state, model.compiled
    assert s.triggered.any()
    committed(s, c)
    given = np.where(
        s.triggered, SUPPORT_WEIGHT[s.support], s.credibility * SUPPORT_WEIGHT[c.link_support]
    ).astype(F32)
    each = (given * (s.power[:, c.link_g] * s.basing_factor)).astype(F32)
    expected = np.zeros((s.worlds, c.n_actors), dtype=F32)
    for k in range(len(c.link_g)):
        expected[:, c.link_p[k]] += each[:, k]
    assert s.committed_power.dtype == F32
    assert np.array_equal(s.committed_power.view(np.uint32), expected.view(np.uint32))
    assert (s.committed_power[:, np.setdiff1d(np.arange(c.n_actors), c.link_p)] == 0).all()
