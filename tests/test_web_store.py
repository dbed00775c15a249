"""The web app over a real SQLite store: the read-only repository, FTS5 search, safety."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from storyline.records import Story
from storyline.settings import Settings
from storyline.web import create_app
from storyline.web.repo import HIT_END, HIT_START, NotFound, SqliteRepository
from tests.web_support import (
    hostile_article,
    korean_article,
    seed_articles,
    story_over,
    write_store,
)


@pytest.fixture(scope="module")
def db(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    arts = seed_articles(seeds_dir) + [korean_article(), hostile_article()]
    main = story_over(arts)
    # A second, older story with one article, for paging and filters.
    lone = Story(id="story-lone", title="A lone story", articles=(arts[3].id,), first="2025-06-09", last="2025-06-09")
    main = main.replace(articles=tuple(a for a in main.articles if a != arts[3].id))
    return write_store(tmp_path_factory.mktemp("web") / "seeds.db", arts, [main, lone])


@pytest.fixture()
def repo(db: Path) -> SqliteRepository:
    r = SqliteRepository(str(db))
    yield r
    r.close()


@pytest.fixture(scope="module")
def client(db: Path) -> TestClient:
    return TestClient(create_app(Settings(db=str(db))))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_list_paging_and_filters(repo: SqliteRepository) -> None:
    page = repo.list_stories()
    assert page.total == 2 and [s.id for s in page.items] == ["story-seeds", "story-lone"]  # newest first
    assert page.items[0].events == 4 and "연합뉴스" in page.items[0].outlets
    assert [s.id for s in repo.list_stories(page=2, per_page=1).items] == ["story-lone"]
    assert repo.list_stories(page=2, per_page=1).pages == 2
    assert [s.id for s in repo.list_stories(date_to="2025-06-10").items] == ["story-lone"]
    assert [s.id for s in repo.list_stories(date_from="2025-06-15").items] == ["story-seeds"]
    assert [s.id for s in repo.list_stories(outlet="Global Economic Times").items] == ["story-seeds"]
    assert repo.list_stories(outlet="Nobody").total == 0
    assert "story-lone" in {s.id for s in repo.list_stories(q="phone call").items}
    assert [s.id for s in repo.list_stories(q="이재명").items] == ["story-seeds"]
    assert repo.list_stories(q="***").total == 0


def test_records_round_trip(repo: SqliteRepository, seeds_dir: Path) -> None:
    story = repo.get_story("story-seeds")
    assert story.conflicts and story.events[0].facts[0].status == "conflict"
    a = repo.get_article("evil000000000001")
    assert a.images[0].caption and "<script>" in a.images[0].caption  # stored as text, as given
    assert set(repo.get_articles([*story.articles, "missing"])) == set(story.articles)
    assert repo.stories_of("evil000000000001") == [("story-seeds", story.title)]
    with pytest.raises(NotFound):
        repo.get_story("nope")
    with pytest.raises(NotFound):
        repo.get_article("nope")
    stats = repo.stats()
    assert stats.stories == 2 and stats.articles == 7


def test_search_bm25_and_snippets(repo: SqliteRepository) -> None:
    hits, total = repo.search("Ishiba summit")
    assert total >= 4 and len(hits) == total
    assert [h.score for h in hits] == sorted(h.score for h in hits)  # bm25: lower is better
    assert HIT_START in hits[0].snippet and HIT_END in hits[0].snippet
    assert hits[0].story in ("story-seeds", "story-lone")
    page2, _ = repo.search("Ishiba summit", limit=2, offset=2)
    assert [h.article for h in page2] == [h.article for h in hits[2:4]]
    ko, n = repo.search("정상회담을")
    assert n == 1 and ko[0].article == "kokokokokokokoko"
    phrase, n = repo.search('"shuttle diplomacy"')
    assert "evil000000000001" in {h.article for h in phrase}
    assert n <= repo.search("shuttle diplomacy")[1]  # a phrase is narrower than its words


@pytest.mark.parametrize("q", ['"', '""', "AND OR NOT", "a NEAR/2 b", "title:x", "x*", "^x", "(", ")",
                               "'", "\\", "-x", "+", "{x y}", "\x00", "NEAR(a b)", "🙂", " "])
def test_search_never_errors(repo: SqliteRepository, client: TestClient, q: str) -> None:
    repo.search(q)
    repo.list_stories(q=q)
    assert client.get("/api/search", params={"q": q}).status_code == 200
    assert client.get("/", params={"q": q}).status_code == 200


def test_repository_cannot_write(repo: SqliteRepository) -> None:
    with pytest.raises(sqlite3.OperationalError):
        repo.conn.execute("DELETE FROM stories")
    with pytest.raises(sqlite3.OperationalError):
        repo.conn.execute("CREATE TABLE x (y)")


def test_pages_and_api_over_the_store(client: TestClient, db: Path) -> None:
    before = digest(db)
    assert "story-seeds" in client.get("/").text
    html = client.get("/stories/story-seeds").text
    assert html.count("<svg") == 2 and '<tr class="conflict">' in html
    assert client.get("/articles/kokokokokokokoko").status_code == 200
    assert client.get("/api/stories/story-seeds/events").json()[0]["id"] == "ev-1965"
    assert client.get("/api/stories/nope").status_code == 404
    assert "[Ishiba]" in client.get("/api/search", params={"q": "ishiba"}).json()["hits"][0]["snippet"]
    for method in ("POST", "PUT", "DELETE"):
        assert client.request(method, "/api/stories/story-seeds").status_code == 405
    assert digest(db) == before  # serving changed nothing in the store


def test_missing_store_is_a_clear_503(tmp_path: Path) -> None:
    c = TestClient(create_app(Settings(db=str(tmp_path / "absent.db"))))
    r = c.get("/api/stories")
    assert r.status_code == 503 and "storyline build" in r.json()["error"]["message"]
    assert not (tmp_path / "absent.db").exists()  # a read-only server never creates a store


def test_fast_story_decoder_matches_from_dict(repo: SqliteRepository) -> None:
    import json

    from storyline.web.repo import story_from_data

    for (data,) in repo.conn.execute("SELECT data FROM stories"):
        d = json.loads(data)
        assert story_from_data(d) == Story.from_dict(d)
    # Every field of every nested record is mapped: a field added to records.py with a
    # non-default value must show up here.
    full = Story.from_dict(json.loads(repo.conn.execute(
        "SELECT data FROM stories WHERE id = 'story-seeds'").fetchone()[0]))
    assert story_from_data(full.to_dict()) == full
