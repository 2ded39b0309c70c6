"""``wargame compare``: outcome shares of two runs side by side, with a test for noise."""

from __future__ import annotations

import argparse

NAME = "compare"
HELP = "outcome shares of two runs side by side, with a test for noise"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The two run folders, ``--force``, ``--alpha`` and ``--json``."""
    p.add_argument("run_a", metavar="RUN_A", help="first run folder (A)")
    p.add_argument("run_b", metavar="RUN_B", help="second run folder (B); differences are B − A")
    p.add_argument("--force", action="store_true", help="compare runs of different scenarios")
    p.add_argument("--alpha", type=float, default=0.05, help="significance level (default 0.05)")
    p.add_argument("--json", action="store_true", help="machine-readable output")


def run(args: argparse.Namespace) -> int:
    """Print the comparison as a table (or JSON)."""
    import json
    from pathlib import Path

    from sim.outputs.compare import compare_runs, format_comparison

    result = compare_runs(Path(args.run_a), Path(args.run_b), force=args.force, alpha=args.alpha)
    print(json.dumps(result, indent=2) if args.json else format_comparison(result))
    return 0
