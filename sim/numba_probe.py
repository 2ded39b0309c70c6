"""numba's one-off set-up without SciPy's linear algebra, in the engine's own processes.

The first kernel a process loads initialises numba's CPU target, which imports
``numba.np.arraymath``; that module probes once for a BLAS (``_HAVE_BLAS``, for ``np.dot`` and
``np.linalg`` inside compiled code) by importing ``scipy.linalg``: 0.17 s of a worker's 0.35-0.4 s
set-up on the 2-core machine of docs/performance.md, paid by every pool worker and by every
single-process command (``--explain``, ``wargame play``). No kernel of the engine calls BLAS (its
matrix products are numpy's, outside the kernels: ``tests/rules/test_numba_probe.py`` reads them), so a
process that opts in with :func:`skip` answers that probe "no BLAS": numba then refuses
``np.dot`` inside a kernel with a typing error, at compile time, rather than running anything
differently. Only the probe is answered: ``scipy.linalg`` imported before or after it (Mesa's
spaces, the sensitivity extras) imports as usual, and a process that does not opt in (a user's
script or notebook) is untouched.
"""

from __future__ import annotations

import importlib.abc
import sys
from importlib.machinery import ModuleSpec

__all__ = ["skip"]

PROBE = "numba.np.arraymath"
"""The module whose import probes for a BLAS (it sets ``_HAVE_BLAS`` when the probe returns)."""
PROBED = "scipy.linalg"


class _NoBlasProbe(importlib.abc.MetaPathFinder):
    """Fails the import of ``scipy.linalg`` while, and only while, numba's probe runs."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> ModuleSpec | None:
        if name == PROBED and _probing():
            raise ImportError(f"{PROBED}: not for numba's BLAS probe (sim/numba_probe.py)")
        return None


def _probing() -> bool:
    """``numba.np.arraymath`` is being imported (its module made, not yet run to the end) and
    has not answered its probe yet."""
    module = sys.modules.get(PROBE)
    spec = getattr(module, "__spec__", None)
    running = bool(getattr(spec, "_initializing", False))  # importlib's flag while it runs
    return module is not None and running and not hasattr(module, "_HAVE_BLAS")


def skip() -> None:
    """Opt this process in (see the module's docstring): before its first kernel loads."""
    if PROBE in sys.modules or any(isinstance(f, _NoBlasProbe) for f in sys.meta_path):
        return
    sys.meta_path.insert(0, _NoBlasProbe())
