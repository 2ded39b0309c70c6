"""Helpers shared by the test modules (imported as ``helpers``: pytest puts tests/ on sys.path)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def sim_digest() -> str:
    """Hash of the sim/ sources on disk."""
    h = hashlib.sha256()
    for p in sorted((ROOT / "sim").rglob("*.py")):
        h.update(p.relative_to(ROOT).as_posix().encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


SIM_AT_START = sim_digest()  # sim/ was imported when the first test module was collected


def assert_same_file(a: Path, b: Path) -> None:
    """Byte-identical files. Another process (worker, subprocess) imports sim/ from disk: if
    sim/ was edited during the test session, a difference says nothing about determinism."""
    if a.read_bytes() != b.read_bytes() and sim_digest() != SIM_AT_START:
        pytest.skip("sim/ changed on disk during the test session; cross-process bytes differ")
    assert a.read_bytes() == b.read_bytes(), f"{a} and {b} differ"
