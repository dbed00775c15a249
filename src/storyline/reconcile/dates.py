"""Sentences and calendar dates for reconciliation and timelines.

Reconciliation compares *claims*, and a claim lives in a sentence, so this module
splits article text into sentences (with character offsets) and finds the dates
in them. Enrichment (issue 4) already fills ``Article.times`` with TIMEX3 values;
those are used whenever present. Articles that were not enriched (``times is
None``), image captions (which enrichment does not read) and the Timeline17
bench (16 MB of text, too much for a spaCy pass on a shared 2-core machine) go
through :func:`find_dates`, a small regex tagger for the forms news prose uses
("June 17", "17 June 2025", "Dec. 3", "on Monday", "yesterday", "in 1965").

Why not dateparser's ``search_dates``: it finds dates anywhere (it reads "may"
and "march" as months, and bare numbers as days), is two orders of magnitude
slower, and does not return offsets; HeidelTime/SUTime need Java. The forms
above cover what a news timeline needs, and every pattern is anchored on a
month or weekday name, so false positives stay rare.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from storyline.records import Article, TimeExpr

MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11,
    "november": 11, "dec": 12, "december": 12,
}
WEEKDAYS = {d: i for i, d in enumerate(
    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))}

_MON = (r"(?P<mon>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
        r"Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_MON2 = _MON.replace("?P<mon>", "?P<mon2>")
_YEAR = r"(?P<year>1[5-9]\d\d|20\d\d)"
# "June 17", "June 15 to 17", "June 17, 2025", "Dec. 3"
_MD = re.compile(
    rf"\b{_MON}\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\b(?:\s*(?:-|–|to|through|and)\s*"
    rf"(?P<day2>[0-3]?\d)\b)?(?:\s*,?\s*{_YEAR}\b)?"
)
# "17 June", "15-17 June 2025"
_DM = re.compile(
    rf"\b(?P<day>[0-3]?\d)(?:st|nd|rd|th)?(?:\s*(?:-|–|to)\s*(?P<day2>[0-3]?\d))?\s+(?:of\s+)?{_MON}"
    rf"(?:\s*,?\s*{_YEAR}\b)?"
)
# "April 2010", "in June"
_MY = re.compile(rf"\b(?:in|of|since|by|until|from|early|late|mid-?)\s+{_MON2}(?:\s+(?P<year2>1[5-9]\d\d|20\d\d))?\b"
                 rf"|\b{_MON}\s+{_YEAR}\b")
_ISO = re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b")
_WEEKDAY = re.compile(
    r"\b(?:(?P<rel>last|this|next|on|coming|past)\s+)?(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
    r"(?:'s)?\b",
)
_DEICTIC = re.compile(r"\b(?P<w>yesterday|today|tomorrow|tonight)\b", re.I)
_YEAR_ONLY = re.compile(r"\b(?:in|since|of|from|until|by|before|after|during)\s+(?P<year>1[5-9]\d\d|20\d\d)\b")
_FUTURE = re.compile(r"\b(will|would|shall|expected|scheduled|slated|set to|set for|plans? to|planned|upcoming|to be held|due to|due on)\b", re.I)

# Abbreviations after which a full stop does not end a sentence (titles, months,
# initials, "U.S."). Plain list: spaCy's sentencizer gets these wrong too and
# costs a model load per worker.
_ABBREV = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "adm", "lt", "col", "capt", "sgt", "rep", "sen", "gov",
    "st", "jr", "sr", "inc", "corp", "co", "ltd", "no", "vs", "etc", "e.g", "i.e", "u.s", "u.k", "u.n",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mt", "ft",
    "approx", "dept", "univ", "est", "fig", "al", "ave", "blvd", "rev", "hon", "pres",
}
_BOUNDARY = re.compile(r"[.!?][\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])|\n+")


@dataclass(frozen=True, slots=True)
class Span:
    """One sentence of a text with its character offsets."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class DateRef:
    """A calendar date found in text (or taken from ``Article.times``).

    ``value`` is ISO at the known granularity (``2025-06-17``, ``2025-06``,
    ``1965``); ``end`` the last day of a range ("June 15 to 17"); ``alt`` the same
    moment in another time zone; ``future`` whether the context announces it.
    """

    start: int
    end_offset: int
    text: str
    value: str
    end: str | None = None
    alt: str | None = None
    future: bool = False

    @property
    def day(self) -> date | None:
        """The date when ``value`` is a full day, else None."""
        return to_day(self.value)


