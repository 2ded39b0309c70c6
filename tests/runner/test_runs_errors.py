"""Mistakes with run folders are one clear line on stderr and exit status 2, never a traceback."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import ROOT

from sim.cli import main

PROVOCATION = ROOT / "tests" / "fixtures" / "model" / "senkaku_provocation.yaml"


def one_line_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """Run ``wargame`` in this process; it must exit 2 with one line on stderr. Returns the line."""
    rc = main(argv)
    out, err = capsys.readouterr()
    assert rc == 2, (rc, out, err)
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


@pytest.fixture(scope="module")
def finished(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("finished") / "run"
    argv = ["run", str(PROVOCATION), "--runs", "400", "--block", "200", "--workers", "1"]
    assert main([*argv, "--quiet", "--out", str(out)]) == 0
    return out


@pytest.fixture
def incomplete(tmp_path: Path, finished: Path) -> Path:
    """A copy of a run folder whose manifest says incomplete (no blocks yet)."""
    out = tmp_path / "incomplete"
    out.mkdir()
    m = json.loads((finished / "manifest.json").read_text())
    m.update(status="incomplete", finished=None)
    (out / "manifest.json").write_text(json.dumps(m))
    return out


# --- --resume on something that is not a run folder -----------------------------------------------


def _missing(tmp: Path) -> Path:
    return tmp / "no_such_run"


def _empty_dir(tmp: Path) -> Path:
    (tmp / "empty").mkdir()
    return tmp / "empty"


def _a_file(tmp: Path) -> Path:
    (tmp / "notes.txt").write_text("hello\n")
    return tmp / "notes.txt"


def _garbage_manifest(tmp: Path) -> Path:
    (tmp / "run").mkdir()
    (tmp / "run" / "manifest.json").write_text('{"status": "incompl')
    return tmp / "run"


def _binary_manifest(tmp: Path) -> Path:
    (tmp / "run").mkdir()
    (tmp / "run" / "manifest.json").write_bytes(b"\xff\xfe\x00garbage\x00")
    return tmp / "run"


def _empty_manifest(tmp: Path) -> Path:
    (tmp / "run").mkdir()
    (tmp / "run" / "manifest.json").write_text("")
    return tmp / "run"


def _list_manifest(tmp: Path) -> Path:
    (tmp / "run").mkdir()
    (tmp / "run" / "manifest.json").write_text("[1, 2, 3]")
    return tmp / "run"


def _future_manifest(tmp: Path) -> Path:
    (tmp / "run").mkdir()
    (tmp / "run" / "manifest.json").write_text('{"format_version": 99, "status": "complete"}')
    return tmp / "run"


def _manifest_is_a_directory(tmp: Path) -> Path:
    (tmp / "run" / "manifest.json").mkdir(parents=True)
    return tmp / "run"


BAD_RUN_DIRS: dict[str, tuple[Callable[[Path], Path], str]] = {
    "missing": (_missing, "no such run directory"),
    "no-manifest": (_empty_dir, "no manifest.json"),
    "file": (_a_file, "not a directory"),
    "garbage-json": (_garbage_manifest, "unreadable manifest"),
    "binary": (_binary_manifest, "unreadable manifest"),
    "empty-manifest": (_empty_manifest, "unreadable manifest"),
    "json-list": (_list_manifest, "not a manifest"),
    "other-version": (_future_manifest, "not a manifest"),
    "manifest-is-dir": (_manifest_is_a_directory, "manifest"),
}


@pytest.mark.parametrize("case", list(BAD_RUN_DIRS))
def test_resume_on_a_bad_run_folder(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make, words = BAD_RUN_DIRS[case]
    path = make(tmp_path)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    line = one_line_error(["run", "--resume", str(path)], capsys)
    assert str(path) in line and words in line
    assert sorted(p.name for p in tmp_path.rglob("*")) == before, "nothing written"


def test_resume_error_from_a_real_process(tmp_path: Path) -> None:
    """The console entry point: exit status 2, one line, no traceback."""
    proc = subprocess.run(
        [sys.executable, "-m", "sim.cli", "run", "--resume", str(tmp_path / "nope")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("wargame: ") and "no such run directory" in proc.stderr


# --- bad requests for a new run -------------------------------------------------------------------


def test_out_pointing_to_a_non_empty_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "busy"
    out.mkdir()
    (out / "precious.txt").write_text("keep me")
    line = one_line_error(["run", str(PROVOCATION), "--runs", "10", "--out", str(out)], capsys)
    assert str(out) in line and "not empty" in line
    assert sorted(p.name for p in out.iterdir()) == ["precious.txt"]
    assert (out / "precious.txt").read_text() == "keep me"


def test_out_pointing_to_a_finished_run(
    finished: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "again"
    shutil.copytree(finished, out)
    before = (out / "manifest.json").read_bytes()
    one_line_error(["run", str(PROVOCATION), "--runs", "10", "--out", str(out)], capsys)
    assert (out / "manifest.json").read_bytes() == before


def test_out_may_be_an_existing_empty_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "empty"
    out.mkdir()
    argv = ["run", str(PROVOCATION), "--runs", "50", "--block", "50", "--workers", "1"]
    assert main([*argv, "--quiet", "--out", str(out)]) == 0
    assert (out / "outcomes.parquet").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["--precision", "0.7"],
        ["--precision", "0.5"],
        ["--precision", "0"],
        ["--precision", "-0.01"],
        ["--precision", "nan"],
        ["--runs", "0"],
        ["--runs", "-3"],
        ["--block", "0"],
    ],
    ids=lambda a: " ".join(a),
)
def test_bad_run_sizes(args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    line = one_line_error(["run", str(PROVOCATION), *args, "--out", str(out)], capsys)
    assert args[0] in line
    assert not out.exists(), "no run folder for a rejected request"


def test_run_without_scenario_or_resume(capsys: pytest.CaptureFixture[str]) -> None:
    line = one_line_error(["run", "--runs", "10"], capsys)
    assert "SCENARIO" in line and "--resume" in line


def test_out_pointing_to_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "results.txt"
    out.write_text("not a folder")
    line = one_line_error(["run", str(PROVOCATION), "--runs", "10", "--out", str(out)], capsys)
    assert str(out) in line
    assert out.read_text() == "not a folder"


@pytest.mark.parametrize("max_runs", ["0", "-5"])
def test_bad_max_runs(max_runs: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["run", str(PROVOCATION), "--precision", "0.02", "--max-runs", max_runs]
    line = one_line_error([*argv, "--workers", "1", "--out", str(tmp_path / "o")], capsys)
    assert "--max-runs" in line


# --- manifests edited by hand ---------------------------------------------------------------------


def _drop_status(m: dict) -> None:
    del m["status"]


def _bad_scenario(m: dict) -> None:
    m["resolved_scenario"]["actors"] = 5


def _no_seed(m: dict) -> None:
    del m["seed"]


@pytest.mark.parametrize(
    "edit", [_drop_status, _bad_scenario, _no_seed], ids=["no-status", "bad-scenario", "no-seed"]
)
def test_resume_with_a_hand_edited_manifest(
    edit: Callable[[dict], None], incomplete: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    m = json.loads((incomplete / "manifest.json").read_text())
    edit(m)
    (incomplete / "manifest.json").write_text(json.dumps(m))
    line = one_line_error(["run", "--resume", str(incomplete), "--workers", "1"], capsys)
    assert str(incomplete) in line
