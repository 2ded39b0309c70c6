"""A served game survives ``kill -9`` at any point, any number of times: after each kill the server
is started again, the game reloaded (``POST /api/load``), and it equals the game before the kill:
turns, moves in the transcript, the teams' submitted-but-unplayed moves, pause, the auto-play switch
and the turn timer. At the end the game is played out and compared with the same game played
without a single kill."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest

pytest.importorskip("solara")

from helpers import ROOT, Server

from sim.serve.host import GameHost

SENKAKU = "scenarios/senkaku_grey_zone.yaml"
TEAMS = {"blue": ["Japan"], "red": ["China"]}


def snapshot(server: Server, seats: dict[str, str], games: Path, game_id: str) -> dict:
    """Everything a user can see of the game (the clock apart), and its saved transcript."""
    status, fac = server.request("GET", f"/api/view?token={server.token}")
    assert status == 200, fac
    views = {}
    for name, token in seats.items():
        status, views[name] = server.request("GET", f"/api/view?token={token}")
        assert status == 200, views[name]
    clock = {"facilitator": fac.pop("seconds_left")}
    for name, v in views.items():
        clock[name] = v.pop("seconds_left")
    transcript = (games / game_id / "transcript.jsonl").read_text()
    return {"facilitator": fac, "teams": views, "transcript": transcript, "clock": clock}


def kill_and_reload(server: Server, games: Path, game_id: str) -> Server:
    """``kill -9`` the server, start another on the same games folder and reload the game."""
    server.proc.send_signal(signal.SIGKILL)
    server.proc.wait(10)
    fresh = Server(games)
    status, out = fresh.request("POST", "/api/load", {"token": fresh.token, "game": game_id})
    assert status == 200, out
    assert out["game"] == game_id
    return fresh


def assert_same(before: dict, after: dict) -> None:
    assert after["facilitator"] == before["facilitator"]
    assert after["teams"] == before["teams"]
    assert after["transcript"] == before["transcript"]
    for who, left in before["clock"].items():
        if left is None:
            assert after["clock"][who] is None, who
        else:  # the time left as saved within the last second: the downtime does not count
            assert left - 3 <= after["clock"][who] <= left + 1, (who, left, after["clock"][who])


def post(server: Server, path: str, body: dict) -> dict:
    status, out = server.request("POST", path, body)
    assert status == 200, (path, out)
    return out


def test_a_game_survives_repeated_kill_9_and_reload(tmp_path: Path) -> None:
    games = tmp_path / "games"
    server = Server(games)
    try:
        f = server.token
        out = post(
            server,
            "/api/start",
            {"token": f, "scenario": SENKAKU, "teams": TEAMS, "seed": 5, "overrides": []},
        )
        game_id = out["game"]
        seats = {name: link.split("token=")[1] for name, link in out["seats"].items()}
        post(server, "/api/timer", {"token": f, "seconds": 900})
        blue = {"token": seats["blue"], "actor": "Japan", "moves": {"China": "grey_zone"}}

        red = {"token": seats["red"], "actor": "China", "moves": {"Japan": "protest"}}

        # 1: a turn played with the teams' moves; the next move in, not yet played; paused; a timer
        assert post(server, "/api/move", blue)["played"] is False
        assert post(server, "/api/move", red)["played"] is True
        post(server, "/api/move", {**blue, "moves": {"China": "protest"}})
        post(server, "/api/pause", {"token": f, "paused": True})
        before = snapshot(server, seats, games, game_id)
        assert before["teams"]["blue"]["pending"] == {"Japan": {"China": "protest"}}
        assert before["facilitator"]["paused"] and before["facilitator"]["turn"] == 1
        server = kill_and_reload(server, games, game_id)
        assert_same(before, snapshot(server, seats, games, game_id))

        # 2: resumed, an inject fired, manual turns, the other team's move in (a second replay)
        post(server, "/api/pause", {"token": f, "paused": False})
        post(server, "/api/inject", {"token": f, "name": next(iter(injects()))})
        post(server, "/api/auto", {"token": f, "on": False})
        post(server, "/api/move", {**red, "moves": {"Japan": "grey_zone"}})
        before = snapshot(server, seats, games, game_id)
        assert before["facilitator"]["waiting_for"] == [] and not before["facilitator"]["auto_play"]
        server = kill_and_reload(server, games, game_id)
        assert_same(before, snapshot(server, seats, games, game_id))

        # 3: after a turn, timer off (a third replay)
        post(server, "/api/turn", {"token": f})
        post(server, "/api/timer", {"token": f, "seconds": 0})
        before = snapshot(server, seats, games, game_id)
        server = kill_and_reload(server, games, game_id)
        assert_same(before, snapshot(server, seats, games, game_id))

        while not server.request("GET", f"/api/view?token={f}")[1]["over"]:
            post(server, "/api/move", {**blue, "moves": {}})
            post(server, "/api/turn", {"token": f, "force": True})
        final = (games / game_id / "transcript.jsonl").read_text()
    finally:
        server.stop()

    # the same game, played in one go without a kill, gives the same transcript
    host = GameHost(str(ROOT / SENKAKU), games_dir=tmp_path / "direct", token="F")
    host.start("F", SENKAKU, TEAMS, seed=5)
    t = {team.name: team.token for team in host.need_game().teams.values()}
    host.set_timer("F", 900)
    host.submit(t["blue"], "Japan", {"China": "grey_zone"})
    host.submit(t["red"], "China", {"Japan": "protest"})
    host.submit(t["blue"], "Japan", {"China": "protest"})
    host.set_paused("F", True)
    host.set_paused("F", False)
    host.fire_inject("F", next(iter(injects())))
    host.set_auto_play("F", False)
    host.submit(t["red"], "China", {"Japan": "grey_zone"})
    host.adjudicate("F")
    host.set_timer("F", 0)
    while not host.need_game().over:
        host.submit(t["blue"], "Japan", {})
        host.adjudicate("F", force=True)
    assert final == host.need_game().transcript_text()
    moved = [json.loads(line) for line in final.splitlines()][1:4]
    assert [r["kind"] for r in moved] == ["turn", "inject", "turn"]
    assert moved[0]["moves"] == {"Japan": {"China": "grey_zone"}, "China": {"Japan": "protest"}}
    assert moved[2]["moves"] == {"Japan": {"China": "protest"}, "China": {"Japan": "grey_zone"}}


def injects() -> list[str]:
    from sim.model import compiled

    return list(compiled(str(ROOT / SENKAKU)).scenario.injects)
