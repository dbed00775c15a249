"""Metadata of an HTML news page: title, dates, bylines, outlet and kind.

Each field is chosen from candidates in a fixed order of trust: the page's
JSON-LD article (written for search engines, so deliberate), then its
OpenGraph / ``<meta>`` tags, then what is printed on the page (``<h1>``, the
byline, ``<time>`` elements), then htmldate's and trafilatura's heuristics.

Three of trafilatura's typical misses are fixed here rather than in a fork:

* titles keep the site name ("Headline | Site", "Headline - Site Name"):
  :func:`strip_site_name` drops a leading or trailing segment that names the
  site (og:site_name, JSON-LD publisher, the host name, an ``<h1>`` logo
  linking to the home page) or that the page's own ``<h1>`` shows is not part
  of the headline;
* meta titles are written for search results (a kicker or section in front,
  the headline reworded): :func:`visible_headline` prefers the printed
  ``<h1>`` when it is a version of a markup title (a run of its words, or
  sharing a content word), without a kicker element printed inside it;
* a UTC timestamp can fall a day off the date the outlet prints:
  :func:`structured_dates` reads it in the outlet's offset when the markup
  states the same instant with one, and :func:`choose_published` keeps the
  markup timestamp only when htmldate (which weighs more sources) or the first
  date printed on the page agrees with it.

Two more date rules: a Dublin Core or bare ``date`` meta tag (the page record's
date) gives way to a printed ``<time>`` element, and a page that prints its
markup's modification day first is dated by it (:func:`choose_published`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from storyline.extract.common import iso_date, normalise_authors
from storyline.extract.jsonld import JsonLdArticle
from storyline.extract.textmeta import kind_of_title

# ------------------------------------------------------------------ meta ---


@dataclass(frozen=True, slots=True)
class PageMeta:
    """The ``<head>`` facts of a page: meta tags by lower-cased name/property, and links."""

    meta: dict[str, str]
    title: str | None
    h1: str | None
    canonical: str | None
    lang: str | None
    h1s: tuple[str, ...] = ()
    logos: tuple[str, ...] = ()
    repeated: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def get(self, *names: str) -> str | None:
        """The first non-empty meta value among ``names``."""
        for n in names:
            v = self.meta.get(n)
            if v:
                return v
        return None


def _clean(text: str | None) -> str | None:
    if not text:
        return None
    s = re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()
    return s or None


# A page's first few <h1>s: a logo or section name can come before the headline.
_MAX_H1 = 4
# A link to a site's home page: "/", "https://host/", or an archived copy ending in one.
_HOME_LINK = re.compile(r"(?:^|https?://[^/?#]+)/?(?:index\.\w+)?$")
_KICKER_SEP = " \t\n:|–—-•·/"


def _h1_text(el: HtmlElement) -> str | None:
    """An element's text without the text of ``<script>``/``<style>`` inside it."""
    parts: list[str] = []

    def walk(e: HtmlElement) -> None:
        if isinstance(e.tag, str) and e.tag not in ("script", "style", "noscript"):
            if e.text:
                parts.append(e.text)
            for c in e:
                walk(c)
        if e is not el and e.tail:
            parts.append(e.tail)

    walk(el)
    return _clean("".join(parts))


def _after_kicker(h1: HtmlElement) -> str | None:
    """The headline of an ``<h1>`` that opens with a kicker element.

    ``<h1><span class="kicker">Topic</span>Headline</h1>`` (or a kicker span then a
    headline span) is a common way to print a topic line above the headline; the
    element's text runs both together ("TopicHeadline"). Returns the text after the
    first child element when the ``<h1>`` (or the one wrapper inside it) opens with
    that element and more text follows it.
    """
    el = h1
    while len(el) == 1 and not (el.text or "").strip() and not (el[0].tail or "").strip() and isinstance(el[0].tag, str):
        el = el[0]
    if not len(el) or (el.text or "").strip() or not isinstance(el[0].tag, str) or el[0].tag == "br":
        return None
    first = el[0]
    if not _h1_text(first):
        return None
    rest = [first.tail or ""]
    for child in el[1:]:
        if isinstance(child.tag, str):
            rest.append(" " + (_h1_text(child) or "") + " ")
        rest.append(child.tail or "")
    text = _clean("".join(rest).strip(_KICKER_SEP))
    return text if text and len(text) > 3 else None


