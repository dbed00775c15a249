"""Events inside a story: articles grouped by the occurrence they report (when, where, who).

Why hand-written: event detection libraries work on sentences or need trained
models; what a story needs is a coarse grouping of its articles, which follows
from three things each article already carries once enriched: the date it is
mostly about, the places it names in its lead and the people and
organisations it names. The rules:

1. An article's *event date* is the day-precise date it mentions most
   prominently (earlier in the text and more often counts more; dates after
   publication are plans, dates months before are background, both count
   less). Enrichment's TIMEX values are used when present; otherwise explicit
   dates ("June 17", "17 June 2025") and weekdays ("on Monday", resolved
   against the publication date) are read with regular expressions. Failing
   all that, the publication day. Without a ``published`` field, the page's
   own date stamp (a line near the top made only of a date, a time and a label:
   "22 July 2013 Last updated at 17:50 GMT") or else its URL's date stands in
   for it; the stamp is never itself a candidate: it says when the page was
   published, and the report of a Sunday fire stamped Monday reads "on Sunday"
   (on ECB+ dev, whose pages carry such stamps but no metadata, event-level
   B3 P/R/F1 0.966/0.538/0.691 -> 0.984/0.571/0.722 plain, 0.960/0.576/0.720
   -> 0.969/0.610/0.749 enriched).
2. Articles with the same event date and compatible places report one event.
   Places disagree only when both ledes name where it happened (a venue), the
   two share no place, and neither's lead names the other's venue: one lede
   names the town and another the country, a name is missed, a place further
   down is another occasion's (on ECB+ dev, where each story reports one
   event, event-level B3 P/R/F1 0.984/0.571/0.722 -> 0.975/0.645/0.776 plain,
   0.969/0.610/0.749 -> 0.964/0.644/0.772 enriched, against disagreeing
   whenever the leads' places did not overlap). Up to two days apart they are one
   event only if their places do not disagree and their texts are similar
   (multi-day meetings, reports that date an evening event to the next day). Further apart they
   are different events: two summits a month apart are two events.
3. Articles without any date, or whose only dates are far down the text
   (background, not news), join the event they share a venue with, else the
   one whose text is most similar, or form their own. Places that most of the
   story's articles name ("Korea" and "Japan" in a Korea-Japan story) are its
   setting and count for nothing.

An event's title is the headline of its most typical article (highest mean
similarity to the others); its places are the names most of its articles mention in their ledes
(the first sentence or two; further down, places are as often another occasion's), its
participants the people and organisations half its articles name as actors
(see :func:`occurrence`).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from storyline.cluster.features import (
    NOT_NAMES,
    PLACE_LABELS,
    WHO_LABELS,
    capitalised_phrases,
    tokens,
)
from storyline.extract.textmeta import date_from_url, parse_meta_line
from storyline.records import Article, Event, content_id

_MONTHS = {
    m: i
    for i, ms in enumerate(
        (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
         ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
         ("oct", "october"), ("nov", "november"), ("dec", "december")),
        start=1,
    )
    for m in ms
}
_MON = "|".join(sorted(_MONTHS, key=len, reverse=True))
# The lookaheads let the regex engine skip most positions at once (a case-insensitive
# alternation tried at every character was the slowest step of event grouping).
_MD = re.compile(rf"(?=[JFMASONDjfmasond])\b({_MON})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+((?:19|20)\d\d)\b)?", re.I)
_DM = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MON})\.?(?:,?\s+((?:19|20)\d\d)\b)?", re.I)
_ISO = re.compile(r"\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WD = re.compile(r"(?=[oltsfuOLTSFU])\b(?:on|last|this|since|from|until)\s+(" + "|".join(_WEEKDAYS) + r")\b", re.I)
_REL = re.compile(r"(?=[ytlYTL])\b(yesterday|today|tonight|this morning|this afternoon|this evening|last night)\b", re.I)
# Places named after a preposition in the lead ("in Seoul", "at the Hotel New Otani in Tokyo").
_PLACE = re.compile(r"\b(?:in|at|from)\s+((?:[A-Z][\w'’.-]+)(?:\s+[A-Z][\w'’.-]+)*)")
# A dateline "Tokyo, Japan –" / "SEOUL (Reuters) -" opening the body.
_DATELINE = re.compile(r"^\s*([A-Z][A-Za-z .'-]{1,40}?)(?:,\s*[A-Z][A-Za-z .'-]{1,30})?\s*(?:\([^)]{1,30}\))?\s*[–—-]\s")

LEAD_CHARS = 1500  # the part of a body that says what happened; places are read from it
DATE_CHARS = 2500  # dates further down are background; reading them only costs time
STAMP_CHARS, STAMP_LINES = 600, 8  # where a page's date stamp stands: above or just below the headline
FIRM_CHARS = 600  # a date this near the top (headline and first sentences) dates the article's news
# The lede: the first sentence or two, where news says where it happened. An event's places are
# the ones its articles name here; further down the lead, places are as often those of other
# occasions (a summit "to take place in Canada" in a report of a phone call from Seoul).
LEDE_CHARS = FIRM_CHARS
# What stands before a place named as where something happened: "in", "at" ("in the
# Netherlands"), the same after a place and a comma ("in Kananaskis, Canada"), or nothing (a
# dateline). A list ("among Chile, Peru and Bolivia") is not a venue.
_LOCATIVE = re.compile(r"(?:\b(?:[Ii]n|[Aa]t|[Nn]ear|[Oo]utside|[Ii]nside)\s+(?:the\s+)?"
                       r"(?:[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3},\s+)?|^\s*)$")


@dataclass
class Occurrence:
    """What one article is about: its event date, places and participants."""

    article: str
    day: str | None  # YYYY-MM-DD
    places: tuple[str, ...] = ()
    who: tuple[str, ...] = ()
    scheduled: bool = False
    date_from: str = "none"  # times | text | published | none
    firm: bool = False  # the date is named in the headline or the lead, not only further down
    venue: tuple[str, ...] = ()  # the places named in the lede (see LEDE_CHARS)


def _iso_day(value: str | None) -> date | None:
    if not value or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


_NO_STAMP: tuple[str, int] = ("", 0)


def _published_day(a: Article, stamp: tuple[str, int] | None = _NO_STAMP) -> date | None:
    """The article's publication day: its ``published`` field, else the page's date stamp
    (see :func:`_stamp`; pass it when already read), else the date its URL carries
    (``/2013/09/18/slug``)."""
    if (own := _iso_day(a.published)) is not None:
        return own
    if stamp is _NO_STAMP:
        stamp = _stamp(a.text)
    return _iso_day(stamp[0] if stamp else None) or _iso_day(date_from_url(a.url))


def _stamp(text: str) -> tuple[str, int] | None:
    """(date, end offset) of the page's date stamp: a paragraph near the top made only of a
    date, a time and a label ("September 17, 2013 03:16 PM ET", "22 July 2013 Last updated
    at 17:50 GMT"). It says when the page was published, not when its news happened: the
    report of a Sunday fire stamped Monday reads "on Sunday"."""
    pos = 0
    for para in text[:STAMP_CHARS].split("\n")[:STAMP_LINES]:
        line = para.strip()
        if line and (meta := parse_meta_line(line)) and (meta.published or meta.updated) and not meta.authors:
            return (meta.published or meta.updated or ""), pos + len(para)
        pos += len(para) + 1
    return None


def _mk(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _text_dates(text: str, pub: date | None) -> list[tuple[int, date]]:
    """(offset, date) of the day-precise dates written in ``text``."""
    out: list[tuple[int, date]] = []

    def year_for(m: int, d: int, y: str | None) -> int | None:
        if y:
            return int(y)
        if pub is None:
            return None
        # A month-day without a year is the nearest such day to publication.
        cand = _mk(pub.year, m, d)
        if cand is not None and (cand - pub).days > 183:
            return pub.year - 1
        if cand is not None and (pub - cand).days > 183:
            return pub.year + 1
        return pub.year

    for rx, mi, di in ((_MD, 1, 2), (_DM, 2, 1)):
        for mt in rx.finditer(text):
            mon = _MONTHS[mt.group(mi).lower().rstrip(".")]
            day = int(mt.group(di))
            y = year_for(mon, day, mt.group(3))
            if y is not None and (dt := _mk(y, mon, day)):
                out.append((mt.start(), dt))
    for mt in _ISO.finditer(text):
        if dt := _mk(int(mt.group(1)), int(mt.group(2)), int(mt.group(3))):
            out.append((mt.start(), dt))
    if pub is not None:
        for mt in _WD.finditer(text):
            wd = _WEEKDAYS.index(mt.group(1).lower())
            # News uses a bare weekday for the most recent such day (publication day included).
            out.append((mt.start(), pub - timedelta(days=(pub.weekday() - wd) % 7)))
        for mt in _REL.finditer(text):
            word = mt.group(1).lower()
            out.append((mt.start(), pub - timedelta(days=1) if word == "yesterday" else pub))
    return out


def event_date(a: Article, anchor: date | None = None) -> tuple[str | None, bool, str, bool]:
    """The day ``a`` is mostly about.

    Returns (YYYY-MM-DD or None, scheduled?, where it came from, firm?): firm
    when the date is written in the lead (an article that dates only its
    background may be about something else). ``anchor`` stands in for a
    missing publication date (the story's typical date) to resolve "June 9".
    """
    stamp = _stamp(a.text)  # read once: it dates the page, and it is no mention of its news
    own = _published_day(a, stamp)
    pub = own or anchor
    stamp_end = stamp[1] if stamp else 0
    cands: list[tuple[int, date]] = []
    src = "text"
    if a.times is not None:
        src = "times"
        for t in a.times:
            if t.value and re.fullmatch(r"\d{4}-\d\d-\d\d", t.value) and (dt := _mk(*map(int, t.value.split("-")))):
                cands.append((t.start, dt))
        cands = [(off, dt) for off, dt in cands if off >= stamp_end]
    if not cands:
        src = "text"
        cands = [(off, dt) for off, dt in _text_dates(a.text[:DATE_CHARS], pub) if off >= stamp_end]
    if not cands:
        if own is not None:
            return own.isoformat(), False, "published", False
        return None, False, "none", False
    score: dict[date, float] = {}
    n = max(1, len(a.text))
    for off, dt in cands:
        # Earlier mentions weigh more: the lead says what happened (from 1 at the top to 0.25 at the end).
        w = 1.0 - 0.75 * min(1.0, off / n)
        if pub is not None:
            delta = (dt - pub).days
            if delta > 0:
                w *= 0.4  # a plan or a deadline, not what the article reports
            elif delta < -60:
                w *= 0.3  # background
        score[dt] = score.get(dt, 0.0) + w
    best = max(score, key=lambda d: (score[d], -abs((d - pub).days) if pub else 0, d))
    first = min(off for off, dt in cands if dt == best)
    return best.isoformat(), bool(pub is not None and best > pub), src, first < FIRM_CHARS


# Sentences: a full stop, question or exclamation mark (or a line break) ends one. Good
# enough to tell which sentence a name stands in; titles like "Mr." only split a
# sentence early, which at worst drops that name's date context.
_SENT = re.compile(r"[^.!?\n]+(?:[.!?]+[\"”’')]*|$)")
_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)s?\b")
# An organisation named after an occurrence ("G7 Summit", "Winter Olympics") is the
# event itself, not one of its actors.
_OCCASION_NAME = re.compile(r"\b(summit|conference|forum|games|olympics|expo|festival|heritage|convention|cup)$", re.I)


def _off_topic_sentences(text: str, day: str | None, pub: date | None) -> list[tuple[int, int]]:
    """Spans of the sentences that are about another time than ``day``: they carry a
    day-precise date more than a day away from it, or a year other than its year
    ("cited Park Chung Hee, who normalised ties in 1965"). Names there are context,
    not participants."""
    if day is None:
        return []
    ev = date.fromisoformat(day)
    return [m.span() for m in _SENT.finditer(text) if _other_time(m.group(0), ev, pub)]


def _other_time(text: str, ev: date, pub: date | None) -> bool:
    """Whether ``text`` dates itself away from ``ev`` (see :func:`_off_topic_sentences`)."""
    days = [d for _, d in _text_dates(text, pub)]
    years = {int(y) for y in _YEAR.findall(text)}
    return bool((days and all(abs((d - ev).days) > 1 for d in days)) or (years and ev.year not in years))


def occurrence(a: Article, anchor: date | None = None) -> Occurrence:
    """The event date, places and participants of one article.

    Participants are the people and organisations that take part in what the
    article reports: named in its lead (where news says who did what) outside
    sentences about another time, or quoted in it. A name the article also uses as
    a place ("Jeju", "Sado") and an organisation named after an occasion ("G7
    Summit") never are.
    """
    day, scheduled, src, firm = event_date(a, anchor)
    lead = a.text[:LEAD_CHARS]
    places: list[str] = []
    venue: list[str] = []
    who: list[str] = []
    display: dict[str, Counter[str]] = {}
    pub = _published_day(a) or anchor
    off_topic = _off_topic_sentences(lead, day, pub)

    def in_context(pos: int) -> bool:
        return any(s <= pos < e for s, e in off_topic)

    if a.mentions is not None:
        place_names = {m.text.casefold() for m in a.mentions if m.label in PLACE_LABELS}
        place_ids = {m.entity for m in a.mentions if m.label in PLACE_LABELS and m.entity}
        for m in a.mentions:
            name = m.entity or m.text
            if m.label in PLACE_LABELS and m.start < LEAD_CHARS:
                places.append(m.text)
                if m.start < LEDE_CHARS and _LOCATIVE.search(a.text, max(0, m.start - 40), m.start):
                    venue.append(m.text)
            elif m.label in WHO_LABELS and m.label != "NORP":
                if m.start >= LEAD_CHARS or in_context(m.start):
                    continue
                if m.text.casefold() in place_names or (m.entity and m.entity in place_ids):
                    continue
                if m.label == "ORG" and _OCCASION_NAME.search(m.text):
                    continue
                who.append(name)
                display.setdefault(name, Counter())[m.text] += 1
        # Named speakers (resolved to an entity) quoted in the article speak about what it
        # reports, unless the paragraph around the quote is about another time (a 1965
        # address quoted as background); pronouns and phrases ("the two") never count.
        paragraphs = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", a.text)]
        elsewhen: dict[tuple[int, int], bool] = {}  # per paragraph: many quotes share one
        for q in a.quotes or ():
            if not (q.speaker and q.who) or (q.who or "").casefold() in place_names:
                continue
            para = next(((s, e) for s, e in paragraphs if s <= q.start < e), None)
            if para and day and para not in elsewhen:
                elsewhen[para] = _other_time(a.text[para[0]:para[1]], date.fromisoformat(day), pub)
            if para and day and elsewhen[para]:
                continue
            who.append(q.speaker)
            display.setdefault(q.speaker, Counter())[q.who or ""] += 1
    else:
        if dl := _DATELINE.match(lead):
            places.append(dl.group(1).strip())
        places.extend(mt.group(1) for mt in _PLACE.finditer(lead))
        places = [p for p in places if p.split()[0].rstrip(".") not in NOT_NAMES]
        lede = lead[:LEDE_CHARS]
        venue = [p for p in places if p in lede]
        # Without enrichment, people and organisations are the capitalised phrases of two
        # words or more that are not places ("Shigeru Ishiba", "Korean Embassy").
        seen_places = set(places)
        kept = "".join(" " * (e - s) if in_context(s) else lead[s:e] for s, e in _spans_of(lead, off_topic))
        who.extend(n for n in capitalised_phrases(kept) if " " in n and n not in seen_places
                   and not _OCCASION_NAME.search(n))
    def norm_places(ps: list[str]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.strip(" .,").title() if p.isupper() else p.strip(" .,") for p in ps if p.strip()))

    places_n = norm_places(places)
    # Participants by entity id when enrichment gave one, shown by their longest frequent name.
    who_n = tuple(
        max(display[k], key=lambda t: (display[k][t], len(t))) if k in display else k
        for k, _ in Counter(who).most_common(8)
    )
    return Occurrence(a.id, day, places_n, who_n, scheduled, src, firm, norm_places(venue))


def _spans_of(text: str, cuts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``text`` cut into consecutive spans at the boundaries of ``cuts`` (which are kept as spans)."""
    out: list[tuple[int, int]] = []
    pos = 0
    for s, e in sorted(cuts):
        if s > pos:
            out.append((pos, s))
        out.append((s, e))
        pos = e
    if pos < len(text):
        out.append((pos, len(text)))
    return out


@dataclass
class _Group:
    day: str | None
    members: list[int] = field(default_factory=list)
    places: Counter[str] = field(default_factory=Counter)
    venues: Counter[str] = field(default_factory=Counter)  # places named in the members' ledes
    pos: int = -1  # its index in the story's list of groups


# Exact recomputation margin for :meth:`EventGrouper._choose`: bincount and np.mean differ by
# a few ulps (~1e-16 on similarities <= 2); anything closer than this to a threshold or the
# best score is recomputed the old way.
_EPS = 1e-9


def _ordinal(day: str) -> int:
    return date.fromisoformat(day).toordinal()


class _GroupTable:
    """Per-group arrays of a story's event groups, kept alongside the ``_Group`` list.

    What ``EventGrouper._choose`` needs to score every group in one numpy step:
    each placed article's group, each group's size, day and whether it has
    places, and which groups name each place.
    """

    def __init__(self, n: int) -> None:
        self.group_of = np.full(n, -1, dtype=np.int64)
        self.placed: list[int] = []
        self.sizes: list[int] = []
        self.days: list[int] = []  # ordinal, -1 when undated
        self.has_places: list[bool] = []
        self.has_venues: list[bool] = []
        self.by_place: dict[str, set[int]] = {}

    def new_group(self, day: str | None) -> None:
        """Register a new (empty) group dated ``day``."""
        self.sizes.append(0)
        self.days.append(_ordinal(day) if day else -1)
        self.has_places.append(False)
        self.has_venues.append(False)

    def add(self, gi: int, i: int, places: Sequence[str], venues: Sequence[str] = ()) -> None:
        """Article ``i`` (with ``places``, ``venues`` of them in its lede) joins group ``gi``."""
        self.group_of[i] = gi
        self.placed.append(i)
        self.sizes[gi] += 1
        if places:
            self.has_places[gi] = True
        if venues:
            self.has_venues[gi] = True
        for p in places:
            self.by_place.setdefault(p, set()).add(gi)

    def mean_sims(self, row: np.ndarray) -> np.ndarray:
        """Each group's mean of ``row`` over its members (approximately np.mean's)."""
        idx = np.asarray(self.placed, dtype=np.int64)
        sums = np.bincount(self.group_of[idx], weights=row[idx], minlength=len(self.sizes))
        return sums / np.asarray(self.sizes, dtype=np.float64)

    def day_array(self) -> np.ndarray:
        """Each group's day as an ordinal (-1: undated)."""
        return np.asarray(self.days, dtype=np.int64)

    def has_venues_array(self) -> np.ndarray:
        """Whether each group has any venue."""
        return np.asarray(self.has_venues, dtype=bool)

    def has_places_array(self) -> np.ndarray:
        """Whether each group has any place."""
        return np.asarray(self.has_places, dtype=bool)


class EventGrouper:
    """Groups one story's articles into events.

    Parameters
    ----------
    near_days : articles this many days apart may still report one event, if
        their places do not disagree and their texts are similar (2: a meeting
        spanning days, an evening event reported the next morning or later).
    min_sim : cosine similarity required for that. 0.15: the TF-IDF here is fitted on the
        story alone, so the words all its articles share weigh little and two reports of one
        occasion score lower than in the corpus-wide space the story threshold (0.3) is set
        in. On ECB+ dev event-level B3 P/R/F1 0.975/0.645/0.776 at 0.3, 0.973/0.650/0.780 at
        0.2, 0.970/0.674/0.795 at 0.15, 0.960/0.672/0.791 at 0.12.
    loose_sim : mean cosine similarity (TF-IDF fitted on the story) at which an
        article without a firm date joins an event: without a date, an article
        of the story is taken to report one of its events unless its words
        differ (0.05: on ECB+ dev, whose articles carry no dates and whose
        stories each report one event, event-level B3-F1 0.49 at 0.3, 0.78 at 0.1
        (enriched 0.58 and 0.77); with ``min_sim`` 0.15, 0.795 at 0.1, 0.844 at 0.05,
        0.846 at 0: a mean similarity to a group of several articles is low even when
        they report the same thing, and an undated article left on its own tells a
        reader nothing about when it happened).

    Attributes
    ----------
    events_ : list of ``Event`` in date order (undated last).
    occurrences_ : dict article id -> ``Occurrence`` (why it went where it went).

    Example
    -------
    >>> EventGrouper().fit(story_articles, story_id="abc").events_  # doctest: +SKIP
    """

    def __init__(self, near_days: int = 2, min_sim: float = 0.15, loose_sim: float = 0.05) -> None:
        self.near_days = near_days
        self.min_sim = min_sim
        self.loose_sim = loose_sim

    def fit(self, articles: Sequence[Article], story_id: str = "", duplicates: dict[str, str] | None = None) -> EventGrouper:
        """Group ``articles`` (one story's) into events."""
        duplicates = duplicates or {}
        arts = sorted(articles, key=lambda a: a.id)
        days = sorted(d for d in (_published_day(a) for a in arts) if d)
        anchor = days[len(days) // 2] if days else None
        occ = [occurrence(a, anchor) for a in arts]
        # Places most of the story's articles name are its setting ("Korea", "Japan"), not
        # an event's venue: they neither tell two events apart nor tie two together.
        place_df = Counter(p for o in occ for p in set(o.places))
        setting = {p for p, c in place_df.items() if len(arts) > 2 and c >= 0.75 * len(arts)}
        for o in occ:
            o.places = tuple(p for p in o.places if p not in setting)
            o.venue = tuple(p for p in o.venue if p not in setting)
        self.occurrences_ = {o.article: o for o in occ}
        sims = self._similarities(arts)
        self._leads = [f"{a.title or ''}\n{a.text[:LEAD_CHARS]}".casefold() for a in arts]
        self._named_cache: dict[tuple[int, str], bool] = {}
        groups: list[_Group] = []
        # Firmly dated articles found the events; loosely dated and undated ones join them after.
        order = sorted(range(len(arts)), key=lambda i: (not occ[i].firm, occ[i].day is None, occ[i].day or "", arts[i].id))
        index = {a.id: i for i, a in enumerate(arts)}
        placed: dict[int, _Group] = {}
        table = _GroupTable(len(arts))
        for i in order:
            o = occ[i]
            orig = duplicates.get(arts[i].id)
            g: _Group | None
            if orig in index and index[orig] in placed:
                g = placed[index[orig]]  # a copy reports what its original reports
            else:
                g = self._choose(groups, table, i, o, sims)
            if g is None:
                g = _Group(day=o.day, pos=len(groups))
                groups.append(g)
                table.new_group(o.day)
            g.members.append(i)
            g.places.update(o.places)
            g.venues.update(o.venue)
            table.add(g.pos, i, o.places, o.venue)
            placed[i] = g
        # An event's id is its story's and its day's (stable as articles come in); a second
        # event on one day (in another place) adds its first article's id: ids stay unique.
        first_of_day = {g.day: g.pos for g in reversed(groups)}
        self.events_ = sorted(
            (self._event(g, arts, occ, sims, story_id, first_of_day[g.day] != g.pos) for g in groups),
            key=lambda e: (e.date is None, e.date or "", e.id),
        )
        return self

    def _choose(self, groups: list[_Group], table: _GroupTable, i: int, o: Occurrence, sims: np.ndarray) -> _Group | None:
        """The group article ``i`` joins (None: it founds one).

        The rule, per group (the first group with the highest score wins):
        without a date on one side, or with only a date from far down the text,
        where and the text decide (a shared venue counts more than any wording);
        otherwise the same day with venues that do not disagree, or a few days
        apart (``near_days``) when the texts also agree (``min_sim``): coverage of
        one event spreads over days, two events in two places on consecutive days
        stay apart.

        Evaluated for all groups at once with numpy (a Python loop over the
        groups made a story's event grouping quadratic in its size); the mean
        similarities come from one ``bincount``, whose summation order differs
        from ``np.mean``'s in the last bits, so every comparison that lands
        within ``_EPS`` of a threshold or of the best score is redone with
        ``np.mean`` exactly as before: the answers are those of the per-group loop.
        """
        n_groups = len(groups)
        if not n_groups:
            return None
        row = sims[i]
        approx = table.mean_sims(row)
        shared = np.zeros(n_groups, dtype=bool)
        for p in set(o.places):
            for gi in table.by_place.get(p, ()):
                shared[gi] = True
        g_day = table.day_array()
        undated_group = g_day < 0
        if o.day is None or not o.firm:
            loose = np.ones(n_groups, dtype=bool)
            gap = np.zeros(n_groups, dtype=np.int64)
        else:
            loose = undated_group
            gap = np.abs(_ordinal(o.day) - g_day)
        # Places disagree only when both sides name where it happened (a venue in the lede:
        # further down, places are as often another occasion's), share no place, and
        # neither side's lead names the other's venue: one lede may name the city and
        # another the region, or a name may have been missed.
        compatible = shared | (not o.places) | ~table.has_places_array() | (not o.venue) | ~table.has_venues_array()
        for k in np.flatnonzero(~compatible & ~loose & (gap <= self.near_days)).tolist():
            if self._names_venue(i, o, groups[k]):
                compatible[k] = True
        near = ~loose & compatible & (gap > 0) & (gap <= self.near_days)
        # Which groups are near a threshold: their similarity is recomputed exactly.
        doubtful = (loose & (np.abs(approx - self.loose_sim) < _EPS)) | (near & (np.abs(approx - self.min_sim) < _EPS))
        sim = approx.copy()
        for k in np.flatnonzero(doubtful).tolist():
            sim[k] = float(np.mean(sims[i, groups[k].members]))
        ok = np.where(loose, (sim >= self.loose_sim) | shared,
                      (~loose & (gap == 0) & compatible) | (near & (sim >= self.min_sim)))
        if not ok.any():
            return None
        score = sim + np.where(loose & shared, 1.0, 0.0)
        top = float(score[ok].max())
        best, best_score = None, -1.0
        for k in np.flatnonzero(ok & (score >= top - _EPS)).tolist():
            exact = float(np.mean(sims[i, groups[k].members]))
            exact += 1.0 if loose[k] and shared[k] else 0.0
            if exact > best_score:
                best, best_score = groups[k], exact
        return best

    def _names_venue(self, i: int, o: Occurrence, g: _Group) -> bool:
        """Whether article ``i``'s lead names one of ``g``'s venues, or a lead of ``g``'s
        members names one of ``i``'s (``o``'s) venues."""
        return (any(self._named(i, v) for v in g.venues)
                or any(self._named(m, v) for m in g.members for v in o.venue))

    def _named(self, i: int, name: str) -> bool:
        key = (i, name)
        if key not in self._named_cache:
            rx = re.compile(r"\b" + re.escape(name.casefold()) + r"\b")
            self._named_cache[key] = bool(rx.search(self._leads[i]))
        return self._named_cache[key]

    @staticmethod
    def _similarities(arts: Sequence[Article]) -> np.ndarray:
        """Cosine similarities of the articles' headlines and leads (TF-IDF over the story alone).

        A story is small, so a vocabulary fitted on it is cheap, and its IDF is the
        story's own: the words every article of the story shares weigh little.
        """
        if len(arts) < 2:
            return np.eye(len(arts))
        # Built by hand rather than with TfidfVectorizer: its per-call set-up (stop-word
        # checks) costs more than the arithmetic for the many small stories.
        vocab: dict[str, int] = {}
        rows, cols, vals = [], [], []
        for r, a in enumerate(arts):
            counts = Counter(
                t for t in tokens(f"{a.title or ''}\n{a.text[:LEAD_CHARS * 2]}")
                if t not in ENGLISH_STOP_WORDS and len(t) > 1 and not t.isdigit()
            )
            for t, c in counts.items():
                rows.append(r)
                cols.append(vocab.setdefault(t, len(vocab)))
                vals.append(1.0 + math.log(c))
        if not vocab:
            return np.eye(len(arts))
        x = sp.csr_matrix((vals, (rows, cols)), shape=(len(arts), len(vocab)))
        df = np.bincount(x.indices, minlength=len(vocab))
        x = x.multiply(np.log((1 + len(arts)) / (1 + df)) + 1.0).tocsr()
        norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        # float32: the n x n product is the largest thing a big story holds (a 5,000-article
        # story's is 200 MB in float64); cosines need no more than seven digits
        x = sp.csr_matrix(sp.diags(1.0 / norms) @ x, dtype=np.float32)
        return np.asarray((x @ x.T).todense())

    @staticmethod
    def _event(g: _Group, arts: Sequence[Article], occ: Sequence[Occurrence], sims: np.ndarray, story_id: str,
               same_day_again: bool = False) -> Event:
        members = g.members
        # All members' mean similarities in one step (row means of the members' block: the
        # same numbers as one np.mean per member, without a Python loop over members).
        means = sims[np.ix_(members, members)].mean(axis=1)
        central = members[max(range(len(members)), key=lambda k: (float(means[k]), arts[members[k]].title is not None,
                                                                  arts[members[k]].id))]
        a = arts[central]
        title = a.title or _first_sentence(a.text) or a.id
        who: Counter[str] = Counter()
        for i in members:
            who.update(list(dict.fromkeys(occ[i].who)))  # each once, in text order: no PYTHONHASHSEED
        # A name counts as a participant when at least half the event's articles (and one) name it.
        need = max(1, len(members) // 2)
        participants = tuple(k for k, c in who.most_common(10) if c >= need)[:8]
        # Where it happened: what the ledes name (none: reconcile fills in its place facts).
        places = tuple(k for k, c in g.venues.most_common(5) if c >= need)[:3]
        scheduled = all(occ[i].scheduled for i in members)
        ids = tuple(sorted(arts[i].id for i in members))
        eid = content_id("event", story_id, g.day or "", ids[0] if same_day_again or not g.day else "")
        return Event(
            id=eid, title=title, date=g.day, places=places, participants=participants,
            articles=ids, status="scheduled" if scheduled else "reported",
        )


def _first_sentence(text: str, limit: int = 140) -> str:
    s = re.split(r"(?<=[.!?])\s+|\n", text.strip(), maxsplit=1)[0]
    return s if len(s) <= limit else s[:limit].rsplit(" ", 1)[0] + "…"


def group_events(articles: Sequence[Article], story_id: str = "") -> list[Event]:
    """Convenience: ``EventGrouper().fit(articles, story_id).events_``."""
    return EventGrouper().fit(articles, story_id=story_id).events_
