"""Facilitated play: tokens, moves checked by the engine, adjudication, transcripts, terminal game."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT

from sim.play.aar import after_action, summary_text
from sim.play.game import Game, GameError

SENKAKU = ROOT / "scenarios" / "senkaku_grey_zone.yaml"


@pytest.fixture
def game() -> Game:
    return Game(SENKAKU, {"blue": ["Japan"], "red": ["China"]}, seed=4, overrides=["turns.limit=6"])


def test_wrong_token_is_refused_and_state_is_intact(game: Game) -> None:
    before = game.facilitator_view(game.facilitator_token)
    for call in (
        lambda: game.options("nope"),
        lambda: game.submit("nope", "Japan", {}),
        lambda: game.team_view(""),
        lambda: game.adjudicate(game.teams["blue"].token),
    ):
        with pytest.raises(GameError):
            call()
    assert game.facilitator_view(game.facilitator_token) == before


def test_a_team_cannot_act_for_another_teams_actor(game: Game) -> None:
    blue = game.teams["blue"].token
    target, allowed = next(iter(game.options(game.teams["red"].token)["China"].items()))
    with pytest.raises(GameError, match="does not play China"):
        game.submit(blue, "China", {target: allowed[0]})


def test_doctrine_forbidden_move_is_refused(game: Game) -> None:
    blue = game.teams["blue"].token
    allowed = game.options(blue)["Japan"]["China"]
    assert "limited_strikes" not in allowed  # no attack on Japan yet: exclusively defence-oriented
    with pytest.raises(GameError, match="may not choose"):
        game.submit(blue, "Japan", {"China": "limited_strikes"})
    assert not game.teams["blue"].pending


def test_double_submission_is_harmless_and_pending_moves_stay_private(game: Game) -> None:
    blue, red = game.teams["blue"].token, game.teams["red"].token
    move = {"China": game.options(blue)["Japan"]["China"][-1]}
    game.submit(blue, "Japan", move)
    game.submit(blue, "Japan", move)  # the same request twice
    assert game.teams["blue"].pending == {"Japan": move}
    red_view = game.team_view(red)
    assert "Japan" not in str(red_view["pending"]) and red_view["pending"] == {}
    assert game.waiting_for() == ["red"]


def test_turn_waits_for_every_team_unless_forced(game: Game) -> None:
    blue = game.teams["blue"].token
    game.submit(blue, "Japan", {"China": game.options(blue)["Japan"]["China"][0]})
    with pytest.raises(GameError, match="waiting for red"):
        game.adjudicate(game.facilitator_token)
    events = game.adjudicate(game.facilitator_token, force=True)  # red falls back to the engine
    assert game.turn == 1
    assert any(e["actor"] == "Japan" and e["details"].get("human") for e in events)


def test_team_move_is_applied_and_game_plays_to_an_outcome(game: Game) -> None:
    blue = game.teams["blue"].token
    while not game.over:
        options = game.options(blue)["Japan"]
        game.submit(blue, "Japan", {t: allowed[0] for t, allowed in options.items()})
        game.adjudicate(game.facilitator_token, force=True)
    assert game.outcome in game.c.scenario.outcomes
    with pytest.raises(GameError, match="over"):
        game.submit(blue, "Japan", {})


def test_facilitator_fires_an_inject(game: Game) -> None:
    with pytest.raises(GameError):
        game.fire_inject(game.teams["red"].token, "ccg_seizure")
    game.fire_inject(game.facilitator_token, "ccg_seizure")
    game.adjudicate(game.facilitator_token, force=True)
    assert game.model.state.inject_fired[0, list(game.c.scenario.injects).index("ccg_seizure")]
    rung = {(r["actor"], r["toward"]): r["rung"] for r in game.rungs()}
    assert game.c.rung_index(rung[("China", "Japan")]) >= game.c.first_force - 1
    while not game.over:
        game.adjudicate(game.facilitator_token, force=True)
    a = after_action(game, runs=200)
    assert a["injects_fired"] == ["ccg_seizure"]
    assert "The facilitator fired ccg_seizure" in summary_text(a)  # the review says so


def test_transcript_replays_to_the_same_game(game: Game, tmp_path: Path) -> None:
    blue = game.teams["blue"].token
    while not game.over:
        game.submit(blue, "Japan", {t: a[-1] for t, a in game.options(blue)["Japan"].items()})
        game.adjudicate(game.facilitator_token, force=True)
    path = game.save(tmp_path / "game.jsonl")
    again = Game.replay(path)
    assert again.outcome == game.outcome and again.turn == game.turn
    assert again.rungs() == game.rungs()


def test_after_action_review_sets_the_game_beside_the_distribution(game: Game) -> None:
    blue = game.teams["blue"].token
    while not game.over:
        game.submit(blue, "Japan", {t: a[-1] for t, a in game.options(blue)["Japan"].items()})
        game.adjudicate(game.facilitator_token, force=True)
    a = after_action(game, runs=500)
    assert abs(sum(a["distribution"].values()) - 1) < 1e-9
    assert a["share"] == a["distribution"][game.outcome]
    text = summary_text(a)
    assert f"Your game ended in {game.outcome}" in text and "500 simulated games" in text
    # Japan always took its highest rung: unlikely for the engine, so these are the departures
    assert a["divergent"], text
    probs = [m["engine_probability"] for m in a["divergent"]]
    assert probs == sorted(probs) and max(probs) < 0.5
    assert all(m["team"] == "blue" and m["actor"] == "Japan" for m in a["divergent"])
    assert f"turn {a['divergent'][0]['turn']}: Japan (blue)" in text


def test_terminal_game_plays_to_the_end_with_scripted_input(tmp_path: Path) -> None:
    transcript = tmp_path / "t.jsonl"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "sim.cli",
            "play",
            str(SENKAKU),
            "--as",
            "Japan",
            "--as",
            "US",
            "--seed",
            "2",
            "--set",
            "turns.limit=8",
            "--runs",
            "300",
            "--transcript",
            str(transcript),
        ],
        input="1\n" * 5000,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    turns = [int(t) for t in re.findall(r"=== Turn (\d+) ===", out)]
    assert turns and turns == list(range(1, len(turns) + 1)) and max(turns) <= 8
    assert "Outcome:" in out
    assert "simulated games did" in out
    assert "Japan toward China" in out and "1. " in out
    assert Game.replay(transcript).outcome in out


def test_terminal_game_refuses_an_unknown_actor() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "sim.cli", "play", str(SENKAKU), "--as", "Atlantis"],
        input="",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert (
        proc.returncode == 2
        and "unknown actor 'Atlantis'" in proc.stderr
        and "Traceback" not in proc.stderr
    )


@pytest.mark.parametrize(
    "override",
    ["rules.temperature=1e6", "rules.observation_noise=1e6", "rules.cost_scale=1e6"],
)
def test_views_stay_valid_json_whatever_the_engine_holds(override: str) -> None:
    """The largest values the schema admits push the engine to extremes: views carry null instead
    of NaN/Infinity (not JSON) and do not fail. Beyond them (float32's range) the scenario is
    refused before any game starts."""
    import json
    import warnings

    from sim.errors import ScenarioError

    with pytest.raises(ScenarioError, match="less than or equal to"):
        Game(SENKAKU, {"blue": ["Japan"]}, seed=1, overrides=[override.replace("1e6", "3.5e38")])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # numpy: overflow in the float32 cast
        g = Game(SENKAKU, {"blue": ["Japan"]}, seed=1, overrides=["turns.limit=3", override])
        for _ in range(3):
            json.dumps(g.facilitator_view(g.facilitator_token), allow_nan=False)
            json.dumps(g.team_view(g.teams["blue"].token), allow_nan=False)
            if not g.over:
                g.adjudicate(g.facilitator_token, force=True)


def test_a_replayed_game_replays_again_with_the_teams_moves(game: Game, tmp_path: Path) -> None:
    blue, red = game.teams["blue"].token, game.teams["red"].token
    game.submit(blue, "Japan", {"China": "grey_zone"})
    game.submit(red, "China", {"Japan": "protest"})
    game.adjudicate(game.facilitator_token)
    game.fire_inject(game.facilitator_token, next(iter(game.c.scenario.injects)))
    game.adjudicate(game.facilitator_token, force=True)
    path = game.save(tmp_path / "t.jsonl")
    again = Game.replay(path)
    assert again.transcript_text() == game.transcript_text()
    twice = Game.replay(again.save(tmp_path / "t2.jsonl"))  # the replay's own save
    assert twice.transcript_text() == game.transcript_text()
    assert twice.facilitator_view(twice.facilitator_token)["rungs"] == game.rungs()
