"""The Markdown and HTML story reports, on the seed articles and a hostile one."""

from __future__ import annotations

import base64
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storyline.export.html import render_html, when
from storyline.export.markdown import md_escape, render_markdown
from storyline.export.pictures import coverage_svg, parse_day, timeline_svg
from storyline.export.view import (
    build_story_view,
    locate_passage,
    paragraph_at,
    paragraphs,
    safe_url,
)
from storyline.records import Article, Story, StoryQuote
from tests.web_support import hostile_article, korean_article, seed_articles, story_over


@pytest.fixture(scope="module")
def corpus(seeds_dir: Path) -> tuple[list[Article], Story]:
    arts = seed_articles(seeds_dir) + [korean_article(), hostile_article()]
    return arts, story_over(arts)


def by_id(arts: list[Article]) -> dict[str, Article]:
    return {a.id: a for a in arts}


class _Tags(HTMLParser):
    """Collects every element and attribute the browser would build from a document."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def parse(doc: str) -> list[tuple[str, dict[str, str | None]]]:
    p = _Tags()
    p.feed(doc)
    return p.tags


def test_paragraphs_and_offsets() -> None:
    text = "First para.\n\nSecond para,\nsame para.\n \nThird."
    assert paragraphs(text) == ["First para.", "Second para,\nsame para.", "Third."]
    assert paragraph_at(text, text.index("same")) == 2
    assert paragraph_at(text, text.index("Third")) == 3


def test_citations_find_their_paragraph(corpus: tuple[list[Article], Story]) -> None:
    arts, story = corpus
    a0 = arts[0]
    paras = paragraphs(a0.text)
    # An exact sentence from paragraph 3, and a paraphrase of paragraph 1.
    assert locate_passage(a0, paras[2].split(". ")[1]) == 3
    assert locate_passage(a0, "Lee and Ishiba held a first bilateral summit on the G7 sidelines in Canada") == 1
    assert locate_passage(a0, "Nothing in common with any of it whatsoever") is None
    view = build_story_view(story, by_id(arts))
    first = view.summary[0].cites[0]
    assert first.article == a0.id and first.paragraph == 1 and first.anchor == "p1"


def test_view_groups_and_numbers(corpus: tuple[list[Article], Story]) -> None:
    arts, story = corpus
    view = build_story_view(story, by_id(arts))
    assert [s.n for s in view.sources] == list(range(1, len(arts) + 1))
    assert view.conflicts == 1
    assert [f.status for f in view.facts if f.conflict] == ["conflict"]
    speakers = [g.speaker for g in view.quotes]
    assert speakers[-1] == "Unattributed" and "Lee Jae Myung" in speakers
    # a pronoun no name resolved is nobody a reader can tell: it goes with the unattributed quotes
    arts0 = story.quotes[0].article
    they = StoryQuote(id="q-they", speaker=None, speaker_name="They", text="to work together on it", article=arts0)
    groups = build_story_view(story.replace(quotes=(*story.quotes, they)), by_id(arts)).quotes
    assert "They" not in [g.speaker for g in groups]
    assert any(r.text == "to work together on it" for g in groups if g.speaker == "Unattributed" for r in g.quotes)
    lee = next(g for g in view.quotes if g.speaker == "Lee Jae Myung")
    assert lee.quotes[0].outlets == ("Korea JoongAng Daily",)  # two articles, one outlet
    # The coverage matrix counts the summit for every outlet that reports it.
    j = [e.id for e in view.coverage.events].index("ev-summit")
    assert sum(row[j] for row in view.coverage.counts) == 5
    assert view.entities[0][0] == "PERSON"


def test_timeline_picture_breaks_long_gaps(corpus: tuple[list[Article], Story]) -> None:
    arts, story = corpus
    view = build_story_view(story, by_id(arts))
    svg = timeline_svg(view.timeline, view.sources)
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert ">//<" in svg  # 1965 and 2025 are drawn apart by a break, not a 60-year line
    xs = [float(x) for x in re.findall(r'<circle cx="([\d.]+)"', svg)]
    assert len(xs) == 4 and max(xs) - min(xs) > 300  # the June 2025 marks are spread out
    assert 'href="#t4"' in svg
    assert parse_day("2025-W25") is not None and parse_day("2025-06") is not None
    assert parse_day("sometime") is None
    assert timeline_svg((), ()) == ""


def test_pictures_escape_their_text(corpus: tuple[list[Article], Story]) -> None:
    arts, story = corpus
    view = build_story_view(story, by_id(arts))
    svg = coverage_svg(view.coverage)
    assert "<script" not in svg and "&lt;script&gt;" in svg  # the hostile outlet's name
    assert {t for t, _ in parse(svg)} <= {"svg", "title", "text", "a", "rect", "line", "circle", "g"}


def test_markdown_report(corpus: tuple[list[Article], Story]) -> None:
    arts, story = corpus
    md = render_markdown(story, by_id(arts))
    assert md.startswith("# Korea and Japan mark 60 years of ties\n")
    for heading in ("## Summary", "## Timeline", "## Facts", "## Quotes", "## Coverage", "## Entities", "## Sources"):
        assert heading in md
    assert "[1 ¶1]" in md  # a citation with its paragraph
    assert "**CONFLICT**" in md
    assert "이재명 대통령" in md
    # Pictures are embedded SVG by default, linked files on request.
    data = re.findall(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", md)
    assert len(data) == 2 and base64.b64decode(data[0]).startswith(b"<svg")
    linked = render_markdown(story, by_id(arts), {"timeline": "t.svg", "coverage": "c.svg"})
    assert "![timeline](t.svg)" in linked and "data:image" not in linked
    # No raw HTML from the hostile article survives.
    assert "<script" not in md and "<img" not in md and "</title>" not in md
    assert "(<javascript" not in md and "](javascript" not in md


def test_md_escape() -> None:
    assert md_escape("<b>x</b> & *y*") == "&lt;b&gt;x&lt;/b&gt; &amp; \\*y\\*"
    assert md_escape("[a](javascript:x)") == "\\[a\\](javascript:x)"
    assert md_escape("# not a heading\n- not a list\n1. nor this") == "\\# not a heading\n\\- not a list\n1\\. nor this"
    assert md_escape("talks (G7)!") == "talks (G7)!"
    assert md_escape("a | b\nc", table=True) == "a \\| b c"


def test_html_report_is_self_contained_and_inert(corpus: tuple[list[Article], Story]) -> None:
    arts, story = corpus
    doc = render_html(story, by_id(arts), generated="2025-07-01")
    tags = parse(doc)
    names = [t for t, _ in tags]
    assert "script" not in names  # no script at all, not even ours
    assert names.count("svg") == 2  # timeline and coverage, inline
    assert "style" in names and "link" not in names  # the stylesheet is inlined
    for tag, attrs in tags:
        for k, v in attrs.items():
            assert not k.startswith("on"), (tag, k)
            if k in ("href", "src") and v:
                assert v.startswith(("#", "https://", "http://")), (tag, k, v)
    # Every citation lands on an anchor that exists in the same file.
    ids = {a["id"] for _, a in tags if a.get("id")}
    targets = {a["href"][1:] for t, a in tags if t == "a" and (a.get("href") or "").startswith("#")}
    assert targets <= ids, targets - ids
    assert 'id="s1-p1"' in doc  # the cited passage of source 1 is quoted in the report
    assert "&lt;script&gt;window.__pwned" in doc
    assert "Content-Security-Policy" in doc
    assert "Generated by storyline on 2025-07-01" in doc


def test_when_and_safe_url() -> None:
    assert when("2025-06-17T21:00:00+09:00") == "2025-06-17 21:00 (UTC+09:00)"
    assert when("2025-06-17") == "2025-06-17"
    assert safe_url("https://example.org/a?b=c") == "https://example.org/a?b=c"
    for bad in ("javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x", "//evil.org",
                'https://x.org/"onerror="y', "vbscript:x", None, ""):
        assert safe_url(bad) is None


def test_coverage_counts_near_copies(corpus: tuple[list[Article], Story]) -> None:
    arts, story = corpus
    # The Korean article becomes a near-copy of seed 0, which reports the 1965 background event.
    copy = story.replace(duplicates={"kokokokokokokoko": arts[0].id})
    cov = build_story_view(copy, by_id(arts)).coverage
    j = [e.id for e in cov.events].index("ev-1965")
    assert cov.counts[cov.outlets.index("연합뉴스")][j] == 1
    plain = build_story_view(story, by_id(arts)).coverage
    assert plain.counts[plain.outlets.index("연합뉴스")][j] == 0


def test_report_files_one_per_story(corpus: tuple[list[Article], Story]) -> None:
    from storyline.export.html import report_files

    arts, story = corpus
    other = Story(id="story-two", title="Another", articles=(arts[1].id,))
    files = dict(report_files([story, other], lambda s: by_id(arts), "html"))
    assert set(files) == {"story-seeds.html", "story-two.html"}
    assert files["story-two.html"].startswith("<!doctype html>")
    md = dict(report_files([other], lambda s: by_id(arts), "md"))
    assert md["story-two.md"].startswith("# Another")
    with pytest.raises(ValueError):
        list(report_files([story], lambda s: by_id(arts), "pdf"))


def test_quotes_are_shown_without_their_lead_and_with_balanced_marks() -> None:
    from storyline.export.view import quote_words, quoted

    assert quote_words('that "resolving historical issues is essential"') == '"resolving historical issues is essential"'
    assert quote_words(": We will go") == "We will go"
    assert quote_words("thatcher's legacy endures") == "thatcher's legacy endures"  # a word, not the lead
    assert quoted("today’s talks went well") == "“today’s talks went well”"  # an apostrophe is no mark
    assert quoted("Japan as an “important partner") == "Japan as an “important partner”"
    assert quoted('progress lies in "understanding" each other') == 'progress lies in "understanding" each other'
    assert quoted('"resolving historical issues') == '"resolving historical issues"'


@given(st.text(alphabet="ab “”\"’", max_size=30))
def test_quoted_never_leaves_an_opening_mark_unclosed(text: str) -> None:
    from storyline.export.view import quoted

    out = quoted(text)
    assert out.count("“") <= out.count("”") or text.count("“") > text.count("”") + 1
    assert out.startswith(text) or out == f"“{text}”"
