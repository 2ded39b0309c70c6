"""The crisis theatre and horizontal escalation: which dyads are in play in each world.

A crisis activates the dyads in play (sim/rules/theatre.py): its trigger, the disputes and
rivalries between the pairs it names and those the scenario's ``theatre:`` declares, and, as the
crisis runs, the commitment chains from them (a guarantor whose commitment fired and who gives at
least sanctions-level support, toward the partner's attacker). Every other dyad is dormant: its
actor may not raise it. A dormant rivalry or dispute wakes only through one of three
horizontal-escalation rules, each a hazard (per 30 days, turned into a per-turn chance by the
turn's length) with its own parameter and sources:

- ``opportunism``: i's rival j is at war with someone else (Most and Starr 1980; Siverson and
  Starr 1991: war spreads to states bordering a belligerent, who see an opportunity);
- ``retaliation``: a guarantor has used force against i on behalf of its partner; i turns on the
  hosts whose bases the guarantor uses (Cancian et al. 2023, CSIS: Chinese strikes on US bases in
  Japan and Guam in most iterations of a Taiwan war);
- ``second_front``: i's ally is at war with j's side (j or j's partners); i opens its own dormant
  rivalry with j (Siverson and Starr 1991: alliance ties are the main channel of war diffusion).

Each rule's clock is an exponential draw per world and dyad made once at setup (common random
numbers); the hazard accumulates while the rule's condition holds and the pair activates when it
passes the draw. Activation is per world (``active``), recorded with its cause (``activated_by``),
logged at R = 1 and counted in the outcome table (``horizontal.<rule>``). docs/model.md, 7b.
"""

from __future__ import annotations

import numpy as np

from sim.rules import streams
from sim.rules.compile import LEVEL, CompiledScenario
from sim.rules.events import Event
from sim.rules.family import RuleFamily
from sim.rules.state import F32, WorldState
from sim.rules.theatre import HORIZONTAL, SOURCE_GROUPS
from sim.scenario.rule_parameters import declared

THEATRE, INJECT, CHAIN = 0, 1, 2
RULE_CODE = {name: SOURCE_GROUPS.index(name) for name in HORIZONTAL}
EXPOSURE = "theatre.exposure"  # (R, 3, P) hazard accumulated by each rule (family array)
CLOCK = "theatre.clock"  # (R, 3, P) exponential draws: a rule activates once exposure passes it
USED = "theatre.used_force"  # (R, P) bool: the dyad's peak is a force rung (as last seen)
FIRST = "theatre.first_use"  # (R, P) bool: the source used force before the target did
CHAIN_SUPPORT = "theatre.chain_support"  # (R, P) int8: support behind a chain dyad (-1: none)


def activate(s: WorldState, c: CompiledScenario, new: np.ndarray, cause: int) -> None:
    """Activate the dyads in ``new`` (R, P) and their companions; record ``cause`` (world 0 logs)."""
    t = c.theatre
    new = new & s.alive[:, None]
    if not new.any():
        return
    rows = np.flatnonzero((new & ~s.active).any(axis=1))  # worlds where something new comes in
    if not rows.size:
        return
    fresh = np.zeros_like(new)
    fresh[rows] = (new[rows].astype(F32) @ t.companions_f32) > 0  # BLAS, only those worlds
    fresh &= ~s.active
    s.active |= fresh
    s.activated_by = np.where(fresh, np.int8(cause), s.activated_by).astype(np.int8)
    if s.explain and fresh[0].any() and cause >= CHAIN:
        log_activation(s, c, np.flatnonzero(fresh[0]), cause)


def log_activation(s: WorldState, c: CompiledScenario, dyads: np.ndarray, cause: int) -> None:
    """One event per newly activated pair of world 0, naming the rule."""
    seen: set[tuple[int, int]] = set()
    for d in dyads:
        a, b = int(c.src[d]), int(c.dst[d])
        if (b, a) in seen or (a, b) in seen:
            continue
        seen.add((a, b))
        x, y = c.actors[a], c.actors[b]
        if cause == CHAIN:
            text = f"Commitment chain: {x}-{y} enters the theatre (a partner's commitment fired)"
        else:
            text = f"Horizontal escalation ({SOURCE_GROUPS[cause]}): {x}-{y} enters the theatre"
        s.log.append(Event(s.turn, "horizontal", x, text, {"rule": SOURCE_GROUPS[cause]}))


