"""Limited campaigns: war aims of planned length, ended by the campaigner (docs/model.md, 11.5).

A scenario may say that an actor's aim toward one target is a campaign of planned length
(``campaigns:``): a punitive expedition ('teaching a lesson': China against India in 1962 and
Vietnam in 1979) or a coercive campaign of exercises and missile tests timed to an event (the
Taiwan Strait, 1995-96). A punitive campaign's clock (``aim: punish``) starts at the actor's first
use of force toward the target; a coercive campaign's (``aim: coerce``) at its first move above the
quiet level, and the campaigner stays short of force toward the target (its means are limited to
signals) unless the target uses force on it first. The clock counts calendar weeks (the plan's
dates, not the crisis clock). While it runs, the pair neither
settles, concedes nor has a settlement imposed (the settlement family skips it): the campaign's
aim is to punish or to signal, not a share of the issue, so there is no bargain to strike. When it
has run its course the pair's confrontation ends at once, both sides stepping down to at most the
quiet level and held there as after any ending:

- if the campaigner used force toward the target, by its **unilateral act** (a declared ceasefire
  and withdrawal: ICB's form of outcome 4, coded ``unilateral_concession`` in the standard
  vocabulary, which names the form of the ending, not who lost);
- if not, with nothing agreed or conceded: the campaign ran out and the crisis **faded**.

Sources: T. V. Paul, Asymmetric Conflicts: War Initiation by Weaker Powers (Cambridge, 1994), on
the limited-aims strategy; M. Taylor Fravel, Strong Borders, Secure Nation (Princeton, 2008), on
China's short punitive wars ended by unilateral withdrawal; R. S. Ross, 'The 1995-96 Taiwan
Strait Confrontation', International Security 25(2), 2000, on a coercive campaign that ended as
scheduled. Without ``campaigns:`` in a scenario this family does nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.rules.cache import per_scenario
from sim.rules.compile import CompiledScenario
from sim.rules.events import Event
from sim.rules.families.settlement import CONCESSION, FADED, stand_down
from sim.rules.family import RuleFamily
from sim.rules.pairs import pairs_of, quiet_rung, turn_weeks
from sim.rules.state import F32, WorldState


@dataclass(frozen=True)
class Campaigns:
    """The C campaigns of a compiled scenario, in file order."""

    names: list[str]
    dyad: np.ndarray  # (C,) actor -> target
    pair: np.ndarray  # (C,) the pair of that dyad
    start: np.ndarray  # (C,) rung whose reaching starts the clock
    coerce: np.ndarray  # (C,) a coercive campaign: short of force unless the target uses it
    weeks: np.ndarray  # (C,) planned length

    @property
    def size(self) -> int:
        """Number of campaigns (C)."""
        return len(self.names)


@per_scenario
def campaigns_of(c: CompiledScenario) -> Campaigns:
    """The scenario's campaigns as arrays (a campaign's dyad exists: compile adds its pair)."""
    camps = c.scenario.campaigns
    dyads = [c.dyad_index(k.actor, k.toward) for k in camps.values()]
    coerce = [k.aim == "coerce" for k in camps.values()]
    start = [quiet_rung(c) + 1 if k else c.first_force for k in coerce]
    return Campaigns(
        names=list(camps),
        dyad=np.array(dyads, dtype=np.int64),
        pair=pairs_of(c).of_dyad[np.array(dyads, dtype=np.int64)],
        start=np.array(start, dtype=np.int8),
        coerce=np.array(coerce, dtype=bool),
        weeks=np.array([k.weeks for k in camps.values()], dtype=F32),
    )


def end_campaigns(s: WorldState, c: CompiledScenario, k: Campaigns) -> np.ndarray:
    """Advance every running campaign's clock by one turn; end those that have run their course.
    Returns the (R, C) mask of campaigns ended now."""
    started = s.peak[:, k.dyad] >= k.start
    running = started & ~s.campaign_over & s.alive[:, None]
    step = np.where(running, F32(turn_weeks(c.scenario)), F32(0))  # an ended clock keeps its weeks
    s.campaign_weeks = (s.campaign_weeks + step).astype(F32)
    due = running & (s.campaign_weeks >= k.weeks - F32(1e-4))
    s.campaign_over |= due
    open_pair = s.resolution[:, k.pair] < 0
    ended = due & open_pair
    if ended.any():
        forced = s.peak[:, k.dyad] >= c.first_force
        how = np.where(forced, CONCESSION, FADED).astype(np.int8)
        resolution = s.resolution.copy()
        mutual = np.zeros(resolution.shape, dtype=bool)
        for j in range(k.size):  # campaigns are few; one column each
            hit = ended[:, j]
            resolution[hit, k.pair[j]] = how[hit, j]
            mutual[hit, k.pair[j]] = True
        s.resolution = resolution
        stand_down(s, c, mutual, np.zeros_like(mutual), np.zeros_like(mutual))
    still = started & ~s.campaign_over
    s.campaign_running = np.zeros(s.resolution.shape, dtype=bool)
    for j in range(k.size):
        s.campaign_running[:, k.pair[j]] |= still[:, j]
    return ended


class CampaignFamily(RuleFamily):
    """Run the scenario's limited campaigns and end them when their planned length has run."""

    name = "campaigns"
    summary = "limited war aims: punitive and coercive campaigns of planned length"
    endings = ("unilateral_concession", "faded")
    state_fields = ("campaign_weeks", "campaign_over", "campaign_running")

    def setup(self, s: WorldState, c: CompiledScenario) -> None:
        """No campaign has started."""
        n = len(c.scenario.campaigns)
        s.campaign_weeks = np.zeros((s.worlds, n), dtype=F32)
        s.campaign_over = np.zeros((s.worlds, n), dtype=bool)
        s.campaign_running = np.zeros((s.worlds, pairs_of(c).size), dtype=bool)

    def update(self, s: WorldState, c: CompiledScenario) -> None:
        """A coercive campaign still running stays below force toward its target, unless the
        target has used force on the campaigner."""
        if not c.scenario.campaigns:
            return
        k = campaigns_of(c)
        for j in np.flatnonzero(k.coerce):
            d = k.dyad[j]
            hold = ~s.campaign_over[:, j] & (s.peak[:, c.reverse[d]] < c.first_force)
            capped = np.minimum(s.highest_rung[:, d], c.first_force - 1)
            s.highest_rung[:, d] = np.where(hold, capped, s.highest_rung[:, d])

    def end_turn(self, s: WorldState, c: CompiledScenario) -> None:
        """Clocks advance; campaigns that have run their course end their pair's confrontation
        (before the settlement family draws, which skips a pair whose campaign still runs)."""
        if not c.scenario.campaigns:
            return
        k = campaigns_of(c)
        ended = end_campaigns(s, c, k)
        if s.explain and ended[0].any():
            for j in np.flatnonzero(ended[0]):
                camp = c.scenario.campaigns[k.names[j]]
                forced = s.resolution[0, k.pair[j]] == CONCESSION
                how = "declares a ceasefire" if forced else "ends its campaign"
                s.log.append(
                    Event(
                        s.turn,
                        "campaigns",
                        camp.actor,
                        f"{camp.actor} {how} toward {camp.toward}: its campaign "
                        f"{k.names[j]!r} has run its planned {camp.weeks:g} weeks",
                    )
                )

    def reasons(self, s: WorldState, c: CompiledScenario, dyad: int) -> list[str]:
        """A running campaign keeps its pair from settling (and a coercive one short of force)."""
        if not c.scenario.campaigns:
            return []
        k = campaigns_of(c)
        out = []
        for j in np.flatnonzero(k.dyad == dyad):
            if s.campaign_running[0, k.pair[j]]:
                out.append(
                    f"campaign {k.names[j]!r} under way "
                    f"({s.campaign_weeks[0, j]:g} of {k.weeks[j]:g} weeks): no settlement"
                    + (", no force unless attacked" if k.coerce[j] else "")
                )
        return out


FAMILY = CampaignFamily()
