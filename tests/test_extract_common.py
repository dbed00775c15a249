"""Shared extraction helpers and record-kind (JSONL/feed) extraction, on real text."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.extract import extract_article
from storyline.extract.common import detect_language, iso_date, normalise_authors, normalise_name
from storyline.extract.fields import html_fragment_to_text, outlet_from_host
from storyline.records import Article, RawDoc

from .conftest import DATA, SEEDS


def test_names_are_case_normalised_and_placeholders_dropped() -> None:
    assert normalise_name("BY SEO JI-EUN") == "Seo Ji-eun"
    assert normalise_name("jane van der berg") == "Jane van der Berg"
    assert normalise_authors(["BY SEO JI-EUN", "[email protected]"]) == ("Seo Ji-eun",)
    assert normalise_authors("Ann Smith and Bob Jones; Ann Smith") == ("Ann Smith", "Bob Jones")
    assert normalise_authors("Staff") == ()
    assert normalise_authors(["korocamia@naver.com"]) == ()


def test_credentials_are_not_names_and_user_names_keep_their_digits() -> None:
    # "Name, PhD" splits on the comma; the post-nominals are not authors
    assert normalise_authors("Jane Doe, PhD, RD") == ("Jane Doe",)
    assert normalise_authors(["John Roe, M.D.", "Ann Poe, MSc"]) == ("John Roe", "Ann Poe")
    # a user name with digits is a byline; digits standing alone are not
    assert normalise_authors("reader1984") == ("Reader1984",)
    assert normalise_authors("Call 555 1234") == ()
    assert normalise_authors("01.12.2022") == ()


def test_iso_dates_keep_what_is_known() -> None:
    assert iso_date("2025-06-19 23:40:00") == "2025-06-19T23:40:00"
    assert iso_date("2025-06-16T09:31:00Z") == "2025-06-16T09:31:00+00:00"
    assert iso_date("2025-06-16T09:31:00+0900") == "2025-06-16T09:31:00+09:00"
    assert iso_date("2016-09-12") == "2016-09-12"
    assert iso_date("June 19, 2025") == "2025-06-19"
    assert iso_date("not a date at all") is None
    assert iso_date("") is None


def test_language_of_real_texts(shared: Path) -> None:
    assert detect_language((SEEDS / "000_953c0c9aa5063802.txt").read_text()) == "en"
    assert detect_language("오피니언 많이 본 기사 " * 10) == "ko"
    assert detect_language("日本と韓国の首脳は、カナダで会談した。" * 5) == "ja"
    assert detect_language("", "de-DE") == "de"
    assert detect_language("Le président a rencontré le premier ministre à Paris mardi pour discuter du commerce.") == "fr"


def test_feed_html_fragment_becomes_paragraphs() -> None:
    text = html_fragment_to_text("<p>One <b>bold</b> line.</p><script>x()</script><p>Two<br>three</p>")
    assert text == "One bold line.\n\nTwo\n\nthree"


def test_outlet_from_host() -> None:
    assert outlet_from_host("https://www.bbc.co.uk/news/x") == "bbc.co.uk"
    assert outlet_from_host("edition.cnn.com") == "cnn.com"
    assert outlet_from_host(None) is None


def test_news_please_record_becomes_article(shared: Path) -> None:
    text_path = sorted((DATA / "polnear" / "data" / "dev" / "text").glob("*.txt"))[0]
    body = text_path.read_text()
    rec = {
        "id": "np-1", "url": "https://www.breitbart.com/a", "title": " A  title ", "maintext": body,
        "date_publish": "2016-09-12 10:00:00", "authors": ["JOHN DOE"], "source_domain": "www.breitbart.com",
        "language": "en",
    }
    art = extract_article(RawDoc(source="x.jsonl#1", kind="record", fields=rec))
    assert isinstance(art, Article)
    assert art.id == "np-1" and art.title == "A title" and art.authors == ("John Doe",)
    assert art.published == "2016-09-12T10:00:00" and art.outlet == "breitbart.com"
    assert art.language == "en"
    assert "\n\n" in art.text and body.split("\n")[0].strip()[:50] in art.text
    again = Article.from_dict(json.loads(json.dumps(art.to_dict())))
    assert again == art


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=300))
def test_normalise_authors_never_crashes(s: str) -> None:
    for name in normalise_authors(s):
        assert name and "@" not in name
