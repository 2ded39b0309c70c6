"""``wargame serve``'s JSON API against a live server: tokens, refusals and malformed requests.

Every refused request must leave the game as it was and the server running.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("solara")

from helpers import Server

SENKAKU = "scenarios/senkaku_grey_zone.yaml"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    s = Server(tmp_path_factory.mktemp("serve") / "games")
    yield s
    s.stop()


@pytest.fixture
def game(server: Server) -> dict[str, str]:
    """A new two-team game; answers with the teams' tokens."""
    body = {
        "token": server.token,
        "scenario": SENKAKU,
        "teams": {"blue": ["Japan"], "red": ["China"]},
        "seed": 3,
        "overrides": ["turns.limit=4"],
    }
    status, out = server.request("POST", "/api/start", body)
    assert status == 200, out
    return {name: link.split("token=")[1] for name, link in out["seats"].items()}


def view(server: Server, token: str) -> dict:
    status, out = server.request("GET", f"/api/view?token={token}")
    assert status == 200, out
    return out


def test_wrong_tokens_are_refused(server: Server, game: dict[str, str]) -> None:
    before = view(server, server.token)
    assert server.request("GET", "/api/view?token=wrong")[0] == 403
    assert server.request("GET", "/api/view")[0] == 403
    move = {"token": "wrong", "actor": "Japan", "moves": {"China": "protest"}}
    status, out = server.request("POST", "/api/move", move)
    assert status == 403 and "token" in out["error"]
    # a team token does not open the facilitator's controls
    status, out = server.request("POST", "/api/turn", {"token": game["blue"], "force": True})
    assert status == 403 and "facilitator" in out["error"]
    # nor does it let a team move another team's actor
    move = {"token": game["blue"], "actor": "China", "moves": {"Japan": "protest"}}
    status, out = server.request("POST", "/api/move", move)
    assert status == 409 and "does not play China" in out["error"]
    assert view(server, server.token) == before


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{not json", "not JSON"),
        (b"\xff\xfe", "not JSON"),
        ("[1, 2]", "JSON object"),
        ("{}", "missing field 'token'"),
        ({"token": 7, "actor": "Japan", "moves": {}}, "'token' must be str"),
        ({"token": "T", "actor": "Japan"}, "missing field 'moves'"),
        ({"token": "T", "actor": ["Japan"], "moves": {}}, "'actor' must be str"),
        ({"token": "T", "actor": "Japan", "moves": ["protest"]}, "'moves' must be dict"),
        ("x" * 70_000, "over"),
    ],
)
def test_malformed_move_is_a_clear_400_and_changes_nothing(
    server: Server, game: dict[str, str], body: object, message: str
) -> None:
    if isinstance(body, dict) and body.get("token") == "T":
        body = {**body, "token": game["blue"]}
    before = view(server, server.token)
    status, out = server.request("POST", "/api/move", body)
    assert status == (413 if message == "over" else 400), out  # 413: too large
    assert message in out["error"]
    assert view(server, server.token) == before
    assert server.alive()


def test_move_values_of_the_wrong_kind_are_refused(server: Server, game: dict[str, str]) -> None:
    bad = {"token": game["blue"], "actor": "Japan", "moves": {"China": 3}}
    status, out = server.request("POST", "/api/move", bad)
    assert status == 409 and "rung name" in out["error"]
    bad["moves"] = {"China": "nuclear_use"}
    status, out = server.request("POST", "/api/move", bad)
    assert status == 409 and "may not choose" in out["error"]
    assert view(server, game["blue"])["pending"] == {}


def test_double_submission_and_private_pending_moves(server: Server, game: dict[str, str]) -> None:
    options = view(server, game["blue"])["options"]["Japan"]
    move = {"token": game["blue"], "actor": "Japan", "moves": {"China": options["China"][-1]}}
    assert server.request("POST", "/api/move", move)[0] == 200
    status, out = server.request("POST", "/api/move", move)  # the same request again
    assert status == 200 and out["waiting_for"] == ["red"]
    assert view(server, game["blue"])["pending"] == {"Japan": move["moves"]}
    red = view(server, game["red"])
    assert red["pending"] == {} and "pending" not in str(red["events"])
    assert view(server, server.token)["waiting_for"] == ["red"]


