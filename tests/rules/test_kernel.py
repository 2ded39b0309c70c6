"""The compiled turn kernel keeps the determinism contract (issue 14; DESIGN.md, "A compiled kernel").

Every draw is keyed by (block, site, world, turn, index), so the outcome table is byte-identical
on one thread or two, whether ended worlds are dropped from the block or stepped on, and with the
JIT switched off (``NUMBA_DISABLE_JIT=1``: the same code as plain Python, for debugging and
coverage).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from helpers import ROOT, assert_same_file

from sim.cli import main
from sim.model import WargameModel
from sim.rules import streams, worlds
from sim.rules.pairs import per_turn, per_turn_one
from sim.rules.pipeline import compiled
from sim.rules.state import WorldState, per_turn_fields

PROVOCATION = ROOT / "tests" / "fixtures" / "model" / "senkaku_provocation.yaml"
TAIWAN = ROOT / "scenarios" / "taiwan_contingency.yaml"


def run(out: Path, *extra: object, scenario: Path = PROVOCATION) -> Path:
    """``wargame run`` in this process; returns the run folder."""
    argv = ["run", str(scenario), "--out", str(out), "--quiet", "--workers", "1"]
    assert main([*argv, *map(str, extra)]) == 0
    return out


def test_a_few_worlds_play_their_choice_on_this_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """A classroom game's one world (or any block under ``THREADED_FROM`` worlds) never wakes
    numba's threads, nor needs the threaded kernel compiled; a block of that many does use it."""
    import numba

    from sim.rules import terms_kernel
    from sim.rules.families import choice

    if numba.config.NUMBA_NUM_THREADS < 2:
        pytest.skip("one core: there is no threaded form to avoid")
    calls: list[int] = []
    threaded = terms_kernel.kernel  # the shipped terms' (the general one explains)

    def spy(rung, *args):  # type: ignore[no-untyped-def]
        calls.append(rung.shape[0])
        return threaded(rung, *args)

    monkeypatch.setattr(terms_kernel, "kernel", spy)
    monkeypatch.setattr(choice, "kernel", spy)
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(2)
        WargameModel(PROVOCATION, R=1, rng=1).run()
        assert calls == []
        m = WargameModel(PROVOCATION, R=choice.THREADED_FROM, rng=1, explain=False)
        m.step()
    finally:
        numba.set_num_threads(before)
    assert calls == [choice.THREADED_FROM]


def test_the_choice_layout_is_built_once_not_every_turn(monkeypatch: pytest.MonkeyPatch) -> None:
    """The parts' layout depends on the compiled scenario and the terms alone: a model's turns
    reuse one, equal to a fresh build."""
    from sim.rules.families import choice

    built: list[int] = []
    real = choice.layout

    def spy(c, terms):  # type: ignore[no-untyped-def]
        built.append(1)
        return real(c, terms)

    monkeypatch.setattr(choice, "layout", spy)
    m = WargameModel(PROVOCATION, R=20, rng=1)
    m.run()
    assert m.state.turn > 2 and len(built) <= 1
    held = choice.layout_of(m.compiled, m.terms)
    assert choice.layout_of(m.compiled, m.terms) is held
    fresh = real(m.compiled, m.terms)
    for name in ("shape", "table", "owner", "cap_row", "sign", "tables"):
        assert np.array_equal(getattr(held, name), getattr(fresh, name)), name


def test_one_and_two_threads_give_identical_bytes(tmp_path: Path) -> None:
    common = ("--runs", 600, "--block", 300, "--seed", 5, "--trajectories")
    one = run(tmp_path / "t1", *common, "--threads", 1)
    two = run(tmp_path / "t2", *common, "--threads", 2)
    assert_same_file(one / "outcomes.parquet", two / "outcomes.parquet")
    assert_same_file(one / "trajectories.parquet", two / "trajectories.parquet")


def test_the_choice_kernel_on_several_threads_gives_the_one_thread_result() -> None:
    """A block whose choice kernel shares its worlds among threads (``prange``: a worker process
    with ``--threads``) plays as the one-thread form (blocks played at once on a thread pool)."""
    import numba

    c = compiled(TAIWAN)
    before = numba.get_num_threads()
    results = []
    try:
        for n in (1, min(2, numba.config.NUMBA_NUM_THREADS)):
            numba.set_num_threads(n)
            m = WargameModel(c, R=200, rng=4, explain=False)
            m.run()
            results.append(m.results())
    finally:
        numba.set_num_threads(before)
    one, two = results
    for k in one:
        assert np.array_equal(one[k], two[k]), k


