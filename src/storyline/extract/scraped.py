"""Scraped pages as plain text -> one clean Article with metadata and a record of what was cut.

A scraped page is the visible text of a web page, one block per line, with the page furniture
still in and sometimes markdown images (``![caption](url)``). trafilatura and its kin need the
HTML tree, which is gone, so this module reads the page line by line instead (why each rule
holds in any language is in :mod:`storyline.extract.furniture` and
:mod:`storyline.extract.textmeta`).

``extract_text_page`` runs one cascade:

1. Lines: split, unescape entities, normalise spaces, re-join hard-wrapped lines.
2. Images: markdown images become ``Image`` records; the caption line repeated after them goes.
3. Claims: every line that is metadata (date, byline, e-mail, outlet signature), a provenance
   note, an author note, a photo caption, a repeat of an earlier line, or strong furniture
   (counter, buttons, prompts, list headings, debris) is claimed with a reason.
4. Prose: the article body is the run of lines with the most prose for the least furniture
   (``_main_span``); what lies outside is the page's edge.
5. Title: the headline above the prose (null when there is none; never made up).
6. Edges: short non-sentence lines outside the prose, text outside the main span, and
   menus/link lists inside it, go.
7. Metadata: dates, authors, outlet (and how it was found), kind, dateline, notes, language.
8. The Article: kept lines are paragraphs; every claimed line is listed in ``removed``.
"""

from __future__ import annotations

import html
import re
import unicodedata
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field

from storyline.extract import furniture as fu
from storyline.extract import textmeta as tm
from storyline.extract.common import (
    article_id,
    detect_language,
    normalise_authors,
    paragraphs_to_text,
)
from storyline.records import Article, Image, RawDoc, Removed

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u3000\ufeff]+")
_BULLET = re.compile(r"^(?:[-–—*•·▶►▷◆■□○●]\s*)+")
_GENERIC_ALT = re.compile(r"^(?:image|photo|picture|img|thumbnail|logo|icon|graphic|foto|bild|사진|写真|图片)?\s*\d*$|\.(?:jpe?g|png|gif|webp|svg)$", re.I)


@dataclass(slots=True)
class _Line:
    """One line of the page while it is being read (mutable scratch, never leaves this module)."""

    raw: str
    text: str
    role: str | None = None  # None = body; otherwise why it is not body
    reason: str | None = None
    images: list[Image] = field(default_factory=list)

    @property
    def core(self) -> str:
        """The line without a leading bullet ("- SEO JI-EUN" -> "SEO JI-EUN")."""
        return _BULLET.sub("", self.text).strip()

    def claim(self, role: str, reason: str) -> None:
        if self.role is None:
            self.role, self.reason = role, reason