def _is_logo(h1: HtmlElement) -> bool:
    """True for an ``<h1>`` that is the site's logo: its link goes to the home page."""
    for a in h1.iter("a"):
        href = (a.get("href") or "").strip()
        if href and _HOME_LINK.search(href):
            return True
    return False


def read_page_meta(tree: HtmlElement) -> PageMeta:
    """Collect meta tags, ``<title>``, the ``<h1>`` texts, the canonical link and ``lang``.

    ``h1s`` holds the headline texts of the first few ``<h1>`` elements (for one that
    opens with a kicker element, the text after the kicker first); ``logos`` the texts
    of ``<h1>`` elements that link to the home page, which name the site.
    """
    meta: dict[str, str] = {}
    repeated: dict[str, list[str]] = {}
    for el in tree.iterfind(".//meta"):
        key = el.get("property") or el.get("name") or el.get("itemprop") or el.get("http-equiv")
        value = el.get("content")
        if key and value and value.strip():
            k = key.strip().lower()
            if k in meta and k in _AUTHOR_META:  # scholarly pages write one tag per author
                repeated.setdefault(k, [meta[k]]).append(value.strip())
            meta.setdefault(k, value.strip())
    title_el = tree.find(".//title")
    h1s: list[str] = []
    logos: list[str] = []
    for n, h1 in enumerate(tree.iterfind(".//h1")):
        if n >= _MAX_H1:
            break
        h1_text = _h1_text(h1)
        if not h1_text or len(h1_text) <= 3:
            continue
        if _is_logo(h1):
            logos.append(h1_text)
            continue
        kicked = _after_kicker(h1)
        if kicked and kicked != h1_text:
            h1s.append(kicked)
        h1s.append(h1_text)
    canonical = None
    for link in tree.iterfind(".//link"):
        if (link.get("rel") or "").lower() == "canonical" and (link.get("href") or "").startswith("http"):
            canonical = link.get("href")
            break
    lang = tree.get("lang") or tree.get("xml:lang") or meta.get("og:locale") or meta.get("content-language")
    return PageMeta(
        meta=meta,
        title=_clean(title_el.text_content()) if title_el is not None else None,
        h1=h1s[0] if h1s else None,
        canonical=canonical,
        lang=lang,
        h1s=tuple(h1s),
        logos=tuple(logos),
        repeated={k: tuple(v) for k, v in repeated.items()},
    )


# ---------------------------------------------------------------- outlet ---


def readable_host(url: str | None) -> str | None:
    """The host of ``url`` without ``www.``/``m.``/``amp.`` ("https://www.bbc.co.uk/x" -> "bbc.co.uk")."""
    if not url:
        return None
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return None
    host = re.sub(r"^(www\d?|m|amp|mobile|edition)\.", "", host.lower())
    if host == "web.archive.org":
        # an archived copy: the page's own site is in the path (/web/<timestamp>/<url>)
        inner = _ARCHIVED.match(urlsplit(url).path)
        if inner:
            target = inner.group(1)
            return readable_host(target if "://" in target else "http://" + target)
    return host or None


_ARCHIVED = re.compile(r"^/web/\d+[a-z_]*/(.+)$")
# Labels of a host that name no site ("www", "co", "com"...): what _resembles_host skips.
_HOST_NOISE = frozenset({"www", "com", "org", "net", "co", "news", "edu", "gov", "ac", "info", "online"})


def _resembles_host(name: str, host: str | None) -> bool:
    """True when ``name`` and a label of ``host`` contain one another ("USA TODAY" ~ usatoday.com)."""
    f = _fold(name)
    if not host or len(f) < 2:
        return False
    labels = [lb for lb in host.split(".")[:-1] if lb not in _HOST_NOISE and len(lb) >= 2]
    return any(lb in f or (len(f) >= 3 and f in lb) for lb in (_fold(lb) for lb in labels))


