"""The event log of world 0: what happened each turn and why (``--explain``, the play timeline)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Event:
    """One line of the timeline: turn, kind (move, hold, trigger, inject, end), actor, text,
    details."""

    turn: int
    kind: str
    actor: str
    text: str
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON) of the event."""
        return asdict(self)
