"""The facilitator's page (``/facilitator?token=F``): set up or reload a game, run its turns, and
the cards of :mod:`sim.serve.panels` that show it."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import solara

from sim.errors import WargameError
from sim.play.game import Game, same_token
from sim.serve.host import current, default_teams, playable
from sim.serve.literal import Link, Text
from sim.serve.panels import AfterAction, EventLog, NetworkCard, TimelineCard, WhatIf
from sim.serve.widgets import Countdown, base_url, error_text, use_host_version

TEAM_NAMES = ["Blue", "Red", "Green", "Gold", "Purple", "Teal"]


@solara.component
def FacilitatorPage(token: str) -> None:
    """The whole facilitator page: set-up while there is no game, else its controls and cards;
    refused without the facilitator's token."""
    host = current()
    version = use_host_version(host)  # passed down: Solara skips children whose arguments are equal
    setting_up, set_setting_up = solara.use_state(False)
    solara.Title("alliance-wargame: facilitator")
    if not same_token(host.token, token):
        solara.Error(
            "This page needs the facilitator's link (the one `wargame serve` printed).",
            classes=["wg-refused"],
        )
        return
    game = host.game
    if game is None or setting_up:
        with solara.Columns([3, 2]):
            Setup(token, on_started=lambda: set_setting_up(False))
            LoadGame(token, on_loaded=lambda: set_setting_up(False))
        if game is not None:
            solara.Button("Back to the game", on_click=lambda: set_setting_up(False))
        return
    g = id(game)  # keys: a new game gets new cards (their state belongs to the old game's rules)
    with solara.Columns([3, 2]):
        with solara.Column():
            Controls(token, game, version, on_new=lambda: set_setting_up(True)).key(f"ctl-{g}")
            NetworkCard(game, version).key(f"net-{g}")
            TimelineCard(game, version).key(f"time-{g}")
        with solara.Column():
            if game.over:  # keys keep the other cards' state when this one appears
                AfterAction(token, game, version).key(f"aar-{g}")
            Seats(game, version).key(f"seats-{g}")
            EventLog(game, version).key(f"log-{g}")
            WhatIf(token, game, version).key(f"whatif-{g}")


@solara.component
def Setup(token: str, on_started: Callable[[], None]) -> None:
    """The "New game" card: scenario, seed, changed parameters, team names and which team (or
    the engine) plays each actor."""
    host = current()
    scenarios = host.scenarios()
    scenario, set_scenario = solara.use_state(host.scenario or (scenarios[0] if scenarios else ""))
    seed, set_seed = solara.use_state(0)
    extra, set_extra = solara.use_state("")
    names, set_names = solara.use_state(TEAM_NAMES[:2])
    message, set_message = solara.use_state("")
    problem = ""
    try:
        actors = playable(scenario) if scenario else []
    except WargameError as exc:
        actors, problem = [], error_text(exc)
    first = list(default_teams(scenario)) if actors else []
    assign, set_assign = solara.use_state(
        {a: (names[first.index(a)] if a in first else "engine") for a in actors}
    )

    def choose_scenario(path: str) -> None:
        set_scenario(path)
        try:
            firsts = list(default_teams(path))
            set_assign(
                {a: names[firsts.index(a)] if a in firsts else "engine" for a in playable(path)}
            )
        except WargameError as exc:
            set_message(error_text(exc))

    def start() -> None:
        teams: dict[str, list[str]] = {n: [] for n in names}
        for actor, team in assign.items():
            if team in teams:
                teams[team].append(actor)
        overrides = [line.strip() for line in extra.splitlines() if line.strip()]
        try:
            host.start(token, scenario, teams, seed=seed, overrides=overrides)
        except WargameError as exc:
            set_message(error_text(exc))
            return
        set_message("")
        on_started()

    with solara.Card("New game"):
        solara.Select("Scenario", values=scenarios, value=scenario, on_value=choose_scenario)
        solara.InputInt("Seed", value=seed, on_value=set_seed)
        solara.InputText(
            "Changed parameters, one per line (e.g. turns.limit=12)",
            value=extra,
            on_value=set_extra,
            continuous_update=True,
        )
        solara.Markdown("**Teams** (rename them here; actors left to the engine are played by it)")
        _team_names(names, set_names, set_assign)
        _actor_teams(actors, names, assign, set_assign)
        solara.Button("Start game", on_click=start, color="primary", classes=["wg-start"])
        if message or problem:
            solara.Error(message or problem)


def _team_names(
    names: list[str], set_names: Callable[[Any], None], set_assign: Callable[[Any], None]
) -> None:
    """The team name fields (a renamed team keeps its actors) and the "Add team" button.

    A plain function drawn inside ``Setup``'s card: it holds no state of its own."""
    with solara.Row():
        for i, n in enumerate(names):

            def rename(v: str, i: int = i) -> None:
                old = names[i]
                set_names(lambda ns: [v if k == i else x for k, x in enumerate(ns)])
                set_assign(lambda a: {k: (v if t == old else t) for k, t in a.items()})

            solara.InputText(f"Team {i + 1}", value=n, on_value=rename)
        if len(names) < len(TEAM_NAMES):
            solara.Button("Add team", on_click=lambda: set_names([*names, TEAM_NAMES[len(names)]]))


def _actor_teams(
    actors: list[str],
    names: list[str],
    assign: dict[str, str],
    set_assign: Callable[[Any], None],
) -> None:
    """One row per playable actor: who plays it, the engine or one of the teams."""
    for actor in actors:
        with solara.Row(style={"align-items": "center"}):
            solara.Text(actor, style={"width": "110px", "font-weight": "bold"})

            def put(v: str, actor: str = actor) -> None:
                set_assign(lambda a: {**a, actor: v})

            solara.ToggleButtonsSingle(
                value=assign.get(actor, "engine"),
                values=["engine", *names],
                on_value=put,
                dense=True,
            )


