"""Reads and writes of storyline's SQLite store.

Why plain ``sqlite3``: the store is a handful of tables written by one process
(``storyline build``) and read by many (the web app, ``export``); the standard
library's driver with WAL journaling does this without another dependency.

Crash safety comes from SQLite's transactions: the pipeline writes each batch
(articles, memberships, the stories they touch) in one ``transaction()``, so a
``kill -9`` leaves either the whole batch or none of it. Ids are content
hashes and inserts are ``OR IGNORE``/upserts, so re-running a build never
duplicates anything.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from storyline.errors import StoreError
from storyline.records import Article, Event, Story
from storyline.store.schema import LATEST, MIGRATIONS


@dataclass(frozen=True, slots=True)
class StoryRow:
    """One line of ``storyline stories``."""

    id: str
    title: str
    first: str | None
    last: str | None
    articles: int
    outlets: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Membership:
    """Which story an article belongs to, and whether it is a copy."""

    article_id: str
    story_id: str
    duplicate_of: str | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class SearchHit:
    article_id: str
    title: str | None
    snippet: str
    rank: float


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Store:
    """A storyline SQLite store.

    ``Store(path)`` opens (and creates or migrates) the database;
    ``Store(path, readonly=True)`` opens an existing one without writing.
    Use as a context manager, or call ``close()``.
    """

    def __init__(self, path: str | Path, readonly: bool = False) -> None:
        self.path = str(path)
        self.readonly = readonly
        try:
            if readonly:
                if not Path(self.path).exists():
                    raise StoreError(f"{self.path}: no such store; run `storyline build` first")
                self.conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
                self.conn.execute("PRAGMA query_only = ON")
            else:
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
                self.conn = sqlite3.connect(self.path, isolation_level=None)
                self.conn.execute("PRAGMA journal_mode = WAL")
                # NORMAL is durable against process crashes (kill -9) in WAL mode;
                # only a power cut could lose the last commits.
                self.conn.execute("PRAGMA synchronous = NORMAL")
                self.conn.execute("PRAGMA busy_timeout = 10000")
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot open the store ({exc})") from exc
        self.conn.row_factory = sqlite3.Row
        if readonly:
            v = self.version()
            if v != LATEST:
                raise StoreError(f"{self.path}: schema version {v}, this storyline reads {LATEST}; "
                                 "re-run `storyline build` with this version")
        else:
            self.migrate()

    # ------------------------------------------------------------ schema ---

    def version(self) -> int:
        """The newest migration applied (0 for an empty database)."""
        try:
            row = self.conn.execute("SELECT max(version) FROM migrations").fetchone()
        except sqlite3.OperationalError:
            return 0
        return int(row[0] or 0)

    def migrate(self) -> list[int]:
        """Apply the migrations this database lacks, in order; return their versions."""
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied TEXT NOT NULL)"
        )
        current = self.version()
        if current > LATEST:
            raise StoreError(f"{self.path}: schema version {current} is newer than this storyline ({LATEST}); upgrade storyline")
        done = []
        for version, name, sql in MIGRATIONS:
            if version <= current:
                continue
            with self.transaction():
                for stmt in _statements(sql):
                    self.conn.execute(stmt)
                self.conn.execute("INSERT INTO migrations VALUES (?, ?, ?)", (version, name, _now()))
            done.append(version)
        return done

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic unit of writes: all of it is committed, or none."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ writes ---

    def add_articles(self, articles: Sequence[Article], signatures: dict[str, np.ndarray | None] | None = None) -> int:
        """Insert articles not stored yet (with their MinHash signatures); return how many were new."""
        signatures = signatures or {}
        row = self.conn.execute("SELECT coalesce(max(seq), 0) FROM articles").fetchone()
        seq = int(row[0])
        added = 0
        for a in articles:
            sig = signatures.get(a.id)
            cur = self.conn.execute(
                "INSERT OR IGNORE INTO articles (id, seq, source, url, outlet, title, published, language, data, signature, added)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (a.id, seq + 1, a.source, a.url, a.outlet, a.title, a.published, a.language,
                 json.dumps(a.to_dict(), ensure_ascii=False),
                 None if sig is None else np.asarray(sig, dtype=np.uint64).tobytes(), _now()),
            )
            if cur.rowcount:
                seq += 1
                added += 1
                self.conn.execute(
                    "INSERT INTO articles_fts (article_id, title, text) VALUES (?, ?, ?)", (a.id, a.title or "", a.text)
                )
        return added

    def assign(self, memberships: Iterable[Membership]) -> None:
        """Record (or move) articles' story memberships."""
        self.conn.executemany(
            "INSERT INTO story_articles (article_id, story_id, duplicate_of, reason) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(article_id) DO UPDATE SET story_id = excluded.story_id,"
            " duplicate_of = excluded.duplicate_of, reason = excluded.reason",
            [(m.article_id, m.story_id, m.duplicate_of, m.reason) for m in memberships],
        )

    def put_story(self, story: Story, outlets: Sequence[str] = ()) -> None:
        """Insert or replace a story and its events."""
        self.conn.execute(
            "INSERT INTO stories (id, title, first, last, n_articles, outlets, data, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(id) DO UPDATE SET title = excluded.title, first = excluded.first, last = excluded.last,"
            " n_articles = excluded.n_articles, outlets = excluded.outlets, data = excluded.data, updated = excluded.updated",
            (story.id, story.title, story.first, story.last, len(story.articles),
             json.dumps(list(outlets), ensure_ascii=False), json.dumps(story.to_dict(), ensure_ascii=False), _now()),
        )
        self.conn.execute("DELETE FROM events WHERE story_id = ?", (story.id,))
        self.conn.executemany(
            "INSERT OR REPLACE INTO events (id, story_id, date, title, data) VALUES (?, ?, ?, ?, ?)",
            [(e.id, story.id, e.date, e.title, json.dumps(e.to_dict(), ensure_ascii=False)) for e in story.events],
        )

    def delete_stories(self, ids: Iterable[str]) -> None:
        """Remove stories (and their events) that no longer have members."""
        for sid in ids:
            self.conn.execute("DELETE FROM events WHERE story_id = ?", (sid,))
            self.conn.execute("DELETE FROM stories WHERE id = ?", (sid,))

    # ------------------------------------------------------------- reads ---

    def known_ids(self, ids: Iterable[str]) -> set[str]:
        """Which of ``ids`` are stored already."""
        ids = list(ids)
        out: set[str] = set()
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            q = f"SELECT id FROM articles WHERE id IN ({','.join('?' * len(chunk))})"
            out.update(r[0] for r in self.conn.execute(q, chunk))
        return out

    def count(self, table: str) -> int:
        """Rows in one of the store's tables."""
        if table not in {"articles", "stories", "events", "story_articles", "articles_fts"}:
            raise ValueError(f"unknown table {table!r}")
        return int(self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])

    def articles(self, ids: Iterable[str] | None = None, *, enrichment: bool = True) -> Iterator[Article]:
        """Stored articles in insertion order (all, or those with the given ids).

        ``enrichment=False`` leaves out what most of a stored article weighs, its
        mentions, quotes, times and removed furniture (they come back as None / empty),
        for the stages that read only text, title and dates: clustering a large store
        then holds a fraction of it in memory.
        """
        data = "data" if enrichment else "json_remove(data, '$.mentions', '$.quotes', '$.times', '$.removed')"
        if ids is None:
            for r in self.conn.execute(f"SELECT {data} FROM articles ORDER BY seq"):
                yield Article.from_dict(json.loads(r[0]))
            return
        ids = list(ids)
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            q = f"SELECT {data} FROM articles WHERE id IN ({','.join('?' * len(chunk))}) ORDER BY seq"
            for r in self.conn.execute(q, chunk):
                yield Article.from_dict(json.loads(r[0]))

    def article(self, article_id: str) -> Article | None:
        """One article by id, or None."""
        r = self.conn.execute("SELECT data FROM articles WHERE id = ?", (article_id,)).fetchone()
        return Article.from_dict(json.loads(r[0])) if r else None

    def signatures(self) -> dict[str, np.ndarray | None]:
        """Article id -> stored MinHash hash values, in insertion order."""
        out: dict[str, np.ndarray | None] = {}
        for r in self.conn.execute("SELECT id, signature FROM articles ORDER BY seq"):
            out[r[0]] = None if r[1] is None else np.frombuffer(r[1], dtype=np.uint64).copy()
        return out

    def memberships(self) -> list[Membership]:
        """Every article's story, in article insertion order."""
        q = ("SELECT m.article_id, m.story_id, m.duplicate_of, m.reason FROM story_articles m"
             " JOIN articles a ON a.id = m.article_id ORDER BY a.seq")
        return [Membership(*r) for r in self.conn.execute(q)]

    def story_members(self, story_id: str) -> list[Membership]:
        """The memberships of one story."""
        q = ("SELECT m.article_id, m.story_id, m.duplicate_of, m.reason FROM story_articles m"
             " JOIN articles a ON a.id = m.article_id WHERE m.story_id = ? ORDER BY a.seq")
        return [Membership(*r) for r in self.conn.execute(q, (story_id,))]

    def stories(self) -> list[Story]:
        """Every story, most articles first."""
        q = "SELECT data FROM stories ORDER BY n_articles DESC, first, id"
        return [Story.from_dict(json.loads(r[0])) for r in self.conn.execute(q)]

    def story(self, story_id: str) -> Story | None:
        """One story by id (a unique prefix of the id also works), or None."""
        r = self.conn.execute("SELECT data FROM stories WHERE id = ?", (story_id,)).fetchone()
        if r is None and story_id:
            rows = self.conn.execute("SELECT data FROM stories WHERE id LIKE ? LIMIT 2", (story_id + "%",)).fetchall()
            r = rows[0] if len(rows) == 1 else None
        return Story.from_dict(json.loads(r[0])) if r else None

    def story_rows(self) -> list[StoryRow]:
        """The story list: id, title, dates, number of articles and outlets."""
        q = "SELECT id, title, first, last, n_articles, outlets FROM stories ORDER BY n_articles DESC, first, id"
        return [StoryRow(r[0], r[1], r[2], r[3], int(r[4]), tuple(json.loads(r[5]))) for r in self.conn.execute(q)]

    def events(self, story_id: str) -> list[Event]:
        """The events of one story, in date order (undated last)."""
        q = "SELECT data FROM events WHERE story_id = ? ORDER BY date IS NULL, date, id"
        return [Event.from_dict(json.loads(r[0])) for r in self.conn.execute(q, (story_id,))]

    def search(self, query: str, limit: int = 20) -> list[SearchHit]:
        """Full-text search over titles and bodies (FTS5, BM25 ranking).

        ``query`` is taken as plain words, each quoted, so user input can never
        be an FTS5 syntax error.
        """
        terms = [t for t in re.findall(r"\w+", query, flags=re.UNICODE)]
        if not terms:
            return []
        fts = " ".join('"' + t.replace('"', '""') + '"' for t in terms)
        q = ("SELECT article_id, title, snippet(articles_fts, 2, '[', ']', '…', 12), bm25(articles_fts)"
             " FROM articles_fts WHERE articles_fts MATCH ? ORDER BY bm25(articles_fts) LIMIT ?")
        return [SearchHit(r[0], r[1] or None, r[2], float(r[3])) for r in self.conn.execute(q, (fts, limit))]


def _statements(sql: str) -> list[str]:
    """Split a migration into statements.

    Pieces between semicolons are joined until SQLite calls them a complete
    statement, so a trigger's ``BEGIN ... END`` body stays one statement.
    """
    out: list[str] = []
    pending = ""
    for piece in sql.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \t\n;"):
                out.append(pending.strip())
            pending = ""
    if pending.strip(" \t\n;"):
        out.append(pending.strip())
    return out


def open_store(path: str | Path, readonly: bool = False) -> Store:
    """Open a store (see ``Store``)."""
    return Store(path, readonly=readonly)


def row_dict(row: sqlite3.Row) -> dict[str, Any]:
    """A result row as a plain dict."""
    return {k: row[k] for k in row.keys()}  # noqa: SIM118 - sqlite3.Row has no items()
