"""Running the crisis model: outcome accounting, R = 1 against R = 1000, determinism, Mesa.

DESIGN.md: one rule implementation with a replicate axis, so R = 1 and R = thousands are the same
model; blocks seeded by ``SeedSequence(root).spawn``; ``mesa.batch_run`` drives the model at R = 1.
"""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pytest
from helpers import ROOT, assert_rows_are_the_direct_run

from sim.model import ActorAgent, WargameModel, compiled
from sim.runner.batch import batch_run
from sim.runner.montecarlo import run_montecarlo
from sim.scenario import load_scenario

FIXTURES = ROOT / "tests" / "fixtures" / "model"
PROVOCATION = FIXTURES / "senkaku_provocation.yaml"
DILEMMA = FIXTURES / "security_dilemma.yaml"
SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml"))


# --- statistics helpers (no scipy) -----------------------------------------------------------


def chi2_sf(x: float, df: int) -> float:
    """P(X >= x) for a chi-square variable: 1 - regularized lower incomplete gamma (series)."""
    if x <= 0:
        return 1.0
    s, z = df / 2, x / 2
    term = total = 1.0 / s
    n = 0
    while term > total * 1e-15 and n < 10_000:
        n += 1
        term *= z / (s + n)
        total += term
    lower = math.exp(s * math.log(z) - z - math.lgamma(s)) * total
    return max(0.0, 1.0 - lower)


def chi2_homogeneity(a: Counter, b: Counter, min_count: int = 10) -> tuple[float, int, float]:
    """Two-sample chi-square test of equal outcome distributions; rare outcomes are pooled."""
    names = sorted(set(a) | set(b))
    common = [n for n in names if a[n] + b[n] >= min_count]
    rare = [n for n in names if n not in common]
    rows = [[a[n] for n in common], [b[n] for n in common]]
    if rare:
        rows[0].append(sum(a[n] for n in rare))
        rows[1].append(sum(b[n] for n in rare))
    table = np.array(rows, dtype=float)
    table = table[:, table.sum(axis=0) > 0]
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0) / table.sum()
    stat = float(((table - expected) ** 2 / expected).sum())
    df = table.shape[1] - 1
    return stat, df, chi2_sf(stat, df) if df > 0 else 1.0


def shares_agree(a: Counter, b: Counter, alpha: float = 1e-3) -> list[str]:
    """Per-outcome two-proportion z-tests with a Bonferroni correction; returns disagreements."""
    names = sorted(set(a) | set(b))
    na, nb = sum(a.values()), sum(b.values())
    z = NormalDist().inv_cdf(1 - alpha / (2 * len(names)))
    bad = []
    for n in names:
        pa, pb = a[n] / na, b[n] / nb
        p = (a[n] + b[n]) / (na + nb)
        se = math.sqrt(max(p * (1 - p), 1e-12) * (1 / na + 1 / nb))
        if abs(pa - pb) > z * se:
            bad.append(f"{n}: {pa:.3f} vs {pb:.3f}")
    return bad


def test_chi2_sf_matches_known_values() -> None:
    assert chi2_sf(3.841, 1) == pytest.approx(0.05, abs=1e-3)
    assert chi2_sf(5.991, 2) == pytest.approx(0.05, abs=1e-3)
    assert chi2_sf(11.345, 3) == pytest.approx(0.01, abs=1e-3)
    assert chi2_sf(0.0, 4) == 1.0


# --- outcome accounting ----------------------------------------------------------------------


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_world_of_a_shipped_scenario_has_a_named_outcome(path: Path) -> None:
    m = WargameModel(path, R=300, rng=2024, explain=False)
    m.run()
    assert not m.running
    shares = m.outcome_shares()
    assert list(shares) == m.outcome_names
    assert sum(shares.values()) == pytest.approx(1.0, abs=1e-12)
    assert all(0 <= v <= 1 for v in shares.values())
    r = m.results()
    outcomes = r["outcome"]
    assert len(outcomes) == 300
    assert set(outcomes) <= set(m.outcome_names), "every replicate has a named outcome"
    assert (m.outcome >= 0).all()
    counts = Counter(outcomes)
    for name, share in shares.items():
        assert share == pytest.approx(counts[name] / 300)
    turns = r["turn_ended"]
    assert ((turns >= 1) & (turns <= m.c.scenario.turns.limit)).all()
    # doctrine on shipped data: no non-nuclear actor ever reaches a nuclear rung
    for name, actor in m.c.scenario.actors.items():
        if not actor.nuclear or actor.doctrine.non_nuclear:
            assert (r[f"peak.{name}"] < m.c.first_nuclear).all(), name


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_monte_carlo_counts_cover_every_replicate(path: Path) -> None:
    mc = run_montecarlo(compiled(path), runs=250, seed=3, block=100)
    counts = mc.counts()
    assert list(counts) == mc.outcome_names
    assert sum(counts.values()) == mc.runs == 250
    assert set(mc.columns["outcome"]) <= set(mc.outcome_names)


