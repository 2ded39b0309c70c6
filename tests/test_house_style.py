"""The house style a newcomer can rely on (docs/architecture.md, "House style"): no function in sim/
longer than 60 lines, and a docstring on every public module, class, function and method. Read
from the source with ``ast``, so nothing is imported or run."""

from __future__ import annotations

import ast
from pathlib import Path

SIM = Path(__file__).resolve().parents[1] / "sim"
MAX_LINES = 60


def _public(name: str) -> bool:
    return not name.startswith("_") or name == "__call__"


def problems(path: Path, shown: str) -> list[str]:
    """Functions over ``MAX_LINES`` lines (decorators excluded, docstring included) and public
    definitions without a docstring: module, and classes, functions and methods at module or
    class level (``__init__`` is documented by its class; a private class's members are private)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[str] = []
    if (not path.name.startswith("_") or path.name == "__init__.py") and not ast.get_docstring(
        tree
    ):
        found.append(f"{shown}: module has no docstring")

    def walk(node: ast.AST, prefix: str, public: bool) -> None:
        for ch in ast.iter_child_nodes(node):
            if not isinstance(ch, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                continue
            name = prefix + ch.name
            lines = ch.end_lineno - ch.lineno + 1 if ch.end_lineno else 0
            if not isinstance(ch, ast.ClassDef) and lines > MAX_LINES:
                found.append(f"{shown}:{ch.lineno} {name} is {lines} lines (at most {MAX_LINES})")
            is_public = public and _public(ch.name)
            if is_public and not ast.get_docstring(ch):
                found.append(f"{shown}:{ch.lineno} {name} has no docstring")
            if isinstance(ch, ast.ClassDef):
                walk(ch, name + ".", is_public)

    walk(tree, "", True)
    return found


def _sim_files() -> list[tuple[Path, str]]:
    return [(f, f.relative_to(SIM.parent).as_posix()) for f in sorted(SIM.rglob("*.py"))]


def test_every_function_is_short_and_every_public_definition_has_a_docstring() -> None:
    files = _sim_files()
    assert len(files) > 50
    found = [p for f, shown in files for p in problems(f, shown)]
    assert not found, "\n".join(found)


def test_the_check_sees_long_functions_and_missing_docstrings(tmp_path: Path) -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_LINES))
    f = tmp_path / "m.py"
    f.write_text(
        '"""A module."""\n\n\n'
        f"def long():\n    '''Too long.'''\n{body}\n\n\n"
        "class Shown:\n    def method(self):\n        pass\n\n"
        "    def _private(self):\n        pass\n\n\n"
        "class _Hidden:\n    def method(self):\n        pass\n\n\n"
        "def _helper():\n    pass\n"
    )
    found = problems(f, "m.py")
    assert found == [
        f"m.py:4 long is {MAX_LINES + 2} lines (at most {MAX_LINES})",
        f"m.py:{MAX_LINES + 8} Shown has no docstring",
        f"m.py:{MAX_LINES + 9} Shown.method has no docstring",
    ]
    (tmp_path / "n.py").write_text("x = 1\n")
    assert problems(tmp_path / "n.py", "n.py") == ["n.py: module has no docstring"]
