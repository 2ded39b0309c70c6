"""The data dictionary: every file of a run folder and a sweep folder, and every column of its tables.

It is used twice: ``sim.outputs.tables.to_table`` looks every column up here (an undocumented column
cannot be written, and each Parquet field carries its description), and ``render`` writes
docs/data.md from it (``wargame docs``; a test fails when the page is stale).

Labels: ``outcome`` is dictionary-encoded with every outcome of the scenario, in file order (zero-count
outcomes stay among the categories); rung columns are dictionary-encoded, *ordered*, with the
scenario's escalation ladder. The same lists are in each file's key/value metadata
(``wargame.outcomes``, ``wargame.rungs``, JSON) for tools that read dictionaries as plain text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Labels = Literal["outcomes", "rungs"]

OUTCOME_TYPE = "dictionary<string, int8> (pandas: category)"
RUNG_TYPE = "dictionary<string, int8>, ordered (pandas: ordered category)"


@dataclass(frozen=True)
class Column:
    """A column, or a family of columns: ``name`` may hold one ``<placeholder>``."""

    name: str
    type: str
    description: str
    labels: Labels | None = None

    def matches(self, column: str) -> bool:
        """Whether a table column is this entry; a name with ``<...>`` (such as
        ``fought.<A>.<B>``) stands for every column with that prefix and suffix."""
        if "<" not in self.name:
            return column == self.name
        pre, rest = self.name.split("<", 1)
        post = rest.split(">", 1)[1]
        return (
            column.startswith(pre) and column.endswith(post) and len(column) > len(pre) + len(post)
        )

    def describe(self, column: str) -> str:
        """The description stored in the Parquet field of ``column``."""
        return self.description

    @property
    def specificity(self) -> int:
        """Exact names first, then patterns by the length of their fixed part."""
        return (
            10_000
            if "<" not in self.name
            else len(self.name.split("<")[0] + self.name.split(">")[1])
        )


@dataclass(frozen=True)
class File:
    """A file (or folder) of an output folder; ``columns`` for a table, ``keys`` for a JSON file."""

    path: str
    description: str
    columns: tuple[Column, ...] = ()
    keys: tuple[Column, ...] = ()
    transient: bool = False
    _found: dict[str, Column] = field(default_factory=dict, compare=False, repr=False)

    def column(self, name: str) -> Column:
        """The entry documenting column ``name`` (``KeyError`` if none does); each name is looked
        up once (a run's parent writes Taiwan's 253 columns for every block)."""
        hit = self._found.get(name)
        if hit is not None:
            return hit
        found = [c for c in self.columns if c.matches(name)]
        if not found:
            raise KeyError(f"{self.path}: column {name!r} is not in the data dictionary")
        self._found[name] = best = max(found, key=lambda c: c.specificity)
        return best


# --- columns shared by the per-replicate tables ---------------------------------------------------

REPLICATE_COLUMNS = (
    Column(
        "outcome",
        OUTCOME_TYPE,
        "How the world ended: the first of the scenario's outcomes whose condition held (`other` if "
        "none did and the scenario has no catch-all). Categories: every outcome in file order.",
        labels="outcomes",
    ),
    Column("turn_ended", "int16", "The turn the world ended (a stop condition or the turn limit)."),
    Column(
        "peak.<actor>",
        RUNG_TYPE,
        "The highest rung the actor reached toward any rival during the world. Categories: the "
        "escalation ladder, lowest first (integer codes: `.cat.codes` in pandas).",
        labels="rungs",
    ),
    Column(
        "triggered.<relation>",
        "bool",
        "The commitment's trigger fired (a protected member was attacked) at least once.",
    ),
    Column(
        "honoured.<relation>",
        "bool",
        "The guarantor honoured the triggered commitment at least once (never true unless "
        "triggered).",
    ),
    Column(
        "violence",
        "string",
        "Standard vocabulary: peak violence anywhere in the world (`none`, `minor_clashes`, "
        "`serious_clashes`, `full_scale_war`, `nuclear_use`; ICB scale plus nuclear use; "
        "docs/validation.md).",
    ),
    Column(
        "ending",
        "string",
        "Standard vocabulary: how the crisis ended (`formal_agreement`, `tacit_understanding`, "
        "`unilateral_concession`, `imposed`, `faded`, `still_running`).",
    ),
    Column(
        "ending_turn",
        "int16",
        "Standard vocabulary: the turn the crisis ended; null when it was still running at the "
        "turn limit.",
    ),
    Column(
        "n_at_war",
        "int16",
        "Standard vocabulary: actors that used force or had force used on them.",
    ),
    Column(
        "fought.<pair>",
        "bool",
        "Standard vocabulary: `fought.A.B` is true if actor A used force on actor B in this world (one column per directed "
        "pair that can use force).",
    ),
    Column(
        "link.<relation.guarantor.protected>.support",
        "int8",
        "The support level the guarantor chose for this commitment link when its trigger fired "
        "(index into none, statement, sanctions, intelligence, logistics, basing, combat); -1 if it "
        "never fired (docs/model.md, alliance decisions).",
    ),
    Column(
        "link.<relation.guarantor.protected>.honoured",
        "bool",
        "The link fired and the guarantor honoured it (gave the promised support or part of it).",
    ),
    Column(
        "horizontal.<rule>",
        "int16",
        "Dyads outside the crisis theatre that the horizontal-escalation rule `<rule>` "
        "(`opportunism`, `retaliation`, `second_front`) activated in this world (docs/model.md).",
    ),
    Column(
        "theatre.active",
        "int16",
        "Dyads in play at the end of the world (the crisis theatre plus any horizontal activations).",
    ),
    Column(
        "param.<path>",
        "double",
        "The value drawn in this world for an uncertain parameter (a distribution in the scenario) "
        "at dotted path `<path>`; `param.basing_access_<k>_granted` is 1 where a basing request was "
        "granted.",
    ),
)

OUTCOMES = File(
    "outcomes.parquet",
    "One row per replicate (world), in replicate order; row groups of whole blocks, at least 65,536 "
    "rows each (the last may be smaller).",
    (
        Column("replicate", "int64", "Replicate number, 0 to runs − 1."),
        Column(
            "block",
            "int32",
            "Block of the replicate (`replicate // block size`); block i is seeded with "
            "`SeedSequence(seed, spawn_key=(i,))`.",
        ),
        *REPLICATE_COLUMNS,
    ),
)

TRAJECTORIES = File(
    "trajectories.parquet",
    "With `--trajectories`: one row per replicate and turn played (turns 1 to `turn_ended`).",
    (
        Column("replicate", "int64", "Replicate number (joins `outcomes.parquet`)."),
        Column("turn", "int16", "Turn, from 1."),
        Column(
            "<actor>",
            RUNG_TYPE,
            "The actor's highest rung toward any rival after this turn. Categories: the escalation "
            "ladder, lowest first.",
            labels="rungs",
        ),
    ),
)

PARAMETER = Column(
    "<parameter>",
    "double, int64, bool or string (as in the sweep file)",
    "The value of a swept parameter (its dotted `--set` path) at this point.",
)

DESIGN = File(
    "design.parquet",
    "Every point of the sweep's design, written before the first batch runs.",
    (Column("point", "int64", "Point number, 0 to points − 1."), PARAMETER),
)

POINTS = File(
    "points.parquet",
    "One row per point, in point order (when the sweep is complete; row groups of whole batches, at "
    "least 65,536 rows each).",
    (
        Column("point", "int64", "Point number (joins `design.parquet` and `replicates/`)."),
        PARAMETER,
        Column("<outcome>.count", "int64", "Replicates of this point that ended in the outcome."),
        Column("<outcome>.share", "double", "`count / replicates`."),
        Column("<outcome>.lo", "double", "Lower end of the 95% Wilson interval of the share."),
        Column("<outcome>.hi", "double", "Upper end of the 95% Wilson interval of the share."),
    ),
)

REPLICATES = File(
    "replicates/batch-NNNNNN.parquet",
    "Every replicate of every point, one file per batch of points, written as each batch finishes "
    "(read the folder as one dataset). The swept parameters are columns, so shares by parameter "
    "are one query.",
    (
        Column("batch", "int32", "Batch of the point (`point // batch`): the file it is in."),
        Column("point", "int64", "Point number (joins `points.parquet` and `design.parquet`)."),
        PARAMETER,
        Column("replicate", "int64", "Replicate number within the point, from 0."),
        *REPLICATE_COLUMNS,
    ),
)


def _keys(*items: tuple[str, str]) -> tuple[Column, ...]:
    return tuple(Column(k, "", d) for k, d in items)


RUN_MANIFEST = File(
    "manifest.json",
    "What was run, and whether it finished. Written first (status `incomplete`) and rewritten at "
    "the end.",
    keys=_keys(
        ("format_version", "Version of this layout (1)."),
        ("status", "`incomplete` until every block is in `outcomes.parquet`, then `complete`."),
        (
            "scenario",
            "`name`, `path`, `file_sha256` (the file as read), `resolved_sha256` (the scenario "
            "with includes and overrides), `base_sha256` (without the overrides).",
        ),
        ("overrides", "The `--set` overrides (or the API's mapping), as given."),
        ("seed", "Root seed."),
        ("block", "Replicates per block (part of the run's identity)."),
        ("runs_requested", "`--runs`."),
        ("precision", "`--precision` (null without)."),
        ("max_runs", "`--max-runs`."),
        ("trajectories", "Whether `trajectories.parquet` was asked for."),
        ("blocks_planned", "Blocks the run may need."),
        ("versions", "Python, platform and the versions of the packages that decide the numbers."),
        ("command", "The command line."),
        ("started", "UTC time the run started."),
        ("finished", "UTC time it completed (null until then)."),
        ("resolved_scenario", "The whole scenario that ran, as JSON (a resume reads it)."),
        ("base_scenario", "The scenario before the overrides."),
        ("runs", "Replicates in `outcomes.parquet` (once complete)."),
    ),
)

SUMMARY = File(
    "summary.json",
    "The outcome distribution, as `wargame run` prints it.",
    keys=_keys(
        ("runs", "Replicates."),
        (
            "outcomes",
            "Per outcome, in the scenario's order (every outcome, zeros included): `count`, "
            "`share`, `ci95` (95% Wilson interval, [low, high]) and `se` (Monte Carlo standard "
            "error).",
        ),
        ("mc_standard_error", "Largest standard error of the shares."),
        ("max_half_width", "Largest half-width of the 95% intervals."),
        ("scenario", "Scenario name."),
        ("seed", "Root seed."),
        ("block", "Replicates per block."),
        ("blocks", "Blocks in the run."),
        (
            "alliances",
            "Per commitment link: worlds where it triggered, worlds where it was honoured, the honour "
            "rate when triggered with its 95% interval, and the support levels chosen.",
        ),
        (
            "vocabulary",
            "The standard vocabulary (docs/validation.md): count, share and 95% interval of each "
            "violence class and ending type, each ending's `mechanism` flag, mean ending turn per "
            "type, the distribution of `n_at_war` and the worlds in which each pair fought.",
        ),
    ),
)

SWEEP_MANIFEST = File(
    "manifest.json",
    "What the sweep runs, and whether it finished.",
    keys=_keys(
        ("format_version", "Version of this layout (1)."),
        ("kind", "`sweep`."),
        ("status", "`incomplete` until every batch is done, then `complete`."),
        ("sweep_file", "Path of the sweep file."),
        ("spec", "The validated sweep file, with defaults filled in."),
        ("scenario", "`name`, `path` and `resolved_sha256` of the base scenario."),
        ("points", "Points in the design."),
        ("batches", "Batches of points (tasks, and files in `replicates/`)."),
        ("versions", "Python, platform and package versions."),
        ("started", "UTC time the sweep started."),
        ("finished", "UTC time it completed (null until then)."),
        ("base_scenario", "The scenario with the sweep's fixed `set:` overrides, as JSON."),
    ),
)

SENSITIVITY = File(
    "sensitivity.json",
    "After `wargame analyse`: per analysed outcome, per parameter, the sensitivity measures "
    "(`saltelli` designs: Sobol `S1`, `S1_conf`, `ST`, `ST_conf`; other designs: Spearman `rho` "
    "and `p`) and `importance`, the figure the ranking uses.",
)

RUN_FILES = (
    RUN_MANIFEST,
    OUTCOMES,
    TRAJECTORIES,
    SUMMARY,
    File(
        "report.html, report.md",
        "After `wargame report`: the self-contained report (or its Markdown summary).",
    ),
    File(
        "blocks/",
        "While the run is under way: one Parquet file per finished block (`block-NNNNNN.parquet`, "
        "`traj-NNNNNN.parquet`), with the columns above; removed once the run is complete. "
        "Meanwhile `outcomes.parquet` is written under a temporary name "
        "(`.outcomes.parquet.<pid>.tmp`), in block order as the blocks finish, and renamed when "
        "the last is in; a failure removes it, and `--resume` removes one a killed process left. "
        "The block files are what a resume reads.",
        transient=True,
    ),
)

SWEEP_FILES = (
    SWEEP_MANIFEST,
    DESIGN,
    POINTS,
    REPLICATES,
    File(
        "points/",
        "While the sweep is under way: one points file per finished batch (a batch is done when "
        "its file exists); removed once the sweep is complete.",
        transient=True,
    ),
    SENSITIVITY,
    File("sweep-report.html", "After `wargame analyse`: the sweep's report."),
)

TABLES: dict[str, File] = {
    "outcomes": OUTCOMES,
    "trajectories": TRAJECTORIES,
    "design": DESIGN,
    "points": POINTS,
    "replicates": REPLICATES,
}


@dataclass
class TableLabels:
    """The label lists of a scenario: its outcomes (file order) and its escalation ladder."""

    outcomes: list[str] = field(default_factory=list)
    rungs: list[str] = field(default_factory=list)

    def metadata(self) -> dict[bytes, bytes]:
        """The labels as Parquet schema metadata, so a table names its own
        outcomes and rungs in order."""
        return {
            b"wargame.outcomes": json.dumps(self.outcomes).encode(),
            b"wargame.rungs": json.dumps(self.rungs).encode(),
        }


# --- docs/data.md ---------------------------------------------------------------------------------

INTRO = """\
# Output data dictionary