def start_crisis(s: WorldState, c: CompiledScenario) -> None:
    """Worlds whose crisis starts now (an inject fired) bring the declared disputes and rivalries
    into play; pairs named by the injects that fired come in with their disputes and rivalries."""
    t = c.theatre
    if t.inject_dyads.shape[0]:
        if not s.inject_fired.any():
            return
        named = (s.inject_fired.astype(F32) @ t.inject_dyads.astype(F32)) > 0
        starting = named.any(axis=1) & ~s.crisis
        activate(s, c, named, INJECT)
        s.crisis |= starting
        activate(s, c, starting[:, None] & t.declared[None], THEATRE)


def note_first_use(s: WorldState, c: CompiledScenario) -> None:
    """Mark the dyads whose source used force first in its pair (an aggressor, not a defender)."""
    used = s.peak >= c.first_force
    before = s.family_arrays[USED]
    s.family_arrays[FIRST] |= used & ~before & ~before[:, c.reverse]
    s.family_arrays[USED] = used


def chains(s: WorldState, c: CompiledScenario) -> None:
    """A guarantor whose commitment fired (the partner's attacker used force first) and who gives
    at least sanctions enters the theatre toward the attacker; ``CHAIN_SUPPORT`` keeps the highest
    support it gives there, which caps the dyad (``cap_dormant``)."""
    note_first_use(s, c)
    if not len(c.trigger_link):
        return
    q = c.trigger_guard >= 0
    k, attack, guard = c.trigger_link[q], c.trigger_dyad[q], c.trigger_guard[q]
    fired = (
        s.triggered[:, k]
        & (s.support[:, k] >= LEVEL["sanctions"])
        & (s.peak[:, attack] >= c.trigger_rung[q])
        & s.family_arrays[FIRST][:, attack]
    )
    if not fired.any():
        return
    new = np.zeros(s.rung.shape, dtype=bool)
    support = s.family_arrays[CHAIN_SUPPORT]
    rows, cols = np.nonzero(fired)
    new[rows, guard[cols]] = True
    np.maximum.at(support, (rows, guard[cols]), s.support[rows, k[cols]])
    activate(s, c, new, CHAIN)


def wars(s: WorldState, c: CompiledScenario) -> np.ndarray:
    """(R, N, N) bool: force is being used between the two actors now (either way)."""
    n = c.n_actors
    w = np.zeros((s.worlds, n, n), dtype=bool)
    w[:, c.src, c.dst] = s.rung >= c.first_force
    return w | w.transpose(0, 2, 1)


def conditions(s: WorldState, c: CompiledScenario) -> dict[str, np.ndarray]:
    """(R, P) where each horizontal rule's condition holds on a dormant rivalry or dispute."""
    t = c.theatre
    src, dst = c.src, c.dst
    w = wars(s, c)
    # opportunism: the target is at war with someone other than the source
    engaged = w.sum(axis=2)
    opportunism = (engaged[:, dst] - w[:, dst, src]) > 0
    # retaliation: a guarantor using the host's bases has used force against the source
    retaliation = np.zeros(s.rung.shape, dtype=bool)
    for b, granted in zip(c.basing, s.basing_granted, strict=True):
        if len(b.pairs):
            fought = (s.peak[:, b.pairs[:, 1]] >= c.first_force) & (granted[:, None] > 0)
            retaliation |= b.segments.any(fought)
    # second front: the source's ally is at war with the target or with the target's partners
    a = t.partners.astype(F32)
    enemies = (a @ w.astype(F32)) > 0  # (R, N, N): i's partner x is at war with k
    side = enemies | ((enemies.astype(F32) @ a) > 0)  # ... or with a partner of k
    second = side[:, src, dst] & ~t.partners[src, dst]
    dormant = t.hostile[None] & ~s.active
    return {
        "opportunism": opportunism & dormant,
        "retaliation": retaliation & ~s.active,
        "second_front": second & dormant,
    }