def choose_outlet(pm: PageMeta, ld: JsonLdArticle | None, url: str | None) -> tuple[str | None, str | None]:
    """(outlet, how it was found): og:site_name, JSON-LD publisher, application-name or the URL's host.

    og:site_name is what most pages fill, but some put a one-word section there ("U.S." on a
    wire service's page, "Start"), a handle ("@site") or a slug ("usatoday"). A one-word
    og:site_name that does not look like the host gives way to a JSON-LD publisher or
    application name that does; a lower-case slug gives way to the publisher or application
    name it spells ("USA TODAY", "The Detroit News").
    """
    host = readable_host(url)
    site = _clean(pm.get("og:site_name"))
    site = site.lstrip("@") if site else None
    app = _clean(pm.get("application-name", "apple-mobile-web-app-title"))
    others = [(ld.publisher, "json-ld") if ld and ld.publisher and len(ld.publisher) < 80 else None,
              (app, "application-name") if app and len(app) < 60 else None]
    candidates = [(n, how) for n, how in (o for o in others if o) if n and not n.startswith("http")]
    if site and not site.startswith("http"):
        if re.fullmatch(r"[a-z0-9]+", site):  # a slug: the name it spells, if the page has it
            spelled = next(((n, how) for n, how in candidates if _fold(site) in _fold(n) and n != site), None)
            if spelled:
                return spelled
        elif len(site.split()) == 1 and not _resembles_host(site, host):
            looks = next(((n, how) for n, how in candidates if _resembles_host(n, host)), None)
            if looks:
                return looks
        return site, "og:site_name"
    if candidates:
        return candidates[0]
    return (host, "url") if host else (None, None)


# ----------------------------------------------------------------- title ---

# Separators between a headline and the site name, in the order sites use them.
_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|·|•|»|«|/|:)\s+|\s*\|\s*")


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s).casefold()
    return "".join(c for c in s if c.isalnum())


# WordPress's classic themes title a post "Blog » Blog Archive » Headline": furniture too.
_GENERIC_SEGMENTS = frozenset({"blogarchive", "blogarchiv"})


def _names_site(segment: str, sites: list[str]) -> bool:
    """True when ``segment`` is (a form of) one of the site names or host labels."""
    f = _fold(segment)
    if not f or f in _GENERIC_SEGMENTS:
        return True
    for site in sites:
        g = _fold(site)
        if not g:
            continue
        if f == g or (len(f) >= 3 and (f in g or g in f) and len(segment.split()) <= 5):
            return True
    return False


def strip_site_name(title: str, sites: list[str], h1: str | None = None) -> str:
    """``title`` without a leading/trailing segment naming the site.

    "Headline | Site" and "Site - Headline" lose "Site" when it matches one of
    ``sites`` (site name, publisher, host). With no such match, a page whose
    ``<h1>`` equals one segment run tells which part is the headline.
    """
    parts = _SEPARATORS.split(title)
    seps = _SEPARATORS.findall(title)
    if len(parts) < 2:
        return title
    # Drop matching segments from both ends (a title can carry "Section | Site").
    lo, hi = 0, len(parts)
    while hi - lo > 1 and _names_site(parts[hi - 1], sites):
        hi -= 1
    while hi - lo > 1 and _names_site(parts[lo], sites):
        lo += 1
    if (lo, hi) != (0, len(parts)):
        out = parts[lo]
        for i in range(lo + 1, hi):
            out += seps[i - 1] + parts[i]
        return out.strip()
    if h1:
        fh = _fold(h1)
        for i in range(len(parts)):
            acc = parts[i]
            for j in range(i + 1, len(parts) + 1):
                if _fold(acc) == fh:
                    return acc.strip()
                if j < len(parts):
                    acc += seps[j - 1] + parts[j]
    return title


_WORD = re.compile(r"\w+")


def _words(s: str) -> set[str]:
    return set(_WORD.findall(unicodedata.normalize("NFKC", s).casefold()))


