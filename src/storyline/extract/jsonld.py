"""The page's own schema.org JSON-LD description of its article.

News sites publish a ``NewsArticle`` (or ``Article``, ``BlogPosting``...) block
for search engines; when present it is the most deliberate statement of the
headline, dates (with the outlet's own UTC offset), authors, publisher and
kind (``OpinionNewsArticle``, ``AnalysisNewsArticle``). trafilatura reads some
of it, but flattens it into one author string and one date without the
offset, and drops ``@type`` and breadcrumbs; extruct would parse it but adds a
dependency chain (rdflib, mf2py...) for what is a ``json.loads`` and a walk, so
this module does the walk itself and is forgiving with the broken JSON found in
the wild (raw newlines inside strings, trailing commas, HTML comments).
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from typing import Any

from lxml.html import HtmlElement

# schema.org types that describe one article (CreativeWork subtypes used by news sites).
_ARTICLE_TYPES = {
    "article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle",
    "reviewnewsarticle", "backgroundnewsarticle", "askpublicnewsarticle", "blogposting",
    "socialmediaposting", "liveblogposting", "report", "scholarlyarticle", "techarticle",
    "satiricalarticle", "advertisercontentarticle", "medicalscholarlyarticle", "posting",
}
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_CONTROL = re.compile(r"[\x00-\x1f]")


@dataclass(frozen=True, slots=True)
class JsonLdArticle:
    """What a page's JSON-LD says about its article (every field optional)."""

    types: tuple[str, ...] = ()
    headline: str | None = None
    date_published: str | None = None
    date_modified: str | None = None
    authors: tuple[str, ...] = ()
    publisher: str | None = None
    section: str | None = None
    body: str | None = None
    description: str | None = None
    language: str | None = None
    url: str | None = None
    images: tuple[str, ...] = ()
    breadcrumbs: tuple[str, ...] = ()


def _loads(raw: str) -> Any:
    """json.loads, then retried with the usual breakages repaired; None if hopeless."""
    raw = raw.strip()
    if raw.startswith("<!--"):
        raw = raw[4:]
    if raw.endswith("-->"):
        raw = raw[:-3]
    raw = raw.strip().rstrip(";")
    for attempt in (raw, _TRAILING_COMMA.sub(r"\1", _CONTROL.sub(" ", raw))):
        try:
            return json.loads(attempt)
        except (ValueError, RecursionError):
            continue
    return None


def _objects(data: Any, depth: int = 0) -> list[dict[str, Any]]:
    """Every JSON object in a JSON-LD document: top level, lists and ``@graph`` members."""
    if depth > 6:
        return []
    out: list[dict[str, Any]] = []
    if isinstance(data, list):
        for item in data:
            out.extend(_objects(item, depth + 1))
    elif isinstance(data, dict):
        out.append(data)
        graph = data.get("@graph")
        if graph is not None:
            out.extend(_objects(graph, depth + 1))
        main = data.get("mainEntity")
        if isinstance(main, dict | list):
            out.extend(_objects(main, depth + 1))
    return out


def _types(obj: dict[str, Any]) -> tuple[str, ...]:
    t = obj.get("@type")
    items = t if isinstance(t, list) else [t]
    return tuple(str(x).rsplit("/", 1)[-1] for x in items if isinstance(x, str))


def _text(value: Any) -> str | None:
    """A clean string from a JSON-LD value (str, {"name"}, {"@value"}, or a list of those)."""
    if isinstance(value, list):
        for v in value:
            s = _text(v)
            if s:
                return s
        return None
    if isinstance(value, dict):
        return _text(value.get("name") or value.get("@value") or value.get("text"))
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        s = html.unescape(str(value)).strip()
        return s or None
    return None


def _names(value: Any, ids: dict[str, dict[str, Any]]) -> list[str]:
    """Author names from a JSON-LD ``author`` value (a string, a Person, a list, or an
    ``{"@id"}`` reference to a Person elsewhere in the graph, as WordPress/Yoast writes it)."""
    out: list[str] = []
    items = value if isinstance(value, list) else [value]
    for item in items[:20]:
        if isinstance(item, dict) and not item.get("name") and isinstance(item.get("@id"), str):
            item = ids.get(item["@id"], item)
        if isinstance(item, dict):
            name = _text(item.get("name"))
            if not name and (item.get("givenName") or item.get("familyName")):
                name = " ".join(filter(None, (_text(item.get("givenName")), _text(item.get("familyName")))))
            if name:
                out.append(name)
        elif isinstance(item, str):
            s = html.unescape(item).strip()
            # a bare URL is an author page, not a name
            if s and not re.match(r"https?://", s):
                out.append(s)
    return out


