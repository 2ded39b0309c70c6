"""``wargame viz``: step one world in Mesa's SolaraViz (needs the viz extra)."""

from __future__ import annotations

import argparse
import sys

from sim.cli.common import check_port, load
from sim.errors import WargameError

NAME = "viz"
HELP = "step one world in Mesa's SolaraViz (needs the viz extra)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The scenario, the seed of the world shown, and where to listen."""
    p.add_argument("scenario", metavar="SCENARIO", help="scenario YAML file")
    p.add_argument("--seed", type=int, default=0, help="seed of the world shown (default 0)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8765, help="port to listen on (default 8765)")
    p.set_defaults(overrides=[])


def run(args: argparse.Namespace) -> int:
    """Validate the scenario and the address, then start ``solara run sim.serve.viz_app``."""
    import os
    import subprocess
    from importlib.util import find_spec

    if find_spec("solara") is None:
        raise WargameError('wargame viz needs the viz extra: pip install -e ".[viz]"')
    load(args)  # validate first: errors as one clear line, not a server traceback
    check_port(args.host, args.port)
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
        "sim.serve.viz_app",
        "--host",
        args.host,
        "--port",
        str(args.port),
    ]
    return subprocess.call(cmd, env=env)
