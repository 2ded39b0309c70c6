"""``wargame play``: the facilitated game in a terminal (hot-seat), moves chosen by number on stdin.

Scriptable: ``yes 1 | wargame play scenarios/senkaku_grey_zone.yaml --as Japan`` plays to the end. At
the end of input the remaining turns are played by the engine.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from typing import TextIO

from sim.play.aar import after_action, summary_text
from sim.play.game import Game


def _answers(stream: TextIO) -> Iterator[str | None]:
    """The input lines, stripped, then None for ever (the end of input)."""
    for line in stream:
        yield line.strip()
    while True:
        yield None


def play(
    scenario: str,
    actors: list[str],
    seed: int = 0,
    overrides: list[str] | None = None,
    stdin: TextIO | None = None,
    out: TextIO | None = None,
    runs: int = 2000,
    transcript: str | None = None,
) -> Game:
    """Play a game with one team per actor in ``actors``; return the finished game."""
    stdin = stdin or sys.stdin
    out = out or sys.stdout
    game = Game(scenario, {a: [a] for a in actors}, seed=seed, overrides=overrides)
    answers = _answers(stdin)
    say = lambda *a: print(*a, file=out)  # noqa: E731
    s = game.c.scenario
    say(
        f"{s.title or s.name}: you play {', '.join(actors)}; {s.turns.limit} turns of {s.turns.step}."
    )
    if s.briefing:
        say(s.briefing.strip())
    engine_only = False
    while not game.over:
        say(f"\n=== Turn {game.turn + 1} ===")
        for team in game.teams.values():
            engine_only = _play_team(game, team.token, answers, say, engine_only)
        events = game.adjudicate(game.facilitator_token, force=True)
        for ev in events:
            if ev["kind"] != "hold":
                say(f"  {ev['text']}")
    say(f"\nOutcome: {game.outcome} (turn {game.turn})")
    say("")
    say(summary_text(after_action(game, runs=runs)))
    if transcript:
        game.save(transcript)
        say(f"\ntranscript: {transcript}")
    return game


def _play_team(
    game: Game,
    token: str,
    answers: Iterator[str | None],
    say: Callable[..., None],
    engine_only: bool,
) -> bool:
    """Show one team what it observes and ask its move toward each target; answers whether the
    engine plays from here on (the input ended)."""
    view = game.team_view(token)
    for r in view["observed"]:
        say(f"  you observe {r['actor']} at {r['observed']} toward {r['toward']}")
    for actor, targets in game.options(token).items():
        moves = {}
        for target, allowed in targets.items():
            current = next(
                r["rung"] for r in view["own"] if r["actor"] == actor and r["toward"] == target
            )
            if engine_only:
                continue
            say(f"{actor} toward {target} (now {current}):")
            for i, rung in enumerate(allowed, 1):
                say(f"  {i}. {rung}")
            choice = _ask(answers, allowed, say)
            if choice is None:
                engine_only = True
                say("  (end of input: the engine plays from here)")
            else:
                moves[target] = choice
        if moves:
            game.submit(token, actor, moves)
    return engine_only


def _ask(answers: Iterator[str | None], allowed: list[str], say: Callable[..., None]) -> str | None:
    """The rung chosen by number (asking again until the number is valid); None at end of input."""
    while True:
        ans = next(answers)
        if ans is None:
            return None
        if ans.isdigit() and 1 <= int(ans) <= len(allowed):
            return allowed[int(ans) - 1]
        say(f"  choose a number from 1 to {len(allowed)}")
