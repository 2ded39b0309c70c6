"""The declared state of R worlds: every per-world array the rules read or write, with its meaning.

Shapes use R (worlds, the replicate axis), N (actors), P (dyads: directed pairs along which an actor
may escalate), Q (pairs: a dyad and its reverse), K (commitment links: guarantor -> protected
pair), I (injects), C (limited campaigns). Rule code reads and
writes only these fields; the class has ``__slots__``, so an undeclared attribute is an error. A
rule family that is not (yet) part of the core keeps its arrays in ``family_arrays`` under names it
declares (``RuleFamily.state_fields``); see docs/architecture.md, "Add a rule family".

A world that has ended keeps its rungs, peaks and outcome as they were; from the next turn on,
the per-turn quantities the costliest kernels compute for it (observed rungs, threat's raw sum,
licences and doctrine caps, the utility's weights) are 0 and its moves are not chosen.

A field declared ``per_turn`` is assigned a new array every turn before any rule reads it: a
block that drops its ended worlds leaves it unset (None) in the smaller state until the next turn
assigns it (``sim.rules.worlds.gather``); a rule that came to read one before the turn wrote it
would fail there (``test_dropping_ended_worlds_changes_no_result`` in tests/rules/test_kernel.py
plays every shipped scenario that way). Nor are an ended world's written back to the block's
full state: after a run, a world that ended before the last turn holds no result in them.
"""

# ruff: noqa: RUF009  (`declared` returns a dataclasses.field with metadata)
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

F32 = np.float32


def declared(
    shape: str, dtype: str, meaning: str, default: Any = None, *, per_turn: bool = False
) -> Any:
    """A state field with its shape, dtype and meaning (read by ``field_table`` and the docs).

    ``per_turn``: every turn assigns the field a new array before any rule reads it (a turn's
    weights, licences, observations), so no turn reads the last one's: a block dropping its ended
    worlds does not copy it (``sim.rules.worlds.gather``)."""
    meta = {"shape": shape, "dtype": dtype, "meaning": meaning, "per_turn": per_turn}
    return field(default=default, metadata=meta)


