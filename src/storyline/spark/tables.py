"""The Parquet tables a Spark build writes, and loading them into the SQLite store.

Each table keeps the columns a query needs next to ``data``, the record's own
``to_dict()`` as JSON: readers rebuild records with ``from_dict`` and never
depend on how Spark typed a nested field. The tables (one folder each under
the output directory): ``articles``, ``stories``, ``events``, ``quotes``,
``facts``, ``failures``.

``import_tables`` reads them with pyarrow alone (no JVM) and writes through the
store's own API (``add_articles``, ``assign``, ``put_story``) in one transaction,
so ``storyline serve`` can show a Spark run.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from storyline.records import Article, Failure, Story

SCHEMAS: dict[str, str] = {
    "articles": (
        "id string, source string, url string, outlet string, title string, published string,"
        " language string, kind string, story_id string, duplicate_of string, reason string,"
        " signature binary, data string"
    ),
    "stories": (
        "id string, title string, first string, last string, n_articles int,"
        " outlets array<string>, articles array<string>, data string"
    ),
    "events": "id string, story_id string, date string, title string, articles array<string>, data string",
    "quotes": "id string, story_id string, article string, speaker string, speaker_name string, text string, data string",
    "facts": "story_id string, event_id string, slot string, status string, data string",
    "failures": "source string, reason string",
}


def _json(record: Any) -> str:
    return json.dumps(record.to_dict(), ensure_ascii=False)


def article_row(a: Article, data: str, signature: bytes | None,
                member: tuple[str, str | None, str | None] | None) -> tuple[Any, ...]:
    """A row of ``articles``: the article (``data`` is its JSON) and its story membership."""
    sid, dup, reason = member or (None, None, None)
    return (a.id, a.source, a.url, a.outlet, a.title, a.published, a.language, a.kind,
            sid, dup, reason, signature, data)


def story_rows(s: Story, outlets: list[str]) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """``(table, row)`` for a story and its events, quotes and facts."""
    yield "stories", (s.id, s.title, s.first, s.last, len(s.articles), outlets, list(s.articles), _json(s))
    for e in s.events:
        yield "events", (e.id, s.id, e.date, e.title, list(e.articles), _json(e))
        for f in e.facts:
            yield "facts", (s.id, e.id, f.slot, f.status, _json(f))
    for q in s.quotes:
        yield "quotes", (q.id, s.id, q.article, q.speaker, q.speaker_name, q.text, _json(q))


@dataclass(frozen=True, slots=True)
class Imported:
    """What ``import_tables`` added to the store."""

    articles: int
    stories: int
    failures: tuple[Failure, ...]


def read_table(out_dir: str | Path, name: str) -> list[dict[str, Any]]:
    """All rows of one table as dicts (an absent table reads as empty)."""
    import pyarrow.parquet as pq

    path = Path(out_dir) / name
    if not path.exists():
        return []
    return pq.read_table(str(path)).to_pylist()  # type: ignore[no-any-return]


def iter_articles(out_dir: str | Path) -> Iterator[tuple[Article, dict[str, Any]]]:
    """Each stored article and its table row (story, copy-of, reason, signature)."""
    for row in read_table(out_dir, "articles"):
        yield Article.from_dict(json.loads(row["data"])), row


def read_stories(out_dir: str | Path) -> list[Story]:
    """The stories of a Spark build (events included)."""
    return [Story.from_dict(json.loads(r["data"])) for r in read_table(out_dir, "stories")]


def import_tables(out_dir: str | Path, db: str | Path) -> Imported:
    """Load a Spark build's Parquet tables into the SQLite store at ``db``.

    Articles go in publication order (the order the clusterer read them, which is
    the order a later incremental build warm-starts from), with their MinHash
    signatures; then memberships and stories, all in one transaction. Ids are
    content hashes, so importing the same run twice adds nothing.
    """
    from storyline.store import Membership, Store

    rows = list(iter_articles(out_dir))
    rows.sort(key=lambda ar: (ar[0].published is None, ar[0].published or "", ar[0].id))
    stories = read_table(out_dir, "stories")
    failures = tuple(Failure(r["source"], r["reason"]) for r in read_table(out_dir, "failures"))
    sigs = {a.id: (None if r["signature"] is None else np.frombuffer(r["signature"], dtype=np.uint64).copy())
            for a, r in rows}
    with Store(db) as store, store.transaction():
        added = store.add_articles([a for a, _ in rows], sigs)
        store.assign(Membership(a.id, r["story_id"], r["duplicate_of"], r["reason"])
                     for a, r in rows if r["story_id"] is not None)
        for s in stories:
            store.put_story(Story.from_dict(json.loads(s["data"])), s["outlets"] or ())
    return Imported(articles=added, stories=len(stories), failures=failures)
