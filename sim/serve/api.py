"""A small JSON API beside the pages, for scripts, bots and tests: the same checks as the pages.

- ``GET  /api/view?token=T``  the team's view, or the facilitator's with the facilitator's token
- ``POST /api/start``         ``{"token", "scenario", "teams": {name: [actor]}, "seed", "overrides"}``
                              (facilitator; answers with the team links)
- ``POST /api/move``          ``{"token", "actor", "moves": {rival: rung}}``
- ``POST /api/turn``          ``{"token", "force": false}`` (facilitator)
- ``POST /api/pause``         ``{"token", "paused": true}`` (facilitator)
- ``POST /api/inject``        ``{"token", "name"}`` (facilitator)
- ``POST /api/auto``          ``{"token", "on": true}`` play each turn once every team has moved
- ``POST /api/timer``         ``{"token", "seconds": 180}`` force each turn after this long (0: off)
- ``POST /api/load``          ``{"token", "game"}`` reload a saved game (a folder of the games folder)

Errors are ``{"error": "..."}`` with 400 (malformed request), 403 (wrong token), 404 (no game), 409
(refused now: game over, paused, waiting for teams, move not allowed) or 413 (body over 64 KB). A
refused request changes nothing.

A body is refused by its ``Content-Length`` before it is read, and a body without one is read only up
to the limit. A request may also carry its token in the address (``?token=T``): a wrong one is then
refused before the body is read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from sim.errors import WargameError
from sim.play.game import GameError, InputError, TokenError, json_safe, same_token
from sim.serve.host import GameHost, NoGame

MAX_BODY = 64 * 1024


class BadRequest(Exception):
    """A request the API cannot read."""


class TooLarge(BadRequest):
    """A request body over :data:`MAX_BODY` (HTTP 413)."""


class SafeJSON(JSONResponse):
    """JSON without NaN or Infinity (which are not JSON): such numbers are sent as null."""

    def render(self, content: Any) -> bytes:
        """The content as UTF-8 JSON; with NaN or Infinity inside, those numbers as null."""
        try:
            return json.dumps(content, ensure_ascii=False, allow_nan=False).encode("utf-8")
        except ValueError:
            return json.dumps(json_safe(content), ensure_ascii=False).encode("utf-8")


def error(status: int, message: str) -> JSONResponse:
    """A JSON error answer ``{"error": message}`` with that HTTP status."""
    return SafeJSON({"error": message}, status_code=status)


def declared_length(request: Request) -> int | None:
    """The request's ``Content-Length``; :class:`TooLarge` when it is over the limit."""
    text = request.headers.get("content-length")
    if text is None:
        return None
    if not text.strip().isdigit():
        raise BadRequest("Content-Length is not a number")
    if int(text) > MAX_BODY:
        raise TooLarge(f"request body over {MAX_BODY} bytes")
    return int(text)


async def body_of(request: Request) -> dict[str, Any]:
    """The JSON object in the body, read only up to :data:`MAX_BODY` bytes."""
    declared_length(request)
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_BODY:
                raise TooLarge(f"request body over {MAX_BODY} bytes")
            chunks.append(chunk)
    except ClientDisconnect:
        raise TooLarge(f"request body over {MAX_BODY} bytes") from None
    raw = b"".join(chunks)
    try:
        data = json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest(f"request body is not JSON ({exc})") from None
    if not isinstance(data, dict):
        raise BadRequest("request body must be a JSON object")
    return data


def field(
    data: dict[str, Any], name: str, kind: type | tuple[type, ...], default: Any = ...
) -> Any:
    """``data[name]`` checked to be of ``kind`` (``default`` if absent and one is given);
    a ``BadRequest`` naming the field otherwise."""
    if name not in data:
        if default is ...:
            raise BadRequest(f"missing field {name!r}")
        return default
    value = data[name]
    if not isinstance(value, kind):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise BadRequest(f"field {name!r} must be {names}")
    return value


Handler = Callable[[GameHost, Request], Awaitable[Any]]


def guarded(host: GameHost, handler: Handler) -> Callable[[Request], Awaitable[JSONResponse]]:
    """Map the engine's refusals to HTTP statuses; the game is untouched by a refused request."""

    async def endpoint(request: Request) -> JSONResponse:
        try:
            if request.method == "POST":
                declared_length(request)
                if "token" in request.query_params:
                    known_token(host, request.query_params["token"])
            return SafeJSON(await handler(host, request))
        except TooLarge as exc:
            return error(413, str(exc))
        except BadRequest as exc:
            return error(400, str(exc))
        except TokenError as exc:
            return error(403, str(exc))
        except NoGame as exc:
            return error(404, str(exc))
        except InputError as exc:
            return error(400, str(exc))
        except GameError as exc:
            return error(409, str(exc))
        except WargameError as exc:  # e.g. a bad scenario override: the request's fault
            return error(400, str(exc).strip().splitlines()[0])

    return endpoint


