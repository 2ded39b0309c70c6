"""The ``wargame`` command line. Each subcommand is a small function; errors exit with status 2."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from sim import __version__
from sim.errors import WargameError

EPILOG = """\
examples:
  wargame validate scenarios/*.yaml            check scenario files, report every problem
  wargame run scenarios/taiwan_contingency.yaml --runs 2000 --seed 1
  wargame run scenarios/senkaku_grey_zone.yaml --runs 1 --explain
  wargame run scenarios/taiwan_contingency.yaml --set relations.us_japan.credibility=0.95
  wargame check my_scenario.yaml               determinism and coverage checks for authors
  wargame schema > scenario.schema.json        JSON Schema for editor autocompletion

Docs: README.md, docs/scenario-format.md (the format), docs/model.md (the rules).
"""


def _add_set(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="override a scenario field, e.g. actors.Japan.resolve=0.8 (repeatable)",
    )


def cmd_validate(args: argparse.Namespace) -> int:
    from sim.errors import ScenarioError
    from sim.scenario import load_scenario

    status = 0
    for path in args.files:
        try:
            s = load_scenario(path, args.overrides)
        except ScenarioError as exc:
            print(str(exc), file=sys.stderr)
            status = 2
            continue
        print(f"{path}: ok ({s.name}: {len(s.actors)} actors, {len(s.relations)} relations, "
              f"{len(s.outcomes)} outcomes)")
    return status


def cmd_schema(args: argparse.Namespace) -> int:
    from sim.scenario.jsonschema import schema_text

    sys.stdout.write(schema_text())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wargame",
        description="alliance-wargame: run Indo-Pacific crisis scenarios (YAML) as agent-based "
        "simulations and get outcome distributions over many replications.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"wargame {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("validate", help="check scenario files and report every problem")
    p.add_argument("files", nargs="+", metavar="FILE")
    _add_set(p)
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("schema", help="print the JSON Schema of the scenario format")
    p.set_defaults(func=cmd_schema)

    for extra in _EXTRA_COMMANDS:
        extra(sub)
    return parser


_EXTRA_COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = []


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``wargame`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except WargameError as exc:
        print(f"wargame: {exc}" if "\n" not in str(exc) and ":" not in str(exc)[:3] else str(exc), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("wargame: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
