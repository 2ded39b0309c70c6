"""Interval maths checked against known values."""

from __future__ import annotations

import pytest

from sim.outputs.stats import mc_standard_error, wilson


@pytest.mark.parametrize(
    ("count", "n", "lo", "hi"),
    [
        # Wilson (1927) 95% intervals; reference values from Newcombe (1998), Table I, method 3.
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_interval_matches_published_values(count: int, n: int, lo: float, hi: float) -> None:
    got = wilson(count, n)
    assert got[0] == pytest.approx(lo, abs=6e-4)
    assert got[1] == pytest.approx(hi, abs=6e-4)


def test_wilson_is_symmetric_and_bounded() -> None:
    lo, hi = wilson(30, 100)
    lo2, hi2 = wilson(70, 100)
    assert lo == pytest.approx(1 - hi2) and hi == pytest.approx(1 - lo2)
    assert wilson(100, 100)[1] == 1.0 and wilson(0, 100)[0] == 0.0


def test_standard_error() -> None:
    assert mc_standard_error(50, 100) == pytest.approx(0.05)
    assert mc_standard_error(0, 0) == 0.0
