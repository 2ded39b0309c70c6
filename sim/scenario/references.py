"""Cross-reference checks the field types cannot express: names of actors, relations, rungs, injects."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from sim.scenario.ladder import DEFAULT_LADDER
from sim.scenario.predicates import Predicate
from sim.scenario.schema import (
    Alliance,
    Coverage,
    Dispute,
    Interdependence,
    Partnership,
    Rivalry,
    Scenario,
)

Found = list[tuple[tuple, str]]


def _hint(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, [c for c in choices if c != word], n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def check_references(s: Scenario) -> Found:
    """Every problem of reference in ``s`` as (path, message)."""
    found: Found = []
    actors = set(s.actors)
    ladder = s.ladder or DEFAULT_LADDER
    rungs = [r.name for r in ladder.rungs]
    disputes = {n for n, r in s.relations.items() if isinstance(r, Dispute)}
    alliances = {n for n, r in s.relations.items() if isinstance(r, Alliance)}

    def actor(path: tuple, name: str, allow_any: bool = False) -> None:
        if allow_any and name == "any":
            return
        if name not in actors:
            found.append((path, f"unknown actor {name!r}{_hint(name, actors)}"))

    def rung(path: tuple, ref: int | str | None) -> None:
        if ref is None:
            return
        if isinstance(ref, int):
            if not 0 <= ref < len(rungs):
                found.append((path, f"rung {ref} is outside the ladder (0-{len(rungs) - 1})"))
        elif ref not in rungs:
            found.append((path, f"unknown rung {ref!r}{_hint(ref, rungs)}"))

    if not s.actors:
        found.append(
            ((), "a scenario needs at least one actor (define some or include the library)")
        )
    if s.cast is not None:
        dup = sorted({c for c in s.cast if s.cast.count(c) > 1})
        if dup:
            found.append((("cast",), f"actors listed twice: {', '.join(dup)}"))
    if s.ladder is not None:
        for i, r in enumerate(s.ladder.rungs):
            if r.name in [q.name for q in s.ladder.rungs[:i]]:
                found.append((("ladder", "rungs", i, "name"), f"duplicate rung names: {r.name}"))
    for name, a in s.actors.items():
        rung(("actors", name, "doctrine", "max_rung"), a.doctrine.max_rung)

    for name, rel in s.relations.items():
        base = ("relations", name)
        if isinstance(rel, Alliance | Partnership | Rivalry | Interdependence):
            for i, m in enumerate(rel.members):
                actor((*base, "members", i), m)
            dup = sorted({m for m in rel.members if rel.members.count(m) > 1})
            if dup:
                found.append(((*base, "members"), f"members listed twice: {', '.join(dup)}"))
        if isinstance(rel, Alliance | Partnership) and rel.min_members > len(rel.members):
            found.append(
                (
                    (*base, "min_members"),
                    f"min_members {rel.min_members} is more than its {len(rel.members)} members",
                )
            )
        if isinstance(rel, Alliance):
            for key in ("guarantors", "protects"):
                for i, m in enumerate(getattr(rel, key) or []):
                    if m not in rel.members:
                        found.append(((*base, key, i), f"{m!r} is not a member of this alliance"))
            where = set(s.places) | disputes
            if isinstance(rel.covers, Coverage):
                for i, a in enumerate(rel.covers.administered_by):
                    actor((*base, "covers", "administered_by", i), a)
                named = [
                    ((*base, "covers", "places", i), d) for i, d in enumerate(rel.covers.places)
                ]
            else:
                named = [((*base, "covers", i), d) for i, d in enumerate(rel.covers)]
            for path, d in named:
                if d not in where:
                    found.append((path, f"unknown place or dispute {d!r}{_hint(d, where)}"))
            rung((*base, "trigger"), rel.trigger)
            for i, h in enumerate(rel.basing_hosts):
                actor((*base, "basing_hosts", i), h)
        if isinstance(rel, Dispute):
            actor((*base, "holder"), rel.holder)
            place = s.places.get(rel.place) if rel.place is not None else None
            if rel.place is not None and place is None:
                found.append(
                    ((*base, "place"), f"unknown place {rel.place!r}{_hint(rel.place, s.places)}")
                )
            elif place is not None and place.administered_by != rel.holder:
                found.append(
                    (
                        (*base, "place"),
                        f"place {rel.place!r} is administered by {place.administered_by!r}, "
                        f"not by the dispute's holder {rel.holder!r}",
                    )
                )
            for i, m in enumerate(rel.claimants):
                actor((*base, "claimants", i), m)
                if m == rel.holder:
                    found.append(((*base, "claimants", i), "the holder cannot also be a claimant"))
            for m in rel.stake:
                if m != rel.holder and m not in rel.claimants:
                    found.append(((*base, "stake", m), f"{m!r} is neither holder nor claimant"))
        if isinstance(rel, Interdependence):
            for m in rel.dependence:
                if m not in rel.members:
                    found.append(((*base, "dependence", m), f"{m!r} is not a member"))
        if isinstance(rel, Rivalry | Interdependence) and len(set(rel.members)) < 2:
            found.append(((*base, "members"), "needs two different actors"))

    rivalries = {n for n, r in s.relations.items() if isinstance(r, Rivalry)}
    for key, known, what in (
        ("disputes", disputes, "dispute"),
        ("rivalries", rivalries, "rivalry"),
    ):
        for i, n in enumerate(getattr(s.theatre, key)):
            if n not in known:
                found.append((("theatre", key, i), f"unknown {what} {n!r}{_hint(n, known)}"))
    for name, pl in s.places.items():
        if pl.administered_by is not None:
            actor(("places", name, "administered_by"), pl.administered_by)
        for i, a in enumerate(pl.claimed_by):
            actor(("places", name, "claimed_by", i), a)
            if a == pl.administered_by:
                found.append(
                    (("places", name, "claimed_by", i), "the administrator cannot also claim it")
                )

    for who, targets in s.initial.items():
        actor(("initial", who), who)
        for target, ref in targets.items():
            actor(("initial", who, target), target)
            if target == who:
                found.append((("initial", who, target), "an actor cannot escalate toward itself"))
            rung(("initial", who, target), ref)

    # An inject after the turn limit is allowed: it never fires (so a shortened game stays valid);
    # `wargame check` reports injects that never fired.
    for name, inj in s.injects.items():
        for i, eff in enumerate(inj.effects):
            base = ("injects", name, "effects", i)
            actor((*base, "actor"), eff.actor)
            if hasattr(eff, "toward"):
                actor((*base, "toward"), eff.toward)
                if eff.toward == eff.actor:
                    found.append(((*base, "toward"), "an actor cannot escalate toward itself"))
                rung((*base, "to"), eff.to)

    def pred(path: tuple, p: Predicate) -> None:
        for key in ("all", "any"):
            for i, sub in enumerate(getattr(p, key) or []):
                pred((*path, key, i), sub)
        if p.not_ is not None:
            pred((*path, "not"), p.not_)
        for key in ("peak", "current"):
            t = getattr(p, key)
            if t is not None:
                actor((*path, key, "actor"), t.actor, allow_any=True)
                actor((*path, key, "toward"), t.toward, allow_any=True)
                rung((*path, key, "at_least"), t.at_least)
                rung((*path, key, "at_most"), t.at_most)
        if p.support is not None:
            actor((*path, "support", "actor"), p.support.actor, allow_any=True)
            actor((*path, "support", "toward"), p.support.toward, allow_any=True)
        for key in ("triggered", "honoured"):
            name = getattr(p, key)
            if name is not None and name not in alliances:
                found.append(((*path, key), f"unknown alliance {name!r}{_hint(name, alliances)}"))
        if p.inject is not None and p.inject not in s.injects:
            found.append(
                ((*path, "inject"), f"unknown inject {p.inject!r}{_hint(p.inject, s.injects)}")
            )
        if p.calm is not None:
            rung((*path, "calm", "at_most"), p.calm.at_most)

    names = list(s.outcomes)
    for i, (name, out) in enumerate(s.outcomes.items()):
        if out.when is None and i != len(names) - 1:
            found.append(
                (("outcomes", name), "only the last outcome may omit `when` (it is the catch-all)")
            )
        if out.when is not None:
            pred(("outcomes", name, "when"), out.when)
    if not s.outcomes:
        found.append(((), "a scenario needs at least one outcome"))
    for name, stop in s.stop.items():
        pred(("stop", name, "when"), stop.when)
    found += _history_references(s, actors)
    return found


def _history_references(s: Scenario, actors: set[str]) -> Found:
    """Names in the `history:` block (who used force, force pairs, allies) must be cast actors."""
    if s.history is None:
        return []
    h = s.history
    named: list[tuple[tuple, str]] = [
        (("history", "used_force", i), a) for i, a in enumerate(h.used_force)
    ]
    for i, pair in enumerate(h.force_pairs):
        named += [(("history", "force_pairs", i, j), a) for j, a in enumerate(pair)]
    for i, d in enumerate(h.allies):
        named += [
            (("history", "allies", i, "ally"), d.ally),
            (("history", "allies", i, "partner"), d.partner),
        ]
    return [
        (path, f"unknown actor {a!r}{_hint(a, actors)}") for path, a in named if a not in actors
    ]
