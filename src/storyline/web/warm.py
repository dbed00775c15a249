"""Warm the page cache in the background when the server starts.

Why: a story page costs ~5 ms of CPU to render and ~0.3 ms to serve from the
page cache (web/cache.py), so the first readers of a freshly started server
would otherwise pay for every page and queue behind one another. The most
recent stories are the ones readers open first, so those are rendered first,
newest first, in a daemon thread, while the server already answers requests.

The warmer writes through the same keys, renderer and store-version check as a
request does, so what it caches is exactly what a request would have rendered;
if the store changes while it works, what it rendered from the old version is
simply never served. It stops when asked (at shutdown) or when the cache is
full, and yields the interpreter between pages so requests keep being served.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from storyline.web.repo import NotFound
from storyline.web.routes.stories import story_page_html, story_page_key

log = logging.getLogger("storyline.web")


def warm_story_pages(state: Any, limit: int, stop: threading.Event | None = None) -> int:
    """Render up to ``limit`` of the most recent stories' pages into ``state.page_cache``.

    ``state`` is the app's ``app.state`` (``page_cache``, ``pages``,
    ``open_repository``). Returns how many pages were rendered.
    """
    stop = stop or threading.Event()
    cache = state.page_cache
    done = 0
    repo = state.open_repository()
    try:
        ids = [row.id for row in repo.list_stories(1, max(1, limit)).items]
        for sid in ids:
            if stop.is_set():
                break
            version = cache.version()
            key = story_page_key(sid)
            if cache.contains(key, version):
                continue
            try:
                html = story_page_html(state.pages, repo, sid)
            except NotFound:  # deleted by a rebuild since the list was read
                continue
            page = cache.store(key, version, html.encode("utf-8"))
            done += 1
            if cache.bytes_used + len(page.body) > cache.max_bytes:
                break  # full: warming further would only evict what was just warmed
            time.sleep(0)  # let the event loop's thread take the interpreter
    finally:
        repo.close()
    return done


class Warmer:
    """Runs ``warm_story_pages`` in a daemon thread; ``stop()`` ends it early.

    Arguments:
        state: the app's ``app.state``.
        limit: how many of the most recent stories to render (0: do nothing).
    """

    def __init__(self, state: Any, limit: int) -> None:
        self.state = state
        self.limit = limit
        self.rendered_: int | None = None
        self.seconds_: float | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> Warmer:
        """Start warming (returns at once)."""
        if self.limit > 0:
            self._thread = threading.Thread(target=self._run, name="storyline-warm", daemon=True)
            self._thread.start()
        return self

    def _run(self) -> None:
        t0 = time.perf_counter()
        try:
            self.rendered_ = warm_story_pages(self.state, self.limit, self._stop)
        except Exception:  # a warmer failure must not take the server down; requests still render
            log.exception("warming the page cache failed")
            return
        self.seconds_ = time.perf_counter() - t0
        log.info("page cache warmed: %d story pages in %.1f s", self.rendered_, self.seconds_)

    def join(self, timeout: float | None = None) -> None:
        """Wait for warming to finish."""
        if self._thread is not None:
            self._thread.join(timeout)

    def stop(self) -> None:
        """Ask the thread to stop after the page it is rendering, and wait briefly."""
        self._stop.set()
        self.join(timeout=5)
