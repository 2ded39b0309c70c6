"""Solara pages of ``wargame serve``: routes and layout.

- ``/facilitator?token=F``  set up, run and review the game (F is printed by ``wargame serve``)
- ``/team?token=T``         one team's seat (links shown on the facilitator's page)

Pages hold no game state: every click is a request to the :class:`~sim.serve.host.GameHost`, which
checks the token and the doctrine, and every page redraws when the host's version changes. Closing a
tab loses nothing; reopening the link shows the seat as it is.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

import solara

from sim.serve.facilitator import FacilitatorPage
from sim.serve.seat import TeamPage

CSS = """
.wg-log { font-family: ui-monospace, monospace; font-size: 12px; white-space: pre-wrap;
          max-height: 420px; overflow-y: auto; background: #f7f7f7; padding: 8px; }
.wg-muted { color: #666; font-size: 13px; }
.wg-aar { max-height: none; }
.wg-table { border-collapse: collapse; margin: 4px 0 8px; }
.wg-table td, .wg-table th { border: 1px solid #ddd; padding: 2px 8px; text-align: left; }
.wg-text { white-space: pre-wrap; }
"""


def use_token() -> str:
    """The ``token`` query parameter of the page's address."""
    query = parse_qs(solara.use_router().search or "")
    return (query.get("token") or [""])[0]


@solara.component
def Layout(children: list[Any] = []) -> None:  # noqa: B006 - Solara's layout signature
    """A plain page: no navigation tabs (a team must not be pointed at the other pages)."""
    solara.Style(CSS)
    solara.Column(children=children, style={"padding": "12px 20px"})


@solara.component
def Home() -> None:
    """The front page: points teams and facilitators to their links."""
    solara.Title("alliance-wargame")
    solara.Markdown(
        "# alliance-wargame\n\nTeams: open the link your facilitator gave you. "
        "Facilitators: open the link `wargame serve` printed."
    )


@solara.component
def Team() -> None:
    """/team?token=T: the team's seat."""
    TeamPage(use_token())


@solara.component
def Facilitator() -> None:
    """/facilitator?token=F: the facilitator's page."""
    FacilitatorPage(use_token())


routes = [
    solara.Route(path="/", component=Home, layout=Layout),
    solara.Route(path="team", component=Team, layout=Layout),
    solara.Route(path="facilitator", component=Facilitator, layout=Layout),
]
