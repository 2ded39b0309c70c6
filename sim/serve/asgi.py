"""The ASGI app: the JSON API and Solara's pages in one Starlette app, one process, one game host.

Solara reads its app module from ``SOLARA_APP`` when ``solara.server`` is first imported, so the
environment is set before that import. ``WARGAME_*`` variables carry the ``wargame serve`` options to
the host (see :func:`sim.serve.host.current`), so ``uvicorn sim.serve.asgi:app`` works too.
"""

from __future__ import annotations

import os
import warnings

from sim.serve.host import current as host

os.environ.setdefault("SOLARA_APP", "sim.serve.pages")
os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
os.environ.setdefault("SOLARA_KERNEL_CULL_TIMEOUT", "15m")  # a closed tab's session is freed
# Solara warns on every page served over plain http to a host other than "localhost" (a classroom
# network); it then uses a same-site cookie, which is what we want.
warnings.filterwarnings("ignore", message="Cookies with samesite=none require https")


def build_app():
    from solara.server import starlette as solara_starlette
    from starlette.applications import Starlette

    from sim.serve.api import routes

    return Starlette(
        routes=[*routes(host()), *solara_starlette.routes],
        lifespan=solara_starlette.lifespan,
        middleware=solara_starlette.middleware,
    )


app = build_app()