@pytest.mark.parametrize("path", sorted((ROOT / "scenarios").glob("*.yaml")), ids=lambda p: p.stem)
def test_dropping_ended_worlds_changes_no_result(path: Path) -> None:
    """``run`` plays on with the running worlds only, without copying the fields the next turn
    assigns anew (left unset: a rule reading one before its turn wrote it would fail); stepping
    the whole block gives the same results and trajectories, in every shipped scenario."""
    c = compiled(path)
    whole = WargameModel(c, R=300, rng=3, explain=False, trajectories=True)
    while whole.running:
        whole.step()
    dropped = WargameModel(c, R=300, rng=3, explain=False, trajectories=True)
    drops = []
    gather = worlds.gather

    def noting(s: WorldState, keep: np.ndarray, *, per_turn: bool = True) -> WorldState:
        out = gather(s, keep, per_turn=per_turn)
        drops.append(not per_turn and all(getattr(out, f) is None for f in per_turn_fields()))
        return out

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(worlds, "gather", noting)
        dropped.run()
    assert any(drops), "no drop left the per-turn fields unset"
    a, b = whole.results(), dropped.results()
    assert a.keys() == b.keys()
    for k in a:
        assert np.array_equal(a[k], b[k]), k
    assert np.array_equal(np.stack(whole.trajectory), np.stack(dropped.trajectory))
    assert all(getattr(dropped.state, f) is not None for f in per_turn_fields())


def test_a_world_draws_the_same_numbers_in_any_block_position() -> None:
    key = np.tile(np.array([1, 2], dtype=np.int64), (50, 1))
    worlds = np.arange(50, dtype=np.int64)
    u = streams.uniforms(key, streams.CHOICE, 4, worlds, 7)
    some = [3, 17, 40]
    assert np.array_equal(u[some], streams.uniforms(key[some], streams.CHOICE, 4, worlds[some], 7))
    assert not np.array_equal(u, streams.uniforms(key, streams.CHOICE, 5, worlds, 7))  # turn
    assert not np.array_equal(u, streams.uniforms(key, streams.OBSERVE, 4, worlds, 7))  # site
    assert u.min() >= 0 and u.max() < 1


def test_a_world_draws_from_its_own_key() -> None:
    """Worlds of different blocks (keys) stacked in one array draw what they draw in their own."""
    a, b = np.array([1, 2], dtype=np.int64), np.array([7, 9], dtype=np.int64)
    worlds = np.arange(6, dtype=np.int64)
    mixed = np.array([a, a, a, b, b, b])
    u = streams.uniforms(mixed, streams.CHOICE, 4, worlds, 5)
    assert np.array_equal(
        u[:3], streams.uniforms(np.tile(a, (3, 1)), streams.CHOICE, 4, worlds[:3], 5)
    )
    assert np.array_equal(
        u[3:], streams.uniforms(np.tile(b, (3, 1)), streams.CHOICE, 4, worlds[3:], 5)
    )
    assert not np.array_equal(
        u[3:], streams.uniforms(np.tile(a, (3, 1)), streams.CHOICE, 4, worlds[3:], 5)
    )


def test_jit_off_runs_the_same_code_to_the_same_bytes(tmp_path: Path) -> None:
    """A tiny run as plain Python (NUMBA_DISABLE_JIT=1) writes the JIT run's outcome table."""
    common = ("--runs", 12, "--block", 6, "--seed", 2, "--set", "turns.limit=6")
    jit = run(tmp_path / "jit", *common)
    env = {**os.environ, "NUMBA_DISABLE_JIT": "1", "PYTHONPATH": str(ROOT)}
    argv = [sys.executable, "-m", "sim.cli", "run", str(PROVOCATION), "--quiet", "--workers", "1"]
    argv += ["--out", str(tmp_path / "nojit"), *map(str, common)]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert_same_file(jit / "outcomes.parquet", tmp_path / "nojit" / "outcomes.parquet")


def test_per_turn_one_keeps_the_bits_of_per_turn() -> None:
    """A kernel's one-chance form of ``per_turn`` (mediation) gives its float32 bits, NaN too."""
    weekly = np.random.default_rng(0).uniform(-0.1, 1.1, 4000).astype(np.float32)
    weekly[0] = np.nan
    for weeks in (0.0, 0.5, 1.0, 2.0, 3 / 7, 30.44 / 7):
        want = per_turn(weekly, weeks)
        got = np.array([per_turn_one(float(p), weeks, True) for p in weekly], dtype=np.float32)
        assert got.tobytes() == want.tobytes(), weeks