def extract_text_page(doc: RawDoc) -> Article:
    """Read one scraped page (``doc.kind == "text"``) into an Article.

    Every field of the contract is filled from what is written on the page; fields the page
    does not show stay null (or empty). ``removed`` lists each line taken out of the body with
    the reason, so a reader can audit the cleaning.
    """
    # 1. Lines
    lines = _read_lines(doc.body)
    # 2. Images
    _take_images(lines)
    # 3. Claims that hold anywhere on the page
    _claim_repeats(lines)
    for ln in lines:
        _claim_anywhere(ln)
    # 4. Prose
    lo, hi = _main_span(lines)
    body = [i for i in range(lo, hi + 1) if lines[i].role is None and lines[i].text]
    prose = [i for i in body if fu.is_prose(lines[i].text)]
    start, end = (prose[0], prose[-1]) if prose else (len(lines), -1)
    # 5. Title (a headline that asks or exclaims reads as prose: it may open the run)
    title_idx = _find_title(lines, start, end, doc.url)
    if title_idx is None and prose and _headline_sentence(lines[start].core):
        title_idx = start
        prose = prose[1:]
        start, end = (prose[0], prose[-1]) if prose else (len(lines), -1)
    title = lines[title_idx].core if title_idx is not None else None
    if title_idx is not None:
        lines[title_idx].role, lines[title_idx].reason = "title", "title"
    _claim_bare_bylines(lines, start, title_idx)
    # 6. Edges
    kind_hits = _claim_edges(lines, start, end)
    if lo <= hi:
        _claim_outside(lines, lo, hi, start)
    _claim_link_lists(lines, start, end)
    _name_repeats(lines, title)
    # 7. Metadata
    meta = _collect_meta(lines, start, end)
    meta.published, meta.updated = _dates_near(lines, title_idx if title_idx is not None else start, doc.url)
    kept = [ln for ln in lines if ln.role is None and ln.text]
    paragraphs = []
    removed: list[Removed] = []
    for ln in lines:
        if ln.role is not None and ln.raw.strip():
            removed.append(Removed(text=ln.raw.strip(), reason=ln.reason or ln.role))
    for ln in kept:
        text = ln.text
        placeholder = tm.PROTECTED_EMAIL.search(text)
        if placeholder:
            removed.append(Removed(text=placeholder.group(0), reason="protected-email placeholder"))
            text = _SPACES.sub(" ", tm.PROTECTED_EMAIL.sub("", text)).strip()
        if text:
            paragraphs.append(text)
    text = paragraphs_to_text(paragraphs)
    images = tuple(img for ln in lines for img in ln.images)
    notes = list(meta.notes)
    dateline = None
    for para in paragraphs[:2]:
        found = tm.find_dateline(para)
        if found:
            dateline, wire = found
            if wire:
                notes.append(f"wire: {wire}")
            break
    kind, kind_from = _decide_kind(title, kind_hits, meta.author_note)
    outlet, outlet_from = _decide_outlet(doc.url, meta.signatures, images, meta.emails)
    authors = tuple(a for a in normalise_authors(meta.authors) if not outlet or tm.compact(a) != tm.compact(outlet))
    language = detect_language(text or (title or ""))
    return Article(
        id=article_id(text, doc.url),
        source=doc.source,
        text=text,
        url=doc.url,
        outlet=outlet,
        title=title,
        published=meta.published,
        updated=meta.updated,
        authors=authors,
        kind=kind,
        language=language,
        images=images,
        notes=tuple(dict.fromkeys(notes)),
        dateline=dateline,
        outlet_from=outlet_from,
        kind_from=kind_from,
        removed=tuple(removed),
    )


def extract_text_pages(docs: Iterable[RawDoc]) -> list[Article]:
    """The batched form of :func:`extract_text_page` (one Article per document, in order)."""
    return [extract_text_page(d) for d in docs]


# ------------------------------------------------------------- 1. lines ---


def _clean(line: str) -> str:
    return _SPACES.sub(" ", html.unescape(line)).strip()


def _read_lines(body: str) -> list[_Line]:
    raw_lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines: list[_Line] = []
    for raw in raw_lines:
        text = _clean(raw)
        prev = lines[-1] if lines else None
        # A line broken inside a sentence (hard wrap, or an inline link rendered on its own
        # line) continues in lower case right below a line that has no end punctuation.
        if (
            prev is not None
            and prev.text
            and text
            and len(prev.text) >= 30
            and re.search(r"[^\W\d_],?$", prev.text)
            and re.match(r"[^\W\d_A-Z]+(?:\s|$)", text) is not None
            and text[0].islower()
            and not fu.debris(text)
            and tm.parse_meta_line(text) is None
            and not tm.MD_IMAGE.search(prev.text + text)
        ):
            prev.raw = f"{prev.raw.strip()} {raw.strip()}"
            prev.text = f"{prev.text} {text}"
            continue
        lines.append(_Line(raw=raw, text=text))
    return lines


# ------------------------------------------------------------ 2. images ---


def _norm(s: str) -> str:
    return tm.compact(tm.PROTECTED_EMAIL.sub("", s))


