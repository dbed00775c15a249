"""Scraped-text extraction (storyline.extract.scraped) on the seeds, on other outlets and languages,
and under fuzzing.

The seed tests pin every field of each seed's Article. The rules themselves know nothing of the
seeds; the other tests check that they hold on pages from news-metadata-dev rendered to text
(other outlets, German and English) and on small pages written in Korean, Japanese, German
and French forms.
"""

from __future__ import annotations

import gzip
import json
import re
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storyline.extract import extract_article
from storyline.extract.furniture import breadcrumb, counter, login_prompt, ui_buttons
from storyline.extract.scraped import extract_text_page
from storyline.extract.textmeta import find_dates, parse_byline, parse_meta_line, split_credit
from storyline.records import KINDS, Article, RawDoc

from .conftest import DATA, SEEDS

ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}([+-]\d{2}:\d{2})?)?$")


def seed(name: str) -> Article:
    path = next(SEEDS.glob(f"{name}_*.txt"))
    return extract_article(RawDoc(source=str(path), kind="text", body=path.read_text(encoding="utf-8")))


def page(body: str, url: str | None = None) -> Article:
    return extract_text_page(RawDoc(source="mem.txt", kind="text", body=body, url=url))


def reasons(a: Article) -> dict[str, str]:
    return {r.text: r.reason for r in a.removed}


pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside the checkout")


# ------------------------------------------------------------------ seeds ---


def test_seed_000_opinion_with_author_note_and_images() -> None:
    a = seed("000")
    assert a.title == (
        "Korea, Japan leaders reaffirm commitment to future-oriented ties on 60th anniversary of normalized relations"
    )
    assert a.published == "2025-06-20T00:04:00"
    assert a.updated is None
    assert a.authors == ()
    assert (a.outlet, a.outlet_from) == ("Korea JoongAng Daily", "signature")
    assert (a.kind, a.kind_from) == ("opinion", "author note")
    assert a.language == "en"
    assert a.dateline is None
    assert [i.credit for i in a.images] == ["JOINT PRESS CORPS", "YONHAP"]
    assert a.images[0].url and a.images[0].url.startswith("https://koreajoongangdaily.joins.com/data/photo/2025/06/20/")
    assert a.images[0].caption and a.images[0].caption.endswith("in Kananaskis, Canada, on June 17.")
    assert a.images[1].caption and a.images[1].caption.startswith("An event at Tokyo Tower")
    assert any(n.startswith("Translated from the JoongAng Ilbo using generative AI") for n in a.notes)
    assert any(n.startswith("The author is the director general") for n in a.notes)
    # text: body from the first to the last paragraph, nothing else
    assert a.text.startswith("President Lee Jae Myung and Japanese Prime Minister Shigeru Ishiba held")
    assert a.text.endswith("could serve as a practical model for constructive engagement.")
    assert len(a.text.split("\n\n")) == 13  # the page's 13 body paragraphs, one blank line apart
    for gone in ("Published:", "The author is", "[JOINT PRESS CORPS]", "![", "Translated from", "log in",
                 "(0/250", "with the Korea JoongAng Daily"):
        assert gone not in a.text
    r = reasons(a)
    assert r["Published: 20 Jun. 2025, 00:04"] == "date line"
    assert r["To write comments, please log in to one of the accounts."] == "comment or login prompt"
    assert r["Standards Board Policy (0/250자)"] == "character counter"
    assert [x.reason for x in a.removed].count("repeated caption") == 2
    assert [x.reason for x in a.removed].count("image") == 2


