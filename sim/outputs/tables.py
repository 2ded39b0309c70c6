"""Per-replicate tables as Parquet: one file per finished block, then one ordered outcomes table.

Files are written under a temporary name and renamed, so a file with its final name is always whole.
Tables are built with pyarrow directly (no pandas metadata, no timestamps), so the same rows give the
same bytes whichever process produced them. Every column is looked up in the data dictionary
(``sim.outputs.datadict``): its description goes into the field's metadata, and outcome and rung
columns are dictionary-encoded with the scenario's labels.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from itertools import pairwise
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
    return pa.DictionaryArray.from_arrays(_numbers(codes), _strings(labels), ordered=ordered)


# Arrow arrays are built from their buffers, not with ``pa.array``: that call asks pyarrow's
# pandas shim whether its argument is a pandas object, which imports pandas (about 1 s) in a
# process that needs none, such as the parent of a run on worker processes. Same arrays, so the
# same Parquet bytes.


def _bits(flags: np.ndarray) -> pa.Buffer:
    """Arrow's bit-packed form of a bool array (least significant bit first)."""
    return pa.py_buffer(np.packbits(flags, bitorder="little"))


def _numbers(v: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
    """A numeric or bool numpy array as an Arrow array; ``missing`` marks nulls."""
    v = np.ascontiguousarray(v)
    data = _bits(v) if v.dtype == np.bool_ else pa.py_buffer(v)
    nulls = int(missing.sum()) if missing is not None else 0
    valid = _bits(~missing) if nulls else None
    return pa.Array.from_buffers(pa.from_numpy_dtype(v.dtype), len(v), [valid, data], nulls)


def _strings(values: Iterable[str]) -> pa.Array:
    """Strings as an Arrow ``string`` array (UTF-8 data and int32 offsets)."""
    encoded = [str(x).encode() for x in values]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int32)
    np.cumsum(np.fromiter(map(len, encoded), np.int32, len(encoded)), out=offsets[1:])
    return pa.StringArray.from_buffers(
        len(encoded), pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded))
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
            arr = _strings(v.astype(str))
        elif k in NULL_IF_NEGATIVE:
            arr = _numbers(np.maximum(v, 0), missing=v < 0)
        else:
            arr = _numbers(v)
        arrays.append(arr)
        fields.append(pa.field(k, arr.type, metadata={"description": entry.describe(k)}))
    meta = {b"wargame.table": doc.path.encode(), **(labels.metadata() if labels else {})}
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields, metadata=meta))


def read_parquet(path: Path, columns: Sequence[str] | None = None) -> pa.Table:
    """The table in ``path`` (only ``columns``, if given), read with the file reader rather than
    ``pq.read_table``, whose dataset layer imports pandas (about 1 s) in a process needing none."""
    with pq.ParquetFile(path) as f:
        return f.read(columns=columns)


def _unbits(buffer: pa.Buffer, offset: int, n: int) -> np.ndarray:
    """Arrow's bit-packed booleans ``offset .. offset + n`` as a bool array."""
    bits = np.unpackbits(np.frombuffer(buffer, np.uint8), bitorder="little")
    return bits[offset : offset + n].astype(bool)


