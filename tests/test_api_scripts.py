"""The README's ``sim.run`` and docs/sweeps.md's ``sim.sweep`` snippets work as written in a plain
script (no ``if __name__ == "__main__":``) and in a notebook-like session (no ``__file__``), with
worker processes, and a failed call leaves no folder behind (issue 10, item 18).

The snippets are taken from the docs themselves; only their sizes are made small (fewer replicates,
a smaller sweep file) so that the test is quick.
"""

from __future__ import annotations

import multiprocessing.spawn
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import sim
import sim.runner.execute as execute_mod
import sim.sweeps.run as sweep_mod

ROOT = Path(__file__).resolve().parents[1]
SMALL_SWEEP = ROOT / "tests" / "fixtures" / "sweeps" / "small.yaml"
PROVOCATION = str(ROOT / "tests" / "fixtures" / "model" / "senkaku_provocation.yaml")


def snippet(doc: str, marker: str) -> str:
    """The first ```python block of ``doc`` that contains ``marker``."""
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / doc).read_text(encoding="utf-8"), re.S)
    return next(b for b in blocks if marker in b)


def run_snippet(code: str, cwd: Path, how: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` with this Python in ``cwd``: as a script file, or from ``-c`` (no ``__file__``,
    as in a notebook)."""
    (cwd / "scenarios").symlink_to(ROOT / "scenarios")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if how == "script":
        (cwd / "analysis.py").write_text(code, encoding="utf-8")
        argv = [sys.executable, "analysis.py"]
    else:
        argv = [sys.executable, "-c", code]
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def run_code() -> str:
    """README's ``sim.run`` snippet, made small, printing what it got."""
    code = snippet("README.md", "sim.run(")
    assert 'if __name__ == "__main__"' not in code and "runs=5000" in code
    code = code.replace("runs=5000,", "runs=400, block=100, workers=2,")
    return code + "\nprint('RUNS', result.summary['runs'], again.path)\n"


def sweep_code() -> str:
    """docs/sweeps.md's ``sim.sweep`` snippet on a small sweep file, printing what it got."""
    code = snippet("docs/sweeps.md", "sim.sweep(")
    assert 'if __name__ == "__main__"' not in code and "workers=2" in code
    code = code.replace('"scenarios/sweeps/taiwan_deterrence.yaml"', repr(str(SMALL_SWEEP)))
    return code + "\nprint('POINTS', len(points))\n"


def test_the_documented_snippets_work_in_a_plain_script(tmp_path: Path) -> None:
    done = run_snippet(run_code() + "\n" + sweep_code(), tmp_path, "script")
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    assert "RUNS 400" in done.stdout and "POINTS 12" in done.stdout
    folders = sorted(p.name.split("-")[0] for p in (tmp_path / "runs").iterdir())
    assert folders == ["sweep", "taiwan_contingency"]  # one each: no stray folder from workers


def test_the_run_snippet_works_in_a_notebook(tmp_path: Path) -> None:
    done = run_snippet(run_code(), tmp_path, "notebook")
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr and "RUNS 400" in done.stdout
    assert len(list((tmp_path / "runs").iterdir())) == 1


def test_only_the_engines_workers_skip_the_main_module() -> None:
    """Other spawn processes of the same program still get ``__main__`` as Python prepares it."""
    from sim.runner.pool import WORKER_NAME, process_pool

    process_pool(1).shutdown()  # installs the wrapper
    ours = multiprocessing.spawn.get_preparation_data(f"{WORKER_NAME}-1")
    theirs = multiprocessing.spawn.get_preparation_data("SpawnProcess-1")
    keys = {"init_main_from_name", "init_main_from_path"}
    assert not keys & ours.keys()
    main = sys.modules["__main__"]
    if getattr(main.__spec__, "name", None) or getattr(main, "__file__", None):
        assert keys & theirs.keys()


def test_a_failed_api_run_leaves_no_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> dict:
        raise RuntimeError("engine failure")

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(execute_mod, "run_shipped_block", broken)
    with pytest.raises(RuntimeError, match="engine failure"):
        sim.run(PROVOCATION, runs=200, block=100, workers=1)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_api_sweep_leaves_no_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> dict:
        raise RuntimeError("engine failure")

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sweep_mod, "run_points", broken)
    with pytest.raises(RuntimeError, match="engine failure"):
        sim.sweep(SMALL_SWEEP, workers=1)
    assert list(tmp_path.iterdir()) == []


def test_api_threads_play_blocks_at_once_to_the_same_bytes(tmp_path: Path) -> None:
    """``sim.run(workers=1, threads=2)`` plays two blocks at once in this process: same table as
    one thread; a thread count below 1 is refused in one line before any folder is made."""
    common = {"runs": 400, "block": 100, "seed": 3, "workers": 1}
    one = sim.run(PROVOCATION, out=tmp_path / "one", threads=1, **common)
    two = sim.run(PROVOCATION, out=tmp_path / "two", threads=2, **common)
    assert (one.path / "outcomes.parquet").read_bytes() == (
        two.path / "outcomes.parquet"
    ).read_bytes()
    with pytest.raises(sim.errors.RunError, match="threads 0: give 1 or more threads"):
        sim.run(PROVOCATION, out=tmp_path / "bad", threads=0, **common)
    assert not (tmp_path / "bad").exists()


def test_import_sim_and_the_command_line_stay_light_yet_export_the_api() -> None:
    """``import sim`` and building ``wargame``'s parser import neither the scenario schema nor the
    run folders (0.3 s: every command, and every spawned worker, paid it before doing anything),
    while every name of ``sim.__all__`` is still there on first use."""
    code = (
        "import sys, sim, sim.cli\n"
        "try:\n"
        "    sim.cli.main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = sorted(m for m in ('sim.scenario.schema', 'sim.api', 'pydantic') if m in sys.modules)\n"
        "print('heavy', heavy, file=sys.stderr)\n"
        "names = [getattr(sim, n) for n in sim.__all__]\n"
        "from sim import Scenario, run\n"
        "assert run is sim.api.run and Scenario is sim.scenario.schema.Scenario\n"
        "assert set(sim.__all__) <= set(dir(sim))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "heavy []" in done.stderr, done.stderr
    with pytest.raises(AttributeError, match="no attribute 'runn'"):
        sim.runn  # noqa: B018 - a typo is an AttributeError, not a lazy import
