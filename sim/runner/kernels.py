"""The compiled kernels' signatures, so that a pool's workers compile them in parallel.

numba compiles a kernel the first time it is called with new argument types and caches the
machine code on disk (``cache=True``). After an install, or after a kernel changed, the first run
compiles every kernel: about 40 s on one core of the 2-core machine of docs/performance.md. The
workers of a process pool would each compile all of them. Instead each worker, as it starts,
compiles the signatures listed in ``kernel_signatures.txt`` starting at its own share of the list
(:func:`warm`): worker k of n starts k/n of the way along, so the workers meet with the list
compiled once between them, and every kernel already compiled by another worker is loaded from the
disk cache rather than compiled again. On a warm cache this only loads the kernels a little
earlier than the first block would. Results do not depend on it, only the wait does.

The list is what a run of every shipped scenario compiles from a cold cache, on one thread and
on two, kernels and the helpers they call (``python -m sim.runner.kernels`` writes it, compiling
into an empty cache; a test checks that whatever a run compiles is listed). A stale entry (a
kernel renamed or retyped since) is skipped: it costs the time the list was meant to save,
nothing else.
"""

from __future__ import annotations

import functools
import importlib
import os
import pkgutil
import subprocess
import sys
import tempfile
from pathlib import Path

SIGNATURES = Path(__file__).with_name("kernel_signatures.txt")
"""One compiled signature per line: ``module:function:(argument types)`` as numba writes them."""


def dispatchers() -> dict[str, object]:
    """Every compiled function of the rules, by ``module:function`` (none under
    ``NUMBA_DISABLE_JIT=1``, where they are plain Python)."""
    from numba.core.registry import CPUDispatcher

    import sim.rules
    import sim.rules.families

    found: dict[str, object] = {}
    for pkg in (sim.rules, sim.rules.families):
        for info in pkgutil.iter_modules(pkg.__path__):
            module = importlib.import_module(f"{pkg.__name__}.{info.name}")
            for name, value in vars(module).items():
                if isinstance(value, CPUDispatcher) and value.py_func.__module__ == module.__name__:
                    found[f"{module.__name__}:{name}"] = value
    return found


def compiled_signatures() -> list[str]:
    """The signatures compiled so far in this process, called from Python (a kernel's helpers,
    compiled inside their callers with constant arguments, are left to them)."""
    lines = []
    for name, d in sorted(dispatchers().items()):
        for sig in d.signatures:  # type: ignore[attr-defined]
            text = repr(sig)
            if "Literal" not in text:
                lines.append(f"{name}:{text}")
    return sorted(set(lines))


def record() -> list[str]:
    """Run a few worlds of every shipped scenario on one thread and on two (enough worlds for the
    choice family's threaded kernel, ``THREADED_FROM``), and one world explained (the general
    choice kernel's one-thread form: the others play the generated one); the signatures."""
    import numba

    from sim.model import WargameModel
    from sim.rules.families.choice import THREADED_FROM

    root = Path(__file__).resolve().parents[2] / "scenarios"
    before = numba.get_num_threads()
    try:
        for threads in sorted({1, min(2, numba.config.NUMBA_NUM_THREADS)}):
            numba.set_num_threads(threads)
            for path in sorted(root.glob("*.yaml")):
                WargameModel(path, R=4 if threads == 1 else THREADED_FROM, rng=1).run()
                if threads == 1:  # one world explained (a game, --explain): the general choice
                    WargameModel(path, R=1, rng=1).run()
    finally:
        numba.set_num_threads(before)
    return compiled_signatures()


def listed() -> list[str]:
    """The shipped list (empty if the file is missing)."""
    if not SIGNATURES.exists():
        return []
    return [ln for ln in SIGNATURES.read_text(encoding="utf-8").splitlines() if ln.strip()]


def needed(found: dict[str, object] | None = None, threaded: bool | None = None) -> list[str]:
    """The listed signatures a process may call: all of them, except that one whose kernels run
    on one thread (``threaded`` false; None: this process's numba threads say) never calls a
    threaded (``prange``) kernel, the choice family then calling its one-thread form, and
    compiling that one costs about 10 s of a first run's 40 s of CPU. A pool's workers on one core
    each (the default) and a run's in-process blocks skip it."""
    from sim.rules.jit import is_threaded

    found = dispatchers() if found is None else found
    threaded = _threaded(threaded)
    out = []
    for line in listed():
        module, function, _ = line.split(":", 2)
        d = found.get(f"{module}:{function}")
        if d is None or threaded or not is_threaded(d):
            out.append(line)
    return out


