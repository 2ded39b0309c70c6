"""The ``wargame`` command line: one module per command in this package, each with
``add_arguments(parser)`` and ``run(args) -> int`` (and ``NAME``, ``HELP``, optionally
``DESCRIPTION`` and ``ALIASES``). ``COMMANDS`` lists them in the order ``--help`` shows them;
errors exit with status 2 on one line (see ``sim.cli.common.run_command``)."""

from __future__ import annotations

import argparse
import gc
from collections.abc import Sequence
from types import ModuleType

from sim import __version__, heap, mesa_core, numba_probe
from sim.cli import (
    analyse,
    backtest,
    bench,
    calibrate,
    check,
    compare,
    docs,
    play,
    report,
    run,
    schema,
    serve,
    sweep,
    validate,
    viz,
)
from sim.cli.common import NUMBERS, Parser, check_numbers, print_summary, run_command

__all__ = [
    "COMMANDS",
    "EPILOG",
    "NUMBERS",
    "build_parser",
    "check_numbers",
    "main",
    "print_summary",
]

EPILOG = """\
examples:
  wargame validate scenarios/*.yaml            check scenario files, report every problem
  wargame run scenarios/taiwan_contingency.yaml --runs 2000 --seed 1
  wargame run scenarios/senkaku_grey_zone.yaml --runs 1 --explain
  wargame run scenarios/taiwan_contingency.yaml --set relations.us_japan.credibility=0.95
  wargame check my_scenario.yaml               determinism and coverage checks for authors
  wargame schema > scenario.schema.json        JSON Schema for editor autocompletion
  yes 1 | wargame play scenarios/senkaku_grey_zone.yaml --as Japan   a scripted terminal game
  wargame serve scenarios/taiwan_contingency.yaml --host 0.0.0.0     a classroom in the browser
  wargame backtest --checks                    score the engine against the history deck
  wargame calibrate --params scenarios/calibration/default.yaml   fit rule weights to the deck

Docs: README.md, docs/scenario-format.md (the format), docs/model.md (the rules).
"""

# The subcommands, in the order `wargame --help` lists them. A new command is a module with
# NAME, HELP, add_arguments and run, and one entry here.
COMMANDS: list[ModuleType] = [
    validate,
    schema,
    docs,
    run,
    sweep,
    analyse,
    play,
    report,
    compare,
    check,
    bench,
    viz,
    serve,
    backtest,
    calibrate,
]


def build_parser() -> argparse.ArgumentParser:
    """The ``wargame`` parser: the global options and one subparser per module of ``COMMANDS``."""
    parser = Parser(
        prog="wargame",
        description="alliance-wargame: run Indo-Pacific crisis scenarios (YAML) as agent-based "
        "simulations and get outcome distributions over many replications.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"wargame {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        extra = {"description": command.DESCRIPTION} if hasattr(command, "DESCRIPTION") else {}
        p = sub.add_parser(
            command.NAME, aliases=getattr(command, "ALIASES", []), help=command.HELP, **extra
        )
        command.add_arguments(p)
        p.set_defaults(func=command.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one ``wargame`` command (``argv``, default the command line); its exit status."""
    mesa_core.defer()  # the engine's process: Mesa's core only, until more is asked for
    numba_probe.skip()  # numba's set-up without SciPy's linear algebra (sim/numba_probe.py)
    heap.keep_freed()  # freed arrays stay in the heap for the next turn (sim/heap.py)
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    return run_command(args.func, args)


def console() -> int:
    """Entry point of the ``wargame`` console script (and ``python -m sim.cli``): :func:`main`,
    then every object alive is frozen out of the garbage collector's sight, so that the process
    ends without a last full collection over everything the engine imported (numba's types, the
    kernels, pydantic's schemas): that collection took 0.3 to 0.5 s after every command, its
    output already written (docs/performance.md, fifteenth round). Exit handlers still run."""
    status = main()
    gc.freeze()
    return status
