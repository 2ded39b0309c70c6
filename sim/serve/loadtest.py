"""A load test of the classroom server: many team clients polling their view and moving.

``python -m sim.serve.loadtest`` starts its own ``wargame serve`` on 127.0.0.1 (a free port, a
temporary games folder), starts a game with one team per playable actor, and runs ``--clients``
clients (threads, one keep-alive connection each) that poll ``/api/view`` about once a second and
submit a move every few polls, as students on a page would. The game plays itself: the last team to
move plays the turn, so adjudication happens under load. It stops by itself after ``--seconds`` or
``--requests`` requests, whichever comes first, and prints the latency figures (p50, p90, p99, max)
and the error count. ``--url``/``--token`` aim it at a server already running on this machine; any
address other than loopback is refused.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass
class Tally:
    """Latencies (seconds) per endpoint and the errors, shared by the client threads."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    count: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, name: str, seconds: float, error: str | None) -> int:
        """Record one request; answers the running total (so a client can stop at the limit)."""
        with self.lock:
            self.latencies.setdefault(name, []).append(seconds)
            if error:
                self.errors.append(error)
            self.count += 1
            return self.count


def percentile(values: list[float], q: float) -> float:
    """The ``q``-quantile (0..1) by the nearest-rank method."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(q * len(ordered) + 0.999999)))
    return ordered[rank - 1]


class Client:
    """One keep-alive HTTP connection to the server."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.conn = http.client.HTTPConnection(host, port, timeout=30)

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
        """One JSON request: (status, decoded body); reconnects once if the server closed it."""
        data = None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"} if data is not None else {}
        for attempt in (0, 1):  # a keep-alive connection the server closed: reconnect once
            try:
                self.conn.request(method, path, body=data, headers=headers)
                r = self.conn.getresponse()
                raw = r.read()
                return r.status, json.loads(raw) if raw else None
            except (http.client.HTTPException, ConnectionError, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()


def start_game(client: Client, token: str, scenario: str, seed: int) -> dict[str, str]:
    """A new game with one team per playable actor; answers with {team: token}."""
    from sim.serve.host import playable

    teams = {a: [a] for a in playable(scenario)}
    status, out = client.call(
        "POST",
        "/api/start",
        {"token": token, "scenario": scenario, "teams": teams, "seed": seed},
    )
    if status != 200:
        raise SystemExit(f"loadtest: cannot start a game: {out}")
    return {name: link.split("token=")[1] for name, link in out["seats"].items()}


@dataclass
class ClientPlan:
    """What every client thread does: its request limit, poll period and move habits."""

    limit: int
    period: float
    move_every: int
    keep: float


def run_client(
    index: int,
    host: str,
    port: int,
    seats: dict[str, str],
    tally: Tally,
    stop: threading.Event,
    plan: ClientPlan,
) -> None:
    """Poll the seat's view every ``plan.period`` seconds; every ``move_every``-th poll, move."""
    rng = random.Random(index)
    team = sorted(seats)[index % len(seats)]
    client = Client(host, port)
    stop.wait(rng.random() * plan.period)  # spread the clients over the first period
    polls = 0
    try:
        while not stop.is_set():
            began = time.monotonic()
            token = seats[team]  # a new game (the last one ended) has new tokens
            status, view, error = _read_view(client, token, seats, team)
            if tally.add("view", time.monotonic() - began, error) >= plan.limit:
                stop.set()
            polls += 1
            if (
                status == 200
                and polls % plan.move_every == 0
                and view["options"]
                and not stop.is_set()
            ):
                last = _move_all(client, token, seats, team, view, rng, tally, stop, plan)
                began = began if last is None else last
            stop.wait(max(0.0, plan.period - (time.monotonic() - began)))
    finally:
        client.close()


def _read_view(
    client: Client, token: str, seats: dict[str, str], team: str
) -> tuple[int, Any, str | None]:
    """One poll of the seat's view: (status, view, error or None)."""
    error = None
    try:
        status, view = client.call("GET", f"/api/view?token={urllib.parse.quote(token)}")
        if status == 403 and seats[team] != token:
            status = 0  # the game was replaced meanwhile: not the server's fault
        elif status != 200:
            error = f"view {status}: {view}"
    except Exception as exc:
        status, view, error = 0, None, f"view: {type(exc).__name__}: {exc}"
    return status, view, error


def _move_all(
    client: Client,
    token: str,
    seats: dict[str, str],
    team: str,
    view: dict[str, Any],
    rng: random.Random,
    tally: Tally,
    stop: threading.Event,
    plan: ClientPlan,
) -> float | None:
    """Submit one move per actor the seat plays; answers when the last one began (None if none)."""
    began = None
    now = {(r["actor"], r["toward"]): r["rung"] for r in view["own"]}
    for actor, targets in view["options"].items():
        moves = {  # mostly hold, now and then a change: games last ~20 turns
            t: now[(actor, t)]
            if now.get((actor, t)) in ok and rng.random() < plan.keep
            else rng.choice(ok)
            for t, ok in targets.items()
            if ok
        }
        began = time.monotonic()
        error = None
        try:
            status, out = client.call(
                "POST", "/api/move", {"token": token, "actor": actor, "moves": moves}
            )
            # 409: the turn was played (or the game ended) since the view was read;
            # 403: a new game replaced this one meanwhile
            if status not in (200, 409) and not (status == 403 and seats[team] != token):
                error = f"move {status}: {out}"
        except Exception as exc:
            error = f"move: {type(exc).__name__}: {exc}"
        if tally.add("move", time.monotonic() - began, error) >= plan.limit:
            stop.set()
    return began


def free_port() -> int:
    """A TCP port on loopback that no one listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launch_server(token: str, games: Path) -> tuple[subprocess.Popen[bytes], int]:
    """``wargame serve`` on a free loopback port; waits until it answers."""
    port = free_port()
    root = Path(__file__).resolve().parents[2]
    cmd = [sys.executable, "-m", "sim.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    cmd += ["--token", token, "--games", str(games), "--aar-runs", "200"]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")]),
    }
    proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/readyz")
            c.getresponse().read()
            c.close()
            return proc, port
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("loadtest: wargame serve did not start")


def _parser() -> argparse.ArgumentParser:
    """The command line: load (clients, duration, pace) and the server to aim at."""
    p = argparse.ArgumentParser(
        prog="python -m sim.serve.loadtest", description=__doc__.split("\n\n")[0]
    )
    p.add_argument("--clients", type=int, default=50, help="team clients (default 50)")
    p.add_argument("--seconds", type=float, default=30.0, help="stop after this long (default 30)")
    p.add_argument("--requests", type=int, default=5000, help="stop after this many requests")
    p.add_argument("--period", type=float, default=1.0, help="seconds between a client's polls")
    p.add_argument("--move-every", type=int, default=3, help="move every Nth poll (default 3)")
    p.add_argument(
        "--keep", type=float, default=0.85, help="chance a move holds a rung (default 0.85)"
    )
    p.add_argument("--scenario", default="scenarios/taiwan_contingency.yaml")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--url", help="a server already running on this machine (default: start one)")
    p.add_argument("--token", default="loadtest-facilitator", help="its facilitator token")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    return p


def _parse(p: argparse.ArgumentParser, argv: list[str] | None) -> argparse.Namespace:
    """The arguments, with the load kept within bounds and ``--url`` on loopback only."""
    args = p.parse_args(argv)
    if not 1 <= args.clients <= 500:
        p.error("--clients must be from 1 to 500")
    if not 0 < args.seconds <= 600:
        p.error("--seconds must be above 0 and at most 600")
    if not 1 <= args.requests <= 1_000_000:
        p.error("--requests must be from 1 to 1000000")
    if args.url and urllib.parse.urlsplit(args.url).hostname not in LOOPBACK:
        p.error("--url must be a loopback address (127.0.0.1): this tool loads this machine only")
    return args


@dataclass
class Run:
    """What one load run measured: the tally, games played, duration and the last game's view."""

    tally: Tally
    games: int
    elapsed: float
    view: Any


def _drive(host: str, port: int, args: argparse.Namespace) -> Run:
    """Start a game, run the client threads until the time or request limit, start a new game
    whenever one ends (a class plays on)."""
    admin = Client(host, port)
    seats = start_game(admin, args.token, args.scenario, args.seed)
    games = 1
    tally = Tally()
    stop = threading.Event()
    plan = ClientPlan(args.requests, args.period, args.move_every, args.keep)
    threads = [
        threading.Thread(
            target=run_client, args=(i, host, port, seats, tally, stop, plan), daemon=True
        )
        for i in range(args.clients)
    ]
    began = time.monotonic()
    for t in threads:
        t.start()
    fac = f"/api/view?token={urllib.parse.quote(args.token)}"
    while not stop.wait(1.0):
        if time.monotonic() - began >= args.seconds:
            stop.set()
        elif admin.call("GET", fac)[1].get("over"):  # a class plays on: a new game
            seats.update(start_game(admin, args.token, args.scenario, args.seed + games))
            games += 1
    for t in threads:
        t.join(35)
    elapsed = time.monotonic() - began
    _, view = admin.call("GET", f"/api/view?token={urllib.parse.quote(args.token)}")
    admin.close()
    return Run(tally, games, elapsed, view)


def _stop_server(proc: subprocess.Popen[bytes] | None, tmp: Any) -> None:
    """Stop the server this tool started (if any) and remove its games folder."""
    if proc is not None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
    if tmp is not None:
        tmp.cleanup()


def _figures(clients: int, run: Run) -> dict[str, Any]:
    """The printed result: request counts, rate, games, and latency percentiles in ms."""
    tally, elapsed, view = run.tally, run.elapsed, run.view
    every = [x for v in tally.latencies.values() for x in v]
    return {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": len(every),
        "errors": len(tally.errors),
        "requests_per_second": round(len(every) / elapsed, 1),
        "games": run.games,
        "turns_in_last_game": view.get("turn") if isinstance(view, dict) else None,
        "ms": {
            name: {
                "n": len(v),
                "p50": round(percentile(v, 0.5) * 1000),
                "p90": round(percentile(v, 0.9) * 1000),
                "p99": round(percentile(v, 0.99) * 1000),
                "max": round(max(v) * 1000),
            }
            for name, v in [("all", every), *sorted(tally.latencies.items())]
            if v
        },
        "first_errors": tally.errors[:5],
    }


def _print_text(result: dict[str, Any]) -> None:
    """The figures as a few lines for a person."""
    print(
        f"{result['clients']} clients, {result['seconds']} s: {result['requests']} requests "
        f"({result['requests_per_second']}/s), {result['errors']} errors, "
        f"{result['games']} games ({result['turns_in_last_game']} turns in the last)"
    )
    for name, m in result["ms"].items():
        print(
            f"  {name:5} n={m['n']:<6} p50 {m['p50']} ms  p90 {m['p90']} ms  "
            f"p99 {m['p99']} ms  max {m['max']} ms"
        )
    for e in result["first_errors"]:
        print(f"  error: {e}")


def main(argv: list[str] | None = None) -> int:
    """Run the load test; exit status 1 if any request failed."""
    args = _parse(_parser(), argv)
    proc = None
    tmp = None
    if args.url:
        u = urllib.parse.urlsplit(args.url)
        host, port = u.hostname, u.port or 80
    else:
        tmp = tempfile.TemporaryDirectory(prefix="wargame-loadtest-")
        proc, port = launch_server(args.token, Path(tmp.name) / "games")
        host = "127.0.0.1"
    try:
        run = _drive(host, port, args)
    finally:
        _stop_server(proc, tmp)
    result = _figures(args.clients, run)
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        _print_text(result)
    return 1 if run.tally.errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
