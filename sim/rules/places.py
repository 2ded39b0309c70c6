"""Geography: where a use of force falls, and whether a treaty covers that place.

A scenario's places are the ``places:`` it declares and one implicit territory per dispute over
territory that names none (administered by the holder, claimed by the claimants; a dispute over
another issue, such as a detained crew, is no place unless it names one). A use of force on dyad a -> p at
rung L falls (docs/model.md, "Geography"):

- on p's **homeland** if L has the ``homeland`` flag;
- at the **disputed place** if a and p are holder and claimant of a dispute and L is below
  full-scale war on the standard vocabulary (a seizure, a clash at sea or in the air around the
  islands); with two disputes between them, the place p holds first (the attacker takes what p
  holds), else the place a holds (p's forces come to a's islands);
- on p's **forces abroad** if the dyad exists only because p committed itself to a partner of a's
  rival (p's forces in the partner's theatre) and L is below full-scale war;
- otherwise on p's **own territory and forces** (a war reaches them; so does a clash with no
  dispute between the two).

A commitment link covers an attack by its coverage (``covers:`` of the alliance): the protected
member's own territory always (the legacy list form) or only if the member is among
``administered_by``; a disputed place if it is named or administered by one of ``administered_by``;
forces abroad if the list form is used or ``forces_abroad`` is set. Partnerships cover everything.

Sources: US-Japan Treaty of Mutual Cooperation and Security (1960), Art. V ("an armed attack against
either Party in the territories under the administration of Japan"); UN Convention on the Law of the
Sea (1982), Art. 2 (sovereignty extends to the territorial sea, so the waters around a place share
its administration).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.rules.relations import CommitmentLink, Pair
from sim.scenario.history import VIOLENCE
from sim.scenario.schema import Dispute, Scenario
from sim.scenario.vocabulary import ladder_violence

HOMELAND, TERRITORY, ABROAD, PLACE = 0, 1, 2, 3
LOCAL = VIOLENCE.index("full_scale_war")  # classes below it stay at the disputed place


@dataclass
class Places:
    """Every place of a compiled scenario and the disputes' places."""

    names: list[str]
    admin: np.ndarray  # (Z,) actor index administering each place, -1 for none
    of_dispute: list[int]  # dispute index (relation order) -> place index
    dispute_pairs: dict[Pair, list[int]]  # (x, y) both parties of a dispute -> dispute indices
    dispute_holder: list[int]  # dispute index -> holder

    def index(self, name: str, disputes: list[str]) -> int:
        """A place given by its name or by the name of the dispute over it."""
        if name in self.names:
            return self.names.index(name)
        return self.of_dispute[disputes.index(name)]


def compile_places(s: Scenario, index: dict[str, int], disputes: list[str]) -> Places:
    """The places of ``s``: declared ones, then one per dispute that names none."""
    names = list(s.places)
    admin = [
        index.get(p.administered_by, -1) if p.administered_by else -1 for p in s.places.values()
    ]
    of_dispute: list[int] = []
    pairs: dict[Pair, list[int]] = {}
    holders: list[int] = []
    for d, name in enumerate(disputes):
        rel = s.relations[name]
        assert isinstance(rel, Dispute)
        h = index[rel.holder]
        holders.append(h)
        if not rel.has_place:  # a detained crew, say: force over it falls where force does
            of_dispute.append(-1)
            continue
        if rel.place is None:
            names.append(name if name not in names else f"{name} (dispute)")
            admin.append(index[rel.holder])
            of_dispute.append(len(names) - 1)
        else:
            of_dispute.append(names.index(rel.place))
        for cl in rel.claimants:
            for pair in ((index[cl], h), (h, index[cl])):
                pairs.setdefault(pair, []).append(d)
    return Places(names, np.array(admin, dtype=np.int64), of_dispute, pairs, holders)


def coverage(link: CommitmentLink, rel: object, places: Places, disputes: list[str]) -> None:
    """Fill the link's coverage from its relation's ``covers`` (lists name places or disputes)."""
    from sim.scenario.schema import Alliance, Coverage

    if not isinstance(rel, Alliance):  # partnerships: political support wherever the attack falls
        link.covers = set(range(len(places.names)))
        return
    cov = rel.covers
    named = cov.places if isinstance(cov, Coverage) else cov
    link.covers = {places.index(n, disputes) for n in named}
    if isinstance(cov, Coverage):
        link.covers_admin = set(cov.administered_by)
        link.covers_abroad = cov.forces_abroad


def where(
    a: int,
    p: int,
    rung: int,
    homeland: np.ndarray,
    local: np.ndarray,
    places: Places,
    abroad: set[Pair],
) -> tuple[int, int]:
    """(kind, place index or -1) of a use of force by ``a`` on ``p`` at ``rung``."""
    if homeland[rung]:
        return HOMELAND, -1
    ds = places.dispute_pairs.get((a, p), [])
    if ds and local[rung]:
        held = [d for d in ds if places.dispute_holder[d] == p] or ds
        return PLACE, places.of_dispute[held[0]]
    if (a, p) in abroad and local[rung]:
        return ABROAD, -1
    return TERRITORY, -1


def is_covered(
    link: CommitmentLink, kind: int, place: int, places: Places, actors: list[str]
) -> bool:
    """Whether an attack on the link's protected member at (kind, place) fires the link."""
    admin = None if link.covers_admin is None else {actors.index(x) for x in link.covers_admin}
    if kind in (HOMELAND, TERRITORY):
        return admin is None or link.protected in admin
    if kind == ABROAD:
        return link.covers_abroad
    return place in link.covers or (admin is not None and int(places.admin[place]) in admin)


def label(kind: int, place: int, places: Places, target: str) -> str:
    """Readable name of a place of force (for the event log)."""
    if kind == PLACE:
        return places.names[place]
    return {
        HOMELAND: f"{target}'s homeland",
        TERRITORY: f"{target}'s territory and forces",
        ABROAD: f"{target}'s forces abroad",
    }[kind]


@dataclass
class Ladder:
    """What the place rules need of the ladder."""

    homeland: np.ndarray  # (L,) bool
    local: np.ndarray  # (L,) bool: violence class below full-scale war

    @classmethod
    def of(cls, s: Scenario) -> Ladder:
        """From the scenario's ladder (or the default one)."""
        from sim.scenario.ladder import DEFAULT_LADDER

        rungs = (s.ladder or DEFAULT_LADDER).rungs
        classes = ladder_violence(rungs)
        return cls(
            np.array([r.homeland for r in rungs], dtype=bool),
            np.array([VIOLENCE.index(v) < LOCAL for v in classes], dtype=bool),
        )


def trigger_threshold(
    link: CommitmentLink,
    a: int,
    places: Places,
    ladder: Ladder,
    abroad: set[Pair],
    actors: list[str],
) -> tuple[int, str]:
    """Lowest rung >= the link's trigger at which force by ``a`` falls on a covered place (past
    the top: never), and the place it falls on there. Places at higher rungs are the target's own
    territory and homeland, so coverage does not fall as the rung rises."""
    top = len(ladder.homeland) - 1
    for rung in range(link.trigger, top + 1):
        kind, place = where(a, link.protected, rung, ladder.homeland, ladder.local, places, abroad)
        if is_covered(link, kind, place, places, actors):
            return rung, label(kind, place, places, actors[link.protected])
    return top + 1, "nowhere covered"