def test_seed_001_editorial_from_breadcrumb_and_furniture_removed() -> None:
    a = seed("001")
    assert a.title == "Korea, Japan leaders meet ahead of 60th anniversary of diplomatic ties"
    assert a.published is None and a.updated is None
    assert a.authors == ()
    assert (a.outlet, a.outlet_from) == ("Korea JoongAng Daily", "signature")
    assert (a.kind, a.kind_from) == ("editorial", "breadcrumb")
    assert a.language == "en"
    assert len(a.images) == 1
    img = a.images[0]
    assert img.url is None and img.credit == "JOINT PRESS CORPS"
    assert img.caption and img.caption.startswith("President Lee Jae Myung, right, shakes hands") and "[" not in img.caption
    assert any("generative AI" in n for n in a.notes)
    assert a.text.startswith("President Lee Jae Myung held his first summit with Japanese Prime Minister")
    assert a.text.endswith("not just with words, but with concrete actions.")
    assert "Despite its brevity, the meeting produced meaningful outcomes." in a.text
    assert len(a.text.split("\n\n")) == 8
    for gone in ("Home >", "print dictionary", "Related Article", "help-image", "lock icon", "Log in",
                 "Standards Board", "JOINT PRESS CORPS", "\u00a0"):
        assert gone not in a.text
    assert "\n\n\n" not in a.text
    r = [(x.text, x.reason) for x in a.removed]
    assert ("Home > Opinion > Editorials", "breadcrumb") in r
    assert ("print dictionary print", "share, print or dictionary buttons") in r
    assert ("Related Article", "most-read or related-articles list") in r
    assert ("lock icon", "widget debris") in r
    assert [reason for _t, reason in r].count("repeated title") == 1
    assert [reason for _t, reason in r].count("repeated caption") == 1
    assert any(reason == "comment or login prompt" and t.startswith("Log in to Twitter") for t, reason in r)


def test_seed_002_byline_dates_placeholder_and_ai_audio_note() -> None:
    a = seed("002")
    assert a.title == "Lee highlights Japan as 'important partner' on 60th anniversary of normalized ties"
    assert a.published == "2025-06-16T18:31:00"
    assert a.updated == "2025-06-17T19:01:00"
    assert a.authors == ("Seo Ji-eun",)  # "SEO JI-EUN" twice, the placeholder never
    assert a.outlet == "Korea JoongAng Daily"
    assert (a.kind, a.kind_from) == ("news", "default")
    assert a.language == "en"
    assert [i.credit for i in a.images] == ["YONHAP", "NEWS1"]
    assert all(i.url and i.url.endswith(".jpg") for i in a.images)
    assert a.images[1].caption and "kagami biraki" in a.images[1].caption
    assert "Audio report: written by reporters, read by AI" in a.notes
    assert a.text.startswith("Korean President Lee Jae Myung emphasized the progress")
    assert a.text.endswith("aligns with both countries’ national interests.")
    # a short real paragraph (a quote of one sentence) is kept
    assert "“We will continue to work toward a stable and future-oriented partnership,” she said." in a.text.split("\n\n")
    assert len(a.text.split("\n\n")) == 17
    for gone in ("email", "protected", "SEO JI-EUN", "BY ", "Audio report", "Updated:", "[YONHAP]"):
        assert gone not in a.text
    r = reasons(a)
    assert r["- [email protected]"] == "protected-email placeholder"
    assert r["- SEO JI-EUN"] == "byline"
    assert "byline" in r["BY SEO JI-EUN [[email protected]]"]


def test_seed_003_no_title_caption_first_and_korean_section_label() -> None:
    a = seed("003")
    assert a.title is None  # the page has no headline: none is made up
    assert a.published is None and a.updated is None
    assert a.authors == ()
    assert a.outlet is None and a.outlet_from is None
    assert (a.kind, a.kind_from) == ("opinion", "section label")
    assert a.language == "en"
    assert len(a.images) == 1
    assert a.images[0].credit == "the presidential office"
    assert a.images[0].caption == (
        "President Lee Jae-myung speaks by phone with Japanese Prime Minister Shigeru Ishiba "
        "at the presidential office in Seoul on June 9."
    )
    assert a.text.startswith("President Lee Jae-myung held his first phone call")
    assert a.text.endswith("to elevate bilateral relations to a new level.")
    assert "오피니언" not in a.text and "Provided by" not in a.text
    assert len(a.text.split("\n\n")) == 5
    assert reasons(a)["- 오피니언 많이 본 기사"] == "most-read or related-articles list"


def test_seed_004_signature_outlet_email_date_and_dateline() -> None:
    a = seed("004")
    assert a.title == "Korea and Japan Pledge Renewed Cooperation on 60th Anniversary of Diplomatic Ties"
    assert a.published == "2025-06-19T23:40:00"
    assert a.updated is None
    assert a.authors == ()  # "Global Economic Times Reporter" signs for the outlet, not a person
    assert (a.outlet, a.outlet_from) == ("Global Economic Times", "signature")
    assert (a.kind, a.language) == ("news", "en")
    assert a.dateline == "Tokyo, Japan –"
    assert a.images == ()
    assert a.notes == ()
    assert a.text.startswith("Tokyo, Japan – Japanese Prime Minister Shigeru Ishiba emphasized")
    assert a.text.endswith("ensuring a stable and mutually beneficial future.")
    assert len(a.text.split("\n\n")) == 10
    for gone in ("WEEKLY HOT", "korocamia", "Reporter\n"):
        assert gone not in a.text
    r = reasons(a)
    assert r["WEEKLY HOT"] == "most-read or related-articles list"
    assert r["Global Economic Times Reporter"] == "outlet signature"
    assert r["korocamia@naver.com | 2025-06-19 23:40:00"] == "date line, e-mail address"


