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
        text = f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"
        return _one_line(text)


def _one_line(text: str) -> str:
    """``text`` with control and separator characters escaped (``\\n``): a key or a file name holding
    a newline must not split a problem over two lines."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class WargameError(Exception):
    """Base class for errors shown to the user as one clear line (exit status 2)."""


# Most problems a message shows (the rest are counted): a file with 50,000 bad keys should not print
# 50,000 lines (assumption: 50 is more than anyone reads before fixing the first).
MAX_SHOWN = 50


class ScenarioError(WargameError):
    """A scenario (or sweep) file is invalid; carries every problem found, not only the first.

    ``problems`` holds them all, in file order; the message shows the first ``MAX_SHOWN`` and then
    ``... and N more errors``."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(set(problems))
        lines = [str(p) for p in self.problems[:MAX_SHOWN]]
        if len(self.problems) > MAX_SHOWN:
            lines.append(f"... and {len(self.problems) - MAX_SHOWN} more errors")
        super().__init__("\n".join(lines))


class RunError(WargameError):
    """A run directory or run request is invalid (missing, incomplete, mismatched)."""
