"""The facilitator's cards that show the game: network (with replay), timeline, event log, what-if
and the after-action review. Each takes the host's ``version`` so that it redraws when the game
changes (Solara skips a child whose arguments are unchanged)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import solara

from sim.errors import WargameError
from sim.play import charts
from sim.play.aar import html_report, summary_text
from sim.play.game import Game
from sim.serve.host import GameHost, current
from sim.serve.jobs import WHATIF_RUNS, Job
from sim.serve.literal import Table, Text
from sim.serve.widgets import describe, error_text, use_poll

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
def TimelineCard(game: Game, version: int) -> None:
    """The escalation timeline chart, redrawn once per turn."""
    turn = game.turn
    fig = solara.use_memo(lambda: charts.timeline(game), [id(game), turn])
    with solara.Card("Escalation timeline"):
        solara.FigureMatplotlib(fig, dependencies=[id(game), turn], format="png")


@solara.component
def EventLog(game: Game, version: int) -> None:
    """The game's events, newest first (holds hidden unless asked for)."""
    holds, set_holds = solara.use_state(False)
    events = game.events()
    if not holds:
        events = [e for e in events if e["kind"] != "hold"]
    with solara.Card("Event log"):
        solara.Checkbox(label="show holds", value=holds, on_value=set_holds)
        lines = [f"T{e['turn']:>2}  {e['text']}" for e in reversed(events[-200:])]
        solara.Div(children=["\n".join(lines) or "(no events yet)"], classes=["wg-log"])


def job_of(host: GameHost, name: str) -> Job | None:
    """The host's background job of that name (``whatif``, ``aar``), if one was started."""
    return host.jobs.get(name)


@solara.component
def JobProgress(job: Job) -> None:
    """A progress bar for a running job, polled (the job runs in its own thread)."""
    progress = use_poll(lambda: (job.progress, job.running))
    if progress[1]:
        solara.ProgressLinear(value=progress[0] * 100)
        solara.Text(f"{progress[0]:.0%} of the simulated games done", classes=["wg-muted"])


@solara.component
def WhatIf(token: str, game: Game, version: int) -> None:
    """The what-if card: change rule weights or any parameter, run a Monte Carlo in the
    background, and compare its outcome shares with the scenario's."""
    host = current()
    rules = game.c.scenario.rules
    scalar = {k: float(v) for k in WHATIF_RULES if isinstance(v := getattr(rules, k), int | float)}
    drawn = {k: getattr(rules, k) for k in WHATIF_RULES if k not in scalar}
    values, set_values = solara.use_state(scalar)
    extra, set_extra = solara.use_state("")
    runs, set_runs = solara.use_state(WHATIF_RUNS)
    message, set_message = solara.use_state("")
    job = job_of(host, "whatif")  # its end bumps the host's version: this card redraws

    def run() -> None:
        changed = [
            f"rules.{k}={v:g}" for k, v in values.items() if k in scalar and moved(v, scalar[k])
        ]
        changed += [line.strip() for line in extra.splitlines() if line.strip()]
        try:
            host.start_whatif(token, changed, runs=max(100, min(int(runs), 100_000)))
            set_message("")
        except WargameError as exc:
            set_message(error_text(exc))

    with solara.Card("What if?", subtitle="The Monte Carlo distribution with changed parameters"):
        _rule_sliders(rules, scalar, values, set_values)
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


SLIDER_STEP = 0.05


def moved(value: float, scenario: float) -> bool:
    """Whether a slider says something other than the scenario's value. A slider snaps to its
    step (a calibrated 2.07028 shows as 2.05), so a difference under half a step is the snap, not
    a change the facilitator asked for."""
    return abs(value - scenario) > SLIDER_STEP / 2


def _rule_sliders(
    rules: Any,
    scalar: dict[str, float],
    values: dict[str, float],
    set_values: Callable[[Any], None],
) -> None:
    """One slider per what-if rule weight the scenario fixes to a number, from 0 up to twice its
    value or its ``WHATIF_RULES`` maximum, whichever is larger. A plain function drawn inside
    ``WhatIf``'s card."""
    for k, top in WHATIF_RULES.items():
        if k not in scalar:
            continue

        def put(v: float, k: str = k) -> None:
            set_values(lambda old: {**old, k: v})

        solara.SliderFloat(
            f"{k} (scenario: {getattr(rules, k):g})",
            value=values.get(k, scalar[k]),
            min=0.0,
            max=max(top, float(getattr(rules, k)) * 2),
            step=SLIDER_STEP,
            on_value=put,
        )


@solara.component
def WhatIfResult(result: dict[str, Any]) -> None:
    """The what-if's outcome shares, baseline against changed, with their differences."""
    rows = []
    for name, base in result["baseline"].items():
        new = result["changed"].get(name, {"share": 0.0})
        delta = new["share"] - base["share"]
        rows.append([name, f"{base['share']:.1%}", f"{new['share']:.1%}", f"{delta:+.1%}"])
    with solara.Div(classes=["wg-whatif-result"]):
        Text(
            f"{result['runs']:,} games each, seed {result['seed']}; changed: "
            f"{', '.join(result['overrides']) or 'nothing'}"
        )
        Table(["outcome", "baseline", "changed", "difference"], rows)
    fig = solara.use_memo(lambda: charts.distribution(result), [id(result)])
    solara.FigureMatplotlib(fig, dependencies=[id(result)], format="png")


@solara.component
def AfterAction(token: str, game: Game, version: int) -> None:
    """The after-action card once the game is over: computes (in the background) how
    often simulated games ended as this one did."""
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
    """The after-action review: summary, outcome chart with this game's outcome marked,
    and downloads of the report and the transcript."""
    host = current()
    solara.Div(children=[summary_text(a)], classes=["wg-log", "wg-aar"])
    dist = {"distribution": a["outcomes"]}
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
