"""``python -m sim.cli``: the ``wargame`` command."""

import sys

from sim.cli import console

sys.exit(console())
