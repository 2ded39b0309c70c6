"""What a rule family declares: its parameters, the state fields it writes, its utility terms, and
the hooks the turn loop calls (in registry order, sim/rules/registry.py).

A family is a plug-in: one module with one ``RuleFamily`` subclass instance, listed once in the
registry. A shipped family's parameters are declared in ``sim/scenario/rule_parameters.py`` (pure
data, so the scenario format is built from them) and taken with ``parameters = declared(name)``; a
plug-in may list ``RuleParameter`` objects of its own (they take their default). Hooks take the
declared state (sim/rules/state.py) and the compiled scenario, never the Mesa model.
docs/architecture.md ("Add a rule family") walks through writing one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim.rules.compile import CompiledScenario
from sim.rules.state import WorldState
from sim.scenario.rule_parameters import RuleParameter

__all__ = [
    "BACKING_DOWN",
    "CAPPED",
    "FRACTION",
    "MOVE_SIZE",
    "TABLE",
    "Part",
    "RuleFamily",
    "RuleParameter",
    "UtilityTerm",
    "backing_down",
    "capped",
    "fraction",
    "move_size",
    "per_rung",
]


# what a part of a term is worth at a candidate move (compiled by the choice kernel, choice.py)
FRACTION = 0  # the candidate rung's share of the ladder, L / top
TABLE = 1  # a per-rung table at the candidate rung (padded: see CompiledScenario.rung_tables)
CAPPED = 2  # min(L, cap) / top: answering up to a level, no further
MOVE_SIZE = 3  # |move|: rungs changed
BACKING_DOWN = 4  # L_now / top when the move lowers the rung, else 0

Weight = Callable[[WorldState], np.ndarray]
Table = Callable[[CompiledScenario], np.ndarray]


@dataclass(frozen=True)
class Part:
    """One product weight x shape(candidate move) of a utility term.

    ``weight`` returns the per-dyad (R, P) or per-world (R,) weight this turn, read from the state
    once per turn; ``shape`` is one of the kinds above; ``table`` (for TABLE) returns the padded
    per-rung table; ``cap`` (for CAPPED) the per-dyad cap in rungs. The choice family's kernel
    evaluates every part of every registered term for every world, dyad and move in one loop.
    """

    weight: Weight
    shape: int
    table: Table | None = None
    cap: Weight | None = None


def fraction(weight: Weight) -> Part:
    """weight x L / top."""
    return Part(weight, FRACTION)


def per_rung(weight: Weight, table: Table) -> Part:
    """weight x table[L]."""
    return Part(weight, TABLE, table=table)


def capped(weight: Weight, cap: Weight) -> Part:
    """weight x min(L, cap) / top."""
    return Part(weight, CAPPED, cap=cap)


def move_size(weight: Weight) -> Part:
    """weight x |move|."""
    return Part(weight, MOVE_SIZE)


def backing_down(weight: Weight) -> Part:
    """weight x [move < 0] x L_now / top."""
    return Part(weight, BACKING_DOWN)


@dataclass(frozen=True)
class UtilityTerm:
    """One term of a move's utility: U = sum of sign x value over every family's terms.

    The term's value at a candidate move is the sum of its ``parts`` (weight x shape, above), in
    order; ``sign`` (+1 or -1) says whether it adds to or subtracts from the utility. The
    explanation (``--explain``) shows sign x value under ``name``, in the order the terms are
    added, except that a term with ``listed_before`` is listed just before the named term (the
    sum's order is fixed by floating point; the listing breaks ties between equally strong terms in
    explanations).
    """

    name: str
    sign: int
    parts: tuple[Part, ...]
    meaning: str
    source: str
    listed_before: str | None = None


class RuleFamily:
    """Base class of a rule family. Every hook is optional; the default does nothing.

    Hooks, each called for every family in registry order:
      - ``setup``: once, when the worlds are created (fixed draws: honouring, injects, basing);
      - ``start_turn``: at the start of a turn, before any shared quantity (injects fire);
      - ``update``: the quantities all actors share this turn; called again, in the same turn,
        after a facilitator forces an inject (``inject_forced``), so it must be safe to repeat;
      - ``inject_forced``: a facilitator fired an inject after the turn was prepared;
      - ``end_turn``: after the simultaneous moves are committed (triggers, stops, outcomes);
      - ``reasons``: short texts explaining what limited the choice on one dyad (world 0).
    """

    name: str = ""
    summary: str = ""
    parameters: tuple[RuleParameter, ...] = ()
    state_fields: tuple[str, ...] = ()
    terms: tuple[UtilityTerm, ...] = ()
    endings: tuple[str, ...] = ()  # standard ending types the family can give a world

    def setup(self, s: WorldState, c: CompiledScenario) -> None:
        """Create this family's fixed per-world draws and initial quantities."""

    def start_turn(self, s: WorldState, c: CompiledScenario) -> None:
        """Events at the start of a turn, before anything is computed."""

    def update(self, s: WorldState, c: CompiledScenario) -> None:
        """Quantities every actor shares this turn (may run twice in a turn)."""

    def inject_forced(self, s: WorldState, c: CompiledScenario) -> None:
        """React to an inject a facilitator forced after the turn was prepared."""

    def end_turn(self, s: WorldState, c: CompiledScenario) -> None:
        """After the moves of the turn are committed."""

    def reasons(self, s: WorldState, c: CompiledScenario, dyad: int) -> list[str]:
        """What limited the choice on ``dyad`` in world 0 (shown with ``--explain``)."""
        return []
