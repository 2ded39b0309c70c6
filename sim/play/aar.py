"""After-action review: the game's path beside the Monte Carlo distribution of the same scenario."""

from __future__ import annotations

import html
import io
import threading
from collections.abc import Callable
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

from sim.files import write_text_atomic
from sim.outputs.summary import summarise
from sim.play.game import Game
from sim.runner.montecarlo import MonteCarlo, run_montecarlo

DIVERGENT_BELOW = 0.5
"""A team move counts as a departure from the engine when the engine gave it less than this."""


def review_block(runs: int) -> int:
    """The block size of the review's ``runs`` games (a result setting: the blocks' seeds)."""
    return min(1000, runs)


def after_action(
    game: Game,
    runs: int = 10_000,
    seed: int | None = None,
    top: int = 5,
    progress: Callable[[float], None] | None = None,
    cancelled: threading.Event | None = None,
    pool: Executor | None = None,
    mc: MonteCarlo | None = None,
) -> dict[str, Any]:
    """Outcome of the game, the share of ``runs`` simulated games with the same outcome, and the team
    moves the engine found least likely. ``progress``/``cancelled``/``pool`` as in
    ``run_montecarlo`` (the classroom server passes its persistent worker pool); ``mc``: those
    games already played (``run_montecarlo(game.c, runs, seed, review_block(runs))``, which the
    classroom server computes while the room plays), else they are played now."""
    seed = game.seed if seed is None else seed
    if mc is not None and mc.runs != runs:
        raise ValueError(f"the review needs {runs} games, not the {mc.runs} given")
    if mc is None:
        mc = run_montecarlo(
            game.c, runs, seed, review_block(runs), progress, cancelled=cancelled, pool=pool
        )
    counts = mc.counts()
    outcomes = summarise(counts)["outcomes"]
    outcome = game.outcome
    mine = outcomes[outcome] if outcome else {"share": 0.0, "ci95": [0.0, 0.0]}
    moves = team_moves(game)
    unlikely = [m for m in moves if m["engine_probability"] < DIVERGENT_BELOW]
    divergent = sorted(unlikely, key=lambda m: m["engine_probability"])[:top]
    desc = (
        game.c.scenario.outcomes.get(outcome).description
        if outcome in game.c.scenario.outcomes
        else ""
    )
    return {
        "vocabulary": game_vocabulary(game, mc.columns),
        "outcome": outcome,
        "description": desc,
        "turns": game.turn,
        "runs": mc.runs,
        "share": mine["share"],
        "ci95": mine["ci95"],
        "distribution": {k: v["share"] for k, v in outcomes.items()},
        "outcomes": outcomes,
        "divergent": divergent,
        "team_moves": len(moves),
        "injects_fired": [r["name"] for r in game.transcript if r.get("kind") == "inject"],
    }


def team_moves(game: Game) -> list[dict[str, Any]]:
    """Every move (or hold) a team chose, with the probability the engine gave it."""
    team_of = {a: t.name for t in game.teams.values() for a in t.actors}
    moves = []
    for rec in game.transcript:
        if rec.get("kind") != "turn":
            continue
        for e in rec["events"]:
            d = e.get("details", {})
            if e["kind"] in ("move", "hold") and d.get("human"):
                moves.append(
                    {
                        "turn": e["turn"],
                        "team": team_of.get(e["actor"], "?"),
                        "actor": e["actor"],
                        "target": d["target"],
                        "from": d["from"],
                        "to": d["to"],
                        "engine_probability": d.get("probability", 1.0),
                    }
                )
    return moves


def game_vocabulary(game: Game, simulated: dict[str, Any]) -> dict[str, Any]:
    """The game on the standard vocabulary (peak violence, ending, who fought whom) beside the
    simulated games' distributions of the same."""
    from sim.outputs.vocabulary import summarise_columns
    from sim.rules.vocabulary import FOUGHT, classify

    m = game.model
    st = m.state
    cols = classify(m.vocab, st.peak, st.violent_turns, st.stop_reason, st.end_turn, st.ending)
    turn = int(cols["ending_turn"][0])
    return {
        "violence": str(cols["violence"][0]),
        "ending": str(cols["ending"][0]),
        "ending_turn": turn if turn >= 0 else None,
        "fought": [
            k[len(FOUGHT) :].replace(".", ">")
            for k, v in cols.items()
            if k.startswith(FOUGHT) and v[0]
        ],
        "simulated": summarise_columns(simulated, m.vocab),
    }


def _vocabulary_lines(a: dict[str, Any]) -> list[str]:
    v = a.get("vocabulary")
    if not v:
        return []
    sim = v["simulated"]
    lines = [""]
    for key, title in (("violence", "Peak violence"), ("ending", "Ending")):
        share = sim[key][v[key]]["share"]
        lines.append(
            f"{title} (standard vocabulary): {v[key]} in your game; {share:.0%} of the simulated "
            "games. Simulated: "
            + ", ".join(f"{k} {o['share']:.0%}" for k, o in sim[key].items() if o["count"])
        )
    if sim["endings_without_mechanism"]:
        lines.append(
            "  (no mechanism yet for: " + ", ".join(sim["endings_without_mechanism"]) + ")"
        )
    lines.append(
        "Who used force on whom in your game: " + (", ".join(v["fought"]) or "nobody") + "."
    )
    return lines


