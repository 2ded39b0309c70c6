"""Readable reasons for decisions at R = 1: the terms of each chosen move, the masks that applied."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.rules.decision import TERMS

if TYPE_CHECKING:
    from sim.model import ActorAgent, WargameModel
    from sim.rules.decision import Choice


@dataclass
class Event:
    """One line of the timeline: turn, kind (move, trigger, inject, end), actor, text, details."""

    turn: int
    kind: str
    actor: str
    text: str
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _masks(m: WargameModel, d: int) -> list[str]:
    c = m.c
    i, j = int(c.src[d]), int(c.dst[d])
    out = []
    amax = int(m.amax[0, d])
    if not c.nuclear_ok[i]:
        out.append("non-nuclear: nuclear rungs barred")
    if c.defence_oriented[i]:
        if amax < c.first_force:
            out.append("defence-oriented: no force (no attack on it, Three New Conditions not met)")
        elif m.self_defence[0, d]:
            out.append(f"self-defence licensed: {c.actors[j]} used force against {c.actors[i]}")
        elif m.collective[0, d]:
            out.append(
                "collective self-defence licensed: a partner was attacked and survival is threatened"
            )
        if amax < c.first_homeland and amax >= c.first_force:
            out.append(
                "no strikes on homelands (counterstrike only after an attack on its own territory)"
            )
    if c.max_rung[i] < c.top and c.kind_org[i]:
        out.append(f"organisation: at most {c.rung_names[c.max_rung[i]]}")
    return out


def describe_choice(
    m: WargameModel, agent: ActorAgent, ch: Choice, human: dict[str, int]
) -> list[Event]:
    """Events for world 0: one per dyad whose rung changed, or that holds above cooperation."""
    c = m.c
    events = []
    assert ch.terms is not None
    pick = ch.terms["pick"]
    for col, d in enumerate(agent.dyads):
        target = c.actors[c.dst[d]]
        old = int(m.rung[0, d])
        new = int(ch.rung[0, col])
        if target in human:
            new = human[target]
        if new == old and new == 0:
            continue
        k = int(pick[0, col])
        terms = {t: round(float(ch.terms[t][k, 0, col]), 3) for t in TERMS}
        probs = {
            c.rung_names[int(np.clip(old + mv, 0, c.top))]: round(
                float(ch.terms["prob_all"][i, 0, col]), 3
            )
            for i, mv in enumerate((-1, 0, 1, 2))
            if ch.valid[i, 0, col]
        }
        kind = "hold" if new == old else "move"
        verb = "holds at" if new == old else ("escalates to" if new > old else "de-escalates to")
        who = "(team move) " if target in human else ""
        top_terms = sorted(
            ((v, t) for t, v in terms.items() if abs(v) >= 0.01), key=lambda x: -abs(x[0])
        )[:3]
        why = ", ".join(f"{t} {v:+.2f}" for v, t in top_terms) or "no strong pull"
        if target in human:  # how likely the engine was to make the team's move
            i = new - old + 1
            k = i if 0 <= i < ch.terms["prob_all"].shape[0] else k
        p_pick = float(ch.terms["prob_all"][k, 0, col])
        text = (
            f"{who}{agent.name} {verb} {c.rung_labels[new]} toward {target} ({why}; p={p_pick:.2f})"
        )
        events.append(
            Event(
                m.turn + 1,
                kind,
                agent.name,
                text,
                {
                    "target": target,
                    "from": c.rung_names[old],
                    "to": c.rung_names[new],
                    "terms": terms,
                    "probabilities": probs,
                    "masks": _masks(m, d),
                    "threat": round(float(m.threat[0, d]), 3),
                    "perceived_rival_rung": round(float(m.perceived[0, c.reverse[d]]), 2),
                    "human": target in human,
                    "probability": round(p_pick, 4),
                },
            )
        )
    return events


def timeline(events: list[Event], verbose: bool = False) -> str:
    """The event log as text a person can read, turn by turn."""
    lines = []
    turn = None
    for e in events:
        if e.kind == "hold" and not verbose:
            continue
        if e.turn != turn:
            turn = e.turn
            lines.append(f"Turn {turn}")
        lines.append(f"  {e.text}")
        if verbose or e.kind in ("move", "hold"):
            masks = e.details.get("masks") or []
            for msk in masks:
                if e.kind in ("move", "hold") and (
                    verbose or "licensed" in msk or "no force" in msk
                ):
                    lines.append(f"      mask: {msk}")
    return "\n".join(lines)