<!-- GENERATED by `wargame docs` from sim/outputs/datadict.py: do not edit by hand. -->

Every file a run folder (`wargame run`, `sim.run`) and a sweep folder (`wargame sweep`, `sim.sweep`)
holds, and every column of their Parquet tables. The tables are written with pyarrow (no pandas
index); each Parquet field carries its description from this page as field metadata
(`description`).

**Labels.** `outcome` is dictionary-encoded: pandas reads it as a category whose categories are
*all* the scenario's outcomes in file order, so `df["outcome"].value_counts(sort=False)` lists
every outcome, zeros included, in the scenario's order. Rung columns (`peak.<actor>` and the actor
columns of `trajectories.parquet`) are dictionary-encoded and *ordered* by the escalation ladder:
pandas reads them as ordered categories, so `df["peak.China"] >= "major_war"` compares rungs and
`df["peak.China"].cat.codes` gives the rung numbers (0 = lowest). The same lists are in every
file's key/value metadata, as JSON: `wargame.outcomes` and `wargame.rungs`.

```python
import json

import pandas as pd
import pyarrow.parquet as pq

df = pd.read_parquet("runs/my-run/outcomes.parquet")
df["outcome"].value_counts(sort=False)  # every outcome, in the scenario's order
(df["peak.China"] >= "major_war").mean()  # share of worlds where China reached major war
rungs = json.loads(pq.read_schema("runs/my-run/outcomes.parquet").metadata[b"wargame.rungs"])
```

