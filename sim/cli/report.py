"""``wargame report``: report.html (or report.md) of a run folder."""

from __future__ import annotations

import argparse
import sys

NAME = "report"
HELP = "write report.html (or --format md) for a run folder"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The run folder and ``--format``."""
    p.add_argument("run_dir", metavar="RUN_DIR", help="a complete run folder (from `wargame run`)")
    p.add_argument(
        "--format",
        choices=["html", "md"],
        default="html",
        help="html: self-contained report.html with figures (default); md: report.md, tables only",
    )


def run(args: argparse.Namespace) -> int:
    """Write the report, telling its progress on stderr."""
    import time
    from pathlib import Path

    from sim.outputs.rundir import require_complete

    start = time.monotonic()
    require_complete(Path(args.run_dir))  # a wrong folder is told before the engine is imported

    from sim.outputs.report import write_report
    from sim.runner.worker import run_block

    def progress(step: str) -> None:
        print(f"report: {step} ({time.monotonic() - start:.0f} s)", file=sys.stderr, flush=True)

    path = write_report(Path(args.run_dir), args.format, progress=progress, replay_block=run_block)
    progress("done")
    print(f"wrote {path}")
    return 0
