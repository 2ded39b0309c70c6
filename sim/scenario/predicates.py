"""Declarative predicates for outcomes and stop conditions: data, never code (no ``eval``).

A predicate is a mapping with exactly one key. Rung tests take actor/target names or ``any``; rungs
are named (``major_war``) or numbered (0 = the ladder's first rung).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

RungRef = int | str
# Longest game (turns.limit): turn counts are kept in int16 arrays (assumption: 1000 turns is ample,
# a turn is a day or more).
MAX_TURNS = 1000
SupportLevel = Literal[
    "none", "statement", "sanctions", "intelligence", "logistics", "basing", "combat"
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, allow_inf_nan=False)


class RungTest(_Strict):
    """Is some actor's rung toward some target within bounds? ``any`` matches every actor/target."""

    actor: str = Field(default="any", description="Actor name, or `any`.")
    toward: str = Field(default="any", description="Target actor name, or `any`.")
    at_least: RungRef | None = Field(
        default=None, description="Lowest rung that satisfies the test."
    )
    at_most: RungRef | None = Field(
        default=None, description="Highest rung that satisfies the test."
    )

    @model_validator(mode="after")
    def _bound(self) -> RungTest:
        if self.at_least is None and self.at_most is None:
            raise ValueError("give at_least and/or at_most")
        return self


class TurnTest(_Strict):
    """Bounds on the current turn (the final turn, when classifying an outcome)."""

    at_least: int | None = Field(default=None, ge=0, le=MAX_TURNS, description="Lowest turn.")
    at_most: int | None = Field(default=None, ge=0, le=MAX_TURNS, description="Highest turn.")


class Calm(_Strict):
    """Every actor's rung toward every target has been at most ``at_most`` for the last ``turns`` turns."""

    turns: int = Field(ge=1, le=MAX_TURNS, description="How many consecutive turns.")
    at_most: RungRef = Field(description="Highest rung counted as calm.")


class SupportTest(_Strict):
    """Has ``actor`` given ``toward`` at least this level of support (at any point so far)?"""

    actor: str = Field(default="any", description="Supporting actor, or `any`.")
    toward: str = Field(default="any", description="Supported actor, or `any`.")
    at_least: SupportLevel = Field(description="Lowest support level that satisfies the test.")


class Predicate(_Strict):
    """Exactly one of the keys below."""

    all: list[Predicate] | None = Field(default=None, description="All of these hold.")
    any: list[Predicate] | None = Field(default=None, description="At least one of these holds.")
    not_: Predicate | None = Field(default=None, alias="not", description="This does not hold.")
    peak: RungTest | None = Field(default=None, description="Highest rung reached so far.")
    current: RungTest | None = Field(
        default=None, description="Rung now (at the end, for outcomes)."
    )
    triggered: str | None = Field(default=None, description="Alliance whose trigger has fired.")
    honoured: str | None = Field(
        default=None, description="Alliance triggered and honoured by a guarantor."
    )
    inject: str | None = Field(default=None, description="Inject that has fired.")
    turn: TurnTest | None = Field(default=None, description="Bounds on the turn.")
    calm: Calm | None = Field(default=None, description="Sustained calm.")
    support: SupportTest | None = Field(default=None, description="Support given.")

    @model_validator(mode="after")
    def _exactly_one(self) -> Predicate:
        given = [k for k in type(self).model_fields if getattr(self, k) is not None]
        if len(given) != 1:
            keys = ", ".join(f.alias or k for k, f in type(self).model_fields.items())
            raise ValueError(f"a predicate needs exactly one of: {keys}")
        return self


Predicate.model_rebuild()
