"""Tables are built and read from Arrow buffers, so a run's parent process never imports pandas
(pyarrow's ``pa.array``, ``to_numpy`` and ``pq.read_table`` each import it, about 1 s): the values
must be exactly those of pyarrow's own conversions."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from helpers import ROOT

from sim.cli import main
from sim.outputs.tables import values_of

PROVOCATION = ROOT / "tests" / "fixtures" / "model" / "senkaku_provocation.yaml"


def same(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal dtype, shape and values (NaN equal to NaN)."""
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    return bool(np.array_equal(a, b, equal_nan=a.dtype.kind == "f"))


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> pa.Table:
    out = tmp_path_factory.mktemp("arrow") / "run"
    argv = ["run", str(PROVOCATION), "--runs", "300", "--block", "100", "--workers", "1"]
    assert main([*argv, "--quiet", "--out", str(out)]) == 0
    return pq.read_table(out / "outcomes.parquet")


def test_every_column_reads_as_pyarrow_converts_it(outcomes: pa.Table) -> None:
    kinds = {str(outcomes.schema.field(n).type) for n in outcomes.column_names}
    assert any(k.startswith("dictionary") for k in kinds) and {"bool", "int8"} <= kinds
    for table in (outcomes, outcomes.slice(7, 150), outcomes.slice(299, 1), outcomes.slice(0, 0)):
        for name in table.column_names:
            column = table.column(name)
            assert same(column.to_numpy(zero_copy_only=False), values_of(column)), name


@pytest.mark.parametrize(
    "array",
    [
        pa.array([1, None, 3], pa.int16()),
        pa.array([True, False, True, True, False, True, False, False, True]).slice(3),
        pa.array(["", "ab", "", "c"]),
        pa.array([], pa.string()),
        pa.array(["a", None]),
        pa.chunked_array([pa.array([0.5, -1.0]), pa.array([2.0])]),
        pa.chunked_array([], pa.dictionary(pa.int8(), pa.string())),
        pa.chunked_array([], pa.bool_()),
    ],
)
def test_nulls_slices_and_chunks_read_as_pyarrow_converts_them(array: pa.Array) -> None:
    assert same(array.to_numpy(zero_copy_only=False), values_of(array))


def test_a_run_on_worker_processes_does_not_import_pandas_in_the_parent(tmp_path: Path) -> None:
    """The parent only writes and assembles tables: neither pandas nor Mesa is needed there (their
    import costs the parent of a 10,000-replicate run about 1 s each, beside its workers). With
    spawned workers, that is; forked ones are copies of a parent that imported the engine once
    for all of them (``sim.runner.pool.start_method``)."""
    code = (
        "import sys\nfrom sim.cli import main\n"
        f"assert main(['run', {str(PROVOCATION)!r}, '--runs', '200', '--block', '100', "
        f"'--workers', '2', '--quiet', '--out', {str(tmp_path / 'run')!r}]) == 0\n"
        "print(sorted(m for m in ('pandas', 'mesa') if m in sys.modules))"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    env["WARGAME_START"] = "spawn"
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
