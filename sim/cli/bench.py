"""``wargame bench``: replicates per second of the engine, against ``mesa.batch_run``."""

from __future__ import annotations

import argparse

NAME = "bench"
HELP = "replicates per second, against mesa.batch_run"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The scenario and the sizes of both runs."""
    p.add_argument(
        "scenario",
        nargs="?",
        default="scenarios/taiwan_contingency.yaml",
        metavar="SCENARIO",
        help="scenario YAML file (default: scenarios/taiwan_contingency.yaml)",
    )
    p.add_argument(
        "--runs", type=int, default=10000, help="replicates run by the engine (default 10000)"
    )
    p.add_argument(
        "--batch-runs",
        type=int,
        default=40,
        help="replicates run through mesa.batch_run, one model each (default 40)",
    )
    p.add_argument(
        "--block", type=int, default=1000, help="engine replicates per block (default 1000)"
    )
    p.add_argument(
        "--threads",
        type=int,
        default=None,
        help="most threads to time the engine on, after one: N threads play N blocks at once "
        "(default: every core)",
    )


def run(args: argparse.Namespace) -> int:
    """Time both and print the rates."""
    from sim.runner.bench import bench

    r = bench(
        args.scenario,
        runs=args.runs,
        batch_runs=args.batch_runs,
        block=args.block,
        threads=args.threads,
    )
    print(f"scenario {r['scenario']}: {r['actors']} actors, {r['dyads']} dyads, {r['turns']} turns")
    print(f"engine: {r['runs']} replicates in blocks of {r['block']}")
    print(f"first block (loads the compiled kernels): {r['warm_up_seconds']:.1f} s")
    one = r["thread_rates"][1]
    for n, rate in r["thread_rates"].items():
        word = "thread" if n == 1 else "threads"
        print(f"engine on {n} {word}: {rate:.0f} replicates/s ({rate / one:.2f}x one thread)")
    for n, rate in r["process_rates"].items():
        print(f"engine on {n} processes: {rate:.0f} replicates/s ({rate / one:.2f}x one thread)")
    print(f"mesa.batch_run: {r['batch_runs']} replicates, one model each")
    print(  # the engine on every core (the faster of threads and processes), against batch_run
        f"bench: {r['engine_rate']:.0f} replicates/s, batch_run {r['batch_run_rate']:.1f} "
        f"replicates/s, ratio {r['ratio']:.0f}x"
    )
    return 0
