"""The web app's read-only data layer: what the pages and the API may ask of a store.

``Repository`` is the interface the routes use; they never see SQL. Two
implementations:

* ``SqliteRepository`` reads the SQLite store that ``storyline build`` writes.
  It opens the file through a ``file:...?mode=ro`` URI and sets
  ``PRAGMA query_only``, so nothing the server does can change the store, and it
  reads records through the store's own row decoding. Full-text search uses the
  store's FTS5 index: user input is turned into a query of quoted terms (see
  ``fts_query``) so no input can be an FTS5 syntax error.
* ``MemoryRepository`` holds records in memory. Tests and the exports use it to
  render a page from records without building a store.

One repository serves one request (the app opens it per request and closes it),
so nothing read is cached between requests.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from storyline.records import (
    Article,
    Conflict,
    Entity,
    Event,
    Fact,
    FactValue,
    Story,
    StoryQuote,
    SummarySentence,
    TimelineEntry,
)

if TYPE_CHECKING:
    from storyline.store import Store

# Marks around matched terms in a snippet. Private-use characters cannot be confused
# with markup: the page escapes the snippet first, then turns these into <mark>.
HIT_START, HIT_END = "\ue000", "\ue001"


class NotFound(LookupError):
    """No record of this kind has this id."""

    def __init__(self, kind: str, ident: str) -> None:
        super().__init__(f"no {kind} with id {ident!r}")
        self.kind = kind
        self.ident = ident


@dataclass(frozen=True, slots=True)
class StoryRow:
    """One line of the story list."""

    id: str
    title: str
    first: str | None
    last: str | None
    articles: int
    outlets: tuple[str, ...]
    events: int


@dataclass(frozen=True, slots=True)
class StoryPage:
    items: tuple[StoryRow, ...]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True, slots=True)
class SearchHit:
    article: str
    title: str | None
    outlet: str | None
    published: str | None
    snippet: str  # plain text with HIT_START/HIT_END around matched terms
    score: float  # bm25: lower is better, as SQLite reports it
    story: str | None
    story_title: str | None


@dataclass(frozen=True, slots=True)
class StoreStats:
    stories: int
    articles: int
    outlets: tuple[tuple[str, int], ...]  # (outlet, stories it appears in), most first


class Repository(Protocol):
    """What the web app reads. Every method is read-only; unknown ids raise NotFound."""

    def stats(self) -> StoreStats:
        """Counts for the header and the outlet filter."""
        ...

    def list_stories(self, page: int = 1, per_page: int = 20, date_from: str | None = None,
                     date_to: str | None = None, outlet: str | None = None,
                     q: str | None = None) -> StoryPage:
        """Stories, newest first; filters: publication dates, an outlet, a full-text query."""
        ...

    def get_story(self, story_id: str) -> Story:
        """One story with its events, entities, quotes, timeline and summary."""
        ...

    def get_article(self, article_id: str) -> Article:
        """One article."""
        ...

    def get_articles(self, ids: Iterable[str]) -> dict[str, Article]:
        """The articles with these ids that exist (missing ids are left out)."""
        ...

    def get_article_heads(self, ids: Iterable[str]) -> dict[str, Article]:
        """Like ``get_articles`` but without enrichment (``mentions``/``quotes``/``times`` None).

        A story page needs each article's text and metadata, not its hundreds of
        mentions; decoding those would be most of the page's cost.
        """
        ...

    def stories_of(self, article_id: str) -> list[tuple[str, str]]:
        """``(id, title)`` of the stories an article belongs to."""
        ...

    def search(self, q: str, limit: int = 20, offset: int = 0) -> tuple[list[SearchHit], int]:
        """Articles matching ``q``, best first (BM25), with snippets; and the total."""
        ...

    def close(self) -> None:
        """Release the connection."""
        ...


def story_events(story: Story) -> tuple[Event, ...]:
    """A story's events, in date order."""
    return tuple(sorted(story.events, key=lambda e: (e.date or "9999", e.title)))


def story_entities(story: Story) -> tuple[Entity, ...]:
    return story.entities


def story_quotes(story: Story) -> tuple[StoryQuote, ...]:
    return story.quotes


# ------------------------------------------------------------ FTS5 input ---

