"""Server-side rendering: the Jinja2 environment and the page helpers every route uses.

One ``Pages`` object is built by ``create_app`` and kept on ``app.state`` (not in
a module global, so two apps over two stores never share anything). Autoescape
is on for every template; the few values marked safe are named where they are
made (pictures, JSON-LD, the snippet marks).
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup, escape

from storyline.export.html import template_env
from storyline.web.repo import HIT_END, HIT_START


def marks(snippet: str) -> Markup:
    """Escape a search snippet, then turn its hit markers into ``<mark>`` elements."""
    text = str(escape(snippet))
    return Markup(text.replace(HIT_START, "<mark>").replace(HIT_END, "</mark>"))


class Pages:
    """Renders templates into HTML responses with the context every page needs."""

    def __init__(self, db_name: str, static_versions: dict[str, str]) -> None:
        self.env = template_env()
        self.env.filters["marks"] = marks
        self.db_name = db_name
        self.static_versions = static_versions

    def static(self, name: str) -> str:
        """The URL of a static file, with its content hash so browsers refetch on change."""
        return f"/static/{name}?v={self.static_versions.get(name, '0')}"

    def render(self, request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        """Render ``name`` with ``context`` (plus ``static``, ``db_name`` and ``q``)."""
        context.setdefault("q", request.query_params.get("q", ""))
        context.setdefault("page_lang", "en")
        html = self.env.get_template(name).render(static=self.static, db_name=self.db_name, **context)
        return HTMLResponse(html, status_code=status_code)