def values_of(column: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """A column as ``column.to_numpy(zero_copy_only=False)`` gives it (labels as an object array
    of str, an integer column with nulls as float64 with NaN), read from its buffers: that call
    imports pandas (about 1 s) in a process that needs none, such as a run's parent."""
    whole = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    kind, n, at = whole.type, len(whole), whole.offset
    if pa.types.is_dictionary(kind) and not whole.null_count:
        labels = np.array(whole.dictionary.to_pylist(), dtype=object)
        return labels[values_of(whole.indices)]
    if pa.types.is_boolean(kind) and not whole.null_count:
        return _unbits(whole.buffers()[1], at, n)
    if pa.types.is_integer(kind) or pa.types.is_floating(kind):
        code = (
            "f" if pa.types.is_floating(kind) else "i" if pa.types.is_signed_integer(kind) else "u"
        )
        out = np.frombuffer(whole.buffers()[1], f"{code}{kind.bit_width // 8}")[at : at + n]
        if not whole.null_count:
            return out
        out = out.astype(np.float64)
        out[~_unbits(whole.buffers()[0], at, n)] = np.nan
        return out
    if pa.types.is_string(kind) and not whole.null_count:
        ends = np.frombuffer(whole.buffers()[1], np.int32)[at : at + n + 1].tolist()
        held = whole.buffers()[2]
        data = held.to_pybytes() if held is not None else b""
        return np.array([data[a:b].decode() for a, b in pairwise(ends)], dtype=object)
    return whole.to_numpy(zero_copy_only=False)


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


WAITING_TABLES = 16
"""Block tables an :class:`Assembly` holds in memory while it waits for an earlier block (about
1 MB each for Taiwan's 1,000 worlds); later ones are read back from their files in turn
(assumption: a few times the tasks in flight, which a pool of eight keeps at sixteen)."""


class Assembly:
    """Block tables streamed into one Parquet file ``out`` in block order, whatever order they
    arrive in: consecutive whole blocks share a row group of at least ``ROW_GROUP_ROWS`` rows (the
    last may be smaller), and ``visit`` sees each block's table as it is appended (a run's
    summaries). A run offers each block as it finishes, so the table is written while the workers
    play and the parent needs neither a second pass nor a read of what it has just written; a
    block kept from before a resume is offered as its file and read when its turn comes. Memory
    holds the blocks that arrived early and one row group.

    The file is written under a temporary name and renamed by :meth:`finish`; :meth:`close`
    (always, after) closes it if it is still open, and removes it if ``discard``."""

    def __init__(self, out: Path, visit: Callable[[pa.Table], None] | None = None) -> None:
        self.out, self.visit = out, visit
        self.tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
        self.next = 0  # the index of the next block to append
        self.rows = 0
        self._waiting: dict[int, pa.Table | Path] = {}
        self._buffered: list[pa.Table] = []
        self._writer: pq.ParquetWriter | None = None

    def offer(self, i: int, block: pa.Table | Path, file: Path | None = None) -> None:
        """Block ``i``'s table, or the file that holds it; appended once every block before it is.
        A table that would be the ``WAITING_TABLES``-th held in memory is taken from ``file``
        instead, when given (a slow early block cannot make memory grow with the run)."""
        held = sum(isinstance(b, pa.Table) for b in self._waiting.values())
        if file is not None and isinstance(block, pa.Table) and held >= WAITING_TABLES:
            block = file
        self._waiting[i] = block

    def advance(self, upto: int | None = None) -> None:
        """Append every offered block that is next in order (none past ``upto``, if given)."""
        while self.next in self._waiting and (upto is None or self.next <= upto):
            block = self._waiting.pop(self.next)
            table = read_parquet(block) if isinstance(block, Path) else block
            if self.visit is not None:
                self.visit(table)
            if self._writer is None:
                self._writer = pq.ParquetWriter(self.tmp, table.schema, compression=COMPRESSION)
            self._buffered.append(table)
            self.rows += table.num_rows
            self.next += 1
            if sum(t.num_rows for t in self._buffered) >= ROW_GROUP_ROWS:
                self._flush()

    def finish(self, last: int) -> int:
        """Append blocks up to ``last`` (all must have been offered), then write and rename the
        file; the rows written (0, and no file, when ``last`` is -1)."""
        self.advance(last)
        if self.next <= last:
            raise ValueError(f"block {self.next} was never offered")
        if self._writer is None:
            return 0
        self._flush()
        self._writer.close()
        self._writer = None
        os.replace(self.tmp, self.out)
        return self.rows

    def close(self, discard: bool = False) -> None:
        """Close the file if :meth:`finish` did not; remove it when ``discard``."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        if discard:
            self.tmp.unlink(missing_ok=True)

    def _flush(self) -> None:
        if self._buffered and self._writer is not None:
            group = pa.concat_tables(self._buffered)
            self._writer.write_table(group, row_group_size=group.num_rows)
            self._buffered.clear()


def concat_blocks(
    paths: Iterable[Path], out: Path, visit: Callable[[pa.Table], None] | None = None
) -> int:
    """Stream block files, in the given order, into one Parquet file (:class:`Assembly`); the
    rows written. ``visit`` sees each block's table as it is read (one read of each file)."""
    assembly = Assembly(out, visit)
    try:
        for i, path in enumerate(paths):
            assembly.offer(i, path)
            assembly.advance()
        return assembly.finish(assembly.next - 1)
    finally:
        assembly.close()