def horizontal(s: WorldState, c: CompiledScenario) -> None:
    """Accumulate each rule's hazard where its condition holds; activate where it passes."""
    exposure, clock = s.family_arrays[EXPOSURE], s.family_arrays[CLOCK]
    scale = F32(c.theatre.days / 30.0)
    for r, (name, holds) in enumerate(conditions(s, c).items()):
        if not holds.any():
            continue
        rate = s.rules[name][:, None] * scale
        exposure[:, r] += np.where(holds & s.alive[:, None], rate, F32(0))
        activate(s, c, holds & (exposure[:, r] >= clock[:, r]), RULE_CODE[name])


def cap_dormant(s: WorldState, c: CompiledScenario) -> None:
    """A dormant dyad may not rise above the rung it holds. A guarantor brought in by a chain acts
    at the level of the support it gives: below combat, no force unless attacked itself."""
    highest = np.where(s.active, s.highest_rung, np.minimum(s.highest_rung, s.rung))
    short = (s.activated_by == CHAIN) & (s.family_arrays[CHAIN_SUPPORT] < LEVEL["combat"])
    no_force = short & (s.rung[:, c.reverse] < c.first_force)
    s.highest_rung = np.where(no_force, np.minimum(highest, c.first_force - 1), highest).astype(
        np.int8
    )


class Theatre(RuleFamily):
    """Dyads in play per world; horizontal escalation wakes dormant rivalries (module docstring)."""

    name = "theatre"
    summary = "crisis theatre: dyads in play, commitment chains, horizontal escalation"
    parameters = declared(name)
    state_fields = ("crisis", "active", "activated_by")

    def setup(self, s: WorldState, c: CompiledScenario) -> None:
        """The theatre at turn 0 and one exponential clock per rule, world and dyad."""
        t, R = c.theatre, s.worlds
        start = t.start | (t.declared if t.crisis_at_start else False)
        s.crisis = np.full(R, t.crisis_at_start, dtype=bool)
        s.active = np.broadcast_to(start, s.rung.shape).copy()
        s.activated_by = np.where(s.active, np.int8(THEATRE), np.int8(-1)).astype(np.int8)
        R, H, P = s.worlds, len(HORIZONTAL), len(c.src)
        shape = (R, H, P)
        u = streams.uniforms(s.key, streams.THEATRE, 0, s.world, H * P).reshape(shape)
        s.family_arrays[CLOCK] = -np.log1p(-u)
        s.family_arrays[EXPOSURE] = np.zeros(shape, dtype=F32)
        s.family_arrays[USED] = s.peak >= c.first_force
        s.family_arrays[FIRST] = s.family_arrays[USED] & ~s.family_arrays[USED][:, c.reverse]
        s.family_arrays[CHAIN_SUPPORT] = np.full(s.rung.shape, -1, dtype=np.int8)

    def update(self, s: WorldState, c: CompiledScenario) -> None:
        """Injects that fired and chains that formed activate their dyads; dormant dyads are capped."""
        start_crisis(s, c)
        chains(s, c)
        cap_dormant(s, c)

    def end_turn(self, s: WorldState, c: CompiledScenario) -> None:
        """After the moves: commitment chains and the horizontal-escalation rules."""
        chains(s, c)
        horizontal(s, c)

    def reasons(self, s: WorldState, c: CompiledScenario, dyad: int) -> list[str]:
        """Say when a dyad is dormant (outside the theatre)."""
        if not s.active[0, dyad]:
            return ["outside the crisis theatre: dormant (no escalation)"]
        support = int(s.family_arrays[CHAIN_SUPPORT][0, dyad])
        if s.activated_by[0, dyad] == CHAIN and 0 <= support < LEVEL["combat"]:
            return ["commitment chain below combat support: no force unless attacked"]
        return []


def result_columns(s: WorldState, c: CompiledScenario) -> dict[str, np.ndarray]:
    """Per world: how many directed dyads each horizontal rule activated (``horizontal.<rule>``)
    and how many dyads were in play at the end (``theatre.active``)."""
    out = {
        f"horizontal.{name}": (s.activated_by == RULE_CODE[name]).sum(axis=1).astype(np.int16)
        for name in HORIZONTAL
    }
    out["theatre.active"] = s.active.sum(axis=1).astype(np.int16)
    return out


FAMILY = Theatre()
