"""The ordered registry of rule families: the turn loop, forced injects, the utility, the
explanation and docs/model.md's parameter tables all iterate this one list.

The order is the order of the draws at setup (honouring, perceived resolve, injects, basing) and
of the shared quantities in a turn (commitments react to injects, perception, balance, coalition,
threat, doctrine, utility weights); the utility adds the families' terms in this order. Changing
it changes results: tests/runner/test_golden_outputs.py says so.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sim.rules.families import (
    alliance_decisions,
    balance,
    bargaining,
    basing,
    campaigns,
    choice,
    coalition,
    commitments,
    doctrine,
    endings,
    incidents,
    injects,
    mediation,
    nuclear,
    perception,
    settlement,
    theatre,
    threat,
    utility,
    weariness,
)
from sim.rules.family import RuleFamily, RuleParameter, UtilityTerm

REGISTRY: list[RuleFamily] = [
    commitments.FAMILY,
    alliance_decisions.FAMILY,
    perception.FAMILY,
    injects.FAMILY,
    basing.FAMILY,
    balance.FAMILY,
    coalition.FAMILY,
    threat.FAMILY,
    doctrine.FAMILY,
    theatre.FAMILY,
    utility.FAMILY,
    nuclear.FAMILY,
    incidents.FAMILY,
    choice.FAMILY,
    weariness.FAMILY,
    bargaining.FAMILY,
    mediation.FAMILY,
    campaigns.FAMILY,
    settlement.FAMILY,
    endings.FAMILY,
]


def families() -> tuple[RuleFamily, ...]:
    """The registered families, in order (a model keeps the tuple it was built with)."""
    return tuple(REGISTRY)


def terms(fams: tuple[RuleFamily, ...]) -> tuple[UtilityTerm, ...]:
    """Every utility term of ``fams``, in registry then declaration order."""
    return tuple(t for f in fams for t in f.terms)


def parameters(fams: tuple[RuleFamily, ...]) -> dict[str, tuple[RuleFamily, RuleParameter]]:
    """Every rule parameter of ``fams`` by name, with the family that declares it."""
    out: dict[str, tuple[RuleFamily, RuleParameter]] = {}
    for f in fams:
        for p in f.parameters:
            if p.name in out:
                raise ValueError(
                    f"rule parameter {p.name!r} declared by {out[p.name][0].name} and {f.name}"
                )
            out[p.name] = (f, p)
    return out


def listed_terms(fams: tuple[RuleFamily, ...]) -> list[str]:
    """Term names in explanation order: added order, moved by ``listed_before``."""
    names = [t.name for t in terms(fams)]
    for t in terms(fams):
        if t.listed_before is not None:
            names.remove(t.name)
            names.insert(names.index(t.listed_before), t.name)
    return names


@contextmanager
def registered(family: RuleFamily, before: str | None = None) -> Iterator[None]:
    """Add ``family`` to the registry (at the end, or before the family named ``before``) for
    the duration of a ``with`` block: models built inside it use it."""
    at = len(REGISTRY) if before is None else [f.name for f in REGISTRY].index(before)
    REGISTRY.insert(at, family)
    try:
        yield
    finally:
        REGISTRY.remove(family)
