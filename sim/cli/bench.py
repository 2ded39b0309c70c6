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
    p.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="passes of each engine rate, taken in turn; each rate is their median (default 3)",
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
        repeat=args.repeat,
    )
    print(f"scenario {r['scenario']}: {r['actors']} actors, {r['dyads']} dyads, {r['turns']} turns")
    print(f"engine: {r['runs']} replicates in blocks of {r['block']}")
    print(f"first block (loads the compiled kernels): {r['warm_up_seconds']:.1f} s")
    start, end = r["load_average"]
    print(f"machine load average: {start:.2f} at start, {end:.2f} at end")
    one = r["thread_rates"][1]
    rows = [(f"{n} {'thread' if n == 1 else 'threads'}", rate, r["passes"][f"{n} threads"])
            for n, rate in r["thread_rates"].items()]  # fmt: skip
    rows += [(f"{n} processes", rate, r["passes"][f"{n} processes"])
             for n, rate in r["process_rates"].items()]  # fmt: skip
    for label, rate, passes in rows:
        spread = (
            f"; {len(passes)} passes {min(passes):.0f}-{max(passes):.0f}" if len(passes) > 1 else ""
        )
        print(f"engine on {label}: {rate:.0f} replicates/s ({rate / one:.2f}x one thread{spread})")
    print(f"mesa.batch_run: {r['batch_runs']} replicates, one model each")
    print(  # the engine on every core (the faster of threads and processes), against batch_run
        f"bench: {r['engine_rate']:.0f} replicates/s, batch_run {r['batch_run_rate']:.1f} "
        f"replicates/s, ratio {r['ratio']:.0f}x"
    )
    return 0
