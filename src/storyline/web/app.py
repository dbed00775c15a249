"""``create_app(settings)``: the FastAPI app behind ``storyline serve``.

The app is built by a factory so tests (and the bench) can point it at any store.
What it holds is on ``app.state``: how to open a repository, the page renderer
and the static files, read once from package data. Nothing lives in module
globals.

Routes are plain ``async def`` functions that call the repository directly: the
store is a local SQLite file whose reads take a millisecond or two, so handing
each one to a worker thread would add more (thread hand-off under the GIL) than
it saves.

Pages that depend only on the store (the story list, story pages) are served
from a per-process page cache, checked against the store's version on every
request and warmed in the background at startup (``WebOptions``, web/cache.py,
web/warm.py): under 50 concurrent readers that, not the SQL, is what keeps the
story page's p95 latency under 100 ms (bench/bench_web.py).

Every response carries a strict Content-Security-Policy (scripts and styles from
this server only, no inline script, no plugins, no framing). Autoescaping in the
templates is the first defence against a hostile article; the policy is the
second, should a bug ever let markup through.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from storyline.errors import StoreError
from storyline.settings import Settings
from storyline.web.cache import DEFAULT_MAX_BYTES, PageCache
from storyline.web.fastpath import CachedPages
from storyline.web.render import Pages
from storyline.web.repo import NotFound, Repository
from storyline.web.routes import articles, docs, search, static, stories
from storyline.web.warm import Warmer

log = logging.getLogger("storyline.web")

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' https: http: data:; "
       "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class SecurityHeaders:
    """ASGI middleware adding SECURITY_HEADERS to every HTTP response (pure ASGI: cheap)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + SECURITY_HEADERS
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def _error(request: Request, status: int, title: str, message: str) -> Response:
    if _wants_json(request):
        return JSONResponse({"error": {"status": status, "message": message}}, status_code=status)
    pages: Pages = request.app.state.pages
    return pages.render(request, "error.html", status_code=status, status=status, title=title,
                        message=message, q="")


_LISTS = {"story": "/api/stories", "article": "/api/search?q=...", "static file": "/"}


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        where = _LISTS.get(exc.kind, "/")
        return _error(request, 404, "Not found",
                      f"No {exc.kind} has the id {exc.ident!r}. Find ids at {where}.")

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "path"))
            problems.append(f"{where or 'request'}: {err.get('msg', 'invalid')}")
        status = 422 if _wants_json(request) else 400
        return _error(request, status, "Bad request", "; ".join(problems) + ".")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        messages = {404: "There is no page at this address.",
                    405: "This server is read-only: it answers GET requests only."}
        msg = messages.get(exc.status_code, str(exc.detail))
        resp = _error(request, exc.status_code, str(exc.detail), msg)
        if exc.headers:
            resp.headers.update(exc.headers)
        return resp

    @app.exception_handler(StoreError)
    async def store_error(request: Request, exc: StoreError) -> Response:
        return _error(request, 503, "Store unavailable", f"The store cannot be read: {exc}")

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> Response:  # pragma: no cover - a bug
        log.exception("error serving %s", request.url.path)
        return _error(request, 500, "Internal error",
                      "Something went wrong on the server; the error is in its log.")


@dataclass(frozen=True, slots=True)
class WebOptions:
    """How the server uses memory and time on pages (``storyline serve`` options).

    cache_mb: megabytes of rendered pages kept per server process (0 turns the
        page cache off). 64 holds every story page of a 10k-article store
        (bench_web: 17 kB a page on average, 2,885 stories).
    warm: how many of the most recent stories' pages to render in the
        background at startup (0: none; pages are then rendered on first visit).
    """

    cache_mb: int = DEFAULT_MAX_BYTES // (1024 * 1024)
    warm: int = 0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> WebOptions:
        """Defaults overridden by ``STORYLINE_WEB_CACHE_MB`` and ``STORYLINE_WEB_WARM``.

        Worker processes (``serve --workers N``) build their app from the
        environment, so this is how ``serve`` hands them its options.
        """
        env = os.environ if env is None else env
        values = {f: int(env[f"STORYLINE_WEB_{f.upper()}"]) for f in ("cache_mb", "warm")
                  if env.get(f"STORYLINE_WEB_{f.upper()}")}
        return cls(**values)

    def to_env(self) -> dict[str, str]:
        """The environment variables ``from_env`` reads back."""
        return {"STORYLINE_WEB_CACHE_MB": str(self.cache_mb), "STORYLINE_WEB_WARM": str(self.warm)}


def create_app(settings: Settings | None = None,
               open_repository: Callable[[], Repository] | None = None,
               options: WebOptions | None = None) -> FastAPI:
    """Build the web app over ``settings.db`` (or over ``open_repository()``, for tests).

    ``open_repository`` is called once per page the cache does not hold, and the
    repository closed after it; by default it opens the SQLite store read-only.
    ``options`` sizes the page cache and the startup warming (``WebOptions``).
    """
    settings = settings or Settings.from_env()
    options = options or WebOptions()
    pool = None
    if open_repository is None:
        from storyline.web.repo import SqlitePool

        pool = SqlitePool(settings.db)
        open_repository = pool.open

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        warmer = Warmer(app.state, options.warm).start()
        app.state.warmer = warmer
        yield
        warmer.stop()
        if pool is not None:
            pool.close()

    app = FastAPI(
        lifespan=lifespan,
        title="storyline",
        summary="One sourced account of each story, from many outlets.",
        description="Read-only JSON API over a storyline store. Unknown ids give 404 with "
                    '`{"error": {"status": 404, "message": ...}}`.',
        version=_version(),
        docs_url=None, redoc_url=None,  # they load their UI from a CDN; /api is served locally
    )
    static_files = static.load_static()
    app.state.settings = settings
    app.state.open_repository = open_repository
    app.state.static = static_files
    app.state.options = options
    app.state.page_cache = PageCache(str(settings.db), max_bytes=options.cache_mb * 1024 * 1024)
    app.state.pages = Pages(Path(settings.db).name, {k: v.etag for k, v in static_files.items()})
    for module in (stories, articles, search):
        app.include_router(module.api)
        app.include_router(module.pages)
    app.include_router(static.router)
    app.include_router(docs.router)
    _install_error_handlers(app)
    # Added last = outermost: SecurityHeaders wraps CachedPages, so pages served from
    # the cache before routing carry the same headers as every other response.
    app.add_middleware(CachedPages, cache=app.state.page_cache)
    app.add_middleware(SecurityHeaders)
    return app


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("storyline")
    except Exception:  # not installed (running from a checkout)
        return "0"


def app_factory() -> Any:
    """For ``uvicorn --factory storyline.web.app:app_factory`` (settings from the environment)."""
    return create_app(Settings.from_env(), options=WebOptions.from_env())
