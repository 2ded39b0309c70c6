"""Sensitivity analysis of a sweep: Sobol indices (Saltelli design) and Spearman rank correlations.

Synthetic cases with a known answer (a function of x1 only; the Ishigami function, whose indices are
known in closed form), then the engine: in tests/fixtures/sweeps/alliance.yaml US credibility deters
China, while India belongs to no relation, so its resolve cannot change anything (checked directly);
``analyse`` must rank credibility first.
"""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import ROOT

from sim.model import WargameModel, compiled
from sim.sweeps.analyse import analyse, rank_correlations, sensitivity, sobol_indices
from sim.sweeps.design import make_design
from sim.sweeps.run import execute_sweep, start_sweep
from sim.sweeps.spec import SweepSpec

FIXTURES = ROOT / "tests" / "fixtures" / "sweeps"
ALLIANCE = FIXTURES / "alliance.yaml"
CRED, INDIA = "relations.us_japan.credibility", "actors.India.resolve"


def saltelli(params: dict, n: int, seed: int = 5) -> tuple[SweepSpec, pd.DataFrame]:
    pytest.importorskip("SALib")
    spec = SweepSpec.model_validate(
        {"scenario": "unused.yaml", "parameters": params, "design": "saltelli", "points": n}
        | {"seed": seed}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return spec, make_design(spec)


# --- synthetic: Sobol indices ----------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 5])
def test_sobol_finds_the_only_parameter_that_matters(seed: int) -> None:
    params = {
        "x1": {"low": 0.0, "high": 1.0},
        "x2": {"low": -5.0, "high": 5.0},
        "x3": {"values": ["a", "b", "c"]},
    }
    spec, d = saltelli(params, 256, seed)
    noise = np.random.default_rng(seed).standard_normal(len(d))
    y = np.sin(2 * np.pi * d["x1"].to_numpy()) + 0.01 * noise
    table = sobol_indices(d, y, spec)
    assert list(table.index) == ["x1", "x2", "x3"]
    assert {"S1", "S1_conf", "ST", "ST_conf"} <= set(table.columns)
    assert table.loc["x1", "ST"] > 0.8
    assert table.loc["x1", "S1"] > 0.8
    assert table.loc["x2", "ST"] < 0.1
    assert table.loc["x3", "ST"] < 0.1
    assert table["ST"].idxmax() == "x1"


def test_sobol_indices_of_the_ishigami_function() -> None:
    """y = sin x1 + 7 sin^2 x2 + 0.1 x3^4 sin x1 on [-pi, pi]^3 (Ishigami & Homma 1990)."""
    a, b = 7.0, 0.1
    params = {f"x{i}": {"low": -math.pi, "high": math.pi} for i in (1, 2, 3)}
    spec, d = saltelli(params, 2048)
    x1, x2, x3 = (d[f"x{i}"].to_numpy() for i in (1, 2, 3))
    y = np.sin(x1) + a * np.sin(x2) ** 2 + b * x3**4 * np.sin(x1)
    # closed form
    v1 = 0.5 * (1 + b * math.pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * math.pi**8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    s1 = [v1 / v, v2 / v, 0.0]
    st = [(v1 + v13) / v, v2 / v, v13 / v]
    table = sobol_indices(d, y, spec)
    np.testing.assert_allclose(table["S1"], s1, atol=0.05)
    np.testing.assert_allclose(table["ST"], st, atol=0.05)
    assert list(table["ST"].sort_values(ascending=False).index) == ["x1", "x2", "x3"]


def test_sensitivity_uses_sobol_for_saltelli() -> None:
    params = {"x1": {"low": 0.0, "high": 1.0}, "x2": {"low": 0.0, "high": 1.0}}
    spec, d = saltelli(params, 128)
    points = d.copy()
    points["o.share"] = d["x1"] ** 2
    sens = sensitivity(points, spec, ["o"])
    assert list(sens) == ["o"]
    assert (sens["o"]["importance"] == sens["o"]["ST"]).all()
    assert sens["o"]["importance"].idxmax() == "x1"


# --- synthetic: rank correlations -------------------------------------------------------------


def test_rank_correlations_find_a_monotone_effect() -> None:
    rng = np.random.default_rng(3)
    d = pd.DataFrame({"x1": rng.random(40), "x2": rng.random(40)})
    y = np.exp(3 * d["x1"].to_numpy())  # monotone, not linear
    table = rank_correlations(d, y, ["x1", "x2"])
    assert table.loc["x1", "rho"] == pytest.approx(1.0)
    assert table.loc["x1", "p"] < 1e-6
    assert abs(table.loc["x2", "rho"]) < 0.4
    table = rank_correlations(d, -y, ["x1", "x2"])
    assert table.loc["x1", "rho"] == pytest.approx(-1.0)


def test_rank_correlations_of_a_constant_outcome() -> None:
    d = pd.DataFrame({"x1": np.linspace(0, 1, 10)})
    table = rank_correlations(d, np.full(10, 0.25), ["x1"])
    assert table.loc["x1", "rho"] == 0.0
    assert table.loc["x1", "p"] == 1.0


def test_sensitivity_uses_absolute_rho_otherwise() -> None:
    spec = SweepSpec.model_validate(
        {
            "scenario": "unused.yaml",
            "parameters": {"x1": {"low": 0, "high": 1}, "x2": {"low": 0, "high": 1}},
            "design": "lhs",
            "points": 30,
        }
    )
    points = make_design(spec)
    points["o.share"] = 1 - points["x1"]
    sens = sensitivity(points, spec, ["o"])["o"]
    assert sens.loc["x1", "rho"] == pytest.approx(-1.0)
    assert sens.loc["x1", "importance"] == pytest.approx(1.0)
    assert sens["importance"].idxmax() == "x1"


# --- the engine ------------------------------------------------------------------------------


def test_india_cannot_matter() -> None:
    """India has no dyads in alliance.yaml: with one seed, its resolve changes no replicate."""
    c = compiled(ALLIANCE)
    india = c.actors.index("India")
    assert c.dyads_of[india].size == 0
    assert india not in set(c.src) | set(c.dst)
    results = []
    for value in (0.0, 0.5, 1.0):
        m = WargameModel(
            ALLIANCE, R=200, rng=11, overrides=[f"{INDIA}={value}", "turns.limit=8"], explain=False
        )
        m.run()
        results.append(m.results())
    for other in results[1:]:
        assert other.keys() == results[0].keys()
        for k in results[0]:
            np.testing.assert_array_equal(other[k], results[0][k], err_msg=k)


def test_credibility_does_matter() -> None:
    shares = []
    for value in (0.05, 0.95):
        m = WargameModel(
            ALLIANCE, R=300, rng=11, overrides=[f"{CRED}={value}", "turns.limit=8"], explain=False
        )
        m.run()
        shares.append(np.mean(m.results()["outcome"] == "china_attacks_japan"))
    assert shares[0] > shares[1] + 0.5


@pytest.mark.parametrize(
    ("sweep_file", "kind"),
    [("ranking.yaml", "|Spearman rho|"), ("ranking_saltelli.yaml", "total Sobol index ST")],
)
def test_analyse_ranks_credibility_above_india(sweep_file: str, kind: str, tmp_path: Path) -> None:
    if "saltelli" in sweep_file:
        pytest.importorskip("SALib")
    sd = start_sweep(FIXTURES / sweep_file, tmp_path / "out")
    execute_sweep(sd, workers=1, quiet=True)
    result = analyse(sd.path)
    sens = json.loads((sd.path / "sensitivity.json").read_text(encoding="utf-8"))
    assert list(sens) == ["china_attacks_japan", "coercion"]
    for name, table in sens.items():
        assert set(table) == {CRED, INDIA}
        assert table[CRED]["importance"] > 0.7, name
        assert table[INDIA]["importance"] < 0.3, name
        assert table[CRED]["importance"] > table[INDIA]["importance"]
        assert result["sensitivity"][name]["importance"].idxmax() == CRED
    for line in result["text"].splitlines()[1:]:
        assert line.split(": ", 1)[1].startswith(CRED), line  # most influential first
        assert line.endswith(f"({kind})")
    if "saltelli" in sweep_file:
        assert {"S1", "S1_conf", "ST", "ST_conf"} <= set(sens["coercion"][CRED])
    else:
        assert sens["china_attacks_japan"][CRED]["rho"] < -0.7  # credibility deters
        assert sens["coercion"][CRED]["rho"] > 0.7
