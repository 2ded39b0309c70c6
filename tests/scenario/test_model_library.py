"""The shared library: every actor and relation says where its numbers come from.

DESIGN.md: "each rule cites its source in the library". An entry needs at least one source or an
explicit ``assumption`` explaining numbers chosen without one. The YAML is read directly, not
through the loader, so nothing the loader fills in can hide a missing citation.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from helpers import ROOT

LIBRARY = sorted((ROOT / "scenarios" / "library").glob("*.yaml"))
SECTIONS = ("actors", "relations")


def unsourced(data: dict) -> list[str]:
    """Names of actors and relations with neither non-empty ``sources`` nor an ``assumption``."""
    bad = []
    for section in SECTIONS:
        for name, entry in (data.get(section) or {}).items():
            entry = entry or {}
            sources = entry.get("sources") or []
            assumption = entry.get("assumption")
            has_assumption = isinstance(assumption, str) and assumption.strip() != ""
            if not sources and not has_assumption:
                bad.append(f"{section}.{name}")
    return bad


def test_the_library_exists() -> None:
    assert LIBRARY, "scenarios/library/*.yaml not found"
    entries = 0
    for path in LIBRARY:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        entries += sum(len(data.get(s) or {}) for s in SECTIONS)
    assert entries >= 10


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.name)
def test_every_library_entry_has_sources_or_an_assumption(path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    assert isinstance(data, dict)
    assert unsourced(data) == []


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.name)
def test_every_source_is_a_quoted_seed_or_a_reference(path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for section in SECTIONS:
        for name, entry in (data.get(section) or {}).items():
            for i, src in enumerate((entry or {}).get("sources") or []):
                where = f"{path.name}: {section}.{name}.sources.{i}"
                assert isinstance(src, dict), where
                assert src.get("reference") or (src.get("seed") and src.get("quote")), where


def test_the_check_flags_entries_without_sources_or_assumption() -> None:
    data = {
        "actors": {
            "Cited": {"sources": [{"reference": "IISS"}]},
            "Assumed": {"assumption": "judgement"},
            "Bare": {"resolve": 0.5},
            "EmptyList": {"sources": [], "assumption": "  "},
            "Null": None,
        },
        "relations": {"pact": {"type": "alliance", "members": ["A", "B"], "credibility": 0.5}},
    }
    assert unsourced(data) == ["actors.Bare", "actors.EmptyList", "actors.Null", "relations.pact"]
