"""The EMA Workbench adapter (extra ``ema``, Python 3.12+): uncertainties, outcome shares, PRIM/CART.

Skipped on Python 3.11 and wherever ``ema_workbench`` is not installed.
"""

from __future__ import annotations

import pickle
import sys

import numpy as np
import pytest
from helpers import ROOT

if sys.version_info < (3, 12):
    pytest.skip("the EMA Workbench needs Python 3.12 or later", allow_module_level=True)
ema_workbench = pytest.importorskip("ema_workbench")

from ema_workbench import (  # noqa: E402
    CategoricalParameter,
    IntegerParameter,
    RealParameter,
    ReplicatorModel,
    SequentialEvaluator,
)
from ema_workbench.analysis import cart, prim  # noqa: E402

from sim.errors import ScenarioError  # noqa: E402
from sim.model import WargameModel, compiled  # noqa: E402
from sim.runner.montecarlo import outcome_names  # noqa: E402
from sim.sweeps.ema import ema_model, ema_name, uncertain_parameters  # noqa: E402

# EMA 3.0's PRIM calls DataFrame.drop(inplace=True), deprecated in pandas 3.1: not ours to fix
pytestmark = pytest.mark.filterwarnings("ignore:The inplace keyword:DeprecationWarning")

TAIWAN = ROOT / "scenarios" / "taiwan_contingency.yaml"
SHORT = {"turns.limit": 10}  # the invasion inject fires on turn 6; ten turns keep the tests quick


@pytest.fixture(scope="module")
def model() -> ReplicatorModel:
    return ema_model(TAIWAN, replicates=100, seed=3, base_overrides=SHORT)


@pytest.fixture(scope="module")
def results(model: ReplicatorModel):
    with SequentialEvaluator(model) as evaluator:
        return evaluator.perform_experiments(8, uncertainty_sampling_kwargs={"rng": 1})


def test_uncertainties_are_the_scenarios_uncertain_parameters(model: ReplicatorModel) -> None:
    dists = uncertain_parameters(TAIWAN, SHORT)
    # the same numbers the engine samples per world (bar the derived basing draws)
    world = WargameModel(compiled(TAIWAN, SHORT), R=2, rng=0, explain=False)
    assert set(dists) == {k for k in world.sampled if not k.endswith("_granted")}
    assert {"injects.invasion_order.probability", "rules.temperature"} <= set(dists)
    assert set(model.wargame_paths.values()) == set(dists)
    assert [u.name for u in model.uncertainties] == list(model.wargame_paths)
    for u in model.uncertainties:
        assert u.name.isidentifier() and "." not in u.name
        assert u.name == ema_name(model.wargame_paths[u.name])
        assert isinstance(u, RealParameter)
        assert (u.lower_bound, u.upper_bound) == dists[model.wargame_paths[u.name]].bounds
    names = outcome_names(compiled(TAIWAN).scenario)
    assert [o.name for o in model.outcomes] == names
    assert model.wargame_outcomes == dict(zip(names, names, strict=True))


def test_experiments_give_outcome_shares_and_prim_and_cart_run(model: ReplicatorModel, results):
    experiments, outcomes = results
    assert len(experiments) == 8
    assert set(outcomes) == set(model.wargame_outcomes)
    total = np.zeros(8)
    for share in outcomes.values():
        assert share.shape == (8,)
        assert ((share >= 0) & (share <= 1)).all()
        assert np.allclose(share * 100, np.round(share * 100))  # counts out of 100 worlds
        total += share
    assert np.allclose(total, 1.0)

    x = experiments.drop(columns=["scenario", "policy", "model"])
    assert list(x.columns) == list(model.wargame_paths)
    share = outcomes["taiwan_fights_alone"]
    y = share > np.median(share)
    assert 0 < y.sum() < len(y)
    box = prim.Prim(x, y, peel_alpha=0.1, mass_min=0.1).find_box()
    assert 0 < box.coverage <= 1 and 0 < box.density <= 1
    tree = cart.CART(x, y, mass_min=0.25)  # at least two experiments a leaf
    tree.build_tree()
    assert len(tree.boxes) >= 1


def test_same_values_and_seed_give_the_same_shares(model: ReplicatorModel, results) -> None:
    experiments, outcomes = results
    values = experiments.iloc[2][list(model.wargame_paths)].to_dict()
    first = model.function(seed=3, **values)
    assert first == model.function(seed=3, **values)
    assert {k: outcomes[k][2] for k in first} == pytest.approx(first)
    again = pickle.loads(pickle.dumps(model))  # what a MultiprocessingEvaluator ships to workers
    assert again.function(seed=3, **values) == first
    with SequentialEvaluator(model) as evaluator:
        _, rerun = evaluator.perform_experiments(8, uncertainty_sampling_kwargs={"rng": 1})
    for k, v in outcomes.items():
        assert np.array_equal(rerun[k], v)


