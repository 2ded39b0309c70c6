"""Grouped reductions and the spread of per-actor columns to dyads give numpy's own numbers."""

from __future__ import annotations

import numpy as np

from sim.rules.segments import Segments, columns


def test_columns_are_numpys_take_along_the_actors() -> None:
    rng = np.random.default_rng(5)
    values = rng.standard_normal((37, 9)).astype(np.float32)
    values[3, 4] = np.nan
    cols = rng.integers(0, 9, 70)
    out = columns(values, cols)
    assert out.dtype == np.float32 and out.shape == (37, 70)
    np.testing.assert_array_equal(out, values.take(cols, axis=1))  # NaN where it was


def test_segment_maxima_are_reduceat_with_the_fill_for_empty_groups() -> None:
    rng = np.random.default_rng(6)
    groups = np.sort(rng.choice([0, 1, 3, 4], 20))  # group 2 has no column
    values = rng.standard_normal((11, 20)).astype(np.float32)
    out = Segments(groups, 5).max(values, fill=-7)
    for g in range(5):
        cols = np.flatnonzero(groups == g)
        want = values[:, cols].max(axis=1) if cols.size else np.full(11, -7, np.float32)
        np.testing.assert_array_equal(out[:, g], want)


def test_each_actors_highest_threat_is_taken_once_per_threat_array() -> None:
    from helpers import ROOT

    from sim.model import WargameModel
    from sim.rules.families.threat import max_threat

    m = WargameModel(ROOT / "scenarios" / "senkaku_grey_zone.yaml", R=50, rng=2, explain=False)
    m.step()
    s, c = m.state, m.compiled
    first = max_threat(s, c)
    assert max_threat(s, c) is first  # the same turn's readers share it
    np.testing.assert_array_equal(first, c.dyads_by_actor.max(s.threat))
    m.step()  # a new turn's threat is a new array: its own maximum
    np.testing.assert_array_equal(max_threat(s, c), c.dyads_by_actor.max(s.threat))
    assert not np.array_equal(max_threat(s, c), first)


def test_raising_to_the_group_maxima_touches_only_the_groups_with_columns() -> None:
    rng = np.random.default_rng(7)
    groups = np.array([1, 1, 4, 6, 6, 6])
    seg = Segments(groups, 8)
    values = rng.standard_normal((9, 6)).astype(np.float32)
    out = np.abs(rng.standard_normal((9, 8))).astype(np.float32)  # not negative, as a pressure
    want = np.maximum(out, seg.max(values))
    seg.raise_to_max(out, values)
    np.testing.assert_array_equal(out, want)
