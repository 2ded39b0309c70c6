"""The dimensions a backtest scores, their classes, and how one world is read on each.

- ``violence``: peak violence (standard vocabulary: none ... nuclear_use);
- ``ending``: how the crisis ended (standard vocabulary);
- ``duration``: the crisis's length in days, in bands (:data:`BANDS`);
- ``ally:<ally>><partner>``: whether the ally intervened for the partner (one per ally decision in
  the case's ``history:`` block).

Kept light (numpy only): workers import it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.scenario.history import ENDINGS, VIOLENCE

BANDS = ("<=7", "8-30", "31-90", "91-365", ">365")
"""Duration bands in days. Upper edges 7, 30, 90, 365 (assumption: a week, a month, a season and a
year, the scales at which crisis histories describe a crisis's length; ICB durations run from days
to years)."""
BAND_EDGES = (7, 30, 90, 365)
INTERVENTION = ("intervened", "stayed_out")
KINDS = ("violence", "ending", "duration", "ally")
CLASSES = {"violence": VIOLENCE, "ending": ENDINGS, "duration": BANDS, "ally": INTERVENTION}
COMBAT = 6
"""Index of ``combat`` in ``sim.scenario.schema.SUPPORT_LEVELS`` (kept here to stay light)."""


@dataclass(frozen=True)
class Dimension:
    """One scored dimension of one case: its classes and what happened."""

    name: str
    kind: str
    observed: str
    ally: str = ""
    partner: str = ""

    @property
    def classes(self) -> tuple[str, ...]:
        """The classes a forecast of this dimension spreads its probability over."""
        return CLASSES[self.kind]


def band(days: float) -> str:
    """The duration band of a length in days."""
    for edge, name in zip(BAND_EDGES, BANDS, strict=False):
        if days <= edge:
            return name
    return BANDS[-1]


def band_index(days: np.ndarray) -> np.ndarray:
    """Band index of each length in days (vectorised :func:`band`)."""
    return np.searchsorted(np.array(BAND_EDGES, dtype=float), days, side="left")


@dataclass(frozen=True)
class Theatre:
    """What :func:`intervened` reads of a played model besides its columns: commitment links,
    each dyad's peak rung, the first deployment rung and the quiet level of the ladder."""

    support_peak: np.ndarray  # (R, K)
    link_g: np.ndarray  # (K,)
    link_p: np.ndarray  # (K,)
    actors: list[str]
    peak: np.ndarray  # (R, P)
    src: np.ndarray  # (P,)
    dst: np.ndarray  # (P,)
    first_deployment: int  # > top when the ladder flags no deployment rung
    quiet: int


def intervened(columns: dict[str, np.ndarray], t: Theatre, ally: str, partner: str) -> np.ndarray:
    """(R,) the ally intervened for the partner, as the deck codes it (docs/validation.md: its
    forces used force, or deployed into the theatre to defend or escort the partner): a
    commitment link ally -> partner reached combat support; or the ally used force on an actor
    that used force on the partner; or the ally's rung toward an actor coercing the partner (a rung
    above the quiet level) reached the ladder's first ``deployment`` rung (a show of force)."""
    g, p = t.actors.index(ally), t.actors.index(partner)
    ks = np.flatnonzero((t.link_g == g) & (t.link_p == p))
    n = len(next(iter(columns.values())))
    out = np.zeros(n, dtype=bool)
    if ks.size:
        out |= (t.support_peak[:, ks] >= COMBAT).any(axis=1)
    for x in t.actors:
        a, b = columns.get(f"fought.{ally}.{x}"), columns.get(f"fought.{x}.{partner}")
        if a is not None and b is not None:
            out |= a & b
    for d in np.flatnonzero(t.src == g):
        x = int(t.dst[d])
        if x == p:
            continue
        toward_partner = np.flatnonzero((t.src == x) & (t.dst == p))
        if not toward_partner.size:
            continue
        coerced = t.peak[:, toward_partner[0]] > t.quiet
        out |= coerced & (t.peak[:, d] >= t.first_deployment)
    return out


def world_classes(
    dim: Dimension,
    columns: dict[str, np.ndarray],
    days_per_turn: float,
    ally_mask: np.ndarray | None = None,
) -> np.ndarray:
    """(R,) class index of every world on ``dim``. A world still running at the turn limit has
    lasted at least its played length: its duration is that length (a lower bound)."""
    if dim.kind == "violence":
        return _index(columns["violence"], VIOLENCE)
    if dim.kind == "ending":
        return _index(columns["ending"], ENDINGS)
    if dim.kind == "duration":
        turns = np.where(columns["ending_turn"] >= 0, columns["ending_turn"], columns["turn_ended"])
        return band_index(turns.astype(float) * days_per_turn)
    assert ally_mask is not None
    return np.where(ally_mask, 0, 1)


def _index(values: np.ndarray, classes: tuple[str, ...]) -> np.ndarray:
    values = np.asarray(values).astype(str)
    out = np.full(len(values), -1, dtype=np.int64)
    for i, c in enumerate(classes):
        out[values == c] = i
    return out
