"""Entry point for ``solara run``: the scenario and seed come from WARGAME_SCENARIO / WARGAME_SEED."""

import os

from sim.serve.viz import page as _page

page = _page(
    os.environ.get("WARGAME_SCENARIO", "scenarios/senkaku_grey_zone.yaml"),
    int(os.environ.get("WARGAME_SEED", "0")),
)
