"""What makes the web app fast stays correct: the page cache, ETags, warming, the story-list index.

Each test would fail if its feature broke: a cache bounded by bytes that is not,
a 304 for a page that changed, a story list that shows a stale title or outlet
count after the store changed, a warmer that does not warm, triggers that let
``story_outlets`` drift from ``stories``. Speed itself is measured by
bench/bench_web.py, not here.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from storyline.records import Article, Story
from storyline.settings import Settings
from storyline.store import Store
from storyline.store.schema import MIGRATIONS
from storyline.web import WebOptions, create_app
from storyline.web.cache import PageCache, etag_of, store_version, url_key
from storyline.web.fastpath import is_cached_route
from storyline.web.models import StoryOut
from storyline.web.repo import SqliteRepository
from storyline.web.routes.stories import story_page_key
from storyline.web.warm import Warmer, warm_story_pages
from tests.web_support import korean_article, seed_articles, story_over, write_store, write_v1_store


@pytest.fixture(scope="module")
def corpus(seeds_dir: Path) -> tuple[list[Article], Story]:
    arts = seed_articles(seeds_dir) + [korean_article()]
    return arts, story_over(arts)


@pytest.fixture()
def db(corpus: tuple[list[Article], Story], tmp_path: Path) -> Path:
    arts, story = corpus
    lone = Story(id="story-lone", title="A lone story", articles=(arts[3].id,), first="2025-06-09", last="2025-06-09")
    main = story.replace(articles=tuple(a for a in story.articles if a != arts[3].id))
    return write_store(tmp_path / "seeds.db", arts, [main, lone])


def _retitle(db: Path, story_id: str, title: str, outlets: list[str] | None = None) -> None:
    """Change a story in the store the way a rebuild does (through Store.put_story)."""
    with Store(db) as st, st.transaction():
        story = st.story(story_id)
        assert story is not None
        old = next(r for r in st.story_rows() if r.id == story_id).outlets
        st.put_story(story.replace(title=title), list(old) if outlets is None else outlets)


# ------------------------------------------------------------ the cache ---


def test_cache_is_bounded_by_bytes_and_never_keeps_an_oversized_page(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    db.write_bytes(b"x")
    cache = PageCache(str(db), max_bytes=1000)
    v = store_version(str(db))
    for k in "abcd":
        cache.store(k, v, k.encode() * 300)
    # 4 x 300 bytes > 1000: the least recently used page went first.
    assert cache.bytes_used == 900 and len(cache) == 3
    assert cache.lookup("a")[1] is None and cache.lookup("d")[1] is not None
    cache.lookup("b")  # b is now the most recent: c goes next
    cache.store("e", v, b"e" * 300)
    assert cache.lookup("c")[1] is None and cache.lookup("b")[1] is not None
    cache.store("b", v, b"B" * 100)  # replacing an entry frees its old bytes
    assert cache.bytes_used == 700
    big = cache.store("huge", v, b"h" * 5000)
    assert cache.lookup("huge")[1] is None and big.etag == etag_of(b"h" * 5000)
    assert cache.bytes_used == 700  # the oversized page flushed nothing
    off = PageCache(str(db), max_bytes=0)
    off.store("a", v, b"a")
    assert len(off) == 0


def test_story_page_etag_304_and_invalidation_on_a_real_store(db: Path) -> None:
    with TestClient(create_app(Settings(db=str(db)))) as client:
        r = client.get("/stories/story-seeds")
        assert r.status_code == 200 and r.headers["cache-control"] == "no-cache"
        etag = r.headers["etag"]
        assert etag == etag_of(r.content) and "Korea and Japan mark 60 years of ties" in r.text
        again = client.get("/stories/story-seeds", headers={"if-none-match": etag})
        assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
        assert client.get("/stories/story-seeds", headers={"if-none-match": f'W/{etag}, "other"'}).status_code == 304
        # The security headers are on the cached response too.
        assert "content-security-policy" in again.headers

        _retitle(db, "story-seeds", "A retitled story")
        changed = client.get("/stories/story-seeds", headers={"if-none-match": etag})
        assert changed.status_code == 200 and "A retitled story" in changed.text
        assert changed.headers["etag"] != etag
        # An unknown story is a 404, and stays one (errors are never cached as pages).
        assert client.get("/stories/nope").status_code == 404
        assert client.get("/stories/nope").status_code == 404


def test_story_list_is_cached_and_follows_the_store(db: Path) -> None:
    with TestClient(create_app(Settings(db=str(db)))) as client:
        first = client.get("/")
        assert first.status_code == 200 and "A lone story" in first.text
        assert client.get("/", headers={"if-none-match": first.headers["etag"]}).status_code == 304
        # Filtered lists are their own pages.
        only = client.get("/", params={"outlet": "연합뉴스"})
        assert "Korea and Japan" in only.text and "A lone story" not in only.text

        _retitle(db, "story-lone", "A lonely story", outlets=["연합뉴스"])
        after = client.get("/")
        assert "A lonely story" in after.text and "A lone story" not in after.text
        assert "A lonely story" in client.get("/", params={"outlet": "연합뉴스"}).text


def test_a_cache_hit_opens_no_repository(db: Path) -> None:
    app = create_app(Settings(db=str(db)))
    with TestClient(app) as client:
        assert client.get("/stories/story-seeds").status_code == 200
        opened = []
        real = app.state.open_repository

        def counting() -> SqliteRepository:
            opened.append(1)
            repo: SqliteRepository = real()
            return repo

        app.state.open_repository = counting
        assert client.get("/stories/story-seeds").status_code == 200
        assert opened == []
        assert client.get("/stories/story-lone").status_code == 200
        assert opened == [1]


def test_pages_served_before_routing_are_the_routes_pages(db: Path) -> None:
    """The fast path (web/fastpath.py) answers exactly what the route answered."""
    assert story_page_key("story-seeds") == url_key("/stories/story-seeds")
    assert is_cached_route("/") and is_cached_route("/stories/x") and not is_cached_route("/api/stories")
    app = create_app(Settings(db=str(db)))
    with TestClient(app) as client:
        for path, query in (("/stories/story-seeds", ""), ("/", ""), ("/", "outlet=%EC%97%B0%ED%95%A9%EB%89%B4%EC%8A%A4"),
                            ("/api/stories/story-seeds", "")):
            url = path + ("?" + query if query else "")
            routed = client.get(url)
            assert app.state.page_cache.lookup(url_key(path, query.encode()))[1] is not None, url
            fast = client.get(url)  # now from the cache, before routing
            assert fast.content == routed.content and fast.status_code == 200
            for h in ("etag", "cache-control", "content-type", "content-security-policy", "x-frame-options"):
                assert fast.headers[h] == routed.headers[h], h
            not_modified = client.get(url, headers={"if-none-match": fast.headers["etag"]})
            assert not_modified.status_code == 304 and "content-security-policy" in not_modified.headers
        api = client.get("/api/stories/story-seeds")
        assert api.headers["content-type"] == "application/json"
        with Store(db, readonly=True) as st:
            stored = st.story("story-seeds")
        assert stored is not None and api.json() == StoryOut.from_record(stored).model_dump()
        assert client.get("/api/stories/nope").json()["error"]["status"] == 404
        # A URL the route rejects is never cached, so the fast path never answers it.
        assert client.get("/?page=0").status_code == 400
        assert app.state.page_cache.lookup(url_key("/", b"page=0"))[1] is None
        # The route checks the store version and so does the fast path: a write is seen at once.
        _retitle(db, "story-seeds", "Retitled after caching")
        assert "Retitled after caching" in client.get("/stories/story-seeds").text
        assert "Retitled after caching" in client.get("/").text


# -------------------------------------------------------------- warming ---


def test_warming_renders_the_newest_stories_exactly_as_a_request_would(db: Path) -> None:
    app = create_app(Settings(db=str(db)))
    with TestClient(app) as client:
        assert warm_story_pages(app.state, limit=1) == 1  # the newest story only
        cache: PageCache = app.state.page_cache
        version = cache.version()
        assert cache.contains(story_page_key("story-seeds"), version)
        assert not cache.contains(story_page_key("story-lone"), version)
        warmed = cache.lookup(story_page_key("story-seeds"))[1]
        assert warmed is not None
        cache.clear()
        assert client.get("/stories/story-seeds").content == warmed.body
        assert warm_story_pages(app.state, limit=10) == 1  # story-seeds is cached already


def test_serve_options_warm_in_the_background_at_startup(db: Path) -> None:
    app = create_app(Settings(db=str(db)), options=WebOptions(cache_mb=8, warm=10))
    assert app.state.page_cache.max_bytes == 8 * 1024 * 1024
    with TestClient(app):
        warmer: Warmer = app.state.warmer
        warmer.join(timeout=30)
        assert warmer.rendered_ == 2 and len(app.state.page_cache) == 2
    stop = threading.Event()
    stop.set()
    assert warm_story_pages(app.state, 10, stop) == 0  # a stopped warmer renders nothing


def test_web_options_go_through_the_environment_to_worker_processes() -> None:
    opts = WebOptions(cache_mb=12, warm=34)
    assert WebOptions.from_env(opts.to_env()) == opts
    assert WebOptions.from_env({}) == WebOptions()


# ---------------------------------------------- migration 2: story_outlets ---


def _pairs(conn: sqlite3.Connection) -> set[tuple[str, str]]:
    return {(r[0], r[1]) for r in conn.execute("SELECT outlet, story_id FROM story_outlets")}


def _from_json(conn: sqlite3.Connection) -> set[tuple[str, str]]:
    return {(r[0], r[1]) for r in conn.execute("SELECT j.value, s.id FROM stories s, json_each(s.outlets) j"
                                                  " WHERE j.value != ''")}


def test_story_outlets_follow_every_write_to_stories(db: Path) -> None:
    with Store(db) as st:
        assert _pairs(st.conn) == _from_json(st.conn) and ("연합뉴스", "story-seeds") in _pairs(st.conn)
        story = st.story("story-lone")
        assert story is not None
        with st.transaction():
            st.put_story(story, ["Outlet A", "Outlet B", ""])  # an update through the upsert
            st.put_story(story.replace(id="story-new"), ["Outlet A"])  # an insert
        assert _pairs(st.conn) == _from_json(st.conn)
        assert {o for o, s in _pairs(st.conn) if s == "story-lone"} == {"Outlet A", "Outlet B"}
        with st.transaction():
            st.delete_stories(["story-lone"])
        assert _pairs(st.conn) == _from_json(st.conn)
        assert not any(s == "story-lone" for _, s in _pairs(st.conn))
    repo = SqliteRepository(str(db))
    try:  # the header's outlet counts come from story_outlets: one story each now
        assert dict(repo.stats().outlets)["Outlet A"] == 1
        assert [s.id for s in repo.list_stories(outlet="Outlet A").items] == ["story-new"]
    finally:
        repo.close()


def test_migration_2_backfills_a_store_written_by_version_1(tmp_path: Path) -> None:
    path = write_v1_store(tmp_path / "v1.db", "T", ["Yonhap", "NHK", ""])
    with Store(path) as st:
        assert st.version() == MIGRATIONS[-1][0]
        assert _pairs(st.conn) == {("Yonhap", "s1"), ("NHK", "s1")}
        plan = " ".join(str(r[3]) for r in st.conn.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM stories ORDER BY coalesce(last, first) DESC, n_articles DESC, id"
            " LIMIT 20"))
        assert "stories_recent" in plan  # the list page reads 20 rows, it does not sort them all


# ------------------------------------------------------------- the gate ---

# Measured 0.04 ms of CPU per cached story page through the whole ASGI app (fast
# path, security headers) on the bench machine, against 0.22-0.3 ms when the same
# hit went through FastAPI's routing and ~5 ms to render: the ceiling leaves ~4x
# for slower machines and noise and still fails if hits stop taking the fast path.
MAX_CACHED_PAGE_CPU_MS = 0.15


def test_a_cached_story_page_costs_a_fraction_of_a_millisecond(db: Path) -> None:
    import asyncio
    import time
    from concurrent.futures import ThreadPoolExecutor

    app = create_app(Settings(db=str(db)))
    sent: list[int] = []

    async def get(path: str) -> None:
        scope = {"type": "http", "method": "GET", "path": path, "raw_path": path.encode(), "query_string": b"",
                 "headers": [(b"host", b"test")], "scheme": "http", "server": ("test", 80),
                 "client": ("127.0.0.1", 1), "http_version": "1.1", "root_path": ""}

        async def receive() -> dict[str, object]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, object]) -> None:
            if message["type"] == "http.response.start":
                sent.append(int(message["status"]))  # type: ignore[call-overload]

        await app(scope, receive, send)  # type: ignore[arg-type]

    async def run(n: int) -> float:
        await get("/stories/story-seeds")  # renders and caches
        t0 = time.thread_time()
        for _ in range(n):
            await get("/stories/story-seeds")
        return (time.thread_time() - t0) / n * 1000

    # In a thread of its own: a browser test earlier in the session may leave an event loop
    # running in this one, and asyncio.run refuses to start inside it.
    with ThreadPoolExecutor(1) as pool:  # best of three: least disturbed by the machine
        per_page = min(pool.submit(asyncio.run, run(300)).result() for _ in range(3))
    assert set(sent) == {200}
    assert per_page < MAX_CACHED_PAGE_CPU_MS, f"{per_page:.3f} ms of CPU per cached story page"
