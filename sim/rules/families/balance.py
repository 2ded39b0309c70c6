"""Balance of power, stakes and exposure on every dyad: per-world constants of the other rules.

They change only when an inject adjusts an attribute, so they are computed once and recomputed
only then (docs/architecture.md: cached per-dyad constants). Formulas: docs/model.md, 3 and 6.
"""

from __future__ import annotations

from sim.rules.compile import CompiledScenario
from sim.rules.family import RuleFamily
from sim.rules.state import F32, WorldState


def compute_balance(s: WorldState, c: CompiledScenario) -> None:
    """Per-dyad powers, relative power, rivalry threat, strengths, claim value and exposures."""
    src, dst = c.src, c.dst
    # columns by ``take``: ``a[:, idx]`` is column-major, and the kernels read world by world
    s.source_power, s.target_power = s.power.take(src, axis=1), s.power.take(dst, axis=1)
    inverse_pair = (1.0 / (s.source_power + s.target_power + 1e-6)).astype(F32)
    s.relative_power = (s.target_power * inverse_pair).astype(F32)
    s.rivalry_threat = (0.35 * (s.rivalry_intensity + s.holder_stake) * s.relative_power).astype(
        F32
    )
    s.source_strength = (s.source_power * s.resolve.take(src, axis=1)).astype(F32)
    s.target_strength = (s.target_power * s.perceived_resolve).astype(F32)
    s.claim_value = (3.0 * s.resolve.take(src, axis=1) * s.claim_stake).astype(F32)
    s.cost_base = (
        s.rules["cost_scale"][:, None] * (1 - 0.7 * s.risk_tolerance.take(src, axis=1))
    ).astype(F32)
    economic = s.rules["economic_cost"][:, None]
    s.blockade_exposure = (economic * 0.25 * s.sea_lanes.take(src, axis=1)).astype(F32)
    s.sea_lane_threat = (0.35 * s.sea_lanes.take(src, axis=1)).astype(F32)
    s.sanctions_exposure = (economic * s.trade_dependence).astype(F32)


class Balance(RuleFamily):
    """Compute the per-dyad constants at setup and after an inject adjusts an attribute."""

    name = "balance"
    summary = "per-dyad balance of power, stakes and economic exposure (cached constants)"
    state_fields = (
        "source_power",
        "target_power",
        "relative_power",
        "rivalry_threat",
        "source_strength",
        "target_strength",
        "claim_value",
        "cost_base",
        "blockade_exposure",
        "sanctions_exposure",
        "sea_lane_threat",
    )

    def setup(self, s: WorldState, c: CompiledScenario) -> None:
        """Compute the constants once the attributes are known."""
        compute_balance(s, c)

    def update(self, s: WorldState, c: CompiledScenario) -> None:
        """Recompute after an inject adjusted an attribute."""
        if s.attributes_changed:
            s.attributes_changed = False
            compute_balance(s, c)


FAMILY = Balance()
