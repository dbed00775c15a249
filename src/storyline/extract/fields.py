"""Articles from structured records: news-please JSON/JSONL and feed entries.

The fields are already separated, so extraction here is normalisation: dates
to ISO 8601, bylines to clean names, HTML bodies (feeds often carry HTML) to
paragraph text, the domain to an outlet name, and the language checked.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlparse

from storyline.extract.common import (
    article_id,
    detect_language,
    iso_date,
    normalise_authors,
    normalise_space,
    paragraphs_to_text,
)
from storyline.records import Article, RawDoc

_HTMLISH = re.compile(r"<(p|div|br|span|a|em|strong|li|h\d|img|figure)\b", re.I)
_BLOCKS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "figcaption", "td"}


def html_fragment_to_text(html: str) -> str:
    """Paragraph text from an HTML fragment (a feed entry's content)."""
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except Exception:  # lxml raises several types on garbage; treat it as text
        return normalise_space(re.sub(r"<[^>]+>", " ", html))
    for bad in root.xpath(".//script|.//style|.//noscript"):
        bad.drop_tree()
    for br in root.xpath(".//br"):
        br.tail = "\n" + (br.tail or "")
    paras: list[str] = []
    blocks = [el for el in root.iter() if isinstance(el.tag, str) and el.tag in _BLOCKS]
    leaves = [el for el in blocks if not any(isinstance(c.tag, str) and c.tag in _BLOCKS for c in el.iterdescendants())]
    if leaves:
        for el in leaves:
            paras.extend(p for p in el.text_content().split("\n") if p.strip())
    else:
        paras = [p for p in root.text_content().split("\n") if p.strip()]
    return normalise_space(paragraphs_to_text(paras))


def outlet_from_host(url: str | None) -> str | None:
    """A readable outlet name from a URL or bare domain ("www.bbc.co.uk" -> "bbc.co.uk")."""
    if not url:
        return None
    host = urlparse(url if "//" in url else f"//{url}").hostname or ""
    host = re.sub(r"^(www\d?|m|amp|mobile|edition)\.", "", host.lower())
    return host or None


def _first(fields: dict[str, Any], *names: str) -> Any:
    for n in names:
        v = fields.get(n)
        if v not in (None, "", []):
            return v
    return None


def extract_record(doc: RawDoc) -> Article:
    """Build an Article from a record-kind document (news-please field names)."""
    f = doc.fields
    body = _first(f, "maintext", "text") or ""
    if not isinstance(body, str):
        body = str(body)
    body = html_fragment_to_text(body) if _HTMLISH.search(body) else normalise_space(body)
    # news-please keeps paragraphs one newline apart; the contract wants a blank line.
    if "\n\n" not in body:
        body = paragraphs_to_text(body.split("\n"))
    url = _first(f, "url") or doc.url
    title = _first(f, "title")
    outlet = _first(f, "outlet", "publisher")
    outlet_from = "record" if outlet else None
    if not outlet:
        outlet = outlet_from_host(_first(f, "source_domain") or url)
        outlet_from = "url" if outlet else None
    authors = _first(f, "authors", "author")
    lang_hint = _first(f, "language")
    description = _first(f, "description")
    return Article(
        id=article_id(body, url, _first(f, "id")),
        source=doc.source,
        url=url,
        outlet=outlet,
        outlet_from=outlet_from,
        title=normalise_space(str(title)) if title else None,
        published=iso_date(_first(f, "date_publish", "published")),
        updated=iso_date(_first(f, "date_modify", "updated")),
        authors=normalise_authors(authors),
        kind=str(_first(f, "kind") or "news"),
        language=detect_language(body, lang_hint if isinstance(lang_hint, str) else None),
        text=body,
        description=html_fragment_to_text(description) if isinstance(description, str) and description else None,
    )