def _headline_relation(title: str, h1: str) -> str | None:
    """How a markup title and an ``<h1>`` relate: "title" (keep the title), "h1"
    (the ``<h1>`` is the headline) or None (unrelated: a logo, a section name)."""
    t, h = _fold_text(title), _fold_text(h1)
    if not h:
        return None
    if h == t or t in h:  # the same, or an <h1> with a kicker or a date run into it
        return "title"
    if re.search(r"(?:^|\W)" + re.escape(h) + r"(?:$|\W)", t):
        return "h1"
    if h in t:  # part of a word: "Geschichte" in "Chorgeschichte"
        return None
    if any(len(w) >= 4 for w in _words(title) & _words(h1)):
        return "h1"
    return None


def visible_headline(titles: list[str], h1s: tuple[str, ...]) -> str | None:
    """The page's printed ``<h1>`` headline when it is a version of a markup title.

    Meta titles are written for search results and social cards: they add a kicker
    ("Chronik: Headline"), a section or a site name, or reword the headline, while
    the ``<h1>`` is what readers see. An ``<h1>`` is the headline when it is a run of
    whole words of a title, or when the two share a content word (four letters or
    more) and the ``<h1>`` does not contain the whole title (an ``<h1>`` holding the
    title and more has a kicker or a date run into it: the title is kept). The
    titles are tried in order of trust, each against every ``<h1>``; with no
    relation at all (logo or section ``<h1>``s), the first title stands.
    """
    for title in titles:
        for h1 in h1s:
            rel = _headline_relation(title, h1)
            if rel == "title":
                return title
            if rel == "h1":
                return h1
    return titles[0] if titles else None


# Typographic quotes and dashes: a meta title and the <h1> often differ only in these.
_QUOTES_DASHES = str.maketrans({**dict.fromkeys("‘’‚‛´`‹›", "'"), **dict.fromkeys("“”„‟«»", '"'), **dict.fromkeys("‐‑‒–—―", "-")})


def _fold_text(s: str) -> str:
    """Case-, width-, quote-, dash- and space-folded text for comparing titles."""
    return " ".join(unicodedata.normalize("NFKC", s).translate(_QUOTES_DASHES).casefold().split())


def choose_title(pm: PageMeta, ld: JsonLdArticle | None, sites: list[str]) -> str | None:
    """The headline: JSON-LD headline, og:title, twitter:title, ``<title>``, then ``<h1>``.

    Each is cleaned of its site name (:func:`strip_site_name`; a title that is
    nothing but the site name is skipped), then the printed ``<h1>`` is preferred
    when it is a version of one of them (:func:`visible_headline`).
    """
    sites = [*sites, *pm.logos]
    site_keys = {_fold(x) for x in sites}
    candidates = [
        ld.headline if ld else None,
        pm.get("og:title"),
        pm.get("twitter:title"),
        pm.title,
        pm.get("title", "dc.title", "sailthru.title", "parsely-title"),
    ]
    titles: list[str] = []
    whole_site: list[str] = []
    for cand in candidates:
        c = _clean(cand)
        if c and len(c) > 2 and not c.startswith("http"):
            if _fold(c) in site_keys:
                whole_site.append(c)
                continue
            t = strip_site_name(c, sites, pm.h1) or c
            if t not in titles:
                titles.append(t)
    if titles:
        return visible_headline(titles, pm.h1s)
    # A page whose only title is the site's name (a home or section page) is titled so.
    return whole_site[0] if whole_site else pm.h1


# ----------------------------------------------------------------- dates ---

_PUBLISHED_META = (
    "article:published_time", "og:published_time", "og:article:published_time", "datepublished",
    "article.published", "published_time", "pubdate", "publishdate", "publish-date", "publish_date",
    "date", "dc.date", "dc.date.issued", "dcterms.date", "dcterms.created", "sailthru.date",
    "parsely-pub-date", "cxenseparse:recs:publishtime", "article_date_original", "originalpublicationdate",
)
# Tags that describe the page as a record rather than the article (Dublin Core, a bare
# "date"): content management systems fill them with the record's creation or change time.
_RECORD_META = ("date", "dc.date", "dc.date.issued", "dcterms.date", "dcterms.created")
_MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified", "dc.date.modified",
                  "dcterms.modified", "last-modified", "lastmod")
