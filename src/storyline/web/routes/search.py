"""Full-text search over articles: ``/api/search`` and the search page.

Ranking is SQLite FTS5's BM25; what the user typed is quoted into a safe FTS5
query by the repository (see ``repo.fts_query``), so no input gives a 500.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from storyline.web.deps import PagesDep, RepoDep
from storyline.web.models import SearchHitOut, SearchOut
from storyline.web.repo import HIT_END, HIT_START

api = APIRouter(prefix="/api/search", tags=["search"])
pages = APIRouter(include_in_schema=False)

Words = Annotated[str, Query(max_length=500, description='Words to find (all must match); "a phrase" in double quotes.')]
Limit = Annotated[int, Query(ge=1, le=100, description="Hits to return (at most 100).")]
Offset = Annotated[int, Query(ge=0, le=10_000, description="Hits to skip, for paging.")]


@api.get("", response_model=SearchOut, summary="Search articles (BM25 ranking, snippets)")
async def search(repo: RepoDep, q: Words, limit: Limit = 20, offset: Offset = 0) -> SearchOut:
    hits, total = repo.search(q, limit, offset)
    return SearchOut(query=q, total=total, offset=offset,
                     hits=[SearchHitOut.from_hit(h, HIT_START, HIT_END) for h in hits])


@pages.get("/search", response_class=HTMLResponse)
async def search_page(request: Request, repo: RepoDep, ui: PagesDep, q: Words = "",
                      offset: Offset = 0) -> HTMLResponse:
    hits, total = repo.search(q, 20, offset) if q.strip() else ([], 0)
    return ui.render(request, "search.html", hits=hits, total=total, offset=offset, q=q)
