"""The names of a scenario's outcomes, in priority order, with the implicit catch-all.

Every world ends in exactly one outcome: the first, in file order, whose ``when`` holds. When the
last outcome has a ``when``, a world that meets none of them is ``other``. Everything that names
outcome columns or counts (the rules' endings, the outcome tables, summaries, sweeps, EMA) takes
the list from here, so the catch-all is added in one place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.scenario.schema import Scenario

__all__ = ["CATCH_ALL", "outcome_names"]

CATCH_ALL = "other"
"""The outcome of a world that meets no outcome's ``when`` (added when the last one has a ``when``)."""


def outcome_names(scenario: Scenario) -> list[str]:
    """Outcome names in priority order, including the implicit catch-all ``other`` if needed."""
    names = list(scenario.outcomes)
    outs = list(scenario.outcomes.values())
    if outs and outs[-1].when is not None:
        names.append(CATCH_ALL)
    return names
