"""The house's layers: no module imports from a layer above it (docs/architecture.md). Read from
the source with ``ast``, so lazy imports inside functions count too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SIM = Path(__file__).resolve().parents[1] / "sim"

# package (or top-level module) of sim -> the parts of sim it must never import
FORBIDDEN: dict[str, set[str]] = {
    "errors": {"*"},
    "files": {"*"},
    "scenario": {"rules", "model", "runner", "outputs", "sweeps", "play", "serve", "cli", "api"},
    "rules": {"model", "runner", "outputs", "sweeps", "play", "serve", "cli", "api", "backtest"},
    "model": {"runner", "outputs", "sweeps", "play", "serve", "cli", "api", "backtest"},
    "runner": {"sweeps", "play", "serve", "cli", "api", "backtest"},
    "sweeps": {"play", "serve", "cli", "backtest"},
    "play": {"serve", "cli", "api", "backtest"},
    "calibrate": {"play", "serve", "cli", "api"},
}


def _imports(path: Path) -> set[str]:
    """The parts of sim (first name after ``sim.``) that one file imports, at any depth."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        found |= {n.split(".")[1] for n in names if n.startswith("sim.")}
    return found


def _files(part: str) -> list[Path]:
    return sorted((SIM / part).rglob("*.py")) if (SIM / part).is_dir() else [SIM / f"{part}.py"]


@pytest.mark.parametrize("part", sorted(FORBIDDEN))
def test_no_import_from_a_layer_above(part: str) -> None:
    files = _files(part)
    assert files and all(f.exists() for f in files)
    wrong = {
        f"{f.relative_to(SIM.parent)} imports sim.{t}"
        for f in files
        for t in _imports(f) - {part}
        if "*" in FORBIDDEN[part] or t in FORBIDDEN[part]
    }
    assert not wrong, sorted(wrong)


def test_the_check_sees_lazy_imports(tmp_path: Path) -> None:
    f = tmp_path / "m.py"
    f.write_text("def f():\n    from sim.outputs.rundir import RunDir\n    import sim.serve.api\n")
    assert _imports(f) == {"outputs", "serve"}
