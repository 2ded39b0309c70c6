"""The crisis theatre, compiled: which dyads a crisis puts in play, and the tables the
horizontal-escalation rules read (docs/model.md, "Theatre and horizontal escalation").

A scenario's crisis activates the dyads in play: its trigger (pairs named in ``initial:`` above
cooperation; pairs named in an inject once it fires), the disputes and rivalries between those pairs
(a dispute brings all its claimant-holder pairs) and those the ``theatre:`` block names. Commitment
chains and the horizontal-escalation rules add dyads per world as the crisis runs
(sim/rules/families/theatre.py). This module only builds the static tables; it imports no rule code.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from sim.rules.relations import CommitmentLink, Context, Pair, rules_for
from sim.scenario.schema import Dispute, Rivalry, Scenario

DOMAINS = ("maritime", "air", "missile", "land")
"""Capability domains, in the order of ``power_by_domain``."""

KIND_WEIGHTS: dict[str, tuple[float, float, float, float]] = {
    # assumption (kept from the first version): the crises first modelled were maritime, where
    # navies, air forces and anti-ship missiles decide (Cancian, Cancian and Heginbotham 2023,
    # The First Battle of the Next War, CSIS: the battle for Taiwan is fought by submarines,
    # bombers and anti-ship missiles)
    "maritime": (0.35, 0.30, 0.20, 0.15),
    # assumption: on a land border armies decide; air power supports them, navies barely count.
    # Sino-Indian 1962: neither side used combat air power (Maxwell, India's China War, 1970);
    # Sino-Vietnamese 1979: a ground invasion in which the PLA air force flew almost no combat
    # missions (O'Dowd, Chinese Military Strategy in the Third Indochina War, 2007); Galwan 2020:
    # fought hand to hand under the 1996 agreement barring firearms near the line of control
    "land": (0.10, 0.25, 0.05, 0.60),
    # assumption: neither domain dominates (e.g. the Korean peninsula: armies on the DMZ, naval
    # clashes on the Northern Limit Line)
    "mixed": (0.25, 0.25, 0.25, 0.25),
}

DEFAULT_DAYS = 7.0
"""Days per turn when ``turns.days`` is not given (assumption: a week, the commonest turn)."""

SOURCE_GROUPS = ("theatre", "inject", "chain", "opportunism", "retaliation", "second_front")
"""What activated a dyad (``activated_by``): the crisis theatre at its start, an inject that fired,
a commitment chain, then the three horizontal-escalation rules."""
HORIZONTAL = SOURCE_GROUPS[3:]


@dataclass(frozen=True)
class TheatreTables:
    """The compiled theatre (P dyads, I injects, N actors)."""

    power_weights: np.ndarray  # (4,) weights of DOMAINS
    days: float  # days one turn stands for (hazard rates are per 30 days)
    crisis_at_start: bool  # some pair starts above cooperation
    start: np.ndarray  # (P,) bool: in play from the start of the crisis
    declared: (
        np.ndarray
    )  # (P,) bool: declared disputes and rivalries (in play once a crisis starts)
    companions: np.ndarray  # (P, P) bool: activating row also activates column (same pair/group)
    inject_dyads: np.ndarray  # (I, P) bool: dyads an inject's escalate or incident effects name
    hostile: np.ndarray  # (P,) bool: part of a rivalry or dispute (horizontal-rule candidates)
    partners: np.ndarray  # (N, N) bool: a commitment link joins the two actors (either way)

    @functools.cached_property
    def companions_f32(self) -> np.ndarray:
        """``companions`` as float32, for a BLAS matrix product."""
        return self.companions.astype(np.float32)


def power_weights(s: Scenario) -> np.ndarray:
    """The theatre's domain weights (declared, or those of its kind), in DOMAINS order."""
    w = s.theatre.power_weights
    if w is None:
        return np.array(KIND_WEIGHTS[s.theatre.kind], dtype=np.float64)
    return np.array([getattr(w, d) for d in DOMAINS], dtype=np.float64)


def _groups(s: Scenario, ctx: Context) -> dict[str, set[Pair]]:
    """The pairs (both directions) of every dispute and rivalry, by relation name."""
    out: dict[str, set[Pair]] = {}
    for name, rel in s.relations.items():
        if isinstance(rel, Dispute | Rivalry):
            out[name] = rules_for(rel).escalation_pairs(rel, ctx)
    return out


def compile_theatre(
    s: Scenario, ctx: Context, index: dict[Pair, int], links: list[CommitmentLink]
) -> TheatreTables:
    """The static theatre tables of ``s`` over its dyads (``index``: pair -> dyad)."""
    P, N = len(index), len(ctx.index)
    ix = ctx.index

    def mask(pairs: set[Pair]) -> np.ndarray:
        m = np.zeros(P, dtype=bool)
        for p in pairs:
            if p in index:
                m[index[p]] = True
        return m

    groups = _groups(s, ctx)
    companions = np.eye(P, dtype=bool)
    for (x, y), d in index.items():
        companions[d, index[(y, x)]] = True
    for pairs in groups.values():
        m = mask(pairs)
        companions |= m[:, None] & m[None, :]
    trigger: set[Pair] = set()
    for who, targets in s.initial.items():
        for t, ref in targets.items():
            rung = ref if isinstance(ref, int) else ctx.rung_names.index(ref)
            if rung > 0:
                trigger |= {(ix[who], ix[t]), (ix[t], ix[who])}
    start = mask(trigger)
    start = (start.astype(np.uint8) @ companions.astype(np.uint8)) > 0
    named = set(s.theatre.disputes) | set(s.theatre.rivalries)
    declared = mask({p for n in named if n in groups for p in groups[n]})
    inject_dyads = np.zeros((len(s.injects), P), dtype=bool)
    for i, inj in enumerate(s.injects.values()):
        for eff in inj.effects:
            if eff.type in ("escalate", "incident"):
                a, b = ix[eff.actor], ix[eff.toward]
                inject_dyads[i] |= mask({(a, b), (b, a)})
    partners = np.zeros((N, N), dtype=bool)
    for lk in links:
        partners[lk.guarantor, lk.protected] = partners[lk.protected, lk.guarantor] = True
    return TheatreTables(
        power_weights=power_weights(s),
        days=float(s.turns.days or DEFAULT_DAYS),
        crisis_at_start=bool(trigger),
        start=start,
        declared=declared,
        companions=companions,
        inject_dyads=inject_dyads,
        hostile=mask({p for pairs in groups.values() for p in pairs}),
        partners=partners,
    )
