"""Per-replicate tables as Parquet: one file per finished block, then one ordered outcomes table.

Files are written under a temporary name and renamed, so a file with its final name is always whole.
Tables are built with pyarrow directly (no pandas metadata, no timestamps), so the same rows give the
same bytes whichever process produced them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

COMPRESSION = "zstd"
NULL_IF_NEGATIVE = frozenset({"ending_turn"})
"""Integer columns whose negative values mean "none" in memory and are written as null."""


def to_table(columns: dict[str, np.ndarray]) -> pa.Table:
    """An Arrow table with a stable column order: replicate, block, outcome, turn_ended, then sorted."""
    first = [
        k for k in ("point", "replicate", "turn", "block", "outcome", "turn_ended") if k in columns
    ]
    rest = sorted(k for k in columns if k not in first)
    arrays = []
    for k in first + rest:
        v = columns[k]
        if v.dtype == object:
            arrays.append(pa.array(v.astype(str), type=pa.string()))
        elif k in NULL_IF_NEGATIVE:
            arrays.append(pa.array(np.maximum(v, 0), mask=v < 0))
        else:
            arrays.append(pa.array(v))
    return pa.table(arrays, names=first + rest)


def write_atomic(table: pa.Table, path: Path) -> None:
    """Write ``table`` to ``path`` via a temporary file in the same folder and a rename."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    pq.write_table(table, tmp, compression=COMPRESSION, write_statistics=True)
    os.replace(tmp, path)


def concat_blocks(paths: Iterable[Path], out: Path) -> int:
    """Stream block files, in the given order, into one Parquet file (one row group per block)."""
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    writer = None
    rows = 0
    try:
        for p in paths:
            table = pq.read_table(p)
            if writer is None:
                writer = pq.ParquetWriter(tmp, table.schema, compression=COMPRESSION)
            writer.write_table(table)
            rows += table.num_rows
    finally:
        if writer is not None:
            writer.close()
    if writer is None:
        return 0
    os.replace(tmp, out)
    return rows
