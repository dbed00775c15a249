"""Articles as news-please-compatible JSON lines.

news-please (fhamborg/news-please) is what many newsroom and research pipelines
already read, so one article per line carries news-please's field names and value
forms: dates as ``YYYY-MM-DD HH:MM:SS`` (naive wall-clock time, as news-please's
``get_serializable_dict`` writes them), ``maintext`` for the body,
``source_domain`` for the site. Fields storyline does not know are ``null``
rather than invented. An ``id`` field is added: storyline's own JSONL reader keeps
it, so an export read back in keeps its ids (CONTRACT.md, Inputs).

No library is used because news-please's ``NewsArticle`` is a plain attribute bag
whose only serialiser is the dict below; importing news-please (with its scrapy
and newspaper dependencies) to fill fifteen keys would cost more than it gives.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any, TextIO
from urllib.parse import urlsplit

from storyline.records import Article

FIELDS = (
    "authors", "date_download", "date_modify", "date_publish", "description", "filename",
    "image_url", "language", "localpath", "maintext", "source_domain", "text", "title",
    "title_page", "title_rss", "url",
)

_ISO = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?")


def newsplease_date(value: str | None) -> str | None:
    """``2025-06-16T18:31:00+09:00`` -> ``2025-06-16 18:31:00`` (news-please's form).

    A date without a time gets midnight, as news-please's own date parser gives it;
    the offset is dropped because news-please stores naive local times.
    """
    if not value:
        return None
    m = _ISO.match(value.strip())
    if not m:
        return None
    hh, mm, ss = m[2] or "00", m[3] or "00", m[4] or "00"
    return f"{m[1]} {hh}:{mm}:{ss}"


def source_domain(url: str | None) -> str | None:
    """The host of ``url`` without a leading ``www.`` (news-please's ``source_domain``)."""
    if not url:
        return None
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return None
    return host.removeprefix("www.") or None


def to_newsplease(article: Article) -> dict[str, Any]:
    """One article as a news-please record (plus storyline's ``id``)."""
    images = [i.url for i in article.images if i.url]
    record: dict[str, Any] = dict.fromkeys(FIELDS)
    record.update(
        authors=list(article.authors),
        date_modify=newsplease_date(article.updated),
        date_publish=newsplease_date(article.published),
        description=article.description,
        image_url=images[0] if images else None,
        language=None if article.language in ("", "und") else article.language,
        maintext=article.text,
        source_domain=source_domain(article.url),
        title=article.title,
        url=article.url,
    )
    return {"id": article.id, **record}


def iter_newsplease_lines(articles: Iterable[Article]) -> Iterator[str]:
    """One JSON line (with its newline) per article."""
    for a in articles:
        yield json.dumps(to_newsplease(a), ensure_ascii=False) + "\n"


def write_newsplease(articles: Iterable[Article], out: TextIO) -> int:
    """Write articles to ``out`` as news-please JSONL; returns how many were written."""
    n = 0
    for line in iter_newsplease_lines(articles):
        out.write(line)
        n += 1
    return n
