"""``wargame schema``: print the JSON Schema of the scenario format."""

from __future__ import annotations

import argparse
import sys

NAME = "schema"
HELP = "print the JSON Schema of the scenario format"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """No arguments."""


def run(args: argparse.Namespace) -> int:
    """Write the schema to stdout."""
    from sim.scenario.jsonschema import schema_text

    sys.stdout.write(schema_text())
    return 0
