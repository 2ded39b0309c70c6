"""The project's own error types: every problem a user can cause is reported through these."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One located problem in a scenario: ``FILE:LINE:COL: field.path: message``."""

    file: str
    line: int
    col: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.col}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class WargameError(Exception):
    """Base class for errors shown to the user as one clear line (exit status 2)."""


class ScenarioError(WargameError):
    """A scenario (or sweep) file is invalid; carries every problem found, not only the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


class RunError(WargameError):
    """A run directory or run request is invalid (missing, incomplete, mismatched)."""
