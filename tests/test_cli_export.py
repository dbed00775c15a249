"""`storyline export` in every format, through the real command on a store built from the seeds."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import SEEDS


def _sl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "storyline.cli", *args], capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def seeds_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not SEEDS.is_dir():
        pytest.skip("../shared is not beside the checkout")
    db = tmp_path_factory.mktemp("export") / "seeds.db"
    proc = _sl("build", str(SEEDS), "--db", str(db), "--no-enrich", "-q")
    assert proc.returncode == 0, proc.stderr
    return db


def test_json_dossier_has_contract_shape(seeds_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "d.json"
    assert _sl("export", "--db", str(seeds_db), "-o", str(out), "-q").returncode == 0
    d = json.loads(out.read_text())
    assert d["schema"] == "storyline/1" and len(d["articles"]) == 5
    story = d["stories"][0]
    for key in ("id", "title", "articles", "events", "entities", "quotes", "timeline", "summary", "conflicts"):
        assert key in story
    assert set(story["articles"]) <= {a["id"] for a in d["articles"]}


def test_markdown_and_html_reports(seeds_db: Path, tmp_path: Path) -> None:
    md = tmp_path / "d.md"
    assert _sl("export", "--db", str(seeds_db), "--format", "md", "-o", str(md)).returncode == 0
    text = md.read_text()
    assert text.startswith("#") and "Ishiba" in text
    html = tmp_path / "one.html"
    assert _sl("export", "--db", str(seeds_db), "--format", "html", "-o", str(html)).returncode == 0
    page = html.read_text()
    assert page.lstrip().lower().startswith("<!doctype html") and "<svg" in page
    # Self-contained: no stylesheet or script fetched from elsewhere.
    assert "<link rel=\"stylesheet\"" not in page and "<script src" not in page
    folder = tmp_path / "reports"
    assert _sl("export", "--db", str(seeds_db), "--format", "html", "-o", str(folder)).returncode == 0
    assert len(list(folder.glob("*.html"))) == 1


def test_article_exports(seeds_db: Path, tmp_path: Path) -> None:
    np_out = tmp_path / "a.jsonl"
    assert _sl("export", "--db", str(seeds_db), "--format", "newsplease", "-o", str(np_out)).returncode == 0
    rows = [json.loads(x) for x in np_out.read_text().splitlines()]
    assert len(rows) == 5 and all(r["maintext"] for r in rows)
    ld_out = tmp_path / "a.jsonld"
    assert _sl("export", "--db", str(seeds_db), "--format", "jsonld", "-o", str(ld_out)).returncode == 0
    assert "NewsArticle" in ld_out.read_text()


def test_export_usage_errors(seeds_db: Path) -> None:
    assert _sl("export", "--db", str(seeds_db), "--format", "pdf").returncode == 2
    assert _sl("export", "--db", str(seeds_db), "--story", "no-such-story").returncode == 2
