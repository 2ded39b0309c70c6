"""Per-replicate tables as Parquet: one file per finished block, then one ordered outcomes table.

Files are written under a temporary name and renamed, so a file with its final name is always whole.
Tables are built with pyarrow directly (no pandas metadata, no timestamps), so the same rows give the
same bytes whichever process produced them. Every column is looked up in the data dictionary
(``sim.outputs.datadict``): its description goes into the field's metadata, and outcome and rung
columns are dictionary-encoded with the scenario's labels.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from sim.outputs.datadict import TABLES, TableLabels
from sim.scenario.outcomes import outcome_names

COMPRESSION = "zstd"
NULL_IF_NEGATIVE = frozenset({"ending_turn"})
"""Integer columns whose negative values mean "none" in memory and are written as null."""
FIRST = ("batch", "point", "replicate", "turn", "block", "outcome", "turn_ended")


def scenario_labels(c: Any) -> TableLabels:
    """The labels of a compiled scenario: its outcomes (with the implicit ``other`` if any) and
    its escalation ladder."""
    return TableLabels(outcomes=outcome_names(c.scenario), rungs=list(c.rung_names))


def _codes(values: np.ndarray, labels: list[str]) -> np.ndarray:
    """Positions of ``values`` (names) in ``labels``; a name not among them is a bug."""
    names, inverse = np.unique(values.astype(str), return_inverse=True)
    index = {n: i for i, n in enumerate(labels)}
    missing = [n for n in names if n not in index]
    if missing:
        raise ValueError(f"values {missing} are not among the labels {labels}")
    return np.array([index[n] for n in names], dtype=np.int8)[inverse]


def _labelled(values: np.ndarray, labels: list[str], ordered: bool) -> pa.DictionaryArray:
    codes = _codes(values, labels) if values.dtype == object else values.astype(np.int8)
    if codes.size and (codes.min() < 0 or codes.max() >= len(labels)):
        raise ValueError(f"codes outside 0..{len(labels) - 1}")
    return pa.DictionaryArray.from_arrays(
        pa.array(codes, type=pa.int8()), pa.array(labels, type=pa.string()), ordered=ordered
    )


def to_table(
    columns: dict[str, np.ndarray],
    kind: str,
    labels: TableLabels | None = None,
    lead: Sequence[str] = (),
) -> pa.Table:
    """An Arrow table of ``kind`` (a table of the data dictionary) with a stable column order: the
    key columns, then ``lead`` (e.g. the swept parameters), then the rest sorted."""
    doc = TABLES[kind]
    first = [k for k in FIRST if k in columns]
    if "point" in first:  # a point's parameters right after it
        at = first.index("point") + 1
        first[at:at] = [k for k in lead if k in columns]
    else:
        first += [k for k in lead if k in columns]
    rest = sorted(k for k in columns if k not in first)
    fields, arrays = [], []
    for k in first + rest:
        entry = doc.column(k)
        v = np.asarray(columns[k])
        if entry.labels is not None:
            if labels is None:
                raise ValueError(f"{kind}: column {k!r} needs the scenario's labels")
            names = labels.outcomes if entry.labels == "outcomes" else labels.rungs
            arr: pa.Array = _labelled(v, names, ordered=entry.labels == "rungs")
        elif v.dtype == object:
            arr = pa.array(v.astype(str), type=pa.string())
        elif k in NULL_IF_NEGATIVE:
            arr = pa.array(np.maximum(v, 0), mask=v < 0)
        else:
            arr = pa.array(v)
        arrays.append(arr)
        fields.append(pa.field(k, arr.type, metadata={"description": entry.describe(k)}))
    meta = {b"wargame.table": doc.path.encode(), **(labels.metadata() if labels else {})}
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields, metadata=meta))


def write_atomic(table: pa.Table, path: Path) -> None:
    """Write ``table`` to ``path`` via a temporary file in the same folder and a rename."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    pq.write_table(table, tmp, compression=COMPRESSION, write_statistics=True)
    os.replace(tmp, path)


ROW_GROUP_ROWS = 65_536
"""Rows per Parquet row group of an assembled table, at least (whole blocks are never split). The
writer keeps every row group's metadata until the file closes, about 0.45 MiB per group for the
253 columns of Taiwan (docs/performance.md), so one group per block made memory grow with the
number of replicates; groups of this size keep it flat (assumption: large enough that a million
replicates make 16 groups, small enough that one group's buffer stays a few tens of MiB)."""


def concat_blocks(paths: Iterable[Path], out: Path) -> int:
    """Stream block files, in the given order, into one Parquet file: consecutive whole blocks
    share a row group of at least ``ROW_GROUP_ROWS`` rows (the last may be smaller)."""
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    writer = None
    rows = 0
    buffered: list[pa.Table] = []

    def flush() -> None:
        if buffered:
            group = pa.concat_tables(buffered)
            writer.write_table(group, row_group_size=group.num_rows)
            buffered.clear()

    try:
        for p in paths:
            table = pq.read_table(p)
            if writer is None:
                writer = pq.ParquetWriter(tmp, table.schema, compression=COMPRESSION)
            buffered.append(table)
            rows += table.num_rows
            if sum(t.num_rows for t in buffered) >= ROW_GROUP_ROWS:
                flush()
        if writer is not None:
            flush()
    finally:
        if writer is not None:
            writer.close()
    if writer is None:
        return 0
    os.replace(tmp, out)
    return rows