def _images(value: Any) -> list[str]:
    out: list[str] = []
    items = value if isinstance(value, list) else [value]
    for item in items[:10]:
        if isinstance(item, str) and item.strip():
            out.append(item.strip())
        elif isinstance(item, dict):
            url = item.get("url") or item.get("contentUrl")
            if isinstance(url, str) and url.strip():
                out.append(url.strip())
    return out


def _strip_tags(text: str) -> str:
    """articleBody is sometimes HTML: keep paragraph breaks, drop the tags."""
    if "<" not in text:
        return text
    text = re.sub(r"(?i)</?(p|div|br|h[1-6]|li|blockquote)\b[^>]*>", "\n\n", text)
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def parse_jsonld(tree: HtmlElement) -> JsonLdArticle | None:
    """The page's article as its JSON-LD describes it, or None when it describes none.

    When several article objects are present (a live blog and its posts, a
    page listing related stories), the one with the most fields filled wins;
    BreadcrumbList items are collected separately because the kind of an
    article ("Opinion") is often only stated there.
    """
    objects: list[dict[str, Any]] = []
    for script in tree.iterfind(".//script"):
        if "ld+json" not in (script.get("type") or "").lower():
            continue
        data = _loads(script.text or "")
        if data is not None:
            objects.extend(_objects(data))
    if not objects:
        return None
    ids = {o["@id"]: o for o in objects if isinstance(o.get("@id"), str)}
    crumbs: list[str] = []
    best: dict[str, Any] | None = None
    best_score = -1
    for obj in objects:
        types = {t.lower() for t in _types(obj)}
        if "breadcrumblist" in types:
            items = obj.get("itemListElement")
            if isinstance(items, list):
                for it in items[:12]:
                    if isinstance(it, dict):
                        name = _text(it.get("name")) or _text(it.get("item"))
                        if name and not name.startswith("http"):
                            crumbs.append(name)
            continue
        if not types & _ARTICLE_TYPES:
            continue
        score = sum(1 for k in ("headline", "datePublished", "author", "articleBody", "publisher") if obj.get(k))
        if score > best_score:
            best, best_score = obj, score
    if best is None:
        # Yoast (WordPress) and similar graphs often describe a blog post only as a
        # WebPage whose "author" points to a Person; that byline is as deliberate
        # as an article's. Only the authors are taken: a WebPage's name and dates
        # also describe section and home pages.
        authors: list[str] = []
        for obj in objects:
            if {t.lower() for t in _types(obj)} & {"webpage", "itempage"} and obj.get("author"):
                authors = _names(obj.get("author"), ids)
                if authors:
                    break
        if crumbs or authors:
            return JsonLdArticle(authors=tuple(authors), breadcrumbs=tuple(crumbs))
        return None
    body = _text(best.get("articleBody"))
    publisher = best.get("publisher")
    if isinstance(publisher, dict) and not publisher.get("name") and isinstance(publisher.get("@id"), str):
        publisher = ids.get(publisher["@id"], publisher)
    lang = best.get("inLanguage")
    url = best.get("url") or (best.get("mainEntityOfPage") if isinstance(best.get("mainEntityOfPage"), str) else None)
    if isinstance(best.get("mainEntityOfPage"), dict):
        url = url or best["mainEntityOfPage"].get("@id")
    date_pub = best.get("datePublished") or best.get("dateCreated")
    return JsonLdArticle(
        types=_types(best),
        headline=_text(best.get("headline")) or _text(best.get("name")),
        date_published=_text(date_pub),
        date_modified=_text(best.get("dateModified")),
        authors=tuple(_names(best.get("author") or best.get("creator"), ids)),
        publisher=_text(publisher),
        section=_text(best.get("articleSection")),
        body=_strip_tags(body) if body else None,
        description=_text(best.get("description")),
        language=_text(lang),
        url=url if isinstance(url, str) and url.startswith("http") else None,
        images=tuple(_images(best.get("image"))),
        breadcrumbs=tuple(crumbs),
    )

