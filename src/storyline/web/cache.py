"""A per-app cache of rendered pages, invalidated when the store changes.

Why: the server is read-only over a store that only changes when ``storyline
build`` runs, so a rendered story page stays right until the store file
changes; rendering one costs ~5 ms of CPU (building the view, locating every
citation in its article, two SVG pictures, the template), serving it from here
~0.3 ms. Under 50 concurrent readers that difference is the whole latency
budget (bench/bench_web.py).

How it stays correct: every entry records the store *version* it was rendered
from (the inode, modification time and size of the database file and of its
write-ahead log, which every committed write changes) and a lookup under
another version is a miss. The cache lives on ``app.state`` (one per app,
never a module global, so two apps over two stores share nothing).

How it is bounded: by the bytes of the pages it holds (``max_bytes``; a story
page of bench_web's 10k-article store is 17 kB on average, 73 kB at most, so
the default 64 MiB holds every page of such a store) and by a number of
entries; least recently used pages go first. Why not a library: ``cachetools``
bounds by a size function too, but the store-version check and the
(body, ETag) entries are the substance here, and an ``OrderedDict`` LRU is a
dozen lines.

Every entry carries a strong ETag, a hash of the page's bytes, so browsers
revalidate with ``If-None-Match`` and get a body-less 304 when nothing changed
(the hash, not the store version, so a rebuild that leaves a page as it was
still answers 304, and all worker processes agree on it).
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass

DEFAULT_MAX_BYTES = 64 * 1024 * 1024  # see the module docstring: every page of a 10k-article store
DEFAULT_MAX_ENTRIES = 100_000  # a backstop against many tiny pages (each entry costs ~200 bytes of bookkeeping)


def store_version(db: str) -> tuple[int, ...]:
    """A value that changes whenever a write to the SQLite store at ``db`` is committed."""
    parts: list[int] = []
    for path in (db, db + "-wal"):
        try:
            st = os.stat(path)
        except OSError:
            parts.extend((0, 0, 0))
            continue
        parts.extend((st.st_ino, st.st_mtime_ns, st.st_size))
    return tuple(parts)


def url_key(path: str, query_string: bytes = b"") -> tuple[str, bytes]:
    """The cache key of a page: its exact path and query string, as the ASGI scope has them.

    Keying by the URL as sent (not by parsed parameters) lets web/fastpath.py find
    a page before routing; only a route that validated and rendered a URL ever
    stores it, so a hit is always a page the route itself produced. Two spellings
    of one query are two entries, which the byte bound keeps harmless.
    """
    return (path, query_string)


def etag_of(body: bytes) -> str:
    """A strong ETag (quoted, as HTTP writes it) for a response body."""
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


HTML = "text/html; charset=utf-8"
JSON = "application/json"


@dataclass(frozen=True, slots=True)
class CachedPage:
    """A rendered page (or JSON document): its UTF-8 bytes, their ETag and media type."""

    body: bytes
    etag: str
    media_type: str = HTML


class PageCache:
    """Rendered pages by key, valid for one store version.

    Arguments:
        db: the store's path (its version is checked on every lookup: two ``stat`` calls).
        max_entries: how many pages to keep at most.
        max_bytes: how many bytes of pages to keep at most (0 disables the cache).

    Example::

        cache = PageCache("storyline.db")
        version, hit = cache.lookup(("story", sid))
        if hit is None:
            hit = cache.store(("story", sid), version, render(sid).encode())
    """

    def __init__(self, db: str, max_entries: int = DEFAULT_MAX_ENTRIES,
                 max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.db = db
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._pages: OrderedDict[Hashable, tuple[tuple[int, ...], CachedPage]] = OrderedDict()
        self._bytes = 0
        # Routes run on the event loop but the warmer (web/warm.py) runs in a thread.
        self._lock = threading.Lock()

    @property
    def bytes_used(self) -> int:
        """Bytes of page bodies held now."""
        return self._bytes

    def __len__(self) -> int:
        return len(self._pages)

    def version(self) -> tuple[int, ...]:
        """The store's current version."""
        return store_version(self.db)

    def lookup(self, key: Hashable) -> tuple[tuple[int, ...], CachedPage | None]:
        """The current store version and the cached page for ``key`` (None when stale or absent)."""
        version = store_version(self.db)
        with self._lock:
            hit = self._pages.get(key)
            if hit is None or hit[0] != version:
                return version, None
            self._pages.move_to_end(key)
            return version, hit[1]

    def contains(self, key: Hashable, version: tuple[int, ...]) -> bool:
        """Whether ``key`` is cached for ``version`` (without touching its recency)."""
        with self._lock:
            hit = self._pages.get(key)
            return hit is not None and hit[0] == version

    def store(self, key: Hashable, version: tuple[int, ...], body: bytes, media_type: str = HTML) -> CachedPage:
        """Keep ``body`` for ``key`` as rendered from store ``version``; return the entry."""
        page = CachedPage(body, etag_of(body), media_type)
        if len(body) > self.max_bytes:  # never let one page flush everything else
            return page
        with self._lock:
            old = self._pages.pop(key, None)
            if old is not None:
                self._bytes -= len(old[1].body)
            self._pages[key] = (version, page)
            self._bytes += len(body)
            while self._pages and (len(self._pages) > self.max_entries or self._bytes > self.max_bytes):
                _, (_, dropped) = self._pages.popitem(last=False)
                self._bytes -= len(dropped.body)
        return page

    def get(self, key: Hashable) -> tuple[tuple[int, ...], str | None]:
        """Like ``lookup``, with the page as text."""
        version, hit = self.lookup(key)
        return version, None if hit is None else hit.body.decode("utf-8")

    def put(self, key: Hashable, version: tuple[int, ...], page: str) -> None:
        """Like ``store``, for a page as text."""
        self.store(key, version, page.encode("utf-8"))

    def clear(self) -> None:
        """Drop every page."""
        with self._lock:
            self._pages.clear()
            self._bytes = 0
