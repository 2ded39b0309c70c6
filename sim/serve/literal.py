"""Text shown literally, the only way the classroom pages show user or scenario text.

Text from users (team names, what-if changes) or from a scenario file (title, briefing, actor,
outcome and inject names) is never given to ``solara.Markdown``: Solara compiles Markdown into a Vue
template, so HTML in it runs and ``{{ ... }}`` is evaluated (escaping entities does not help: Vue
decodes them before it looks for ``{{``). These helpers put it in text nodes, where it shows as
typed. Each returns a Solara element, added to the enclosing container like any component's.
"""

from __future__ import annotations

from typing import Any

import reacton.ipyvuetify as rv


def Text(
    *parts: str | tuple[str, str], tag: str = "div", classes: str = "", style: str = ""
) -> Any:
    """A line of literal text; a part ``(text, "b")`` is bold (any tag name: ``"h2"``, ``"i"``)."""
    children = [p if isinstance(p, str) else rv.Html(tag=p[1], children=[p[0]]) for p in parts]
    return rv.Html(tag=tag, children=children, class_=classes, style_=style)


def Table(headers: list[str], rows: list[list[str]], classes: str = "wg-table") -> Any:
    """A table of literal text."""

    def row(cells: list[str], cell: str) -> Any:
        return rv.Html(tag="tr", children=[rv.Html(tag=cell, children=[str(c)]) for c in cells])

    return rv.Html(
        tag="table",
        class_=classes,
        children=[
            rv.Html(tag="thead", children=[row(headers, "th")]),
            rv.Html(tag="tbody", children=[row(r, "td") for r in rows]),
        ],
    )


def Link(url: str) -> Any:
    """A link showing its own address."""
    return rv.Html(tag="a", attributes={"href": url, "target": "_blank"}, children=[url])