_UTC = re.compile(r"(Z|[+-]00:?00)$")
_DIGIT = re.compile(r"\d")
# Class/id words of elements that print a date. Matched on the lower-cased value with a
# case-sensitive pattern: five times faster than re.I on the same words (it runs on
# every span/div/p of the page), same matches.
_DATEISH_CLASS = re.compile(r"dat[aeu]|time|publish|posted|byline|meta|fecha")


def _day(value: str | None) -> date | None:
    if not value:
        return None
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", value)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _short_text(el: HtmlElement, limit: int) -> str | None:
    """``el``'s text with spaces collapsed, or None as soon as it is longer than ``limit``.

    Stops reading early, so a ``<div class="meta">`` wrapping a whole article
    costs no more than a ``<span class="date">``.
    """
    parts: list[str] = []
    size = 0
    for t in el.itertext():
        size += len(t.strip())
        if size > limit:
            return None
        parts.append(t)
    return _clean("".join(parts))


def printed_dates(tree: HtmlElement, limit: int = 12) -> list[date]:
    """Dates written for readers: ``<time>`` text and short date/byline elements, in page order.

    Parsed with htmldate's pattern-based reader (fast, multilingual month names)
    rather than dateparser, which costs milliseconds per string.
    """
    from htmldate.extractors import try_date_expr

    lo, hi = datetime(1995, 1, 1), datetime.now() + timedelta(days=2)
    out: list[date] = []
    seen = 0
    search = _DATEISH_CLASS.search
    for el in tree.iter("time", "span", "div", "p", "li", "small", "abbr"):
        if el.tag != "time":
            cls, ident = el.get("class"), el.get("id")
            if not ((cls and search(cls.lower())) or (ident and search(ident.lower()))):
                continue
        text = _short_text(el, 80)
        if not text or len(text) > 80 or not _DIGIT.search(text):
            continue
        seen += 1
        if seen > 40:
            break
        try:
            found = try_date_expr(text, "%Y-%m-%d", False, lo, hi)
        except (ValueError, TypeError, OverflowError):
            found = None
        d = _day(found)
        if d:
            out.append(d)
            if len(out) >= limit:
                break
    return out


# How many <time datetime> values to read when looking for the local form of a UTC timestamp.
_MAX_TIMES = 20


def _instant(value: str) -> datetime | None:
    """An offset-aware ISO timestamp as a datetime; None for a date, a naive time or garbage."""
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        return None
    return dt if dt.tzinfo is not None else None


def _local_form(value: str | None, others: list[str]) -> str | None:
    """``value`` in the outlet's own offset when it is a UTC timestamp and another of the
    page's timestamps (``others``, ISO 8601) states the same instant with a non-zero offset.

    Sites often write article:published_time or JSON-LD in UTC and the ``<time>`` element
    of the byline in local time: 23:37 on the 3rd at UTC-4 is 03:37 on the 4th in UTC, and
    the outlet dates the article the 3rd. The date to keep is the local one.
    """
    if not value or not _UTC.search(value):
        return value
    at = _instant(value)
    if at is None:
        return value
    for other in others:
        o = _instant(other)
        if o is not None and o.utcoffset() and o == at:
            return other
    return value


