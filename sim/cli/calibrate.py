"""``wargame calibrate``: fit rule weights to the history deck, with out-of-sample scores. Light
to import: the work is imported when the command runs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.cli.common import add_executor

NAME = "calibrate"
HELP = "fit rule weights to the history deck (cross-validated; --params SPEC)"
DESCRIPTION = (
    "Fit the parameters named in SPEC (rule weights and other --set paths, with bounds and "
    "priors) to the cases of DECK by minimising the backtest's mean log score with CMA-ES, with "
    "common random numbers; cross-validate (k-fold or leave-one-out) and score held-out cases at "
    "the end. Writes runs/calibrate-<deck>-<time>-<hash>/ (resumable with --resume)."
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The deck and spec, the size and seed, the folds and budget, the executor, the report."""
    p.add_argument(
        "deck",
        nargs="?",
        default=None,
        metavar="DECK",
        help="history deck (default: the spec's deck:, else scenarios/history)",
    )
    p.add_argument("--params", metavar="SPEC", default=None, help="calibration spec file (YAML)")
    p.add_argument("--runs", type=int, default=None, help="worlds per case per candidate")
    p.add_argument("--seed", type=int, default=None, help="root seed (default: the spec's, 0)")
    p.add_argument(
        "--folds", type=int, default=None, help="cross-validation folds (default: by deck size)"
    )
    p.add_argument("--budget", type=int, default=None, help="candidate evaluations per fit")
    p.add_argument("--block", type=int, default=None, help="worlds per task (default: --runs)")
    add_executor(
        p,
        local="play candidates on local processes (default) or a Dask cluster",
        scheduler="Dask scheduler (default: LocalCluster)",
    )
    p.add_argument("--out", default=None, help="folder (default: runs/calibrate-<deck>-...)")
    p.add_argument(
        "--resume", default=None, metavar="DIR", help="finish an interrupted calibration"
    )
    p.add_argument("--format", choices=["html", "md"], default="html", help="report format")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")


def run(args: argparse.Namespace) -> int:
    """Start (or resume) the calibration, print the fitted values and scores, write the report."""
    from sim.calibrate.report import write_calibration_report
    from sim.calibrate.run import execute_calibration, start_calibration
    from sim.errors import WargameError

    if args.resume:
        given = [
            f"--{n}"
            for n in ("params", "runs", "seed", "folds", "budget", "block", "out")
            if getattr(args, n) is not None
        ] + (["DECK"] if args.deck else [])
        if given:
            raise WargameError(
                f"--resume continues with the settings it started with: drop {', '.join(given)}"
            )
        from sim.calibrate.run import CalibrationDir

        rd = CalibrationDir(Path(args.resume))
    else:
        if not args.params:
            raise WargameError("--params SPEC is required (the parameters to fit)")
        rd = start_calibration(
            args.deck,
            args.params,
            runs=args.runs,
            seed=args.seed,
            folds=args.folds,
            budget=args.budget,
            block=args.block,
            out=args.out,
        )
    try:
        fitted = execute_calibration(
            rd,
            workers=args.workers,
            executor=args.executor,
            scheduler=args.scheduler,
            quiet=args.quiet,
        )
    except KeyboardInterrupt:
        print(
            f"wargame: interrupted; {rd.kept()} evaluation(s) kept in {rd.path}; "
            f"finish with: wargame calibrate --resume {rd.path}",
            file=sys.stderr,
        )
        return 130
    print_fitted(fitted)
    report = write_calibration_report(rd.path, args.format)
    print(f"wrote {report}")
    print(f"calibration folder: {rd.path}")
    return 0


def print_fitted(fitted: dict) -> None:
    """Fitted values with their spread, and the scores side by side."""
    from sim.calibrate.report import LABELS, MODELS

    print(f"calibration of {fitted['provenance']['deck']}: {len(fitted['folds'])} folds")
    width = max(len(p["path"]) for p in fitted["parameters"])
    for p in fitted["parameters"]:
        hand = "" if p["hand_set"] is None else f"  (hand-set {p['hand_set']:g})"
        print(
            f"  {p['path']:<{width}}  {p['fitted']:<10.4g} folds {p['fold_mean']:.3g} ± "
            f"{p['fold_sd']:.2g}  {p['identified']}{hand}"
        )
    print("  mean log score (nats, lower is better):")
    print("  " + " " * 18 + "".join(f"{LABELS[m]:>12}" for m in MODELS))
    scopes = [("in-sample", fitted["scores"]["in_sample"])]
    scopes += [("out-of-sample", fitted["scores"]["out_of_sample"])]
    if fitted["scores"]["held_out"]:
        scopes.append(("held-out", fitted["scores"]["held_out"]))
    for name, s in scopes:
        print(f"  {name:<18}" + "".join(f"{s[m]['score']:>12.3f}" for m in MODELS))
