"""docs/data.md, the data dictionary, is generated from the code and describes what is written: every
file, every column (with its type) and every manifest and summary key of real run and sweep folders."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from helpers import ROOT

from sim.cli import main
from sim.outputs import datadict
from sim.outputs.datadict import OUTCOME_TYPE, RUNG_TYPE, File
from sim.sweeps.run import execute_sweep, start_sweep

PROVOCATION = ROOT / "tests" / "fixtures" / "model" / "senkaku_provocation.yaml"
SMALL = ROOT / "tests" / "fixtures" / "sweeps" / "small.yaml"


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dd") / "run"
    argv = ["run", str(PROVOCATION), "--runs", "300", "--block", "100", "--trajectories"]
    assert main([*argv, "--workers", "1", "--quiet", "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def sweep_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    sd = start_sweep(SMALL, tmp_path_factory.mktemp("dd") / "sweep")
    execute_sweep(sd, workers=1, quiet=True)
    return sd.path


def test_data_md_is_generated_from_the_current_dictionary() -> None:
    assert (ROOT / "docs" / "data.md").read_text(encoding="utf-8") == datadict.render(), (
        "docs/data.md is stale: run `wargame docs`"
    )


def test_wargame_docs_writes_data_md(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    shutil.copytree(ROOT / "docs", tmp_path, dirs_exist_ok=True)
    (tmp_path / "data.md").unlink()
    assert main(["docs", "--dir", str(tmp_path)]) == 0
    assert (tmp_path / "data.md").read_text(encoding="utf-8") == datadict.render()
    assert f"wrote {tmp_path / 'data.md'}" in capsys.readouterr().out


def type_matches(declared: str, actual: pa.DataType) -> bool:
    if declared in (OUTCOME_TYPE, RUNG_TYPE):
        return (
            pa.types.is_dictionary(actual)
            and actual.index_type == pa.int8()
            and pa.types.is_string(actual.value_type)
            and actual.ordered == (declared == RUNG_TYPE)
        )
    allowed = {t.strip() for t in declared.replace(" or ", ", ").split(",")}
    if "(as in the sweep file)" in declared:
        allowed = {"double", "int64", "bool", "string"}
    return str(actual) in allowed


def check_table(path: Path, doc: File) -> None:
    schema = pq.read_schema(path)
    for field in schema:
        entry = doc.column(field.name)  # KeyError: an undocumented column
        assert type_matches(entry.type, field.type), (path.name, field.name, field.type)
        assert field.metadata[b"description"].decode() == entry.description
    for entry in doc.columns:  # no stale entry: every documented single column is written
        if "<" not in entry.name:
            assert entry.name in schema.names, (path.name, entry.name)


def test_every_run_file_and_column_is_documented(run_dir: Path) -> None:
    documented = {f.path for f in datadict.RUN_FILES}
    for p in run_dir.iterdir():
        assert p.name in documented, f"{p.name} is not in the data dictionary"
    check_table(run_dir / "outcomes.parquet", datadict.OUTCOMES)
    check_table(run_dir / "trajectories.parquet", datadict.TRAJECTORIES)
    for name, doc in (("manifest.json", datadict.RUN_MANIFEST), ("summary.json", datadict.SUMMARY)):
        keys = set(json.loads((run_dir / name).read_text(encoding="utf-8")))
        assert keys == {k.name for k in doc.keys}, name


def test_every_sweep_file_and_column_is_documented(sweep_dir: Path) -> None:
    documented = {f.path.split("/")[0] for f in datadict.SWEEP_FILES}
    for p in sweep_dir.iterdir():
        assert p.name in documented, f"{p.name} is not in the data dictionary"
    check_table(sweep_dir / "design.parquet", datadict.DESIGN)
    check_table(sweep_dir / "points.parquet", datadict.POINTS)
    for part in (sweep_dir / "replicates").iterdir():
        check_table(part, datadict.REPLICATES)
    keys = set(json.loads((sweep_dir / "manifest.json").read_text(encoding="utf-8")))
    assert keys == {k.name for k in datadict.SWEEP_MANIFEST.keys}


def test_an_undocumented_column_cannot_be_written() -> None:
    import numpy as np

    from sim.outputs.tables import to_table

    with pytest.raises(KeyError, match="not in the data dictionary"):
        to_table({"replicate": np.arange(3), "mystery": np.zeros(3)}, "outcomes")
