"""A small per-app cache of rendered pages, invalidated when the store changes.

The server is read-only over a store that only changes when ``storyline build``
runs, so a rendered story page stays right until the store file changes. The
cache key includes the store's *version*: its inode and the modification times
and sizes of the database file and its write-ahead log, which every committed
write changes. The cache lives on ``app.state`` (one per app, never a module
global) and is bounded (least recently used pages go first).
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Hashable


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


class PageCache:
    """Rendered pages by key, valid for one store version.

    Arguments:
        db: the store's path (its version is checked on every lookup: two ``stat`` calls).
        max_entries: how many pages to keep.
    """

    def __init__(self, db: str, max_entries: int = 512) -> None:
        self.db = db
        self.max_entries = max_entries
        self._pages: OrderedDict[Hashable, tuple[tuple[int, ...], str]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> tuple[tuple[int, ...], str | None]:
        """The current store version and the cached page for ``key`` (None when stale or absent)."""
        version = store_version(self.db)
        with self._lock:
            hit = self._pages.get(key)
            if hit is None or hit[0] != version:
                return version, None
            self._pages.move_to_end(key)
            return version, hit[1]

    def put(self, key: Hashable, version: tuple[int, ...], page: str) -> None:
        """Keep ``page`` for ``key`` as rendered from store ``version``."""
        with self._lock:
            self._pages[key] = (version, page)
            self._pages.move_to_end(key)
            while len(self._pages) > self.max_entries:
                self._pages.popitem(last=False)
