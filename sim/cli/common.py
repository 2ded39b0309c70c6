"""What every ``wargame`` command shares: the one-line argparse errors, the numeric option checks,
``--set``, loading a scenario, the outcome table, port checks, and the one-line error handling."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any, NoReturn

from sim.errors import WargameError


class Parser(argparse.ArgumentParser):
    """argparse with its usage errors on one line (exit status 2), like every other error."""

    def error(self, message: str) -> NoReturn:
        """Print the usage error on one line and exit with status 2."""
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def _at_least(least: int) -> tuple[Callable[[Any], bool], str]:
    return (lambda v: v >= least), f"give a whole number of {least} or more"


# Every numeric option of every subcommand, by argparse ``dest``: what it accepts, and what to say.
NUMBERS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "runs": _at_least(1),
    "block": _at_least(1),
    "max_runs": _at_least(1),
    "batch_runs": _at_least(1),
    "repeat": _at_least(1),
    "aar_runs": _at_least(1),
    "workers": (lambda v: v >= 1, "give 1 or more worker processes (default: all cores)"),
    "threads": (lambda v: v >= 1, "give 1 or more threads per process (default: every core)"),
    "seed": _at_least(0),
    "folds": _at_least(2),
    "budget": _at_least(4),
    "turn_seconds": (lambda v: v >= 0, "give 0 (no timer) or more"),
    "precision": (lambda v: 0 < v < 0.5, "a half-width between 0 and 0.5, e.g. 0.01 for one point"),
    "alpha": (lambda v: 0 < v < 1, "a significance level between 0 and 1, e.g. 0.05"),
    "port": (lambda v: 0 < v < 65536, "not a port number (1 to 65535)"),
}
_NUMBERS = NUMBERS  # the former private name


def check_numbers(args: argparse.Namespace) -> None:
    """Refuse a numeric option out of its range in one line, before anything is created; cap
    ``--workers`` at the number of cores with a one-line note on stderr (more processes than
    cores only compete for them; the results do not depend on the number of workers). The
    numeric settings read from the environment (``sim.runner.pool.SETTINGS``) are checked too."""
    for dest, (ok, words) in NUMBERS.items():
        value = getattr(args, dest, None)
        if value is not None and not ok(value):  # every range is finite: NaN and inf fail too
            raise WargameError(f"--{dest.replace('_', '-')} {value}: {words}")
    from sim.runner.pool import SETTINGS, env_number, start_method

    for name in SETTINGS:  # the engine's settings from the environment: whole numbers
        env_number(name)
    start_method()  # and how pools start (WARGAME_START)
    if getattr(args, "workers", None) is not None:
        from sim.runner.executor import check_workers

        remote = getattr(args, "executor", None) == "dask" and getattr(args, "scheduler", None)
        args.workers, note = check_workers(args.workers, "--workers", cap=not remote)
        if note:
            print(f"wargame: {note}", file=sys.stderr)


def add_set(p: argparse.ArgumentParser) -> None:
    """Add the repeatable ``--set PATH=VALUE`` scenario override."""
    p.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="override a scenario field, e.g. actors.Japan.resolve=0.8 (repeatable)",
    )


_add_set = add_set  # the former private name


def add_executor(p: argparse.ArgumentParser, local: str, scheduler: str) -> None:
    """``--workers``, ``--executor local|dask`` and ``--scheduler`` (runs of many tasks: sweeps,
    backtests), with the command's own wording of the executor and scheduler help."""
    p.add_argument(
        "--workers", type=int, default=None, help="worker processes (default: all cores)"
    )
    p.add_argument("--executor", choices=["local", "dask"], default="local", help=local)
    p.add_argument("--scheduler", default=None, metavar="ADDRESS", help=scheduler)


def load(args: argparse.Namespace):
    """The compiled scenario of ``args.scenario`` with ``args.overrides`` applied."""
    from sim.rules.pipeline import compiled

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


def public_host(host: str) -> str:
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


def check_port(host: str, port: int) -> None:
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


def run_command(func: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Check the numbers, run one command, and turn every expected error into one line on
    stderr with exit status 2 (130 when interrupted, 0 on a closed pipe)."""
    try:
        check_numbers(args)
        return int(func(args) or 0)
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
        from sim.files import describe_os_error

        where = f"{exc.filename}: " if exc.filename else ""
        print(f"wargame: {where}{describe_os_error(exc)[0]}", file=sys.stderr)
        return 2
