"""``wargame docs``: regenerate the generated documentation (and, on request, shown outputs)."""

from __future__ import annotations

import argparse
import sys

NAME = "docs"
HELP = "regenerate docs/scenario-format.md, docs/scenario.schema.json and docs/data.md"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """``--dir``, ``--outputs`` and ``--check-outputs``."""
    p.add_argument("--dir", default="docs", help="docs folder (default: docs)")
    p.add_argument(
        "--outputs",
        nargs="?",
        const="all",
        choices=["all", "quick"],
        default=None,
        help="also re-run the commands whose output README.md and docs/*.md show, and splice in "
        "what they print (quick: skip the slow ones); run from the repository's root",
    )
    p.add_argument(
        "--check-outputs",
        action="store_true",
        help="re-run the shown commands and list the stale outputs (exit 1 if any), writing nothing",
    )


def run(args: argparse.Namespace) -> int:
    """Write the generated pages; with ``--check-outputs``, exit 1 if a shown output is stale."""
    from pathlib import Path

    from sim.outputs import datadict
    from sim.scenario.docs import write_docs

    for path in [*write_docs(Path(args.dir)), datadict.write(Path(args.dir))]:
        print(f"wrote {path}")
    if args.outputs or args.check_outputs:
        from sim.outputs import shown

        def log(text: str) -> None:
            print(text, file=sys.stderr, flush=True)

        stale = shown.regenerate(slow=args.outputs != "quick", check=args.check_outputs, log=log)
        verb = "stale" if args.check_outputs else "regenerated"
        for label in stale:
            print(f"{verb}: {label}")
        if args.check_outputs and stale:
            return 1
    return 0
