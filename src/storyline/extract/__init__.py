"""Extraction: one RawDoc in, one clean Article out.

``extract_article`` dispatches on the document's kind:

1. ``text``   -> :mod:`storyline.extract.scraped` (scraped pages as plain text, furniture in)
2. ``html``   -> :mod:`storyline.extract.html` (trafilatura + htmldate + JSON-LD)
3. ``record`` -> :mod:`storyline.extract.fields` (JSONL / feed entries in news-please's names)

It is a plain function over records, so the local engine and Spark call the same code.
"""

from __future__ import annotations

from storyline.errors import ExtractError
from storyline.records import Article, RawDoc


def extract_article(doc: RawDoc) -> Article:
    """Turn one input document into a clean Article.

    Raises ExtractError (with a reason a user can act on) when the document holds
    no article: empty after cleaning, or not text at all.
    """
    if doc.kind == "text":
        from storyline.extract.scraped import extract_text_page

        article = extract_text_page(doc)
    elif doc.kind == "html":
        from storyline.extract.html import extract_html_page

        article = extract_html_page(doc)
    elif doc.kind == "record":
        from storyline.extract.fields import extract_record

        article = extract_record(doc)
    else:
        raise ExtractError(f"unknown document kind {doc.kind!r}")
    if not article.text.strip():
        raise ExtractError("no article text left after removing page furniture")
    return article


__all__ = ["extract_article", "ExtractError"]
