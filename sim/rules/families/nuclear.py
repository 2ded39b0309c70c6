"""Nuclear doctrine: declared no-first-use, and first use as a last resort (docs/model.md, 5a).

Two rules, both about the nuclear rungs of the ladder (flag ``nuclear``):
- **mask**: an actor with a declared no-first-use doctrine (``doctrine.no_first_use``) may take a
  nuclear rung toward *j* only after *j* has used nuclear weapons against it;
- **term** ``last_resort``: a nuclear rung is worth ``last_resort · E(i←j)`` to actor *i* where
  ``E = [j used nuclear weapons on i] + [first use allowed] · [j strikes i's homeland now] ·
  [T(i←j) ≥ existential threshold of i] · rel_ij`` — answering nuclear use in kind, or, for an
  actor without a no-first-use pledge whose homeland is under attack by a stronger rival to the
  point where its existence is at stake, first use. ``rel_ij`` (the rival's share of the pair's
  power) makes first use more tempting the more hopeless the conventional war.

The term is zero on every non-nuclear rung, so it changes no other decision. Sources are on the
parameters and in the library's doctrine entries (China's 1964 statement and 2019 white paper, the
DPRK's 2022 law on nuclear forces, Russia's 2020 Basic Principles, the US 2022 Nuclear Posture
Review).
"""

from __future__ import annotations

import numba
import numpy as np

from sim.rules.compile import CompiledScenario
from sim.rules.family import RuleFamily, UtilityTerm, per_rung
from sim.rules.state import F32, WorldState
from sim.scenario.rule_parameters import NUCLEAR_DOCTRINES, declared


def nuclear_rungs(c: CompiledScenario) -> np.ndarray:
    """(top + 1,) True on the nuclear rungs (the first one and every rung above it)."""
    return np.arange(c.top + 1) >= c.first_nuclear


def update_nuclear(s: WorldState, c: CompiledScenario) -> None:
    """The no-first-use mask on ``highest_rung`` and the per-dyad weight of the term."""
    if c.first_nuclear > c.top:  # a ladder without nuclear rungs
        s.last_resort_weight = np.zeros(s.rung.shape, dtype=F32)
        return
    s.highest_rung = s.highest_rung.copy()
    s.last_resort_weight = np.empty(s.rung.shape, dtype=F32)
    _nuclear(
        s.peak, s.rung, c.src, c.reverse, c.first_nuclear, c.first_homeland, c.no_first_use,
        c.nuclear_ok, s.threat, s.existential_threshold, s.relative_power, s.rules["last_resort"],
        s.highest_rung, s.last_resort_weight,
    )  # fmt: skip


@numba.njit(cache=True, nogil=True)
def _nuclear(
    peak, rung, src, reverse, first_nuclear, first_homeland, no_first_use, nuclear_ok, threat,
    existential, relative, last_resort, highest, weight,
):  # fmt: skip
    """World by world: a no-first-use actor's nuclear rungs stay barred until the rival has used
    nuclear weapons on it; the term's weight ``last_resort · E`` with E = [nuclear use on me] +
    [first use allowed] · [homeland struck now] · [threat at the existential threshold] · the
    rival's share of the pair's power (float32, as the numpy code had it)."""
    R, P = rung.shape
    one, zero = np.float32(1.0), np.float32(0.0)
    for r in range(R):
        for d in range(P):
            i, q = src[d], reverse[d]
            nuked = peak[r, q] >= first_nuclear  # j has used nuclear weapons against i
            if no_first_use[i] and not nuked:
                highest[r, d] = min(highest[r, d], first_nuclear - 1)
            desperate = (
                nuclear_ok[i]
                and not no_first_use[i]
                and rung[r, q] >= first_homeland  # j strikes i's homeland this turn
                and threat[r, d] >= existential[r, i]
            )
            e = (one if nuked else zero) + (relative[r, d] if desperate else zero)
            weight[r, d] = last_resort[r] * e


def nuclear_table(c: CompiledScenario) -> np.ndarray:
    """1 on the nuclear rungs, padded like the other rung tables (value of the candidate rung)."""
    return np.concatenate([[0.0], nuclear_rungs(c), [0.0, 0.0]]).astype(F32)


class Nuclear(RuleFamily):
    """Declared nuclear doctrines: no-first-use masks; first use only with existence at stake."""

    name = "nuclear"
    summary = "declared nuclear doctrines: no first use, first use only as a last resort"
    parameters = declared(name)
    state_fields = ("last_resort_weight",)
    terms = (
        UtilityTerm(
            "last_resort",
            +1,
            (per_rung(lambda s: s.last_resort_weight, nuclear_table),),
            "last_resort · E: nuclear answer to nuclear use, or first use with existence at stake",
            NUCLEAR_DOCTRINES,
        ),
    )

    def update(self, s: WorldState, c: CompiledScenario) -> None:
        """After the doctrine masks and the threat of this turn."""
        update_nuclear(s, c)

    def reasons(self, s: WorldState, c: CompiledScenario, dyad: int) -> list[str]:
        """The no-first-use mask, if it applied to ``dyad`` in world 0."""
        i = int(c.src[dyad])
        if (
            c.no_first_use[i]
            and c.nuclear_ok[i]
            and c.first_nuclear <= c.top
            and s.peak[0, c.reverse[dyad]] < c.first_nuclear
        ):
            return ["no first use: nuclear rungs only in answer to nuclear use"]
        return []


FAMILY = Nuclear()
