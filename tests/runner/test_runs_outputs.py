"""What a finished run folder holds: summary maths, and Parquet tables with the documented columns.

outcomes.parquet: one row per replicate (replicate, block, outcome, turn_ended, peak.<Actor>,
triggered.<relation>, honoured.<relation>, param.<path>); trajectories.parquet: replicate, turn,
one column per actor; summary.json: count, share, 95% Wilson interval and standard error.
``outcome`` is a category of every outcome in file order; rung columns are ordered categories of
the escalation ladder (docs/data.md).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from helpers import ROOT

from sim.cli import main
from sim.model import compiled
from sim.outputs.stats import mc_standard_error, wilson
from sim.outputs.tables import ROW_GROUP_ROWS, concat_blocks

PROVOCATION = ROOT / "tests" / "fixtures" / "model" / "senkaku_provocation.yaml"
TAIWAN = ROOT / "scenarios" / "taiwan_contingency.yaml"
RUNS, BLOCK = 2300, 500  # the last block is partial (300)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("outputs") / "run"
    argv = ["run", str(PROVOCATION), "--runs", str(RUNS), "--block", str(BLOCK), "--seed", "8"]
    assert main([*argv, "--workers", "1", "--trajectories", "--quiet", "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def taiwan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scenario with many actors, treaties and uncertain parameters."""
    out = tmp_path_factory.mktemp("taiwan") / "run"
    argv = ["run", str(TAIWAN), "--runs", "600", "--block", "200", "--set", "turns.limit=10"]
    assert main([*argv, "--workers", "1", "--quiet", "--out", str(out)]) == 0
    return out


def summary_of(folder: Path) -> dict:
    return json.loads((folder / "summary.json").read_text())


def codes(table: pa.Table, column: str) -> np.ndarray:
    """The integer codes of a dictionary-encoded column (rung numbers for a rung column)."""
    return np.concatenate([chunk.indices.to_numpy() for chunk in table.column(column).chunks])


# --- 6: summary maths -----------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["folder", "taiwan"])
def test_summary_counts_shares_and_intervals(which: str, request: pytest.FixtureRequest) -> None:
    folder = request.getfixturevalue(which)
    s = summary_of(folder)
    outcomes = s["outcomes"]
    n = s["runs"]
    assert sum(o["count"] for o in outcomes.values()) == n
    assert math.fsum(o["share"] for o in outcomes.values()) == pytest.approx(1.0, abs=1e-12)
    for name, o in outcomes.items():
        assert o["share"] == pytest.approx(o["count"] / n), name
        assert o["ci95"] == pytest.approx(list(wilson(o["count"], n)), abs=1e-15), name
        assert o["ci95"][0] <= o["share"] <= o["ci95"][1], name
        assert o["se"] == pytest.approx(mc_standard_error(o["count"], n)), name
    assert s["mc_standard_error"] == pytest.approx(max(o["se"] for o in outcomes.values()))
    assert s["max_half_width"] == pytest.approx(
        max((o["ci95"][1] - o["ci95"][0]) / 2 for o in outcomes.values())
    )

    table = pq.read_table(folder / "outcomes.parquet", columns=["outcome"])
    counted = Counter(table.column("outcome").to_pylist())
    assert {k: counted.get(k, 0) for k in outcomes} == {k: o["count"] for k, o in outcomes.items()}
    assert set(counted) <= set(outcomes), "a replicate ended in an outcome the summary lacks"


def test_summary_lists_every_outcome_of_the_scenario_in_order(folder: Path) -> None:
    c = compiled(str(PROVOCATION), [])
    s = summary_of(folder)
    assert list(s["outcomes"]) == list(c.scenario.outcomes)
    assert s["runs"] == RUNS and s["seed"] == 8 and s["block"] == BLOCK
    assert s["blocks"] == math.ceil(RUNS / BLOCK)
    assert s["scenario"] == "senkaku_provocation"