def to_day(value: str | None) -> date | None:
    """``2025-06-17`` (or a datetime string) -> date; coarser values -> None."""
    if not value or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def parse_published(value: str | None) -> datetime | None:
    """An article's ``published`` ISO string as a datetime (naive if no offset)."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        d = to_day(value)
        return datetime(d.year, d.month, d.day) if d else None


def split_sentences(text: str) -> list[Span]:
    """Split ``text`` into sentences with offsets; never across paragraph breaks."""
    spans: list[Span] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        cut = m.start() + 1 if m.group(0)[0] in ".!?" else m.start()
        if m.group(0)[0] == ".":
            prev = re.search(r"([\w.]+)\.$", text[start:m.start() + 1])
            word = prev.group(1).lower() if prev else ""
            # An initial ("J. Smith") or a known abbreviation does not end a sentence.
            if word in _ABBREV or (len(word) == 1 and word.isalpha()):
                continue
        # keep closing quotes/brackets with the sentence they close
        while cut < len(text) and text[cut] in "\"”’')]":
            cut += 1
        _add(spans, text, start, cut)
        start = m.end()
    _add(spans, text, start, len(text))
    return spans


def _add(spans: list[Span], text: str, start: int, end: int) -> None:
    seg = text[start:end]
    lead = len(seg) - len(seg.lstrip())
    seg = seg.strip()
    if len(seg) >= 2:
        spans.append(Span(start + lead, start + lead + len(seg), seg))


def _infer_year(month: int, day: int, ref: date | None, future: bool = False) -> int | None:
    """The year that puts month/day nearest the reference (news rarely looks >10 months ahead);
    in a future context ("set for Jan. 3") the next such day on or after the reference."""
    if ref is None:
        return None
    if future:
        # a week of slack: the reference may be a fallback (the story's first day)
        # and "the summit, June 15 to 17" is still announced on June 16
        for y in (ref.year, ref.year + 1):
            try:
                if date(y, month, day) >= ref - timedelta(days=7):
                    return y
            except ValueError:
                continue
    best = None
    for y in (ref.year - 1, ref.year, ref.year + 1):
        try:
            d = date(y, month, day)
        except ValueError:
            continue
        delta = (d - ref).days
        # A month-day without a year is usually recent past or the next few months.
        if -300 <= delta <= 65 and (best is None or abs(delta) < abs((best - ref).days)):
            best = d
    return best.year if best else ref.year


def find_dates(text: str, published: date | None) -> list[DateRef]:
    """Calendar dates in ``text``, resolved against the publication date.

    Month-day without a year takes the year that puts it nearest ``published``;
    weekdays resolve to the nearest such day on or before ``published`` (after
    it when the context is future: "will", "next", "expected"). Without a
    publication date, yearless dates are skipped rather than guessed.
    """
    found: list[DateRef] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    def ctx_future(a: int) -> bool:
        # only the same sentence counts: "will" in the previous one says nothing
        left = re.split(r"[.!?]\s|\n", text[max(0, a - 80):a])[-1]
        return bool(_FUTURE.search(left))

    for m in _ISO.finditer(text):
        try:
            d = date(int(m["y"]), int(m["m"]), int(m["d"]))
        except ValueError:
            continue
        taken.append(m.span())
        found.append(DateRef(m.start(), m.end(), m.group(0), d.isoformat()))
    for rx in (_MD, _DM):
        for m in rx.finditer(text):
            if not free(*m.span()):
                continue
            mon = MONTHS[m["mon"].lower().rstrip(".")]
            day = int(m["day"])
            year = int(m["year"]) if m["year"] else _infer_year(mon, day, published, ctx_future(m.start()))
            if year is None or not 1 <= day <= 31:
                continue
            # "May 5" needs a capital M to be a month (the modal verb is lower case).
            if m["mon"] == "may":
                continue
            try:
                d = date(year, mon, day)
                d2 = date(year, mon, int(m["day2"])) if m["day2"] else None
            except ValueError:
                continue
            if d2 is not None and d2 <= d:
                d2 = None
            taken.append(m.span())
            found.append(DateRef(m.start(), m.end(), m.group(0), d.isoformat(),
                                 d2.isoformat() if d2 else None, future=ctx_future(m.start())))
    for m in _MY.finditer(text):
        if not free(*m.span()):
            continue
        mon_s = m["mon2"] or m["mon"]
        if mon_s in ("May", "may") and not (m["year2"] or m["year"]):
            continue
        mon = MONTHS[mon_s.lower().rstrip(".")]
        year_s = m["year2"] or m["year"]
        year = int(year_s) if year_s else (_infer_year(mon, 1, published) if published else None)
        if year is None:
            continue
        taken.append(m.span())
        found.append(DateRef(m.start(), m.end(), m.group(0), f"{year:04d}-{mon:02d}",
                             future=ctx_future(m.start())))
    if published is not None:
        for m in _WEEKDAY.finditer(text):
            if not free(*m.span()):
                continue
            wd = WEEKDAYS[m["wd"].lower()]
            rel = (m["rel"] or "").lower()
            fut = rel in ("next", "coming") or (rel != "last" and ctx_future(m.start()))
            delta = (published.weekday() - wd) % 7
            if fut:
                d = published + timedelta(days=(wd - published.weekday()) % 7 or 7)
            else:
                d = published - timedelta(days=delta or (7 if rel == "last" else 0))
            taken.append(m.span())
            found.append(DateRef(m.start(), m.end(), m.group(0), d.isoformat(), future=fut))
        for m in _DEICTIC.finditer(text):
            w = m["w"].lower()
            off = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1}[w]
            taken.append(m.span())
            found.append(DateRef(m.start(), m.end(), m.group(0),
                                 (published + timedelta(days=off)).isoformat(), future=off > 0))
    for m in _YEAR_ONLY.finditer(text):
        if not free(*m.span()):
            continue
        taken.append(m.span())
        found.append(DateRef(m.start(), m.end(), m.group(0), m["year"]))
    found.sort(key=lambda r: r.start)
    return found


def from_timex(t: TimeExpr, text: str) -> DateRef | None:
    """A DateRef from an enrichment TimeExpr (DATE values of year/month/day precision)."""
    if t.type not in ("DATE", "TIME") or not t.value:
        return None
    v = t.value
    if not re.match(r"^\d{4}(-\d{2}(-\d{2})?)?", v):
        return None
    v = re.match(r"^\d{4}(-\d{2}(-\d{2})?)?", v).group(0)  # type: ignore[union-attr]
    alt = t.alt_value[:10] if t.alt_value and re.match(r"^\d{4}-\d{2}-\d{2}", t.alt_value) else None
    fut = bool(_FUTURE.search(text[max(0, t.start - 60):t.start]))
    return DateRef(t.start, t.end, t.text, v, alt=alt, future=fut)


def reference_day(article: Article, fallback: date | None = None) -> date | None:
    """The article's publication day, or ``fallback`` (e.g. the story's first day)."""
    p = parse_published(article.published)
    return p.date() if p else fallback


def article_dates(article: Article, fallback: date | None = None) -> list[DateRef]:
    """Dates of the article's body: enrichment's ``times`` when present, else :func:`find_dates`."""
    if article.times is not None and any(t.value for t in article.times):
        refs = [r for t in article.times if (r := from_timex(t, article.text)) is not None]
        return sorted(refs, key=lambda r: r.start)
    return find_dates(article.text, reference_day(article, fallback))
