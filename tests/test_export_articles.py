"""Articles as news-please JSONL and schema.org NewsArticle JSON-LD."""

from __future__ import annotations

import io
import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from storyline.export.jsonld import render_jsonld, script_json, to_jsonld
from storyline.export.newsplease import FIELDS, newsplease_date, to_newsplease, write_newsplease
from tests.web_support import hostile_article, korean_article, seed_articles


def test_newsplease_lines_read_back_through_storyline(seeds_dir: Path, tmp_path: Path) -> None:
    arts = seed_articles(seeds_dir) + [korean_article()]
    out = io.StringIO()
    assert write_newsplease(arts, out) == len(arts)
    lines = out.getvalue().splitlines()
    rec = json.loads(lines[2])
    assert set(FIELDS) <= set(rec) and rec["id"] == arts[2].id
    assert rec["maintext"] == arts[2].text and rec["date_publish"] == "2025-06-16 18:31:00"
    assert rec["authors"] == ["Seo Ji-eun"] and rec["language"] == "en"
    assert json.loads(lines[-1])["title"] == "이재명 대통령, 이시바 총리와 첫 정상회담"
    # storyline's own JSONL reader takes the export back with the same ids and texts.
    path = tmp_path / "np.jsonl"
    path.write_text(out.getvalue(), encoding="utf-8")
    from storyline.cli import extract_stream
    from storyline.settings import Settings

    back = [a for a in extract_stream([str(path)], Settings()) if isinstance(a, type(arts[0]))]
    assert [a.id for a in back] == [a.id for a in arts]
    assert back[0].title == arts[0].title


def test_newsplease_dates() -> None:
    assert newsplease_date("2025-06-17T21:00:00+09:00") == "2025-06-17 21:00:00"
    assert newsplease_date("2025-06-17") == "2025-06-17 00:00:00"
    assert newsplease_date("June 2025") is None and newsplease_date(None) is None
    assert to_newsplease(hostile_article())["source_domain"] is None  # a javascript: "URL"


def test_jsonld_newsarticle(seeds_dir: Path) -> None:
    arts = seed_articles(seeds_dir)
    node = to_jsonld(arts[0])
    assert node["@context"] == "https://schema.org"
    assert node["@type"] == "OpinionNewsArticle"  # the seed is an opinion piece
    assert node["publisher"] == {"@type": "Organization", "name": "Korea JoongAng Daily"}
    assert node["image"][0]["creditText"] == "JOINT PRESS CORPS"
    assert "Translated from the JoongAng Ilbo" in node["backstory"]
    assert node["articleBody"] == arts[0].text
    graph = json.loads(render_jsonld(arts))
    assert len(graph["@graph"]) == len(arts) and "@context" not in graph["@graph"][0]
    assert to_jsonld(arts[2])["@type"] == "NewsArticle"


def test_jsonld_drops_unsafe_urls() -> None:
    node = to_jsonld(hostile_article())
    assert "url" not in node and node["@id"].startswith("urn:storyline:article:")
    assert all("contentUrl" not in i for i in node["image"])


@given(st.text())
def test_script_json_never_closes_the_element(s: str) -> None:
    out = script_json({"headline": s, "x": [s]})
    assert "<" not in out and ">" not in out
    assert json.loads(out) == {"headline": s, "x": [s]}
