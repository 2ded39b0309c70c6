"""``wargame sweep``: run (or resume) a parameter sweep on local processes or Dask."""

from __future__ import annotations

import argparse
import sys

from sim.cli.common import add_executor
from sim.errors import WargameError

NAME = "sweep"
HELP = "run a parameter sweep (sweep file) on local processes or Dask"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The sweep file, the executor, ``--out`` and ``--resume``."""
    p.add_argument("sweep", metavar="SWEEP", nargs="?", help="sweep YAML file (not with --resume)")
    add_executor(
        p,
        local="local process pool (default) or a Dask cluster (needs the dask extra)",
        scheduler="Dask scheduler, e.g. tcp://10.0.0.5:8786 (default: a LocalCluster on 127.0.0.1)",
    )
    p.add_argument(
        "--out", default=None, help="sweep folder (default: runs/sweep-<name>-<time>-<hash>)"
    )
    p.add_argument(
        "--resume", metavar="SWEEP_DIR", default=None, help="finish an interrupted sweep"
    )
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")


def run(args: argparse.Namespace) -> int:
    """Start or resume the sweep folder, run its points and print one line about them."""
    from pathlib import Path

    from sim.sweeps.run import SweepDir, execute_sweep, start_sweep

    if args.resume:
        sd = SweepDir(Path(args.resume))
        if sd.manifest().get("kind") != "sweep":
            raise WargameError(
                f"{sd.path}: not a sweep folder (a run folder resumes with `wargame run --resume`)"
            )
    elif args.sweep:
        sd = start_sweep(Path(args.sweep), args.out)
    else:
        raise WargameError("give a SWEEP file, or --resume SWEEP_DIR")
    try:
        points = execute_sweep(
            sd,
            workers=args.workers,
            executor=args.executor,
            scheduler=args.scheduler,
            quiet=args.quiet,
        )
    except KeyboardInterrupt:
        print(
            f"wargame: interrupted; finished batches kept in {sd.path}; "
            f"finish with: wargame sweep --resume {sd.path}",
            file=sys.stderr,
        )
        return 130
    m = sd.manifest()
    print(
        f"{m['scenario']['name']}: {len(points)} points x {m['spec']['replicates']} replicates "
        f"({m['spec']['design']} design)"
    )
    print(f"sweep folder: {sd.path}")
    return 0