def test_every_seed_removes_only_what_it_records() -> None:
    """Each non-blank input line is either in the text or in ``removed`` (nothing vanishes)."""
    for path in sorted(SEEDS.glob("*.txt")):
        raw = path.read_text(encoding="utf-8")
        a = extract_text_page(RawDoc(source=str(path), kind="text", body=raw))
        removed = " ".join(r.text for r in a.removed)
        for line in raw.splitlines():
            t = re.sub(r"\s+", " ", line).strip()
            if t:
                assert t in a.text or t in removed, (path.name, t)


# ------------------------------------------------------- other languages ---


KOREAN_PAGE = """홈 > 오피니언 > 사설
[사설] 한일 정상회담, 미래지향적 관계의 출발점 돼야
입력 2025.06.19 (목) 오후 3:05 | 수정 2025.06.20 09:00
공유하기
이재명 대통령과 이시바 시게루 일본 총리가 주요 7개국 정상회의를 계기로 첫 정상회담을 가졌다. 양국 정상은 셔틀 외교를 이어가기로 합의했다.
회담은 30분 남짓 짧았지만 의미가 작지 않다. 취임 2주 만에 이뤄진 만남이라는 점에서 양국 관계 개선 의지를 확인했다는 평가가 나온다.
관련 기사
한일 외교장관 통화
댓글을 작성하려면 로그인해 주세요.
(0/300자)
ⓒ 중앙일보 무단 전재 및 재배포 금지
"""


def test_korean_editorial_page() -> None:
    a = page(KOREAN_PAGE)
    assert a.title == "[사설] 한일 정상회담, 미래지향적 관계의 출발점 돼야"
    assert a.published == "2025-06-19T15:05:00"
    assert a.updated == "2025-06-20T09:00:00"
    assert (a.kind, a.kind_from) == ("editorial", "breadcrumb")
    assert a.language == "ko"
    assert a.text.startswith("이재명 대통령과")
    assert a.text.endswith("평가가 나온다.")
    r = reasons(a)
    assert r["공유하기"] == "share, print or dictionary buttons"
    assert r["관련 기사"] == "most-read or related-articles list"
    assert r["댓글을 작성하려면 로그인해 주세요."] == "comment or login prompt"
    assert r["(0/300자)"] == "character counter"
    assert "한일 외교장관 통화" not in a.text


JAPANESE_PAGE = """日韓首脳が初会談　シャトル外交の継続で一致
2025年6月17日 22時15分
山田太郎 記者
【カナナスキス=共同】石破茂首相は17日、韓国の李在明大統領とカナダで初めて会談した。両首脳はシャトル外交を継続することで一致した。
会談は約30分間行われ、日米韓の連携強化も確認した。
シェア
ランキング
"""


def test_japanese_page_with_byline_and_wire_dateline() -> None:
    a = page(JAPANESE_PAGE)
    assert a.title == "日韓首脳が初会談 シャトル外交の継続で一致"
    assert a.published == "2025-06-17T22:15:00"
    assert a.authors == ("山田太郎",)
    assert a.language == "ja"
    assert a.dateline == "【カナナスキス=共同】"
    assert "wire: 共同" in a.notes
    assert "ランキング" not in a.text and "シェア" not in a.text


def test_english_wire_story_without_title() -> None:
    body = (
        "SEOUL, June 3 (Yonhap) -- South Korea's new president took office on Wednesday, vowing to "
        "restore ties with neighbours.\n\nHe said talks would begin soon.\n\nShare\nTweet\nEmail\n"
    )
    a = page(body)
    assert a.title is None
    assert a.published is None
    assert a.dateline == "SEOUL, June 3 (Yonhap) --"
    assert "wire: Yonhap" in a.notes
    assert a.text.endswith("He said talks would begin soon.")  # a short real sentence stays
    assert "Tweet" not in a.text