def _threaded(threaded: bool | None) -> bool:
    """``threaded`` as given, or (None) whether this thread's kernels run on several threads."""
    import numba

    return numba.get_num_threads() > 1 if threaded is None else threaded


def warm(part: int = 0, parts: int = 1, threaded: bool | None = None) -> int:
    """Compile (or load from the disk cache) every signature this process may call
    (:func:`needed`), starting ``part / parts`` of the way along the list and wrapping around;
    returns how many were compiled or loaded."""
    found = dispatchers()
    lines = needed(found, threaded)
    if not found or not lines:
        return 0
    start = (part % parts) * len(lines) // parts
    return sum(_compile(found, line) for line in lines[start:] + lines[:start])


FIRST = "sim.rules.worlds:_commit"
"""A kernel every turn of every scenario calls (the moves' commit): what :func:`first_use` loads."""


def first_use() -> bool:
    """Run numba's one-off set-up in this process now (about 0.25 s here, most of a process's
    first kernel load: its lowering registries, and SciPy's BLAS where the process has not
    answered that probe, ``sim.numba_probe``) by compiling or loading :data:`FIRST`, so that a
    worker does it before its first task arrives; False where there is nothing to load (JIT off,
    no listed signature)."""
    line = next((ln for ln in listed() if ln.startswith(FIRST + ":")), None)
    return line is not None and _compile(dispatchers(), line)


@functools.cache
def _types() -> dict[str, object]:
    """The namespace a listed signature is evaluated in: numba's types and nothing else (the
    file is ours, written by numba's own reprs)."""
    from numba.core import types

    return {name: getattr(types, name) for name in dir(types)} | {"__builtins__": {}}


def _compile(found: dict[str, object], line: str) -> bool:
    """Compile (or load from the disk cache) the listed signature ``line``; False if it is stale
    (its kernel renamed or retyped since: the first call compiles it instead)."""
    module, function, text = line.split(":", 2)
    d = found.get(f"{module}:{function}")
    if d is None:
        return False
    try:
        d.compile(eval(text, _types()))  # type: ignore[attr-defined]
    except Exception:
        return False
    return True


def cold(threaded: bool | None = None) -> bool:
    """Whether a kernel this process may call (:func:`needed`) has no compiled code on disk for its
    current source (after an install, or once its module changed): a look at the cache's index
    files, loading nothing. False when the cache cannot be read (numba's layout changed: assume
    warm)."""
    found = dispatchers()
    for line in needed(found, threaded):
        module, function, _ = line.split(":", 2)
        d = found.get(f"{module}:{function}")
        if d is None:
            continue
        try:
            if not d._cache._cache_file._load_index():  # type: ignore[attr-defined]
                return True
        except Exception:
            return False
    return False


NOTICE = "wargame: first run of this install: compiling the engine's kernels (about 30 s, once)"


def warm_here(
    processes: int | None = None, say: bool = False, threaded: bool | None = None
) -> None:
    """For a process that plays on its own (``--workers 1``, ``wargame play``, the tests): on a
    cold cache, compile the kernels it may call (:func:`needed`, ``threaded`` as there) with
    ``processes`` processes (default: one per core), this one and helpers started for the
    purpose, each from its own share on, then load the rest here. ``say`` prints
    :data:`NOTICE` first. On a warm cache, nothing (kernels load when called)."""
    threaded = _threaded(threaded)  # decided here, so that the helpers share out the same list
    if not cold(threaded):
        return
    if say:
        print(NOTICE, file=sys.stderr, flush=True)
    n = max(1, processes or os.cpu_count() or 1)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}  # this sim
    helpers = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                f"from sim.runner.kernels import warm; warm({k}, {n}, {threaded})",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for k in range(1, n)
    ]
    try:
        warm(0, n, threaded)
    finally:
        for h in helpers:
            h.wait()


def _record_cold() -> list[str]:  # pragma: no cover - a developer's command
    """:func:`record` in a fresh process compiling into an empty cache (so that the helpers a
    kernel calls are compiled, and listed, too)."""
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache, "PYTHONPATH": os.pathsep.join(sys.path)}
        code = "from sim.runner.kernels import record; print('\\n'.join(record()))"
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True
        )
    return [ln for ln in out.stdout.splitlines() if ln.strip()]


if __name__ == "__main__":  # pragma: no cover - a developer's command
    lines = _record_cold()
    SIGNATURES.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} signatures written to {SIGNATURES}", file=sys.stderr)
