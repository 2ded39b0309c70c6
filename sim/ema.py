"""Public name of the EMA Workbench adapter, which lives with the sweeps in ``sim.sweeps.ema``
(see docs/ema.md): ``sim.ema`` is that very module, so every name (and monkeypatching) works."""

import sys

from sim.sweeps import ema as _ema

sys.modules[__name__] = _ema
