"""What each relation type means to the compiler: one handler per type instead of type tests.

Each ``RelationRules`` method answers one question a compile section asks (which dyads can escalate,
which are hostile, which commitment links exist, which numbers land on dyads, which basing access
is drawn); the default answer is "none". ``rules_for`` looks a relation's handler up by its class.
docs/architecture.md, "Add a relation type", lists the steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sim.scenario.schema import (
    Alliance,
    Dispute,
    Interdependence,
    Partnership,
    Rivalry,
)

Pair = tuple[int, int]


@dataclass
class CommitmentLink:
    """One guarantor -> protected pair of an alliance or partnership."""

    relation: str
    guarantor: int
    protected: int
    alliance: bool
    support: int  # support level index (sim.scenario.schema.SUPPORT_LEVELS)
    credibility: Any  # number or distribution
    trigger: int  # rung at which an attack on the protected actor fires the link
    weight: float  # weight of the alignment (security dilemma)
    # coverage (filled by sim/rules/places.py): places (by index) covered by name; actors whose
    # administered places are covered (None: the protected member's own territory, the legacy
    # list form); whether an attack on the protected member's forces abroad counts
    covers: set[int] = field(default_factory=set)
    covers_admin: set[str] | None = None
    covers_abroad: bool = True


@dataclass
class DyadValue:
    """A number placed on a dyad: its array, pair, value (or distribution) and scenario path."""

    key: str
    pair: Pair
    value: Any
    path: str


@dataclass
class Context:
    """What the handlers need to know about the scenario being compiled."""

    index: dict[str, int]  # actor -> index
    rung_names: list[str]
    first_force: int
    disputes: list[str]  # names of the dispute relations, in order
    levels: dict[str, int] = field(default_factory=dict)  # support level -> index

    def rung(self, ref: int | str | None, default: int) -> int:
        """A rung given by index or name (``default`` when None)."""
        if ref is None:
            return default
        return ref if isinstance(ref, int) else self.rung_names.index(ref)


class RelationRules:
    """Default answers: a relation type contributes nothing unless its handler says so."""

    territorial = False  # a dispute over territory (numbered; alliances may ``cover`` it)

    def escalation_pairs(self, rel: Any, ctx: Context) -> set[Pair]:
        """Directed pairs along which the members may escalate (both directions)."""
        return set()

    def hostile_pairs(self, rel: Any, ctx: Context) -> set[Pair]:
        """Pairs (x, y) where x threatens y (used to extend dyads to guarantors)."""
        return set()

    def claims(self, name: str, rel: Any, ctx: Context) -> dict[Pair, int]:
        """(claimant, holder) -> dispute index."""
        return {}

    def links(self, name: str, rel: Any, ctx: Context) -> list[CommitmentLink]:
        """Commitment links (one per ordered guarantor -> protected pair)."""
        return []

    def dyad_values(self, name: str, rel: Any, ctx: Context) -> list[DyadValue]:
        """Numbers placed on dyads (rivalry intensity, stakes, trade dependence)."""
        return []

    def basing_hosts(self, rel: Any) -> list[str]:
        """Actors hosting the guarantors' bases (an attacker may turn on them)."""
        return []

    def protected(self, rel: Any) -> list[str]:
        """Actors the relation protects."""
        return []


class RivalryRules(RelationRules):
    """A rivalry: both directions may escalate, are hostile, and carry its intensity."""

    def escalation_pairs(self, rel: Rivalry, ctx: Context) -> set[Pair]:
        """Both directions between the two rivals."""
        x, y = ctx.index[rel.members[0]], ctx.index[rel.members[1]]
        return {(x, y), (y, x)}

    def hostile_pairs(self, rel: Rivalry, ctx: Context) -> set[Pair]:
        """Each rival threatens the other."""
        return self.escalation_pairs(rel, ctx)

    def dyad_values(self, name: str, rel: Rivalry, ctx: Context) -> list[DyadValue]:
        """The intensity on both directions."""
        x, y = ctx.index[rel.members[0]], ctx.index[rel.members[1]]
        path = f"relations.{name}.intensity"
        return [DyadValue("rivalry_intensity", p, rel.intensity, path) for p in ((x, y), (y, x))]


