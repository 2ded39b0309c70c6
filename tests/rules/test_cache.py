"""Values kept beside the array (or scenario) they derive from, rebuilt for a new one."""

from __future__ import annotations

import gc

import numpy as np

from sim.rules.cache import per_array


def test_a_value_is_built_once_per_array_and_scenario_and_dropped_with_the_array() -> None:
    built: list[int] = []

    @per_array
    def total(a: np.ndarray, c: object) -> float:
        built.append(1)
        return float(a.sum())

    a, b, c1, c2 = np.ones(3), np.full(3, 2.0), object(), object()
    assert total(a, c1) == 3 and total(a, c1) == 3 and len(built) == 1
    assert total(b, c1) == 6 and len(built) == 2  # another array
    assert total(a, c2) == 3 and len(built) == 3  # another scenario
    del a
    gc.collect()
    fresh = np.zeros(3)  # may reuse the dead array's id: its value is not served
    assert total(fresh, c1) == 0 and len(built) == 4
