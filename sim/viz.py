"""Public name of the one-world SolaraViz front end, which lives beside the classroom app in
``sim.serve.viz`` (needs the ``viz`` extra): ``sim.viz`` is that very module."""

import sys

from sim.serve import viz as _viz

sys.modules[__name__] = _viz