def structured_dates(pm: PageMeta, ld: JsonLdArticle | None, tree: HtmlElement) -> tuple[str | None, str | None]:
    """(published, updated) as the page's markup states them, ISO 8601 with the page's offset.

    A UTC value is replaced by the same instant written with the outlet's offset elsewhere in
    the markup (:func:`_local_form`), so that its date is the one the outlet printed.
    """
    pub = ld.date_published if ld else None
    upd = ld.date_modified if ld else None
    pub = pub or pm.get(*_PUBLISHED_META)
    upd = upd or pm.get(*_MODIFIED_META)
    times: list[str] = []
    for n, el in enumerate(tree.iterfind(".//time")):
        if n >= _MAX_TIMES:
            break
        dt = (el.get("datetime") or "").strip()
        if dt and re.match(r"\d{4}-\d{2}-\d{2}", dt):
            times.append(dt)
    if not pub and times:
        pub = times[0]
    elif times and not (ld and ld.date_published) and next(
            (n for n in _PUBLISHED_META if pm.meta.get(n)), None) in _RECORD_META:
        # A Dublin Core / bare "date" tag dates the page record (created, last changed), not
        # the article: a <time> element the page prints wins unless one of them states its day.
        day = _day(_iso(pub))
        if day is None or all(_day(t) != day for t in times):
            pub = times[0]
    pub, upd = _iso(pub), _iso(upd)
    if (pub and _UTC.search(pub)) or (upd and _UTC.search(upd)):
        others = [v for v in (_iso(x) for x in (ld.date_published if ld else None, ld.date_modified if ld else None,
                                                 *(pm.meta.get(n) for n in _PUBLISHED_META + _MODIFIED_META),
                                                 *times)) if v]
        pub, upd = _local_form(pub, others), _local_form(upd, others)
    return pub, upd


def _iso(value: str | None) -> str | None:
    if not value:
        return None
    v = value.strip()
    # Fast path for ISO-like strings: iso_date falls back to dateparser, which is slow.
    m = re.match(r"(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?)?", v)
    if m:
        d, t, tz = m.groups()
        if _day(d) is None:
            return None
        if not t:
            return d
        return iso_date(f"{d}T{t}{tz or ''}")
    if re.fullmatch(r"\d{10}(\d{3})?", v):  # a Unix timestamp (seconds or ms)
        try:
            from datetime import UTC

            return datetime.fromtimestamp(int(v[:10]), UTC).isoformat(timespec="seconds")
        except (ValueError, OverflowError, OSError):
            return None
    if len(v) > 60:
        return None
    # htmldate's pattern reader, not dateparser: same coverage of written dates here, 100x faster.
    from htmldate.extractors import try_date_expr

    try:
        found = try_date_expr(v, "%Y-%m-%d", False, datetime(1995, 1, 1), datetime.now() + timedelta(days=2))
    except (ValueError, TypeError, OverflowError):
        return None
    return found if _day(found) else None


def choose_published(
    structured: str | None, found: str | None, printed: list[date], updated: str | None = None
) -> tuple[str | None, str]:
    """The publication date and where it came from.

    ``structured`` is the markup's timestamp (JSON-LD, meta tags, ``<time>``),
    ``found`` htmldate's choice (which weighs more sources, date only),
    ``printed`` the dates written for readers in page order, ``updated`` the
    markup's modification timestamp.

    * When the first printed date is the day of ``updated`` and the day of
      ``structured`` is printed nowhere, the page presents the article under its
      update (a refreshed guide, a story re-dated on its last revision): that is
      the date readers see and cite, and the one kept (news-metadata-dev's
      annotators dated 7 of 7 pages printing the modified day first so). A page
      that also prints the first publication day ("Updated June 5 · Published
      June 1") keeps it: the original date is what a timeline needs (this costs
      one of those 7 pages, 0.914 -> 0.911 same-day).
    * When markup and htmldate agree on the day, the markup value is kept for its
      time and offset; when they disagree, the markup is kept if the page prints
      its day (anywhere among the printed dates: the first one is often a header
      showing the day the page was served, or a list of other stories), else
      htmldate's day wins (it was right more often on news-metadata-dev: 0.876 vs
      0.871 same-day).
    * With no published date in the markup, htmldate falls back on the
      modification date; when that is all it found and the page prints an
      earlier date first, the printed date is the publication date (a later
      one cannot be: it belongs to comments or other stories).
    """
    sday = _day(structured)
    fday = _day(found)
    uday = _day(updated)
    if printed and uday and printed[0] == uday and sday != uday and sday not in printed:
        return updated, "modified+printed"
    if sday and (fday is None or sday == fday):
        return structured, "markup"
    if sday and fday:
        if sday in printed:
            return structured, "markup+printed"
        return fday.isoformat(), "htmldate"
    if fday:
        if printed and fday == uday and printed[0] < fday:
            return printed[0].isoformat(), "printed"
        return fday.isoformat(), "htmldate"
    if printed:
        return printed[0].isoformat(), "printed"
    return None, "none"


