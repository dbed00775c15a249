"""The web app in-process (FastAPI's TestClient) over records in memory: API, pages, errors, safety.

The same app over a real SQLite store is tested in test_web_store.py and, in a
browser, in tests/browser/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from storyline.records import Article, Story
from storyline.settings import Settings
from storyline.web import create_app
from storyline.web.repo import MemoryRepository, fts_query
from tests.test_export_reports import parse
from tests.web_support import hostile_article, korean_article, seed_articles, story_over


@pytest.fixture(scope="module")
def corpus(seeds_dir: Path) -> tuple[list[Article], Story]:
    arts = seed_articles(seeds_dir) + [korean_article(), hostile_article()]
    return arts, story_over(arts)


@pytest.fixture(scope="module")
def client(corpus: tuple[list[Article], Story]) -> TestClient:
    arts, story = corpus
    repo = MemoryRepository(arts, [story])
    return TestClient(create_app(Settings(db="test.db"), open_repository=lambda: repo))


@pytest.fixture(scope="module")
def empty_client() -> TestClient:
    repo = MemoryRepository([], [])
    return TestClient(create_app(Settings(db="empty.db"), open_repository=lambda: repo))


# ------------------------------------------------------------------- API ---


def test_api_story_list_paging_and_filters(client: TestClient) -> None:
    body = client.get("/api/stories").json()
    assert body["total"] == 1 and body["page"] == 1 and body["pages"] == 1
    item = body["items"][0]
    assert item["id"] == "story-seeds" and item["articles"] == 7 and item["events"] == 4
    assert "Korea JoongAng Daily" in item["outlets"]
    assert client.get("/api/stories", params={"outlet": "연합뉴스"}).json()["total"] == 1
    assert client.get("/api/stories", params={"outlet": "Nobody"}).json()["total"] == 0
    assert client.get("/api/stories", params={"date_from": "2025-07-01"}).json()["total"] == 0
    assert client.get("/api/stories", params={"date_to": "2025-06-30"}).json()["total"] == 1
    assert client.get("/api/stories", params={"q": "Ishiba"}).json()["total"] == 1
    assert client.get("/api/stories", params={"page": 2}).json()["items"] == []


def test_api_one_story_and_its_parts(client: TestClient) -> None:
    story = client.get("/api/stories/story-seeds").json()
    assert story["title"] == "Korea and Japan mark 60 years of ties"
    assert story["conflicts"][0]["slot"] == "place"
    events = client.get("/api/stories/story-seeds/events").json()
    assert [e["date"] for e in events] == sorted(e["date"] for e in events)
    assert {f["status"] for e in events for f in e["facts"]} >= {"conflict", "agreed"}
    arts = client.get("/api/stories/story-seeds/articles").json()
    assert len(arts) == 7 and arts[0]["url"].startswith("/api/articles/")
    ents = client.get("/api/stories/story-seeds/entities").json()
    assert {"id": "ent-ishiba", "name": "Shigeru Ishiba"}.items() <= ents[1].items()
    quotes = client.get("/api/stories/story-seeds/quotes").json()
    assert quotes[0]["also_in"] and quotes[0]["speaker"] == "ent-lee"


def test_api_article_and_jsonld(client: TestClient, corpus: tuple[list[Article], Story]) -> None:
    a = corpus[0][2]
    body = client.get(f"/api/articles/{a.id}").json()
    assert body["text"] == a.text and body["stories"] == ["story-seeds"]
    assert body["removed"] and {"text", "reason"} <= set(body["removed"][0])
    ld = client.get(f"/api/articles/{a.id}/jsonld")
    assert ld.headers["content-type"].startswith("application/ld+json")
    assert ld.json()["@type"] == "NewsArticle"


def test_api_search(client: TestClient) -> None:
    body = client.get("/api/search", params={"q": "Ishiba"}).json()
    assert body["total"] >= 5 and "[Ishiba]" in body["hits"][0]["snippet"]
    assert body["hits"][0]["story"] == "story-seeds"


@pytest.mark.parametrize("q", ['"', "AND", "a:b", "NEAR(", "*", "'; DROP TABLE x;--", "^x", "((", "\x00"])
def test_search_input_never_breaks(client: TestClient, q: str) -> None:
    assert client.get("/api/search", params={"q": q}).status_code == 200
    assert client.get("/search", params={"q": q}).status_code == 200
    assert client.get("/", params={"q": q}).status_code == 200


def test_fts_query_quotes_everything() -> None:
    assert fts_query("Lee Ishiba") == '"Lee" "Ishiba"'
    assert fts_query('"shuttle diplomacy" NEAR x*') == '"shuttle diplomacy" "NEAR" "x"'
    assert fts_query('say "hi') == '"say" "hi"'
    assert fts_query("이재명 대통령") == '"이재명" "대통령"'
    assert fts_query("*** ((") is None


def test_api_errors_are_clear(client: TestClient) -> None:
    for path in ("/api/stories/nope", "/api/articles/nope", "/api/stories/nope/events"):
        r = client.get(path)
        assert r.status_code == 404
        msg = r.json()["error"]["message"]
        assert "nope" in msg and "/api/" in msg
    r = client.get("/api/stories", params={"date_from": "yesterday", "per_page": 1000})
    assert r.status_code == 422
    msg = r.json()["error"]["message"]
    assert "date_from" in msg and "per_page" in msg
    assert client.get("/api/nothing-here").status_code == 404
    assert client.get("/api/search").status_code == 422  # q is required


def test_openapi_and_docs_page(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in ("/api/stories", "/api/stories/{story_id}", "/api/stories/{story_id}/events",
                 "/api/stories/{story_id}/articles", "/api/stories/{story_id}/entities",
                 "/api/stories/{story_id}/quotes", "/api/articles/{article_id}", "/api/search"):
        assert path in spec["paths"], path
    assert not any(p.startswith(("/stories", "/static")) for p in spec["paths"])
    page = client.get("/api").text
    assert "GET /api/search" in page and "date_from" in page
    assert client.get("/docs").status_code == 404  # Swagger UI would come from a CDN


# ----------------------------------------------------------------- pages ---


def test_story_list_page(client: TestClient) -> None:
    html = client.get("/").text
    assert 'href="/stories/story-seeds"' in html
    assert "연합뉴스" in html  # the outlet filter lists it


def test_empty_store_says_so(empty_client: TestClient) -> None:
    html = empty_client.get("/").text
    assert "No stories yet" in html and "storyline build" in html
    assert empty_client.get("/api/stories").json() == {"items": [], "page": 1, "per_page": 20, "total": 0, "pages": 1}
    assert "No article matches" in empty_client.get("/search", params={"q": "x"}).text


def test_story_page_sections_and_citations(client: TestClient, corpus: tuple[list[Article], Story]) -> None:
    arts = corpus[0]
    html = client.get("/stories/story-seeds").text
    for section in ("summary", "timeline", "events", "facts", "quotes", "coverage", "entities", "sources"):
        assert f'<section id="{section}"' in html
    assert html.count("<svg") == 2
    assert '<tr class="conflict">' in html
    # Every citation in the summary links to a paragraph anchor of a real article page.
    summary = html.split('id="summary"')[1].split("</section>")[0]
    links = re.findall(r'href="/articles/([0-9a-z]+)#p(\d+)"', summary)
    assert len(links) >= 4
    for aid, n in links:
        page = client.get(f"/articles/{aid}").text
        assert f'id="p{n}"' in page
    assert f'href="/articles/{arts[0].id}#p1"' in summary


def test_article_page(client: TestClient, corpus: tuple[list[Article], Story]) -> None:
    a = corpus[0][0]
    html = client.get(f"/articles/{a.id}").text
    assert html.count('<p id="p') == len(a.text.split("\n\n"))
    assert "JOINT PRESS CORPS" in html and "Translated from the JoongAng Ilbo" in html
    assert "Removed as page furniture" in html and "date line" in html
    assert 'href="/stories/story-seeds"' in html
    assert '<script type="application/ld+json">' in html


def test_cjk_article_page(client: TestClient) -> None:
    r = client.get("/articles/kokokokokokokoko")
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert '<html lang="ko">' in r.text and "이재명 대통령은 17일" in r.text and "日韓首脳" in r.text


def test_unknown_pages_are_404_pages(client: TestClient) -> None:
    for path in ("/stories/nope", "/articles/nope", "/nowhere"):
        r = client.get(path)
        assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
        assert "Back to the stories" in r.text
    assert client.get("/?date_from=soon").status_code == 400


# ---------------------------------------------------------------- safety ---


def test_hostile_article_is_inert_in_html(client: TestClient) -> None:
    html = client.get("/articles/evil000000000001").text
    head, body = html.split("</head>", 1)
    assert "<title>Summit &lt;/title&gt;&lt;script&gt;" in head
    assert "<script>" not in html and "<img src=x" not in html and "<svg onload" not in html
    for tag, attrs in parse(html):
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)
        if tag == "script":
            assert attrs.get("src", "").startswith("/static/") or attrs.get("type") == "application/ld+json"
        for k in ("href", "src"):
            assert not (attrs.get(k) or "").lower().startswith("javascript"), (tag, attrs)
    assert 'href="javascript:' not in html and 'src="javascript:' not in html
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in body  # shown as text
    story = client.get("/stories/story-seeds").text
    assert "<script>" not in story and "<img src=x" not in story
    hits = client.get("/search", params={"q": "pwned"}).text
    assert "<script>" not in hits and "&lt;script&gt;" in hits


def test_security_headers(client: TestClient) -> None:
    r = client.get("/")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize("path", [
    "/static/../app.py", "/static/..%2fapp.py", "/static/%2e%2e/%2e%2e/records.py",
    "/static/..%5c..%5crecords.py", "/static//etc/passwd", "/static/%2Fetc%2Fpasswd",
    "/static/style.css%00.png", "/static/templates/base.html", "/static/__init__.py",
    "/../../../../etc/passwd", "/static/", "/static/.",
])
def test_no_path_reaches_the_file_system(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 404
    assert "root:" not in r.text and "import" not in r.text


def test_static_files_by_name(client: TestClient) -> None:
    r = client.get("/static/style.css")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/css")
    assert client.get("/static/style.css", headers={"if-none-match": r.headers["etag"]}).status_code == 304
    assert client.get("/static/app.js").headers["content-type"].startswith("text/javascript")


def test_server_is_read_only(client: TestClient) -> None:
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        r = client.request(method, "/api/stories")
        assert r.status_code == 405, method
        assert "read-only" in r.json()["error"]["message"]


def test_story_page_cache_is_invalidated_when_the_store_changes(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A cached page is served until a write to the store changes its version."""
    import os
    import time

    from storyline.web.cache import PageCache, store_version

    db = tmp_path / "s.db"
    db.write_bytes(b"x")
    cache = PageCache(str(db), max_entries=2)
    version, page = cache.get("a")
    assert page is None
    cache.put("a", version, "<p>one</p>")
    assert cache.get("a")[1] == "<p>one</p>"
    time.sleep(0.01)
    db.write_bytes(b"xy")
    os.utime(db)
    assert store_version(str(db)) != version
    assert cache.get("a")[1] is None
    for k in ("b", "c", "d"):
        cache.put(k, store_version(str(db)), k)
    assert cache.get("b")[1] is None and cache.get("d")[1] == "d"
