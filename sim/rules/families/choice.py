"""Choice: score the candidate moves on an actor's dyads and pick one by a logit.

Candidates are *moves* (down one rung, hold, up one, up two), laid out as (M, R, d) with the short
move axis first (DESIGN.md: reductions over a leading axis of 4 are ~80x faster than a trailing one).
The utility is the sum of every registered family's terms; moves above the doctrine mask
(``highest_rung``) are removed before the logit, unless they lower the rung. docs/model.md, 6.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.rules import streams
from sim.rules.compile import CompiledScenario
from sim.rules.family import Candidates, RuleFamily, UtilityTerm
from sim.rules.state import WorldState
from sim.scenario.rule_parameters import declared

MOVES = np.array([-1, 0, 1, 2], dtype=np.int16)


@dataclass
class Decision:
    """New rungs (R, d) and, when explaining, each term of every candidate (M, R, d)."""

    rung: np.ndarray
    prob: np.ndarray | None
    terms: dict[str, np.ndarray] | None
    valid: np.ndarray


def candidates(s: WorldState, c: CompiledScenario, dyads: np.ndarray) -> Candidates:
    """The four moves on ``dyads`` for every world, as indices into the padded rung tables."""
    t = c.rung_tables  # per-rung tables padded so that index cand + 1 is always in range
    cur = s.rung[:, dyads].astype(np.int16)
    idx = cur[None] + (MOVES[:, None, None] + 1)  # (M, R, d); 0 and top + 2.. are off the ladder
    return Candidates(MOVES, dyads, cur, idx, t.frac[idx], t, np.float32(1 / c.top))


def utility(
    s: WorldState,
    c: CompiledScenario,
    terms: tuple[UtilityTerm, ...],
    m: Candidates,
    explain: bool,
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Sum of sign x value over ``terms`` in order, and (when explaining) each signed term."""
    u: np.ndarray | None = None
    shown: dict[str, np.ndarray] = {}
    for term in terms:
        v = term.value(s, c, m)
        if explain:
            shown[term.name] = np.broadcast_to(v if term.sign > 0 else -v, m.index.shape)
        if u is None:  # noqa: SIM108 - the order of the sums matters (floating point)
            u = v if term.sign > 0 else -v
        else:
            u = u + v if term.sign > 0 else u - v
    assert u is not None, "no utility terms registered"
    return u + m.tables.off_ladder[m.index], shown  # -inf below the first rung or above the last


def logit_pick(s: WorldState, u: np.ndarray, dyads: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One move per dyad and world, drawn with weights exp(U / temperature): (pick, w, total)."""
    temp = s.rules["temperature"][None, :, None]
    best = u.max(axis=0)
    if (temp > 0).all():
        with np.errstate(invalid="ignore"):
            z = (u - best) * (np.float32(1) / temp)
    else:  # temperature 0: always the best move (ties split evenly)
        with np.errstate(invalid="ignore", divide="ignore"):
            z = np.where(
                temp > 0, (u - best) / np.maximum(temp, 1e-9), np.where(u >= best, 0.0, -np.inf)
            )
    w = np.exp(z, dtype=np.float32)
    cum = np.empty_like(w)
    cum[0] = w[0]
    for k in range(1, len(MOVES)):
        cum[k] = cum[k - 1] + w[k]
    total = cum[-1]
    # a draw strictly below the total picks a move whose weight is positive, hence a valid one
    u = streams.uniforms(s.key, streams.CHOICE, s.turn, s.world, len(s.rung[0]))[:, dyads]
    draw = np.minimum(u * total, np.nextafter(total, 0))
    pick = (draw >= cum[0]).astype(np.int16)
    for k in range(1, len(MOVES) - 1):
        pick += draw >= cum[k]
    return pick, w, total


def decide(
    s: WorldState,
    c: CompiledScenario,
    terms: tuple[UtilityTerm, ...],
    dyads: np.ndarray,
    explain: bool = False,
) -> Decision:
    """Score the four moves on ``dyads`` for every world and sample one per dyad and world."""
    m = candidates(s, c, dyads)
    u, shown = utility(s, c, terms, m, explain)
    highest = s.highest_rung[:, dyads].astype(np.int16)
    up = MOVES > 0  # only moves up can break a doctrine mask; holding or de-escalating never does
    u[up] = np.where(m.current[None] + MOVES[up][:, None, None] <= highest[None], u[up], -np.inf)
    valid = np.isfinite(u)
    pick, w, total = logit_pick(s, u, dyads)
    new = (m.current + MOVES[pick]).astype(np.int8)
    if not explain:
        return Decision(rung=new, prob=None, terms=None, valid=valid)
    shown.update(utility=u, pick=pick, prob_all=w / total)
    prob = np.take_along_axis(w, pick[None], 0)[0] / total
    return Decision(rung=new, prob=prob, terms=shown, valid=valid)


class LogitChoice(RuleFamily):
    """Bounded rationality: a logit over the moves the masks allow (McFadden 1974)."""

    name = "choice"
    summary = "logit choice over four moves (down one, hold, up one, up two) after the masks"
    parameters = declared(name)


FAMILY = LogitChoice()
