"""The SQLite store: versioned migrations, idempotent writes, read-only opening, full-text search."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from storyline.errors import StoreError
from storyline.records import Article, Event, Story
from storyline.store import LATEST, Membership, Store

A = Article(id="a1", source="x.txt", title="Ishiba meets Lee in Calgary", text="The two leaders met in Calgary.",
            outlet="Daily", published="2025-06-17")
B = Article(id="b1", source="y.txt", title=None, text="Café owners protest in Zürich.", published="2025-06-18")


def test_migrations_are_versioned_and_applied_once(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    with Store(db) as s:
        assert s.version() == LATEST
        assert s.migrate() == []  # nothing left to apply
    with Store(db) as s:
        rows = s.conn.execute("SELECT version, name FROM migrations").fetchall()
        assert [r[0] for r in rows] == list(range(1, LATEST + 1))


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    Store(db).close()
    con = sqlite3.connect(db)
    con.execute("INSERT INTO migrations VALUES (?, 'future', 'now')", (LATEST + 1,))
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="newer"):
        Store(db)


def test_writes_are_idempotent_and_round_trip(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as s:
        with s.transaction():
            assert s.add_articles([A, B], {"a1": None}) == 2
        with s.transaction():
            assert s.add_articles([A, B]) == 0
        ev = Event(id="e1", title="Summit", date="2025-06-17", articles=("a1",))
        story = Story(id="s1", title="Summit", articles=("a1", "b1"), events=(ev,), first="2025-06-17",
                      duplicates={"b1": "a1"}, notes={"b1": "why"})
        with s.transaction():
            s.assign([Membership("a1", "s1"), Membership("b1", "s1", "a1", "why")])
            s.put_story(story, ["Daily"])
            s.put_story(story, ["Daily"])
        assert s.count("articles") == 2 and s.count("stories") == 1 and s.count("events") == 1
        assert list(s.articles()) == [A, B]
        assert s.story("s1") == story and s.story("s") == story  # id prefix
        assert s.events("s1") == [ev]
        row = s.story_rows()[0]
        assert (row.id, row.articles, row.outlets) == ("s1", 2, ("Daily",))
        assert [m.duplicate_of for m in s.memberships()] == [None, "a1"]


def test_a_failed_transaction_leaves_nothing(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as s:
        with pytest.raises(RuntimeError), s.transaction():
            s.add_articles([A])
            raise RuntimeError("crash")
        assert s.count("articles") == 0 and s.count("articles_fts") == 0


def test_full_text_search_ignores_syntax_and_accents(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as s:
        with s.transaction():
            s.add_articles([A, B])
        assert [h.article_id for h in s.search("calgary")] == ["a1"]
        assert [h.article_id for h in s.search("zurich cafe")] == ["b1"]
        assert s.search('"unbalanced AND (') == []  # user input is never FTS5 syntax
        assert "[Calgary]" in s.search("Calgary")[0].snippet


def test_readonly_store(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no such store"):
        Store(tmp_path / "missing.db", readonly=True)
    with Store(tmp_path / "s.db") as s, s.transaction():
        s.add_articles([A])
    with Store(tmp_path / "s.db", readonly=True) as ro:
        assert ro.article("a1") == A
        with pytest.raises(sqlite3.OperationalError):
            ro.conn.execute("DELETE FROM articles")


def test_articles_without_enrichment_keep_what_clustering_reads(tmp_path: Path) -> None:
    from storyline.records import Mention, Quote, TimeExpr

    rich = A.replace(mentions=(Mention("Ishiba", "PERSON", None, 0, 6),),
                     quotes=(Quote("Lee", None, "said", "The two leaders met", "direct", 0, 19),),
                     times=(TimeExpr("June 17", "2025-06-17", 0, 7),))
    with Store(tmp_path / "s.db") as s:
        with s.transaction():
            s.add_articles([rich, B])
        assert list(s.articles()) == [rich, B]
        light = list(s.articles(enrichment=False))
        assert light == [A.replace(mentions=None, quotes=None, times=None), B]
        assert list(s.articles(["a1"], enrichment=False)) == light[:1]
