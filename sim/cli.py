"""The ``wargame`` command line. Each subcommand is a small function; errors exit with status 2."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from sim import __version__
from sim.errors import WargameError

EPILOG = """\
examples:
  wargame validate scenarios/*.yaml            check scenario files, report every problem
  wargame run scenarios/taiwan_contingency.yaml --runs 2000 --seed 1
  wargame run scenarios/senkaku_grey_zone.yaml --runs 1 --explain
  wargame run scenarios/taiwan_contingency.yaml --set relations.us_japan.credibility=0.95
  wargame check my_scenario.yaml               determinism and coverage checks for authors
  wargame schema > scenario.schema.json        JSON Schema for editor autocompletion
  yes 1 | wargame play scenarios/senkaku_grey_zone.yaml --as Japan   a scripted terminal game
  wargame serve scenarios/taiwan_contingency.yaml --host 0.0.0.0     a classroom in the browser
  wargame backtest --checks                    score the engine against the history deck

Docs: README.md, docs/scenario-format.md (the format), docs/model.md (the rules).
"""


class _Parser(argparse.ArgumentParser):
    """argparse with its usage errors on one line (exit status 2), like every other error."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def _at_least(least: int) -> tuple[Callable[[Any], bool], str]:
    return (lambda v: v >= least), f"give a whole number of {least} or more"


# Every numeric option of every subcommand, by argparse ``dest``: what it accepts, and what to say.
_NUMBERS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "runs": _at_least(1),
    "block": _at_least(1),
    "max_runs": _at_least(1),
    "batch_runs": _at_least(1),
    "aar_runs": _at_least(1),
    "workers": (lambda v: v >= 1, "give 1 or more worker processes (default: all cores)"),
    "seed": _at_least(0),
    "turn_seconds": (lambda v: v >= 0, "give 0 (no timer) or more"),
    "precision": (lambda v: 0 < v < 0.5, "a half-width between 0 and 0.5, e.g. 0.01 for one point"),
    "alpha": (lambda v: 0 < v < 1, "a significance level between 0 and 1, e.g. 0.05"),
    "port": (lambda v: 0 < v < 65536, "not a port number (1 to 65535)"),
}


def check_numbers(args: argparse.Namespace) -> None:
    """Refuse a numeric option out of its range in one line, before anything is created; cap
    ``--workers`` at the number of cores with a one-line note on stderr (more processes than
    cores only compete for them; the results do not depend on the number of workers)."""
    for dest, (ok, words) in _NUMBERS.items():
        value = getattr(args, dest, None)
        if value is not None and not ok(value):  # every range is finite: NaN and inf fail too
            raise WargameError(f"--{dest.replace('_', '-')} {value}: {words}")
    if getattr(args, "workers", None) is not None:
        from sim.runner.execute import check_workers

        remote = getattr(args, "executor", None) == "dask" and getattr(args, "scheduler", None)
        args.workers, note = check_workers(args.workers, "--workers", cap=not remote)
        if note:
            print(f"wargame: {note}", file=sys.stderr)


def _add_set(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="override a scenario field, e.g. actors.Japan.resolve=0.8 (repeatable)",
    )


def cmd_validate(args: argparse.Namespace) -> int:
    from sim.errors import Problem, ScenarioError
    from sim.scenario import load_scenario
    from sim.sweeps.spec import is_sweep_file, load_sweep

    status = 0
    for path in args.files:
        try:
            if is_sweep_file(path):
                if args.overrides:
                    msg = "--set applies to scenarios; a sweep file sets its own with `set:`"
                    raise ScenarioError([Problem(path, 1, 1, "", msg)])
                spec, _ = load_sweep(path)
                print(
                    f"{path}: ok (sweep of {spec.scenario}: {len(spec.parameters)} parameters, "
                    f"design {spec.design})"
                )
                continue
            s = load_scenario(path, args.overrides)
        except ScenarioError as exc:
            print(str(exc), file=sys.stderr)
            status = 2
            continue
        print(
            f"{path}: ok ({s.name}: {len(s.actors)} actors, {len(s.relations)} relations, "
            f"{len(s.outcomes)} outcomes)"
        )
    return status


def cmd_schema(args: argparse.Namespace) -> int:
    from sim.scenario.jsonschema import schema_text

    sys.stdout.write(schema_text())
    return 0


def _load(args: argparse.Namespace):
    from sim.model import compiled

    return compiled(args.scenario, args.overrides)


def print_summary(summary: dict, descriptions: dict[str, str], out=None) -> None:
    """The outcome table of a summary.json: count, share and 95% Wilson interval per outcome."""
    out = out or sys.stdout
    outcomes = summary["outcomes"]
    width = max(len(k) for k in outcomes)
    print(
        f"{summary.get('scenario', '')}: {summary['runs']} replicates, seed {summary.get('seed')}",
        file=out,
    )
    for name, o in outcomes.items():
        lo, hi = o["ci95"]
        print(
            f"  {name:<{width}}  {o['count']:>7}  {o['share']:6.1%}  [{lo:5.1%}, {hi:5.1%}]  "
            f"{descriptions.get(name, '')}",
            file=out,
        )


def cmd_run(args: argparse.Namespace) -> int:
    from sim.model import WargameModel
    from sim.rules.explain import timeline

    if args.resume:
        return _resume(args)
    if not args.scenario:
        raise WargameError("give a SCENARIO file, or --resume RUN_DIR")
    c = _load(args)
    if args.explain:
        if args.runs != 1:
            raise WargameError("--explain shows one world: use it with --runs 1")
        m = WargameModel(c, R=1, rng=args.seed, explain=True)
        m.run()
        if c.scenario.briefing:
            print(c.scenario.briefing.strip(), "\n")
        print(timeline(m.log, verbose=args.verbose))
        print(f"\nOutcome: {m.outcome_names[m.outcome[0]]} (turn {m.end_turn[0]})")
        return 0
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


def _execute(rd, args: argparse.Namespace, descriptions: dict[str, str]) -> int:
    from sim.runner.execute import execute

    try:
        summary = execute(rd, workers=args.workers, quiet=args.quiet)
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


def cmd_check(args: argparse.Namespace) -> int:
    import numpy as np

    from sim.runner.montecarlo import run_montecarlo

    if args.runs is None:
        args.runs = 300 if args.levers is not None else 2000
    c = _load(args)
    print(
        f"{args.scenario}: valid ({c.n_actors} actors, {len(c.src)} rivalry dyads, "
        f"{len(c.link_g)} commitment links)"
    )
    a = run_montecarlo(c, args.runs, args.seed, args.block)
    b = run_montecarlo(c, args.runs, args.seed, args.block)
    same = all(np.array_equal(a.columns[k], b.columns[k]) for k in a.columns)
    if not same:
        print("FAIL: two runs with the same seed gave different outcomes", file=sys.stderr)
        return 1
    print(f"deterministic: two runs of {args.runs} replicates with seed {args.seed} are identical")
    warnings = 0
    for name, count in a.counts().items():
        if count == 0:
            print(f"warning: outcome {name!r} was reached by no replicate")
            warnings += 1
    limit = c.scenario.turns.limit
    for name, inj in c.scenario.injects.items():
        if inj.turn > limit:
            print(
                f"warning: inject {name!r} is scheduled at turn {inj.turn}, after the turn limit {limit}"
            )
            warnings += 1
    for actor, acted in a.acted.items():
        if not acted:
            print(
                f"warning: actor {actor!r} never acted (no rivalry, dispute or commitment moved it)"
            )
            warnings += 1
    from sim.outputs.summary import summarise

    summary = summarise(a.counts(), {"scenario": c.scenario.name, "seed": args.seed})
    print_summary(summary, {k: v.description for k, v in c.scenario.outcomes.items()})
    if args.levers is not None:
        from sim.runner.levers import check_levers

        warnings += check_levers(
            args.scenario, args.runs, args.seed, args.levers, args.overrides, args.block
        )
    print(f"check: ok, {warnings} warning(s)")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from sim.runner.bench import bench

    r = bench(args.scenario, runs=args.runs, batch_runs=args.batch_runs, block=args.block)
    print(f"scenario {r['scenario']}: {r['actors']} actors, {r['dyads']} dyads, {r['turns']} turns")
    print(f"engine: {r['runs']} replicates in blocks of {r['block']}")
    print(f"mesa.batch_run: {r['batch_runs']} replicates, one model each")
    print(
        f"bench: {r['engine_rate']:.0f} replicates/s, batch_run {r['batch_run_rate']:.1f} replicates/s, "
        f"ratio {r['ratio']:.0f}x"
    )
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
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


def cmd_viz(args: argparse.Namespace) -> int:
    import os
    import subprocess
    from importlib.util import find_spec

    if find_spec("solara") is None:
        raise WargameError('wargame viz needs the viz extra: pip install -e ".[viz]"')
    _load(args)  # validate first: errors as one clear line, not a server traceback
    _check_port(args.host, args.port)
    env = {
        **os.environ,
        "WARGAME_SCENARIO": args.scenario,
        "WARGAME_SEED": str(args.seed),
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
    }
    cmd = [
        sys.executable,
        "-m",
        "solara",
        "run",
        "sim.viz_app",
        "--host",
        args.host,
        "--port",
        str(args.port),
    ]
    return subprocess.call(cmd, env=env)


def _public_host(host: str) -> str:
    """The address to put in team links: this machine's network address when listening on all
    interfaces (students' laptops must reach it), else the address listened on."""
    import socket

    if host in ("127.0.0.1", "localhost", "::1"):
        return "localhost"
    if host not in ("0.0.0.0", "::", ""):
        return host
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("10.255.255.255", 1))  # no packet is sent: this only picks a route
            return s.getsockname()[0]
    except OSError:
        return socket.gethostname()


def _check_port(host: str, port: int) -> None:
    """Refuse an address this machine cannot listen on (one line, before anything is printed or
    served), saying whether --host or --port is the problem."""
    import errno
    import socket

    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not a valid address"
        raise WargameError(
            f"--host {host}: not an address or host name this machine can listen on ({why})"
        ) from None
    family, _, _, _, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRNOTAVAIL:
                raise WargameError(
                    f"--host {host}: not an address of this machine ({exc.strerror}); "
                    "use 127.0.0.1, 0.0.0.0 (every network) or one of its addresses"
                ) from None
            if exc.errno == errno.EACCES:
                raise WargameError(
                    f"cannot listen on port {port} ({exc.strerror}): "
                    "ports below 1024 need administrator rights; choose another --port"
                ) from None
            raise WargameError(
                f"cannot listen on {host}:{port} ({exc.strerror}): choose another --port"
            ) from None


def cmd_serve(args: argparse.Namespace) -> int:
    import os
    import secrets
    from importlib.util import find_spec

    if find_spec("solara") is None or find_spec("uvicorn") is None:
        raise WargameError('wargame serve needs the viz extra: pip install -e ".[viz]"')
    if args.scenario:
        _load(args)  # validate first: errors as one clear line, not a server traceback
    _check_port(args.host, args.port)
    token = args.token or os.environ.get("WARGAME_TOKEN") or secrets.token_urlsafe(16)
    url = (args.url or f"http://{_public_host(args.host)}:{args.port}").rstrip("/")
    os.environ.update(
        WARGAME_SCENARIO=args.scenario or "",
        WARGAME_SCENARIOS_DIR=args.scenarios,
        WARGAME_GAMES_DIR=args.games,
        WARGAME_TOKEN=token,
        WARGAME_URL=url,
        WARGAME_AAR_RUNS=str(args.aar_runs),
        WARGAME_AUTO_PLAY="0" if args.manual_turns else "1",
        WARGAME_TURN_SECONDS=str(args.turn_seconds),
        SOLARA_TELEMETRY_MIXPANEL_ENABLE="False",
    )
    import uvicorn

    from sim.serve.asgi import app

    print(f"Facilitator: {url}/facilitator?token={token}", flush=True)
    print("Team links appear on the facilitator's page once a game is started.", flush=True)
    print(f"Games are saved under {args.games}/. Stop with Ctrl-C.", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", ws_max_size=16 << 20)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    import time
    from pathlib import Path

    from sim.outputs.report import write_report

    start = time.monotonic()

    def progress(step: str) -> None:
        print(f"report: {step} ({time.monotonic() - start:.0f} s)", file=sys.stderr, flush=True)

    path = write_report(Path(args.run_dir), args.format, progress=progress)
    progress("done")
    print(f"wrote {path}")
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from sim.outputs.compare import compare_runs, format_comparison

    result = compare_runs(Path(args.run_a), Path(args.run_b), force=args.force, alpha=args.alpha)
    print(json.dumps(result, indent=2) if args.json else format_comparison(result))
    return 0


def cmd_sweep(args: argparse.Namespace) -> int:
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


def cmd_analyse(args: argparse.Namespace) -> int:
    from pathlib import Path

    from sim.sweeps.analyse import analyse

    result = analyse(Path(args.sweep_dir), pair=args.pair)
    print(result["text"])
    print(f"wrote {result['report']}")
    return 0


def cmd_play(args: argparse.Namespace) -> int:
    from sim.play.terminal import play

    if not args.actors:
        raise WargameError("name at least one actor to play with --as, e.g. --as Japan")
    play(
        args.scenario,
        args.actors,
        seed=args.seed,
        overrides=args.overrides,
        runs=args.runs,
        transcript=args.transcript,
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="wargame",
        description="alliance-wargame: run Indo-Pacific crisis scenarios (YAML) as agent-based "
        "simulations and get outcome distributions over many replications.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"wargame {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("validate", help="check scenario (or sweep) files and report every problem")
    p.add_argument("files", nargs="+", metavar="FILE", help="scenario or sweep YAML files to check")
    _add_set(p)
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("schema", help="print the JSON Schema of the scenario format")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser(
        "docs",
        help="regenerate docs/scenario-format.md, docs/scenario.schema.json and docs/data.md",
    )
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
    p.set_defaults(func=cmd_docs)

    p = sub.add_parser(
        "run",
        help="run a scenario many times: outcome distribution and a run folder",
        description="Run N replicates in blocks on a process pool and write runs/<scenario>-<time>-<hash>/ "
        "(manifest.json, outcomes.parquet, summary.json, optionally trajectories.parquet).",
    )
    p.add_argument(
        "scenario", metavar="SCENARIO", nargs="?", help="scenario YAML file (not with --resume)"
    )
    p.add_argument("--runs", type=int, default=1000, help="number of replicates (default 1000)")
    p.add_argument("--seed", type=int, default=0, help="root seed (default 0)")
    p.add_argument(
        "--workers", type=int, default=None, help="worker processes (default: all cores)"
    )
    p.add_argument(
        "--out", default=None, help="run folder (default: runs/<scenario>-<UTC time>-<hash>)"
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
    _add_set(p)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser(
        "sweep", help="run a parameter sweep (sweep file) on local processes or Dask"
    )
    p.add_argument("sweep", metavar="SWEEP", nargs="?", help="sweep YAML file (not with --resume)")
    p.add_argument(
        "--workers", type=int, default=None, help="worker processes (default: all cores)"
    )
    p.add_argument(
        "--executor",
        choices=["local", "dask"],
        default="local",
        help="local process pool (default) or a Dask cluster (needs the dask extra)",
    )
    p.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="Dask scheduler, e.g. tcp://10.0.0.5:8786 (default: a LocalCluster on 127.0.0.1)",
    )
    p.add_argument(
        "--out", default=None, help="sweep folder (default: runs/sweep-<name>-<time>-<hash>)"
    )
    p.add_argument(
        "--resume", metavar="SWEEP_DIR", default=None, help="finish an interrupted sweep"
    )
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    p.set_defaults(func=cmd_sweep)

    p = sub.add_parser(
        "analyse", aliases=["analyze"], help="sensitivity analysis and report of a sweep"
    )
    p.add_argument("sweep_dir", metavar="SWEEP_DIR", help="a complete sweep folder")
    p.add_argument(
        "--pair",
        nargs=2,
        metavar=("PARAM_A", "PARAM_B"),
        default=None,
        help="parameters of the 2-D heatmap (default: the two most influential)",
    )
    p.set_defaults(func=cmd_analyse)

    p = sub.add_parser(
        "play", help="play a game in the terminal: you choose some actors' moves by number"
    )
    p.add_argument("scenario", metavar="SCENARIO", help="scenario YAML file")
    p.add_argument(
        "--as",
        dest="actors",
        action="append",
        default=[],
        metavar="ACTOR",
        help="an actor you play (repeatable: hot-seat)",
    )
    p.add_argument(
        "--seed",
        type=int,
        default=0,
        help="seed of the game's world (default 0): same seed, same game",
    )
    p.add_argument(
        "--runs", type=int, default=2000, help="simulated games for the after-action review"
    )
    p.add_argument(
        "--transcript", default=None, metavar="FILE.jsonl", help="save the game transcript"
    )
    _add_set(p)
    p.set_defaults(func=cmd_play)

    p = sub.add_parser("report", help="write report.html (or --format md) for a run folder")
    p.add_argument("run_dir", metavar="RUN_DIR", help="a complete run folder (from `wargame run`)")
    p.add_argument(
        "--format",
        choices=["html", "md"],
        default="html",
        help="html: self-contained report.html with figures (default); md: report.md, tables only",
    )
    p.set_defaults(func=cmd_report)

    p = sub.add_parser(
        "compare", help="outcome shares of two runs side by side, with a test for noise"
    )
    p.add_argument("run_a", metavar="RUN_A", help="first run folder (A)")
    p.add_argument("run_b", metavar="RUN_B", help="second run folder (B); differences are B − A")
    p.add_argument("--force", action="store_true", help="compare runs of different scenarios")
    p.add_argument("--alpha", type=float, default=0.05, help="significance level (default 0.05)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser(
        "check", help="for scenario authors: validate, test determinism, find dead outcomes"
    )
    p.add_argument("scenario", metavar="SCENARIO", help="scenario YAML file")
    p.add_argument(
        "--runs",
        type=int,
        default=None,
        help="replicates of each of the two runs (default 2000); 300 per arm with --levers",
    )
    p.add_argument("--seed", type=int, default=0, help="seed of both runs (default 0)")
    p.add_argument("--block", type=int, default=1000, help="replicates per block (default 1000)")
    p.add_argument(
        "--levers",
        nargs="?",
        const="",
        default=None,
        metavar="PREFIX",
        help="screen every parameter (or those under PREFIX) for a measurable effect",
    )
    _add_set(p)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("bench", help="replicates per second, against mesa.batch_run")
    p.add_argument(
        "scenario",
        nargs="?",
        default="scenarios/taiwan_contingency.yaml",
        metavar="SCENARIO",
        help="scenario YAML file (default: scenarios/taiwan_contingency.yaml)",
    )
    p.add_argument(
        "--runs", type=int, default=5000, help="replicates run by the engine (default 5000)"
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
    p.set_defaults(func=cmd_bench)

    p = sub.add_parser("viz", help="step one world in Mesa's SolaraViz (needs the viz extra)")
    p.add_argument("scenario", metavar="SCENARIO", help="scenario YAML file")
    p.add_argument("--seed", type=int, default=0, help="seed of the world shown (default 0)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8765, help="port to listen on (default 8765)")
    p.set_defaults(func=cmd_viz, overrides=[])

    p = sub.add_parser(
        "serve", help="the classroom web app: facilitator page and team seats (needs the viz extra)"
    )
    p.add_argument(
        "scenario",
        nargs="?",
        default=None,
        metavar="SCENARIO",
        help="the scenario offered first (every file in --scenarios is offered too)",
    )
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1; 0.0.0.0 for the students' laptops)",
    )
    p.add_argument("--port", type=int, default=8765, help="default 8765")
    p.add_argument(
        "--token", default=None, help="facilitator token (default: random, printed at start)"
    )
    p.add_argument(
        "--scenarios", default="scenarios", help="folder whose scenarios the facilitator may choose"
    )
    p.add_argument("--games", default="runs/games", help="folder where games are saved")
    p.add_argument(
        "--url", default=None, help="address the team links start with (default: guessed)"
    )
    p.add_argument(
        "--aar-runs", type=int, default=10_000, help="simulated games in the after-action review"
    )
    p.add_argument(
        "--manual-turns",
        action="store_true",
        help="the facilitator plays every turn (default: a turn plays once every team has moved)",
    )
    p.add_argument(
        "--turn-seconds",
        type=int,
        default=0,
        help="time for each turn; then the engine plays absent teams (default 0: no timer)",
    )
    p.set_defaults(func=cmd_serve, overrides=[])

    for extra in _EXTRA_COMMANDS:
        extra(sub)
    return parser


_EXTRA_COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = []


def _add_backtest(sub: argparse._SubParsersAction) -> None:
    from sim.backtest.cli import add_parser

    add_parser(sub)


_EXTRA_COMMANDS.append(_add_backtest)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``wargame`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        check_numbers(args)
        return int(args.func(args) or 0)
    except WargameError as exc:
        print(
            f"wargame: {exc}" if "\n" not in str(exc) and ":" not in str(exc)[:3] else str(exc),
            file=sys.stderr,
        )
        return 2
    except KeyboardInterrupt:
        print("wargame: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:  # a file or folder the command could not read or write: one line
        from sim.outputs.rundir import describe_os_error

        where = f"{exc.filename}: " if exc.filename else ""
        print(f"wargame: {where}{describe_os_error(exc)[0]}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
