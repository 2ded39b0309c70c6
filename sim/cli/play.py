"""``wargame play``: a game in the terminal, some actors' moves chosen by number."""

from __future__ import annotations

import argparse

from sim.cli.common import add_set
from sim.errors import WargameError

NAME = "play"
HELP = "play a game in the terminal: you choose some actors' moves by number"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The scenario, the actors played (``--as``), the seed, the review's size and ``--set``."""
    p.add_argument("scenario", metavar="SCENARIO", help="scenario YAML file")
    p.add_argument(
        "--as",
        dest="actors",
        action="append",
        default=[],
        metavar="ACTOR",
        help="an actor you play (repeatable: hot-seat)",
    )
    p.add_argument(
        "--seed",
        type=int,
        default=0,
        help="seed of the game's world (default 0): same seed, same game",
    )
    p.add_argument(
        "--runs", type=int, default=2000, help="simulated games for the after-action review"
    )
    p.add_argument(
        "--transcript", default=None, metavar="FILE.jsonl", help="save the game transcript"
    )
    add_set(p)


def run(args: argparse.Namespace) -> int:
    """Play the game on this terminal."""
    from sim.play.terminal import play
    from sim.runner.kernels import warm_here

    if not args.actors:
        raise WargameError("name at least one actor to play with --as, e.g. --as Japan")
    warm_here(say=True)  # after an install: compile the kernels on every core before turn 1
    play(
        args.scenario,
        args.actors,
        seed=args.seed,
        overrides=args.overrides,
        runs=args.runs,
        transcript=args.transcript,
    )
    return 0
