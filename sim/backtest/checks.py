"""Directional face-validity checks (``wargame backtest --checks``), each with its source.

A check runs a shipped scenario in one or two arms that differ in a ``--set`` override, with common
random numbers (the same seed and block keys in both arms, so worlds are paired), and compares a
per-world metric with what the literature or the seed documents say should happen. A check that
fails is a finding about the model, reported as such; nothing here is tuned to pass.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim.outputs.stats import wilson

ROOT = Path(__file__).resolve().parents[2]
Z95 = 1.959963984540054


@dataclass(frozen=True)
class Check:
    """One directional check: arms, the metric per world, the expected direction and its source."""

    name: str
    claim: str
    source: str
    scenario: str
    metric: dict[str, str]
    metric_label: str
    expect: str  # "at_most" (one arm), "increase" or "no_increase" (B minus A)
    base: tuple[str, ...] = ()
    changed: tuple[str, ...] | None = None
    threshold: float = 0.0
    arms: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "arms", ("A",) if self.changed is None else ("A", "B"))

    def overrides(self, arm: str) -> list[str]:
        """The ``--set`` overrides of one arm: ``base`` for A, ``base`` plus ``changed`` for B."""
        return list(self.base) + (list(self.changed or ()) if arm == "B" else [])


CHECKS: tuple[Check, ...] = (
    Check(
        name="no_crisis_stays_at_peace",
        claim="With no crisis (every actor starts at cooperation, no injects), no world sees force: "
        "at most 1% of worlds (upper 95% bound).",
        source="DESIGN.md: 'A world with no crisis stays at peace'; Bremer (1992), 'Dangerous "
        "Dyads', Journal of Conflict Resolution 36(2): war onset is a rare event even among "
        "contiguous rivals.",
        scenario="scenarios/taiwan_contingency.yaml",
        metric={"kind": "any_force"},
        metric_label="share of worlds where any actor used force",
        expect="at_most",
        base=("initial={}", "injects={}"),
        threshold=0.01,
    ),
    Check(
        name="ally_credibility_does_not_invite_attack",
        claim="Raising the US commitment's credibility to Taiwan (0.2 -> 0.9) does not raise the "
        "chance that China uses force on Taiwan.",
        source="Huth (1988), Extended Deterrence and the Prevention of War (Yale UP): a credible "
        "defender's commitment deters attacks on the protege; DESIGN.md: credibility is monotone "
        "under common random numbers.",
        scenario="scenarios/taiwan_contingency.yaml",
        metric={"kind": "fought", "a": "China", "b": "Taiwan"},
        metric_label="China uses force on Taiwan",
        expect="no_increase",
        base=("relations.us_taiwan.credibility=0.2",),
        changed=("relations.us_taiwan.credibility=0.9",),
    ),
    Check(
        name="no_japan_bases_helps_china",
        claim="Denying the US combat use of bases in Japan (basing access 1 -> 0) raises the chance "
        "that China fights Taiwan without the US fighting China.",
        source="Cancian, Cancian and Heginbotham (2023), The First Battle of the Next War: "
        "Wargaming a Chinese Invasion of Taiwan, CSIS: US bases in Japan were essential to every "
        "successful defence ('Japan is the linchpin').",
        scenario="scenarios/taiwan_contingency.yaml",
        metric={"kind": "fought_unopposed", "a": "China", "b": "Taiwan", "c": "US"},
        metric_label="China uses force on Taiwan and the US never uses force on China",
        expect="increase",
        base=("relations.us_taiwan.basing_access=1.0",),
        changed=("relations.us_taiwan.basing_access=0.0",),
    ),
    Check(
        name="closer_partnerships_raise_tension",
        claim="Closer QUAD and AUKUS ties (partnership weight 0.1 -> 1.0) raise the tension "
        "between China and Japan: China's highest rung toward Japan (security dilemma).",
        source="Seed 002_d75e1ef3b3d2134e.txt: closer ties with G7 countries 'could lead to "
        "increased tensions between Japan and its neighbouring countries, such as China'; Jervis "
        "(1978), 'Cooperation under the Security Dilemma', World Politics 30(2).",
        scenario="scenarios/taiwan_contingency.yaml",
        metric={"kind": "peak_toward", "a": "China", "b": "Japan"},
        metric_label="China's peak rung toward Japan (mean)",
        expect="increase",
        base=("relations.quad.weight=0.1", "relations.aukus.weight=0.1"),
        changed=("relations.quad.weight=1.0", "relations.aukus.weight=1.0"),
    ),
    Check(
        name="trade_ties_do_not_invite_force",
        claim="Deeper China-Japan trade dependence (0.05 -> 0.5 each way) does not raise the chance "
        "that China uses force on Japan in the Senkaku crisis.",
        source="Oneal and Russett (1997), 'The Classical Liberals Were Right: Democracy, "
        "Interdependence, and Conflict, 1950-1985', International Studies Quarterly 41(2); seed "
        "000_a0e1ab9a6473f928.txt: Japan 'owes its economic and energy survival to the maritime "
        "routes'.",
        scenario="scenarios/senkaku_grey_zone.yaml",
        metric={"kind": "fought", "a": "China", "b": "Japan"},
        metric_label="China uses force on Japan",
        expect="no_increase",
        base=(
            "relations.japan_china_trade.dependence.China=0.05",
            "relations.japan_china_trade.dependence.Japan=0.05",
        ),
        changed=(
            "relations.japan_china_trade.dependence.China=0.5",
            "relations.japan_china_trade.dependence.Japan=0.5",
        ),
    ),
)


def check_scenarios(checks: tuple[Check, ...] = CHECKS) -> dict[tuple[str, str], dict]:
    """The resolved scenario (a dict, for the tasks) of every arm of every check."""
    from sim.scenario import load_scenario

    out = {}
    for ch in checks:
        for arm in ch.arms:
            s = load_scenario(ROOT / ch.scenario, ch.overrides(arm))
            out[(ch.name, arm)] = s.model_dump(mode="json", by_alias=True, exclude_none=True)
    return out


def evaluate(ch: Check, arms: dict[str, np.ndarray]) -> dict[str, Any]:
    """Measured effect, its 95% interval and the verdict of one check."""
    a = arms["A"]
    row: dict[str, Any] = {
        "check": ch.name,
        "claim": ch.claim,
        "source": ch.source,
        "scenario": ch.scenario,
        "metric": ch.metric_label,
        "expect": ch.expect,
        "overrides_a": list(ch.overrides("A")),
        "overrides_b": list(ch.overrides("B")) if ch.changed is not None else [],
        "runs": len(a),
        "mean_a": float(a.mean()),
    }
    if ch.expect == "at_most":
        k = int(a.sum())
        lo, hi = wilson(k, len(a))
        row.update(effect=float(a.mean()), lo=lo, hi=hi, mean_b=None)
        row["passed"] = bool(hi <= ch.threshold)
        row["expected"] = f"at most {ch.threshold:.0%}"
        return row
    b = arms["B"]
    d = b - a  # paired: world i of both arms shares its seed
    se = float(d.std(ddof=1) / math.sqrt(len(d))) if len(d) > 1 else 0.0
    effect = float(d.mean())
    lo, hi = effect - Z95 * se, effect + Z95 * se
    row.update(effect=effect, lo=lo, hi=hi, mean_b=float(b.mean()))
    if ch.expect == "increase":
        row["passed"] = bool(lo > 0)
        row["expected"] = "B - A > 0"
    else:
        row["passed"] = bool(lo <= 0)
        row["expected"] = "B - A <= 0 (no significant rise)"
    return row


def format_checks(rows: list[dict[str, Any]]) -> str:
    """One block per check: expected direction, measured effect with its interval, pass or fail."""
    lines = []
    for r in rows:
        verdict = "PASS" if r["passed"] else "FAIL"
        lines.append(f"{verdict}  {r['check']}: {r['claim']}")
        lines.append(f"      metric: {r['metric']}; expected: {r['expected']}")
        if r["expect"] == "at_most":
            lines.append(
                f"      measured: {r['effect']:.2%} [{r['lo']:.2%}, {r['hi']:.2%}] of {r['runs']:,} worlds"
            )
        else:
            lines.append(
                f"      measured: A {r['mean_a']:.3f}, B {r['mean_b']:.3f}, B - A {r['effect']:+.3f} "
                f"[{r['lo']:+.3f}, {r['hi']:+.3f}] ({r['runs']:,} paired worlds)"
            )
        lines.append(f"      source: {r['source']}")
    return "\n".join(lines)
