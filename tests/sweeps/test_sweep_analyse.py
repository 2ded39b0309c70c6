"""``wargame analyse SWEEP_DIR``: sensitivity.json and sweep-report.html (with images); refuses an
incomplete sweep or a folder that is not a sweep with one clear line (exit status 2).
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest
from helpers import ROOT, one_line

from sim.cli import main
from sim.sweeps.run import execute_sweep, start_sweep

FIXTURES = ROOT / "tests" / "fixtures" / "sweeps"
SMALL = FIXTURES / "small.yaml"
ALLIANCE = FIXTURES / "alliance.yaml"
PARAMS = ["relations.us_japan.credibility", "actors.China.resolve"]
OUTCOMES = ["china_attacks_japan", "coercion"]  # the sweep file's `outcomes`
IMG = re.compile(r"<img alt='([^']*)' src='data:image/png;base64,([A-Za-z0-9+/=]+)'>")


@pytest.fixture(scope="module")
def sweep_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    sd = start_sweep(SMALL, tmp_path_factory.mktemp("sweep") / "out")
    execute_sweep(sd, workers=1, quiet=True)
    return sd.path


def images(report: Path) -> dict[str, bytes]:
    found = IMG.findall(report.read_text(encoding="utf-8"))
    return {alt: base64.b64decode(data) for alt, data in found}


def test_analyse_writes_sensitivity_and_report(
    sweep_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["analyse", str(sweep_dir)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "sweep_alliance: 12 points, design lhs"
    for name in OUTCOMES:
        assert re.search(rf"^  {name}: .*\(\|Spearman rho\|\)$", out, re.M), out
    assert f"wrote {sweep_dir / 'sweep-report.html'}" in out

    sens = json.loads((sweep_dir / "sensitivity.json").read_text(encoding="utf-8"))
    assert list(sens) == OUTCOMES
    for table in sens.values():
        assert set(table) == set(PARAMS)
        for row in table.values():
            assert set(row) == {"rho", "p", "importance"}
            assert -1 <= row["rho"] <= 1
            assert 0 <= row["p"] <= 1
            assert row["importance"] == pytest.approx(abs(row["rho"]))

    report = sweep_dir / "sweep-report.html"
    text = report.read_text(encoding="utf-8")
    assert text.startswith("<!doctype html>")
    assert "Small test sweep" in text  # the sweep's title
    assert "12 points (lhs) × 50 replicates" in text
    imgs = images(report)
    expected = {"sensitivity", "dominance"}
    expected |= {f"share vs {p}" for p in PARAMS} | {f"heatmap {o}" for o in OUTCOMES}
    assert set(imgs) == expected
    for alt, png in imgs.items():
        assert png.startswith(b"\x89PNG\r\n\x1a\n"), alt
        assert len(png) > 1000, alt
    assert not list(sweep_dir.glob(".*.tmp"))


def test_analyse_with_a_pair(sweep_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyse", str(sweep_dir), "--pair", PARAMS[1], PARAMS[0]]) == 0
    text = (sweep_dir / "sweep-report.html").read_text(encoding="utf-8")
    assert f"Two parameters: {PARAMS[1]} × {PARAMS[0]}" in text


def test_analyse_refuses_an_unknown_pair(
    sweep_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["analyse", str(sweep_dir), "--pair", PARAMS[0], "actors.Japan.resolve"]) == 2
    line = one_line(capsys)
    assert "--pair" in line and "actors.Japan.resolve" in line


def test_analyse_refuses_an_incomplete_sweep(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sd = start_sweep(SMALL, tmp_path / "out")  # started, never run
    assert main(["analyse", str(sd.path)]) == 2
    line = one_line(capsys)
    assert "incomplete" in line
    assert f"wargame sweep --resume {sd.path}" in line
    assert not (sd.path / "sensitivity.json").exists()
    assert not (sd.path / "sweep-report.html").exists()


def test_analyse_refuses_a_run_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = tmp_path / "run"
    args = ["run", str(ALLIANCE), "--runs", "20", "--workers", "1", "--quiet"]
    assert main([*args, "--set", "turns.limit=5", "--out", str(run)]) == 0
    capsys.readouterr()
    assert main(["analyse", str(run)]) == 2
    assert "not a sweep folder" in one_line(capsys)
    assert not (run / "sweep-report.html").exists()


@pytest.mark.parametrize("folder", ["empty", "missing"])
def test_analyse_refuses_a_folder_without_a_sweep(
    folder: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / folder
    if folder == "empty":
        path.mkdir()
    assert main(["analyse", str(path)]) == 2
    assert str(path) in one_line(capsys)


def test_analyse_with_one_parameter(tmp_path: Path) -> None:
    path = tmp_path / "one.yaml"
    path.write_text(
        f"scenario: {ALLIANCE}\nset: [turns.limit=8]\n"
        "parameters:\n  relations.us_japan.credibility: {low: 0.1, high: 0.9}\n"
        "design: grid\nlevels: 4\nreplicates: 20\n",
        encoding="utf-8",
    )
    sd = start_sweep(path, tmp_path / "out")
    execute_sweep(sd, workers=1, quiet=True)
    assert main(["analyse", str(sd.path)]) == 0
    imgs = images(sd.path / "sweep-report.html")
    assert set(imgs) == {"sensitivity", "share vs relations.us_japan.credibility"}
    sens = json.loads((sd.path / "sensitivity.json").read_text(encoding="utf-8"))
    assert set(sens) == {"china_attacks_japan", "us_china_war", "coercion", "calm"}  # all


@pytest.mark.parametrize(
    "parameter",
    [
        pytest.param(
            "actors.Japan.doctrine.counterstrike: {values: [true, false]}",
            id="bool",
        ),
        pytest.param(
            "actors.Japan.doctrine.collective_self_defence: "
            "{values: [treaty, three_new_conditions, none]}",
            id="names",
        ),
    ],
)
def test_analyse_a_parameter_given_by_values(
    parameter: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "values.yaml"
    path.write_text(
        f"scenario: {ALLIANCE}\nset: [turns.limit=8]\n"
        "parameters:\n  relations.us_japan.credibility: {low: 0.1, high: 0.9}\n"
        f"  {parameter}\n"
        "design: lhs\npoints: 8\nreplicates: 20\n",
        encoding="utf-8",
    )
    sd = start_sweep(path, tmp_path / "out")
    execute_sweep(sd, workers=1, quiet=True)
    assert main(["analyse", str(sd.path)]) == 0
    name = parameter.split(":")[0]
    assert f"share vs {name}" in images(sd.path / "sweep-report.html")