class DisputeRules(RelationRules):
    """A territorial dispute: claimants and holder may escalate; claimants threaten the holder."""

    territorial = True

    def escalation_pairs(self, rel: Dispute, ctx: Context) -> set[Pair]:
        """Both directions between the holder and every claimant."""
        h = ctx.index[rel.holder]
        return {p for c in rel.claimants for p in ((ctx.index[c], h), (h, ctx.index[c]))}

    def claims(self, name: str, rel: Dispute, ctx: Context) -> dict[Pair, int]:
        """Every claimant -> holder pair, with the dispute's index."""
        h = ctx.index[rel.holder]
        return {(ctx.index[c], h): ctx.disputes.index(name) for c in rel.claimants}

    def hostile_pairs(self, rel: Dispute, ctx: Context) -> set[Pair]:
        """Claimants threaten the holder."""
        return {(ctx.index[c], ctx.index[rel.holder]) for c in rel.claimants}

    def dyad_values(self, name: str, rel: Dispute, ctx: Context) -> list[DyadValue]:
        """The claimant's stake (claim) and the holder's stake (defend), claimant by claimant."""
        h = ctx.index[rel.holder]
        out = []
        for c in rel.claimants:
            ci = ctx.index[c]
            out.append(
                DyadValue(
                    "claim_stake", (ci, h), rel.stake.get(c, 0.5), f"relations.{name}.stake.{c}"
                )
            )
            out.append(
                DyadValue(
                    "holder_stake",
                    (h, ci),
                    rel.stake.get(rel.holder, 0.5),
                    f"relations.{name}.stake.{rel.holder}",
                )
            )
        return out


class InterdependenceRules(RelationRules):
    """Economic interdependence: each member's trade dependence on the other."""

    def dyad_values(self, name: str, rel: Interdependence, ctx: Context) -> list[DyadValue]:
        """Dependence of each listed member on the other."""
        x, y = ctx.index[rel.members[0]], ctx.index[rel.members[1]]
        return [
            DyadValue(
                "trade_dependence",
                (u, v),
                rel.dependence[who],
                f"relations.{name}.dependence.{who}",
            )
            for u, v, who in ((x, y, rel.members[0]), (y, x, rel.members[1]))
            if who in rel.dependence
        ]


class AllianceRules(RelationRules):
    """A defence treaty: guarantors -> protected links, a trigger, covered disputes, basing."""

    def links(self, name: str, rel: Alliance, ctx: Context) -> list[CommitmentLink]:
        """One link per guarantor and protected member (not oneself)."""
        return [
            CommitmentLink(
                relation=name,
                guarantor=ctx.index[g],
                protected=ctx.index[p],
                alliance=True,
                support=ctx.levels[rel.support],
                credibility=rel.credibility,
                trigger=ctx.rung(rel.trigger, ctx.first_force),
                weight=1.0,
            )
            for g in rel.guarantors or rel.members
            for p in rel.protects or rel.members
            if g != p
        ]

    def basing_hosts(self, rel: Alliance) -> list[str]:
        """The alliance's basing hosts."""
        return list(rel.basing_hosts)

    def protected(self, rel: Alliance) -> list[str]:
        """Protected members (all members when not said)."""
        return list(rel.protects or rel.members)


class PartnershipRules(RelationRules):
    """A partnership: every member is committed to every other, covering every dispute."""

    def links(self, name: str, rel: Partnership, ctx: Context) -> list[CommitmentLink]:
        """One link per ordered pair of members."""
        return [
            CommitmentLink(
                relation=name,
                guarantor=ctx.index[g],
                protected=ctx.index[p],
                alliance=False,
                support=ctx.levels[rel.support],
                credibility=rel.credibility,
                trigger=ctx.first_force,
                weight=rel.weight,
            )
            for g in rel.members
            for p in rel.members
            if g != p
        ]


HANDLERS: dict[type, RelationRules] = {
    Rivalry: RivalryRules(),
    Dispute: DisputeRules(),
    Interdependence: InterdependenceRules(),
    Alliance: AllianceRules(),
    Partnership: PartnershipRules(),
}


def rules_for(rel: Any) -> RelationRules:
    """The handler of ``rel``'s type."""
    return HANDLERS[type(rel)]