def test_german_page_with_url_outlet_and_date_in_url() -> None:
    body = (
        "Bioenergie: Bundesregierung drosselt die Förderung\n"
        "Von Anna Müller und Jonas Weber\n"
        "Die Bundesregierung will die Förderung der Bioenergie kürzen. Die Branche protestiert gegen die Pläne und "
        "warnt vor Folgen für die Versorgung.\n"
        "Artikel drucken\nTeilen\nMeistgelesen\nKommentare (3)\n"
    )
    a = page(body, url="https://www.energie-zeitung.de/2022/12/12/bioenergie-foerderung")
    assert a.title == "Bioenergie: Bundesregierung drosselt die Förderung"
    assert a.authors == ("Anna Müller", "Jonas Weber")
    assert a.published == "2022-12-12"
    assert (a.outlet, a.outlet_from) == ("energie-zeitung.de", "url")
    assert a.language == "de"
    assert a.text.startswith("Die Bundesregierung will") and "Meistgelesen" not in a.text


# ----------------------------------------- pages of other outlets (dev data) ---

HTML = DATA / "news-metadata-dev" / "html"
_BLOCK = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "tr", "section", "article", "header",
          "footer", "figure", "figcaption", "time", "blockquote", "ul", "ol"}


def render(name: str) -> str:
    """A page of news-metadata-dev flattened to text the way scrapers do (article region,
    one block per line, images as markdown)."""
    import lxml.html

    with gzip.open(HTML / name) as fh:
        raw = re.sub(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]", b"", fh.read())
    doc = lxml.html.fromstring(raw)
    for bad in doc.xpath("//script|//style|//noscript|//svg|//template|//iframe"):
        bad.drop_tree()
    region = (doc.xpath("//article") or doc.xpath("//main") or doc.xpath("//body") or [doc])[0]
    h1 = doc.xpath("//h1")
    # the headline often sits above the <article> element: scrapers keep it on top
    head = h1[0].text_content().strip() + "\n" if h1 and region not in h1[0].iterancestors() and h1[0] not in region.iter() else ""
    for el in region.iter():
        if isinstance(el.tag, str) and el.tag in _BLOCK:
            el.tail = "\n" + (el.tail or "")
            if el.tag != "br":
                el.text = "\n" + (el.text or "")
        if el.tag == "img" and el.get("src"):
            alt = re.sub(r"[\[\]]", "", el.get("alt") or "")
            el.tail = f"\n![{alt}]({el.get('src')})\n" + (el.tail or "")
    text = re.sub(r"[ \t\xa0]+", " ", head + region.text_content())
    return re.sub(r"\n\s*\n+", "\n", text).strip()


@pytest.mark.skipif(not HTML.is_dir(), reason="news-metadata-dev is not beside the checkout")
@pytest.mark.parametrize(
    ("name", "title", "published", "author", "with_", "without"),
    [
        ("phys.org.tool.html.gz",
         "Flint flake tool partially covered by birch tar adds to evidence of Neanderthal complex thinking",
         "2019-10-22", "Bob Yirka", "carbon dating showed it", "Follow us"),
        ("ingenieur.de.kernfusion.html.gz",
         "Kernfusion: Kann „die Energiequelle der Sterne“ Energieprobleme aus der Welt schaffen?",
         "2022-12-12T08:30:00", None, "Überall auf der Welt forscht man", "Zum Job"),
        ("bloghaus.hypotheses.org.2320.html.gz",
         "Einen Twitterfeed in das Blog einbinden – so geht’s!", "2019-09-26", None,
         "Viel Erfolg beim Ausprobieren!", "Bloghaus"),
    ],
)
def test_other_outlets_rendered_to_text(name: str, title: str, published: str, author: str | None,
                                        with_: str, without: str) -> None:
    a = page(render(name))
    assert a.title == title
    assert a.published == published
    if author:
        assert author in a.authors
    assert with_ in a.text
    assert without not in a.text


# Floors for a fixed sample of dev pages rendered to text (every 12th file, 46 pages). Measured
# when pinned: 0.41 title exact, 0.71 same-day date, 0.79 with/without snippet accuracy; the
# floors sit a few points below so only a real regression fails. Many gold titles and dates are
# simply not in the rendered text (they live in <title> or meta tags), hence the modest levels.
SAMPLE_FLOORS = {"title": 0.40, "date": 0.67, "body": 0.75}


