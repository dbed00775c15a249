"""``create_app(settings)``: the FastAPI app behind ``storyline serve``.

The app is built by a factory so tests (and the bench) can point it at any store.
What it holds is on ``app.state``: how to open a repository, the page renderer
and the static files, read once from package data. Nothing lives in module
globals.

Routes are plain ``async def`` functions that call the repository directly: the
store is a local SQLite file whose reads take a millisecond or two, so handing
each one to a worker thread would add more (thread hand-off under the GIL) than
it saves.

Every response carries a strict Content-Security-Policy (scripts and styles from
this server only, no inline script, no plugins, no framing). Autoescaping in the
templates is the first defence against a hostile article; the policy is the
second, should a bug ever let markup through.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from storyline.errors import StoreError
from storyline.settings import Settings
from storyline.web.cache import PageCache
from storyline.web.render import Pages
from storyline.web.repo import NotFound, Repository
from storyline.web.routes import articles, docs, search, static, stories

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


def create_app(settings: Settings | None = None,
               open_repository: Callable[[], Repository] | None = None) -> FastAPI:
    """Build the web app over ``settings.db`` (or over ``open_repository()``, for tests).

    ``open_repository`` is called once per request and the repository closed
    after it; by default it opens the SQLite store read-only.
    """
    settings = settings or Settings.from_env()
    pool = None
    if open_repository is None:
        from storyline.web.repo import SqlitePool

        pool = SqlitePool(settings.db)
        open_repository = pool.open

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
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
    app.state.page_cache = PageCache(str(settings.db))
    app.state.pages = Pages(Path(settings.db).name, {k: v.etag for k, v in static_files.items()})
    for module in (stories, articles, search):
        app.include_router(module.api)
        app.include_router(module.pages)
    app.include_router(static.router)
    app.include_router(docs.router)
    _install_error_handlers(app)
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
    return create_app(Settings.from_env())