polars reads the dictionary columns as `Categorical` (labels, not the ladder's order); DuckDB reads
them as text (`VARCHAR`), and the ladder in the metadata gives the rung numbers:

```sql
WITH ladder AS (
  SELECT CAST(decode(value) AS JSON)::VARCHAR[] AS rungs
  FROM parquet_kv_metadata('runs/my-run/outcomes.parquet') WHERE key = 'wargame.rungs'
)
SELECT "peak.China", list_position(rungs, "peak.China") - 1 AS rung, count(*) AS worlds
FROM read_parquet('runs/my-run/outcomes.parquet'), ladder GROUP BY 1, 2 ORDER BY 2;
```

**Sweeps.** The replicates of a sweep are one dataset, a file per batch, with the swept parameters
as columns: shares by parameter are one query.

```python
reps = pd.read_parquet("runs/my-sweep/replicates")  # batch reads as an integer
reps.groupby("relations.us_taiwan.credibility")["outcome"].value_counts(normalize=True)
```

```sql
-- DuckDB
SELECT "actors.China.resolve" AS resolve, outcome,
       count(*) / sum(count(*)) OVER (PARTITION BY "actors.China.resolve") AS share
FROM read_parquet('runs/my-sweep/replicates/*.parquet') GROUP BY 1, 2 ORDER BY 1, 2;
```

polars: `pl.scan_parquet("runs/my-sweep/replicates/*.parquet")`; pyarrow:
`pyarrow.dataset.dataset("runs/my-sweep/replicates")`. The files are not hive-partitioned
(`batch=N/` folders): readers would type such a key as a category or a dictionary; as a column in
the file, `batch` reads as the integer it is.
"""


def _table(columns: tuple[Column, ...], with_type: bool) -> list[str]:
    if with_type:
        lines = ["| column | type | meaning |", "|---|---|---|"]
        lines += [f"| `{c.name}` | {c.type} | {c.description} |" for c in columns]
    else:
        lines = ["| key | meaning |", "|---|---|"]
        lines += [f"| `{c.name}` | {c.description} |" for c in columns]
    return lines


def _files(files: tuple[File, ...]) -> list[str]:
    out: list[str] = []
    for f in files:
        out += ["", f"### `{f.path}`", "", f.description]
        if f.columns:
            out += ["", *_table(f.columns, True)]
        if f.keys:
            out += ["", *_table(f.keys, False)]
    return out


def render() -> str:
    """The text of docs/data.md."""
    lines = [INTRO.rstrip("\n"), "", "## Run folder: `runs/<scenario>-<UTC time>-<hash>/`"]
    lines += _files(RUN_FILES)
    lines += ["", "## Sweep folder: `runs/sweep-<name>-<UTC time>-<hash>/`"]
    lines += _files(SWEEP_FILES)
    return "\n".join(lines) + "\n"


def write(docs_dir: Path) -> Path:
    """Rewrite ``docs_dir``/data.md; return its path."""
    from sim.files import write_text_atomic

    return write_text_atomic(render(), docs_dir / "data.md")
