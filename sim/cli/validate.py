"""``wargame validate``: check scenario (or sweep) files and report every problem."""

from __future__ import annotations

import argparse
import sys

from sim.cli.common import add_set

NAME = "validate"
HELP = "check scenario (or sweep) files and report every problem"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The files to check and ``--set``."""
    p.add_argument("files", nargs="+", metavar="FILE", help="scenario or sweep YAML files to check")
    add_set(p)


def run(args: argparse.Namespace) -> int:
    """Load every file; print one ok line per good file and every problem of the others."""
    from sim.errors import Problem, ScenarioError
    from sim.scenario import load_scenario
    from sim.sweeps.spec import is_sweep_file, load_sweep

    status = 0
    for path in args.files:
        try:
            if is_sweep_file(path):
                if args.overrides:
                    msg = "--set applies to scenarios; a sweep file sets its own with `set:`"
                    raise ScenarioError([Problem(path, 1, 1, "", msg)])
                spec, _ = load_sweep(path)
                print(
                    f"{path}: ok (sweep of {spec.scenario}: {len(spec.parameters)} parameters, "
                    f"design {spec.design})"
                )
                continue
            s = load_scenario(path, args.overrides)
        except ScenarioError as exc:
            print(str(exc), file=sys.stderr)
            status = 2
            continue
        print(
            f"{path}: ok ({s.name}: {len(s.actors)} actors, {len(s.relations)} relations, "
            f"{len(s.outcomes)} outcomes)"
        )
    return status
