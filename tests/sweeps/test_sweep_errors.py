"""A malformed sweep file: located one-line errors (``FILE:LINE:COL: field.path: message``), exit
status 2, no traceback, and no sweep folder created. Also the errors of ``sweep --resume``.

The bad files are in tests/fixtures/sweeps/bad/, each with exactly one problem.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT, one_line

from sim.cli import main

FIXTURES = ROOT / "tests" / "fixtures" / "sweeps"
BAD = FIXTURES / "bad"
ALLIANCE = FIXTURES / "alliance.yaml"
SMALL = FIXTURES / "small.yaml"

# file -> (line, column, field path, message pattern)
EXPECTED = {
    "unknown_key.yaml": (6, 1, "replicate", r"unknown field 'replicate'"),
    "range_reversed.yaml": (
        5,
        3,
        "parameters.relations.us_japan.credibility",
        r"high must be greater than low",
    ),
    "unknown_design.yaml": (6, 1, "design", r"'grid', 'random', 'lhs', 'sobol' or 'saltelli'"),
    "bad_path.yaml": (
        6,
        3,
        "parameters.actors.Japan.resolv",
        r"unknown field 'resolv' \(did you mean 'resolve'\?\)",
    ),
    "out_of_range.yaml": (
        5,
        3,
        "parameters.relations.us_japan.credibility",
        r"value 1\.5: .*less than or equal to 1",
    ),
    "missing_scenario.yaml": (2, 1, "scenario", r"'\.\./no_such_scenario\.yaml' not found"),
    "syntax_error.yaml": (6, 11, None, r"YAML syntax error"),
    "unknown_outcome.yaml": (7, 22, "outcomes.1", r"unknown outcome 'us_war'"),
}
LOCATED = re.compile(r"^(wargame: )?(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<rest>.*)$")


def sweep_errors(
    path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, list[str]]:
    out = tmp_path / "out"
    rc = main(["sweep", str(path), "--workers", "1", "--quiet", "--out", str(out)])
    captured = capsys.readouterr()
    assert not out.exists(), "a sweep folder was created for an invalid sweep file"
    assert "Traceback" not in captured.err
    return rc, [ln for ln in captured.err.splitlines() if ln.strip()]


def parse(line: str) -> re.Match[str]:
    m = LOCATED.match(line)
    assert m, f"not a located error: {line!r}"
    return m


def test_every_bad_file_is_listed() -> None:
    assert sorted(p.name for p in BAD.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_sweep_file_gives_a_located_error(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line_no, col, field, pattern = EXPECTED[name]
    rc, lines = sweep_errors(BAD / name, tmp_path, capsys)
    assert rc == 2
    assert lines, "no error message"
    for line in lines:
        assert Path(parse(line)["file"]).name == name, line
    first = parse(lines[0])
    assert (int(first["line"]), int(first["col"])) == (line_no, col), lines[0]
    if field is not None:
        assert first["rest"].startswith(f"{field}: "), lines[0]
    assert re.search(pattern, first["rest"]), lines[0]


ONE_LINE = [
    pytest.param(
        name,
    )
    if name == "range_reversed.yaml"
    else name
    for name in sorted(EXPECTED)
]


@pytest.mark.parametrize("name", ONE_LINE)
def test_one_problem_gives_one_line(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, lines = sweep_errors(BAD / name, tmp_path, capsys)
    assert len(lines) == 1, lines


def test_unknown_key_suggests_the_right_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, lines = sweep_errors(BAD / "unknown_key.yaml", tmp_path, capsys)
    assert "did you mean 'replicates'?" in lines[0]


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "sweep.yaml"
    path.write_text(f"scenario: {ALLIANCE}\n{body}", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        pytest.param(
            "parameters:\n  relations.us_japan.credibility: {low: 0.1}\n",
            "parameters.relations.us_japan.credibility.high",
            "required field is missing",
            id="range-without-high",
        ),
        pytest.param(
            "parameters:\n  relations.us_japan.credibility: {values: []}\n",
            "parameters.relations.us_japan.credibility.values",
            "at least 1 item",
            id="empty-value-list",
        ),
        pytest.param(
            "parameters:\n  relations.us_japan.credibility: {values: [0.1, 0.5, 2]}\n",
            "parameters.relations.us_japan.credibility",
            "value 2.0: Input should be less than or equal to 1",
            id="value-out-of-range",
        ),
        pytest.param("parameters: {}\n", "parameters", "at least 1 item", id="no-parameters"),
        pytest.param(
            "parameters:\n  relations.us_japan.credibility: {low: 0.1, high: 0.9}\npoints: 0\n",
            "points",
            "greater than or equal to 1",
            id="zero-points",
        ),
        pytest.param(
            "parameters:\n  relations.us_japan.credibility: {low: 0.1, high: 0.9}\nseed: -1\n",
            "seed",
            "greater than or equal to 0",
            id="negative-seed",
        ),
        pytest.param(
            "parameters:\n  relations.us_japan.credibility: {low: 0.1, high: 0.9}\n"
            "replicates: many\n",
            "replicates",
            "valid integer",
            id="replicates-not-a-number",
        ),
    ],
)
def test_more_malformed_fields(
    body: str, field: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rc, lines = sweep_errors(write(tmp_path, body), tmp_path, capsys)
    assert rc == 2
    assert len(lines) == 1, lines
    m = parse(lines[0])
    assert Path(m["file"]).name == "sweep.yaml"
    assert m["rest"].startswith(f"{field}: "), lines[0]
    assert message in m["rest"], lines[0]


def test_bad_fixed_override_is_located_in_the_sweep_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = "set: [turns.limt=8]\nparameters:\n  relations.us_japan.credibility: {low: 0.1, high: 0.9}\n"
    rc, lines = sweep_errors(write(tmp_path, body), tmp_path, capsys)
    assert rc == 2
    assert len(lines) == 1, lines
    assert "limt" in lines[0]
    assert Path(parse(lines[0])["file"]).name == "sweep.yaml", lines[0]


def test_a_missing_sweep_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, lines = sweep_errors(tmp_path / "nope.yaml", tmp_path, capsys)
    assert rc == 2
    assert len(lines) == 1
    assert "file not found" in lines[0]


def test_the_real_command_exits_2_without_a_traceback(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            *(sys.executable, "-m", "sim.cli", "sweep", str(BAD / "range_reversed.yaml")),
            *("--out", str(tmp_path / "out"), "--quiet"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "high must be greater than low" in proc.stderr
    assert proc.stdout == ""
    assert not (tmp_path / "out").exists()


# --- sweep without a file, --out, --resume --------------------------------------------------


def test_sweep_needs_a_file_or_resume(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sweep"]) == 2
    assert "--resume" in one_line(capsys)


def test_out_folder_not_empty(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("x")
    assert main(["sweep", str(SMALL), "--out", str(out), "--quiet", "--workers", "1"]) == 2
    assert "not empty" in one_line(capsys)
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]


def test_resume_a_missing_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sweep", "--resume", str(tmp_path / "nope")]) == 2
    assert "nope" in one_line(capsys)


def test_resume_a_folder_without_manifest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sweep", "--resume", str(tmp_path)]) == 2
    assert "manifest" in one_line(capsys)


def test_resume_a_run_folder_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = tmp_path / "run"
    args = ["run", str(ALLIANCE), "--runs", "20", "--workers", "1", "--quiet"]
    assert main([*args, "--set", "turns.limit=5", "--out", str(run)]) == 0
    capsys.readouterr()
    assert main(["sweep", "--resume", str(run), "--quiet"]) == 2
    assert "not a sweep folder" in one_line(capsys)