def test_experiment_values_reach_the_engine() -> None:
    path = "injects.invasion_order.probability"
    m = ema_model(TAIWAN, replicates=100, parameters=[path], base_overrides=SHORT)
    assert [m.wargame_paths[u.name] for u in m.uncertainties] == [path]
    never = m.function(injects__invasion_order__probability=0.0)
    always = m.function(injects__invasion_order__probability=1.0)
    war = ("nuclear_use", "war_reaches_japan", "us_china_war", "taiwan_fights_alone")
    # an ordered invasion is a war unless the crisis ended (a settlement) before the order's turn
    assert sum(always[k] for k in war) > 0.5
    assert sum(always[k] for k in war) > sum(never[k] for k in war) + 0.3
    # a name the model did not declare (say a lever the user added) is decoded: "__" -> "."
    alone = [
        m.function(injects__invasion_order__probability=0.3, relations__us_taiwan__credibility=c)
        for c in (0.0, 1.0)
    ]
    # same seed in both calls: a value that did not reach the engine would change nothing
    assert alone[0]["taiwan_fights_alone"] > alone[1]["taiwan_fights_alone"] + 0.15


def test_parameter_kinds_ranges_and_subsets() -> None:
    base = {
        **SHORT,
        "rules.inertia": {"dist": "choice", "values": [0.1, 0.2, 0.4]},
        "rules.cost_scale": {"dist": "choice", "values": [3, 1, 2, 2]},
        "rules.deterrence": {"dist": "fixed", "value": 1.0},
    }
    m = ema_model(TAIWAN, replicates=20, base_overrides=base)
    by_path = {m.wargame_paths[u.name]: u for u in m.uncertainties}
    assert "rules.deterrence" not in by_path  # a fixed value is not uncertain
    assert isinstance(by_path["rules.inertia"], CategoricalParameter)
    assert [c.value for c in by_path["rules.inertia"].categories] == [0.1, 0.2, 0.4]
    cost = by_path["rules.cost_scale"]
    assert isinstance(cost, IntegerParameter) and (cost.lower_bound, cost.upper_bound) == (1, 3)

    m = ema_model(
        TAIWAN,
        replicates=20,
        base_overrides=SHORT,
        parameters={
            "relations.us_taiwan.credibility": None,
            "relations.us_taiwan.basing_access": (0.2, 0.6),
            "turns.limit": (6, 9),
            "rules.audience_cost": [0.2, 0.8],
        },
        outcomes=["taiwan_fights_alone", "us_china_war"],
    )
    kinds = {m.wargame_paths[u.name]: type(u) for u in m.uncertainties}
    assert kinds == {
        "relations.us_taiwan.credibility": RealParameter,
        "relations.us_taiwan.basing_access": RealParameter,
        "turns.limit": IntegerParameter,
        "rules.audience_cost": CategoricalParameter,
    }
    assert [o.name for o in m.outcomes] == ["taiwan_fights_alone", "us_china_war"]
    experiments, outcomes = ema_workbench.perform_experiments(
        m, 3, uncertainty_sampling_kwargs={"rng": 0}
    )
    assert set(experiments["turns__limit"]) <= {6, 7, 8, 9}
    assert set(outcomes) == {"taiwan_fights_alone", "us_china_war"}


def test_bad_parameters_and_outcomes_fail_when_the_model_is_built() -> None:
    with pytest.raises(ValueError, match="not an uncertain parameter"):
        ema_model(TAIWAN, parameters=["rules.inertia"])
    with pytest.raises(ValueError, match="unknown outcome"):
        ema_model(TAIWAN, outcomes=["taiwan_wins"])
    with pytest.raises(ScenarioError):  # credibility is a probability
        ema_model(TAIWAN, parameters={"relations.us_taiwan.credibility": (0.5, 1.5)})
    with pytest.raises(ScenarioError):  # a game has at least one turn
        ema_model(TAIWAN, parameters={"turns.limit": (0, 9)})


def test_ema_names() -> None:
    assert ema_name("relations.us_taiwan.credibility") == "relations__us_taiwan__credibility"
    assert ema_name("actors.North-Korea.resolve") == "actors__North_Korea__resolve"
    assert ema_name("nuclear_use") == "nuclear_use"
