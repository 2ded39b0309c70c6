"""A team's seat (``/team?token=T``): briefing, position, what it observes, its move for the turn.

A team sees only its own actors' explained moves, the public events and its own pending move; the
host checks every submission against the token and the actor's doctrine.
"""

from __future__ import annotations

from typing import Any

import solara

from sim.errors import WargameError
from sim.play.aar import summary_text
from sim.play.game import Game, GameError
from sim.serve.host import current
from sim.serve.literal import Table, Text
from sim.serve.widgets import Countdown, error_text, label_of, use_host_version


@solara.component
def TeamPage(token: str) -> None:
    """A team's page: its moves, the events it knows of, its briefing, position and what it
    observes; refused without a valid seat token."""
    host = current()
    use_host_version(host)
    try:
        view = host.team_view(token)
    except GameError as exc:
        solara.Title("alliance-wargame: no seat")
        solara.Error(
            f"This link does not open a seat ({error_text(exc)}). Ask your facilitator for your "
            "team's link.",
            classes=["wg-refused"],
        )
        return
    game = host.need_game()
    s = game.c.scenario
    solara.Title(f"Team {view['team']}")
    Text(f"Team {view['team']}: {', '.join(view['actors'])}", tag="h1")
    Text(
        (s.title or s.name, "b"),
        f" · {view['turn']} of {s.turns.limit} turns played ({s.turns.step} each)",
    )
    if view["over"]:
        solara.Success(f"The game is over: {view['outcome']}.")
        aar = host.jobs.get("aar")
        if aar is not None and aar.result is not None:
            solara.Div(children=[summary_text(aar.result)], classes=["wg-log", "wg-aar"])
    elif host.game is not None and host.game.paused:
        solara.Warning("The facilitator has paused the game.")
    else:
        Countdown().key(f"clock-{view['turn']}")
    with solara.Columns([3, 2]):
        with solara.Column():
            if not view["over"]:
                MovePanel(token, view, game).key(f"moves-{view['turn']}")
            with solara.Card("Events you know of"):
                lines = [f"T{e['turn']:>2}  {e['text']}" for e in reversed(view["events"])]
                solara.Div(children=["\n".join(lines) or "(nothing yet)"], classes=["wg-log"])
        with solara.Column():
            with solara.Card("Briefing"):
                Text(view["briefing"] or "No briefing in this scenario.", classes="wg-text")
            with solara.Card("Your position"):
                rows = [[r["actor"], r["toward"], label_of(game, r["rung"])] for r in view["own"]]
                Table(["you", "toward", "rung"], rows)
            with solara.Card("What you observe"):
                rows = [
                    [r["actor"], r["toward"], label_of(game, r["observed"])]
                    for r in view["observed"]
                ]
                Text(
                    "Rivals' rungs as your intelligence sees them (with the scenario's "
                    "observation noise)."
                )
                Table(["rival", "toward", "observed"], rows)


@solara.component
def MovePanel(token: str, view: dict[str, Any], game: Game) -> None:
    """One move per turn: a rung toward each rival, from those the actor's doctrine allows."""
    host = current()
    now = {(r["actor"], r["toward"]): r["rung"] for r in view["own"]}
    initial = {
        (a, t): view["pending"].get(a, {}).get(t) or (now[(a, t)] if now[(a, t)] in ok else ok[0])
        for a, targets in view["options"].items()
        for t, ok in targets.items()
    }
    choices, set_choices = solara.use_state(initial)
    message, set_message = solara.use_state(("", ""))

    def submit() -> None:
        try:
            for actor, targets in view["options"].items():
                host.submit(token, actor, {t: choices[(actor, t)] for t in targets})
            set_message(("ok", f"Your move for turn {view['turn'] + 1} is in."))
        except WargameError as exc:
            set_message(("error", error_text(exc)))

    with solara.Card(f"Your move for turn {view['turn'] + 1}"):
        for actor, targets in view["options"].items():
            for target, allowed in targets.items():
                key = (actor, target)
                Text(
                    (f"{actor} toward {target}", "b"),
                    f" · now {label_of(game, now[key])}",
                    style="margin-top: 8px",
                )

                def pick(v: str, key: tuple[str, str] = key) -> None:
                    set_choices(lambda old: {**old, key: v})

                with solara.ToggleButtonsSingle(
                    value=choices[key], on_value=pick, dense=True, style={"flex-wrap": "wrap"}
                ):
                    for rung in allowed:
                        solara.Button(label_of(game, rung), value=rung, text=True)
        with solara.Row(style={"margin-top": "12px"}):
            solara.Button("Submit move", on_click=submit, color="primary", classes=["wg-submit"])
        if view["submitted"]:
            changes = [
                f"{a} toward {t}: {label_of(game, r)}"
                for a, moves in view["pending"].items()
                for t, r in moves.items()
                if r != now[(a, t)]
            ]
            solara.Success(
                f"Submitted for turn {view['turn'] + 1}: "
                + ("; ".join(changes) if changes else "hold every rung")
                + ("; hold the rest" if changes and len(changes) < len(now) else "")
                + ". You may change it until the turn is played.",
                classes=["wg-pending"],
            )
        kind, text = message
        if kind == "error":
            solara.Error(text)


# -- facilitator ------------------------------------------------------------------------------------
