"""``wargame backtest``: score the engine against a deck of real crises, and face-validity checks.

Modules: ``dimensions`` (what is scored and how a world is read on each dimension), ``scoring``
(log and Brier scores, smoothing, reliability bins), ``baselines`` (uniform and leave-one-out base
rates), ``deck`` (loading the cases), ``task`` (the worker's task: one block of one case), ``run``
(the backtest folder), ``checks`` (directional checks), ``report`` (HTML and Markdown) and
``validation`` (the engine-scores section of docs/validation.md). See docs/validation.md.
"""

DEFAULT_DECK = "scenarios/history"
"""The deck ``wargame backtest`` and ``wargame calibrate`` read when none is given (here, not in
``deck``, so that building the command line does not import the scenario schema)."""
