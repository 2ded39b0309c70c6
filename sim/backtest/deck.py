"""A history deck: the scenario files of a folder that carry a ``history:`` block, as scored cases."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from sim.backtest.dimensions import Dimension, band
from sim.errors import Problem, RunError, ScenarioError
from sim.scenario import load_scenario
from sim.scenario.schema import Scenario


@dataclass
class Case:
    """One deck case: its scenario, what happened on each scored dimension, and its seed key."""

    name: str
    path: Path
    scenario: Scenario
    dimensions: list[Dimension]
    days: float
    file_sha256: str

    @property
    def key(self) -> int:
        """The case's spawn key: from its name, so adding a case to the deck leaves the others'
        random streams (and numbers) as they were."""
        return int.from_bytes(hashlib.sha256(self.name.encode()).digest()[:4], "big")


def case_files(deck: Path) -> list[Path]:
    """The deck's scenario files in name order (a single file is a deck of one)."""
    if not deck.exists():
        raise RunError(f"{deck}: no such deck (a folder of history cases, or one case file)")
    if deck.is_file():
        return [deck]
    return sorted(p for p in deck.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def load_case(path: Path) -> Case | None:
    """The case in ``path``, or None if the scenario has no ``history:`` block."""
    s = load_scenario(path)
    h = s.history
    if h is None:
        return None
    shown = os.path.relpath(path) if not path.is_absolute() else str(path)
    problems = []
    if s.turns.days is None:
        problems.append(
            Problem(shown, 1, 1, "turns.days", "needed by the backtest: how many days one turn is")
        )
    for i, a in enumerate(h.allies):
        for field in ("ally", "partner"):
            name = getattr(a, field)
            if name not in s.actors:
                problems.append(
                    Problem(shown, 1, 1, f"history.allies.{i}.{field}", f"unknown actor {name!r}")
                )
    if problems:
        raise ScenarioError(problems)
    dims = [
        Dimension("violence", "violence", h.peak_violence),
        Dimension("ending", "ending", h.ending),
        Dimension("duration", "duration", band(h.duration_days)),
    ]
    for a in h.allies:
        dims.append(
            Dimension(
                f"ally:{a.ally}>{a.partner}",
                "ally",
                "intervened" if a.intervened else "stayed_out",
                a.ally,
                a.partner,
            )
        )
    return Case(
        path.stem, path, s, dims, float(s.turns.days), hashlib.sha256(path.read_bytes()).hexdigest()
    )


def load_deck(deck: str | os.PathLike[str]) -> tuple[list[Case], list[str]]:
    """Every case of the deck, and the files skipped for having no ``history:`` block. All cases'
    problems are reported together."""
    cases, skipped, problems = [], [], []
    for p in case_files(Path(deck)):
        try:
            case = load_case(p)
        except ScenarioError as exc:
            problems += exc.problems
            continue
        if case is None:
            skipped.append(str(p))
        else:
            cases.append(case)
    if problems:
        raise ScenarioError(problems)
    if not cases:
        raise RunError(f"{deck}: no scenario with a history: block (nothing to backtest)")
    names = [c.name for c in cases]
    if len(set(names)) != len(names):
        raise RunError(f"{deck}: two cases share a file name")
    return cases, skipped
