"""Pieces shared by the classroom pages: hooks that redraw a page when the game changes, the turn
clock, and small text helpers (user and scenario text is shown with :mod:`sim.serve.literal`)."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import solara

from sim.play.game import Game
from sim.serve.host import GameHost, current

T = TypeVar("T")
log = logging.getLogger(__name__)


def use_poll(read: Callable[[], T], wait: Callable[[float], None] | None = None) -> T:
    """The value of ``read()``, refreshed from a background thread whenever it changes.

    ``wait(seconds)`` blocks until something may have changed (default: sleep). The thread stops
    when the component is unmounted, e.g. when its browser tab is closed and the session freed."""
    value, set_value = solara.use_state(read())

    def start() -> Callable[[], None]:
        stop = threading.Event()

        def loop() -> None:
            last = read()
            while not stop.is_set():
                (wait or stop.wait)(0.4)
                now = read()
                if now != last and not stop.is_set():
                    last = now
                    try:
                        set_value(now)
                    except Exception:
                        log.exception("page update failed")

        threading.Thread(target=loop, daemon=True).start()
        return stop.set

    solara.use_effect(start, [])
    return value


def use_host_version(host: GameHost) -> int:
    """Re-render when the game changes anywhere (a team's move, the facilitator's click)."""
    return use_poll(lambda: host.version, lambda t: host.wait(host.version, t))


def label_of(game: Game, rung: str) -> str:
    """The display label of a rung given by name."""
    return game.c.rung_labels[game.c.rung_index(rung)]


def describe(value: Any) -> str:
    """A distribution's parameters in one short text (``uniform 0.03-0.1``)."""
    if hasattr(value, "model_dump"):
        d = value.model_dump(exclude_none=True)
        kind = d.pop("dist", "")
        return f"{kind} " + ", ".join(
            f"{k} {v:g}" if isinstance(v, float) else f"{k} {v}" for k, v in d.items()
        )
    return str(value)


def error_text(exc: Exception) -> str:
    """The first line of an error's message (its type if it has none), for a page."""
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def base_url() -> str:
    """The server's public address from ``wargame serve`` (empty: links stay relative)."""
    return os.environ.get("WARGAME_URL", "").rstrip("/")


# -- entry ------------------------------------------------------------------------------------------


@solara.component
def Countdown() -> None:
    """Time left in this turn, when the facilitator set a turn timer (ticks on its own)."""
    host = current()
    left = use_poll(host.seconds_left)
    if left is not None:
        minutes, seconds = divmod(left, 60)
        solara.Info(
            f"Time left this turn: {minutes}:{seconds:02d} (then the engine plays for teams "
            "that have not moved)",
            classes=["wg-clock"],
        )