def test_every_world_array_is_row_major_as_the_kernels_read_it() -> None:
    """Kernels loop world by world, dyad by dyad; a column-major field (what ``a[:, idx]`` gives)
    makes every such read a stride of R elements (utility's weights ran 2.6x slower on five)."""
    from dataclasses import fields

    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        model = WargameModel(path, R=64, rng=3)
        for _ in range(8):
            model.step()
            s = model.state
            arrays = [(f.name, getattr(s, f.name)) for f in fields(s)]
            arrays += list((s.family_arrays or {}).items())
            arrays += [(f"rules.{k}", v) for k, v in s.rules.items()]
            column_major = sorted(
                name
                for name, a in arrays
                if isinstance(a, np.ndarray) and a.ndim >= 2 and not a.flags.c_contiguous
            )
            assert column_major == [], (path.name, s.turn, column_major)


def test_a_draw_called_surely_negative_is_negative() -> None:
    """Perception skips the draws ``normal_negative`` calls negative (it reads only the positive
    part): every one of them must be below zero, including next to the cosine's zeros."""
    import math

    edges = [k * 2**30 + i for k in (1, 3) for i in range(-64, 65)]
    lanes = [*edges, *np.random.default_rng(0).integers(0, 2**32, 2000).tolist()]
    for b in lanes:
        if streams.cos_negative(b):
            assert streams.cos_turn(b) < 0, b
            assert math.cos(streams.TWO_PI * b * (1.0 / 4294967296.0)) < 0, b
    pre = streams.prefix(np.array([7, 9]), streams.OBSERVE, 3, 2)
    negative = [streams.normal_negative(pre, i) for i in range(4000)]
    assert all(streams.normal(pre, i) < 0 for i in range(4000) if negative[i])
    assert 0.45 < np.mean(negative) < 0.55  # about half are skipped


def test_the_normals_cosine_is_libms_to_the_last_bits_and_the_same_compiled_or_not() -> None:
    """``cos_turn`` (the polynomial cosine of the normals' angle) is within 1e-15 of libm's cos
    at every quadrant's edges and at random lanes, and gives the same bits run as plain Python
    (``NUMBA_DISABLE_JIT=1``) as compiled, so both modes draw the same normals."""
    import math

    edges = [k * 2**29 + i for k in range(9) for i in range(-40, 41) if 0 <= k * 2**29 + i < 2**32]
    lanes = [*edges, *np.random.default_rng(1).integers(0, 2**32, 20000).tolist()]
    plain = getattr(streams.cos_turn, "py_func", streams.cos_turn)
    for b in lanes:
        exact = math.cos(streams.TWO_PI * b * (1.0 / 4294967296.0))
        assert abs(streams.cos_turn(b) - exact) < 1e-15, b
        assert plain(b) == streams.cos_turn(b), b


def test_observed_rungs_stay_on_the_ladder() -> None:
    model = WargameModel(TAIWAN, R=200, rng=4)
    top = model.compiled.top
    for _ in range(6):
        model.step()
        seen = model.state.perceived_rung
        assert seen.min() >= 0 and seen.max() <= top
        assert (seen == 0).any() and ((seen > 0) & (model.state.rung == 0)).any()


def test_every_kernel_a_run_compiles_is_in_the_warm_up_list() -> None:
    """A pool's workers compile the listed signatures between them on a cold cache
    (sim/runner/kernels.py); a kernel missing from the list would be compiled by every worker."""
    from sim.runner import kernels

    listed = kernels.listed()
    code = "from sim.runner.kernels import record; print('\\n'.join(record()))"
    fresh = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    missing = sorted(set(fresh.stdout.split("\n")) - {""} - set(listed))
    assert missing == [], f"run `python -m sim.runner.kernels` to list: {missing}"
    # every entry names a kernel and its types
    assert kernels.warm(1, 2, threaded=True) == len(listed)


def test_a_one_thread_process_does_not_compile_the_threaded_kernel() -> None:
    """A pool's worker on one core, or a run's in-process blocks, never call the choice family's
    ``prange`` kernel (its one-thread form plays there): their warm-up leaves it out, about 10 s
    of a first run, and a cache holding everything else is warm for them."""
    from sim.runner import kernels

    everything = kernels.needed(threaded=True)
    one_thread = kernels.needed(threaded=False)
    left_out = sorted({ln.split(":(")[0] for ln in set(everything) - set(one_thread)})
    assert everything == kernels.listed()
    assert left_out == ["sim.rules.terms_kernel:kernel"]
    for serial in (
        "sim.rules.terms_kernel:kernel_serial",
        "sim.rules.families.choice:kernel_serial",
    ):
        assert any(ln.startswith(f"{serial}:") for ln in one_thread), serial
    assert kernels.warm(0, 1, threaded=False) == len(one_thread)


