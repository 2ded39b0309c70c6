"""``wargame check``: for scenario authors — validate, test determinism, find dead outcomes."""

from __future__ import annotations

import argparse
import sys

from sim.cli.common import add_set, load, print_summary

NAME = "check"
HELP = "for scenario authors: validate, test determinism, find dead outcomes"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The scenario, the size and seed of both runs, ``--levers`` and ``--set``."""
    p.add_argument("scenario", metavar="SCENARIO", help="scenario YAML file")
    p.add_argument(
        "--runs",
        type=int,
        default=None,
        help="replicates of each of the two runs (default 2000); 300 per arm with --levers",
    )
    p.add_argument("--seed", type=int, default=0, help="seed of both runs (default 0)")
    p.add_argument("--block", type=int, default=1000, help="replicates per block (default 1000)")
    p.add_argument(
        "--levers",
        nargs="?",
        const="",
        default=None,
        metavar="PREFIX",
        help="screen every parameter (or those under PREFIX) for a measurable effect",
    )
    add_set(p)


def run(args: argparse.Namespace) -> int:
    """Run the scenario twice with one seed (must agree), then warn about what never happens."""
    import numpy as np

    from sim.runner.montecarlo import run_montecarlo

    if args.runs is None:
        args.runs = 300 if args.levers is not None else 2000
    c = load(args)
    print(
        f"{args.scenario}: valid ({c.n_actors} actors, {len(c.src)} rivalry dyads, "
        f"{len(c.link_g)} commitment links)"
    )
    a = run_montecarlo(c, args.runs, args.seed, args.block)
    b = run_montecarlo(c, args.runs, args.seed, args.block)
    same = all(np.array_equal(a.columns[k], b.columns[k]) for k in a.columns)
    if not same:
        print("FAIL: two runs with the same seed gave different outcomes", file=sys.stderr)
        return 1
    print(f"deterministic: two runs of {args.runs} replicates with seed {args.seed} are identical")
    warnings = _coverage_warnings(c, a)
    from sim.outputs.summary import summarise

    summary = summarise(a.counts(), {"scenario": c.scenario.name, "seed": args.seed})
    print_summary(summary, {k: v.description for k, v in c.scenario.outcomes.items()})
    if args.levers is not None:
        from sim.runner.levers import check_levers

        warnings += check_levers(
            args.scenario, args.runs, args.seed, args.levers, args.overrides, args.block
        )
    print(f"check: ok, {warnings} warning(s)")
    return 0


def _coverage_warnings(c, a) -> int:
    """Print a warning for each outcome never reached, inject never due and actor never moved."""
    warnings = 0
    for name, count in a.counts().items():
        if count == 0:
            print(f"warning: outcome {name!r} was reached by no replicate")
            warnings += 1
    limit = c.scenario.turns.limit
    for name, inj in c.scenario.injects.items():
        if inj.turn > limit:
            print(
                f"warning: inject {name!r} is scheduled at turn {inj.turn}, after the turn limit {limit}"
            )
            warnings += 1
    for actor, acted in a.acted.items():
        if not acted:
            print(
                f"warning: actor {actor!r} never acted (no rivalry, dispute or commitment moved it)"
            )
            warnings += 1
    return warnings
