"""Public name of the one-world SolaraViz front end, which lives beside the classroom app in
``sim.serve.viz`` (needs the ``viz`` extra)."""

from sim.serve.viz import Rungs, Timeline, page, rung_rows

__all__ = ["Rungs", "Timeline", "page", "rung_rows"]
