"""The default escalation ladder, used when a scenario (and its includes) define none."""

from __future__ import annotations

from sim.scenario.schema import Ladder

DEFAULT_LADDER = Ladder.model_validate(
    {
        "rungs": [
            {
                "name": "cooperation",
                "label": "Cooperation",
                "cost": 0.0,
                "description": "Normal relations, dialogue.",
            },
            {
                "name": "protest",
                "label": "Diplomatic protest",
                "cost": 0.05,
                "description": "Demarches, statements, summons of ambassadors.",
            },
            {
                "name": "grey_zone",
                "label": "Grey-zone coercion",
                "cost": 0.12,
                "coercive": True,
                "description": "Coast-guard and militia pressure, airspace and water incursions, cyber.",
            },
            {
                "name": "show_of_force",
                "label": "Show of force",
                "cost": 0.25,
                "coercive": True,
                "deployment": True,
                "description": "Exercises, deployments, missile tests near the rival.",
            },
            {
                "name": "blockade",
                "label": "Blockade, quarantine or sanctions",
                "cost": 0.45,
                "blockade": True,
                "sanctions": True,
                "description": "Interdiction of shipping, quarantine, broad economic sanctions.",
            },
            {
                "name": "limited_strikes",
                "label": "Limited use of force",
                "cost": 0.8,
                "force": True,
                "sanctions": True,
                "blockade": True,
                "description": "Seizure of a disputed island, strikes on forces at sea or in the air.",
            },
            {
                "name": "major_war",
                "label": "Major conventional war",
                "cost": 1.4,
                "force": True,
                "sanctions": True,
                "blockade": True,
                "description": "Sustained campaign: invasion, air and sea battle.",
            },
            {
                "name": "homeland_strikes",
                "label": "Strikes on homelands",
                "cost": 2.0,
                "force": True,
                "homeland": True,
                "sanctions": True,
                "blockade": True,
                "description": "Conventional strikes on the rival's home territory and bases.",
            },
            {
                "name": "nuclear_use",
                "label": "Nuclear use",
                "cost": 4.0,
                "force": True,
                "homeland": True,
                "nuclear": True,
                "sanctions": True,
                "blockade": True,
                "description": "Any use of nuclear weapons.",
            },
        ],
        "sources": [
            {
                "reference": "Herman Kahn, On Escalation: Metaphors and Scenarios (1965): escalation as an "
                "ordered ladder of rungs",
                "about": "ordering of rungs",
            },
            {
                "seed": "002_d75e1ef3b3d2134e.txt",
                "quote": "maritime disputes in this region pose significant risks and could escalate into "
                "conflicts",
                "about": "grey-zone and maritime rungs",
            },
        ],
        "assumption": "Rung costs are relative disutilities on a 0-4 scale chosen so that force rungs "
        "cost several times coercive ones and nuclear use dominates; calibrated by scenario behaviour, "
        "not measured.",
    }
)
