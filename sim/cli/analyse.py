"""``wargame analyse`` (or ``analyze``): sensitivity analysis and report of a sweep."""

from __future__ import annotations

import argparse

NAME = "analyse"
ALIASES = ["analyze"]
HELP = "sensitivity analysis and report of a sweep"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The sweep folder and ``--pair``."""
    p.add_argument("sweep_dir", metavar="SWEEP_DIR", help="a complete sweep folder")
    p.add_argument(
        "--pair",
        nargs=2,
        metavar=("PARAM_A", "PARAM_B"),
        default=None,
        help="parameters of the 2-D heatmap (default: the two most influential)",
    )


def run(args: argparse.Namespace) -> int:
    """Analyse the sweep folder, print the summary and where the report went."""
    from pathlib import Path

    from sim.sweeps.analyse import analyse

    result = analyse(Path(args.sweep_dir), pair=args.pair)
    print(result["text"])
    print(f"wrote {result['report']}")
    return 0
