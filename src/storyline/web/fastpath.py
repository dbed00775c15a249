"""Serve cached pages before routing: the hot path of a busy server.

Why: a story page served from the page cache costs ~0.2 ms of CPU in the app,
most of it FastAPI's routing, parameter validation and dependency machinery
around a dictionary lookup; under 50 concurrent readers on two shared cores,
CPU per request is latency. This pure-ASGI middleware answers a GET for a page
the cache already holds (for the store's current version) straight from the
cache, with the same body, ETag, Cache-Control and 304 handling as the route
(both call ``render.page_response``'s rules through ``conditional``), and
hands every other request to the app unchanged.

It can never serve something the app would not: pages are keyed by their exact
path and query string (``cache.url_key``) and only a route that validated and
rendered a URL stores it, so a hit is a page the route itself produced for this
URL; and it checks the store version like the route does.
Security headers are added by the middleware outside this one.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from storyline.web.cache import CachedPage, PageCache, url_key
from storyline.web.render import CACHE_CONTROL, etag_matches

# The routes that keep their pages in the cache (routes/stories.py): other paths skip the lookup.
CACHED_PREFIXES = ("/stories/", "/api/stories/")


def is_cached_route(path: str) -> bool:
    """Whether ``path`` belongs to a route that serves its pages through the page cache."""
    return path == "/" or path.startswith(CACHED_PREFIXES)


class CachedPages:
    """ASGI middleware: answer query-less GETs of cached pages without routing."""

    def __init__(self, app: ASGIApp, cache: PageCache) -> None:
        self.app = app
        self.cache = cache

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and is_cached_route(scope["path"]):
            _, page = self.cache.lookup(url_key(scope["path"], scope.get("query_string", b"")))
            if page is not None:
                await _send(scope, send, page)
                return
        await self.app(scope, receive, send)


async def _send(scope: Scope, send: Send, page: CachedPage) -> None:
    if_none_match = b""
    for name, value in scope["headers"]:
        if name == b"if-none-match":
            if_none_match = value
            break
    headers = [(b"etag", page.etag.encode()), (b"cache-control", CACHE_CONTROL.encode())]
    if etag_matches(page.etag, if_none_match.decode("latin-1")):
        await send({"type": "http.response.start", "status": 304, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
        return
    headers += [(b"content-type", page.media_type.encode()),
                (b"content-length", str(len(page.body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": page.body})
