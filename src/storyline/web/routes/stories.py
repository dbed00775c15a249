"""Stories: the JSON API (``/api/stories``) and the pages (``/`` and ``/stories/{id}``)."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from storyline.export.html import story_pictures
from storyline.export.view import Cite, Source, StoryView, build_story_view
from storyline.web.cache import JSON, url_key
from storyline.web.deps import RepoDep
from storyline.web.models import (
    ArticleRefOut,
    EntityOut,
    ErrorOut,
    EventOut,
    QuoteOut,
    StoryListOut,
    StoryOut,
)
from storyline.web.render import Pages, cached_page
from storyline.web.repo import Repository, story_events

api = APIRouter(prefix="/api/stories", tags=["stories"],
                responses={404: {"model": ErrorOut, "description": "No story with this id."}})
pages = APIRouter(include_in_schema=False)

StoryId = Annotated[str, Path(max_length=200, description="A story id, as listed by /api/stories.")]
Page = Annotated[int, Query(ge=1, le=100_000, description="Page number, from 1.")]
PerPage = Annotated[int, Query(ge=1, le=100, description="Stories per page (at most 100).")]
DateFrom = Annotated[date | None, Query(description="Only stories with an article published on or after this day (YYYY-MM-DD).")]
DateTo = Annotated[date | None, Query(description="Only stories with an article published on or before this day (YYYY-MM-DD).")]
Outlet = Annotated[str | None, Query(max_length=200, description="Only stories with an article from this outlet (exact name).")]
Words = Annotated[str | None, Query(max_length=500, description="Only stories with an article matching these words (full-text).")]


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


@api.get("", response_model=StoryListOut, summary="List stories, newest first",
         description="Paged; filter by publication dates, outlet and words.")
async def list_stories(repo: RepoDep, page: Page = 1, per_page: PerPage = 20,
                       date_from: DateFrom = None, date_to: DateTo = None,
                       outlet: Outlet = None, q: Words = None) -> StoryListOut:
    listing = repo.list_stories(page, per_page, _iso(date_from), _iso(date_to), outlet or None, q or None)
    return StoryListOut.from_page(listing)


@api.get("/{story_id}", response_model=StoryOut, summary="One story with everything in it")
async def get_story(story_id: StoryId, request: Request) -> Response:
    # The biggest API document, and like a page it depends only on the store: kept
    # in the page cache (~1.5 ms of CPU to build and serialise, bench_web).
    return cached_page(request, lambda repo: StoryOut.from_record(repo.get_story(story_id)).model_dump_json(),
                       media_type=JSON)


@api.get("/{story_id}/events", response_model=list[EventOut], summary="A story's events with their fact tables")
async def get_events(story_id: StoryId, repo: RepoDep) -> list[EventOut]:
    return [EventOut.from_record(e) for e in story_events(repo.get_story(story_id))]


@api.get("/{story_id}/articles", response_model=list[ArticleRefOut], summary="A story's articles")
async def get_story_articles(story_id: StoryId, repo: RepoDep) -> list[ArticleRefOut]:
    story = repo.get_story(story_id)
    found = repo.get_article_heads(story.articles)
    return [ArticleRefOut.from_record(found[a]) for a in story.articles if a in found]


@api.get("/{story_id}/entities", response_model=list[EntityOut], summary="A story's entities")
async def get_entities(story_id: StoryId, repo: RepoDep) -> list[EntityOut]:
    return [EntityOut.from_record(e) for e in repo.get_story(story_id).entities]


@api.get("/{story_id}/quotes", response_model=list[QuoteOut], summary="A story's quotes")
async def get_quotes(story_id: StoryId, repo: RepoDep) -> list[QuoteOut]:
    return [QuoteOut.from_record(q) for q in repo.get_story(story_id).quotes]


# ------------------------------------------------------------------ pages ---


@pages.get("/", response_class=HTMLResponse)
async def index(request: Request, page: Page = 1,
                date_from: DateFrom = None, date_to: DateTo = None,
                outlet: Outlet = None, q: Words = None) -> Response:
    # The list, like a story page, depends only on the store and the query string,
    # so it is rendered once per store version (web/cache.py).
    params = {k: v for k, v in (("q", q), ("date_from", _iso(date_from)), ("date_to", _iso(date_to)),
                                ("outlet", outlet)) if v}

    def page_url(n: int) -> str:
        return "/?" + urlencode({**params, "page": n})

    def render(repo: Repository) -> str:
        ui: Pages = request.app.state.pages
        listing = repo.list_stories(page, 20, _iso(date_from), _iso(date_to), outlet or None, q or None)
        return ui.html("index.html", stats=repo.stats(), listing=listing, q=q or "",
                       date_from=_iso(date_from), date_to=_iso(date_to), outlet=outlet,
                       filtered=bool(params), page_url=page_url)

    return cached_page(request, render)


def story_view(repo: Repository, story_id: str) -> StoryView:
    """Read a story and its articles and build the page's view (per request)."""
    story = repo.get_story(story_id)
    return build_story_view(story, repo.get_article_heads(story.articles))


def _cite_href(c: Cite) -> str:
    return f"/articles/{c.article}" + (f"#{c.anchor}" if c.anchor else "")


def _source_href(s: Source) -> str:
    return f"/articles/{s.id}"


def story_page_html(ui: Pages, repo: Repository, story_id: str, q: str = "") -> str:
    """The story page's HTML (``q`` fills the search box); raises NotFound for an unknown id."""
    view = story_view(repo, story_id)
    pics = story_pictures(view)
    return ui.html("story.html", q=q, view=view, cite_href=_cite_href, source_href=_source_href,
                   timeline_svg=Markup(pics["timeline"]), coverage_svg=Markup(pics["coverage"]))


def story_page_key(story_id: str) -> tuple[str, bytes]:
    """The page cache's key for a story page without a query (web/warm.py fills these)."""
    return url_key(f"/stories/{story_id}")


@pages.get("/stories/{story_id}", response_class=HTMLResponse)
async def story_page(request: Request, story_id: StoryId) -> Response:
    # A story page depends only on the store (and the search box's q), so it is
    # rendered once per store version; a cache hit opens no repository at all.
    q = request.query_params.get("q", "")
    ui: Pages = request.app.state.pages
    return cached_page(request, lambda repo: story_page_html(ui, repo, story_id, q))
