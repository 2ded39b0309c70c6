"""The classroom server's game host, without a browser: saving, reloading, what-if and review jobs."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest
from helpers import ROOT

from sim.play.game import GameError, TokenError
from sim.serve.host import GameHost, NoGame, default_teams

SENKAKU = str(ROOT / "scenarios" / "senkaku_grey_zone.yaml")


@pytest.fixture
def host(tmp_path: Path) -> GameHost:
    h = GameHost(SENKAKU, scenarios_dir=ROOT / "scenarios", games_dir=tmp_path, token="F")
    # seed 1: a game that runs to its five-turn limit (seed 2 now ends at turn 2 by a concession)
    h.start(
        "F", SENKAKU, {"blue": ["Japan"], "red": ["China"]}, seed=1, overrides=["turns.limit=5"]
    )
    return h


def tokens(host: GameHost) -> dict[str, str]:
    return {t.name: t.token for t in host.need_game().teams.values()}


def test_facilitator_token_guards_the_controls(tmp_path: Path) -> None:
    h = GameHost(SENKAKU, games_dir=tmp_path, token="F")
    with pytest.raises(NoGame):
        h.team_view("anything")
    with pytest.raises(TokenError):
        h.start("not-F", SENKAKU, {"blue": ["Japan"]})
    with pytest.raises(TokenError):
        h.start(None, SENKAKU, {"blue": ["Japan"]})
    with pytest.raises(GameError, match="at least one actor"):
        h.start("F", SENKAKU, {"blue": []})
    assert h.game is None


def test_every_change_wakes_waiting_pages(host: GameHost) -> None:
    seen = host.version
    woke: list[int] = []
    waiter = threading.Thread(target=lambda: woke.append(host.wait(seen, 10)))
    waiter.start()
    host.submit(tokens(host)["blue"], "Japan", {"China": "protest"})
    waiter.join(5)
    assert woke == [seen + 1]


def test_team_view_shows_own_moves_and_public_events_only(host: GameHost) -> None:
    for _ in range(3):
        host.adjudicate("F", force=True)
    view = host.team_view(tokens(host)["blue"])
    assert view["events"], "no events"
    for e in view["events"]:
        assert e["actor"] == "Japan" or e["kind"] in ("inject", "trigger", "end"), e


def test_games_are_autosaved_and_reload_with_the_same_seats(host: GameHost) -> None:
    blue = tokens(host)["blue"]
    host.submit(blue, "Japan", {"China": "grey_zone"})
    host.adjudicate("F", force=True)
    host.adjudicate("F", force=True)
    before = host.facilitator_view("F")
    (saved,) = host.saved_games()
    assert blue not in saved.read_text()  # the transcript is shareable: no tokens in it

    fresh = GameHost(SENKAKU, games_dir=host.games_dir, token="F")  # a restarted server
    fresh.load("F", saved)
    after = fresh.facilitator_view("F")
    assert after["rungs"] == before["rungs"] and after["turn"] == 2
    assert after["game_id"] == before["game_id"]
    assert fresh.team_view(blue)["team"] == "blue"  # the team's link still works
    assert len(fresh.need_game().frames) == 3  # turn 0, 1, 2: the replay slider's frames


def test_an_uploaded_transcript_gets_new_seats(host: GameHost, tmp_path: Path) -> None:
    host.adjudicate("F", force=True)
    elsewhere = tmp_path / "upload" / "transcript.jsonl"
    elsewhere.parent.mkdir()
    host.need_game().save(elsewhere)
    old = tokens(host)
    host.load("F", elsewhere, keep_seats=False)
    assert set(tokens(host)) == set(old) and tokens(host) != old


@pytest.mark.parametrize(
    "text",
    ["", "not json\n", '{"kind": "turn"}\n', '{"kind": "start", "scenario": 1}\n'],
)
def test_a_broken_transcript_is_refused_and_the_game_kept(
    host: GameHost, tmp_path: Path, text: str
) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(text)
    game = host.game
    with pytest.raises(GameError):
        host.load("F", bad)
    assert host.game is game


def test_whatif_compares_with_common_random_numbers(host: GameHost) -> None:
    job = host.start_whatif("F", ["rules.deterrence=3"], runs=300)
    assert job.done.wait(60) and job.error is None, job.error
    r = job.result
    assert r["runs"] == 300 and r["overrides"] == ["rules.deterrence=3"]
    assert sum(v["share"] for v in r["baseline"].values()) == pytest.approx(1)
    assert r["baseline"] != r["changed"]  # deterrence x3 moves the distribution
    same = host.start_whatif("F", [], runs=300)
    assert same.done.wait(60)
    assert same.result["baseline"] == same.result["changed"] == r["baseline"]


def test_whatif_refuses_a_bad_parameter_in_one_line(host: GameHost) -> None:
    with pytest.raises(GameError) as info:
        host.start_whatif("F", ["rules.deterrence=lots"])
    assert "rules.deterrence" in str(info.value) and "\n" not in str(info.value)


def test_a_newer_whatif_cancels_the_older(host: GameHost) -> None:
    first = host.start_whatif("F", ["rules.deterrence=2"], runs=20_000)
    second = host.start_whatif("F", ["rules.deterrence=0.5"], runs=200)
    assert first.done.wait(60) and second.done.wait(60)
    assert first.error == "cancelled" and second.result is not None
    assert host.jobs["whatif"] is second


def test_the_end_of_the_game_starts_the_review_and_saves_it(host: GameHost) -> None:
    host.aar_runs = 300
    while not host.need_game().over:
        host.adjudicate("F", force=True)
    job = host.jobs["aar"]
    assert job.done.wait(60) and job.error is None, job.error
    assert job.result["outcome"] == host.need_game().outcome
    assert job.result["runs"] == 300
    folder = host.games_dir / str(host.game_id)
    assert "After-action review" in (folder / "aar.html").read_text()
    lines = (folder / "transcript.jsonl").read_text().splitlines()
    assert json.loads(lines[-1])["kind"] == "end"


def test_default_teams_pit_the_first_playable_actor_against_a_rival() -> None:
    teams = default_teams(SENKAKU)
    assert teams == {"Japan": ["Japan"], "China": ["China"]}


def test_the_last_team_to_move_plays_the_turn_unless_the_facilitator_keeps_control(
    host: GameHost,
) -> None:
    t = tokens(host)
    assert not host.submit(t["blue"], "Japan", {"China": "protest"})
    assert host.submit(t["red"], "China", {})  # every team has moved: the turn is played
    assert host.need_game().turn == 1
    host.set_auto_play("F", False)
    host.submit(t["blue"], "Japan", {})
    assert not host.submit(t["red"], "China", {})
    assert host.need_game().turn == 1 and host.need_game().waiting_for() == []
    host.set_auto_play("F", True)  # turning it back on plays the waiting turn
    assert host.need_game().turn == 2
    with pytest.raises(TokenError):
        host.set_auto_play(t["blue"], False)


def test_turn_timer_forces_the_turn_and_stops_while_paused(host: GameHost) -> None:
    assert host.seconds_left() is None
    with pytest.raises(GameError, match="whole number"):
        host.set_timer("F", -5)
    host.set_paused("F", True)
    host.set_timer("F", 1)
    assert host.seconds_left() == 1  # frozen while paused
    time.sleep(1.5)
    assert host.need_game().turn == 0
    host.set_paused("F", False)
    deadline = time.monotonic() + 10
    while host.need_game().turn == 0 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert host.need_game().turn == 1  # the engine played both absent teams
    assert host.seconds_left() in (0, 1)  # the next turn's clock has started
    host.set_timer("F", 0)
    assert host.seconds_left() is None


def test_simultaneous_moves_play_the_turn_once(tmp_path: Path) -> None:
    h = GameHost(SENKAKU, games_dir=tmp_path, token="F")
    teams = {a: [a] for a in ("Japan", "China", "US", "Taiwan", "Philippines", "Australia")}
    h.start("F", SENKAKU, teams, seed=1)
    start = threading.Barrier(len(teams))
    errors: list[Exception] = []

    def team(token: str, actor: str) -> None:
        start.wait()
        try:
            for _ in range(5):  # a nervous team clicking again and again
                h.submit(token, actor, {})
        except GameError as exc:  # after the turn: the move is for the next turn, still fine
            errors.append(exc)

    threads = [threading.Thread(target=team, args=(t, name)) for name, t in tokens(h).items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors
    game = h.need_game()
    assert game.turn >= 1  # the turn was played when the last team had moved
    assert sum(1 for r in game.transcript if r["kind"] == "turn") == game.turn
    # every turn was played only once every team had moved
    assert all(len(r["moves"]) == len(teams) for r in game.transcript if r["kind"] == "turn")


def test_a_reloaded_game_keeps_moves_pending_moves_pause_and_timer_across_reloads(
    host: GameHost,
) -> None:
    t = tokens(host)
    host.submit(t["blue"], "Japan", {"China": "grey_zone"})
    host.submit(t["red"], "China", {"Japan": "protest"})  # the last move plays turn 1
    host.submit(t["blue"], "Japan", {"China": "protest"})  # turn 2's move, not yet played
    host.set_paused("F", True)
    host.set_timer("F", 300)
    host.set_auto_play("F", False)
    (saved,) = host.saved_games()
    before = host.facilitator_view("F"), host.team_view(t["blue"]), saved.read_text()
    for _ in range(3):  # a restarted server reloads the game, again and again
        fresh = GameHost(SENKAKU, games_dir=host.games_dir, token="F")
        fresh.load("F", saved)
        after = fresh.facilitator_view("F"), fresh.team_view(t["blue"]), saved.read_text()
        assert after[0] == before[0] and after[1] == before[1]
        assert after[2] == before[2]  # the transcript still holds the teams' moves
        assert fresh.need_game().transcript[1]["moves"] == {
            "Japan": {"China": "grey_zone"},
            "China": {"Japan": "protest"},
        }
    assert fresh.need_game().paused and not fresh.auto_play
    assert fresh.team_view(t["blue"])["pending"] == {"Japan": {"China": "protest"}}
    assert fresh.seconds_left() == 300  # paused: the clock stands where it stood


def test_a_seed_out_of_range_and_numbers_beyond_float32_are_refused_at_start(
    host: GameHost,
) -> None:
    from sim.play.game import InputError

    for seed in (-1, 2**64, True, 1.5):
        with pytest.raises(InputError, match="seed"):
            host.start("F", SENKAKU, {"blue": ["Japan"]}, seed=seed)  # type: ignore[arg-type]
    for bad in ("rules.temperature=3.5e38", "rules.inertia=1e300", "rules.cost_scale=-1e39"):
        with pytest.raises(InputError, match="beyond what the engine holds") as info:
            host.start("F", SENKAKU, {"blue": ["Japan"]}, overrides=[bad])
        assert bad in str(info.value) and "\n" not in str(info.value)
    assert host.need_game().overrides == ["turns.limit=5"]  # the running game is kept


def test_views_cost_what_they_show_not_the_whole_game(
    host: GameHost, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The latency of ``/api/view`` under 50 polling teams (docs/classroom.md, Load test) came from
    every view converting every event of the game; a count of conversions is the timing-free
    measure of that cost: each event is converted once, however many views are served."""
    from sim.rules.explain import Event

    t = tokens(host)
    for _ in range(5):
        if host.need_game().over:
            break
        host.adjudicate("F", force=True)
    converted = 0
    to_dict = Event.to_dict

    def counting(self: Event) -> dict:
        nonlocal converted
        converted += 1
        return to_dict(self)

    monkeypatch.setattr(Event, "to_dict", counting)
    events = len(host.need_game().model.log)
    for _ in range(50):
        host.team_view(t["blue"])
        host.facilitator_view("F")
    assert converted <= events  # before: 100 views x every event of the game
    assert host.team_view(t["blue"])["events"]  # and the views still show the events
