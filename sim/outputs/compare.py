"""``wargame compare RUN_A RUN_B``: outcome shares side by side, and whether a difference is noise.

Each outcome gets a two-proportion z-test; p-values are adjusted for the number of outcomes (Holm), and
an overall chi-square test of homogeneity says whether the two distributions differ at all. Runs are
comparable only when their scenarios differ in nothing but their ``--set`` overrides.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from scipy import stats

from sim.errors import RunError
from sim.outputs.rundir import require_complete


def compare_runs(a: Path, b: Path, force: bool = False, alpha: float = 0.05) -> dict[str, Any]:
    """Shares of both runs per outcome, difference, z, Holm-adjusted p, and the overall test."""
    ra, rb = require_complete(a), require_complete(b)
    ma, mb = ra.manifest(), rb.manifest()
    if ma["scenario"]["base_sha256"] != mb["scenario"]["base_sha256"] and not force:
        raise RunError(
            f"{a} and {b} ran different scenarios ({ma['scenario']['name']} vs {mb['scenario']['name']}, "
            "not only different --set overrides); use --force to compare anyway"
        )
    sa, sb = ra.summary(), rb.summary()
    na, nb = sa["runs"], sb["runs"]
    test = compare_counts(
        {n: o["count"] for n, o in sa["outcomes"].items()},
        {n: o["count"] for n, o in sb["outcomes"].items()},
        na,
        nb,
        alpha,
    )
    vocabulary = {}
    va, vb = sa.get("vocabulary"), sb.get("vocabulary")
    if va and vb:  # the standard vocabulary: same tests on peak violence and on endings
        for key in ("violence", "ending"):
            vocabulary[key] = compare_counts(
                {n: o["count"] for n, o in va[key].items()},
                {n: o["count"] for n, o in vb[key].items()},
                na,
                nb,
                alpha,
            )
    return {
        "run_a": str(a),
        "run_b": str(b),
        "runs_a": na,
        "runs_b": nb,
        "overrides_a": ma["overrides"],
        "overrides_b": mb["overrides"],
        **test,
        "alpha": alpha,
        "vocabulary": vocabulary,
    }


def compare_counts(
    a: dict[str, int], b: dict[str, int], na: int, nb: int, alpha: float = 0.05
) -> dict[str, Any]:
    """Per class: shares, difference, two-proportion z and Holm-adjusted p; and an overall
    chi-square test of homogeneity over the classes either run reached."""
    names = list(dict.fromkeys([*a, *b]))
    rows = []
    for name in names:
        ca, cb = a.get(name, 0), b.get(name, 0)
        pa, pb = ca / na, cb / nb
        pooled = (ca + cb) / (na + nb)
        se = math.sqrt(pooled * (1 - pooled) * (1 / na + 1 / nb))
        z = (pb - pa) / se if se > 0 else 0.0
        p = math.erfc(abs(z) / math.sqrt(2))
        rows.append(
            {
                "outcome": name,
                "count_a": ca,
                "share_a": pa,
                "count_b": cb,
                "share_b": pb,
                "difference": pb - pa,
                "z": z,
                "p": p,
            }
        )
    order = sorted(range(len(rows)), key=lambda i: rows[i]["p"])
    running = 0.0
    for rank, i in enumerate(order):  # Holm step-down adjustment
        running = max(running, min(1.0, rows[i]["p"] * (len(rows) - rank)))
        rows[i]["p_adjusted"] = running
        rows[i]["significant"] = running < alpha
    table = [[r["count_a"], r["count_b"]] for r in rows if r["count_a"] + r["count_b"] > 0]
    chi2, p_all, dof, _ = stats.chi2_contingency(table) if len(table) > 1 else (0.0, 1.0, 0, None)
    return {
        "rows": rows,
        "chi2": float(chi2),
        "dof": int(dof),
        "p_overall": float(p_all),
        "different": bool(p_all < alpha),
    }


def format_comparison(r: dict[str, Any]) -> str:
    """A ``compare_runs`` result as text: both runs, then the test of outcome
    shares and of the standard vocabulary."""
    lines = [
        f"A: {r['run_a']} ({r['runs_a']:,} runs; overrides: {r['overrides_a'] or 'none'})",
        f"B: {r['run_b']} ({r['runs_b']:,} runs; overrides: {r['overrides_b'] or 'none'})",
    ]
    lines += _format_test(r, "outcome", r["alpha"])
    for key, title in (("violence", "peak violence"), ("ending", "ending")):
        if key in r.get("vocabulary", {}):
            lines += ["", f"standard vocabulary: {title}"]
            lines += _format_test(r["vocabulary"][key], title, r["alpha"])
    return "\n".join(lines)


def _format_test(r: dict[str, Any], title: str, alpha: float) -> list[str]:
    width = max(len(title), *(len(row["outcome"]) for row in r["rows"]))
    lines = [f"  {title:<{width}}  {'A':>6}  {'B':>6}  {'B−A':>7}  {'p (Holm)':>9}"]
    for row in r["rows"]:
        mark = "  *" if row["significant"] else ""
        lines.append(
            f"  {row['outcome']:<{width}}  {row['share_a']:6.1%}  {row['share_b']:6.1%}  "
            f"{row['difference']:+7.1%}  {row['p_adjusted']:9.3g}{mark}"
        )
    verdict = (
        "the distributions differ" if r["different"] else "no difference beyond sampling noise"
    )
    lines.append(
        f"overall: chi-square {r['chi2']:.1f} on {r['dof']} df, p = {r['p_overall']:.3g}: {verdict} "
        f"(alpha {alpha}); * marks classes whose share differs"
    )
    return lines