# --- R = 1 and R = 1000 are the same model ---------------------------------------------------


def outcomes_of_single_worlds(path: Path, n: int, root: int) -> Counter:
    c = compiled(path)
    out: Counter = Counter()
    for child in np.random.SeedSequence(root).spawn(n):
        m = WargameModel(c, R=1, rng=np.random.default_rng(child), explain=False)
        m.run()
        out[str(m.results()["outcome"][0])] += 1
    return out


def outcomes_of_one_model(path: Path, R: int, seed: int, overrides: dict | None = None) -> Counter:
    m = WargameModel(path, R=R, rng=seed, overrides=overrides, explain=False)
    m.run()
    return Counter(str(o) for o in m.results()["outcome"])


def test_r1_models_and_one_r1000_model_give_the_same_distribution() -> None:
    singles = outcomes_of_single_worlds(PROVOCATION, 400, root=777)
    block = outcomes_of_one_model(PROVOCATION, 1000, seed=778)
    assert len([n for n in singles if singles[n] >= 20]) >= 2, "need at least two common outcomes"
    stat, df, p = chi2_homogeneity(singles, block)
    assert p > 1e-3, f"chi2={stat:.1f}, df={df}, p={p:.2g}: {singles} vs {block}"
    assert shares_agree(singles, block) == []


def test_the_distribution_comparison_detects_a_real_difference() -> None:
    """Power check: the same comparison rejects a scenario change of moderate size."""
    block = outcomes_of_one_model(PROVOCATION, 1000, seed=778)
    changed = outcomes_of_one_model(
        PROVOCATION, 400, seed=779, overrides={"relations.us_japan.credibility": 0.95}
    )
    _, _, p = chi2_homogeneity(changed, block)
    assert p < 1e-3
    assert shares_agree(changed, block) != []


def test_block_size_changes_draws_but_not_the_distribution() -> None:
    c = compiled(PROVOCATION)
    small = run_montecarlo(c, runs=2000, seed=31, block=250)
    large = run_montecarlo(c, runs=2000, seed=31, block=1000)
    a, b = Counter(small.columns["outcome"]), Counter(large.columns["outcome"])
    assert chi2_homogeneity(a, b)[2] > 1e-3
    assert shares_agree(a, b) == []


# --- determinism -----------------------------------------------------------------------------


