"""`storyline serve`: help with examples, loopback by default, a clear error without a store;
and the read-only connection pool behind it."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from storyline.cli import app
from storyline.errors import StorylineError
from storyline.records import Article, Story
from storyline.web.repo import SqlitePool
from tests.web_support import write_store, write_v1_store


def test_serve_help_has_examples_and_loopback_default() -> None:
    result = CliRunner().invoke(app, ["serve", "--help"], terminal_width=120)
    assert result.exit_code == 0
    out = result.output
    assert "storyline serve --db seeds.db --port 8080" in out
    assert "127.0.0.1" in out and "--host" in out and "--port" in out and "--db" in out


def test_serve_without_a_store_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["serve", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2
    assert "storyline build" in result.output
    assert not (tmp_path / "none.db").exists()


def _store(path: Path, title: str) -> Path:
    a = Article(id="a1", source="t", text="Some text here.", outlet="O", published="2025-01-01")
    return write_store(path, [a], [Story(id="s1", title=title, articles=("a1",))])


def test_pool_reuses_connections_and_notices_a_replaced_store(tmp_path: Path) -> None:
    db = _store(tmp_path / "a.db", "First title")
    pool = SqlitePool(str(db), size=2)
    r1 = pool.open()
    conn = r1.conn
    r1.close()
    r2 = pool.open()
    assert r2.conn is conn  # given back and reused
    assert r2.get_story("s1").title == "First title"
    r2.close()
    # A rebuilt store moved into place is a new file: the pool drops its old connections.
    other = _store(tmp_path / "b.db", "Second title")
    shutil.move(other, db)
    r3 = pool.open()
    assert r3.conn is not conn and r3.get_story("s1").title == "Second title"
    r3.close()
    pool.close()


def test_serve_upgrades_a_store_from_an_older_schema_before_serving(tmp_path: Path) -> None:
    from storyline.cli import _upgrade_store
    from storyline.store import Store
    from storyline.store.schema import MIGRATIONS

    db = write_v1_store(tmp_path / "old.db", "Old store", ["Outlet"])
    try:
        Store(db, readonly=True)
        raise AssertionError("an old store must not open read-only")
    except StorylineError:
        pass
    _upgrade_store(str(db))
    with Store(db, readonly=True) as st:  # the read-only server can open it now, data intact
        assert st.version() == MIGRATIONS[-1][0]
        assert [r[0] for r in st.conn.execute("SELECT title FROM stories")] == ["Old store"]


def test_serve_refuses_a_store_from_a_newer_storyline(tmp_path: Path) -> None:
    import sqlite3

    import pytest
    import typer

    from storyline.cli import _upgrade_store

    db = _store(tmp_path / "new.db", "New store")
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO migrations VALUES (999, 'future', 'then')")
    conn.commit()
    conn.close()
    with pytest.raises(typer.Exit):
        _upgrade_store(str(db))