def _take_images(lines: list[_Line]) -> None:
    for i, ln in enumerate(lines):
        matches = list(tm.MD_IMAGE.finditer(ln.text))
        if not matches:
            continue
        for m in matches:
            alt = _clean(m.group("alt"))
            url = m.group("url") or None
            caption, credit = tm.split_credit(alt) if alt and not _GENERIC_ALT.search(alt) else (None, None)
            nxt = _next_text(lines, i)
            if nxt is not None and lines[nxt].role is None:
                a, b = _norm(alt), _norm(lines[nxt].text)
                if a and b and (a == b or (len(b) >= 12 and (a.startswith(b) or b.startswith(a)))):
                    lines[nxt].claim("caption", "repeated caption")
                    if len(b) > len(a):  # the line below is the fuller caption
                        caption, credit = tm.split_credit(lines[nxt].text)
                elif not caption and _caption_like(lines[nxt].text):
                    caption, credit = tm.split_credit(lines[nxt].text)
                    lines[nxt].claim("caption", "image caption")
            ln.images.append(Image(url=url, caption=caption or None, credit=credit))
        rest = _clean(tm.MD_IMAGE.sub(" ", ln.text))
        if rest and fu.word_count(rest) >= 3:
            ln.text = rest  # text around an inline image stays in the body
        else:
            ln.claim("image", "image")


def _next_text(lines: list[_Line], i: int) -> int | None:
    for j in range(i + 1, min(len(lines), i + 4)):
        if lines[j].text:
            return j
    return None


def _caption_like(text: str) -> bool:
    """A photo caption without its image: ends with a photo credit in one of the usual forms."""
    if fu.word_count(text) > 80:
        return False
    cap, credit = tm.split_credit(text)
    if not credit or not cap:
        return False
    # A bare wire name in brackets ("... (Yonhap)") also ends news paragraphs; only the
    # explicit forms ([CAPS], "/ Provided by", "Photo by", "(AP Photo/...)") mark a caption alone.
    return credit not in tm.WIRES


# ------------------------------------------------------------ 3. claims ---


def _claim_repeats(lines: list[_Line]) -> None:
    seen: dict[str, int] = {}
    for ln in lines:
        for img in ln.images:
            if img.caption:
                seen.setdefault(_norm(img.caption), -1)
    for i, ln in enumerate(lines):
        if ln.role is not None or not ln.text:
            continue
        key = _norm(ln.text)
        if len(key) < 12:
            continue
        if key in seen:
            ln.claim("repeat", "repeated line")
        else:
            seen[key] = i


def _claim_anywhere(ln: _Line) -> None:
    """Claims that do not depend on where the line stands."""
    if ln.role is not None or not ln.text:
        return
    text, core = ln.text, ln.core
    if not core:
        ln.claim("furniture", "widget debris")
        return
    if tm.PROTECTED_EMAIL.fullmatch(core.strip("[]() ")):
        ln.claim("meta", "protected-email placeholder")
        return
    if fu.word_count(core) <= 30:
        meta = tm.parse_meta_line(core)
        if meta is not None:
            ln.claim("meta", _meta_reason(meta))
            return
    if tm.is_author_note(core):
        ln.claim("author-note", "author note")
        return
    if tm.is_note(core):
        ln.claim("note", "provenance note")
        return
    if _caption_like(text):
        cap, credit = tm.split_credit(text)
        ln.images.append(Image(url=None, caption=cap, credit=credit))
        ln.claim("caption", "image caption")
        return
    if fu.is_short_label(core) and tm.signature_outlets(core):
        ln.claim("signature", "outlet signature")
        return
    reason = fu.strong_reason(core, at_edge=False)
    if reason:
        ln.claim("furniture", reason)


def _meta_reason(meta: tm.MetaLine) -> str:
    parts = []
    if meta.published or meta.updated:
        parts.append("date line")
    if meta.authors:
        parts.append("byline")
    if meta.emails:
        parts.append("e-mail address")
    if meta.placeholder:
        parts.append("protected-email placeholder")
    return ", ".join(parts) or "metadata"


# A byline cue on a line of its own, the name on the next ("von:" / "Rasender Reporter").
_BYLINE_CUE = re.compile(r"^(?:by|von|par|por|door|di|da|autor(?:in)?|author|text|written by)\s*:?$", re.I)


