"""HTML extraction on real pages from ../shared/data, plus JSON-LD and title rules, plus fuzzing."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml.html import fromstring

from storyline.errors import ExtractError
from storyline.extract import extract_article
from storyline.extract.html import extract_html_page, provenance_notes, remove_furniture
from storyline.extract.html_byline import marked_bylines, printed_bylines
from storyline.extract.html_meta import (
    choose_authors,
    choose_published,
    choose_title,
    read_page_meta,
    strip_site_name,
)
from storyline.extract.jsonld import parse_jsonld
from storyline.records import Article, RawDoc

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
BENCH = SHARED / "article-extraction-benchmark"
META = SHARED / "news-metadata-dev"


def bench_page(prefix: str) -> tuple[RawDoc, str]:
    gt = json.loads((BENCH / "ground-truth.json").read_text(encoding="utf-8"))
    key = next(k for k in gt if k.startswith(prefix))
    html = gzip.decompress((BENCH / "html" / f"{key}.html.gz").read_bytes()).decode("utf-8")
    return RawDoc(source=f"{key}.html.gz", kind="html", body=html, url=gt[key]["url"]), gt[key]["articleBody"]


def meta_page(name: str) -> RawDoc:
    gold = json.loads((META / "gold.json").read_text(encoding="utf-8"))
    html = gzip.decompress((META / "html" / f"{name}.gz").read_bytes()).decode("utf-8")
    return RawDoc(source=name, kind="html", body=html, url=gold[name]["url"])


def test_latimes_body_is_the_article_and_metadata_from_jsonld() -> None:
    doc, truth = bench_page("098bb3e9")
    art = extract_article(doc)
    assert art.text.startswith("Walt Disney Co. executive Kevin Mayer said overwhelming demand")
    assert art.text.rstrip().endswith("“ I love what I’m doing.”")
    assert "\n\n" in art.text  # paragraphs separated by a blank line
    assert art.published and art.published.startswith("2019-11-19")
    assert art.title and "Disney" in art.title and "Los Angeles Times" not in art.title
    assert art.language == "en"
    assert art.url == doc.url
    for field in Article.CONTRACT_FIELDS:
        assert field in art.to_dict()


def test_recall_pass_rescues_a_body_the_precision_filter_drops() -> None:
    # barrons: trafilatura's precision mode returns nothing useful on this page.
    doc, _truth = bench_page("f8ff621a")
    art = extract_html_page(doc)
    assert "Shares of construction goods giant Home Depot are dropping in premarket trading" in art.text
    assert "easily outpacing the Dow Jones Industrial Average" in art.text


def test_full_cascade_replaces_a_teaser_on_a_page_full_of_prose() -> None:
    # trafilatura's fast modes return a 315-character box here while the page's <p>
    # elements hold 4,400 characters: the full cascade finds the article.
    art = extract_html_page(meta_page("umweltbundesamt.de-atomkraft.html"))
    assert len(art.text) > 2000
    assert "denn die Entsorgung" in art.text
    assert "Energien auszubauen und Technologien" in art.text


def test_opinion_kind_from_url_or_markup() -> None:
    doc, _truth = bench_page("04a6711c")  # nytimes.com/2019/11/19/opinion/...
    art = extract_html_page(doc)
    assert art.kind == "opinion"
    assert art.kind_from
    assert "Americans have gone to the polls four times this month" in art.text


def test_kind_from_a_label_opening_the_headline() -> None:
    body = "".join(f"<p>Paragraph {i} of a long argument about local newspapers and their owners, "
                   f"with enough words to count as article text.</p>" for i in range(8))

    def page(headline: str, end: str = "") -> RawDoc:
        html = (f"<html><head><title>{headline}</title></head><body><article><h1>{headline}</h1>"
                f"{body}{end}</article></body></html>")
        return RawDoc(source="page.html", kind="html", body=html, url="https://news.example.com/business/x")

    art = extract_html_page(page("Column: A merger bodes ill for local news"))
    assert art.kind == "opinion" and art.kind_from == "title label"
    assert extract_html_page(page("EDITORIAL: Fund the libraries")).kind == "editorial"
    assert extract_html_page(page("A merger bodes ill for local news")).kind == "news"
    # a note on the author closing the piece marks an opinion piece
    noted = extract_html_page(page("A merger bodes ill", "<p>The author is a professor of media studies.</p>"))
    assert noted.kind == "opinion" and noted.kind_from == "author note"


def test_outlet_when_the_site_name_is_a_section_a_slug_or_an_archive() -> None:
    body = "".join(f"<p>Paragraph {i} of a report on markets and the prices of things, with enough words "
                   f"to count as article text.</p>" for i in range(8))

    def outlet(site: str, publisher: str | None, url: str) -> str | None:
        ld = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Markets", '
              f'"publisher": {{"@type": "Organization", "name": "{publisher}"}}}}</script>') if publisher else ""
        html = (f'<html><head><title>Markets</title><meta property="og:site_name" content="{site}">{ld}</head>'
                f"<body><article><h1>Markets</h1>{body}</article></body></html>")
        return extract_html_page(RawDoc(source="p.html", kind="html", body=html, url=url)).outlet

    # a section in og:site_name gives way to the publisher that looks like the host
    assert outlet("U.S.", "Wirenews", "https://www.wirenews.com/article/x") == "Wirenews"
    # a slug gives way to the name it spells
    assert outlet("citytoday", "City Today", "https://www.citytoday.com/story/x") == "City Today"
    # a real site name stays, whatever the publisher says
    assert outlet("The Daily Example", "Example Media Group", "https://dailyexample.com/x") == "The Daily Example"
    assert outlet("@dailyexample", None, "https://dailyexample.com/x") == "dailyexample"
    # an archived copy belongs to the archived site
    html = f"<html><head><title>Markets</title></head><body><article><h1>Markets</h1>{body}</article></body></html>"
    url = "https://web.archive.org/web/20190717140047/http://www.dailyexample.de/markets"
    assert extract_html_page(RawDoc(source="p.html", kind="html", body=html, url=url)).outlet == "dailyexample.de"


def test_url_comes_from_the_page_when_the_input_has_none() -> None:
    doc, _truth = bench_page("098bb3e9")
    art = extract_html_page(doc.replace(url=None))
    assert art.url and art.url.startswith("https://www.latimes.com/")
    assert art.outlet


def test_metadata_page_title_date_author() -> None:
    art = extract_html_page(meta_page("lemire.me.json.html"))
    assert art.title == "JSON parsing: simdjson vs. JSON for Modern C++"
    assert art.published and art.published.startswith("2019-08-02")
    assert art.authors == ("Daniel Lemire",)  # not "View all posts by Daniel Lemire"
    assert "I use a Skylake processor with GNU GCC 8.3." in art.text
    assert "Leave a Reply" not in art.text


def test_site_name_person_loses_to_a_person_byline() -> None:
    art = extract_html_page(meta_page("nationalgeographic.co.uk.goats.html"))
    assert art.authors == ("Michael Hingston",)
    assert art.outlet == "National Geographic"
    assert art.published and art.published.startswith("2020-01-06")


def test_byline_in_a_wordpress_post_whose_class_names_its_category() -> None:
    # <div class="post ... category-hertha-bsc">: trafilatura's pruning drops the whole post
    # (its "category" rule), and with it the "author vcard" byline.
    art = extract_html_page(meta_page("hertha-blog.de.dame.html"))
    assert art.authors == ("Daniel",)


def test_byline_from_a_yoast_webpage_graph() -> None:
    # no Article object in the JSON-LD, only a WebPage whose author points to a Person
    art = extract_html_page(meta_page("diem25.org.climate.html"))
    assert art.authors == ("Giovanni Gaggero",)


def test_printed_byline_with_a_cue_word() -> None:
    art = extract_html_page(meta_page("7mind.de.grenzen.html"))  # <i>von Daniela Obers</i>
    assert art.authors == ("Daniela Obers",)


def test_marked_bylines_skip_comments_forms_and_bare_cues() -> None:
    html = """<html><body><article class="post category-news">
      <span class="byline">By</span><span class="author">By Jane Doe</span><p>Text.</p></article>
      <div id="comments"><div class="comment-author">Troll Person</div></div>
      <form><label class="author-name">Name (required)</label></form></body></html>"""
    assert list(marked_bylines(fromstring(html))) == ["Jane Doe"]


def _authors_of_page(head: str, body: str) -> tuple[str, ...]:
    tree = fromstring(f"<html><head>{head}</head><body>{body}</body></html>")
    pm = read_page_meta(tree)
    sites = [s for s in (pm.get("og:site_name"), "newsexample.com", "newsexample") if s]
    return choose_authors(pm, parse_jsonld(tree), tree, sites)


@pytest.mark.parametrize(
    ("head", "body", "expected"),
    [
        # scholarly pages repeat the author tag, one per author
        ('<meta name="citation_author" content="Jane Doe"><meta name="citation_author" content="John Roe">',
         "<p>x</p>", ("Jane Doe", "John Roe")),
        # an organisation in the author tag gives way to the person printed on the page...
        ('<meta name="author" content="Example Foundation e.V.">', "<p class='meta'>Von Jane Doe</p>", ("Jane Doe",)),
        ('<meta name="author" content="Das Magazin für Leser">', "<p>By Jane Doe | 12.10.2020</p>", ("Jane Doe",)),
        ('<meta name="author" content="Newsexample Media">', "<p>By Jane Doe</p>", ("Jane Doe",)),
        # ...and is kept when there is none
        ('<meta name="author" content="Example Foundation e.V.">', "<p>x</p>", ("Example Foundation e.V.",)),
        # a person's name is not an organisation
        ('<meta name="author" content="Ursula von der Leyen">', "<p>By Jane Doe</p>", ("Ursula von der Leyen",)),
        ('<meta name="author" content="Emily Co">', "<p>By Jane Doe</p>", ("Emily Co",)),
    ],
)
def test_choose_authors_meta_tags(head: str, body: str, expected: tuple[str, ...]) -> None:
    assert _authors_of_page(head, body) == expected


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        # the post's tag links inside the byline box are not names
        ('<div class="author">12.10.2020 / <a href="/a/jd">Jane Doe</a> / <a rel="tag" href="/t/x">Energy</a> / '
         '<a rel="category tag" href="/t/y">World</a></div>', ["12.10.2020 / Jane Doe / /"]),
        # labelled fields: the author's value
        ('<div class="author">Datum: 19.11.2021 Autor: Jane Doe Quelle: Example</div>', ["Jane Doe"]),
        ('<div class="author">Text &amp; Fotos: Jane Doe</div>', ["Jane Doe"]),
        # a label with a date is not a byline
        ('<div class="author">Stand: 20. April 2020, 14:57 Uhr</div>', []),
        # a date line naming the author after a cue
        ('<div class="byline">Oct 30 2020 by Jane Doe · in News</div>', ["Jane Doe"]),
    ],
)
def test_marked_byline_texts(html: str, expected: list[str]) -> None:
    assert list(marked_bylines(fromstring(f"<html><body>{html}</body></html>"))) == expected


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p><em>Von Max Muster | 12.10.2020</em></p>", ["Max Muster"]),
        ("<div><span>By Jane Doe and John Roe</span></div>", ["Jane Doe and John Roe"]),
        ("<p class='meta'>Autor: Peter Maahn/SP-X</p>", ["Peter Maahn"]),
        ("<h4>By Giovanni Gaggero | 12/10/2020</h4>", ["Giovanni Gaggero"]),
        # a sentence that happens to open with a cue word is not a byline
        ("<p>Von Montag an gilt die neue Regel für alle Fahrgäste im Nahverkehr.</p>", []),
        ("<p>by the way, nothing here</p>", []),
    ],
)
def test_printed_bylines(html: str, expected: list[str]) -> None:
    assert list(printed_bylines(fromstring(f"<html><body>{html}</body></html>"))) == expected


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from([
    "<p>", "</p>", "<span class='author'>", "</span>", "<div id='comments'>", "</div>", "By ", "Von ",
    "Autor: ", "Jane ", "Doe", " | ", "<time>", "</time>", "<form>", "</form>", "<a rel='author'>", "</a>",
]) | st.text(max_size=20), max_size=30))
def test_fuzz_byline_finders_never_crash(parts: list[str]) -> None:
    try:
        tree = fromstring("<html><body>" + "".join(parts) + "</body></html>")
    except (ValueError, TypeError):  # lxml refuses some inputs (NUL bytes...) outright
        return
    for text in [*marked_bylines(tree), *printed_bylines(tree)]:
        assert isinstance(text, str) and text.strip()


@pytest.mark.parametrize(
    ("title", "sites", "h1", "expected"),
    [
        ("Headline here | The Site", ["The Site"], None, "Headline here"),
        ("Headline - Site Name", ["sitename.com"], None, "Headline"),
        ("Site » A headline: with colon", ["Site"], None, "A headline: with colon"),
        # a colon without a space before it belongs to the headline
        ("Warning: storm ahead", ["Warning"], None, "Warning: storm ahead"),
        ("News | Section | Example", ["example.com", "example"], None, "News | Section"),
        ("Big story - Small Paper", [], "Big story", "Big story"),
        ("No site here", ["Other"], None, "No site here"),
        # WordPress classic themes: "Blog » Blog Archive » Headline"
        ("My Blog » Blog Archive » A post", ["myblog.example"], None, "A post"),
    ],
)
def test_strip_site_name(title: str, sites: list[str], h1: str | None, expected: str) -> None:
    assert strip_site_name(title, sites, h1) == expected


def _title_of(head: str, body: str) -> str | None:
    tree = fromstring(f"<html><head>{head}</head><body>{body}</body></html>")
    pm = read_page_meta(tree)
    site = pm.get("og:site_name")
    return choose_title(pm, parse_jsonld(tree), [site] if site else [])


@pytest.mark.parametrize(
    ("head", "body", "expected"),
    [
        # the meta title adds a kicker: the printed <h1> is the headline
        ('<meta property="og:title" content="Weather: Storm floods the harbour town">',
         "<h1>Storm floods the harbour town</h1>", "Storm floods the harbour town"),
        # the meta title rewords the headline for search: the <h1> wins
        ('<meta property="og:title" content="Harbour flooding: what we know">',
         "<h1>Storm floods the harbour town overnight</h1>", "Storm floods the harbour town overnight"),
        # an <h1> holding the title and more (a date run into it) loses
        ("<title>Storm floods the harbour town</title>",
         "<h1>Storm floods the harbour town 12.10.2020</h1>", "Storm floods the harbour town"),
        # an unrelated <h1> (a section name) does not replace the title
        ("<title>Storm floods the harbour town</title>", "<h1>Latest news</h1>", "Storm floods the harbour town"),
        # ...but a later <h1> that is a version of it does
        ("<title>Storm floods the harbour town - Daily Example</title>",
         "<h1>Latest news</h1><h1>Storm floods harbour town</h1>", "Storm floods harbour town"),
        # a kicker element inside the <h1> is not part of the headline
        ("<title>Weather: storm floods the harbour town</title>",
         '<h1><span class="kicker">Weather</span>Storm floods the harbour town</h1>', "Storm floods the harbour town"),
        ('<meta property="og:title" content="Weather - Storm floods the harbour town">',
         '<h1><a href="/story"><span>Weather</span><span> - </span><span>Storm floods the harbour town</span></a></h1>',
         "Storm floods the harbour town"),
        # an <h1> linking to the home page is the logo: its text names the site
        ("<title>A walk in the rain | Rainwalker</title>",
         '<h1><a href="https://rain.example/">Rainwalker</a></h1><h2>A walk in the rain</h2>', "A walk in the rain"),
        # an og:title that is only the site's name gives way to the <title>
        ('<meta property="og:site_name" content="Example Times"><meta property="og:title" content="Example Times">'
         "<title>Storm floods the harbour town</title>", "<p>text</p>", "Storm floods the harbour town"),
        # ...unless the site's name is the only title there is (a home page)
        ('<meta property="og:site_name" content="Example Times"><title>Example Times</title>',
         "<h1>Sections</h1>", "Example Times"),
    ],
)
def test_choose_title_prefers_the_printed_headline(head: str, body: str, expected: str) -> None:
    assert _title_of(head, body) == expected


def test_jsonld_graph_with_id_references_and_broken_json() -> None:
    html = """<html><head>
    <script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
      {"@type": "OpinionNewsArticle", "headline": "A &amp; B", "datePublished": "2025-06-16T23:30:00+09:00",
       "author": {"@id": "#p1"}, "publisher": {"@id": "#org"},
       "articleBody": "line one
line two",}, {"@type": "Person", "@id": "#p1", "name": "KIM MIN-JI"},
      {"@type": "Organization", "@id": "#org", "name": "Example Daily"},
      {"@type": "BreadcrumbList", "itemListElement": [{"name": "Home"}, {"name": "Opinion"}]}]}
    </script></head><body></body></html>"""
    ld = parse_jsonld(fromstring(html))
    assert ld is not None
    assert ld.headline == "A & B"
    assert ld.authors == ("KIM MIN-JI",)
    assert ld.publisher == "Example Daily"
    assert ld.date_published == "2025-06-16T23:30:00+09:00"
    assert ld.breadcrumbs == ("Home", "Opinion")
    assert ld.types == ("OpinionNewsArticle",)


def test_published_markup_kept_with_offset_unless_contradicted() -> None:
    from datetime import date

    assert choose_published("2025-06-16T23:30:00+09:00", "2025-06-16", []) == ("2025-06-16T23:30:00+09:00", "markup")
    # a UTC timestamp a day off what htmldate and the page print: the printed day wins
    assert choose_published("2025-06-16T23:30:00+00:00", "2025-06-17", [date(2025, 6, 17)])[0] == "2025-06-17"
    assert choose_published(None, None, []) == (None, "none")


_DATED_BODY = "<p>" + "A council meeting decided on the new library and its opening hours. " * 12 + "</p>"


def _dated_page(head: str, byline: str) -> Article:
    html = (f"<html><head><title>Library opens</title>{head}</head><body><article><h1>Library opens</h1>"
            f"<div class='byline'>{byline}</div>{_DATED_BODY}</article></body></html>")
    return extract_html_page(RawDoc(source="p.html", kind="html", body=html, url="https://example.org/library"))


def test_utc_timestamp_takes_the_outlets_offset_from_a_time_element() -> None:
    # 23:37 on the 3rd at UTC-4 is 03:37 on the 4th in UTC: the article is dated the 3rd
    art = _dated_page(
        '<meta property="article:published_time" content="2022-05-04T03:37:37+00:00">'
        '<meta property="article:modified_time" content="2022-05-04T03:37:41+00:00">',
        '<time datetime="2022-05-03T23:37:37-04:00">3 May, 2022, 11:37 pm</time>',
    )
    assert art.published == "2022-05-03T23:37:37-04:00"
    assert art.updated == "2022-05-04T03:37:41+00:00"  # a different instant keeps its own form


def test_printed_time_element_beats_a_dublin_core_record_date() -> None:
    # the CMS dates the record in dcterms.date; the byline's <time> dates the article
    head = '<meta name="dcterms.date" content="2022-01-21T09:43+01:00">'
    art = _dated_page(head, '<time datetime="2022-01-25T08:00:00+01:00">25.01.2022</time>')
    assert art.published and art.published.startswith("2022-01-25")
    # ... unless one of the page's <time> elements states the record's day
    art = _dated_page(head, '<time datetime="2022-01-20T08:00:00+01:00">20.01.2022</time>'
                            '<time datetime="2022-01-21T09:43:00+01:00">21.01.2022</time>')
    assert art.published and art.published.startswith("2022-01-21")
    # an article tag (article:published_time) is not a record date: it stands
    art = _dated_page('<meta property="article:published_time" content="2022-01-21T09:43:00+01:00">',
                      '<time datetime="2022-01-25T08:00:00+01:00">25.01.2022</time>')
    assert art.published and art.published.startswith("2022-01-21")


def test_page_printing_its_modified_date_is_dated_by_it() -> None:
    # a refreshed guide: the markup keeps the first publication, the byline shows the update
    ld = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Library opens", '
          '"datePublished": "2021-11-22T18:42:22+01:00", "dateModified": "2023-01-10T10:00:00+01:00"}</script>')
    art = _dated_page(ld, "<span class='date'>10. Januar 2023</span>")
    assert art.published == "2023-01-10T10:00:00+01:00"
    # the page printing the first publication keeps it
    art = _dated_page(ld, "<span class='date'>22. November 2021</span>")
    assert art.published == "2021-11-22T18:42:22+01:00"
    assert art.updated == "2023-01-10T10:00:00+01:00"
    # ... also when the update is printed first ("Updated ... · Published ...")
    art = _dated_page(ld, "<span class='date'>10. Januar 2023</span> <span class='date'>22. November 2021</span>")
    assert art.published == "2021-11-22T18:42:22+01:00"


def test_htmldate_falling_back_on_the_modified_date_gives_way_to_an_earlier_printed_date() -> None:
    from datetime import date

    # no published date in the markup: htmldate's day is only the modification
    assert choose_published(None, "2020-06-02", [date(2020, 3, 31)], "2020-06-02T11:57:06+02:00") == (
        "2020-03-31", "printed")
    # a printed date after the last modification is not the publication (comments, other stories)
    assert choose_published(None, "2020-06-02", [date(2020, 7, 1)], "2020-06-02T11:57:06+02:00")[0] == "2020-06-02"
    art = _dated_page('<meta property="og:updated_time" content="2020-06-02T11:57:06+02:00">',
                      "<span class='date'>31.03.2020</span>")
    assert art.published == "2020-03-31"


def test_markup_date_printed_below_a_header_date_beats_htmldate() -> None:
    from datetime import date

    # the first printed date is the header's "today" (the day the page was served), which
    # htmldate took; the byline further down prints the markup's day
    pub = "2020-04-27T17:58:19+02:00"
    assert choose_published(pub, "2020-07-08", [date(2020, 7, 8), date(2020, 4, 27)]) == (pub, "markup+printed")
    # a markup day printed nowhere still gives way to htmldate
    assert choose_published(pub, "2020-07-08", [date(2020, 7, 8)])[0] == "2020-07-08"


def test_furniture_lines_are_removed_and_recorded() -> None:
    kept, removed = remove_furniture("Real paragraph of news.\nAdvertisement\nRead more: Another story here\nShare")
    assert kept == ["Real paragraph of news."]
    assert {r.reason for r in removed} == {"advertisement label", "read-more link", "share prompt"}


def test_provenance_notes_in_any_case_and_position() -> None:
    paras = [
        "SEOUL (AP) — The talks resumed on Monday.",
        "Officials said little.",
        "This article was MACHINE-TRANSLATED from Korean.",
        "Correction: an earlier version misspelled a name.",
    ]
    notes = provenance_notes(paras, [], ())
    assert notes[0] == "machine translation: This article was MACHINE-TRANSLATED from Korean."
    assert notes[1] == "correction: Correction: an earlier version misspelled a name."
    assert notes[-1] == "wire: AP"
    assert provenance_notes(["Nothing to see.", "Translation of the treaty was slow."], [], ()) == []


def test_empty_page_raises_extract_error() -> None:
    with pytest.raises(ExtractError):
        extract_html_page(RawDoc(source="x.html", kind="html", body="   "))
    with pytest.raises(ExtractError):
        extract_html_page(RawDoc(source="x.html", kind="html", body="<html><head><script>var x = 1;</script></head><body></body></html>"))


_HTML_BITS = st.sampled_from([
    "<p>", "</p>", "<div>", "</div>", "<script type='application/ld+json'>", "</script>", "{", "}", "[",
    '"@type": "NewsArticle"', '"author": [{"@id": 1}]', "<meta property='og:title' content='T | S'>",
    "<time datetime='9999-99-99T99:99'>", "<figure><img src='x'><figcaption>Photo: AP</figcaption></figure>",
    "<h1>", "</h1>", "&amp;", "\x00", "<![CDATA[", "]]>", "<!--", "-->", "<?xml version='1.0'?>",
    "Ünïcödé 한국어 日本語 ", "The quick brown fox jumps over the lazy dog. ",
])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_HTML_BITS, st.text(max_size=40)), max_size=40))
def test_fuzz_hostile_html_never_crashes(parts: list[str]) -> None:
    doc = RawDoc(source="fuzz.html", kind="html", body="".join(parts))
    try:
        art = extract_html_page(doc)
    except ExtractError:
        return
    assert isinstance(art, Article)
    assert art.text.strip()
