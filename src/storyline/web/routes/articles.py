"""Articles: ``/api/articles/{id}`` (JSON and JSON-LD) and the article page."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, JSONResponse
from markupsafe import Markup

from storyline.export.html import safe_url
from storyline.export.jsonld import script_json, to_jsonld
from storyline.export.view import paragraph_at, paragraphs
from storyline.web.deps import PagesDep, RepoDep
from storyline.web.models import ArticleOut, ErrorOut

api = APIRouter(prefix="/api/articles", tags=["articles"],
                responses={404: {"model": ErrorOut, "description": "No article with this id."}})
pages = APIRouter(include_in_schema=False)

ArticleId = Annotated[str, Path(max_length=200, description="An article id.")]


@api.get("/{article_id}", response_model=ArticleOut, summary="One article: clean text and metadata")
async def get_article(article_id: ArticleId, repo: RepoDep) -> ArticleOut:
    article = repo.get_article(article_id)
    return ArticleOut.from_record(article, [sid for sid, _ in repo.stories_of(article_id)])


@api.get("/{article_id}/jsonld", summary="One article as schema.org NewsArticle JSON-LD",
         response_class=JSONResponse, responses={200: {"content": {"application/ld+json": {}}}})
async def get_article_jsonld(article_id: ArticleId, repo: RepoDep) -> JSONResponse:
    data: dict[str, Any] = to_jsonld(repo.get_article(article_id))
    return JSONResponse(data, media_type="application/ld+json")


@pages.get("/articles/{article_id}", response_class=HTMLResponse)
async def article_page(request: Request, article_id: ArticleId, repo: RepoDep, ui: PagesDep) -> HTMLResponse:
    article = repo.get_article(article_id)
    images = [{"src": safe_url(i.url), "caption": i.caption, "credit": i.credit} for i in article.images]
    quote_paras = [paragraph_at(article.text, q.start) for q in (article.quotes or ())]
    return ui.render(
        request, "article.html", article=article, paragraphs=paragraphs(article.text),
        images=images, url=safe_url(article.url), stories=repo.stories_of(article_id),
        quote_paras=quote_paras, page_lang=article.language if article.language != "und" else "en",
        jsonld=Markup(script_json(to_jsonld(article))),
    )
