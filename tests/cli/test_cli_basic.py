"""The ``wargame`` command line: validate, schema, --version, --help and exit statuses."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import FIXTURES

import sim
from sim.cli import main

OK = FIXTURES / "scenarios_ok"
BAD = FIXTURES / "scenarios_bad"
GOOD_FILES = sorted(p.name for p in OK.glob("*.yaml"))


@pytest.fixture
def in_fixtures(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(FIXTURES)
    return FIXTURES


# --- validate -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", GOOD_FILES)
def test_validate_good_file(
    in_fixtures: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = f"scenarios_ok/{name}"
    assert main(["validate", path]) == 0
    out, err = capsys.readouterr()
    assert out.startswith(f"{path}: ok (")
    assert err == ""


def test_validate_ok_line_summarises_the_scenario(
    in_fixtures: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", "scenarios_ok/tiny.yaml"]) == 0
    out = capsys.readouterr().out
    assert out == "scenarios_ok/tiny.yaml: ok (tiny: 3 actors, 2 relations, 2 outcomes)\n"


def test_validate_bad_file_prints_located_problems(
    in_fixtures: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", "scenarios_bad/wrong_types.yaml"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("scenarios_bad/wrong_types.yaml:5:5: actors.Japan.resolve: ")
    assert lines[1].startswith("scenarios_bad/wrong_types.yaml:6:")
    assert lines[2].startswith("scenarios_bad/wrong_types.yaml:9:")
    assert "Traceback" not in err


@pytest.mark.parametrize("name", sorted(p.name for p in BAD.glob("*.yaml")))
def test_validate_every_bad_fixture_exits_2_without_traceback(
    in_fixtures: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", f"scenarios_bad/{name}"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "Traceback" not in err
    located = re.compile(r"^[^:\n]+\.yaml:\d+:\d+: ")
    assert err.strip() and all(located.match(line) for line in err.splitlines()), err


def test_validate_several_files_reports_each(
    in_fixtures: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(
        [
            "validate",
            "scenarios_ok/tiny.yaml",
            "scenarios_bad/empty.yaml",
            "scenarios_ok/uses_library.yaml",
        ]
    )
    assert status == 2
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "scenarios_ok/tiny.yaml: ok (tiny: 3 actors, 2 relations, 2 outcomes)",
        "scenarios_ok/uses_library.yaml: ok (uses_library: 3 actors, 2 relations, 2 outcomes)",
    ]
    assert err == "scenarios_bad/empty.yaml:1:1: file is empty: expected a YAML mapping\n"


def test_validate_missing_file(in_fixtures: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "nowhere.yaml"]) == 2
    assert capsys.readouterr().err == "nowhere.yaml:1:1: file not found\n"


def test_validate_with_valid_set(in_fixtures: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["validate", "scenarios_ok/tiny.yaml", "--set", "cast=[China, Japan]"])
    assert status == 0
    assert "(tiny: 2 actors, 1 relations, 2 outcomes)" in capsys.readouterr().out


def test_validate_with_out_of_range_set(
    in_fixtures: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(
        [
            "validate",
            "scenarios_ok/tiny.yaml",
            "--set",
            "actors.Japan.resolve=0.5",
            "--set",
            "actors.Japan.resolve=1.5",
        ]
    )
    assert status == 2
    err = capsys.readouterr().err
    assert err.startswith("--set:2:1: actors.Japan.resolve: ")
    assert len(err.splitlines()) == 1


def test_validate_with_malformed_set(in_fixtures: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "scenarios_ok/tiny.yaml", "--set", "resolve"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("--set:1:1: resolve: expected PATH=VALUE")


def test_validate_with_unknown_set_field(
    in_fixtures: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", "scenarios_ok/tiny.yaml", "--set", "actors.US.nuclaer=false"]) == 2
    err = capsys.readouterr().err
    assert err == (
        "--set:1:1: actors.US.nuclaer: unknown field 'nuclaer' (did you mean 'nuclear'?)\n"
    )


def test_validate_bad_file_in_a_subprocess() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sim.cli", "validate", "several_problems.yaml"],
        cwd=BAD,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 7
    assert lines[1].startswith("several_problems.yaml:5:5: actors.Japan.resolve: ")
    assert result.stdout == ""


def test_the_console_script_returns_the_commands_status_and_skips_the_last_collection(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``wargame`` is ``console``: the command's exit status, and everything alive frozen out of
    the collector's sight, so that the process does not spend its last 0.3-0.5 s collecting
    what the engine imported."""
    import gc

    from sim.cli import console

    monkeypatch.setattr(sys, "argv", ["wargame", "validate", str(BAD / "several_problems.yaml")])
    before = gc.get_freeze_count()
    try:
        assert console() == 2
        assert gc.get_freeze_count() > before + 10_000
    finally:
        gc.unfreeze()  # this test process goes on
    assert "several_problems.yaml:5:5: actors.Japan.resolve: " in capsys.readouterr().err


def test_validate_good_file_in_a_subprocess() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sim.cli", "validate", "uses_library.yaml"],
        cwd=OK,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("uses_library.yaml: ok (")


def test_validate_yaml_tag_in_a_subprocess_runs_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    scenario = tmp_path / "evil.yaml"
    scenario.write_text(
        f'name: evil\ntitle: !!python/object/apply:os.system ["touch {marker}"]\n'
        "actors: {A: {}}\noutcomes: {calm: {}}\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "sim.cli", "validate", str(scenario)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert not marker.exists()
    assert ":2:8: title: YAML tag " in result.stderr
    assert "Traceback" not in result.stderr


def test_validate_needs_a_file(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["validate"])
    assert info.value.code == 2
    assert "FILE" in capsys.readouterr().err


# --- schema, version, help ------------------------------------------------------------------------


def test_schema_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out == f"wargame {sim.__version__}\n"


def test_help_mentions_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for word in ("validate", "schema", "run"):
        assert re.search(rf"\b{word}\b", out), word


def test_validate_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["validate", "--help"])
    assert info.value.code == 0
    assert "--set" in capsys.readouterr().out


def test_no_command_prints_help_and_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "validate" in capsys.readouterr().out


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["frobnicate"])
    assert info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_version_in_a_subprocess() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sim.cli", "--version"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0
    assert result.stdout.strip() == f"wargame {sim.__version__}"