def _claim_bare_bylines(lines: list[_Line], start: int, title_idx: int | None) -> None:
    """A name alone on a line above the prose is a byline when it sits next to the title, a
    date, an e-mail address or a placeholder (two lines either way), or right under a byline
    cue standing alone ("von:", "par"; the cue line goes as furniture)."""
    idx = [i for i, ln in enumerate(lines) if ln.text and i < start]
    for k, i in enumerate(idx):
        ln = lines[i]
        if ln.role is not None or not tm.looks_like_name(ln.core) or tm.has_outlet_word(ln.core):
            continue
        cue = idx[k - 1] if k and _BYLINE_CUE.match(lines[idx[k - 1]].core) else None
        if cue is not None and not tm.CJK_NAME.match(ln.core.strip()):
            lines[cue].claim("furniture", "byline label")
            ln.claim("byline", "byline")
            continue
        near = idx[max(0, k - 2) : k] + idx[k + 1 : k + 3]
        # beside the title counts only below it: a name-like line just above a headline is a
        # kicker or section label ("Company Town"), bylines follow the headline
        # a few CJK characters alone are as often a menu entry ("讨论", "收起") as a name:
        # those need a date or e-mail line beside them
        cjk = bool(tm.CJK_NAME.match(ln.core.strip()))
        if any(lines[j].role == "meta" or (j == title_idx and j < i and not cjk) for j in near):
            ln.claim("byline", "byline")


# ------------------------------------------------------------- 4. prose ---

# What a line that is not prose costs the span holding it: one for the line, one per word up to
# this many (a menu entry costs 2-4, a heading or a teaser's headline up to 9).
_NON_PROSE_WORDS = 8
# The most one unbroken run of such lines costs: an advertising slider or job board in the
# middle of an article (dozens of short lines) must not outweigh a lead of two or three
# paragraphs above it. 150: on both rendered-page sets (bench/bench_scraped.py) body F1 moves
# by at most 0.002 against no cap, and a lead cut off by a 70-line slider is kept.
_GAP_CAP = 150.0
# Lines of text above the main span that may still be its standfirst or headline.
_STANDFIRST_REACH = 4


def _main_span(lines: list[_Line]) -> tuple[int, int]:
    """The page's main text: the run of lines with the most prose for the least furniture.

    A whole page saved as text has prose outside the article too (a cookie notice above it,
    teasers, comments and footers below), so "the first to the last paragraph of prose" runs
    from the first such paragraph to the last. This is the body-text-extraction idea of Finn,
    Kushmerick and Smyth (2001), on lines instead of HTML tags: a paragraph of prose scores its
    words, a line that is neither prose nor metadata (menus, buttons, headings, lists) scores
    minus its cost (one run of them at most ``_GAP_CAP``), metadata, captions and repeats
    score nothing, and the main text is the contiguous run with the highest sum (Kadane's
    maximum subarray, one pass). Paragraphs outside it are claimed with the other page edges
    (step 6). ``(0, -1)`` when there is no prose at all: then nothing is claimed for lying
    outside it.
    """
    best, best_span = 0.0, (0, -1)
    run, run_start = 0.0, 0
    gap = 0.0  # what the current run of lines without prose has cost so far
    for i, ln in enumerate(lines):
        if not ln.text:
            continue
        n = fu.word_count(ln.text)
        if ln.role is None and fu.is_prose(ln.text):
            score, gap = float(n), 0.0
        elif ln.role is None or ln.role == "furniture":
            cost = 1.0 + min(n, _NON_PROSE_WORDS)
            score = -max(0.0, min(cost, _GAP_CAP - gap))
            gap += cost
        else:
            score = 0.0
        if run <= 0:
            run, run_start = 0.0, i
        run += score
        if run > best:
            best, best_span = run, (run_start, i)
    return best_span


# ------------------------------------------------------------- 5. title ---


# Two or more section names before the last item, joined by "»", "›" or ">".
_CRUMBS = re.compile(r"(?:[^»›>]{1,40}\s*[»›>]\s*){2,}[^»›>]+")


def _title_like(text: str) -> bool:
    n = fu.word_count(text)
    if n < 3 or n > 40 or len(text) > 300:
        return False
    if re.search(r"[.:,;]$", text) and not text.endswith("..."):
        return False
    if text.startswith(("http", "www.", "!")) or re.fullmatch(r"[(\[（【].*[)\]）】]", text):
        return False  # a link, or a bracketed credit or label
    if tm.EMAIL.search(text) or re.search(r"<[a-z/][^>]*>", text, re.I) or len(re.findall(r"[^\W\d_]{2,}", text)) < 2:
        return False  # an address, markup shown as text, a time or a count
    if _CRUMBS.fullmatch(text):
        return False  # a breadcrumb trail written without spaces ("Home>News>Headline")
    if tm.opens_with_meta(text):
        return False  # a date or reading-time line with a comment count or section beside it
    return not (fu.breadcrumb(text) or fu.ui_buttons(text) or fu.list_heading(text) or fu.debris(text))


