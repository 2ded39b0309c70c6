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
    """Every problem of reference in ``s`` as (path, message), in the scenario's section order."""
    c = _Checker(s)
    c.basics()
    for name, rel in s.relations.items():
        c.relation(("relations", name), rel)
    c.theatre()
    c.places()
    c.initial()
    c.injects()
    c.campaigns()
    c.outcomes()
    c.found += _history_references(s, c.actors)
    return c.found


class _Checker:
    """Collects reference problems of one scenario; the known names are read once up front."""

    def __init__(self, s: Scenario) -> None:
        self.s = s
        self.found: Found = []
        self.actors = set(s.actors)
        ladder = s.ladder or DEFAULT_LADDER
        self.rungs = [r.name for r in ladder.rungs]
        self.disputes = {n for n, r in s.relations.items() if isinstance(r, Dispute)}
        self.alliances = {n for n, r in s.relations.items() if isinstance(r, Alliance)}

    def add(self, path: tuple, message: str) -> None:
        """Record one problem at ``path``."""
        self.found.append((path, message))

    def actor(self, path: tuple, name: str, allow_any: bool = False) -> None:
        """``name`` must be a cast actor (or ``any`` where a predicate allows it)."""
        if allow_any and name == "any":
            return
        if name not in self.actors:
            self.add(path, f"unknown actor {name!r}{_hint(name, self.actors)}")

    def rung(self, path: tuple, ref: int | str | None) -> None:
        """``ref`` (an index or a name) must be a rung of the ladder in use."""
        if ref is None:
            return
        rungs = self.rungs
        if isinstance(ref, int):
            if not 0 <= ref < len(rungs):
                self.add(path, f"rung {ref} is outside the ladder (0-{len(rungs) - 1})")
        elif ref not in rungs:
            self.add(path, f"unknown rung {ref!r}{_hint(ref, rungs)}")

    def basics(self) -> None:
        """Some actors, none cast twice, no rung named twice, doctrine caps on the ladder."""
        s = self.s
        if not s.actors:
            self.add((), "a scenario needs at least one actor (define some or include the library)")
        if s.cast is not None:
            dup = sorted({c for c in s.cast if s.cast.count(c) > 1})
            if dup:
                self.add(("cast",), f"actors listed twice: {', '.join(dup)}")
        if s.ladder is not None:
            for i, r in enumerate(s.ladder.rungs):
                if r.name in [q.name for q in s.ladder.rungs[:i]]:
                    self.add(("ladder", "rungs", i, "name"), f"duplicate rung names: {r.name}")
        for name, a in s.actors.items():
            self.rung(("actors", name, "doctrine", "max_rung"), a.doctrine.max_rung)

    def relation(self, base: tuple, rel: object) -> None:
        """The names one relation uses, by relation type."""
        if isinstance(rel, Alliance | Partnership | Rivalry | Interdependence):
            self.members(base, rel)
        if isinstance(rel, Alliance):
            self.alliance(base, rel)
        if isinstance(rel, Dispute):
            self.dispute(base, rel)
        if isinstance(rel, Interdependence):
            for m in rel.dependence:
                if m not in rel.members:
                    self.add((*base, "dependence", m), f"{m!r} is not a member")
        if isinstance(rel, Rivalry | Interdependence) and len(set(rel.members)) < 2:
            self.add((*base, "members"), "needs two different actors")

    def members(self, base: tuple, rel: Alliance | Partnership | Rivalry | Interdependence) -> None:
        """Members are cast actors, listed once, and at least ``min_members`` of them."""
        for i, m in enumerate(rel.members):
            self.actor((*base, "members", i), m)
        dup = sorted({m for m in rel.members if rel.members.count(m) > 1})
        if dup:
            self.add((*base, "members"), f"members listed twice: {', '.join(dup)}")
        if isinstance(rel, Alliance | Partnership) and rel.min_members > len(rel.members):
            self.add(
                (*base, "min_members"),
                f"min_members {rel.min_members} is more than its {len(rel.members)} members",
            )

    def alliance(self, base: tuple, rel: Alliance) -> None:
        """Guarantors and protected are members; covered places, trigger and hosts exist."""
        for key in ("guarantors", "protects"):
            for i, m in enumerate(getattr(rel, key) or []):
                if m not in rel.members:
                    self.add((*base, key, i), f"{m!r} is not a member of this alliance")
        where = set(self.s.places) | {
            n
            for n in self.disputes
            if self.s.relations[n].has_place  # type: ignore[union-attr]
        }
        if isinstance(rel.covers, Coverage):
            for i, a in enumerate(rel.covers.administered_by):
                self.actor((*base, "covers", "administered_by", i), a)
            named = [((*base, "covers", "places", i), d) for i, d in enumerate(rel.covers.places)]
        else:
            named = [((*base, "covers", i), d) for i, d in enumerate(rel.covers)]
        for path, d in named:
            if d not in where:
                self.add(path, f"unknown place or dispute {d!r}{_hint(d, where)}")
        self.rung((*base, "trigger"), rel.trigger)
        for i, h in enumerate(rel.basing_hosts):
            self.actor((*base, "basing_hosts", i), h)

    def dispute(self, base: tuple, rel: Dispute) -> None:
        """The holder administers the disputed place; claimants and stakes are other actors."""
        self.actor((*base, "holder"), rel.holder)
        places = self.s.places
        place = places.get(rel.place) if rel.place is not None else None
        if rel.place is not None and place is None:
            self.add((*base, "place"), f"unknown place {rel.place!r}{_hint(rel.place, places)}")
        elif place is not None and place.administered_by != rel.holder:
            self.add(
                (*base, "place"),
                f"place {rel.place!r} is administered by {place.administered_by!r}, "
                f"not by the dispute's holder {rel.holder!r}",
            )
        for i, m in enumerate(rel.claimants):
            self.actor((*base, "claimants", i), m)
            if m == rel.holder:
                self.add((*base, "claimants", i), "the holder cannot also be a claimant")
        for m in rel.stake:
            if m != rel.holder and m not in rel.claimants:
                self.add((*base, "stake", m), f"{m!r} is neither holder nor claimant")

    def theatre(self) -> None:
        """The theatre's disputes and rivalries name relations of that type."""
        s = self.s
        rivalries = {n for n, r in s.relations.items() if isinstance(r, Rivalry)}
        for key, known, what in (
            ("disputes", self.disputes, "dispute"),
            ("rivalries", rivalries, "rivalry"),
        ):
            for i, n in enumerate(getattr(s.theatre, key)):
                if n not in known:
                    self.add(("theatre", key, i), f"unknown {what} {n!r}{_hint(n, known)}")

    def places(self) -> None:
        """A place's administrator and claimants are actors; the administrator does not claim it."""
        for name, pl in self.s.places.items():
            if pl.administered_by is not None:
                self.actor(("places", name, "administered_by"), pl.administered_by)
            for i, a in enumerate(pl.claimed_by):
                self.actor(("places", name, "claimed_by", i), a)
                if a == pl.administered_by:
                    self.add(
                        ("places", name, "claimed_by", i), "the administrator cannot also claim it"
                    )

    def initial(self) -> None:
        """Starting rungs are between two different actors and on the ladder."""
        for who, targets in self.s.initial.items():
            self.actor(("initial", who), who)
            for target, ref in targets.items():
                self.actor(("initial", who, target), target)
                if target == who:
                    self.add(("initial", who, target), "an actor cannot escalate toward itself")
                self.rung(("initial", who, target), ref)

    def injects(self) -> None:
        """Inject effects name actors and rungs that exist.

        An inject after the turn limit is allowed: it never fires (so a shortened game stays
        valid); `wargame check` reports injects that never fired."""
        for name, inj in self.s.injects.items():
            for i, eff in enumerate(inj.effects):
                base = ("injects", name, "effects", i)
                self.actor((*base, "actor"), eff.actor)
                if hasattr(eff, "toward"):
                    self.actor((*base, "toward"), eff.toward)
                    if eff.toward == eff.actor:
                        self.add((*base, "toward"), "an actor cannot escalate toward itself")
                    self.rung((*base, "to"), eff.to)

    def campaigns(self) -> None:
        """A campaign is run by one cast actor against another."""
        for name, camp in self.s.campaigns.items():
            base = ("campaigns", name)
            self.actor((*base, "actor"), camp.actor)
            self.actor((*base, "toward"), camp.toward)
            if camp.toward == camp.actor:
                self.add((*base, "toward"), "an actor cannot run a campaign against itself")

    def outcomes(self) -> None:
        """Some outcomes, only the last without `when`; outcome and stop predicates resolve."""
        s = self.s
        names = list(s.outcomes)
        for i, (name, out) in enumerate(s.outcomes.items()):
            if out.when is None and i != len(names) - 1:
                self.add(
                    ("outcomes", name),
                    "only the last outcome may omit `when` (it is the catch-all)",
                )
            if out.when is not None:
                self.predicate(("outcomes", name, "when"), out.when)
        if not s.outcomes:
            self.add((), "a scenario needs at least one outcome")
        for name, stop in s.stop.items():
            self.predicate(("stop", name, "when"), stop.when)

    def predicate(self, path: tuple, p: Predicate) -> None:
        """Every name in a predicate tree (actors, rungs, alliances, injects) resolves."""
        for key in ("all", "any"):
            for i, sub in enumerate(getattr(p, key) or []):
                self.predicate((*path, key, i), sub)
        if p.not_ is not None:
            self.predicate((*path, "not"), p.not_)
        for key in ("peak", "current"):
            t = getattr(p, key)
            if t is not None:
                self.actor((*path, key, "actor"), t.actor, allow_any=True)
                self.actor((*path, key, "toward"), t.toward, allow_any=True)
                self.rung((*path, key, "at_least"), t.at_least)
                self.rung((*path, key, "at_most"), t.at_most)
        if p.support is not None:
            self.actor((*path, "support", "actor"), p.support.actor, allow_any=True)
            self.actor((*path, "support", "toward"), p.support.toward, allow_any=True)
        for key in ("triggered", "honoured"):
            name = getattr(p, key)
            if name is not None and name not in self.alliances:
                self.add((*path, key), f"unknown alliance {name!r}{_hint(name, self.alliances)}")
        if p.inject is not None and p.inject not in self.s.injects:
            self.add(
                (*path, "inject"), f"unknown inject {p.inject!r}{_hint(p.inject, self.s.injects)}"
            )
        if p.calm is not None:
            self.rung((*path, "calm", "at_most"), p.calm.at_most)


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
