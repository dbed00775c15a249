"""HTML pages: trafilatura for the body, JSON-LD and meta tags for the metadata.

The page is parsed once (lxml, through trafilatura's tolerant loader) and the
tree is shared by every step; trafilatura copies it before pruning.

Body extraction, calibrated on the article-extraction benchmark (181 pages,
see bench/bench_extraction.py) and news-metadata-dev (548 pages,
bench/bench_metadata.py) together, as one rule, not per page:

1. trafilatura in precision mode without its fallback extractors
   (``favor_precision=True, fast=True``, comments excluded): the cleanest body
   on most pages, and about twice as fast as its full cascade.
2. When that body is very short (under ``_RECALL_BELOW`` characters) the
   precision filter may have thrown the article away with the furniture, so
   the recall mode runs too; its output replaces the precision body when the
   precision body is less than half of it.
3. When the body is still short (under ``_SHORT_BODY``) while the page's
   ``<p>`` elements hold more than ``_PAGE_RATIO`` times as much text, the fast
   mode has locked onto a teaser or a box: trafilatura's full cascade
   (balanced, with its readability/justext comparison) runs, and its body is
   kept when longer. Gating on the page's paragraph text keeps the cascade to
   ~3% of news-metadata-dev's pages and under 1% of the benchmark's (a short
   body on a short page is a short article).
4. When all are empty, the page's JSON-LD ``articleBody`` (if it is long
   enough to be an article) is the body.
5. Known furniture lines (share/sign-up/"read more" prompts, ad labels, photo
   credits standing alone) are removed and recorded in ``removed``.

Metadata comes from :mod:`storyline.extract.html_meta`; images and captions
from ``<figure>`` and og:image.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from lxml.html import HtmlElement

from storyline.errors import ExtractError
from storyline.extract.common import article_id, detect_language, normalise_space
from storyline.extract.html_meta import (
    PageMeta,
    choose_authors,
    choose_kind,
    choose_outlet,
    choose_published,
    choose_title,
    printed_dates,
    read_page_meta,
    readable_host,
    structured_dates,
)
from storyline.extract.jsonld import JsonLdArticle, parse_jsonld
from storyline.extract.textmeta import is_author_note
from storyline.records import Article, Image, RawDoc, Removed

# Calibrated together on both benchmarks (bench/bench_extraction.py and bench_metadata.py;
# do not tune one alone). The precision body of every page where the precision filter
# failed outright was < 400 chars, so the recall pass runs under 500 (5-9% of pages; 1000
# scored the same with twice the passes). 0.5: a precision body under half the recall
# body is a failure, not a trimmed article (the trimmed ones keep 70-90%). Correct short
# articles are ~350-550 chars; bodies under 1000 on pages whose <p> text is 5x longer
# are teasers (3x and 4x also took real short articles on the extraction benchmark,
# 6x and 8x scored a little lower on news-metadata-dev).
_RECALL_BELOW = 500
_RECALL_RATIO = 0.5
_SHORT_BODY = 1000
_PAGE_RATIO = 5
# A JSON-LD articleBody shorter than this is a teaser (many sites cut it at ~500 chars).
_MIN_LD_BODY = 600


def _trafilatura_text(tree: HtmlElement, url: str | None, *, precision: bool, full: bool = False) -> str:
    """trafilatura's body text: precision or recall mode in fast mode, or (``full``) its
    balanced mode with the whole cascade of fallback extractors."""
    from trafilatura import bare_extraction

    doc = bare_extraction(
        tree,
        url=url,
        fast=not full,
        favor_precision=precision and not full,
        favor_recall=not precision and not full,
        include_comments=False,
        include_tables=True,
        with_metadata=False,
    )
    text = getattr(doc, "text", None) if doc is not None else None
    return text or ""


def _paragraph_chars(tree: HtmlElement) -> int:
    """How much text the page's ``<p>`` elements hold (a cheap measure of the page's prose)."""
    return sum(len(p.text_content()) for p in tree.iter("p"))


def extract_body(tree: HtmlElement, url: str | None, ld: JsonLdArticle | None) -> tuple[str, str]:
    """The article body as text (one paragraph a line) and which step produced it."""
    # 1. precision pass
    text = _trafilatura_text(tree, url, precision=True)
    how = "trafilatura-precision"
    precision_chars = len(text)
    # 2. recall pass on very short bodies
    if precision_chars < _RECALL_BELOW:
        recall = _trafilatura_text(tree, url, precision=False)
        if len(text) < _RECALL_RATIO * len(recall):
            text, how = recall, "trafilatura-recall"
    # 3. the full cascade when a short body sits on a page full of prose
    if precision_chars < _SHORT_BODY and _paragraph_chars(tree) > _PAGE_RATIO * max(len(text), 1):
        full = _trafilatura_text(tree, url, precision=False, full=True)
        if len(full) > len(text):
            text, how = full, "trafilatura-full"
    # 4. JSON-LD articleBody when trafilatura found nothing usable
    if ld and ld.body and len(text) < 0.5 * len(ld.body) and len(ld.body) >= _MIN_LD_BODY:
        text, how = ld.body, "json-ld articleBody"
    return text, how


# ------------------------------------------------------------- furniture ---

# Whole lines that are page furniture, in the languages of the pages storyline sees most.
# Matched against a paragraph stripped of surrounding space; each pattern names the reason.
_FURNITURE: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("share prompt", re.compile(
        r"^(share|teilen|partager|compartir|condividi|compartilhe)( (this|on|via|the) \w+)*[:!.]?$"
        r"|^(share on|share via|tweet|pin it|email this)\b.{0,30}$", re.I)),
    ("sign-up prompt", re.compile(
        r"^(sign up|subscribe|register|log ?in|jetzt abonnieren|abonnez-vous|suscr[ií]bete)\b.{0,120}"
        r"(newsletter|inbox|for free|to (read|continue|get)|updates|e-?mail)\b.{0,60}$", re.I)),
    ("app prompt", re.compile(r"^(click|tap) here to (get|download|install) .{0,60}app\W*$", re.I)),
    ("read-more link", re.compile(
        r"^(read more|related|see also|more on this|lesen sie auch|mehr zum thema|lire aussi|à lire aussi|"
        r"leia também|lee también|leggi anche|관련기사|関連記事)\s*[:>»\-–]?\s*.{0,140}$", re.I)),
    ("advertisement label", re.compile(r"^(advertisement|anzeige|publicité|publicidad|pubblicità|werbung|광고|広告)$", re.I)),
    ("comment prompt", re.compile(
        r"^(\d+ )?(comments?|kommentare?|commentaires?|comentarios?)( \(\d+\))?$"
        r"|^(leave a (comment|reply)|post a comment|add a comment|join the (discussion|conversation))\b.{0,60}$", re.I)),
    ("image credit", re.compile(r"^(image|photo|picture|foto|bild)( copyright| credit)?\s*[:©]?\s*.{0,60}(getty images|reuters|afp|ap photo|shutterstock|epa)\W*$", re.I)),
)


def remove_furniture(text: str) -> tuple[list[str], list[Removed]]:
    """Split ``text`` into paragraphs and drop the furniture lines, recording each."""
    kept: list[str] = []
    removed: list[Removed] = []
    for line in text.split("\n"):
        s = line.strip()
        if not s:
            continue
        reason = None
        if len(s) < 200:
            for name, pat in _FURNITURE:
                if pat.search(s):
                    reason = name
                    break
        if reason:
            removed.append(Removed(s, reason))
        else:
            kept.append(s)
    return kept, removed


# ----------------------------------------------------------------- notes ---

# (note, words one of which any match contains (lower-cased), pattern). The words
# are a substring pre-check: the case-insensitive patterns cost ~1 ms on a long
# article, and almost no page contains any of the words.
_NOTES: tuple[tuple[str, tuple[str, ...], re.Pattern[str]], ...] = (
    ("machine translation", ("translat", "übersetzt", "traduc", "traduz"), re.compile(
        r"\b(machine[- ]translat\w*|automatic(ally)? translat\w*|translated (by|with|using) "
        r"(ai|artificial intelligence|deepl|google translate|a machine)|maschinell übersetzt|"
        r"traduction automatique|traducci[oó]n autom[aá]tica|traduzione automatica)", re.I | re.M)),
    ("AI narration", ("voice", "audio", "narrat"), re.compile(
        r"\b((ai|artificial intelligence|automated|computer|synthetic)[- ](generated |narrated )?(voice|audio|narration)|"
        r"narrated by (an? )?(ai|automated|artificial)|audio (is |was )?(generated|produced) (by|with|using) (ai|artificial))", re.I | re.M)),
    ("correction", ("correct", "clarif", "berichtigung", "korrektur", "rectificatif", "erratas", "earlier version",
                    "amended"), re.compile(
        r"^(correction|clarification|berichtigung|korrektur|rectificatif|fe de erratas)\s*[:(]|"
        r"\ban earlier version of this (article|story|report)|this (article|story) has been (corrected|amended)", re.I | re.M)),
)
_WIRE = re.compile(
    r"\((AP|AFP|Reuters|dpa|DPA|Yonhap|Kyodo|EFE|ANSA|UPI|Xinhua|Bloomberg|PA|KNA|APA|sda|SDA)\)"
    r"|\b(The Associated Press|Associated Press|Agence France-Presse|Thomson Reuters|Yonhap News Agency|"
    r"Kyodo News)\b(?! Photo)"
)


def provenance_notes(paragraphs: list[str], removed: list[Removed], authors: tuple[str, ...]) -> list[str]:
    """Notes on machine translation, AI narration, corrections and wire credits found on the page."""
    notes: list[str] = []
    # One search over the joined lines per pattern (patterns are multi-line and never
    # cross a newline) instead of one per line, and only when a key word is there.
    joined = "\n".join(paragraphs + [r.text for r in removed])
    low = joined.lower()
    for name, words, pat in _NOTES:
        if not any(w in low for w in words):
            continue
        m = pat.search(joined)
        if m:
            start = joined.rfind("\n", 0, m.start()) + 1
            end = joined.find("\n", m.end())
            notes.append(f"{name}: {joined[start:end if end >= 0 else len(joined)][:200]}")
    wires: list[str] = []
    for src in [*paragraphs[:2], *paragraphs[-3:], *authors]:
        for m in _WIRE.finditer(src):
            w = m.group(1) or m.group(2)
            if w not in wires:
                wires.append(w)
    if wires:
        notes.append("wire: " + ", ".join(wires))
    return notes


# ---------------------------------------------------------------- images ---

_CREDIT = re.compile(
    r"\s*[\(\[]?\b(?:photo|image|picture|foto|bild|credit|crédit|source|quelle)s?\s*(?:by|:|/|©)\s*([^()\[\]]{2,80})[\)\]]?\s*$"
    r"|\s*[\(\[]?©\s*([^()\[\]]{2,80})[\)\]]?\s*$",
    re.I,
)


def _split_credit(caption: str | None) -> tuple[str | None, str | None]:
    if not caption:
        return None, None
    m = _CREDIT.search(caption)
    if m:
        credit = (m.group(1) or m.group(2) or "").strip(" .)")
        rest = caption[: m.start()].strip()
        return (rest or None), (credit or None)
    return caption, None


def _img_src(img: HtmlElement) -> str | None:
    for attr in ("src", "data-src", "data-original", "data-lazy-src"):
        v = img.get(attr)
        if v and not v.startswith("data:"):
            return v.strip()
    srcset = img.get("srcset") or img.get("data-srcset")
    if srcset:
        return srcset.split(",")[0].strip().split(" ")[0] or None
    return None


def extract_images(tree: HtmlElement, pm: PageMeta, ld: JsonLdArticle | None, base: str | None) -> list[Image]:
    """Images with captions and credits from ``<figure>``, then og:image / JSON-LD image."""
    out: list[Image] = []
    seen: set[str] = set()
    for fig in tree.iterfind(".//figure"):
        img = fig.find(".//img")
        src = _img_src(img) if img is not None else None
        cap_el = fig.find(".//figcaption")
        caption = normalise_space(cap_el.text_content()) if cap_el is not None else None
        credit = None
        if cap_el is not None:
            for el in cap_el.iter():
                cls = (el.get("class") or "").lower()
                if el is not cap_el and ("credit" in cls or "copyright" in cls or "source" in cls):
                    credit = normalise_space(el.text_content()) or None
                    if credit and caption:
                        caption = normalise_space(caption.replace(credit, "")) or None
                    break
        if credit is None:
            caption, credit = _split_credit(caption)
        if not caption and img is not None:
            caption = (img.get("alt") or "").strip() or None
        if not src and not caption:
            continue
        url = urljoin(base, src) if (base and src) else src
        if url and url in seen:
            continue
        if url:
            seen.add(url)
        out.append(Image(url=url, caption=caption, credit=credit))
        if len(out) >= 20:
            break
    lead = pm.get("og:image", "twitter:image", "twitter:image:src") or (ld.images[0] if ld and ld.images else None)
    if lead:
        lead_url = urljoin(base, lead) if base else lead
        if lead_url not in seen:
            alt = pm.get("og:image:alt", "twitter:image:alt")
            out.insert(0, Image(url=lead_url, caption=alt, credit=None))
    return out


# ------------------------------------------------------------------ main ---


def _page_url(doc: RawDoc, pm: PageMeta, ld: JsonLdArticle | None) -> str | None:
    if doc.url:
        return doc.url
    for cand in (pm.canonical, pm.get("og:url"), ld.url if ld else None):
        if cand and cand.startswith("http"):
            return cand
    return None


def extract_html_page(doc: RawDoc) -> Article:
    """Turn one HTML page (``doc.kind == "html"``, decoded ``doc.body``) into an Article.

    Raises ExtractError when the page cannot be parsed or holds no article text.
    """
    from trafilatura.utils import load_html

    if not doc.body or not doc.body.strip():
        raise ExtractError("empty HTML page")
    try:
        tree = load_html(doc.body)
    except (ValueError, TypeError) as exc:  # lxml rejects some inputs outright
        raise ExtractError(f"unparseable HTML: {exc}") from exc
    if tree is None:
        raise ExtractError("unparseable HTML: no document tree")

    pm = read_page_meta(tree)
    ld = parse_jsonld(tree)
    url = _page_url(doc, pm, ld)
    outlet, outlet_from = choose_outlet(pm, ld, url)
    sites = [s for s in (outlet, ld.publisher if ld else None, pm.get("og:site_name"),
                         pm.get("application-name"), readable_host(url)) if s]
    host = readable_host(url)
    if host:
        sites.append(host.split(".")[0])
    title = choose_title(pm, ld, sites)

    body, _how = extract_body(tree, url, ld)
    paragraphs, removed = remove_furniture(body)
    text = "\n\n".join(paragraphs)
    if not text.strip():
        raise ExtractError("no article text found in the HTML page")

    structured_pub, updated = structured_dates(pm, ld, tree)
    printed = printed_dates(tree)
    found = None
    # htmldate only arbitrates between the markup and the printed date; when the
    # first printed date confirms the markup (published or modified), choose_published
    # keeps the markup whatever htmldate says, so its search (~4 ms a page) is skipped.
    first_printed = printed[0].isoformat() if printed else None
    if not (first_printed and first_printed in ((structured_pub or "")[:10], (updated or "")[:10])):
        from htmldate import find_date

        try:
            found = find_date(tree, url=url, original_date=True, extensive_search=True)
        except (ValueError, TypeError, OverflowError):
            found = None
    published, _date_from = choose_published(structured_pub, found, printed, updated)
    if updated and published and updated[:10] < published[:10]:
        updated = None

    authors = choose_authors(pm, ld, tree, sites)
    kind, kind_from = choose_kind(pm, ld, url, title)
    if kind_from is None and any(is_author_note(p) for p in (*paragraphs[:1], *paragraphs[-3:])):
        # "The author is a professor of ...": what opinion pages print and news pages do not
        kind, kind_from = "opinion", "author note"
    lang_hint = (ld.language if ld else None) or pm.lang
    # 1500 characters identify a language as well as 5000 and cost a third of the time.
    language = detect_language(text[:1500], hint=lang_hint)
    description = pm.get("og:description", "description", "twitter:description") or (ld.description if ld else None)
    images = extract_images(tree, pm, ld, url)
    notes = provenance_notes(paragraphs, removed, authors)

    return Article(
        id=article_id(text, url),
        source=doc.source,
        text=text,
        url=url,
        outlet=outlet,
        title=title,
        published=published,
        updated=updated,
        authors=authors,
        kind=kind,
        language=language,
        images=tuple(images),
        notes=tuple(notes),
        description=normalise_space(description) if description else None,
        outlet_from=outlet_from,
        kind_from=kind_from,
        removed=tuple(removed),
    )