def test_turns_wait_for_teams_unless_forced_and_the_game_ends(
    server: Server, game: dict[str, str]
) -> None:
    status, out = server.request("POST", "/api/turn", {"token": server.token})
    assert status == 409 and "waiting for blue, red" in out["error"]
    assert server.request("POST", "/api/pause", {"token": server.token})[0] == 200
    status, out = server.request("POST", "/api/turn", {"token": server.token, "force": True})
    assert status == 409 and "paused" in out["error"]
    server.request("POST", "/api/pause", {"token": server.token, "paused": False})
    status, out = server.request("POST", "/api/inject", {"token": server.token, "name": "nope"})
    assert status == 409 and "unknown inject" in out["error"]
    over = False
    for _ in range(4):
        status, out = server.request("POST", "/api/turn", {"token": server.token, "force": True})
        assert status == 200, out
        over = out["over"]
    assert over and out["outcome"]
    status, out = server.request("POST", "/api/turn", {"token": server.token, "force": True})
    assert status == 409 and "over" in out["error"]


def test_bad_start_requests(server: Server) -> None:
    body = {"token": server.token, "scenario": "/etc/passwd", "teams": {"a": ["Japan"]}}
    status, out = server.request("POST", "/api/start", body)
    assert status == 409 and "unknown scenario" in out["error"]
    body = {"token": server.token, "scenario": SENKAKU, "teams": {"a": ["Atlantis"]}}
    status, out = server.request("POST", "/api/start", body)
    assert status == 409 and "unknown actor 'Atlantis'" in out["error"]
    body = {"token": server.token, "scenario": SENKAKU, "teams": {"a": "Japan"}}
    assert server.request("POST", "/api/start", body)[0] == 400
    body = {
        "token": server.token,
        "scenario": SENKAKU,
        "teams": {"a": ["Japan"]},
        "overrides": ["turns.limit=zero"],
    }
    status, out = server.request("POST", "/api/start", body)
    assert status == 400 and "turns.limit" in out["error"]
    assert server.alive()


def test_games_are_saved_with_their_seats(server: Server, game: dict[str, str]) -> None:
    games = Path(server.log).parent / "games"
    newest = max(games.glob("*/transcript.jsonl"), key=lambda p: p.stat().st_mtime)
    assert '"kind": "start"' in newest.read_text()
    assert game["blue"] not in newest.read_text()  # tokens stay out of the shareable transcript
    assert game["blue"] in (newest.parent / "seats.json").read_text()


def test_odd_page_addresses_are_refused_and_the_server_lives_on(server: Server) -> None:
    import urllib.request

    for path in ("/team?token=%ff%fe%00", "/team?token=" + "x" * 5000, "/facilitator?token=%C3%A9"):
        with urllib.request.urlopen(server.url + path, timeout=30) as r:
            assert r.status == 200  # the page loads, and then says the link opens nothing
    assert server.request("GET", "/api/view?token=%ff%fe")[0] == 403
    assert server.request("GET", "/api/view?token=%C3%A9")[0] == 403
    assert server.alive()


