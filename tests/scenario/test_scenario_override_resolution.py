"""What the user asked for is what ran: every override resolves to something real, in every entry
point, or fails with one line and a did-you-mean (issue 10, items 1 and 2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import ROOT

import sim
from sim.cli import main
from sim.errors import WargameError

TAIWAN = ROOT / "scenarios" / "taiwan_contingency.yaml"
KOREA = ROOT / "scenarios" / "korean_peninsula_crisis.yaml"  # Taiwan is not in its cast
SENKAKU = ROOT / "scenarios" / "senkaku_grey_zone.yaml"
ALLIANCE = ROOT / "tests" / "fixtures" / "sweeps" / "alliance.yaml"
TINY = (ROOT / "tests" / "fixtures" / "scenarios_ok" / "tiny.yaml").read_text(encoding="utf-8")


def one_problem(path: Path, overrides) -> sim.Problem:
    with pytest.raises(sim.ScenarioError) as info:
        sim.load_scenario(path, overrides)
    problems = info.value.problems
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


def cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, list[str]]:
    rc = main(args)
    captured = capsys.readouterr()
    return rc, captured.out, [ln for ln in captured.err.splitlines() if ln.strip()]


# --- item 1: unknown and out-of-cast names ---------------------------------------------------------


@pytest.mark.parametrize(
    ("override", "path", "message"),
    [
        ("actors.Japn.resolve=0.8", "actors.Japn", "unknown actor 'Japn' (did you mean 'Japan'?)"),
        (
            "injects.invasion_ordr.probability=1",
            "injects.invasion_ordr",
            "unknown inject 'invasion_ordr' (did you mean 'invasion_order'?)",
        ),
        (
            "outcomes.nuclear_us.description=x",
            "outcomes.nuclear_us",
            "unknown outcome 'nuclear_us' (did you mean 'nuclear_use'?)",
        ),
        ("initial.Chna.Taiwan=2", "initial.Chna", "unknown actor 'Chna' (did you mean 'China'?)"),
        (
            "relations.taiwan.stake.Taiwn=0.5",
            "relations.taiwan.stake.Taiwn",
            "unknown actor 'Taiwn' (did you mean 'Taiwan'?)",
        ),
        ("actors.Japan.resolv=0.5", "actors.Japan.resolv", "(did you mean 'resolve'?)"),
        (
            "relations.us_japan.members.7=US",
            "relations.us_japan.members.7",
            "item 7 is out of range",
        ),
    ],
)
def test_override_of_something_that_does_not_exist_is_refused(
    override: str, path: str, message: str
) -> None:
    p = one_problem(TAIWAN, [override])
    assert (p.file, p.line, p.path) == ("--set", 1, path)
    assert message in p.message


def test_the_issue_example_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, err = cli(["validate", str(TAIWAN), "--set", "actors.Japn.resolve=0.8"], capsys)
    assert (rc, out) == (2, "")
    assert err == ["--set:1:1: actors.Japn: unknown actor 'Japn' (did you mean 'Japan'?)"]


def test_out_of_cast_actor_is_refused_and_said_to_be_out_of_the_cast() -> None:
    for override in ("actors.Taiwan.resolve=0.8", "initial.Taiwan.China=2"):
        p = one_problem(KOREA, [override])
        assert (p.file, p.path) == ("--set", override.split("=")[0])
        assert p.message == "actor 'Taiwan' is not in the cast: add it to `cast` to use it"


def test_override_of_a_relation_the_cast_drops_is_refused() -> None:
    p = one_problem(KOREA, ["relations.us_taiwan.credibility=0.9"])
    assert p.message.startswith("relation 'us_taiwan' is not in the scenario")


def test_cast_given_by_an_earlier_override_counts() -> None:
    s = sim.load_scenario(TAIWAN, ["cast=[US, Japan, China, Taiwan]", "actors.Japan.resolve=0.9"])
    assert s.actors["Japan"].resolve == 0.9
    p = one_problem(TAIWAN, ["cast=[US, Japan, China, Taiwan]", "actors.India.resolve=0.9"])
    assert (p.line, p.message) == (
        2,
        "actor 'India' is not in the cast: add it to `cast` to use it",
    )


@pytest.mark.parametrize("override", ["include=[library/actors.yaml]", "actors.Japan.merge=false"])
def test_structural_keys_are_refused_not_stored(override: str) -> None:
    p = one_problem(TAIWAN, [override])
    assert p.file == "--set"
    assert "cannot be overridden" in p.message


def test_fields_not_written_in_the_file_can_still_be_set() -> None:
    s = sim.load_scenario(TAIWAN, ["actors.Japan.doctrine.max_rung=limited_strikes"])
    assert s.actors["Japan"].doctrine.max_rung == "limited_strikes"
    s = sim.load_scenario_text(TINY, ["relations.senkaku.stake.China=0.1", "initial.US.China=1"])
    assert s.relations["senkaku"].stake["China"] == 0.1
    assert s.initial["US"] == {"China": 1}


def test_run_refuses_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "run"
    args = [
        "run",
        str(TAIWAN),
        "--runs",
        "2",
        "--set",
        "actors.Japn.resolve=0.8",
        "--out",
        str(out),
    ]
    rc, _, err = cli(args, capsys)
    assert rc == 2 and len(err) == 1 and "unknown actor 'Japn'" in err[0]
    assert not out.exists()


def test_python_api_run_refuses_with_a_path_and_with_a_scenario(tmp_path: Path) -> None:
    with pytest.raises(sim.ScenarioError, match="unknown actor 'Japn'"):
        sim.run(TAIWAN, runs=2, overrides={"actors.Japn.resolve": 0.8}, out=tmp_path / "a")
    scenario = sim.load_scenario(KOREA)
    with pytest.raises(sim.ScenarioError, match="unknown actor 'Japn'"):
        sim.run(scenario, runs=2, overrides=["actors.Japn.resolve=0.8"], out=tmp_path / "b")
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def write_sweep(tmp_path: Path, parameter: str, extra: str = "") -> Path:
    path = tmp_path / "sweep.yaml"
    path.write_text(
        f"scenario: {ALLIANCE}\n"
        f"{extra}"
        "parameters:\n"
        "  relations.us_japan.credibility: {low: 0.1, high: 0.9}\n"
        f"  {parameter}: {{low: 0.2, high: 0.8}}\n"
        "points: 2\nreplicates: 2\n"
    )
    return path


def test_sweep_parameter_is_refused_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_sweep(tmp_path, "actors.Japn.resolve")
    out = tmp_path / "out"
    rc, _, err = cli(["sweep", str(path), "--workers", "1", "--quiet", "--out", str(out)], capsys)
    assert rc == 2 and len(err) == 1
    assert err[0].endswith(
        "sweep.yaml:4:3: parameters.actors.Japn.resolve: unknown actor 'Japn' (did you mean 'Japan'?)"
    )
    assert not out.exists()
    with pytest.raises(sim.ScenarioError, match="unknown actor 'Japn'"):
        sim.sweep(path, workers=1, out=tmp_path / "api")
    assert not (tmp_path / "api").exists()


def test_sweep_parameter_out_of_the_cast_is_refused(tmp_path: Path) -> None:
    path = write_sweep(tmp_path, "actors.India.resolve", extra="set: ['cast=[China, Japan, US]']\n")
    from sim.sweeps.spec import load_sweep

    with pytest.raises(sim.ScenarioError) as info:
        load_sweep(path)
    (p,) = info.value.problems
    assert (p.line, p.path) == (5, "parameters.actors.India.resolve")
    assert p.message == "actor 'India' is not in the cast: add it to `cast` to use it"


def test_ema_adapter_refuses_before_needing_the_workbench() -> None:
    from sim.ema import ScenarioExperiment, ema_model

    with pytest.raises(ValueError, match=r"actors\.Japn\.resolve: unknown actor 'Japn'"):
        ema_model(TAIWAN, parameters={"actors.Japn.resolve": (0.2, 0.8)})
    with pytest.raises(ValueError, match="'Taiwan' is not in the cast"):
        ema_model(KOREA, parameters={"actors.Taiwan.resolve": (0.2, 0.8)})
    experiment = ScenarioExperiment(sim.load_scenario(TAIWAN), 2, {}, {"x": "de_escalated"})
    with pytest.raises(sim.ScenarioError, match="unknown actor 'Japn'"):
        experiment(actors__Japn__resolve=0.5)


def test_classroom_start_and_whatif_refuse(tmp_path: Path) -> None:
    from sim.play.game import GameError
    from sim.serve.host import GameHost

    host = GameHost(str(SENKAKU), scenarios_dir=ROOT / "scenarios", games_dir=tmp_path, token="F")
    teams = {"blue": ["Japan"], "red": ["China"]}
    with pytest.raises(WargameError, match="unknown actor 'Japn'"):
        host.start("F", str(SENKAKU), teams, overrides=["actors.Japn.resolve=0.8"])
    host.start("F", str(SENKAKU), teams, overrides=["turns.limit=3"])
    with pytest.raises(GameError, match="unknown relation 'us_japn'"):
        host.start_whatif("F", ["relations.us_japn.credibility=0.9"], runs=10)


# --- item 2: a misspelt relation ------------------------------------------------------------------


def test_misspelt_relation_names_the_relation_not_the_discriminator() -> None:
    p = one_problem(TAIWAN, ["relations.us_taiwn.credibility=0.9"])
    assert str(p) == (
        "--set:1:1: relations.us_taiwn: unknown relation 'us_taiwn' (did you mean 'us_taiwan'?)"
    )


def test_relation_without_type_in_a_file_says_so_plainly() -> None:
    text = TINY.replace("relations:\n", "relations:\n  us_japn: {credibility: 0.9}\n")
    with pytest.raises(sim.ScenarioError) as info:
        sim.load_scenario_text(text)
    (p,) = info.value.problems
    assert p.path == "relations.us_japn"
    assert "discriminator" not in p.message
    assert p.message.startswith("`type` is missing: expected alliance, partnership")
    assert "'us_japan'" in p.message
