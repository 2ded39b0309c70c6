"""``wargame calibrate``: fit rule weights and scenario attributes to the history deck by maximising
the backtest's score (CMA-ES, common random numbers), cross-validated, with held-out cases scored at
the end; see docs/validation.md, "Calibration"."""