def known_token(host: GameHost, token: str) -> None:
    """Refuse a token that is neither the facilitator's nor a team's of the current game."""
    game = host.game
    if same_token(host.token, token):
        return
    if game is not None and any(same_token(t.token, token) for t in game.teams.values()):
        return
    raise TokenError("unknown or wrong token")


async def view(host: GameHost, request: Request) -> Any:
    """GET /api/view: the facilitator's view for the facilitator's token, else that team's view."""
    token = request.query_params.get("token", "")
    if host.role(token) == "facilitator":
        return host.facilitator_view(token)
    return host.team_view(token)


async def start(host: GameHost, request: Request) -> Any:
    """POST /api/start: a new game (scenario, teams, seed, overrides); answers the seat links."""
    data = await body_of(request)
    teams = field(data, "teams", dict)
    if not all(isinstance(v, list) and all(isinstance(a, str) for a in v) for v in teams.values()):
        raise BadRequest("field 'teams' must map team names to lists of actor names")
    overrides = field(data, "overrides", list, [])
    if not all(isinstance(o, str) for o in overrides):
        raise BadRequest("field 'overrides' must be a list of 'path=value' texts")
    game = host.start(
        field(data, "token", str),
        field(data, "scenario", str),
        teams,
        seed=field(data, "seed", int, 0),  # its range is checked by the host (400)
        overrides=overrides,
    )
    return {
        "game": host.game_id,
        "seats": {t.name: f"/team?token={t.token}" for t in game.teams.values()},
    }


async def move(host: GameHost, request: Request) -> Any:
    """POST /api/move: a team's moves for one of its actors; says whether the turn was played."""
    data = await body_of(request)
    token = field(data, "token", str)
    played = host.submit(token, field(data, "actor", str), field(data, "moves", dict))
    return {"ok": True, "played": played, "waiting_for": host.need_game().waiting_for()}


async def turn(host: GameHost, request: Request) -> Any:
    """POST /api/turn: play the turn (``force``: even if teams are still thinking)."""
    data = await body_of(request)
    events = host.adjudicate(field(data, "token", str), bool(field(data, "force", bool, False)))
    game = host.need_game()
    return {"turn": game.turn, "over": game.over, "outcome": game.outcome, "events": events}


async def pause(host: GameHost, request: Request) -> Any:
    """POST /api/pause: pause or resume the game."""
    data = await body_of(request)
    host.set_paused(field(data, "token", str), field(data, "paused", bool, True))
    return {"ok": True}


async def inject(host: GameHost, request: Request) -> Any:
    """POST /api/inject: fire one of the scenario's injects now."""
    data = await body_of(request)
    host.fire_inject(field(data, "token", str), field(data, "name", str))
    return {"ok": True}


async def auto(host: GameHost, request: Request) -> Any:
    """POST /api/auto: play the turn as soon as every team has moved, or not."""
    data = await body_of(request)
    host.set_auto_play(field(data, "token", str), field(data, "on", bool))
    return {"ok": True}


async def timer(host: GameHost, request: Request) -> Any:
    """POST /api/timer: the turn timer in seconds (0: none); answers the time left."""
    data = await body_of(request)
    seconds = field(data, "seconds", int)
    if isinstance(seconds, bool) or not 0 <= seconds <= 24 * 3600:
        raise BadRequest("field 'seconds' must be a whole number from 0 to 86400")
    host.set_timer(field(data, "token", str), seconds)
    return {"ok": True, "seconds_left": host.seconds_left()}


async def load(host: GameHost, request: Request) -> Any:
    """POST /api/load: reload a saved game by its folder name (no paths: only the games folder)."""
    data = await body_of(request)
    token = field(data, "token", str)
    host.check(token)
    name = field(data, "game", str)
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", name) or ".." in name:
        raise BadRequest("field 'game' must be the name of a saved game's folder")
    path = host.games_dir / name / "transcript.jsonl"
    if not path.is_file():
        raise BadRequest(f"no saved game {name!r} under {host.games_dir}")
    game = host.load(token, path)
    return {"game": host.game_id, "turn": game.turn, "over": game.over}


def routes(host: GameHost) -> list[Route]:
    """The API's routes on ``host``, each behind ``guarded`` (errors as one-line JSON)."""
    return [
        Route("/api/view", guarded(host, view), methods=["GET"]),
        Route("/api/start", guarded(host, start), methods=["POST"]),
        Route("/api/move", guarded(host, move), methods=["POST"]),
        Route("/api/turn", guarded(host, turn), methods=["POST"]),
        Route("/api/pause", guarded(host, pause), methods=["POST"]),
        Route("/api/inject", guarded(host, inject), methods=["POST"]),
        Route("/api/auto", guarded(host, auto), methods=["POST"]),
        Route("/api/timer", guarded(host, timer), methods=["POST"]),
        Route("/api/load", guarded(host, load), methods=["POST"]),
    ]
