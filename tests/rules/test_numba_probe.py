"""numba's set-up without SciPy's linear algebra (``sim.numba_probe``): the ``wargame`` command and
its workers answer numba's BLAS probe "none", which no kernel of the engine needs; every other
process, and every later import of ``scipy.linalg``, is as usual."""

from __future__ import annotations

import ast
from pathlib import Path

from helpers import ROOT, fresh_python

PROBED = "import sys, numba.np.arraymath as a\nprint('scipy.linalg' in sys.modules, a._HAVE_BLAS)\n"
"""Prints whether SciPy's linear algebra was imported, then numba's answer to its BLAS probe."""


def test_a_wargame_command_plays_without_scipys_linear_algebra(tmp_path: Path) -> None:
    out = tmp_path / "run"
    words = fresh_python(
        "from sim.cli import main\n"
        "main(['run', 'scenarios/senkaku_grey_zone.yaml', '--runs', '20', '--workers', '1',\n"
        f"      '--quiet', '--out', {str(out)!r}])\n" + PROBED
    )
    assert words[-2:] == ["False", "False"]  # after the run's summary
    assert (out / "outcomes.parquet").is_file()


def test_a_script_using_the_api_keeps_numbas_blas() -> None:
    words = fresh_python(
        "from sim.model import WargameModel\n"
        "WargameModel('scenarios/senkaku_grey_zone.yaml', R=4, rng=1, collect=False).run()\n"
        + PROBED
    )
    assert words[-1] == "True"


def test_scipys_linear_algebra_imports_as_usual_after_the_probe() -> None:
    words = fresh_python(
        "from sim import numba_probe\n"
        "numba_probe.skip()\n"
        "from sim.runner import kernels\n"
        "kernels.first_use()\n"
        "import numpy as np, scipy.linalg\n"
        "print(scipy.linalg.det(2 * np.eye(2)))\n" + PROBED
    )
    assert words == ["4.0", "True", "False"]


def test_a_scipy_imported_before_the_probe_is_used() -> None:
    words = fresh_python(
        "import scipy.linalg\n"
        "from sim import numba_probe\n"
        "numba_probe.skip()\n"
        "from sim.runner import kernels\n"
        "kernels.first_use()\n" + PROBED
    )
    assert words == ["True", "True"]


KERNEL_DECORATORS = {"njit", "jit", "simplified", "threaded"}
BLAS_CALLS = {"dot", "vdot", "matmul", "inner", "outer", "linalg", "kron", "tensordot", "einsum"}


def _kernels(tree: ast.AST) -> list[ast.FunctionDef]:
    """The functions of a module compiled by numba (decorated ``njit``, ``simplified``, ...)."""

    def name(d: ast.expr) -> str:
        d = d.func if isinstance(d, ast.Call) else d
        return d.attr if isinstance(d, ast.Attribute) else getattr(d, "id", "")

    return [
        f
        for f in ast.walk(tree)
        if isinstance(f, ast.FunctionDef)
        and any(name(d) in KERNEL_DECORATORS for d in f.decorator_list)
    ]


def test_no_kernel_of_the_engine_calls_blas() -> None:
    """What answering the probe "none" relies on: a matrix product or ``np.linalg`` inside a kernel
    would need numba's BLAS (the engine's products are numpy's, outside the kernels)."""
    found, uses = 0, []
    for path in sorted((ROOT / "sim").rglob("*.py")):
        for fn in _kernels(ast.parse(path.read_text(), str(path))):
            found += 1
            for node in ast.walk(fn):
                matmul = isinstance(node, ast.BinOp | ast.AugAssign) and isinstance(
                    node.op, ast.MatMult
                )
                call = isinstance(node, ast.Attribute) and node.attr in BLAS_CALLS
                if matmul or call:
                    uses.append(f"{path.relative_to(ROOT)}:{node.lineno} {fn.name}")
    assert found > 40  # the scan sees the kernels
    assert uses == []
