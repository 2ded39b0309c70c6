"""How the rules' kernels are compiled when plain ``numba.njit(cache=True, nogil=True)`` is not
enough: ``threaded`` for a kernel with a ``prange`` over worlds (only that loop made parallel), and
``simplified`` for a kernel whose loop body inlines helpers that take many arrays, with numba's
parfor passes run but every parallel transformation turned off.

Those passes simplify the function's IR (copy propagation, dead-variable removal) before it is
lowered, so that the arrays an ``inline="always"`` helper receives are no longer copied into new
variables on every call, each copy a reference-count increment and decrement. Measured on Taiwan
at 1,000 worlds (docs/performance.md, sixteenth round): the choice kernel 1.21 -> 1.02 ms a call,
the settlement range 0.47 -> 0.23 ms, mediation 0.48 -> 0.44 ms; the other kernels gained
nothing. The machine code does the same arithmetic in the same order, so results are identical
(float64 and float32 alike, no fast-math), and no parallel region is made: numba's threading
layer is not started by these kernels, so a process that ran them may still fork
(sim/runner/pool.py). With ``NUMBA_DISABLE_JIT=1`` it is plain Python, as ``njit`` is.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import TypeVar

import numba
from numba.core.cpu_options import ParallelOptions
from numba.core.errors import NumbaPerformanceWarning

F = TypeVar("F", bound=Callable)

_OFF = ("comprehension", "reduction", "setitem", "numpy", "stencil", "fusion", "inplace_binop")


def _options(prange: bool) -> ParallelOptions:
    """numba's parallel options with every transformation off but ``prange`` as given. An options
    object, not a dict: numba empties a dict as it reads it, so a dict shared by several kernels
    (or read again for a kernel's second signature) would turn every transformation back on."""
    return ParallelOptions({**dict.fromkeys(_OFF, False), "prange": prange})


NO_PARFORS = _options(prange=False)
"""Every transformation off: the passes run, nothing is parallelised."""
PRANGE_ONLY = _options(prange=True)
"""Only ``prange`` loops run in parallel: an ``np.zeros`` or array expression in the loop body is
not made a region of its own (nested in the loop, it would run serially anyway), so a call
starts exactly one parallel region (the choice kernel on two threads: 575 µs a call at 1,000
worlds, against 658 µs with every transformation on)."""

# numba says so of every such kernel as it compiles it (once per install): that is the intent
warnings.filterwarnings(
    "ignore",
    message=r"\s*The keyword argument 'parallel=True' was specified but no transformation",
    category=NumbaPerformanceWarning,
)


def simplified(fn: F) -> F:
    """``fn`` compiled as the other kernels are (cached, without the GIL), IR simplified first."""
    return numba.njit(cache=True, nogil=True, parallel=NO_PARFORS)(fn)


def threaded(fn: F) -> F:
    """``fn`` compiled with its ``prange`` loops shared among numba's threads, nothing else."""
    return numba.njit(cache=True, nogil=True, parallel=PRANGE_ONLY)(fn)


def is_threaded(dispatcher: object) -> bool:
    """Whether a compiled function runs ``prange`` loops on numba's threads (starting them)."""
    options = ParallelOptions(getattr(dispatcher, "targetoptions", {}).get("parallel", False))
    return bool(options.enabled and options.prange)
