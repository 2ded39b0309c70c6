"""Solara pages of ``wargame serve``: the facilitator's page and the team seats.

- ``/facilitator?token=F``  set up, run and review the game (F is printed by ``wargame serve``)
- ``/team?token=T``         one team's seat (links shown on the facilitator's page)

Pages hold no game state: every click is a request to the :class:`~sim.serve.host.GameHost`, which
checks the token and the doctrine, and every page redraws when the host's version changes. Closing a
tab loses nothing; reopening the link shows the seat as it is.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qs

import solara

from sim.errors import WargameError
from sim.play import charts
from sim.play.aar import html_report, summary_text
from sim.play.game import Game, GameError, same_token
from sim.serve.host import GameHost, current, default_teams, playable
from sim.serve.jobs import Job

T = TypeVar("T")
log = logging.getLogger(__name__)
TEAM_NAMES = ["Blue", "Red", "Green", "Gold", "Purple", "Teal"]
WHATIF_RULES = {  # rule weight -> slider maximum (the rules' meaning is in docs/model.md)
    "deterrence": 3.0,
    "reciprocity": 3.0,
    "obligation": 3.0,
    "security_dilemma": 1.5,
    "cost_scale": 3.0,
    "audience_cost": 2.0,
    "observation_noise": 1.5,
    "temperature": 0.5,
}
CSS = """
.wg-log { font-family: ui-monospace, monospace; font-size: 12px; white-space: pre-wrap;
          max-height: 420px; overflow-y: auto; background: #f7f7f7; padding: 8px; }
.wg-muted { color: #666; font-size: 13px; }
"""


# -- hooks ------------------------------------------------------------------------------------------
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
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def base_url() -> str:
    return os.environ.get("WARGAME_URL", "").rstrip("/")


# -- entry ------------------------------------------------------------------------------------------
def use_token() -> str:
    """The ``token`` query parameter of the page's address."""
    query = parse_qs(solara.use_router().search or "")
    return (query.get("token") or [""])[0]


@solara.component
def Layout(children: list[Any] = []) -> None:  # noqa: B006 - Solara's layout signature
    """A plain page: no navigation tabs (a team must not be pointed at the other pages)."""
    solara.Style(CSS)
    solara.Column(children=children, style={"padding": "12px 20px"})


@solara.component
def Home() -> None:
    solara.Title("alliance-wargame")
    solara.Markdown(
        "# alliance-wargame\n\nTeams: open the link your facilitator gave you. "
        "Facilitators: open the link `wargame serve` printed."
    )


@solara.component
def Team() -> None:
    TeamPage(use_token())


@solara.component
def Facilitator() -> None:
    FacilitatorPage(use_token())


routes = [
    solara.Route(path="/", component=Home, layout=Layout),
    solara.Route(path="team", component=Team, layout=Layout),
    solara.Route(path="facilitator", component=Facilitator, layout=Layout),
]


# -- team seat --------------------------------------------------------------------------------------
@solara.component
def TeamPage(token: str) -> None:
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
    solara.Markdown(
        f"# Team {view['team']}: {', '.join(view['actors'])}\n"
        f"**{s.title or s.name}** · {view['turn']} of {s.turns.limit} turns played "
        f"({s.turns.step} each)"
    )
    if view["over"]:
        solara.Success(f"The game is over: {view['outcome']}.")
        aar = host.jobs.get("aar")
        if aar is not None and aar.result is not None:
            solara.Markdown(f"```\n{summary_text(aar.result)}\n```")
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
                solara.Markdown(view["briefing"] or "_No briefing in this scenario._")
            with solara.Card("Your position"):
                rows = [
                    f"| {r['actor']} | {r['toward']} | {label_of(game, r['rung'])} |"
                    for r in view["own"]
                ]
                solara.Markdown("| you | toward | rung |\n|---|---|---|\n" + "\n".join(rows))
            with solara.Card("What you observe"):
                rows = [
                    f"| {r['actor']} | {r['toward']} | {label_of(game, r['observed'])} |"
                    for r in view["observed"]
                ]
                solara.Markdown(
                    "Rivals' rungs as your intelligence sees them (with the scenario's "
                    "observation noise).\n\n| rival | toward | observed |\n|---|---|---|\n"
                    + "\n".join(rows)
                )


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
                solara.Markdown(
                    f"**{actor} toward {target}** · now {label_of(game, now[key])}",
                    style={"margin-top": "8px"},
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
                + ". You may change it until the facilitator plays the turn.",
                classes=["wg-pending"],
            )
        kind, text = message
        if kind == "error":
            solara.Error(text)


# -- facilitator ------------------------------------------------------------------------------------
@solara.component
def FacilitatorPage(token: str) -> None:
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
    with solara.Columns([3, 2]):
        with solara.Column():
            Controls(token, game, version, on_new=lambda: set_setting_up(True))
            NetworkCard(game, version)
            TimelineCard(game, version)
        with solara.Column():
            if game.over:  # keys keep the other cards' state when this one appears
                AfterAction(token, game, version).key("aar")
            Seats(game, version).key("seats")
            EventLog(game, version).key("log")
            WhatIf(token, game, version).key("whatif")


@solara.component
def TimelineCard(game: Game, version: int) -> None:
    turn = game.turn
    fig = solara.use_memo(lambda: charts.timeline(game), [id(game), turn])
    with solara.Card("Escalation timeline"):
        solara.FigureMatplotlib(fig, dependencies=[id(game), turn], format="png")


@solara.component
def Setup(token: str, on_started: Callable[[], None]) -> None:
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
        with solara.Row():
            for i, n in enumerate(names):

                def rename(v: str, i: int = i) -> None:
                    old = names[i]
                    set_names(lambda ns: [v if k == i else x for k, x in enumerate(ns)])
                    set_assign(lambda a: {k: (v if t == old else t) for k, t in a.items()})

                solara.InputText(f"Team {i + 1}", value=n, on_value=rename)
            if len(names) < len(TEAM_NAMES):
                solara.Button(
                    "Add team", on_click=lambda: set_names([*names, TEAM_NAMES[len(names)]])
                )
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
        solara.Button("Start game", on_click=start, color="primary", classes=["wg-start"])
        if message or problem:
            solara.Error(message or problem)


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
        with solara.Row():
            solara.Button(
                "Play turn",
                on_click=do(lambda: host.adjudicate(token)),
                color="primary",
                disabled=game.over or game.paused or bool(waiting),
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
        if injects:
            with solara.Row(style={"align-items": "center"}):
                solara.Select("Inject", values=injects, value=inject, on_value=set_inject)
                solara.Button(
                    "Fire inject",
                    on_click=do(lambda: inject and host.fire_inject(token, inject)),
                    disabled=game.over,
                )
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
        if message:
            solara.Error(message)
        solara.Text(
            "Force turn, or a timer running out: the engine plays the teams that have not moved.",
            classes=["wg-muted"],
        )


@solara.component
def Seats(game: Game, version: int) -> None:
    """The teams, whether they have moved, and (on request: the page may be on the projector)
    their links."""
    shown, set_shown = solara.use_state(False)
    with solara.Card("Teams"):
        lines = []
        for t in game.teams.values():
            state = "has moved" if t.submitted else "thinking"
            link = f"{base_url()}/team?token={t.token}"
            lines.append(
                f"- **{t.name}** ({', '.join(t.actors)}): {state}"
                + (f"<br>[{link}]({link})" if shown else "")
            )
        solara.Markdown("\n".join(lines))
        solara.Checkbox(
            label="show the team links (not while projecting: a link lets anyone play that team)",
            value=shown,
            on_value=set_shown,
        )


@solara.component
def NetworkCard(game: Game, version: int) -> None:
    """The alliance network at the latest turn, or at an earlier one (replay)."""
    shown, set_shown = solara.use_state(-1)  # -1 = follow the latest turn
    last = len(game.frames) - 1
    index = last if shown < 0 or shown > last else shown
    fig = solara.use_memo(lambda: charts.network(game, game.frames[index]), [id(game), index, last])
    with solara.Card("Alliance network"):
        solara.FigureMatplotlib(fig, dependencies=[id(game), index, last], format="png")
        if last > 0:
            solara.SliderInt(
                "Replay: show turn",
                value=index,
                min=0,
                max=last,
                on_value=lambda v: set_shown(-1 if v == last else v),
            )


@solara.component
def EventLog(game: Game, version: int) -> None:
    holds, set_holds = solara.use_state(False)
    events = [e.to_dict() for e in game.model.log]
    if not holds:
        events = [e for e in events if e["kind"] != "hold"]
    with solara.Card("Event log"):
        solara.Checkbox(label="show holds", value=holds, on_value=set_holds)
        lines = [f"T{e['turn']:>2}  {e['text']}" for e in reversed(events[-200:])]
        solara.Div(children=["\n".join(lines) or "(no events yet)"], classes=["wg-log"])


def job_of(host: GameHost, name: str) -> Job | None:
    return host.jobs.get(name)


@solara.component
def JobProgress(job: Job) -> None:
    progress = use_poll(lambda: (job.progress, job.running))
    if progress[1]:
        solara.ProgressLinear(value=progress[0] * 100)
        solara.Text(f"{progress[0]:.0%} of the simulated games done", classes=["wg-muted"])


@solara.component
def WhatIf(token: str, game: Game, version: int) -> None:
    host = current()
    rules = game.c.scenario.rules
    scalar = {k: float(v) for k in WHATIF_RULES if isinstance(v := getattr(rules, k), int | float)}
    drawn = {k: getattr(rules, k) for k in WHATIF_RULES if k not in scalar}
    values, set_values = solara.use_state(scalar)
    extra, set_extra = solara.use_state("")
    runs, set_runs = solara.use_state(2000)
    message, set_message = solara.use_state("")
    job = job_of(host, "whatif")  # its end bumps the host's version: this card redraws

    def run() -> None:
        changed = [f"rules.{k}={v:g}" for k, v in values.items() if v != getattr(rules, k)]
        changed += [line.strip() for line in extra.splitlines() if line.strip()]
        try:
            host.start_whatif(token, changed, runs=max(100, min(int(runs), 100_000)))
            set_message("")
        except WargameError as exc:
            set_message(error_text(exc))

    with solara.Card("What if?", subtitle="The Monte Carlo distribution with changed parameters"):
        for k, top in WHATIF_RULES.items():
            if k not in scalar:
                continue

            def put(v: float, k: str = k) -> None:
                set_values(lambda old: {**old, k: v})

            solara.SliderFloat(
                f"{k} (scenario: {getattr(rules, k):g})",
                value=values[k],
                min=0.0,
                max=max(top, float(getattr(rules, k)) * 2),
                step=0.05,
                on_value=put,
            )
        if drawn:
            solara.Text(
                "Drawn per game in this scenario (change them below as rules.NAME=VALUE): "
                + "; ".join(f"{k} {describe(v)}" for k, v in drawn.items()),
                classes=["wg-muted"],
            )
        solara.InputText(
            "Other changes, one per line (e.g. rules.inertia=0.3)",
            value=extra,
            on_value=set_extra,
            continuous_update=True,
        )
        solara.InputInt("Simulated games", value=runs, on_value=set_runs)
        solara.Button("Run what-if", on_click=run, color="primary", classes=["wg-whatif"])
        if message:
            solara.Error(message)
        if job is not None:
            if job.running:
                JobProgress(job).key(f"whatif-{id(job)}")
            elif job.error:
                solara.Error(f"The what-if run stopped: {job.error}")
            elif job.result is not None:
                WhatIfResult(job.result)


@solara.component
def WhatIfResult(result: dict[str, Any]) -> None:
    rows = []
    for name, base in result["baseline"].items():
        new = result["changed"].get(name, {"share": 0.0})
        delta = new["share"] - base["share"]
        rows.append(f"| {name} | {base['share']:.1%} | {new['share']:.1%} | {delta:+.1%} |")
    with solara.Div(classes=["wg-whatif-result"]):
        solara.Markdown(
            f"{result['runs']:,} games each, seed {result['seed']}; changed: "
            f"`{', '.join(result['overrides']) or 'nothing'}`\n\n"
            "| outcome | baseline | changed | difference |\n|---|---|---|---|\n" + "\n".join(rows)
        )
    fig = solara.use_memo(lambda: charts.distribution(result), [id(result)])
    solara.FigureMatplotlib(fig, dependencies=[id(result)], format="png")


@solara.component
def AfterAction(token: str, game: Game, version: int) -> None:
    host = current()
    job = job_of(host, "aar")
    with solara.Card("After-action review"):
        if job is None:
            solara.Button("Compute", on_click=lambda: host.start_aar(token))
            return
        if job.running:
            solara.Text(f"Simulating {host.aar_runs:,} games of this scenario…")
            JobProgress(job).key(f"aar-{id(job)}")
            return
        if job.error or job.result is None:
            solara.Error(f"The review could not be computed: {job.error}")
            return
        AarResult(game, job.result)


@solara.component
def AarResult(game: Game, a: dict[str, Any]) -> None:
    host = current()
    solara.Div(children=[summary_text(a)], classes=["wg-log", "wg-aar"])
    dist = {
        "distribution": {
            k: {"share": v, "lo": a["intervals"][k][0], "hi": a["intervals"][k][1]}
            for k, v in a["distribution"].items()
        }
    }
    fig = solara.use_memo(lambda: charts.distribution(dist, a["outcome"]), [id(a)])
    solara.FigureMatplotlib(fig, dependencies=[id(a)], format="png")
    with solara.Row(style={"flex-wrap": "wrap"}):
        solara.FileDownload(
            lambda: html_report(game, a).encode(),
            filename=f"{host.game_id}-aar.html",
            label="After-action report (HTML)",
        )
        solara.FileDownload(
            lambda: game.transcript_text().encode(),
            filename=f"{host.game_id}-transcript.jsonl",
            label="Transcript (JSONL)",
        )
    solara.Text(f"Also saved in {host.games_dir / str(host.game_id)}/", classes=["wg-muted"])
