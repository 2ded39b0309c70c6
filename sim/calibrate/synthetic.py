"""A synthetic history deck made by the engine itself, at known parameter values.

Each template case is played at the ``truth`` values (``SeedSequence(seed, spawn_key=(SYNTH_KEY,
key_c))``, apart from every stream a calibration uses), and each of ``copies`` worlds becomes one
case: a copy of the template file whose ``history:`` block records that world's peak violence,
ending, duration and ally decisions. The files keep the template's own (hand-set) values: a
calibration that recovers ``truth`` from them has found what made the "history". Used by the tests
and by the optimiser comparison (``python -m sim.calibrate.compare``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from sim.backtest.deck import load_deck
from sim.backtest.dimensions import intervened
from sim.backtest.task import play, theatre
from sim.calibrate.objective import candidate_scenario

SYNTH_KEY = 0x5E7
SOURCE = ["synthetic: a world played by the engine at known parameter values"]


def make_synthetic_deck(
    templates: str | Path, out: Path, truth: dict[str, float], copies: int, seed: int = 0
) -> list[Path]:
    """Write ``copies`` synthetic cases per template case into ``out``; return their paths."""
    cases, _ = load_deck(templates)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for case in cases:
        scen = candidate_scenario(case, truth)
        m, cols = play(scen, copies, seed, (SYNTH_KEY, case.key))
        data = yaml.safe_load(case.path.read_text(encoding="utf-8"))
        for j in range(copies):
            turns = cols["ending_turn"][j] if cols["ending_turn"][j] >= 0 else cols["turn_ended"][j]
            days = round(float(turns) * case.days)
            allies = []
            for a in case.scenario.history.allies:  # type: ignore[union-attr]
                mask = intervened(cols, theatre(m), a.ally, a.partner)
                allies.append({"ally": a.ally, "partner": a.partner, "intervened": bool(mask[j])})
            start = dt.date(2001, 1, 1)
            data["history"] = {
                "case": f"synthetic {case.name} {j}",
                "start": start.isoformat(),
                "end": (start + dt.timedelta(days=days)).isoformat(),
                "peak_violence": str(cols["violence"][j]),
                "ending": str(cols["ending"][j]),
                "duration_days": days,
                "allies": allies,
                "summary": "A world played by the engine (synthetic deck).",
                "sources": {
                    f: list(SOURCE)
                    for f in ("dates", "peak_violence", "ending", "duration_days", "used_force")
                }
                | {"allies": list(SOURCE)},
            }
            path = out / f"{case.name}_{j:02d}.yaml"
            path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
            written.append(path)
        m.release()
    return written
