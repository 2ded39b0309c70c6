"""Experimental designs of a sweep (sim.sweeps.design.make_design).

grid: the full factorial, ``levels`` values per range times the number of listed values; lhs, sobol and
random: ``points`` points inside the bounds; saltelli: N*(D+2) points (first-order and total indices
only). The same seed gives the same design, and the design does not depend on anything but the
parameters, the design settings and the seed.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from sim.sweeps.design import make_design, saltelli_problem
from sim.sweeps.spec import SweepSpec

PARAMS = {
    "relations.us_japan.credibility": {"low": 0.1, "high": 0.9},
    "actors.China.resolve": {"low": -1.0, "high": 3.0},
    "actors.Japan.doctrine.collective_self_defence": {
        "values": ["treaty", "three_new_conditions", "none"]
    },
}
RANGES = {k: v for k, v in PARAMS.items() if "low" in v}
LISTS = {k: v["values"] for k, v in PARAMS.items() if "values" in v}


def spec(**fields: object) -> SweepSpec:
    data = {"scenario": "unused.yaml", "parameters": PARAMS, "seed": 4, **fields}
    return SweepSpec.model_validate(data)


def design(**fields: object) -> pd.DataFrame:
    with warnings.catch_warnings():  # scipy/SALib warn when n is not a power of two
        warnings.simplefilter("ignore", UserWarning)
        return make_design(spec(**fields))


def check_table(d: pd.DataFrame, n: int) -> None:
    assert list(d.columns) == ["point", *PARAMS]
    assert len(d) == n
    assert d["point"].tolist() == list(range(n))
    assert d["point"].dtype == np.int64
    for name, r in RANGES.items():
        assert d[name].between(r["low"], r["high"]).all(), name
    for name, values in LISTS.items():
        assert set(d[name]) <= set(values), name


# --- grid -----------------------------------------------------------------------------------


@pytest.mark.parametrize("levels", [2, 3, 5])
def test_grid_is_the_full_factorial(levels: int) -> None:
    d = design(design="grid", levels=levels, points=7)  # points does not apply to a grid
    n = levels ** len(RANGES) * math.prod(len(v) for v in LISTS.values())
    check_table(d, n)
    for name, r in RANGES.items():
        assert sorted(set(d[name])) == pytest.approx(list(np.linspace(r["low"], r["high"], levels)))
    for name, values in LISTS.items():
        assert set(d[name]) == set(values)
    combos = d[list(PARAMS)].apply(tuple, axis=1)
    assert combos.is_unique  # every combination exactly once


def test_grid_of_whole_numbers_and_values_only() -> None:
    s = SweepSpec.model_validate(
        {
            "scenario": "unused.yaml",
            "parameters": {
                "turns.limit": {"low": 4, "high": 12, "integer": True},
                "actors.China.resolve": {"values": [0.2, 0.8]},
            },
            "design": "grid",
            "levels": 5,
        }
    )
    d = make_design(s)
    assert len(d) == 5 * 2
    assert sorted(set(d["turns.limit"])) == [4, 6, 8, 10, 12]
    assert all(isinstance(v, (int, np.integer)) for v in d["turns.limit"])


# --- sampled designs ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["random", "lhs", "sobol"])
@pytest.mark.parametrize("n", [1, 16, 37])
def test_sampled_designs_have_points_inside_the_bounds(kind: str, n: int) -> None:
    d = design(design=kind, points=n, levels=9)  # levels applies to grids only
    check_table(d, n)


@pytest.mark.parametrize("kind", ["random", "lhs", "sobol"])
def test_sampled_designs_reach_every_listed_value(kind: str) -> None:
    d = design(design=kind, points=64)
    for name, values in LISTS.items():
        assert set(d[name]) == set(values)


def test_lhs_puts_one_point_in_each_stratum() -> None:
    n = 20
    d = design(design="lhs", points=n)
    for name, r in RANGES.items():
        u = (d[name].to_numpy() - r["low"]) / (r["high"] - r["low"])
        strata = np.minimum((u * n).astype(int), n - 1)
        assert sorted(strata) == list(range(n)), name


def test_saltelli_has_n_times_d_plus_2_points() -> None:
    pytest.importorskip("SALib")
    for n in (8, 32):
        d = design(design="saltelli", points=n)
        check_table(d, n * (len(PARAMS) + 2))
    problem = saltelli_problem(spec(design="saltelli"))
    assert problem["num_vars"] == len(PARAMS)
    assert problem["names"] == list(PARAMS)
    assert problem["bounds"][2] == [0.0, 3.0]  # a list of values is sampled by index


def test_saltelli_rows_follow_the_scheme() -> None:
    """Each block of D+2 rows is A, then A with column j from B (j = 1..D), then B."""
    pytest.importorskip("SALib")
    n, k = 16, len(PARAMS)
    d = design(design="saltelli", points=n)
    x = d[list(PARAMS)].to_numpy(dtype=object)
    for block in range(n):
        rows = x[block * (k + 2) : (block + 1) * (k + 2)]
        a, b = rows[0], rows[-1]
        for j in range(k):
            expected = a.copy()
            expected[j] = b[j]
            assert list(rows[1 + j]) == list(expected)


# --- reproducibility ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["grid", "random", "lhs", "sobol", "saltelli"])
def test_same_seed_same_design(kind: str) -> None:
    if kind == "saltelli":
        pytest.importorskip("SALib")
    first = design(design=kind, points=16, levels=3)
    pd.testing.assert_frame_equal(first, design(design=kind, points=16, levels=3))
    # replicates, batch, outcomes and title are not part of the design
    other = design(
        design=kind,
        points=16,
        levels=3,
        replicates=7,
        batch=3,
        outcomes=["x"],
        title="t",
        set=["turns.limit=5"],
    )
    pd.testing.assert_frame_equal(first, other)


@pytest.mark.parametrize("kind", ["random", "lhs", "sobol", "saltelli"])
def test_another_seed_another_design(kind: str) -> None:
    if kind == "saltelli":
        pytest.importorskip("SALib")
    a = design(design=kind, points=16, seed=1)
    b = design(design=kind, points=16, seed=2)
    assert not a[list(RANGES)].equals(b[list(RANGES)])


def test_designs_differ_between_kinds() -> None:
    lhs = design(design="lhs", points=16)
    sobol = design(design="sobol", points=16)
    rnd = design(design="random", points=16)
    assert not lhs.equals(sobol)
    assert not lhs.equals(rnd)
    assert not sobol.equals(rnd)