_TERM = re.compile(r"\w[\w'’.-]*", re.UNICODE)
MAX_TERMS = 12  # a search box is not a document; longer input is cut, not rejected


def fts_query(text: str) -> str | None:
    """Turn what a user typed into a safe FTS5 query, or None if nothing is searchable.

    Each word becomes a quoted FTS5 string (``"lee" "ishiba"``: all must match,
    in any order); a phrase the user put in double quotes stays a phrase. Quoting
    makes every FTS5 operator (``AND``, ``NEAR``, ``*``, ``:``, ``^``, brackets)
    plain text, so no input can be a syntax error; embedded ``"`` are doubled as
    FTS5 requires.
    """
    parts: list[str] = []
    for m in re.finditer(r'"([^"]*)"|(\S+)', text):
        if m[1] is not None:
            words = _TERM.findall(m[1])
            if words:
                parts.append('"' + " ".join(words).replace('"', '""') + '"')
        else:
            parts.extend('"' + w.replace('"', '""') + '"' for w in _TERM.findall(m[2]))
    parts = parts[:MAX_TERMS]
    return " ".join(parts) if parts else None


def query_terms(text: str) -> list[str]:
    """The lower-cased words of a query (for in-memory matching and highlighting)."""
    return [w.lower() for w in _TERM.findall(text)][:MAX_TERMS]


# ------------------------------------------------------------- in memory ---


def _outlet(a: Article) -> str:
    return (a.outlet or "").strip()


def _story_dates(story: Story, articles: Mapping[str, Article]) -> tuple[str | None, str | None]:
    dates = sorted(d[:10] for aid in story.articles if (a := articles.get(aid)) and (d := a.published))
    return (story.first or (dates[0] if dates else None), story.last or (dates[-1] if dates else None))


class MemoryRepository:
    """A Repository over records in memory (for tests, demos and the exports).

    Search here is a plain word match scored by term frequency, standing in for
    the store's FTS5/BM25 (scores are negated so that, as with SQLite's bm25(),
    lower is better).
    """

    def __init__(self, articles: Sequence[Article], stories: Sequence[Story]) -> None:
        self.articles = {a.id: a for a in articles}
        self.stories = {s.id: s for s in stories}

    def stats(self) -> StoreStats:
        per: dict[str, int] = {}
        for s in self.stories.values():
            for o in dict.fromkeys(_outlet(a) for aid in s.articles if (a := self.articles.get(aid))):
                if o:
                    per[o] = per.get(o, 0) + 1
        outlets = tuple(sorted(per.items(), key=lambda kv: (-kv[1], kv[0].lower())))
        return StoreStats(len(self.stories), len(self.articles), outlets)

    def _row(self, s: Story) -> StoryRow:
        first, last = _story_dates(s, self.articles)
        outlets = tuple(dict.fromkeys(o for aid in s.articles if (a := self.articles.get(aid)) and (o := _outlet(a))))
        return StoryRow(s.id, s.title, first, last, len(s.articles), outlets, len(s.events))

    def list_stories(self, page: int = 1, per_page: int = 20, date_from: str | None = None,
                     date_to: str | None = None, outlet: str | None = None,
                     q: str | None = None) -> StoryPage:
        rows = [self._row(s) for s in self.stories.values()]
        if date_from:
            rows = [r for r in rows if (r.last or "") >= date_from]
        if date_to:
            rows = [r for r in rows if r.first and r.first[:10] <= date_to]
        if outlet:
            rows = [r for r in rows if outlet in r.outlets]
        if q:
            hit_ids = {h.article for h in self.search(q, limit=10_000)[0]}
            rows = [r for r in rows if hit_ids & set(self.stories[r.id].articles)]
        rows.sort(key=lambda r: (r.last or "", r.articles, r.id), reverse=True)
        start = (page - 1) * per_page
        return StoryPage(tuple(rows[start : start + per_page]), len(rows), page, per_page)

    def get_story(self, story_id: str) -> Story:
        try:
            return self.stories[story_id]
        except KeyError:
            raise NotFound("story", story_id) from None

    def get_article(self, article_id: str) -> Article:
        try:
            return self.articles[article_id]
        except KeyError:
            raise NotFound("article", article_id) from None

    def get_articles(self, ids: Iterable[str]) -> dict[str, Article]:
        return {i: self.articles[i] for i in ids if i in self.articles}

    def get_article_heads(self, ids: Iterable[str]) -> dict[str, Article]:
        return self.get_articles(ids)

    def stories_of(self, article_id: str) -> list[tuple[str, str]]:
        return [(s.id, s.title) for s in self.stories.values() if article_id in s.articles]

    def search(self, q: str, limit: int = 20, offset: int = 0) -> tuple[list[SearchHit], int]:
        terms = query_terms(q)
        if not terms:
            return [], 0
        hits: list[SearchHit] = []
        for a in self.articles.values():
            body = f"{a.title or ''}\n{a.text}".lower()
            counts = [body.count(t) for t in terms]
            if not all(counts):
                continue
            first = min(body.index(t) for t in terms)
            stories = self.stories_of(a.id)
            hits.append(SearchHit(
                a.id, a.title, a.outlet, a.published, _snippet(f"{a.title or ''}\n{a.text}", terms, first),
                -float(sum(counts)), stories[0][0] if stories else None,
                stories[0][1] if stories else None,
            ))
        hits.sort(key=lambda h: (h.score, h.article))
        return hits[offset : offset + limit], len(hits)

    def close(self) -> None:
        return None