@dataclass(slots=True)
class WorldState:
    """R independent worlds of one compiled scenario (see the module docstring for the axes)."""

    worlds: int = declared("", "int", "R, the number of worlds advanced together")
    rng: np.random.Generator = declared(
        "", "Generator", "the block's generator: the stream key, then the sampled parameters"
    )
    key: np.ndarray = declared(
        "(R, 2)",
        "int64",
        "each world's key of its counter-based streams (sim/rules/streams.py): its block's, drawn"
        " first from the block's generator",
    )
    world: np.ndarray = declared(
        "(R,)", "int64", "each world's index in its block: its random streams' counter"
    )
    explain: bool = declared("", "bool", "record a readable event for every decision of world 0")
    log: list = declared("", "list[Event]", "events of world 0 when explaining", None)
    turn: int = declared("", "int", "turns played so far", 0)
    prepared_turn: int = declared("", "int", "turn whose shared quantities are computed", -1)
    observed_turn: int = declared("", "int", "turn whose rungs have been observed", -1)
    forced_injects: set = declared("", "set[str]", "injects a facilitator fires next", None)
    sampled: dict = declared(
        "(R,) each", "float64", "sampled value of every uncertain parameter, by path", None
    )
    rules: dict = declared("(R,) each", "float32", "value of every rule parameter per world", None)
    # actors' attributes (sampled per world; injects may adjust some)
    power: np.ndarray = declared("(R, N)", "float32", "overall capability (domain-weighted)")
    resolve: np.ndarray = declared("(R, N)", "float32", "willingness to run risks for a claim")
    risk_tolerance: np.ndarray = declared("(R, N)", "float32", "discount on escalation costs")
    domestic_constraint: np.ndarray = declared("(R, N)", "float32", "public reluctance to escalate")
    opinion_relaxation: np.ndarray = declared("(R, N)", "float32", "how fast threat relaxes it")
    sea_lanes: np.ndarray = declared("(R, N)", "float32", "dependence on sea lanes")
    survival_threshold: np.ndarray = declared(
        "(R, N)", "float32", "threat at which an attack on a partner threatens the actor's survival"
    )
    existential_threshold: np.ndarray = declared(
        "(R, N)", "float32", "threat at which homeland strikes put the actor's existence at stake"
    )
    attributes_changed: bool = declared("", "bool", "an inject adjusted an attribute", False)
    # dyads' attributes
    rivalry_intensity: np.ndarray = declared("(R, P)", "float32", "hostility of the rivalry")
    trade_dependence: np.ndarray = declared("(R, P)", "float32", "source's trade dependence")
    claim_stake: np.ndarray = declared("(R, P)", "float32", "claimant's stake in a dispute")
    holder_stake: np.ndarray = declared("(R, P)", "float32", "holder's stake in a dispute")
    perceived_resolve: np.ndarray = declared(
        "(R, P)", "float32", "the target's resolve as the source sees it (noisy, fixed per world)"
    )
    # commitment links
    credibility: np.ndarray = declared("(R, K)", "float32", "chance the guarantor honours it")
    honour_draw: np.ndarray = declared("(R, K)", "float32", "uniform draw: honoured if below cred.")
    honoured: np.ndarray = declared(
        "(R, K)", "bool", "the guarantor gives the promised support (the prior before a trigger)"
    )
    decided: np.ndarray = declared("(R, K)", "bool", "the guarantor has decided on a fired link")
    decided_level: np.ndarray = declared(
        "(R, K)", "int8", "support level the guarantor chose (the prior's before a trigger)"
    )
    support_chance: np.ndarray = declared(
        "(R, K)", "float32", "P(promised support) at the decision (credibility before)"
    )
    basing_factor: np.ndarray = declared(
        "(R, K)", "float32", "share of the guarantor's power usable (basing access)"
    )
    basing_access: list = declared(
        "(R,) each", "float64", "chance hosts grant basing (per alliance)"
    )
    basing_granted: list = declared("(R,) each", "float32", "hosts grant basing (per alliance)")
    basing_refused: np.ndarray = declared(
        "(R, K)", "bool", "the link's guarantor is a host that refused its bases to the partner"
    )
    triggered: np.ndarray = declared("(R, K)", "bool", "the link's trigger has fired")
    support: np.ndarray = declared("(R, K)", "int8", "support level given now")
    support_peak: np.ndarray = declared("(R, K)", "int8", "highest support level given")
    # injects
    inject_happens: np.ndarray = declared("(R, I)", "bool", "the inject fires here at its turn")
    inject_fired: np.ndarray = declared("(R, I)", "bool", "the inject has fired")
    injects_moved_rungs: bool = declared("", "bool", "an inject changed a rung this turn", False)
    # escalation
    rung: np.ndarray = declared("(R, P)", "int8", "current rung of each dyad")
    next_rung: np.ndarray = declared(
        "(R, P)", "int8", "rungs chosen this turn (simultaneous)", per_turn=True
    )
    peak: np.ndarray = declared("(R, P)", "int8", "highest rung so far")
    violent_turns: np.ndarray = declared(
        "(R, P)", "int16", "turns the dyad ended at a violent rung (standard vocabulary)"
    )
    first_violent_rung: int = declared(
        "", "int", "lowest rung whose violence class is minor clashes or more", 0
    )
    perceived_rung: np.ndarray = declared(
        "(R, P)", "float32", "the dyad's rung as observed this turn (with noise)", per_turn=True
    )
    acted: np.ndarray = declared("(P,)", "bool", "the dyad's rung ever changed by a move")
    # theatre: dyads in play (others are dormant) and one-off incidents
    crisis: np.ndarray = declared("(R,)", "bool", "the crisis has started (a trigger is present)")
    active: np.ndarray = declared(
        "(R, P)", "bool", "the dyad is in play (in the theatre or activated); else dormant"
    )
    activated_by: np.ndarray = declared(
        "(R, P)", "int8", "what activated the dyad (index into theatre.SOURCE_GROUPS; -1: dormant)"
    )
    incident_rung: np.ndarray = declared(
        "(R, P)", "int8", "rung of a one-off incident on the dyad this turn (0: none)"
    )
    threat: np.ndarray | None = declared(
        "(R, P)", "float32", "source's threat perception of the target (None before turn 1)"
    )
    # coalition
    committed_power: np.ndarray = declared(
        "(R, N)",
        "float32",
        "power committed behind each actor, as its rivals see it",
        per_turn=True,
    )
    aligned_power: np.ndarray = declared(
        "(R, N)", "float32", "power of the actor's partners (security dilemma)"
    )
    # balance of power, stakes and exposure per dyad (change only with attributes)
    source_power: np.ndarray = declared("(R, P)", "float32", "power of the dyad's source")
    target_power: np.ndarray = declared("(R, P)", "float32", "power of the dyad's target")
    relative_power: np.ndarray = declared("(R, P)", "float32", "target / (source + target)")
    rivalry_threat: np.ndarray = declared(
        "(R, P)", "float32", "threat from rivalry and stakes, scaled by relative power"
    )
    source_strength: np.ndarray = declared("(R, P)", "float32", "source's power x resolve")
    target_strength: np.ndarray = declared(
        "(R, P)", "float32", "target's power x perceived resolve"
    )
    claim_value: np.ndarray = declared("(R, P)", "float32", "coercive value of the claim")
    cost_base: np.ndarray = declared("(R, P)", "float32", "escalation cost before the balance")
    blockade_exposure: np.ndarray = declared("(R, P)", "float32", "cost of a blockade rung")
    sanctions_exposure: np.ndarray = declared("(R, P)", "float32", "cost of a sanctions rung")
    sea_lane_threat: np.ndarray = declared("(R, P)", "float32", "threat from a blockading rival")
    # doctrine
    used_force: np.ndarray = declared(
        "(R, P)", "bool", "the target has used force on the source in this crisis (kept)"
    )
    self_defence: np.ndarray = declared(
        "(R, P)", "bool", "the target has used force on source", per_turn=True
    )
    collective_defence: np.ndarray = declared(
        "(R, P)", "bool", "force licensed to defend an attacked partner", per_turn=True
    )
    highest_rung: np.ndarray = declared(
        "(R, P)", "int8", "highest rung doctrine allows now", per_turn=True
    )
    last_resort_weight: np.ndarray = declared(
        "(R, P)",
        "float32",
        "value of a nuclear rung: answer to nuclear use, or existence at stake",
        per_turn=True,
    )
    # weights of the utility terms this turn
    gain_weight: np.ndarray = declared(
        "(R, P)", "float32", "coercive gain (after deterrence)", per_turn=True
    )
    cost_weight: np.ndarray = declared("(R, P)", "float32", "escalation cost", per_turn=True)
    blockade_weight: np.ndarray = declared(
        "(R, P)", "float32", "economic cost of blockade", per_turn=True
    )
    sanctions_weight: np.ndarray = declared(
        "(R, P)", "float32", "economic cost of sanctions", per_turn=True
    )
    pressure: np.ndarray = declared(
        "(R, P)", "float32", "rung the source feels it must answer", per_turn=True
    )
    response_weight: np.ndarray = declared("(R, P)", "float32", "answering in kind", per_turn=True)
    obligation_rung: np.ndarray = declared(
        "(R, P)",
        "float32",
        "attacker's rung on a partner whose link fired and is honoured",
        per_turn=True,
    )
    obligation_weight: np.ndarray = declared(
        "(R, P)", "float32", "honouring a commitment", per_turn=True
    )
    domestic_weight: np.ndarray = declared("(R, P)", "float32", "public reluctance", per_turn=True)
    weighed: np.ndarray = declared(
        "(R, P)",
        "bool",
        "the weights above hold (False on a dormant dyad: they are 0 there)",
        per_turn=True,
    )
    # crises that end (docs/model.md, 11): weariness, bargaining, mediation, settlement; Q pairs
    cumulative_cost: np.ndarray = declared(
        "(R, N)", "float32", "weeks x ladder cost of the rungs an actor held or suffered so far"
    )
    weariness_weight: np.ndarray = declared(
        "(R, P)",
        "float32",
        "war weariness of the dyad's source: weariness x ln(1 + cost)",
        per_turn=True,
    )
    bargaining_surplus: np.ndarray = declared(
        "(R, Q)", "float32", "size of the pair's settlement range (negative: none)", per_turn=True
    )
    settlement_pressure: np.ndarray = declared(
        "(R, Q)",
        "float32",
        "what continuing costs both sides over their stakes (0: no range)",
        per_turn=True,
    )
    demand: np.ndarray = declared(
        "(R, P)",
        "float32",
        "the source's demand in a settlement: p - c / V, clipped to [-1, 1]",
        per_turn=True,
    )
    wants_out: np.ndarray = declared(
        "(R, P)",
        "bool",
        "the source values continuing below backing down (after face)",
        per_turn=True,
    )
    mediated: np.ndarray = declared("(R, Q)", "bool", "a third party mediates the pair's dispute")
    imposer: np.ndarray = declared(
        "(R, Q)", "bool", "a far stronger neutral third party presses the pair to stop fighting"
    )
    resolution: np.ndarray = declared(
        "(R, Q)", "int8", "how the pair's confrontation ended (ENDINGS index, -1: not yet)"
    )
    quiet_turns: np.ndarray = declared(
        "(R,)", "int16", "turns in a row with no pair's crisis active and unresolved"
    )
    campaign_weeks: np.ndarray = declared(
        "(R, C)", "float32", "calendar weeks each limited campaign has run (0 before it starts)"
    )
    campaign_over: np.ndarray = declared(
        "(R, C)", "bool", "the campaign has run its planned length"
    )
    campaign_running: np.ndarray = declared(
        "(R, Q)", "bool", "a limited campaign of the pair runs: it neither settles nor concedes"
    )
    crisis_ending: np.ndarray = declared(
        "(R,)", "int8", "ending type a crisis-ending rule declared this turn (-1: none)"
    )
    # endings
    alive: np.ndarray = declared("(R,)", "bool", "the world is still running")
    end_turn: np.ndarray = declared("(R,)", "int16", "turn the world ended")
    stop_reason: np.ndarray = declared(
        "(R,)", "int16", "stop condition that ended it (-1: limit, -2: a crisis-ending rule)"
    )
    ending: np.ndarray = declared(
        "(R,)", "int8", "standard ending type of an ended world (ENDINGS index, -1: running)"
    )
    outcome: np.ndarray = declared("(R,)", "int16", "outcome index (-1 while running)")
    calm_turns: np.ndarray = declared(
        "(R, calm rungs)", "int16", "turns in a row every rung <= each rung a calm test names"
    )
    family_arrays: dict = declared(
        "any", "any", "arrays of plug-in families, by declared name", None
    )


def field_table() -> list[tuple[str, str, str, str]]:
    """(name, shape, dtype, meaning) of every declared field, in declaration order."""
    return [
        (f.name, f.metadata["shape"], f.metadata["dtype"], _meaning(f.metadata))
        for f in fields(WorldState)
    ]


def _meaning(meta: dict[str, Any]) -> str:
    """A field's meaning, marked when the turn assigns it anew (``declared``'s ``per_turn``)."""
    return meta["meaning"] + (" (new each turn)" if meta["per_turn"] else "")


def per_turn_fields() -> frozenset[str]:
    """Names of the fields declared ``per_turn``."""
    return frozenset(f.name for f in fields(WorldState) if f.metadata["per_turn"])


def release(state: WorldState) -> None:
    """Drop the large arrays now (the model and its agents form reference cycles)."""
    for f in fields(state):
        value = getattr(state, f.name)
        if isinstance(value, np.ndarray) and value.size > 64:
            setattr(state, f.name, None)