# --------------------------------------------------------------- authors ---

# citation_author first: on scholarly pages "author" often lists cited authors.
_AUTHOR_META = ("citation_author", "author", "article:author", "dc.creator", "parsely-author", "sailthru.author", "byl",
                "dcterms.creator", "cxenseparse:author")


# How many marked byline elements to read before giving up: the first is right
# on most pages; later ones are author boxes of related stories. Not sensitive
# (1, 4 and 8 scored the same on news-metadata-dev); 4 bounds the work.
_MAX_BYLINE_TRIES = 4

# Link texts and cues around a byline ("View all posts by X", "Posted by X", "Autor: X").
_BYLINE_CUE = re.compile(
    r"^\s*(view all posts by|all posts by|more (posts|articles|stories) (by|from)|posted by|written by|"
    r"articles? by|geschrieben von|verfasst von|ein beitrag von|autor(in)?:|author:|auteur\s*:|publi[ée] par|"
    r"escrito por|publicado por)\s*",
    re.I,
)


def _authors_of(value: str | list[str]) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    return normalise_authors([_BYLINE_CUE.sub("", v) for v in items if isinstance(v, str)])


# Legal forms in an organisation's name ("Example e.V.", "Example GmbH", "Example Inc.").
_LEGAL_FORM = re.compile(
    r"(?:^|\s)(?:e\.\s?V|gGmbH|GmbH|AG|KG|KGaA|eG|e\.\s?G|Inc|Ltd|LLC|LLP|PLC|plc|S\.\s?A|S\.\s?L|"
    r"S\.\s?p\.\s?A|SpA|B\.\s?V|N\.\s?V|Corp|&\s?Co)\.?(?=$|[\s,;)])"
)
# Lower-case words a person's name can hold: particles ("Ursula von der Leyen") and
# the words that join several names ("Jane Doe and John Roe").
_NAME_LOWER = frozenset({
    "van", "von", "de", "der", "den", "da", "di", "du", "la", "le", "del", "della", "dos", "das", "do", "des",
    "ter", "ten", "zu", "zum", "bin", "al", "el", "ibn", "y", "e", "i", "et", "and", "und", "og", "mit", "with",
})


def _organisation(byline: str, site_keys: set[str]) -> bool:
    """True when a byline names an organisation, not a person: it ends in a legal form
    ("e.V.", "GmbH", "Inc."), holds a lower-case word that no name has ("Das Magazin
    für Leser", "Bund der Verbraucher" passes, "Verband für Wald" does not), or
    contains the site's name (the site keys of six letters or more: shorter ones
    occur inside surnames)."""
    if _LEGAL_FORM.search(byline):
        return True
    words = re.findall(r"[^\W\d_][\w'’.\-]*", byline)
    if len(words) >= 2 and any(w[0].islower() and w.casefold() not in _NAME_LOWER for w in words):
        return True
    f = _fold(byline)
    return any(len(k) >= 6 and k in f for k in site_keys)