def _snippet(text: str, terms: list[str], at: int, width: int = 160) -> str:
    start = max(0, at - width // 3)
    piece = " ".join(text[start : start + width].split())
    for t in sorted(set(terms), key=len, reverse=True):
        piece = re.sub(re.escape(t), lambda m: HIT_START + m[0] + HIT_END, piece, flags=re.I)
    return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")


# ---------------------------------------------------------------- SQLite ---


def _t(values: Any) -> tuple[Any, ...]:
    return tuple(values) if values else ()


def _values(items: Any) -> tuple[FactValue, ...]:
    return tuple(FactValue(v["value"], _t(v.get("articles")), _t(v.get("evidence")), _t(v.get("published")))
                 for v in items or ())


def story_from_data(d: dict[str, Any]) -> Story:
    """A Story from its stored dict, built field by field.

    ``Story.from_dict`` resolves type hints for every nested value; on a story
    page that was ~2 ms of the ~5 ms the page costs (bench_web's profile), so the
    read path spells the mapping out. ``test_web_store`` checks it equals
    ``Story.from_dict`` on real stories, so a new record field cannot be missed
    silently.
    """
    return Story(
        id=d["id"], title=d["title"], articles=_t(d.get("articles")),
        events=tuple(Event(
            id=e["id"], title=e["title"], date=e.get("date"), places=_t(e.get("places")),
            participants=_t(e.get("participants")), articles=_t(e.get("articles")),
            facts=tuple(Fact(f["slot"], f["status"], _values(f.get("values")), f.get("note"))
                        for f in e.get("facts") or ()),
            end_date=e.get("end_date"), status=e.get("status", "reported"),
        ) for e in d.get("events") or ()),
        entities=tuple(Entity(e["id"], e["name"], e["type"], _t(e.get("variants")), _t(e.get("articles")),
                              e.get("title")) for e in d.get("entities") or ()),
        quotes=tuple(StoryQuote(q["id"], q.get("speaker"), q.get("speaker_name"), q["text"], q["article"],
                                _t(q.get("also_in")), tuple(dict(v) for v in q.get("variants") or ()))
                     for q in d.get("quotes") or ()),
        timeline=tuple(TimelineEntry(t["date"], t.get("event"), t["text"], _t(t.get("articles")),
                                     t.get("status", "reported")) for t in d.get("timeline") or ()),
        summary=tuple(SummarySentence(x["text"], _t(x.get("articles"))) for x in d.get("summary") or ()),
        conflicts=tuple(Conflict(c["event"], c["slot"], _values(c.get("values")))
                        for c in d.get("conflicts") or ()),
        first=d.get("first"), last=d.get("last"), duplicates=dict(d.get("duplicates") or {}),
    )


def _file_ident(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


class SqlitePool:
    """Read-only connections to one store, kept open between requests.

    Opening a SQLite connection and parsing the schema on its first query cost
    ~2 ms of a ~5 ms story page (bench_web's profile), so up to ``size`` idle
    connections are kept. This keeps no data: each read runs in its own
    autocommit transaction and sees the store as it is now. If the file is
    replaced (a rebuilt store at the same path), the pool notices by its inode
    and opens fresh connections. The pool lives on ``app.state``, one per app.
    """

    def __init__(self, path: str, size: int = 8) -> None:
        self.path = path
        self.size = size
        self._idle: list[Store] = []
        self._lock = threading.Lock()
        self._ident = _file_ident(path)

    def open(self) -> SqliteRepository:
        """A repository on a pooled connection; its ``close()`` gives the connection back."""
        ident = _file_ident(self.path)
        stale: list[Store] = []
        with self._lock:
            if ident != self._ident:
                stale, self._idle, self._ident = self._idle, [], ident
            store = self._idle.pop() if self._idle else None
        for old in stale:
            old.close()
        return SqliteRepository(self.path, store=store, release=self._give_back) if store else \
            SqliteRepository(self.path, release=self._give_back)

    def _give_back(self, store: Store) -> None:
        with self._lock:
            if len(self._idle) < self.size and _file_ident(self.path) == self._ident:
                self._idle.append(store)
                return
        store.close()

    def close(self) -> None:
        """Close every idle connection."""
        with self._lock:
            idle, self._idle = self._idle, []
        for store in idle:
            store.close()


class SqliteRepository:
    """A Repository over the SQLite store ``storyline build`` writes, opened read-only.

    Opening goes through the store's own ``Store(path, readonly=True)`` (a
    ``file:...?mode=ro`` URI plus ``PRAGMA query_only``, and a schema-version
    check), and records are read with its functions; only the paged, filtered
    story list and search with snippets and totals are SQL of their own here,
    on the same read-only connection.
    """

    def __init__(self, path: str | None = None, *, store: Store | None = None,
                 release: Callable[[Store], None] | None = None) -> None:
        if store is None:
            from storyline.store import Store

            if path is None:
                raise ValueError("SqliteRepository needs a path or an open store")
            store = Store(path, readonly=True)
        self.store = store
        self.conn = store.conn
        self._release = release

    def close(self) -> None:
        if self._release is not None:
            self._release(self.store)
        else:
            self.store.close()

    def stats(self) -> StoreStats:
        c = self.conn
        stories = int(c.execute("SELECT count(*) FROM stories").fetchone()[0])
        articles = int(c.execute("SELECT count(*) FROM articles").fetchone()[0])
        # Outlets by the number of stories they appear in, from the (outlet, story)
        # index that migration 2 keeps (unpacking every story's JSON outlets cost
        # ~12 ms of CPU per list page on bench_web's 10k-article store).
        outlets = tuple(
            (r[0], int(r[1])) for r in c.execute(
                "SELECT outlet, count(*) AS n FROM story_outlets"
                " GROUP BY outlet ORDER BY n DESC, outlet LIMIT 500")
        )
        return StoreStats(stories, articles, outlets)

    def list_stories(self, page: int = 1, per_page: int = 20, date_from: str | None = None,
                     date_to: str | None = None, outlet: str | None = None,
                     q: str | None = None) -> StoryPage:
        where: list[str] = []
        args: list[Any] = []
        if date_from:
            # A story is in the range when its span of publication dates overlaps it.
            where.append("coalesce(s.last, s.first) >= ?")
            args.append(date_from)
        if date_to:
            where.append("substr(s.first, 1, 10) <= ?")
            args.append(date_to)
        if outlet:
            where.append("s.id IN (SELECT story_id FROM story_outlets WHERE outlet = ?)")
            args.append(outlet)
        if q is not None:
            match = fts_query(q)
            if match is None:
                return StoryPage((), 0, page, per_page)
            where.append("s.id IN (SELECT m.story_id FROM articles_fts f JOIN story_articles m"
                         " ON m.article_id = f.article_id WHERE articles_fts MATCH ?)")
            args.append(match)
        sql_where = (" WHERE " + " AND ".join(where)) if where else ""
        total = int(self.conn.execute(f"SELECT count(*) FROM stories s{sql_where}", args).fetchone()[0])
        # The ORDER BY matches migration 2's `stories_recent` index, so a page reads
        # its 20 rows (plus the offset) instead of sorting every story.
        rows = self.conn.execute(
            "SELECT s.id, s.title, s.first, s.last, s.n_articles, s.outlets,"
            " (SELECT count(*) FROM events e WHERE e.story_id = s.id)"
            f" FROM stories s{sql_where}"
            " ORDER BY coalesce(s.last, s.first) DESC, s.n_articles DESC, s.id LIMIT ? OFFSET ?",
            [*args, per_page, (page - 1) * per_page],
        ).fetchall()
        items = tuple(StoryRow(r[0], r[1], r[2], r[3], int(r[4]), tuple(json.loads(r[5])), int(r[6]))
                      for r in rows)
        return StoryPage(items, total, page, per_page)

    def get_story(self, story_id: str) -> Story:
        r = self.conn.execute("SELECT data FROM stories WHERE id = ?", (story_id,)).fetchone()
        if r is None:
            raise NotFound("story", story_id)
        return story_from_data(json.loads(r[0]))

    def get_article(self, article_id: str) -> Article:
        article = self.store.article(article_id)
        if article is None:
            raise NotFound("article", article_id)
        return article

    def get_articles(self, ids: Iterable[str]) -> dict[str, Article]:
        return {a.id: a for a in self.store.articles(list(dict.fromkeys(ids)))}

    def get_article_heads(self, ids: Iterable[str]) -> dict[str, Article]:
        # json_extract pulls the few fields in C; Article.from_dict on whole records
        # (with their mentions) cost ~15 ms per article in bench_web's profile.
        wanted = list(dict.fromkeys(ids))
        out: dict[str, Article] = {}
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            rows = self.conn.execute(
                "SELECT id, source, url, outlet, title, published, language,"
                " json_extract(data, '$.text', '$.kind', '$.updated')"
                f" FROM articles WHERE id IN ({','.join('?' * len(chunk))})", chunk).fetchall()
            for r in rows:
                text, kind, updated = json.loads(r[7])  # one parse of the record for three fields
                out[r[0]] = Article(id=r[0], source=r[1], url=r[2], outlet=r[3], title=r[4], published=r[5],
                                    language=r[6] or "und", text=text or "", kind=kind or "news", updated=updated)
        return out

    def stories_of(self, article_id: str) -> list[tuple[str, str]]:
        rows = self.conn.execute(
            "SELECT s.id, s.title FROM story_articles m JOIN stories s ON s.id = m.story_id"
            " WHERE m.article_id = ?", (article_id,)).fetchall()
        return [(r[0], r[1]) for r in rows]

    def search(self, q: str, limit: int = 20, offset: int = 0) -> tuple[list[SearchHit], int]:
        match = fts_query(q)
        if match is None:
            return [], 0
        total = int(self.conn.execute(
            "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", (match,)).fetchone()[0])
        # Rank first, then make snippets and join metadata for the one page of hits only:
        # snippet() and the joins on every match cost ~25 ms for a common word on a
        # 10k-article store (bench_web).
        ranked = self.conn.execute(
            "SELECT rowid, bm25(articles_fts) AS rank FROM articles_fts WHERE articles_fts MATCH ?"
            " ORDER BY rank LIMIT ? OFFSET ?", (match, limit, offset)).fetchall()
        if not ranked:
            return [], total
        rank_of = {r[0]: float(r[1]) for r in ranked}
        marks = ",".join("?" * len(ranked))
        # snippet(): column 2 is the text; 16 tokens of context is two lines of a result list.
        rows = self.conn.execute(
            "SELECT f.rowid, f.article_id, a.title, a.outlet, a.published,"
            " snippet(articles_fts, 2, ?, ?, '…', 16), s.id, s.title"
            " FROM articles_fts f JOIN articles a ON a.id = f.article_id"
            " LEFT JOIN story_articles m ON m.article_id = f.article_id"
            " LEFT JOIN stories s ON s.id = m.story_id"
            f" WHERE articles_fts MATCH ? AND f.rowid IN ({marks})",
            (HIT_START, HIT_END, match, *rank_of),
        ).fetchall()
        rows.sort(key=lambda r: (rank_of[r[0]], r[0]))
        hits = [SearchHit(r[1], r[2], r[3], r[4], r[5], rank_of[r[0]], r[6], r[7]) for r in rows]
        return hits, total
