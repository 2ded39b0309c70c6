"""``wargame serve``: the classroom web app, facilitator page and team seats (needs the viz extra)."""

from __future__ import annotations

import argparse

from sim.cli.common import check_port, load, public_host
from sim.errors import WargameError

NAME = "serve"
HELP = "the classroom web app: facilitator page and team seats (needs the viz extra)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The first scenario, where to listen, the token, folders, links and turn options."""
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
        "--workers",
        type=int,
        default=None,
        help="worker processes kept for the what-if and the review (default: all cores; "
        "1: in the server's process)",
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
    p.set_defaults(overrides=[])


def run(args: argparse.Namespace) -> int:
    """Validate, configure the app through the environment, print the links and serve."""
    import os
    import secrets
    from importlib.util import find_spec

    from sim.runner.executor import default_workers

    if find_spec("solara") is None or find_spec("uvicorn") is None:
        raise WargameError('wargame serve needs the viz extra: pip install -e ".[viz]"')
    if args.scenario:
        load(args)  # validate first: errors as one clear line, not a server traceback
    check_port(args.host, args.port)
    token = args.token or os.environ.get("WARGAME_TOKEN") or secrets.token_urlsafe(16)
    url = (args.url or f"http://{public_host(args.host)}:{args.port}").rstrip("/")
    os.environ.update(
        WARGAME_SCENARIO=args.scenario or "",
        WARGAME_SCENARIOS_DIR=args.scenarios,
        WARGAME_GAMES_DIR=args.games,
        WARGAME_TOKEN=token,
        WARGAME_URL=url,
        WARGAME_AAR_RUNS=str(args.aar_runs),
        WARGAME_WORKERS=str(args.workers or default_workers()),
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
