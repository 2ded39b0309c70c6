"""An actor's choice: score candidate moves on each of its dyads and pick by a logit.

Candidates are *moves* (down one rung, hold, up one, up two), laid out as (M, R, d) with the short
move axis first (DESIGN.md: reductions over a leading axis of 4 are ~80x faster than a trailing one).

    U(L) = gain·g(L) − cost·c(L) − blockade·b(L) − sanctions·s(L) + resp·min(L, press)/top
           + oblig·min(L, obligation level)/top − domestic·L/top − inertia·|move|
           − audience·[move < 0]·current/top

Moves above the doctrine mask (``amax``) are removed before the logit, unless they lower the rung.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.model import WargameModel

MOVES = np.array([-1, 0, 1, 2], dtype=np.int16)
TERMS = ("gain", "cost", "economic", "response", "obligation", "domestic", "inertia")


@dataclass
class Choice:
    """New rungs (R, d) and, when explaining, each term of every candidate (M, R, d)."""

    rung: np.ndarray
    prob: np.ndarray | None
    terms: dict[str, np.ndarray] | None
    valid: np.ndarray


def choose(m: WargameModel, dyads: np.ndarray, explain: bool = False) -> Choice:
    """Score the four moves on ``dyads`` for every replicate and sample one per dyad and world."""
    c = m.c
    t = c.rung_tables  # per-rung tables padded so that index cand + 1 is always in range
    cur = m.rung[:, dyads].astype(np.int16)
    idx = cur[None] + (MOVES[:, None, None] + 1)  # (M, R, d); 0 and top + 2.. are off the ladder
    f = t.frac[idx]
    top_inv = np.float32(1 / c.top)
    cost = m.t_cost[:, dyads] * t.cost[idx]
    econ = (
        m.t_blockade_now[:, dyads] * t.blockade[idx]
        + m.t_sanctions_now[:, dyads] * t.sanctions[idx]
    )
    resp = m.t_resp[:, dyads] * np.minimum(f, m.press[:, dyads] * top_inv)
    oblig = m.t_oblig[:, dyads] * np.minimum(f, m.o_level[:, dyads] * top_inv)
    # status-quo bias, and backing down costs face in proportion to the rung left (audience costs)
    inertia = m.p_inertia[None, :, None] * np.abs(MOVES).astype(np.float32)[:, None, None]
    inertia = inertia + (MOVES < 0)[:, None, None] * (m.p_audience[:, None] * cur * top_inv)[None]
    u = (
        m.t_gain[:, dyads] * t.gain[idx]
        - m.t_domestic[:, dyads] * f
        - cost
        - econ
        + resp
        + oblig
        - inertia
        + t.off_ladder[idx]  # -inf below the first rung or above the last
    )
    amax = m.amax[:, dyads].astype(np.int16)
    up = MOVES > 0  # only moves up can break a doctrine mask; holding or de-escalating never does
    u[up] = np.where(cur[None] + MOVES[up][:, None, None] <= amax[None], u[up], -np.inf)
    valid = np.isfinite(u)
    temp = m.p_temperature[None, :, None]
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
    draw = np.minimum(m.rng.random(total.shape, dtype=np.float32) * total, np.nextafter(total, 0))
    pick = (draw >= cum[0]).astype(np.int16)
    for k in range(1, len(MOVES) - 1):
        pick += draw >= cum[k]
    new = (cur + MOVES[pick]).astype(np.int8)
    prob = None
    terms = None
    if explain:
        gain = m.t_gain[:, dyads] * t.gain[idx]
        dom = m.t_domestic[:, dyads] * f
        inertia_b = np.broadcast_to(inertia, gain.shape)
        terms = {
            "gain": gain,
            "cost": -cost,
            "economic": -econ,
            "response": resp,
            "obligation": oblig,
            "domestic": -dom,
            "inertia": -inertia_b,
            "utility": u,
            "pick": pick,
            "prob_all": w / total,
        }
        prob = np.take_along_axis(w, pick[None], 0)[0] / total
    return Choice(rung=new, prob=prob, terms=terms, valid=valid)
