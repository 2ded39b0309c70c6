"""The ASGI app: the JSON API and Solara's pages in one Starlette app, one process, one game host.

Solara reads its app module from ``SOLARA_APP`` when ``solara.server`` is first imported, so the
environment is set before that import. ``WARGAME_*`` variables carry the ``wargame serve`` options to
the host (see :func:`sim.serve.host.current`), so ``uvicorn sim.serve.asgi:app`` works too.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from sim.serve.host import current as host

os.environ.setdefault("SOLARA_APP", "sim.serve.pages")
os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
os.environ.setdefault("SOLARA_KERNEL_CULL_TIMEOUT", "15m")  # a closed tab's session is freed
# Solara warns on every page served over plain http to a host other than "localhost" (a classroom
# network); it then uses a same-site cookie, which is what we want.
warnings.filterwarnings("ignore", message="Cookies with samesite=none require https")


Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class BodyLimit:
    """Refuse every HTTP request body over ``limit`` bytes (413), the pages' as well as the API's:
    by its ``Content-Length`` before a byte is read, and a body without one (chunked) after the
    limit, reading no further. The API says the same in its own words first (``sim.serve.api``)."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def refuse(self, send: Send) -> None:
        """Answer 413 with a JSON error and close the connection."""
        body = json.dumps({"error": f"request body over {self.limit} bytes"}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Message, receive: Receive, send: Send) -> None:
        """Pass the request on, refusing it by its Content-Length or once the body
        read so far is over the limit."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for key, value in scope.get("headers", []):
            if key == b"content-length" and value.strip().isdigit() and int(value) > self.limit:
                await self.refuse(send)
                return
        seen = 0
        over = False
        started = False

        async def limited() -> Message:
            nonlocal seen, over
            if over:  # the app asks for more after the limit: the client is cut off
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                over = seen > self.limit  # this chunk still goes through: the API answers 413
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        await self.app(scope, limited, tracked)
        if over and not started:
            await self.refuse(send)


def build_app():
    """The Starlette app: the JSON API routes first, then Solara's pages and assets."""
    from solara.server import starlette as solara_starlette
    from starlette.applications import Starlette

    from sim.serve.api import routes

    return Starlette(
        routes=[*routes(host()), *solara_starlette.routes],
        lifespan=solara_starlette.lifespan,
        middleware=solara_starlette.middleware,
    )


def limited_app() -> BodyLimit:
    """``build_app()`` behind the request body limit of the API (``MAX_BODY``)."""
    from sim.serve.api import MAX_BODY

    return BodyLimit(build_app(), MAX_BODY)


app = limited_app()
