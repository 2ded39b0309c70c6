"""``wargame analyse SWEEP_DIR``: global sensitivity of each outcome share to each parameter, and a report.

Sobol first-order and total indices (SALib) when the sweep used the ``saltelli`` design; otherwise
Spearman rank correlations (with their p-values). The HTML report shows each share against each
parameter with intervals, a 2-D heatmap for a pair, sensitivity bars, and the region where each
outcome dominates.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from sim.outputs.charts import figure as _figure
from sim.outputs.charts import png as _png
from sim.outputs.charts import pyplot as _plt
from sim.outputs.report import CSS
from sim.outputs.rundir import write_json_atomic, write_text_atomic
from sim.sweeps.spec import SweepSpec


def _is_number(x: pd.Series) -> bool:
    """A numeric parameter (true/false and named values are treated as categories)."""
    return pd.api.types.is_numeric_dtype(x) and not pd.api.types.is_bool_dtype(x)


def sobol_indices(design: pd.DataFrame, y: np.ndarray, spec: SweepSpec) -> pd.DataFrame:
    """S1 and ST (with 95% confidence half-widths) of ``y`` over a Saltelli design."""
    from sim.sweeps.design import require_salib, saltelli_problem

    sobol = require_salib("analyze")

    problem = saltelli_problem(spec)
    res = sobol.analyze(
        problem, np.asarray(y, dtype=float), calc_second_order=False, seed=spec.seed
    )
    return pd.DataFrame(
        {"S1": res["S1"], "S1_conf": res["S1_conf"], "ST": res["ST"], "ST_conf": res["ST_conf"]},
        index=problem["names"],
    )


def rank_correlations(design: pd.DataFrame, y: np.ndarray, params: list[str]) -> pd.DataFrame:
    """Spearman correlation of ``y`` with each parameter (categorical values by their order)."""
    rows = {}
    for p in params:
        x = design[p]
        if not _is_number(x):  # named values: ranked in the order the sweep file lists them
            order = {v: i for i, v in enumerate(dict.fromkeys(x))}
            x = x.map(order)
        rho, pval = stats.spearmanr(x, y) if np.std(y) > 0 else (0.0, 1.0)
        rows[p] = {"rho": float(np.nan_to_num(rho)), "p": float(np.nan_to_num(pval, nan=1.0))}
    return pd.DataFrame(rows).T


def sensitivity(
    points: pd.DataFrame, spec: SweepSpec, outcomes: list[str]
) -> dict[str, pd.DataFrame]:
    """Per outcome, a table indexed by parameter; the importance column is ``ST`` or ``|rho|``."""
    params = list(spec.parameters)
    out = {}
    for name in outcomes:
        y = points[f"{name}.share"].to_numpy()
        if spec.design == "saltelli":
            table = sobol_indices(points, y, spec)
            table["importance"] = table["ST"]
        else:
            table = rank_correlations(points, y, params)
            table["importance"] = table["rho"].abs()
        out[name] = table
    return out


def _scatter(points: pd.DataFrame, outcomes: list[str], param: str, replicates: int) -> str:
    fig, ax = _figure(6.5, 3.2)
    x = points[param]
    numeric = _is_number(x)
    for name in outcomes:
        if numeric:
            bins = np.unique(np.quantile(x, np.linspace(0, 1, 9)))
            cut = pd.cut(x, bins, include_lowest=True)
            g = points.groupby(cut, observed=True)
            mid = g[param].mean()
            n = g[f"{name}.count"].count() * replicates  # replicates pooled in the bin
            share = g[f"{name}.count"].sum() / n
            se = np.sqrt(share * (1 - share) / n)
            line = ax.plot(mid, share * 100, marker="o", label=name)[0]
            ax.fill_between(
                mid,
                (share - 1.96 * se) * 100,
                (share + 1.96 * se) * 100,
                alpha=0.15,
                color=line.get_color(),
            )
        else:
            g = points.groupby(param)[f"{name}.share"].mean()
            ax.plot(range(len(g)), g.values * 100, marker="o", label=name)
            ax.set_xticks(range(len(g)), [str(v) for v in g.index])
    ax.set_xlabel(param)
    ax.set_ylabel("share (%)")
    ax.legend(fontsize=7)
    ax.set_title(f"Outcome shares against {param} (binned means, 95% band)", fontsize=9)
    return _png(fig)


def _heatmap(points: pd.DataFrame, name: str, pa: str, pb: str, bins: int = 6) -> str:
    fig, ax = _figure(5.5, 4.2)
    xa = pd.cut(points[pa], bins) if _is_number(points[pa]) else points[pa]
    xb = pd.cut(points[pb], bins) if _is_number(points[pb]) else points[pb]
    grid = points.groupby([xb, xa], observed=False)[f"{name}.share"].mean().unstack()
    im = ax.imshow(grid.to_numpy(dtype=float) * 100, origin="lower", aspect="auto", cmap="Reds")
    ax.set_xticks(
        range(grid.shape[1]),
        [f"{iv.mid:.2f}" if hasattr(iv, "mid") else str(iv) for iv in grid.columns],
        fontsize=7,
    )
    ax.set_yticks(
        range(grid.shape[0]),
        [f"{iv.mid:.2f}" if hasattr(iv, "mid") else str(iv) for iv in grid.index],
        fontsize=7,
    )
    ax.set_xlabel(pa)
    ax.set_ylabel(pb)
    fig.colorbar(im, ax=ax, label=f"{name} share (%)")
    ax.set_title(f"{name}", fontsize=9)
    return _png(fig)


def _dominance(points: pd.DataFrame, outcomes: list[str], pa: str, pb: str) -> str:
    fig, ax = _figure(5.5, 4.2)
    shares = points[[f"{n}.share" for n in outcomes]].to_numpy()
    top = shares.argmax(axis=1)
    cmap = _plt().get_cmap("tab10")
    for i, name in enumerate(outcomes):
        sel = top == i
        if sel.any():
            ax.scatter(points.loc[sel, pa], points.loc[sel, pb], s=18, color=cmap(i), label=name)
    ax.set_xlabel(pa)
    ax.set_ylabel(pb)
    ax.legend(fontsize=7)
    ax.set_title("Most likely outcome at each point", fontsize=9)
    return _png(fig)


def _bars(sens: dict[str, pd.DataFrame]) -> str:
    fig, ax = _figure(7, 0.5 + 0.35 * sum(len(t) for t in sens.values()))
    labels, values, errs = [], [], []
    for name, table in sens.items():
        for p, row in table.iterrows():
            labels.append(f"{name} ← {p}")
            values.append(row["importance"])
            errs.append(row.get("ST_conf", 0.0) if "ST_conf" in table else 0.0)
    ax.barh(labels[::-1], values[::-1], xerr=errs[::-1], color="#6c5b7b")
    ax.set_xlabel(
        "total Sobol index ST" if "ST_conf" in next(iter(sens.values())) else "|Spearman rho|"
    )
    ax.tick_params(axis="y", labelsize=7)
    return _png(fig)


def analyse(path: Path, pair: list[str] | None = None) -> dict[str, Any]:
    """Write sensitivity.json and sweep-report.html into the sweep folder; return a text summary."""
    sd, m = _finished_sweep(path)
    spec = SweepSpec.model_validate(m["spec"])
    points = pd.read_parquet(sd.points)
    all_outcomes = [c.removesuffix(".share") for c in points.columns if c.endswith(".share")]
    outcomes = spec.outcomes or all_outcomes
    sens = sensitivity(points, spec, outcomes)
    pa, pb = _pair(sens, list(spec.parameters), pair)
    write_json_atomic(
        {name: t.to_dict(orient="index") for name, t in sens.items()}, sd.path / "sensitivity.json"
    )
    page = _report_html(m["scenario"]["name"], spec, points, outcomes, sens, (pa, pb))
    report = write_text_atomic(page, sd.path / "sweep-report.html")
    lines = [f"{m['scenario']['name']}: {len(points)} points, design {spec.design}"]
    kind = "total Sobol index ST" if spec.design == "saltelli" else "|Spearman rho|"
    for name, table in sens.items():
        order = table.sort_values("importance", ascending=False)
        lines.append(
            f"  {name}: "
            + ", ".join(f"{p} {v:.2f}" for p, v in order["importance"].items())
            + f" ({kind})"
        )
    return {"text": "\n".join(lines), "report": report, "sensitivity": sens}


def _finished_sweep(path: Path) -> tuple[Any, dict[str, Any]]:
    """The sweep folder at ``path`` and its manifest; a one-line error unless it is a finished
    sweep."""
    from sim.errors import RunError
    from sim.sweeps.run import SweepDir

    sd = SweepDir(path)
    m = sd.manifest()
    if m.get("kind") != "sweep":
        raise RunError(f"{path}: not a sweep folder (run `wargame sweep` first)")
    if m["status"] != "complete":
        raise RunError(
            f"{path}: sweep is incomplete; finish it with `wargame sweep --resume {path}`"
        )
    return sd, m


def _pair(
    sens: dict[str, pd.DataFrame], params: list[str], pair: list[str] | None
) -> tuple[str, str]:
    """The two parameters of the 2-D charts: ``pair`` if given (checked), else the two most
    important (the same one twice if the sweep has one parameter: no 2-D charts then)."""
    ranking = (
        pd.concat([t["importance"] for t in sens.values()], axis=1)
        .max(axis=1)
        .sort_values(ascending=False)
    )
    if pair is not None:
        for p in pair:
            if p not in params:
                from sim.errors import RunError

                raise RunError(
                    f"--pair: {p!r} is not a parameter of this sweep ({', '.join(params)})"
                )
        pa, pb = pair
        return pa, pb
    if len(params) <= 1:
        return params[0], params[0]
    pa, pb = (list(ranking.index[:2]) + params)[:2]
    return pa, pb


def _report_html(
    scenario: str,
    spec: SweepSpec,
    points: pd.DataFrame,
    outcomes: list[str],
    sens: dict[str, pd.DataFrame],
    pair: tuple[str, str],
) -> str:
    """sweep-report.html: sensitivity bars and tables, shares against each parameter, and for
    a pair of parameters a heatmap per outcome and the dominance map."""
    e = html.escape
    pa, pb = pair
    parts = [
        f"<!doctype html><html><head><meta charset='utf-8'><title>{e(spec.title or 'sweep')}</title>"
        f"<style>{CSS}</style></head><body><h1>{e(spec.title or 'Parameter sweep')}</h1>",
        f"<p class='meta'>{scenario} · {len(points)} points ({spec.design}) × {spec.replicates} "
        f"replicates · seed {spec.seed}</p>",
        "<h2>Sensitivity</h2>",
        f"<img alt='sensitivity' src='data:image/png;base64,{_bars(sens)}'>",
    ]
    for name, table in sens.items():
        parts.append(
            f"<h3>{e(name)}</h3>" + table.to_html(float_format=lambda v: f"{v:.3f}", border=0)
        )
    parts.append("<h2>Shares against each parameter</h2>")
    for p in spec.parameters:
        parts.append(
            f"<img alt='share vs {e(p)}' src='data:image/png;base64,{_scatter(points, outcomes, p, spec.replicates)}'>"
        )
    if pa != pb:
        parts.append(f"<h2>Two parameters: {e(pa)} × {e(pb)}</h2>")
        for name in outcomes:
            parts.append(
                f"<img alt='heatmap {e(name)}' src='data:image/png;base64,{_heatmap(points, name, pa, pb)}'>"
            )
        parts.append("<h2>Where each outcome dominates</h2>")
        parts.append(
            f"<img alt='dominance' src='data:image/png;base64,{_dominance(points, outcomes, pa, pb)}'>"
        )
    parts.append("</body></html>")
    return "\n".join(parts)