def choose_authors(
    pm: PageMeta, ld: JsonLdArticle | None, tree: HtmlElement, sites: list[str]
) -> tuple[str, ...]:
    """Byline names, from the first of these sources that names someone:

    1. the JSON-LD article's (or WebPage's) authors;
    2. author meta tags (all of them when the tag is repeated, one per author);
    3. the byline marked up on the page (:func:`html_byline.marked_bylines`,
       trafilatura's author markup read without its tree copy);
    4. a byline printed with a cue word ("Von Max Muster").

    A source whose only names are the site itself (``sites``: outlet, host...)
    gives way to a later source naming a person, and so does a JSON-LD or meta
    byline naming an organisation (:func:`_organisation`; on the page, "red" or
    "dpa" in lower case are desk and agency codes, not a sign of one); when no later source has one, the first such name is kept
    (small sites and press offices sign as themselves, and annotators count
    that as the byline).
    """
    site_keys = {_fold(x) for x in sites if x}

    def is_site(names: tuple[str, ...]) -> bool:
        return all(_fold(n) in site_keys or any(_fold(n) in k for k in site_keys) for n in names)

    # 1. and 2. the page's own statements for search engines
    candidates: list[tuple[str, tuple[str, ...]]] = []
    if ld and ld.authors:
        candidates.append(("; ".join(ld.authors), _authors_of(list(ld.authors))))
    for key in _AUTHOR_META:
        v = pm.meta.get(key)
        if v and not v.startswith("http"):
            many = [x for x in pm.repeated.get(key, ()) if not x.startswith("http")]
            candidates.append(("; ".join(many or [v]), _authors_of(many or v)))
    fallback: tuple[str, ...] = ()
    for raw, names in candidates:
        if names and not is_site(names) and not _organisation(raw, site_keys):
            return names
        fallback = fallback or names
    from trafilatura.metadata import normalize_authors as traf_normalize_authors

    from storyline.extract.html_byline import marked_bylines, printed_bylines

    # 3. and 4. the byline on the page: marked-up elements, then cue words.
    for tried, byline in enumerate(marked_bylines(tree), start=1):
        names = _authors_of(traf_normalize_authors(None, byline) or "")
        if names:
            if not is_site(names):
                return names
            # The site signing as itself (or a blogger whose name is the blog's): later
            # marked elements on such pages are bios and related posts, not a better byline.
            fallback = fallback or names
            break
        if tried >= _MAX_BYLINE_TRIES:
            break
    for byline in printed_bylines(tree):
        names = _authors_of(byline)
        if names and not is_site(names):
            return names
    return fallback


# ------------------------------------------------------------------ kind ---

_KIND_WORDS: dict[str, tuple[str, ...]] = {
    "editorial": ("editorial", "editorials", "leitartikel", "editorial-board", "editoriales", "editoriale",
                  "éditorial", "editoriaux", "社説", "사설", "社论"),
    "opinion": ("opinion", "opinions", "op-ed", "oped", "op-eds", "commentary", "comment", "commentisfree",
                "column", "columns", "columnists", "meinung", "kommentar", "kommentare", "gastbeitrag",
                "tribune", "tribunes", "tribuna", "opinión", "opinião", "opinione", "opinie", "mening",
                "debate", "debatt", "칼럼", "오피니언", "オピニオン", "コラム", "评论"),
    "analysis": ("analysis", "analyse", "analysen", "análisis", "analisi", "news-analysis", "explainer", "해설"),
}


def _kind_of_word(word: str) -> str | None:
    w = word.strip().casefold()
    for kind, words in _KIND_WORDS.items():
        if w in words:
            return kind
    return None


def choose_kind(pm: PageMeta, ld: JsonLdArticle | None, url: str | None,
                title: str | None = None) -> tuple[str, str | None]:
    """(kind, evidence): JSON-LD @type, article:section, breadcrumbs, a label opening the
    headline ("Column: ...", "[사설] ..."), then URL path segments."""
    if ld:
        for t in ld.types:
            tl = t.lower()
            if tl == "opinionnewsarticle":
                return "opinion", "json-ld @type"
            if tl == "analysisnewsarticle":
                return "analysis", "json-ld @type"
    sections = [pm.get("article:section", "section", "parsely-section"), ld.section if ld else None]
    for sec in sections:
        if sec:
            for part in re.split(r"[,/>|]", sec):
                k = _kind_of_word(part)
                if k:
                    return k, "article:section"
    if ld:
        for crumb in ld.breadcrumbs:
            k = _kind_of_word(crumb)
            if k:
                return k, "breadcrumbs"
    k = kind_of_title(title) if title else None
    if k:
        return k, "title label"
    if url:
        try:
            path = urlsplit(url).path
        except ValueError:
            path = ""
        for seg in path.split("/")[:-1]:
            k = _kind_of_word(seg)
            if k:
                return k, "url"
    return "news", None