def _fold(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip().casefold()


@pytest.mark.skipif(not HTML.is_dir(), reason="news-metadata-dev is not beside the checkout")
def test_quality_gate_on_rendered_dev_pages() -> None:
    gold = json.loads((DATA / "news-metadata-dev" / "gold.json").read_text(encoding="utf-8"))
    names = sorted(p.name for p in HTML.glob("*.gz") if p.name[:-3] in gold)[::12]
    title_ok = title_n = date_ok = date_n = snip_ok = snip_n = 0
    for name in names:
        g = gold[name[:-3]]
        a = page(render(name))
        if g["title"]:
            title_n += 1
            title_ok += _fold(a.title or "") == _fold(g["title"])
        if g["date"]:
            date_n += 1
            date_ok += (a.published or "")[:10] == g["date"][:10]
        text = _fold(a.text)
        for s in g["with"]:
            snip_n += 1
            snip_ok += _fold(s) in text
        for s in g["without"]:
            snip_n += 1
            snip_ok += _fold(s) not in text
    scores = {"title": title_ok / title_n, "date": date_ok / date_n, "body": snip_ok / snip_n}
    for k, floor in SAMPLE_FLOORS.items():
        assert scores[k] >= floor, (k, scores)


# ------------------------------------------------------------ the parsers ---


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Published: 20 Jun. 2025, 00:04", "2025-06-20T00:04:00"),
        ("2025-06-19 23:40:00", "2025-06-19T23:40:00"),
        ("June 19, 2025", "2025-06-19"),
        ("19.06.2025", "2025-06-19"),
        ("2025년 6월 19일", "2025-06-19"),
        ("2025年6月19日", "2025-06-19"),
        ("입력 2025.06.19 오후 3:05", "2025-06-19T15:05:00"),
        ("June 19, 2025 5:30 p.m. EST", "2025-06-19T17:30:00-05:00"),
        ("2025-06-19T23:40:00+09:00", "2025-06-19T23:40:00+09:00"),
        ("Veröffentlicht am 19. Juni 2025", "2025-06-19"),
        ("le 3 août 2024 à 14h05", "2024-08-03T14:05:00"),
        ("19 de junio de 2025", "2025-06-19"),
        ("Posted 06/19/2025 at 10:00 PM", "2025-06-19T22:00:00"),
        ("19.10.19, 18:56", "2019-10-19T18:56:00"),
        ("Stand: 06.11.23 12:00 Uhr", "2023-11-06T12:00:00"),
    ],
)
def test_written_dates(text: str, value: str) -> None:
    assert [d.value for d in find_dates(text)][:1] == [value]


@pytest.mark.parametrize("text", ["Version 1.10.19", "v2.10.19.4", "Score 2.1.10", "3.5.21"])
def test_short_numbers_are_not_dates(text: str) -> None:
    assert find_dates(text) == []


def test_meta_lines_and_bylines() -> None:
    m = parse_meta_line("Published 3 June 2025 | Updated 4 June 2025 10:00")
    assert m and (m.published, m.updated) == ("2025-06-03", "2025-06-04T10:00:00")
    assert parse_meta_line("The meeting on June 19, 2025 was long and many things happened there.") is None
    assert parse_byline("By Jane Doe and John Roe, Staff Writers") == ["Jane Doe", "John Roe"]
    assert parse_byline("홍길동 기자") == ["홍길동"]
    assert parse_byline("By Reuters") is None  # an agency is a note, not an author
    assert parse_byline("[email protected]") is None


def test_credits_and_furniture_shapes() -> None:
    assert split_credit("Crowds gather in Seoul. (AP Photo/Ahn Young-joon)") == ("Crowds gather in Seoul.", "AP Photo/Ahn Young-joon")
    assert split_credit("He said so [sic]") == ("He said so [sic]", None)
    assert breadcrumb("Home > Opinion > Editorials") == ["Home", "Opinion", "Editorials"]
    assert breadcrumb("Prices rose > 5% in May, the bank said.") is None
    assert counter("(0/250자)") and counter("0/500 characters") and not counter("It won 3/4 of the seats in 2020 and more.")
    assert ui_buttons("print dictionary print") and not ui_buttons("Print media is in decline")
    assert login_prompt("Log in to comment", at_edge=False)
    assert not login_prompt("He declined to comment.", at_edge=False)


# ----------------------------------------------------------------- fuzzing ---

