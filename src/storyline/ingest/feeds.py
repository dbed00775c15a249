"""RSS/Atom reader (feedparser): one record-kind RawDoc per entry with content.

Entries are numbered from 1 in feed order. Entries that carry only a link and
a title are skipped (there is no article text to extract); a feed with no
entry holding text at all, or one feedparser cannot make sense of, is a Failure.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from storyline.records import Failure, RawDoc


def _iso(struct: Any) -> str | None:
    if not struct:
        return None
    try:
        return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", struct)
    except (TypeError, ValueError):
        return None


def read_feed(path: str, data: bytes) -> Iterator[RawDoc | Failure]:
    """Yield the entries of an RSS/Atom document as news-please-style records."""
    import feedparser

    parsed = feedparser.parse(data)
    entries = parsed.get("entries") or []
    if parsed.get("bozo") and not entries:
        exc = parsed.get("bozo_exception")
        yield Failure(path, f"malformed feed: {exc}" if exc else "malformed feed")
        return
    feed = parsed.get("feed", {})
    language = feed.get("language")
    outlet = feed.get("title")
    yielded = 0
    for i, entry in enumerate(entries, start=1):
        content = ""
        if entry.get("content"):
            content = max((c.get("value", "") for c in entry["content"]), key=len)
        summary = entry.get("summary", "") or ""
        maintext = content if len(content) >= len(summary) else summary
        if not maintext.strip():
            continue
        authors = [a.get("name") for a in entry.get("authors", []) if a.get("name")]
        if not authors and entry.get("author"):
            authors = [entry["author"]]
        fields = {
            "url": entry.get("link"),
            "title": entry.get("title"),
            "maintext": maintext,
            "description": summary if content and summary != content else None,
            "date_publish": _iso(entry.get("published_parsed")) or entry.get("published"),
            "date_modify": _iso(entry.get("updated_parsed")),
            "authors": authors,
            "language": entry.get("language") or language,
            "outlet": outlet,
            "id": None,
        }
        yielded += 1
        yield RawDoc(source=f"{path}#{i}", kind="record", url=entry.get("link"), fields=fields)
    if not yielded:
        yield Failure(path, "feed has no entries with text" if entries else "feed has no entries")
