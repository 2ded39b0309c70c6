"""``wargame bench`` times what it says: its one-thread rate plays every block on one thread."""

from __future__ import annotations

import os
import subprocess
import sys

import numba
import pytest
from helpers import ROOT

import sim.model
from sim.runner.bench import bench

DILEMMA = str(ROOT / "tests" / "fixtures" / "model" / "security_dilemma.yaml")


def test_the_one_thread_rate_plays_its_blocks_on_one_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Before, a block played in the caller's thread reset numba to every core, so the choice
    kernel of the "1 thread" rate ran on two threads (and slower, its threads spinning)."""
    seen: list[int] = []
    decide = sim.model.decide

    def spy(s, c, terms, explain=False):
        if s.worlds > 1:  # the engine's blocks, not batch_run's one-world models
            seen.append(numba.get_num_threads())
        return decide(s, c, terms, explain=explain)

    monkeypatch.setattr(sim.model, "decide", spy)
    r = bench(DILEMMA, runs=60, batch_runs=1, block=30, threads=1)
    assert list(r["thread_rates"]) == [1]
    assert seen and set(seen) == {1}


def test_each_rate_is_the_median_of_passes_taken_in_turn(monkeypatch: pytest.MonkeyPatch) -> None:
    """A host whose speed drifts while bench runs moves every rate alike: the passes of one
    thread, N threads and N processes alternate, and each rate is the median of its own."""
    import sim.runner.bench as bench_module

    order: list[str] = []
    real = bench_module.run_montecarlo

    def spy(c, runs, seed, block, pool=None, **kw):
        if runs == 90:  # a timed pass, not a warm-up (one block, or one per worker)
            kind = type(pool).__name__
            order.append(f"{kind}:{getattr(pool, '_max_workers', 1)}")
        return real(c, runs, seed, block, pool=pool, **kw)

    monkeypatch.setattr(bench_module, "run_montecarlo", spy)
    r = bench(DILEMMA, runs=90, batch_runs=1, block=30, repeat=3)
    configs = len(r["passes"])
    assert configs == len(r["thread_rates"]) + len(r["process_rates"])
    assert len(order) == 3 * configs and order == order[:configs] * 3
    for n, rate in r["thread_rates"].items():
        assert rate == sorted(r["passes"][f"{n} threads"])[1]
    for n, rate in r["process_rates"].items():
        assert rate == sorted(r["passes"][f"{n} processes"])[1]
    with pytest.raises(ValueError, match="repeat must be at least 1"):
        bench(DILEMMA, runs=60, batch_runs=1, block=30, repeat=0)


@pytest.mark.parametrize(("given", "kept"), [(None, "PASSIVE"), ("ACTIVE", "ACTIVE")])
def test_numba_threads_sleep_between_kernels_unless_the_user_says(
    given: str | None, kept: str
) -> None:
    """Spinning OpenMP threads slowed a block on two cores by a quarter (docs/performance.md)."""
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    if given:
        env["OMP_WAIT_POLICY"] = given
    code = "import os, sim; print(os.environ['OMP_WAIT_POLICY'])"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.strip() == kept, out.stderr
