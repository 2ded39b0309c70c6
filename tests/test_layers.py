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
    "outputs": {"runner", "sweeps", "play", "serve", "cli", "api", "backtest"},
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


def _part(path: Path) -> str:
    """The part of sim a file belongs to: its package, or the top-level module's name."""
    rel = path.relative_to(SIM).parts
    return rel[0] if len(rel) > 1 else rel[0].removesuffix(".py")


def _private_imports(source: str, own: str) -> set[str]:
    """``sim.<part>...:_name`` for every private name (one leading underscore) that the module
    text ``source`` of part ``own`` imports from another part of sim, at any depth."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.ImportFrom) and node.module and node.level == 0):
            continue
        parts = node.module.split(".")
        if parts[0] != "sim" or len(parts) < 2 or parts[1] == own:
            continue
        found |= {
            f"{node.module}:{a.name}"
            for a in node.names
            if a.name.startswith("_") and not a.name.startswith("__")
        }
    return found


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


def test_no_two_parts_import_each_other() -> None:
    """No pair of sim's parts imports in both directions (not even lazily): the layers are an
    order, not a tangle. A part listed in FORBIDDEN is checked above; this also covers the
    rest (api, backtest, cli, serve, the top-level modules)."""
    edges = {(_part(f), t) for f in SIM.rglob("*.py") for t in _imports(f) if t != _part(f)}
    both = sorted(f"sim.{a} <-> sim.{b}" for a, b in edges if (b, a) in edges and a < b)
    assert not both, both


def test_no_module_imports_a_private_name_from_another_package() -> None:
    """What one part of sim uses from another is public (a name without a leading underscore), so
    a module can change its internals without breaking another package."""
    wrong = {
        f"{f.relative_to(SIM.parent)} imports {name}"
        for f in SIM.rglob("*.py")
        for name in _private_imports(f.read_text(encoding="utf-8"), _part(f))
    }
    assert not wrong, sorted(wrong)


def test_the_private_name_check_sees_lazy_imports_across_packages_only() -> None:
    text = (
        "from sim.scenario.loader import _display, read_file\n"
        "from sim.sweeps.run import _py\n"
        "def f():\n    from sim.outputs.report import _png, __all__\n"
    )
    assert _private_imports(text, "sweeps") == {
        "sim.scenario.loader:_display",
        "sim.outputs.report:_png",
    }
    assert _part(SIM / "sweeps" / "spec.py") == "sweeps" and _part(SIM / "api.py") == "api"