def assert_same_columns(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for k in a:
        assert np.array_equal(a[k], b[k]), k


def test_same_seed_gives_identical_results_columns() -> None:
    runs = []
    for _ in range(2):
        m = WargameModel(PROVOCATION, R=700, rng=42, explain=False)
        m.run()
        runs.append(m.results())
    assert_same_columns(*runs)
    assert any(k.startswith("param.") for k in runs[0]), "sampled parameters are reported"


def test_different_seeds_give_different_worlds() -> None:
    a = WargameModel(PROVOCATION, R=300, rng=1, explain=False)
    b = WargameModel(PROVOCATION, R=300, rng=2, explain=False)
    a.run()
    b.run()
    assert not np.array_equal(
        a.results()["param.relations.us_japan.credibility"],
        b.results()["param.relations.us_japan.credibility"],
    )


def test_monte_carlo_is_identical_for_the_same_seed_and_block_size() -> None:
    c = compiled(PROVOCATION)
    a = run_montecarlo(c, runs=1200, seed=9, block=400)
    b = run_montecarlo(c, runs=1200, seed=9, block=400)
    assert_same_columns(a.columns, b.columns)
    assert a.counts() == b.counts()
    assert a.acted == b.acted


def test_a_block_depends_only_on_root_seed_block_size_and_index() -> None:
    """Blocks are reproducible on their own: a longer run starts with the shorter run's blocks."""
    c = compiled(PROVOCATION)
    whole = run_montecarlo(c, runs=900, seed=13, block=300)
    for runs in (300, 600):
        part = run_montecarlo(c, runs=runs, seed=13, block=300)
        for k, v in part.columns.items():
            assert np.array_equal(v, whole.columns[k][:runs]), k
    other = run_montecarlo(c, runs=300, seed=14, block=300)
    assert not np.array_equal(
        other.columns["param.relations.us_japan.credibility"],
        whole.columns["param.relations.us_japan.credibility"][:300],
    )


def test_explaining_does_not_change_what_happens() -> None:
    for seed in range(5):
        plain = WargameModel(PROVOCATION, R=1, rng=seed, explain=False)
        told = WargameModel(PROVOCATION, R=1, rng=seed, explain=True)
        plain.run()
        told.run()
        assert_same_columns(plain.results(), told.results())
        assert told.log and not plain.log


# --- Mesa integration ------------------------------------------------------------------------


def test_one_mesa_agent_per_actor() -> None:
    m = WargameModel(ROOT / "scenarios" / "taiwan_contingency.yaml", R=3, rng=0)
    agents = list(m.agents)
    assert len(agents) == m.c.n_actors
    assert all(isinstance(a, ActorAgent) for a in agents)
    assert sorted(a.name for a in agents) == sorted(m.c.actors)


def test_the_data_collector_records_every_turn_unless_a_block_turns_it_off() -> None:
    """By default Mesa's DataCollector records world 0's highest rung after every turn and each
    actor's peak (the viz and ``batch_run`` read it); a Monte Carlo block, which never reads it,
    turns it off (``collect=False``) and plays the same worlds."""
    kept = WargameModel(PROVOCATION, R=50, rng=3, explain=False)
    off = WargameModel(PROVOCATION, R=50, rng=3, explain=False, collect=False)
    kept.run()
    off.run()
    assert_same_columns(kept.results(), off.results())
    record = kept.datacollector.get_model_vars_dataframe()
    assert len(record) == kept.turn + 1  # the start, then every turn
    assert int(record["max_rung"].iloc[-1]) == kept.max_rung
    peaks = kept.datacollector.get_agent_vars_dataframe()["peak_rung"]
    assert int(peaks.max()) == int(kept.peak[0].max())
    assert off.datacollector.get_model_vars_dataframe().empty


def test_model_runs_under_mesa_batch_run() -> None:
    c = compiled(PROVOCATION)
    seeds = [3, 4, 5]
    rows = batch_run(PROVOCATION, seeds, max_steps=c.scenario.turns.limit + 1)
    assert len(rows) == len(seeds) * c.n_actors  # one row per agent at the final step
    for row in rows:
        for key in ("max_rung", "turn", "AgentID", "peak_rung", "Step"):
            assert key in row, key
        assert 0 <= row["peak_rung"] <= c.top
    # each batch_run world is the model run directly with that seed
    for seed in seeds:
        direct = WargameModel(PROVOCATION, R=1, rng=seed, explain=False)
        direct.run()
        mine = [r for r in rows if r.get("rng", r.get("seed")) == seed]
        assert len(mine) == c.n_actors
        assert_rows_are_the_direct_run(mine, direct)


def test_batch_run_passes_overrides() -> None:
    default_limit = compiled(DILEMMA).scenario.turns.limit
    assert default_limit > 3
    rows = batch_run(DILEMMA, [1], overrides={"turns.limit": 2}, max_steps=10)
    assert rows and all(r["turn"] <= 2 for r in rows)


# --- overrides given to the model ------------------------------------------------------------


def test_a_distribution_override_reaches_the_model() -> None:
    value = {"dist": "beta", "a": 2, "b": 2}
    assert load_scenario(PROVOCATION, {"relations.us_japan.credibility": value})
    m = WargameModel(PROVOCATION, R=200, rng=1, overrides={"relations.us_japan.credibility": value})
    m.run()
    assert "param.relations.us_japan.credibility" in m.results()


def test_a_cast_override_reaches_the_model() -> None:
    expected = list(load_scenario(DILEMMA, ["cast=[China, Japan]"]).actors)
    assert expected == ["China", "Japan"]
    assert compiled(DILEMMA, ["cast=[China, Japan]"]).actors == expected