_PIECES = st.sampled_from([
    "Published: 20 Jun. 2025, 00:04", "BY SEO JI-EUN [[email protected]]", "[email protected]", "Home > News",
    "print dictionary print", "(0/250자)", "Related Article", "![cap [X]](http://a.b/c.jpg)", "![](x)", "-", "s",
    "The minister said the talks would resume next week after a pause of several months.",
    "SEOUL, June 3 (Yonhap) -- The talks began.", "2025년 6월 19일", "오피니언", "A caption. [PHOTO DESK]", "",
    "To write comments, please log in.", "Translated from X using generative AI.", "© 2025 Foo Times",
])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_PIECES, st.text(max_size=80)), max_size=25))
def test_never_crashes_and_fields_are_well_formed(parts: list[str]) -> None:
    body = "\n".join(parts)
    a = page(body)
    assert isinstance(a, Article) and a.source == "mem.txt"
    for value in (a.published, a.updated):
        if value is not None:
            assert ISO.match(value), value
            datetime.fromisoformat(value)
    assert a.kind in KINDS
    assert a.language and isinstance(a.language, str)
    assert "\n\n\n" not in a.text and a.text == a.text.strip()
    assert all(a.authors) and not any("protected" in n.lower() or "@" in n for n in a.authors)
    assert all(r.text and r.reason for r in a.removed)
    if a.dateline:
        assert a.dateline in a.text
    if a.title:
        assert a.title not in a.text.split("\n\n")
    for img in a.images:
        assert img.caption is None or img.caption.strip() == img.caption
    Article.from_dict(json.loads(json.dumps(a.to_dict())))


def test_batched_form_and_empty_page() -> None:
    from storyline.extract.scraped import extract_text_pages

    docs = [RawDoc(source=str(p), kind="text", body=p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt"))]
    assert [a.id for a in extract_text_pages(docs)] == [extract_text_page(d).id for d in docs]
    empty = page("\n\u00a0\n  \n")
    assert empty.text == "" and empty.title is None and empty.removed == ()


def test_seed_paths_exist() -> None:
    assert len(list(Path(SEEDS).glob("*.txt"))) == 5


WHOLE_PAGE = "\n".join([
    "We use cookies to improve your experience on our site, and by continuing you agree to our use of them.",
    "Home", "World", "Business", "Sport", "Culture", "Opinion", "Subscribe", "Sign in",
    "Port authority reopens harbour after storm damage",
    "By Jane Doe",
    "March 3, 2024",
    "The port authority reopened the harbour on Sunday after a storm tore through the docks last week, officials said.",
    "Cranes were inspected overnight and two berths remain closed while engineers assess the damage to the quay walls.",
    "Shipping lines said they expected delays of several days as vessels queued outside the breakwater.",
    "Share", "Tweet", "Email", "Print", "Most read", "Trending", "Newsletter", "Related", "Video", "Podcasts",
    "Weather", "Markets", "Travel", "Style", "Tech", "Science", "Health", "Obituaries", "Contact us", "Jobs",
    "Comments",
    "I have lived by this harbour for thirty years and have never seen a storm like this one, it was terrible.",
    "Reply", "Report", "Like",
    "The council should have repaired the quay walls years ago instead of wasting money on the new car park.",
])


def test_whole_page_prose_outside_the_article_goes() -> None:
    """A cookie notice above the article and readers' comments below it are prose too; the
    article is the run with the most prose for the least furniture."""
    a = page(WHOLE_PAGE)
    assert a.title == "Port authority reopens harbour after storm damage"
    assert a.text.startswith("The port authority reopened the harbour on Sunday")
    assert a.text.endswith("queued outside the breakwater.")
    r = reasons(a)
    assert r[WHOLE_PAGE.splitlines()[0]].startswith("outside the main text")
    assert "I have lived by this harbour" not in a.text and "quay walls years ago" not in a.text
    assert any(v.startswith("outside the main text (below") for v in r.values())


def test_byline_cue_on_its_own_line() -> None:
    body = "\n".join([
        "Harbour reopens after the storm",
        "4.02.2022",
        "par",
        "Bob Fischer",
        "The port authority reopened the harbour on Sunday after a storm tore through the docks last week.",
        "Shipping lines said they expected delays of several days as vessels queued outside.",
    ])
    a = page(body)
    assert a.title == "Harbour reopens after the storm"
    assert a.authors == ("Bob Fischer",)
    assert reasons(a)["par"] == "byline label"
    assert "Bob Fischer" not in a.text
