"""Values kept beside the array (or scenario) they derive from, rebuilt for a new one."""

from __future__ import annotations

import gc
import weakref

import numpy as np

from sim.rules.cache import per_array, per_arrays


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


def test_a_table_of_several_arrays_is_built_once_while_all_live_and_rebuilt_for_any_new_one() -> (
    None
):
    built: list[int] = []

    @per_arrays
    def table(scale: float, *values: np.ndarray) -> np.ndarray:
        built.append(1)
        return np.stack([v * scale for v in values], axis=1)

    a, b = np.ones(3), np.full(3, 2.0)
    first = table(2.0, a, b)
    assert table(2.0, a, b) is first and len(built) == 1
    assert (first == [[2.0, 4.0]] * 3).all()
    assert table(3.0, a, b)[0, 1] == 6.0 and len(built) == 2  # another scale
    assert table(2.0, b, a)[0, 0] == 4.0 and len(built) == 3  # the arrays in another order
    b = np.full(3, 5.0)  # one of them replaced (a block's drop gathers new arrays)
    gc.collect()
    assert table(2.0, a, b)[0, 1] == 10.0 and len(built) == 4


def test_a_table_is_forgotten_as_soon_as_one_of_its_arrays_is_freed() -> None:
    """A hit is a lookup by the arrays' ids: freeing one of them must drop the table at once,
    since a new array may take its id (CPython reuses the memory)."""
    built: list[int] = []

    @per_arrays
    def table(*values: np.ndarray) -> np.ndarray:
        built.append(1)
        return np.stack(values)

    a, b = np.ones(4), np.full(4, 2.0)
    value = weakref.ref(table(a, b))
    assert value() is not None and table(a, b) is value()  # held while both live
    del b  # freed here (no other reference): its weak reference's callback drops the entry
    assert value() is None
    for k in range(20):  # new arrays, some at a freed array's address: never a stale table
        b = np.full(4, float(k))
        assert (table(a, b)[1] == k).all()
        del b
    assert len(built) == 21


def test_rule_tables_stacked_once_per_block_give_the_results_of_stacking_every_turn() -> None:
    """The support weights, settlement rates and horizontal hazards are stacked once per block
    and drop: a block that drops its ended worlds (new rule arrays, new tables) plays as the same
    block played whole, turn by turn."""
    from helpers import ROOT

    from sim.model import WargameModel
    from sim.rules.pipeline import compiled

    c = compiled(ROOT / "scenarios" / "taiwan_contingency.yaml")
    dropped = WargameModel(c, R=200, rng=5, collect=False)
    dropped.run()
    whole = WargameModel(c, R=200, rng=5, collect=False)
    while whole.running:
        whole.step()  # never drops: every turn reads the tables of the first
    for name, column in dropped.results().items():
        assert np.array_equal(column, whole.results()[name]), name


def test_a_value_kept_by_the_kernel_that_made_the_array_is_served_without_a_build() -> None:
    built: list[int] = []

    @per_array
    def total(a: np.ndarray, c: object) -> float:
        built.append(1)
        return float(a.sum())

    a, c = np.ones(3), object()
    total.keep(a, c, 3.0)  # type: ignore[attr-defined]
    assert total(a, c) == 3.0 and not built
    assert total(a, object()) == 3.0 and len(built) == 1  # kept for that scenario only


def test_the_threat_kernel_keeps_each_actors_highest_threat_as_the_segments_take_it() -> None:
    """The threat kernel takes each actor's highest threat in the pass that smooths it; readers
    get the same bits as the grouped maximum over the actor's dyads."""
    from sim.model import WargameModel
    from sim.rules.families.threat import max_threat

    for path in ("scenarios/taiwan_contingency.yaml", "scenarios/kuril_incident.yaml"):
        model = WargameModel(path, R=40, rng=2)
        for _ in range(5):
            model.step()
            s, c = model.state, model.compiled
            expected = c.dyads_by_actor.max(s.threat)
            got = max_threat(s, c)
            assert got.dtype == expected.dtype
            assert np.array_equal(got.view(np.uint32), expected.view(np.uint32))
