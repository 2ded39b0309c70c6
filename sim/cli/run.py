"""``wargame run``: run a scenario many times (or one world with ``--explain``), or resume a run."""

from __future__ import annotations

import argparse
import os
import sys

from sim.cli.common import add_set, load, print_summary
from sim.errors import WargameError

NAME = "run"
HELP = "run a scenario many times: outcome distribution and a run folder"
DESCRIPTION = (
    "Run N replicates in blocks on a process pool and write runs/<scenario>-<time>-<hash>/ "
    "(manifest.json, outcomes.parquet, summary.json, optionally trajectories.parquet)."
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The scenario, the plan of the run, ``--resume``, ``--explain`` and ``--set``."""
    p.add_argument(
        "scenario", metavar="SCENARIO", nargs="?", help="scenario YAML file (not with --resume)"
    )
    p.add_argument("--runs", type=int, default=1000, help="number of replicates (default 1000)")
    p.add_argument("--seed", type=int, default=0, help="root seed (default 0)")
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        help="worker processes (default: all cores; a run of one block plays in this process)",
    )
    p.add_argument(
        "--out", default=None, help="run folder (default: runs/<scenario>-<UTC time>-<hash>)"
    )
    p.add_argument(
        "--threads",
        type=int,
        default=None,
        help="threads per process (default: cores / workers): with --workers 1, blocks played "
        "at once on that many threads; in a worker process, the kernel's threads",
    )
    p.add_argument("--trajectories", action="store_true", help="also write rung per actor per turn")
    p.add_argument(
        "--precision",
        type=float,
        default=None,
        metavar="P",
        help="add blocks until every share's 95%% interval half-width is at most P",
    )
    p.add_argument(
        "--max-runs", type=int, default=200_000, help="cap on replicates with --precision"
    )
    p.add_argument("--resume", metavar="RUN_DIR", default=None, help="finish an interrupted run")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    p.add_argument(
        "--block", type=int, default=1000, help="replicates per block (part of the run's identity)"
    )
    p.add_argument(
        "--explain", action="store_true", help="with --runs 1: print the timeline with reasons"
    )
    p.add_argument("--verbose", action="store_true", help="with --explain: show every mask")
    add_set(p)


def run(args: argparse.Namespace) -> int:
    """Start (or resume) a run folder and print its outcome table; or explain one world.

    The worker pool starts first, so its processes import the engine while this one reads and
    compiles the scenario (``sim.runner.pool.prestart``); a command that fails before running
    any block stops it at once."""
    from sim.runner.pool import discard_prestarted, prestart

    if not args.explain:
        from sim.runner.executor import check_workers, one_block_here

        if not args.resume:  # a resumed run's plan is in its folder: every core
            args.workers = one_block_here(args.workers, args.runs, args.block, args.precision)
        args.threads = use_threads(args.threads, args.workers)  # before the workers start
        prestart(check_workers(args.workers)[0])
    try:
        return _run(args)
    finally:
        discard_prestarted()


def _run(args: argparse.Namespace) -> int:
    """:func:`run` once the pool is starting."""
    if args.resume:
        return _resume(args)
    if not args.scenario:
        raise WargameError("give a SCENARIO file, or --resume RUN_DIR")
    c = load(args)
    if args.explain:
        return _explain(c, args)
    from sim.runner.execute import Plan, start_run
    from sim.scenario import load_scenario

    plan = Plan(
        runs=args.runs,
        seed=args.seed,
        block=args.block,
        precision=args.precision,
        max_runs=args.max_runs,
        trajectories=args.trajectories,
    )
    base = load_scenario(args.scenario) if args.overrides else c.scenario
    rd = start_run(c.scenario, args.scenario, args.overrides, plan, args.out, base_scenario=base)
    return _execute(rd, args, {k: v.description for k, v in c.scenario.outcomes.items()})


def _explain(c, args: argparse.Namespace) -> int:
    """One world, its briefing and its timeline with the reasons for every move."""
    from sim.model import WargameModel
    from sim.rules.explain import timeline

    if args.runs != 1:
        raise WargameError("--explain shows one world: use it with --runs 1")
    m = WargameModel(c, R=1, rng=args.seed, explain=True, collect=False)
    m.run()
    if c.scenario.briefing:
        print(c.scenario.briefing.strip(), "\n")
    print(timeline(m.log, verbose=args.verbose))
    print(f"\nOutcome: {m.outcome_names[m.outcome[0]]} (turn {m.end_turn[0]})")
    return 0


def use_threads(threads: int | None, workers: int | None) -> int:
    """Threads per process (``--threads``, else the cores shared among the workers), returned and
    set for the worker processes (they inherit the environment). One process plays that many
    blocks at once, one per thread; a worker process gives its threads to the kernel of its one
    block. Results do not depend on it. Sets no thread count here, so that this process imports
    no engine when worker processes run the blocks."""
    from sim.runner.pool import THREADS_ENV, default_threads

    threads = threads or default_threads(workers)
    os.environ[THREADS_ENV] = str(threads)
    return threads


def _execute(rd, args: argparse.Namespace, descriptions: dict[str, str]) -> int:
    from sim.runner.execute import execute

    try:  # ``run`` has resolved ``args.threads`` (use_threads) before the pool started
        summary = execute(rd, workers=args.workers, quiet=args.quiet, threads=args.threads)
    except KeyboardInterrupt:
        kept = len(rd.finished_blocks())
        print(
            f"wargame: interrupted; {kept} finished block(s) kept in {rd.path}; "
            f"finish with: wargame run --resume {rd.path}",
            file=sys.stderr,
        )
        return 130
    print_summary(summary, descriptions)
    print(f"run folder: {rd.path}")
    return 0


def _resume(args: argparse.Namespace) -> int:
    from pathlib import Path

    from sim.outputs.rundir import RunDir
    from sim.scenario.schema import Scenario

    rd = RunDir(Path(args.resume))
    m = rd.manifest()
    if m.get("kind", "run") != "run":
        raise WargameError(
            f"{rd.path}: a {m.get('kind')} folder, not a run (use `wargame sweep --resume`)"
        )
    if m.get("status") == "complete":
        print(f"{rd.path}: already complete")
    try:
        scenario = Scenario.model_validate(m["resolved_scenario"])
    except (KeyError, TypeError, ValueError) as exc:
        first = str(exc).splitlines()[0]
        raise WargameError(
            f"{rd.path}/manifest.json: damaged resolved scenario ({first})"
        ) from None
    descriptions = {k: v.description for k, v in scenario.outcomes.items()}
    return _execute(rd, args, descriptions)
