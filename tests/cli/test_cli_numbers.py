"""Numeric options out of range, bad values and unusable addresses: one line, exit 2, nothing created.

Every numeric option of every subcommand is checked before anything runs or is written (issue 10,
item 11); ``--workers`` above the number of cores is capped with a one-line note on stderr.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import ROOT, one_line

import sim
import sim.runner.executor as executor
from sim.cli import main
from sim.errors import RunError

PROVOCATION = str(ROOT / "tests" / "fixtures" / "model" / "senkaku_provocation.yaml")
SMALL_RUN = ["run", PROVOCATION, "--runs", "200", "--block", "100", "--quiet"]

# (arguments, the option the error must name)
BAD_NUMBERS: list[tuple[list[str], str]] = [
    ([*SMALL_RUN, "--seed", "-1"], "--seed"),
    ([*SMALL_RUN, "--workers", "0"], "--workers"),
    ([*SMALL_RUN, "--workers", "-1"], "--workers"),
    ([*SMALL_RUN, "--threads", "0"], "--threads"),
    ([*SMALL_RUN, "--runs", "0"], "--runs"),
    ([*SMALL_RUN, "--block", "-5"], "--block"),
    ([*SMALL_RUN, "--max-runs", "0", "--precision", "0.05"], "--max-runs"),
    ([*SMALL_RUN, "--precision", "0.7"], "--precision"),
    ([*SMALL_RUN, "--precision", "nan"], "--precision"),
    (["run", "--resume", "anything", "--workers", "0"], "--workers"),
    (["sweep", "anything.yaml", "--workers", "0"], "--workers"),
    (["check", PROVOCATION, "--seed", "-2"], "--seed"),
    (["check", PROVOCATION, "--runs", "0"], "--runs"),
    (["check", PROVOCATION, "--block", "0"], "--block"),
    (["bench", PROVOCATION, "--runs", "0"], "--runs"),
    (["bench", PROVOCATION, "--batch-runs", "-1"], "--batch-runs"),
    (["bench", PROVOCATION, "--block", "0"], "--block"),
    (["bench", PROVOCATION, "--threads", "0"], "--threads"),
    (["play", PROVOCATION, "--as", "Japan", "--seed", "-1"], "--seed"),
    (["play", PROVOCATION, "--as", "Japan", "--runs", "0"], "--runs"),
    (["compare", "a", "b", "--alpha", "0"], "--alpha"),
    (["compare", "a", "b", "--alpha", "1.5"], "--alpha"),
    (["viz", PROVOCATION, "--seed", "-1"], "--seed"),
    (["viz", PROVOCATION, "--port", "0"], "--port"),
    (["serve", "--port", "70000"], "--port"),
    (["serve", "--aar-runs", "0"], "--aar-runs"),
    (["serve", "--turn-seconds", "-1"], "--turn-seconds"),
]


@pytest.mark.parametrize(("argv", "option"), BAD_NUMBERS, ids=lambda x: " ".join(x)[-40:])
def test_a_number_out_of_range_is_one_line_and_creates_nothing(
    argv: list[str],
    option: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    line = one_line(capsys)
    assert line.startswith(f"wargame: {option} "), line
    assert list(tmp_path.iterdir()) == []  # no runs/ folder, no half-started run


def test_seed_minus_one_with_out_leaves_no_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "run"
    assert main([*SMALL_RUN, "--seed", "-1", "--out", str(out)]) == 2
    assert "--seed -1" in one_line(capsys)
    assert not out.exists()


@pytest.mark.parametrize("name", ["WARGAME_TILE", "WARGAME_THREADS"])
def test_a_setting_in_the_environment_that_is_not_a_number_is_one_line(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before, ``WARGAME_TILE=half`` failed in the first block with a worker's traceback."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(name, "half")
    assert main(SMALL_RUN) == 2
    assert one_line(capsys) == f"wargame: {name}=half: must be a whole number (0 or more), or unset"
    assert list(tmp_path.iterdir()) == []


def test_a_value_that_is_not_a_number_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main([*SMALL_RUN, "--seed", "abc"])
    assert info.value.code == 2
    line = one_line(capsys)
    assert "--seed" in line and "abc" in line and "--help" in line


def test_more_workers_than_cores_are_capped_with_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(executor, "default_workers", lambda: 1)  # a one-core machine
    out = tmp_path / "run"
    assert main([*SMALL_RUN, "--workers", "500", "--out", str(out)]) == 0
    out_text, err = capsys.readouterr()
    assert err.strip() == "wargame: --workers 500 is more than the 1 cores of this machine: using 1"
    assert "200 replicates" in out_text
    assert (out / "outcomes.parquet").exists()


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"seed": -1}, "seed=-1"),
        ({"runs": 0}, "runs=0"),
        ({"block": 0}, "block=0"),
        ({"workers": 0}, "workers 0"),
        ({"precision": 2.0}, "precision=2.0"),
    ],
)
def test_the_api_refuses_bad_numbers_before_creating_a_folder(
    kwargs: dict, words: str, tmp_path: Path
) -> None:
    out = tmp_path / "run"
    with pytest.raises(RunError, match=words):
        sim.run(PROVOCATION, out=out, **{"runs": 100, "block": 100, **kwargs})
    assert not out.exists()


def test_serve_on_an_invalid_host_blames_the_host(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("uvicorn")
    pytest.importorskip("solara")
    assert main(["serve", "--host", "999.1.1.1", "--port", "8765"]) == 2
    line = one_line(capsys)
    assert "--host 999.1.1.1" in line and "--port" not in line


def test_serve_on_an_address_of_another_machine_blames_the_host(
    capsys: pytest.CaptureFixture[str],
) -> None:
    pytest.importorskip("uvicorn")
    pytest.importorskip("solara")
    assert main(["serve", "--host", "192.0.2.1", "--port", "8765"]) == 2  # TEST-NET-1 (RFC 5737)
    line = one_line(capsys)
    assert "--host 192.0.2.1" in line and "not an address of this machine" in line


def test_every_numeric_option_of_every_command_is_range_checked() -> None:
    """A command module's int or float option must have an entry in ``sim.cli.common.NUMBERS``:
    else a negative --runs would reach the engine (the recipe in docs/architecture.md says so)."""
    import argparse

    from sim.cli import COMMANDS, build_parser
    from sim.cli.common import NUMBERS

    unchecked = []
    for action in build_parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                unchecked += [
                    f"{name} {a.dest}"
                    for a in sub._actions
                    if a.type in (int, float) and a.dest not in NUMBERS
                ]
    assert len(COMMANDS) == 15
    assert not unchecked, unchecked
