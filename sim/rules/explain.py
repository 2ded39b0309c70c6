"""Readable reasons for decisions at R = 1: the terms of each chosen move, the masks that applied.

The terms come from the registered families' declarations (sim/rules/registry.py) and the masks
from their ``reasons`` hooks, so a new family explains itself without a change here.
"""

from __future__ import annotations

import numpy as np

from sim.rules.compile import CompiledScenario
from sim.rules.events import Event
from sim.rules.families.choice import MOVES, Decision
from sim.rules.family import RuleFamily
from sim.rules.registry import listed_terms
from sim.rules.state import WorldState

__all__ = ["Event", "describe_decision", "timeline"]


def _probabilities(c: CompiledScenario, d: Decision, old: int, col: int) -> dict[str, float]:
    """Chance of each valid move's rung in world 0."""
    assert d.terms is not None and d.valid is not None
    return {
        c.rung_names[int(np.clip(old + mv, 0, c.top))]: round(
            float(d.terms["prob_all"][i, 0, col]), 3
        )
        for i, mv in enumerate(MOVES)
        if d.valid[i, 0, col]
    }


def describe_decision(
    s: WorldState,
    c: CompiledScenario,
    fams: tuple[RuleFamily, ...],
    actor: int,
    dyads: np.ndarray,
    d: Decision,
    human: dict[str, int],
) -> list[Event]:
    """Events for world 0: one per dyad whose rung changed, or that holds above cooperation."""
    assert d.terms is not None
    names = listed_terms(fams)
    pick = d.terms["pick"]
    who_acts = c.actors[actor]
    events = []
    for col, dyad in enumerate(dyads):
        target = c.actors[c.dst[dyad]]
        old = int(s.rung[0, dyad])
        new = human[target] if target in human else int(d.rung[0, col])
        if new == old and new == 0:
            continue
        k = int(pick[0, col])
        terms = {t: round(float(d.terms[t][k, 0, col]), 3) for t in names}
        verb = "holds at" if new == old else ("escalates to" if new > old else "de-escalates to")
        top_terms = sorted(
            ((v, t) for t, v in terms.items() if abs(v) >= 0.01), key=lambda x: -abs(x[0])
        )[:3]
        why = ", ".join(f"{t} {v:+.2f}" for v, t in top_terms) or "no strong pull"
        if target in human:  # how likely the engine was to make the team's move
            i = new - old + 1
            k = i if 0 <= i < d.terms["prob_all"].shape[0] else k
        p_pick = float(d.terms["prob_all"][k, 0, col])
        team = "(team move) " if target in human else ""
        text = (
            f"{team}{who_acts} {verb} {c.rung_labels[new]} toward {target} ({why}; p={p_pick:.2f})"
        )
        details = {
            "target": target,
            "from": c.rung_names[old],
            "to": c.rung_names[new],
            "terms": terms,
            "probabilities": _probabilities(c, d, old, col),
            "masks": [r for f in fams for r in f.reasons(s, c, int(dyad))],
            "threat": round(float(s.threat[0, dyad]), 3),
            "perceived_rival_rung": round(float(s.perceived_rung[0, c.reverse[dyad]]), 2),
            "human": target in human,
            "probability": round(p_pick, 4),
        }
        kind = "hold" if new == old else "move"
        events.append(Event(s.turn + 1, kind, who_acts, text, details))
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