def summary_text(a: dict[str, Any]) -> str:
    """An ``after_action`` result as the text the terminal game prints: how the game
    ended, how often the simulated games did, and the whole distribution."""
    lines = [
        f"Your game ended in {a['outcome']} after {a['turns']} turns"
        + (f" ({a['description']})" if a["description"] else "")
        + ";",
        f"{a['share']:.0%} of {a['runs']:,} simulated games did (95% interval {a['ci95'][0]:.1%} to "
        f"{a['ci95'][1]:.1%}).",
        "",
        "Outcomes of the simulated games:",
    ]
    for name, share in a["distribution"].items():
        mark = "  <- your game" if name == a["outcome"] else ""
        lines.append(f"  {name:<24} {share:6.1%}{mark}")
    lines += _vocabulary_lines(a)
    if a.get("injects_fired"):
        lines += [
            "",
            f"The facilitator fired {', '.join(a['injects_fired'])}; the simulated games follow the "
            "scenario's own inject schedule.",
        ]
    if not a["divergent"] and a["team_moves"]:
        lines += ["", "The teams moved as the engine would likely have done (no move below p=0.5)."]
    if a["divergent"]:
        lines += ["", "Where the teams departed most from what the engine would likely have done:"]
        for m in a["divergent"]:
            verb = "held at" if m["from"] == m["to"] else "moved to"
            lines.append(
                f"  turn {m['turn']}: {m['actor']} ({m['team']}) {verb} {m['to']} toward {m['target']}; "
                f"the engine would have with probability {m['engine_probability']:.2f}"
            )
    return "\n".join(lines)


def _svg(fig: Any) -> str:
    """A matplotlib figure as inline SVG (the report stays one file)."""
    out = io.StringIO()
    fig.savefig(out, format="svg")
    text = out.getvalue()
    return text[text.index("<svg") :]


def html_report(game: Game, a: dict[str, Any]) -> str:
    """A self-contained after-action report: summary, the escalation timeline and the network at the
    end, the distribution of simulated games, and the explained turn-by-turn log."""
    from sim.play import charts
    from sim.rules.explain import Event, timeline

    e = html.escape
    events = [
        Event(**ev) for rec in game.transcript if rec.get("kind") == "turn" for ev in rec["events"]
    ]
    rows = "".join(
        f"<tr><td>{e(k)}</td><td>{v:.1%}</td><td>{'your game' if k == a['outcome'] else ''}</td></tr>"
        for k, v in a["distribution"].items()
    )
    body = (
        f"<!doctype html><html><head><meta charset='utf-8'><title>After-action review</title><style>"
        "body{font-family:system-ui,sans-serif;max-width:900px;margin:2em auto;padding:0 1em}"
        "td,th{border:1px solid #ddd;padding:3px 8px}table{border-collapse:collapse}"
        "pre{background:#f6f6f6;padding:.8em;font-size:.8em;white-space:pre-wrap}</style></head><body>"
        f"<h1>After-action review: {e(game.c.scenario.title or game.c.scenario.name)}</h1>"
        f"<pre>{e(summary_text(a))}</pre>"
        f"<h2>The game's path</h2>{_svg(charts.timeline(game))}{_svg(charts.network(game))}"
        f"<h2>Simulated games</h2><table>{rows}</table>{_vocabulary_html(a)}"
        f"<h2>Turn by turn</h2><pre>{e(timeline(events))}</pre></body></html>"
    )
    return body


def _vocabulary_html(a: dict[str, Any]) -> str:
    """Peak violence and ending of the game beside the simulated games' distributions."""
    v = a.get("vocabulary")
    if not v:
        return ""
    e = html.escape
    parts = ["<h2>Standard vocabulary</h2>"]
    for key, title in (("violence", "peak violence"), ("ending", "ending")):
        rows = "".join(
            f"<tr><td>{e(k)}</td><td>{o['share']:.1%}</td><td>"
            f"{'your game' if k == v[key] else ''}"
            f"{'' if o.get('mechanism', True) else 'no mechanism yet'}</td></tr>"
            for k, o in v["simulated"][key].items()
        )
        parts.append(f"<table><tr><th>{title}</th><th>simulated</th><th></th></tr>{rows}</table>")
    parts.append(
        f"<p>Who used force on whom in your game: {e(', '.join(v['fought']) or 'nobody')}.</p>"
    )
    return "".join(parts)


def write_html(game: Game, a: dict[str, Any], path: str | Path) -> Path:
    """Write :func:`html_report` to ``path`` (temporary name, then rename)."""
    return write_text_atomic(html_report(game, a), Path(path))
