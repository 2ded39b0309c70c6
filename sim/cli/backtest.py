"""``wargame backtest``: score the engine against a deck of real crises. Light to import: the
work is imported when the command runs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.cli.common import add_executor

NAME = "backtest"
HELP = "score the engine against a deck of real crises (and --checks: face-validity checks)"
DESCRIPTION = (
    "Run every case of DECK (scenarios with a history: block) and report the "
    "probability the engine gave to what happened, with log and Brier scores against uniform "
    "and leave-one-out base-rate baselines. Writes runs/backtest-<deck>-<time>-<hash>/."
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The deck, the size and seed of the run, the executor, the report and ``--checks``."""
    from sim.backtest import DEFAULT_DECK

    p.add_argument(
        "deck", nargs="?", default=DEFAULT_DECK, metavar="DECK", help=f"default {DEFAULT_DECK}"
    )
    p.add_argument("--runs", type=int, default=1000, help="worlds per case (default 1000)")
    p.add_argument("--seed", type=int, default=0, help="root seed (default 0)")
    p.add_argument("--block", type=int, default=1000, help="worlds per task (default 1000)")
    add_executor(
        p,
        local="run cases on local processes (default) or a Dask cluster",
        scheduler="Dask scheduler (default: LocalCluster)",
    )
    p.add_argument("--format", choices=["html", "md"], default="html", help="report format")
    p.add_argument("--checks", action="store_true", help="also run the face-validity checks")
    p.add_argument(
        "--out", default=None, help="folder (default: runs/backtest-<deck>-<time>-<hash>)"
    )
    p.add_argument(
        "--doc",
        default=None,
        metavar="FILE.md",
        help="also write the engine-scores section of this file (e.g. docs/validation.md)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    """Run the deck, print the overall scores (and checks) and write the report."""
    from sim.backtest.checks import format_checks
    from sim.backtest.report import OVERALL_HEAD, overall_rows, write_backtest_report
    from sim.backtest.run import run_backtest
    from sim.errors import WargameError

    if args.runs < 1 or args.block < 1:
        raise WargameError("--runs and --block must be at least 1")
    if args.workers is not None and args.workers < 1:
        raise WargameError("--workers must be at least 1")
    rd = run_backtest(
        args.deck,
        runs=args.runs,
        seed=args.seed,
        block=args.block,
        workers=args.workers,
        executor=args.executor,
        scheduler=args.scheduler,
        checks=args.checks,
        out=args.out,
        quiet=args.quiet,
    )
    import json

    summary = json.loads((rd.path / "summary.json").read_text(encoding="utf-8"))
    rows = overall_rows(summary)
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(OVERALL_HEAD)]
    print(
        f"backtest of {args.deck}: {summary['cases']} cases x {args.runs} worlds, seed {args.seed}"
    )
    print("  " + "  ".join(h.ljust(w) for h, w in zip(OVERALL_HEAD, widths, strict=True)))
    for r in rows:
        print("  " + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))
    print("  (p: mean probability given to what happened; log and Brier: lower is better)")
    if summary.get("checks"):
        print("\nface-validity checks:")
        print(format_checks(summary["checks"]))
    report = write_backtest_report(rd.path, args.format)
    if args.doc:
        from sim.backtest.validation import write_section

        print(f"wrote {write_section(rd.path, Path(args.doc))}")
    print(f"wrote {report}")
    print(f"backtest folder: {rd.path}", file=sys.stdout)
    return 0
