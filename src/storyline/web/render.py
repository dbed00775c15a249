"""Server-side rendering: the Jinja2 environment and the page helpers every route uses.

One ``Pages`` object is built by ``create_app`` and kept on ``app.state`` (not in
a module global, so two apps over two stores never share anything). Autoescape
is on for every template; the few values marked safe are named where they are
made (pictures, JSON-LD, the snippet marks).

``cached_page`` is how a page that depends only on the store is served: from
the app's ``PageCache`` when it holds the page for the store's current version,
else rendered (on a repository opened only then) and kept. Either way the
response carries an ETag and ``Cache-Control: no-cache`` (a browser may keep
the page but asks each time whether it is still current), and a request whose
``If-None-Match`` names the current ETag gets an empty 304.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup, escape

from storyline.export.html import template_env
from storyline.web.cache import HTML, CachedPage, PageCache, url_key
from storyline.web.repo import HIT_END, HIT_START, Repository


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

    def html(self, name: str, **context: Any) -> str:
        """Render template ``name`` with ``context`` (plus ``static`` and ``db_name``) to text."""
        context.setdefault("q", "")
        context.setdefault("page_lang", "en")
        return self.env.get_template(name).render(static=self.static, db_name=self.db_name, **context)

    def render(self, request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        """Render ``name`` with ``context`` (plus ``static``, ``db_name`` and ``q``)."""
        context.setdefault("q", request.query_params.get("q", ""))
        return HTMLResponse(self.html(name, **context), status_code=status_code)


# Browsers may keep a page but must ask (If-None-Match) before showing it again:
# the store can change under the server at any time.
CACHE_CONTROL = "no-cache"


def page_response(request: Request, page: CachedPage) -> Response:
    """``page`` as a 200, or an empty 304 when the browser already has these bytes."""
    headers = {"ETag": page.etag, "Cache-Control": CACHE_CONTROL}
    if etag_matches(page.etag, request.headers.get("if-none-match", "")):
        return Response(status_code=304, headers=headers)
    return Response(page.body, media_type=page.media_type, headers=headers)


def etag_matches(etag: str, if_none_match: str) -> bool:
    """Whether an If-None-Match header names ``etag`` (weak comparison, as RFC 9110 asks) or is ``*``."""
    if not if_none_match:
        return False
    tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return etag in tags or "*" in tags


def cached_page(request: Request, render: Callable[[Repository], str], media_type: str = HTML) -> Response:
    """Serve the requested URL's page from the app's page cache, rendering it with ``render`` on a miss.

    ``render`` gets a repository opened for it alone (a cache hit opens none) and
    returns the page's text (HTML, or JSON with ``media_type=JSON``); an error it
    raises (``NotFound``...) propagates to the app's handlers and nothing is cached.
    """
    cache: PageCache = request.app.state.page_cache
    key = url_key(request.scope["path"], request.scope.get("query_string", b""))
    _, page = cache.lookup(key)
    if page is None:
        repo: Repository = request.app.state.open_repository()
        try:
            # The version is read after opening (the first read-only connection to a
            # WAL store creates its -wal file, which changes the version) and before
            # reading: a write committed in between makes the entry stale, never wrong.
            version = cache.version()
            html = render(repo)
        finally:
            repo.close()
        page = cache.store(key, version, html.encode("utf-8"), media_type)
    return page_response(request, page)
