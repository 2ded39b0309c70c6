"""The facilitator's what-if sliders (sim/serve/panels.py): what counts as a change."""

from __future__ import annotations

import pytest

pytest.importorskip("solara")

from sim.serve.panels import SLIDER_STEP, moved


def test_a_slider_snapping_a_calibrated_value_to_its_step_is_not_a_change() -> None:
    # the calibrated cost_scale 2.07028 shows as 2.05 on a 0.05 slider: not what anyone asked
    assert not moved(2.05, 2.07028)
    assert not moved(0.4, 0.406588)
    # a move of one step is a change, in either direction
    assert moved(2.07028 + SLIDER_STEP, 2.07028)
    assert moved(2.0, 2.07028)
