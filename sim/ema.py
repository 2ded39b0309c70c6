"""Public name of the EMA Workbench adapter, which lives with the sweeps in ``sim.sweeps.ema``
(see docs/ema.md)."""

from sim.sweeps.ema import INSTALL_HINT, ema_model, ema_name, uncertain_parameters

__all__ = ["INSTALL_HINT", "ema_model", "ema_name", "uncertain_parameters"]