def _headline_sentence(text: str) -> bool:
    """A headline ending in "?" or "!" (it passes for prose): one sentence of at most 20 words."""
    return (
        bool(re.search(r"[?!？！][\"'”’»]?$", text))
        and fu.word_count(text) <= 20
        and len(re.findall(r"[.!?。！？](?:\s|$)", text)) == 1
        and _title_like(text)
    )


# Words of a URL path that name its format or kind, not its subject.
_SLUG_NOISE = frozenset(
    [
        "html", "htm", "shtml", "php", "asp", "aspx", "jsp", "www", "index", "article", "articles", "story",
        "stories", "news", "amp", "post", "posts", "content", "detail", "view", "read", "page",
    ]
)
_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "æ": "ae", "ø": "oe", "å": "aa"})


def _fold(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def _slug_words(url: str | None) -> set[str]:
    """The words of a URL's path (``/2019/11/18/new-york-attorney-general-wework/``)."""
    m = re.match(r"^(?:[a-z][a-z0-9+.-]*:)?//[^/?#]*([^?#]*)", url or "", re.I)
    if not m:
        return set()
    return {w for w in re.findall(r"[^\W\d_]{3,}", _fold(urllib.parse.unquote(m.group(1)).casefold()))
            if w not in _SLUG_NOISE}


def _slug_match(text: str, slug: set[str]) -> float:
    """How well a line and the URL's words agree: 0 unless half the line's words are in the URL
    and either two of them are or they make up half of its words; then the shares summed."""
    if not slug:
        return 0.0
    raw = re.findall(r"[^\W\d_]{3,}", text.casefold())
    if not raw:
        return 0.0
    hits = sum(1 for w in raw if _fold(w) in slug or _fold(w.translate(_TRANSLIT)) in slug)
    share_line, share_slug = hits / len(raw), hits / len(slug)
    if share_line < 0.5 or not (hits >= 2 or share_slug >= 0.5):
        return 0.0
    return share_line + share_slug


# The share of a headline's words (of four letters or more) its article's opening paragraphs
# must repeat for it to be told from a teaser or label without a URL: one in three. On
# news-metadata-dev rendered without URLs, title exact 0.317 without this test, 0.432 / 0.421
# / 0.414 at 0.25 / 0.34 / 0.5.
_ECHO_MIN = 0.34


def _lead_echo(title: str, lead: str) -> float:
    """The share of ``title``'s words of four or more letters found in ``lead`` (casefolded)."""
    words = re.findall(r"[^\W\d_]{4,}", title.casefold())
    return sum(1 for w in words if w in lead) / len(words) if words else 0.0


# Lines of text above the first paragraph the headline may stand (kickers, bylines, dates,
# standfirsts and captions stand between them; menus and buttons are not counted).
_TITLE_REACH = 12


def _find_title(lines: list[_Line], start: int, end: int, url: str | None) -> int | None:
    """The headline (None when there is none; never made up).

    On a whole page the headline is an ``h1`` just above the article, with the site name,
    menus, breadcrumbs and teasers further up; and most article URLs spell the headline's
    words (``/2019/11/18/new-york-attorney-general-investigating-wework/``). So: the nearest
    headline-like line above the first paragraph (within ``_TITLE_REACH`` lines of text,
    skipping dates, bylines, captions and menus); unless a line above the end of the prose
    agrees with the URL's words better (:func:`_slug_match`), and then that line, the nearest
    to the first paragraph among equals. With no line the URL names, a page whose first line
    reads as a headline (a scrape of the article region, headline on top) keeps that line.
    A headline printed twice is its first copy. The URL only picks among lines on the page.
    """
    head = [i for i in range(min(start, len(lines))) if lines[i].text]
    body = [i for i in range(max(start, 0), min(end + 1, len(lines))) if lines[i].text]
    shorts = [lines[i].role is None and fu.is_short_label(lines[i].text) for i in head]
    in_run = {head[k] for s, e in fu.link_list_spans(shorts, min_run=4) for k in range(s, e)}

    def free(i: int) -> bool:
        # a headline printed twice (h1 and breadcrumb, page title or share text) may be the
        # second copy; a repeated caption or date line is not a headline
        ln = lines[i]
        if ln.role == "repeat":
            return not _caption_like(ln.text) and tm.parse_meta_line(ln.core) is None
        return ln.role is None

    slug = _slug_words(url)
    # the reach counts lines that could stand between a headline and its article (dates,
    # bylines, captions, a standfirst), not share buttons and menus
    pool = [i for i in head if i not in in_run and lines[i].role != "furniture"][-_TITLE_REACH:]
    near = next((i for i in reversed(pool) if free(i) and _title_like(lines[i].core)), None)
    near_score = _slug_match(lines[near].core, slug) if near is not None else 0.0
    scored: list[tuple[float, int]] = []
    for i in [*reversed(head), *body]:
        core = lines[i].core
        if not free(i) or fu.word_count(core) > 40 or fu.is_prose(core) and not _headline_sentence(core):
            continue
        score = _slug_match(core, slug)
        # a headline of one or two words ("Impressum", "Bee Simulator") only on the URL's word
        if score > 0 and (_title_like(core) or (fu.word_count(core) <= 2 and not fu.strong_reason(core, at_edge=True))):
            scored.append((score, i))
    found = near
    if scored:
        top = max(sc for sc, _ in scored)
        if near is None or top > near_score:
            found = next(i for sc, i in scored if sc >= top)
    else:
        first = head[0] if head and free(head[0]) and head[0] not in in_run and _title_like(lines[head[0]].core) else None
        # no URL to go by: of the headline-like lines in reach (and the page's first line),
        # the one the opening paragraphs echo most, when one clearly does; a teaser, a label
        # or a widget heading shares no words with the article
        lead = " ".join(lines[i].core for i in body[:3]).casefold()
        cands = [i for i in reversed(pool) if free(i) and _title_like(lines[i].core)]
        if first is not None and first not in cands:
            cands.append(first)
        echoed = [(_lead_echo(lines[i].core, lead), i) for i in cands]
        best = max((e for e, _ in echoed), default=0.0)
        if best >= _ECHO_MIN:
            found = next(i for e, i in echoed if e >= best)
        elif first is not None:
            found = first
    if found is not None and lines[found].role == "repeat":
        # the headline printed twice: the first copy is the title, the second its repeat
        core = lines[found].core
        found = next((i for i in head if lines[i].role is None and lines[i].core == core), found)
    return found


# ------------------------------------------------------------- 6. edges ---


@dataclass(slots=True)
class _KindHits:
    breadcrumb: str | None = None
    label: str | None = None


def _claim_edges(lines: list[_Line], start: int, end: int) -> _KindHits:
    hits = _KindHits()
    edge = [i for i, ln in enumerate(lines) if ln.text and (i < start or i > end)]
    shorts = [fu.is_short_label(lines[i].core) for i in edge]
    in_run = {edge[k] for s, e in fu.link_list_spans(shorts, min_run=3) for k in range(s, e)}
    for i in edge:
        ln = lines[i]
        crumbs = fu.breadcrumb(ln.core)
        if crumbs and ln.role in (None, "furniture"):
            kinds = [k for k in map(tm.kind_of_label, crumbs) if k]
            if kinds:
                hits.breadcrumb = kinds[-1]  # the most specific section is the last one
        elif ln.role in (None, "furniture") and fu.is_short_label(ln.core) and i not in in_run:
            first_word = ln.core.split()[0] if ln.core.split() else ""
            k = tm.kind_of_label(ln.core) or tm.kind_of_label(first_word)
            if k and hits.label is None:
                hits.label = k
        if ln.role is not None:
            continue
        reason = fu.strong_reason(ln.core, at_edge=True)
        if reason:
            ln.claim("furniture", reason)
        elif fu.is_short_label(ln.core):
            ln.claim("furniture", "short line at the page edge (menu, label or link)")
        elif i in in_run:
            ln.claim("furniture", "list of links")
    return hits


def _claim_outside(lines: list[_Line], lo: int, hi: int, start: int) -> None:
    """Text the edges left that lies outside the main span (see :func:`_main_span`): below it,
    all of it (teasers, comments, notices, footers) but the short sentences and long list
    items that close the article right under it; above it, paragraphs of prose (cookie and
    subscription notices) and lines further than ``_STANDFIRST_REACH`` lines of text above the
    body's first paragraph (a standfirst without a full stop stays)."""
    above = [i for i in range(min(start, len(lines))) if lines[i].text]
    near = set(above[-_STANDFIRST_REACH:])
    # short sentences and long list items right below the span end the article ("He said
    # talks would begin soon.")
    tail = hi
    for i in range(hi + 1, len(lines)):
        ln = lines[i]
        if not ln.text:
            continue
        if ln.role is not None or fu.is_prose(ln.text):
            break
        if not fu.is_sentence(ln.core) and fu.is_short_label(ln.core):
            break
        tail = i
    for i, ln in enumerate(lines):
        if ln.role is not None or not ln.text or lo <= i <= tail:
            continue
        if i > hi:
            ln.claim("furniture", "outside the main text (below it)")
        elif fu.is_prose(ln.text) or i not in near:
            ln.claim("furniture", "outside the main text (above it)")


def _claim_link_lists(lines: list[_Line], start: int, end: int) -> None:
    inner = [i for i in range(max(start, 0), end + 1) if lines[i].role is None and lines[i].text]
    shorts = [fu.is_short_label(lines[i].core) for i in inner]
    for s, e in fu.link_list_spans(shorts, min_run=3):
        for k in range(s, e):
            lines[inner[k]].claim("furniture", "list of links")


def _name_repeats(lines: list[_Line], title: str | None) -> None:
    captions = {_norm(img.caption) for ln in lines for img in ln.images if img.caption}
    tkey = _norm(title) if title else None
    for ln in lines:
        if ln.role != "repeat":
            continue
        key = _norm(ln.text)
        if tkey and key == tkey:
            ln.reason = "repeated title"
        elif key in captions or any(c and (c.startswith(key) or key.startswith(c)) for c in captions):
            ln.reason = "repeated caption"


# ---------------------------------------------------------- 7. metadata ---


@dataclass(slots=True)
class _Meta:
    published: str | None = None
    updated: str | None = None
    authors: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    signatures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    author_note: bool = False


# Bylines are read above the prose, in its first lines and just below it; further away they
# belong to teasers of other articles (listing pages, "more from" boxes).
_BYLINE_REACH = 3


def _collect_meta(lines: list[_Line], start: int, end: int) -> _Meta:
    meta = _Meta()
    nonblank = [i for i, ln in enumerate(lines) if ln.text]
    inner = [i for i in nonblank if start <= i <= end][:_BYLINE_REACH]
    after = [i for i in nonblank if i > end][:_BYLINE_REACH]
    byline_ok = {i for i in nonblank if i < start} | set(inner) | set(after)
    if start > end:  # no prose at all: take what there is
        byline_ok = set(nonblank)
    for i, ln in enumerate(lines):
        core = ln.core
        if not core:
            continue
        if ln.role == "meta":
            m = tm.parse_meta_line(core)
            if m is not None:
                if i in byline_ok:
                    meta.authors.extend(m.authors)
                    if not m.authors and (m.published or m.updated) and m.rest:
                        meta.authors.extend(tm.dated_byline(m.rest) or ())
                meta.emails.extend(m.emails)
        elif ln.role == "byline":
            meta.authors.append(core)
        elif ln.role == "note":
            wire = tm.wire_of_line(core)
            meta.notes.append(f"wire: {wire}" if wire else core)
        elif ln.role == "author-note":
            meta.author_note = True
            meta.notes.append(core)
        if ln.role in ("note", "signature", "furniture", "meta", "author-note") and fu.word_count(core) <= 40:
            meta.signatures.extend(tm.signature_outlets(core))
    return meta


# Lines of text between a publication date and an update date printed beside it.
_UPDATE_REACH = 3
# A paragraph or long line counts as dated when a date opens it ("27.1.2022 - Bei der ...",
# "By Ela on 31. October, 2023 | 18 Comments. ..."): one starting in its first 20 characters.
_LEAD = 40


def _dates_near(lines: list[_Line], anchor: int, url: str | None) -> tuple[str | None, str | None]:
    """(published, updated): the dates written nearest the headline.

    A whole page has dates all over it (teasers, comments, "most read", the day it was
    served), so the date line nearest the headline (``anchor``, else the first paragraph) is
    the article's, below it before above it at equal distance. Its update date is one printed
    within ``_UPDATE_REACH`` lines of it. A date in the URL (``/2019/11/18/``) is the day the
    CMS filed the article: it wins over a written date of another day (60 of 61 URL dates on
    news-metadata-dev are the gold day), keeping the time of a written date on that day.
    """
    rank = {i: r for r, i in enumerate(i for i, ln in enumerate(lines) if ln.text)}
    at = rank.get(anchor, len(rank))
    cands: list[tuple[int, str | None, str | None]] = []
    for i, ln in enumerate(lines):
        if not ln.text or ln.role in ("caption", "image", "repeat"):
            continue
        if fu.word_count(ln.core) > 30 or ln.role is None and fu.is_prose(ln.text):
            found = tm.find_dates(ln.core[:_LEAD])
            if not found or found[0].start > _LEAD // 2:
                continue
            pub, upd = tm.line_dates(ln.core[: found[0].end])
        else:
            pub, upd = tm.line_dates(ln.core)
        if pub or upd:
            cands.append((rank[i], pub, upd))

    def dist(c: tuple[int, str | None, str | None]) -> tuple[int, bool]:
        return (abs(c[0] - at), c[0] < at)

    cands.sort(key=dist)
    published = updated = None
    if cands:
        first = cands[0]
        published = first[1]
        if published is None:
            beside = [c for c in cands if c[1] and abs(c[0] - first[0]) <= _UPDATE_REACH]
            # a page printing only an update beside its headline presents the article under
            # it (as the HTML path reads such pages: ``choose_published``)
            published = beside[0][1] if beside else first[2]
        ref = first[0]
        upds = sorted((c for c in cands if c[2] and abs(c[0] - ref) <= _UPDATE_REACH), key=lambda c: abs(c[0] - ref))
        updated = upds[0][2] if upds else None
    url_date = tm.date_from_url(url)
    if url_date and (published is None or published[:10] != url_date):
        same = [c[1] for c in cands if c[1] and c[1][:10] == url_date]
        published = same[0] if same else url_date
    if published and updated and updated < published:
        published, updated = updated, published
    return published, updated


def _decide_kind(title: str | None, hits: _KindHits, author_note: bool) -> tuple[str, str]:
    """Explicit section evidence beats an author note, which beats the default ("news")."""
    if hits.breadcrumb:
        return hits.breadcrumb, "breadcrumb"
    from_title = tm.kind_of_title(title) if title else None
    if from_title:
        return from_title, "title label"
    if hits.label:
        return hits.label, "section label"
    if author_note:
        return "opinion", "author note"
    return "news", "default"


def _decide_outlet(
    url: str | None, signatures: list[str], images: tuple[Image, ...], emails: list[str]
) -> tuple[str | None, str | None]:
    """The publisher's name and how it was found.

    A name signed in the text ("edited by X staff", "© X", "X Reporter") is taken when a host
    (the page's URL, its images' or its staff e-mail's) spells it, or when it reads like a
    publication's name; otherwise the page's own host, then an image or e-mail host, stand in.
    """
    page_host = tm.host_of(url)
    image_hosts = [h for h in (tm.host_of(img.url) for img in images) if h and not tm.is_cdn_host(h)]
    email_hosts = [e.rsplit("@", 1)[1].lower() for e in emails if "@" in e]
    email_hosts = [h for h in email_hosts if h not in tm.WEBMAIL_HOSTS]
    names = list(dict.fromkeys(signatures))
    for how, hosts in (("url", [page_host] if page_host else []), ("signature", image_hosts + email_hosts)):
        for name in names:
            if any(tm.host_matches(name, h) for h in hosts):
                return name, how if how == "url" else "signature"
    for name in names:
        if tm.has_outlet_word(name):
            return name, "signature"
    if page_host:
        return page_host, "url"
    if image_hosts:
        return max(dict.fromkeys(image_hosts), key=image_hosts.count), "image-host"
    if email_hosts:
        return email_hosts[0], "email-host"
    return None, None