def test_a_cold_kernel_cache_is_recognised(tmp_path: Path) -> None:
    """``warm_here`` (the tests, ``--workers 1``, ``wargame play``) compiles on every core only
    when the cache is cold: an empty cache is, this session's (warmed at its start) is not."""
    from sim.runner import kernels

    assert not kernels.cold()
    code = "from sim.runner.kernels import cold; print(cold())"
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}
    empty = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert empty.stdout.strip() == "True", empty.stderr


def test_the_kernel_cache_is_keyed_by_every_rules_source(tmp_path: Path) -> None:
    """numba keys a cached kernel on its own file only; the cache directory is named by a digest
    of every rules source, so an edit to a helper another kernel compiles in (a stream) moves
    every kernel to a fresh cache rather than leave the caller's old machine code in use."""
    import shutil

    from sim.rules import kernel_cache
    from sim.rules.families import perception

    copy = tmp_path / "rules"
    shutil.copytree(kernel_cache.RULES, copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = kernel_cache.digest(copy)
    assert before == kernel_cache.digest()
    streams_py = copy / "streams.py"
    streams_py.write_text(streams_py.read_text() + "\n# an edit\n")
    assert kernel_cache.digest(copy) != before
    assert kernel_cache.CACHE.name == f"rules-{before}"
    cache_path = Path(perception._observe._cache._cache_path)  # a kernel that inlines a stream
    assert kernel_cache.CACHE in cache_path.parents


def test_only_the_choice_kernels_threaded_form_makes_parallel_regions() -> None:
    """Kernels compiled through numba's parfor passes for their simpler code (sim/rules/jit.py)
    keep every parallel transformation off, however many were compiled before them: a parallel
    region would wake numba's threads on every call (0.2 ms a call for one world) and would
    start the threading layer, after which a run's parent may no longer fork its workers."""
    from numba.core.cpu_options import ParallelOptions

    from sim.rules.jit import is_threaded
    from sim.runner import kernels

    WargameModel(compiled("scenarios/taiwan_contingency.yaml"), R=80, rng=1).run()
    found = kernels.dispatchers()
    assert sorted(n for n, d in found.items() if is_threaded(d)) == [
        "sim.rules.families.choice:kernel",
        "sim.rules.terms_kernel:kernel",
    ]
    simplified = {n: d for n, d in found.items() if "parallel" in d.targetoptions}
    serial = {"sim.rules.families.choice:kernel_serial", "sim.rules.terms_kernel:kernel_serial"}
    assert serial < set(simplified)
    for name, d in simplified.items():
        options = ParallelOptions(d.targetoptions["parallel"])._get_values()
        on = {k for k, v in options.items() if v and k not in ("enabled", "prange")}
        assert on == set(), f"{name} would turn {sorted(on)} into parallel regions"


def test_simplified_kernels_compiled_one_after_another_make_no_parallel_region() -> None:
    """numba empties an options dict as it reads it: two kernels given one dict, the second
    compiled with every transformation on. The options are an object, read afresh each time."""
    import numba

    from sim.rules.jit import NO_PARFORS

    def ones(n: int) -> np.ndarray:
        return np.zeros(n) + 1.0

    def twos(n: int) -> np.ndarray:
        return np.zeros(n) + 2.0

    first = numba.njit(parallel=NO_PARFORS)(ones)
    second = numba.njit(parallel=NO_PARFORS)(twos)
    assert first(3).tolist() == [1.0] * 3 and second(3).tolist() == [2.0] * 3
    for d in (first, second):
        assert "numba_parallel_for" not in d.inspect_llvm(d.signatures[0])


def test_a_workers_first_kernel_is_one_every_turn_calls() -> None:
    """A run's pool workers run numba's one-off set-up by loading ``kernels.FIRST`` before their
    first task: it must be listed (else they would load nothing) and called by every turn."""
    from sim.runner import kernels

    assert any(ln.startswith(kernels.FIRST + ":") for ln in kernels.listed())
    module, function = kernels.FIRST.split(":")
    assert f"{module}:{function}" in kernels.dispatchers() or not kernels.dispatchers()
    assert kernels.first_use() is bool(kernels.dispatchers())
