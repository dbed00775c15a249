"""Articles as schema.org ``NewsArticle`` JSON-LD.

JSON-LD is how news sites describe their own articles to search engines, so it
is the form other tools (and the extractors in ``storyline.extract.jsonld``)
already read. Each article becomes a ``NewsArticle`` (or the schema.org subtype
for its kind: ``OpinionNewsArticle``, ``AnalysisNewsArticle``), with the
publisher, authors, dates, language, images with caption and credit, the body,
and, when enrichment ran, the entities it ``mentions``. Many articles are written
as one document with a ``@graph``.

``script_json`` makes JSON safe to put inside an HTML ``<script>`` element: a
hostile headline holding ``</script>`` must not end the element early.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from storyline.export.view import safe_url
from storyline.records import Article, Entity

CONTEXT = "https://schema.org"

_TYPE_OF_KIND = {
    "opinion": "OpinionNewsArticle",
    "editorial": "OpinionNewsArticle",
    "analysis": "AnalysisNewsArticle",
}
# storyline's entity labels (spaCy's) -> schema.org types; others become Thing.
_ENTITY_TYPE = {
    "PERSON": "Person", "ORG": "Organization", "NORP": "Organization", "GPE": "Place",
    "LOC": "Place", "FAC": "Place", "EVENT": "Event",
}


def article_iri(article: Article) -> str:
    """A stable IRI for the article: its URL when known, else a storyline URN."""
    return safe_url(article.url) or f"urn:storyline:article:{article.id}"


def to_jsonld(article: Article, entities: Mapping[str, Entity] | None = None,
              context: bool = True) -> dict[str, Any]:
    """One article as a schema.org NewsArticle node.

    ``entities`` (id -> Entity) names the canonical entities behind the article's
    mentions; without it, mentions are listed by their text. ``context=False``
    leaves out ``@context``, for nodes inside a ``@graph``.
    """
    node: dict[str, Any] = {}
    if context:
        node["@context"] = CONTEXT
    node["@type"] = _TYPE_OF_KIND.get(article.kind, "NewsArticle")
    node["@id"] = article_iri(article)
    node["identifier"] = article.id
    if url := safe_url(article.url):
        node["url"] = url
    if article.title:
        node["headline"] = article.title
    if article.description:
        node["description"] = article.description
    if article.published:
        node["datePublished"] = article.published
    if article.updated:
        node["dateModified"] = article.updated
    if article.authors:
        node["author"] = [{"@type": "Person", "name": a} for a in article.authors]
    if article.outlet:
        node["publisher"] = {"@type": "Organization", "name": article.outlet}
    if article.language and article.language != "und":
        node["inLanguage"] = article.language
    if article.dateline:
        node["dateline"] = article.dateline
    images = []
    for img in article.images:
        obj: dict[str, Any] = {"@type": "ImageObject"}
        if img_url := safe_url(img.url):
            obj["contentUrl"] = img_url
        if img.caption:
            obj["caption"] = img.caption
        if img.credit:
            obj["creditText"] = img.credit
        if len(obj) > 1:
            images.append(obj)
    if images:
        node["image"] = images
    if article.notes:
        # Provenance notes (translation, AI narration, wire credit) are what schema.org
        # calls a publishing-principles note; `backstory` is its free-text field for it.
        node["backstory"] = " ".join(article.notes)
    node["articleBody"] = article.text
    node["wordCount"] = len(article.text.split())
    if article.mentions:
        seen: dict[str, dict[str, Any]] = {}
        for m in article.mentions:
            ent = (entities or {}).get(m.entity or "")
            key = m.entity or m.text
            if key in seen:
                continue
            seen[key] = {"@type": _ENTITY_TYPE.get((ent.type if ent else m.label), "Thing"),
                         "name": ent.name if ent else m.text}
        node["mentions"] = list(seen.values())
    return node


def render_jsonld(articles: Iterable[Article], entities: Mapping[str, Entity] | None = None) -> str:
    """Many articles as one JSON-LD document (``@graph``), pretty-printed."""
    graph = [to_jsonld(a, entities, context=False) for a in articles]
    return json.dumps({"@context": CONTEXT, "@graph": graph}, ensure_ascii=False, indent=2) + "\n"


def script_json(data: Any) -> str:
    """JSON that is safe inside ``<script type="application/ld+json">``.

    ``<``, ``>`` and ``&`` are written as ``\\u003c`` etc. (still the same JSON
    value), so no string in ``data`` can close the element or open a comment.
    """
    text = json.dumps(data, ensure_ascii=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
