"""Dependencies the routes declare with ``Annotated`` aliases (FastAPI's template layout).

``RepoDep`` opens one read-only repository per request and closes it when the
response is done; ``PagesDep`` is the app's renderer. Both come from
``request.app.state``, which ``create_app`` fills, so tests can build an app over
any store.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request

from storyline.web.render import Pages
from storyline.web.repo import Repository


async def get_repo(request: Request) -> AsyncIterator[Repository]:
    """One repository for this request (opening SQLite read-only takes ~50 µs)."""
    repo: Repository = request.app.state.open_repository()
    try:
        yield repo
    finally:
        repo.close()


async def get_pages(request: Request) -> Pages:
    pages: Pages = request.app.state.pages
    return pages


RepoDep = Annotated[Repository, Depends(get_repo)]
PagesDep = Annotated[Pages, Depends(get_pages)]