@solara.component
def LoadGame(token: str, on_loaded: Callable[[], None]) -> None:
    """Reload a saved game (autosaved ones keep their seat links) or an uploaded transcript."""
    host = current()
    saved = [str(p) for p in host.saved_games()[:30]]
    pick, set_pick = solara.use_state(saved[0] if saved else None)
    message, set_message = solara.use_state("")

    def load(path: str | Path, keep: bool = True) -> None:
        try:
            host.load(token, path, keep_seats=keep)
        except WargameError as exc:
            set_message(error_text(exc))
            return
        set_message("")
        on_loaded()

    def dropped(info: Any) -> None:
        folder = host.games_dir / f"uploaded-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "transcript.jsonl"
        path.write_bytes(info["data"])
        load(path, keep=False)

    with solara.Card("Reload a saved game"):
        if saved:
            solara.Select("Saved games", values=saved, value=pick, on_value=set_pick)
            solara.Button("Reload", on_click=lambda: pick and load(pick), disabled=not pick)
        else:
            solara.Text("No saved games yet.", classes=["wg-muted"])
        solara.FileDrop(label="…or drop a transcript (.jsonl) here", on_file=dropped, lazy=False)
        if message:
            solara.Error(message)


@solara.component
def Controls(token: str, game: Game, version: int, on_new: Callable[[], None]) -> None:
    """The game card: where the turn stands, play/force/pause, injects, auto-play and the timer.
    ``version`` is unused but makes Solara redraw the card when the game changes."""
    host = current()
    message, set_message = solara.use_state("")
    injects = list(game.c.scenario.injects)
    inject, set_inject = solara.use_state(injects[0] if injects else None)
    s = game.c.scenario

    def do(fn: Callable[[], Any]) -> Callable[[], None]:
        def run() -> None:
            try:
                fn()
                set_message("")
            except WargameError as exc:
                set_message(error_text(exc))

        return run

    waiting = game.waiting_for()
    with solara.Card(f"{s.title or s.name}: turn {game.turn} of {s.turns.limit}"):
        Countdown().key(f"clock-{game.turn}")
        if game.over:
            solara.Success(f"Game over after {game.turn} turns: {game.outcome}.")
        elif game.paused:
            solara.Warning("Paused: teams can still submit; no turn is played.")
        elif waiting:
            solara.Info(f"Waiting for: {', '.join(waiting)}", classes=["wg-waiting"])
        else:
            solara.Info("Every team has moved.", classes=["wg-waiting"])
        _turn_buttons(token, game, bool(waiting), do, on_new)
        if injects:
            with solara.Row(style={"align-items": "center"}):
                solara.Select("Inject", values=injects, value=inject, on_value=set_inject)
                solara.Button(
                    "Fire inject",
                    on_click=do(lambda: inject and host.fire_inject(token, inject)),
                    disabled=game.over,
                )
        _pace(token, do)
        if message:
            solara.Error(message)
        solara.Text(
            "Force turn, or a timer running out: the engine plays the teams that have not moved.",
            classes=["wg-muted"],
        )


Guarded = Callable[[Callable[[], Any]], Callable[[], None]]


def _turn_buttons(
    token: str, game: Game, waiting: bool, do: Guarded, on_new: Callable[[], None]
) -> None:
    """Play turn (once every team moved), Force turn, Pause/Resume and New game.

    A plain function drawn inside ``Controls``' card; ``do`` shows a refusal in that card."""
    host = current()
    with solara.Row():
        solara.Button(
            "Play turn",
            on_click=do(lambda: host.adjudicate(token)),
            color="primary",
            disabled=game.over or game.paused or waiting,
        )
        solara.Button(
            "Force turn",
            on_click=do(lambda: host.adjudicate(token, force=True)),
            disabled=game.over or game.paused,
        )
        solara.Button(
            "Resume" if game.paused else "Pause",
            on_click=do(lambda: host.set_paused(token, not game.paused)),
            disabled=game.over,
        )
        solara.Button("New game", on_click=on_new, outlined=True)


def _pace(token: str, do: Guarded) -> None:
    """Auto-play (a turn as soon as every team moved) and the turn timer, for the whole game."""
    host = current()
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
        solara.Checkbox(
            label="play the turn as soon as every team has moved",
            value=host.auto_play,
            on_value=lambda on: do(lambda: host.set_auto_play(token, on))(),
        )
        solara.InputInt(
            "Turn timer, seconds (0: none)",
            value=host.turn_seconds,
            on_value=lambda v: do(lambda: host.set_timer(token, int(v or 0)))(),
            style={"max-width": "220px"},
        )


@solara.component
def Seats(game: Game, version: int) -> None:
    """The teams, whether they have moved, and (on request: the page may be on the projector)
    their links."""
    shown, set_shown = solara.use_state(False)
    with solara.Card("Teams"):
        for t in game.teams.values():
            state = "has moved" if t.submitted else "thinking"
            with solara.Div(classes=["wg-seat"]):
                Text("• ", (t.name, "b"), f" ({', '.join(t.actors)}): {state}")
                if shown:
                    Link(f"{base_url()}/team?token={t.token}")
        solara.Checkbox(
            label="show the team links (not while projecting: a link lets anyone play that team)",
            value=shown,
            on_value=set_shown,
        )