def test_serve_refuses_bad_arguments_in_one_line(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sim.cli import main

    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nactors: {A: {}}\noutcomes: {calm: {}}\nturns: {limit: -1}\n")
    assert main(["serve", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert str(bad) in err and "\n" not in err
    assert main(["serve", "--port", str(server.port)]) == 2  # taken by the running server
    assert "choose another --port" in capsys.readouterr().err


def test_auto_play_and_timer_requests(server: Server, game: dict[str, str]) -> None:
    for body in (
        {"token": server.token, "seconds": -1},
        {"token": server.token, "seconds": "60"},
        {"token": server.token, "seconds": True},
        {"token": server.token},
    ):
        assert server.request("POST", "/api/timer", body)[0] == 400, body
    assert server.request("POST", "/api/timer", {"token": game["red"], "seconds": 9})[0] == 403
    assert server.request("POST", "/api/auto", {"token": server.token, "on": "yes"})[0] == 400
    assert server.request("POST", "/api/auto", {"token": server.token, "on": True})[0] == 200
    move = {"token": game["blue"], "actor": "Japan", "moves": {}}
    assert server.request("POST", "/api/move", move)[1]["played"] is False
    move = {"token": game["red"], "actor": "China", "moves": {}}
    status, out = server.request("POST", "/api/move", move)
    assert status == 200 and out["played"] is True  # the last team to move played the turn
    assert view(server, server.token)["turn"] == 1
    status, out = server.request("POST", "/api/timer", {"token": server.token, "seconds": 600})
    assert status == 200 and 599 <= out["seconds_left"] <= 600
    assert 0 < view(server, game["blue"])["seconds_left"] <= 600
    server.request("POST", "/api/timer", {"token": server.token, "seconds": 0})
    assert view(server, game["blue"])["seconds_left"] is None


def server_rss_mb(server: Server) -> float:
    status = Path(f"/proc/{server.proc.pid}/status").read_text()
    return int(next(x for x in status.splitlines() if x.startswith("VmRSS")).split()[1]) / 1024


@pytest.mark.parametrize("path", ["/api/move", "/api/start", "/_solara/api/close/x", "/team"])
def test_a_body_over_the_limit_is_refused_by_its_length_before_it_is_read(
    server: Server, path: str
) -> None:
    import socket

    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(
            f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            "Content-Length: 1000000000\r\n\r\n".encode()
            + b'{"token": "'
        )  # a gigabyte announced, a few bytes sent: the answer must not wait for the rest
        answer = s.recv(4096)
        while answer.startswith(b"HTTP/1.1 413") and not answer.endswith(b"}"):
            more = s.recv(4096)  # the body may come in a second packet
            if not more:
                break
            answer += more
    assert answer.startswith(b"HTTP/1.1 413"), answer[:80]
    assert b"over 65536 bytes" in answer
    assert server.alive()


def test_a_chunked_body_is_read_only_up_to_the_limit(server: Server) -> None:
    import socket

    rss = server_rss_mb(server)
    sent = 0
    chunk = b"x" * 65536
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(b"POST /api/move HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        answer = b""
        s.setblocking(False)
        try:
            while sent < 256 << 20 and not answer:  # at most 256 MB, until the server answers
                try:
                    s.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    sent += len(chunk)
                except BlockingIOError:
                    pass
                with contextlib.suppress(BlockingIOError):
                    answer = s.recv(4096)
        except OSError:  # the server hung up on us: read its answer
            pass
        s.setblocking(True)
        answer = answer or s.recv(4096)
    assert answer.startswith(b"HTTP/1.1 413"), (sent, answer[:80])
    assert sent < 64 << 20, sent  # it stopped reading long before the end
    assert server_rss_mb(server) < rss + 40
    assert server.alive()


def test_a_wrong_token_in_the_address_is_refused_before_the_body(server: Server) -> None:
    status, out = server.request("POST", "/api/move?token=wrong", "x" * 60_000)
    assert status == 403 and "token" in out["error"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"seed": -1}, "seed -1: give a whole number"),
        ({"seed": 2**64}, "seed"),
        ({"seed": True}, "seed"),
        ({"overrides": ["rules.temperature=3.5e38"]}, "beyond what the engine holds"),
        ({"overrides": ["rules.cost_scale=1e39"]}, "beyond what the engine holds"),
    ],
)
def test_bad_numbers_at_start_are_a_one_line_400(
    server: Server, change: dict, message: str
) -> None:
    body = {"token": server.token, "scenario": SENKAKU, "teams": {"a": ["Japan"]}, **change}
    status, out = server.request("POST", "/api/start", body)
    assert status == 400, out
    assert message in out["error"] and "\n" not in out["error"]
    assert server.alive()


def test_saved_games_load_by_name_only(server: Server, game: dict[str, str]) -> None:
    f = server.token
    for name in ("../games", "/etc", "..", "x/../../etc", ""):
        status, out = server.request("POST", "/api/load", {"token": f, "game": name})
        assert status == 400, (name, out)
    status, out = server.request("POST", "/api/load", {"token": game["blue"], "game": "x"})
    assert status == 403


def test_the_load_script_runs_against_a_loopback_server_and_stops_by_itself(
    server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    from sim.serve.loadtest import main

    args = ["--url", server.url, "--token", server.token, "--clients", "4", "--seconds", "2"]
    assert main([*args, "--requests", "40", "--scenario", SENKAKU]) == 0
    out = capsys.readouterr().out
    assert "4 clients" in out and " 0 errors" in out and "p99" in out
    with pytest.raises(SystemExit):  # anything but this machine is refused
        main(["--url", "http://192.0.2.1:8765", "--seconds", "1"])
    assert "loopback" in capsys.readouterr().err
