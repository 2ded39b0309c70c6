"""The `history:` block of a history-deck case: what happened in a real crisis, with its sources.

A deck case (``scenarios/history/*.yaml``) is an ordinary scenario plus this block. ``wargame
backtest`` scores the engine's probability of what happened on the standard vocabulary (peak
violence, how the crisis ended, its duration, who used force, whether each ally intervened).
Every fact names where it comes from: ``sources`` maps each fact field to its references.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

VIOLENCE = ("none", "minor_clashes", "serious_clashes", "full_scale_war", "nuclear_use")
ENDINGS = (
    "formal_agreement",
    "tacit_understanding",
    "unilateral_concession",
    "imposed",
    "faded",
    "still_running",
)
Violence = Literal["none", "minor_clashes", "serious_clashes", "full_scale_war", "nuclear_use"]
Ending = Literal[
    "formal_agreement",
    "tacit_understanding",
    "unilateral_concession",
    "imposed",
    "faded",
    "still_running",
]
# The fact fields of a History that must each carry at least one source.
FACT_FIELDS = ("dates", "peak_violence", "ending", "duration_days", "used_force", "allies")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, allow_inf_nan=False)


class Datasets(_Strict):
    """Case identifiers in public crisis datasets (any that cover the case)."""

    icb: int | None = Field(
        default=None,
        ge=1,
        le=10_000,
        description="International Crisis Behavior (ICB) crisis number.",
    )
    mid: list[int] = Field(
        default_factory=list,
        description="Correlates of War Militarized Interstate Dispute numbers.",
    )
    other: list[str] = Field(
        default_factory=list, description="Other dataset case ids, e.g. 'UCDP conflict 123'."
    )


class AllyDecision(_Strict):
    """Whether an ally (a guarantor in the scenario) intervened for a partner in the crisis."""

    ally: str = Field(description="The guarantor, an actor of the scenario.")
    partner: str = Field(description="The protected partner, an actor of the scenario.")
    intervened: bool = Field(
        description="True if the ally used force or deployed forces in the partner's support "
        "(beyond statements); see `how`."
    )
    how: str = Field(default="", description="What the ally actually did, in a few words.")


class History(_Strict):
    """What happened, on the engine's standard vocabulary, and the sources for each fact."""

    case: str = Field(description="The crisis's common name.")
    start: dt.date = Field(
        description="First day of the crisis (ICB trigger date where it has one)."
    )
    end: dt.date = Field(
        description="Last day of the crisis (ICB termination date where it has one)."
    )
    datasets: Datasets = Field(default_factory=Datasets, description="Dataset case ids.")
    peak_violence: Violence = Field(
        description="Highest violence reached (ICB scale: none, minor clashes, serious clashes, "
        "full-scale war; plus nuclear use)."
    )
    ending: Ending = Field(description="How the crisis ended (standard ending types).")
    duration_days: int = Field(ge=0, le=36500, description="Days from start to end.")
    used_force: list[str] = Field(
        default_factory=list, description="Actors of the scenario that used force in the crisis."
    )
    force_pairs: list[tuple[str, str]] = Field(
        default_factory=list,
        description="Directed pairs [attacker, target] that used force (optional detail).",
    )
    allies: list[AllyDecision] = Field(
        default_factory=list, description="Each relevant ally's decision to intervene or not."
    )
    summary: str = Field(default="", description="A few sentences on what happened, in our words.")
    sources: dict[str, list[str]] = Field(
        description="For each fact field (dates, peak_violence, ending, duration_days, used_force, "
        "allies), the references that support it: dataset case and a standard history."
    )

    @model_validator(mode="after")
    def _facts_sourced(self) -> History:
        unknown = sorted(set(self.sources) - set(FACT_FIELDS) - {"datasets", "force_pairs"})
        if unknown:
            raise ValueError(f"sources for unknown fields: {', '.join(unknown)}")
        missing = [f for f in FACT_FIELDS if not [s for s in self.sources.get(f, []) if s.strip()]]
        if missing:
            raise ValueError(f"no source for: {', '.join(missing)}")
        if self.end < self.start:
            raise ValueError("`end` is before `start`")
        return self
