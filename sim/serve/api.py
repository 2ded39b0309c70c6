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

Errors are ``{"error": "..."}`` with 400 (malformed request), 403 (wrong token), 404 (no game) or 409
(refused now: game over, paused, waiting for teams, move not allowed). A refused request changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from sim.errors import WargameError
from sim.play.game import GameError, TokenError
from sim.serve.host import GameHost, NoGame

MAX_BODY = 64 * 1024


class BadRequest(Exception):
    """A request the API cannot read."""


def error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


async def body_of(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise BadRequest(f"request body over {MAX_BODY} bytes")
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
            return JSONResponse(await handler(host, request))
        except BadRequest as exc:
            return error(400, str(exc))
        except TokenError as exc:
            return error(403, str(exc))
        except NoGame as exc:
            return error(404, str(exc))
        except GameError as exc:
            return error(409, str(exc))
        except WargameError as exc:  # e.g. a bad scenario override: the request's fault
            return error(400, str(exc).strip().splitlines()[0])

    return endpoint


async def view(host: GameHost, request: Request) -> Any:
    token = request.query_params.get("token", "")
    if host.role(token) == "facilitator":
        return host.facilitator_view(token)
    return host.team_view(token)


async def start(host: GameHost, request: Request) -> Any:
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
        seed=field(data, "seed", int, 0),
        overrides=overrides,
    )
    return {
        "game": host.game_id,
        "seats": {t.name: f"/team?token={t.token}" for t in game.teams.values()},
    }


async def move(host: GameHost, request: Request) -> Any:
    data = await body_of(request)
    token = field(data, "token", str)
    played = host.submit(token, field(data, "actor", str), field(data, "moves", dict))
    return {"ok": True, "played": played, "waiting_for": host.need_game().waiting_for()}


async def turn(host: GameHost, request: Request) -> Any:
    data = await body_of(request)
    events = host.adjudicate(field(data, "token", str), bool(field(data, "force", bool, False)))
    game = host.need_game()
    return {"turn": game.turn, "over": game.over, "outcome": game.outcome, "events": events}


async def pause(host: GameHost, request: Request) -> Any:
    data = await body_of(request)
    host.set_paused(field(data, "token", str), field(data, "paused", bool, True))
    return {"ok": True}


async def inject(host: GameHost, request: Request) -> Any:
    data = await body_of(request)
    host.fire_inject(field(data, "token", str), field(data, "name", str))
    return {"ok": True}


async def auto(host: GameHost, request: Request) -> Any:
    data = await body_of(request)
    host.set_auto_play(field(data, "token", str), field(data, "on", bool))
    return {"ok": True}


async def timer(host: GameHost, request: Request) -> Any:
    data = await body_of(request)
    seconds = field(data, "seconds", int)
    if isinstance(seconds, bool) or not 0 <= seconds <= 24 * 3600:
        raise BadRequest("field 'seconds' must be a whole number from 0 to 86400")
    host.set_timer(field(data, "token", str), seconds)
    return {"ok": True, "seconds_left": host.seconds_left()}


def routes(host: GameHost) -> list[Route]:
    return [
        Route("/api/view", guarded(host, view), methods=["GET"]),
        Route("/api/start", guarded(host, start), methods=["POST"]),
        Route("/api/move", guarded(host, move), methods=["POST"]),
        Route("/api/turn", guarded(host, turn), methods=["POST"]),
        Route("/api/pause", guarded(host, pause), methods=["POST"]),
        Route("/api/inject", guarded(host, inject), methods=["POST"]),
        Route("/api/auto", guarded(host, auto), methods=["POST"]),
        Route("/api/timer", guarded(host, timer), methods=["POST"]),
    ]