# --- 8: Parquet tables ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("which", "scenario"), [("folder", PROVOCATION), ("taiwan", TAIWAN)], ids=["small", "taiwan"]
)
def test_outcomes_table_has_the_documented_columns(
    which: str, scenario: Path, request: pytest.FixtureRequest
) -> None:
    folder = request.getfixturevalue(which)
    c = compiled(str(scenario), ["turns.limit=10"] if scenario == TAIWAN else [])
    table = pq.read_table(folder / "outcomes.parquet")
    cols = table.column_names
    assert cols[:4] == ["replicate", "block", "outcome", "turn_ended"]
    assert {f"peak.{a}" for a in c.actors} <= set(cols)
    rels = set(c.link_relation)
    assert rels, "the scenario has commitments"
    assert {f"triggered.{r}" for r in rels} | {f"honoured.{r}" for r in rels} <= set(cols)
    assert any(k.startswith("param.") for k in cols)
    assert {
        f"link.{r}.{c.actors[g]}.{c.actors[p]}.{x}"
        for r, g, p in zip(c.link_relation, c.link_g, c.link_p, strict=True)
        for x in ("support", "honoured")
    } <= set(cols)
    known = ("replicate", "block", "outcome", "turn_ended", "peak.", "triggered.", "honoured.")
    known += ("link.", "horizontal.", "theatre.")
    vocabulary = ("violence", "ending", "ending_turn", "n_at_war", "fought.")
    assert all(k.startswith((*known, *vocabulary)) or k.startswith("param.") for k in cols), cols
    assert len(cols) == len(set(cols))

    schema = table.schema
    assert schema.field("replicate").type == pa.int64()
    outcome = schema.field("outcome").type
    assert pa.types.is_dictionary(outcome) and pa.types.is_string(outcome.value_type)
    assert pa.types.is_integer(schema.field("turn_ended").type)
    for k in cols:
        if k.startswith(("triggered.", "honoured.")):
            assert schema.field(k).type == pa.bool_(), k
        if k.startswith("peak."):
            assert pa.types.is_dictionary(schema.field(k).type), k
            assert schema.field(k).type.ordered, k
        if k.startswith("param."):
            assert pa.types.is_floating(schema.field(k).type), k
        if k.startswith("fought."):
            assert schema.field(k).type == pa.bool_(), k
    assert pa.types.is_string(schema.field("violence").type)
    assert pa.types.is_string(schema.field("ending").type)
    assert pa.types.is_integer(schema.field("ending_turn").type)

    n = table.num_rows
    assert table.column("replicate").to_pylist() == list(range(n))
    block = json.loads((folder / "manifest.json").read_text())["block"]
    assert table.column("block").to_pylist() == [i // block for i in range(n)]
    assert set(table.column("outcome").to_pylist()) <= set(c.scenario.outcomes)

    top = len(c.rung_names) - 1
    for a in c.actors:
        peak = codes(table, f"peak.{a}")
        assert peak.min() >= 0 and peak.max() <= top, a
    ended = table.column("turn_ended").to_numpy()
    assert ended.min() >= 1 and ended.max() <= c.scenario.turns.limit
    for r in rels:
        trig = table.column(f"triggered.{r}").to_numpy(zero_copy_only=False)
        hon = table.column(f"honoured.{r}").to_numpy(zero_copy_only=False)
        assert not (hon & ~trig).any(), f"{r}: honoured without being triggered"


def test_tables_read_back_with_pandas_and_pyarrow(folder: Path) -> None:
    df = pd.read_parquet(folder / "outcomes.parquet")
    table = pq.read_table(folder / "outcomes.parquet")
    assert len(df) == table.num_rows == RUNS
    assert list(df.columns) == table.column_names
    assert (df["replicate"].to_numpy() == np.arange(RUNS)).all()
    assert df["outcome"].value_counts(sort=False).to_dict() == {
        k: o["count"] for k, o in summary_of(folder)["outcomes"].items()
    }
    pf = pq.ParquetFile(folder / "outcomes.parquet")
    assert pf.metadata.num_rows == RUNS
    assert pf.metadata.num_row_groups == math.ceil(RUNS / ROW_GROUP_ROWS)  # whole blocks per group
    assert pf.schema_arrow.metadata is None or b"pandas" not in pf.schema_arrow.metadata

    traj = pd.read_parquet(folder / "trajectories.parquet")
    assert len(traj) == pq.ParquetFile(folder / "trajectories.parquet").metadata.num_rows


def test_trajectories_table(folder: Path) -> None:
    c = compiled(str(PROVOCATION), [])
    traj = pq.read_table(folder / "trajectories.parquet")
    assert traj.column_names == ["replicate", "turn", *sorted(c.actors)]
    outcomes = pq.read_table(folder / "outcomes.parquet")

    rep = traj.column("replicate").to_numpy()
    turn = traj.column("turn").to_numpy().astype(np.int64)
    assert (np.diff(rep) >= 0).all(), "rows in replicate order"
    assert set(np.unique(rep)) == set(range(RUNS)), "every replicate has a trajectory"
    # turns 1..turn_ended, in order, for each replicate
    ended = outcomes.column("turn_ended").to_numpy().astype(np.int64)
    assert (np.bincount(rep, minlength=RUNS) == ended).all()
    starts = np.concatenate([[0], np.cumsum(ended)[:-1]])
    expected_turn = np.arange(len(turn)) - np.repeat(starts, ended) + 1
    assert (turn == expected_turn).all()

    top = len(c.rung_names) - 1
    for a in c.actors:
        rung = codes(traj, a)
        assert rung.min() >= 0 and rung.max() <= top, a
        # an actor's rung on any turn never exceeds its recorded peak
        highest = np.zeros(RUNS, dtype=np.int64)
        np.maximum.at(highest, rep, rung.astype(np.int64))
        assert (highest <= codes(outcomes, f"peak.{a}")).all(), a


# --- labels: outcome categories and rung names ----------------------------------------------------


@pytest.mark.parametrize("name", ["outcomes.parquet", "trajectories.parquet"])
def test_tables_carry_the_labels_in_their_metadata(folder: Path, name: str) -> None:
    c = compiled(str(PROVOCATION), [])
    meta = pq.read_schema(folder / name).metadata
    assert json.loads(meta[b"wargame.rungs"]) == list(c.rung_names)
    assert json.loads(meta[b"wargame.outcomes"]) == list(c.scenario.outcomes)
    for field in pq.read_schema(folder / name):
        assert field.metadata and field.metadata[b"description"], field.name


def test_outcome_categories_are_every_outcome_in_file_order(folder: Path) -> None:
    c = compiled(str(PROVOCATION), [])
    df = pd.read_parquet(folder / "outcomes.parquet")
    assert isinstance(df["outcome"].dtype, pd.CategoricalDtype)
    assert list(df["outcome"].cat.categories) == list(c.scenario.outcomes)
    counts = df["outcome"].value_counts(sort=False)
    assert list(counts.index) == list(c.scenario.outcomes)
    assert (counts == 0).any(), "the fixture leaves an outcome unreached: it stays a category"


def test_rung_columns_read_as_ordered_rung_names(folder: Path) -> None:
    c = compiled(str(PROVOCATION), [])
    df = pd.read_parquet(folder / "outcomes.parquet")
    traj = pd.read_parquet(folder / "trajectories.parquet")
    for a in c.actors:
        for col in (df[f"peak.{a}"], traj[a]):
            assert col.cat.ordered and list(col.cat.categories) == list(c.rung_names), a
    top = df[[f"peak.{a}" for a in c.actors]]
    assert set(top.stack().unique()) <= set(c.rung_names)
    # comparisons follow the ladder, and the codes are the rung numbers
    rung = c.rung_names[2]
    a = c.actors[0]
    assert ((df[f"peak.{a}"] >= rung) == (df[f"peak.{a}"].cat.codes >= 2)).all()


def test_assembled_tables_group_whole_blocks_into_large_row_groups(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # one row group per block made the writer's metadata grow with the number of replicates
    # (docs/performance.md); consecutive whole blocks now share a group of at least N rows
    import sim.outputs.tables as tables

    monkeypatch.setattr(tables, "ROW_GROUP_ROWS", 25)
    blocks = []
    for b in range(7):  # 7 blocks of 10 rows: groups of 30, 30 and the last 10
        p = tmp_path / f"b{b}.parquet"
        pq.write_table(pa.table({"replicate": np.arange(10 * b, 10 * b + 10)}), p)
        blocks.append(p)
    out = tmp_path / "all.parquet"
    assert concat_blocks(blocks, out) == 70
    meta = pq.ParquetFile(out).metadata
    assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [30, 30, 10]
    assert (pq.read_table(out)["replicate"].to_numpy() == np.arange(70)).all()


def test_an_assembly_writes_blocks_in_order_whatever_order_they_arrive_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Blocks offered last-first, some as tables and some as files, some past the limit of
    tables held in memory, give the bytes of the files concatenated in order; a block never
    offered is an error, not a shorter table; nothing is appended past ``upto``."""
    import sim.outputs.tables as tables

    monkeypatch.setattr(tables, "ROW_GROUP_ROWS", 25)
    monkeypatch.setattr(tables, "WAITING_TABLES", 2)
    blocks = [pa.table({"replicate": np.arange(10 * b, 10 * b + 10)}) for b in range(7)]
    files = []
    for b, table in enumerate(blocks):
        files.append(tmp_path / f"b{b}.parquet")
        pq.write_table(table, files[-1])
    concat_blocks(files, tmp_path / "in_order.parquet")

    seen: list[int] = []
    out = tmp_path / "assembled.parquet"
    assembly = tables.Assembly(out, lambda t: seen.append(int(t["replicate"][0].as_py())))
    for b in (6, 5, 4, 3, 2, 1):
        assembly.offer(b, blocks[b] if b % 3 else files[b], files[b])
        assembly.advance()
    assert seen == [] and not out.exists()
    assert sum(isinstance(v, pa.Table) for v in assembly._waiting.values()) == 2
    assembly.offer(0, blocks[0])
    assembly.advance(upto=4)
    assert seen == [0, 10, 20, 30, 40]
    assert assembly.finish(6) == 70 and seen == [0, 10, 20, 30, 40, 50, 60]
    assert out.read_bytes() == (tmp_path / "in_order.parquet").read_bytes()

    short = tables.Assembly(tmp_path / "short.parquet")
    short.offer(0, blocks[0])
    short.offer(2, blocks[2])
    with pytest.raises(ValueError, match="block 1 was never offered"):
        short.finish(2)
    short.close(discard=True)
    assert list(tmp_path.glob(".short*")) == [] and not (tmp_path / "short.parquet").exists()


def test_a_run_writes_its_outcome_table_without_reading_its_blocks_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The outcome table, the counts, the vocabulary and the alliance summaries are assembled
    from each block's table as it finishes, in block order, while the others play: no block file
    is read back at the end (a million replicates are a thousand files; they were read once)."""
    reads: Counter[str] = Counter()
    real = pq.ParquetFile.__init__

    def spy(self, source, *args, **kwargs):  # type: ignore[no-untyped-def]
        reads[Path(str(source)).name] += 1  # every read of a file opens it
        real(self, source, *args, **kwargs)

    monkeypatch.setattr(pq.ParquetFile, "__init__", spy)
    argv = ["run", str(PROVOCATION), "--runs", "300", "--block", "100", "--workers", "1"]
    assert main([*argv, "--quiet", "--out", str(tmp_path / "run")]) == 0
    blocks = {name: n for name, n in reads.items() if name.startswith("block")}
    assert blocks == {}, reads
    assert pq.read_table(tmp_path / "run" / "outcomes.parquet").num_rows == 300
    summary = json.loads((tmp_path / "run" / "summary.json").read_text(encoding="utf-8"))
    assert summary["vocabulary"] and summary["alliances"]
