"""What a ladder's rungs and a scenario's stop conditions mean on the standard vocabulary.

The standard vocabulary (docs/validation.md, "The standard vocabulary") describes every world the
same way whatever the scenario: its peak violence on the ICB scale plus nuclear use, how the crisis
ended and who used force against whom. This module holds the static part, read from the scenario:

- each rung's **violence class** (``Rung.violence``, or derived from the rung's flags);
- each stop condition's **ending type** (``Stop.ending``, or derived from its predicate).

Sources: the violence classes are those of the International Crisis Behavior project's VIOL variable
(Brecher, Wilkenfeld, Beardsley, James and Quinn, *International Crisis Behavior Data Codebook*,
version 12, 2017: no violence, minor clashes, serious clashes, full-scale war), plus nuclear use; the
ending types follow the ICB form-of-outcome variable (OUTFOR: formal agreement, tacit understanding,
unilateral act, imposed, faded), plus ``still_running`` for a world the model stopped watching.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sim.scenario.history import ENDINGS, VIOLENCE

if TYPE_CHECKING:
    from sim.scenario.predicates import Predicate
    from sim.scenario.schema import Rung, Stop

__all__ = ["ENDINGS", "VIOLENCE", "ladder_violence", "stop_ending"]


def ladder_violence(rungs: Sequence[Rung]) -> list[str]:
    """The violence class of every rung, in ladder order.

    A rung's own ``violence`` wins. Otherwise, from its flags:

    - ``nuclear`` -> ``nuclear_use``;
    - not ``force`` -> ``none`` (coercion, blockade and sanctions are not armed clashes);
    - the ladder's lowest ``force`` rung -> ``serious_clashes`` (limited use of force: a seizure,
      strikes on forces at sea or in the air), unless it is also ``homeland``;
    - every higher ``force`` rung, and any ``homeland`` rung -> ``full_scale_war`` (a sustained
      campaign, strikes on home territory).

    A rung's class is then raised to at least the class of every rung below it (rungs are ordered
    least to most escalatory, so a non-force rung placed above a force rung is not "no violence").

    ``minor_clashes`` is never a rung's default: it is a property of a world (a single, unanswered,
    one-turn use of the lowest force rung; see ``sim.rules.vocabulary``), or a rung's declared class.
    On the default ladder: limited_strikes -> serious_clashes; major_war and homeland_strikes ->
    full_scale_war; nuclear_use -> nuclear_use; every rung below -> none.
    """
    force = [i for i, r in enumerate(rungs) if r.force]
    first_force = force[0] if force else len(rungs)
    out = []
    for i, r in enumerate(rungs):
        if r.violence is not None:
            out.append(r.violence)
        elif r.nuclear:
            out.append("nuclear_use")
        elif not r.force:
            out.append("none")
        elif r.homeland or i > first_force:
            out.append("full_scale_war")
        else:
            out.append("serious_clashes")
    for i in range(1, len(out)):
        if VIOLENCE.index(out[i]) < VIOLENCE.index(out[i - 1]):
            out[i] = out[i - 1]
    return out


def ladder_problem(rungs: Sequence[Rung]) -> str | None:
    """Why a ladder's declared violence classes are inconsistent, or None: a declared class may
    not be below the class of a rung before it (rungs are ordered least to most escalatory)."""
    classes = ladder_violence(rungs)
    for i in range(1, len(rungs)):
        declared = rungs[i].violence
        if declared is not None and VIOLENCE.index(declared) < VIOLENCE.index(classes[i - 1]):
            return (
                f"rung {rungs[i].name!r} has violence {declared!r}, below {classes[i - 1]!r} "
                f"of the rung before it ({rungs[i - 1].name!r}); classes may not fall up the ladder"
            )
    return None


def _has_calm(p: Predicate) -> bool:
    """A calm test at the top of the predicate, or inside a top-level ``all``."""
    if p.calm is not None:
        return True
    return p.all is not None and any(q.calm is not None for q in p.all)


def stop_ending(stop: Stop) -> str:
    """The ending type of a world stopped by ``stop``: its declared ``ending``; otherwise ``faded``
    when the stop is a sustained calm (the crisis subsided with no settlement: ICB "faded"), and
    ``still_running`` for any other stop (e.g. "nuclear use ends the game": the model stopped
    watching a crisis that had not ended)."""
    if stop.ending is not None:
        return stop.ending
    return "faded" if _has_calm(stop.when) else "still_running"
