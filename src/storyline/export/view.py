"""The story as a reader sees it: one view model shared by the web page and the exports.

The web story page, the self-contained HTML report and the Markdown report show
the same things (cited summary, timeline, fact table, quotes by speaker,
coverage, entities), so the work of turning a ``Story`` and its ``Article``
records into numbered citations, paragraph anchors and grouped rows is done
once, here, as plain data. Renderers only lay it out.

Citations point at a *passage*, not just an article: an article's text is split
into paragraphs (blank-line separated, as CONTRACT.md defines ``text``) and each
paragraph gets the anchor ``p<N>`` (1-based). A summary sentence or a quote is
located in each cited article by exact substring first, then by the paragraph
sharing the most words with it (character bigrams for CJK text, which has no
spaces), with one search over each article's joined paragraphs (``Passages``).
No library does this the way a page needs: difflib and rapidfuzz score one
pair of strings at a time, so finding the paragraph meant a Python-level loop
over paragraphs, the very cost ``Passages`` removes. It is computed per render
(a fraction of a millisecond on a typical page); nothing is cached between
renders here (the web app caches whole pages: web/cache.py).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from storyline.records import Article, Event, Story

# A paragraph break is a blank line (possibly holding spaces) — CONTRACT.md's `text` form.
_PARA_BREAK = re.compile(r"\n[ \t\u3000]*\n\s*")
_WORD = re.compile(r"\w+", re.UNICODE)
_WORD3 = re.compile(r"\w{3,}", re.UNICODE)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3]")
_SEP = "\x00"  # joins an article's paragraphs for one-pass search (see Passages)

# Below this share of the sentence's words found in the best paragraph, the link goes to
# the article's top rather than to a paragraph that merely shares function words. 0.3 is
# the value at which the seeds' paraphrased lead sentences still found their paragraph
# while unrelated sentences on the ECB+ dev texts did not (checked by hand, not tuned).
MIN_PASSAGE_OVERLAP = 0.3

# Words too common to say which paragraph a sentence comes from.
_STOP = frozenset(
    ["a", "an", "the", "of", "to", "in", "on", "at", "for", "and", "or", "but", "is", "are", "was", "were", "be", "been", "by", "with", "as", "that", "this", "it", "its", "from", "he", "she", "they", "his", "her", "their", "said", "says", "will", "would", "has", "have", "had", "not"]
)


SAFE_SCHEMES = ("http", "https")


def safe_url(url: str | None) -> str | None:
    """``url`` if it is an absolute http(s) URL, else None (no ``javascript:``, ``data:``...).

    Every link or image address that comes from an article goes through this
    before it is put in an ``href`` or ``src``.
    """
    if not url:
        return None
    u = url.strip()
    try:
        parts = urlsplit(u)
    except ValueError:
        return None
    if parts.scheme.lower() not in SAFE_SCHEMES or not parts.netloc:
        return None
    if any(ch in u for ch in "\x00\n\r\t<>\"'` "):
        return None
    return u


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of the paragraphs of ``text`` (blank-line separated)."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in _PARA_BREAK.finditer(text):
        if text[pos : m.start()].strip():
            spans.append((pos, m.start()))
        pos = m.end()
    if text[pos:].strip():
        spans.append((pos, len(text.rstrip())))
    return spans


def paragraphs(text: str) -> list[str]:
    """The paragraphs of ``text``, in order; paragraph ``i`` has the anchor ``p{i+1}``.

    The same pieces as ``paragraph_spans`` (a test holds them equal), cut by
    ``re.split`` in C: the span loop cost half a millisecond on a 60-article page.
    """
    *pieces, last = _PARA_BREAK.split(text)
    paras = [p for p in pieces if p.strip()]
    if last.strip():
        paras.append(last.rstrip())  # paragraph_spans ends the last one at the text's rstrip
    return paras


def paragraph_at(text: str, offset: int) -> int | None:
    """The 1-based number of the paragraph holding character ``offset``, or None."""
    for i, (s, e) in enumerate(paragraph_spans(text), 1):
        if s <= offset < e:
            return i
    return None


def passage_terms(text: str) -> frozenset[str]:
    """The words that say which paragraph ``text`` comes from (CJK runs as character bigrams)."""
    low = text.lower()
    # Words of three letters or more, minus function words: set operations in C, since
    # a story page scores a few thousand paragraphs.
    terms = set(_WORD3.findall(low)) - _STOP
    if _CJK.search(low):
        # CJK runs are one "word" to \w+ and carry no spaces; compare them by bigrams.
        for w in _WORD.findall(low):
            if _CJK.search(w):
                terms.discard(w)
                terms.update(w[i : i + 2] for i in range(max(1, len(w) - 1)))
    return frozenset(terms)


class Passages:
    """Finds passages in one article: each paragraph's offset in one joined text.

    A view cites the same article many times (summary, timeline, facts, quotes),
    so one object per article and view splits its text once. The paragraphs are
    joined with a NUL between them (a character no passage or term searched for
    holds, so no match can span two paragraphs) and a match's paragraph is found
    by bisecting the paragraphs' start offsets: an exact passage is one
    ``str.find`` over the article, and a paraphrase costs one ``find`` per word
    and per paragraph holding it, where testing every word against every
    paragraph cost (words x paragraphs) Python-level tests, most of a 60-article
    page's view. A paraphrase is scored by how many of its words occur in each
    paragraph (a substring test, as before, in the lower-cased text).
    """

    def __init__(self, article: Article) -> None:
        self.paras = paragraphs(article.text)
        self._text, self._starts = _joined(self.paras)
        self._low: tuple[str, list[int]] | None = None
        self._found: dict[str, int | None] = {}  # the same sentence is often cited twice

    def locate(self, passage: str, terms: dict[str, frozenset[str]] | None = None) -> int | None:
        """The 1-based paragraph ``passage`` comes from, or None if unsure.

        ``terms`` keeps ``passage_terms`` of passages across the articles of one
        view (a sentence cited by several articles is tokenised once); it is filled
        only when a passage is not found verbatim.
        """
        needle = passage.strip()
        if not self.paras or not needle:
            return None
        if needle in self._found:
            return self._found[needle]
        found = self._exact(needle)
        if found is None:
            want = terms.get(needle) if terms is not None else None
            if want is None:
                want = passage_terms(needle)
                if terms is not None:
                    terms[needle] = want
            found = self._closest(want)
        self._found[needle] = found
        return found

    def _exact(self, needle: str) -> int | None:
        if _SEP in needle:  # could match across the joins: test paragraph by paragraph
            return next((i for i, p in enumerate(self.paras, 1) if needle in p), None)
        pos = self._text.find(needle)
        return bisect_right(self._starts, pos) if pos >= 0 else None

    def _closest(self, want: frozenset[str]) -> int | None:
        if not want:
            return None
        if self._low is None:
            low = self._text.lower()
            # Lowering never shortens a character, so an unchanged length means unchanged
            # offsets; a text with an "İ" (lowered to two characters) lowers paragraph by paragraph.
            self._low = (low, self._starts) if len(low) == len(self._text) else _joined([p.lower() for p in self.paras])
        low, starts = self._low
        hits = [0] * len(starts)
        for t in want:
            pos = low.find(t)
            while pos >= 0:
                i = bisect_right(starts, pos)  # 1-based paragraph number
                hits[i - 1] += 1
                if i == len(starts):
                    break
                pos = low.find(t, starts[i])  # count a word once per paragraph
        best_hits = max(hits)
        if not best_hits or best_hits / len(want) < MIN_PASSAGE_OVERLAP:
            return None
        return hits.index(best_hits) + 1  # the first paragraph with the most, as ever


def _joined(paras: Sequence[str]) -> tuple[str, list[int]]:
    """``paras`` joined by ``_SEP``, and the offset where each starts in the result."""
    starts, pos = [], 0
    for p in paras:
        starts.append(pos)
        pos += len(p) + len(_SEP)
    return _SEP.join(paras), starts


def locate_passage(article: Article, passage: str) -> int | None:
    """The 1-based paragraph of ``article`` that ``passage`` comes from, or None if unsure."""
    return Passages(article).locate(passage)


# ------------------------------------------------------------------ view ---


@dataclass(frozen=True, slots=True)
class Cite:
    """One citation: the source's number in the story's source list and where it points."""

    n: int
    article: str
    outlet: str
    title: str
    paragraph: int | None = None

    @property
    def anchor(self) -> str:
        """The fragment inside the article page (``p3``), or ``""`` for its top."""
        return f"p{self.paragraph}" if self.paragraph else ""


@dataclass(frozen=True, slots=True)
class Source:
    """One article of the story's source list, numbered as its citations are."""

    n: int
    id: str
    outlet: str
    title: str
    published: str | None
    url: str | None
    kind: str
    language: str
    copy_of: str | None = None  # the id of the original, for a near-duplicate


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of the cited summary and the sources it cites."""

    text: str
    cites: tuple[Cite, ...]


@dataclass(frozen=True, slots=True)
class TimelineRow:
    """One dated timeline entry (``n`` is its mark's number in the timeline picture)."""

    n: int
    date: str
    text: str
    event: str | None
    status: str
    cites: tuple[Cite, ...]


@dataclass(frozen=True, slots=True)
class ValueRow:
    """One value a fact takes, the sources that give it and the sentences that say it."""

    value: str
    cites: tuple[Cite, ...]
    evidence: tuple[str, ...]

    @property
    def outlets(self) -> tuple[str, ...]:
        """The outlets of the citing sources, each once (compared ignoring case), in citation order."""
        seen: dict[str, str] = {}
        for c in self.cites:
            seen.setdefault(c.outlet.lower(), c.outlet)
        return tuple(seen.values())


@dataclass(frozen=True, slots=True)
class FactRow:
    """One fact slot of one event: the values the sources give and whether they agree."""

    event: str
    event_title: str
    slot: str
    status: str
    values: tuple[ValueRow, ...]
    note: str | None

    @property
    def conflict(self) -> bool:
        return self.status == "conflict"


# A complementiser or colon the quote's span starts with ('that "resolving historical issues
# is essential"'): it introduces the words, it is not part of them.
_QUOTE_LEAD = re.compile(r"^\s*(?:that\b|:)\s*", re.I)
QUOTE_MARKS = "\"\u201c\u201d\u00ab\u00bb\u201e"  # double marks: a single one is mostly an apostrophe


def quote_words(text: str) -> str:
    """A quote's text as readers are shown it: without a leading "that" or colon."""
    stripped = _QUOTE_LEAD.sub("", text, count=1).strip()
    return stripped or text.strip()


def quoted(text: str) -> str:
    """``text`` in quotation marks, unless it carries its own: a partial quotation
    ('Japan as an “important partner”') keeps its marks where the outlet put them, and a
    quotation the span cut before its closing mark gets it back."""
    if not any(c in QUOTE_MARKS for c in text):
        return f"\u201c{text}\u201d"
    if text.count("\u201c") > text.count("\u201d"):
        return text + "\u201d"
    if text.count('"') % 2:
        return text + '"'
    return text


@dataclass(frozen=True, slots=True)
class QuoteRow:
    """One quote as the story carries it, with the sources and outlets that carry it.

    ``text`` is what readers are shown (:func:`quote_words`); the cites locate the original.
    """

    text: str
    cites: tuple[Cite, ...]  # the article it was taken from first, then the others carrying it
    outlets: tuple[str, ...]
    variants: int


@dataclass(frozen=True, slots=True)
class QuoteGroup:
    """The quotes of one speaker (one entity, or one written name without an entity)."""

    speaker: str
    speaker_id: str | None
    quotes: tuple[QuoteRow, ...]


@dataclass(frozen=True, slots=True)
class EventRow:
    """One event of the story (``n`` is its column in the coverage picture)."""

    n: int
    id: str
    title: str
    date: str | None
    end_date: str | None
    status: str
    places: tuple[str, ...]
    participants: tuple[str, ...]
    cites: tuple[Cite, ...]


@dataclass(frozen=True, slots=True)
class Coverage:
    """Outlet x event counts: ``counts[i][j]`` articles of ``outlets[i]`` report ``events[j]``."""

    outlets: tuple[str, ...]
    events: tuple[EventRow, ...]
    counts: tuple[tuple[int, ...], ...]


@dataclass(frozen=True, slots=True)
class EntityRow:
    """One entity of the story and in how many of its articles it occurs."""

    id: str
    name: str
    type: str
    variants: tuple[str, ...]
    articles: int
    title: str | None


@dataclass(frozen=True, slots=True)
class StoryView:
    """Everything a story page or report shows, ready to lay out."""

    id: str
    title: str
    first: str | None
    last: str | None
    sources: tuple[Source, ...]
    outlets: tuple[str, ...]
    summary: tuple[Sentence, ...]
    timeline: tuple[TimelineRow, ...]
    events: tuple[EventRow, ...]
    facts: tuple[FactRow, ...]
    quotes: tuple[QuoteGroup, ...]
    coverage: Coverage
    entities: tuple[tuple[str, tuple[EntityRow, ...]], ...]  # (type, rows), biggest type first
    missing: tuple[str, ...] = field(default=())  # article ids the story names but the store lacks

    @property
    def conflicts(self) -> int:
        return sum(1 for f in self.facts if f.conflict)


UNKNOWN_OUTLET = "unknown outlet"
UNATTRIBUTED = "Unattributed"
_BARE_PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i", "you", "who", "which", "that", "one"})
UNTITLED = "Untitled article"  # the page had no headline; storyline never invents one


def outlet_of(article: Article | None) -> str:
    """The outlet name to show for an article (never empty)."""
    if article is None:
        return UNKNOWN_OUTLET
    return (article.outlet or "").strip() or UNKNOWN_OUTLET


class _Citer:
    """Numbers the story's sources in order of first citation and locates passages."""

    def __init__(self, story: Story, articles: Mapping[str, Article]) -> None:
        self.articles = articles
        self.passages: dict[str, Passages] = {}
        self.terms: dict[str, frozenset[str]] = {}  # a sentence citing k articles is tokenised once
        self.numbers: dict[str, int] = {}
        for aid in story.articles:  # the source list keeps the story's article order
            self.numbers.setdefault(aid, len(self.numbers) + 1)

    def cite(self, article_id: str, passage: str | None = None) -> Cite:
        n = self.numbers.setdefault(article_id, len(self.numbers) + 1)
        art = self.articles.get(article_id)
        para = None
        if art is not None and passage:
            if article_id not in self.passages:
                self.passages[article_id] = Passages(art)
            para = self.passages[article_id].locate(passage, self.terms)
        title = (art.title or "").strip() if art else ""
        return Cite(n, article_id, outlet_of(art), title or UNTITLED, para)

    def cites(self, ids: Iterable[str], passage: str | None = None) -> tuple[Cite, ...]:
        seen: dict[str, Cite] = {}
        for aid in ids:
            if aid not in seen:
                seen[aid] = self.cite(aid, passage)
        return tuple(sorted(seen.values(), key=lambda c: c.n))


def _event_rows(story: Story, citer: _Citer) -> tuple[EventRow, ...]:
    events = sorted(story.events, key=lambda e: (e.date or "9999", e.title))
    return tuple(
        EventRow(i, e.id, e.title, e.date, e.end_date, e.status, e.places, e.participants,
                 citer.cites(e.articles))
        for i, e in enumerate(events, 1)
    )


def _fact_rows(events: Sequence[Event], citer: _Citer) -> tuple[FactRow, ...]:
    rows: list[FactRow] = []
    for e in sorted(events, key=lambda e: (e.date or "9999", e.title)):
        for f in e.facts:
            values = tuple(
                ValueRow(v.value, citer.cites(v.articles, v.evidence[0] if v.evidence else None),
                         v.evidence)
                for v in f.values
            )
            rows.append(FactRow(e.id, e.title, f.slot, f.status, values, f.note))
    return tuple(rows)


def _quote_groups(story: Story, citer: _Citer) -> tuple[QuoteGroup, ...]:
    names = {e.id: e.name for e in story.entities}
    groups: dict[str, list[QuoteRow]] = defaultdict(list)  # insertion order = first quote order
    labels: dict[str, tuple[str, str | None]] = {}
    for q in story.quotes:
        speaker = (names.get(q.speaker or "") or q.speaker_name or "").strip()
        if not speaker or speaker.casefold() in _BARE_PRONOUNS:
            speaker = UNATTRIBUTED  # "they said" that no name resolved: nobody a reader can tell
        # One speaker entity is one group whatever name each outlet gave; without an
        # entity id, the written name is the best key there is.
        key = q.speaker or speaker.lower()
        labels.setdefault(key, (speaker, q.speaker))
        cites = citer.cites([q.article, *q.also_in], q.text)
        outlets = tuple(dict.fromkeys(c.outlet for c in cites))
        groups[key].append(QuoteRow(quote_words(q.text), cites, outlets, len(q.variants)))
    out = [QuoteGroup(labels[k][0], labels[k][1], tuple(rows)) for k, rows in groups.items()]
    # Most-quoted speakers first; the unattributed pile goes last whatever its size.
    out.sort(key=lambda g: (g.speaker == UNATTRIBUTED, -len(g.quotes), g.speaker.lower()))
    return tuple(out)


def coverage_matrix(events: Sequence[EventRow], sources: Sequence[Source],
                    outlets_order: Sequence[str]) -> Coverage:
    """Count, for each outlet and event, how many of the outlet's articles report it.

    A near-copy counts for the events its original reports (the outlet published
    it, even if the event grouping saw only the original), as in
    ``storyline.reconcile.coverage``.
    """
    counts: Counter[tuple[str, str]] = Counter()
    copies: dict[str, list[Source]] = defaultdict(list)
    for s in sources:
        if s.copy_of:
            copies[s.copy_of].append(s)
    for e in events:
        seen = {c.article for c in e.cites}
        for c in e.cites:
            counts[(c.outlet, e.id)] += 1
            for copy in copies.get(c.article, ()):
                if copy.id not in seen:
                    seen.add(copy.id)
                    counts[(copy.outlet, e.id)] += 1
    outlets = [o for o in outlets_order if any(counts[(o, e.id)] for e in events)] or list(outlets_order)
    return Coverage(
        tuple(outlets), tuple(events),
        tuple(tuple(counts[(o, e.id)] for e in events) for o in outlets),
    )


def _entities(story: Story) -> tuple[tuple[str, tuple[EntityRow, ...]], ...]:
    by_type: dict[str, list[EntityRow]] = defaultdict(list)
    for e in story.entities:
        by_type[e.type or "OTHER"].append(
            EntityRow(e.id, e.name, e.type, tuple(v for v in e.variants if v != e.name),
                      len(set(e.articles)), e.title)
        )
    for rows in by_type.values():
        rows.sort(key=lambda r: (-r.articles, r.name.lower()))
    return tuple(sorted(((t, tuple(r)) for t, r in by_type.items()), key=lambda tr: (-len(tr[1]), tr[0])))


def build_story_view(story: Story, articles: Mapping[str, Article]) -> StoryView:
    """Turn a story and its articles (by id) into the view every renderer shows.

    Articles the story names but ``articles`` lacks still get a source number; they
    are listed in ``missing`` so a renderer can say so rather than link nowhere.
    """
    citer = _Citer(story, articles)
    summary = tuple(Sentence(s.text, citer.cites(s.articles, s.text)) for s in story.summary)
    timeline = tuple(
        TimelineRow(i, t.date, t.text, t.event, t.status, citer.cites(t.articles, t.text))
        for i, t in enumerate(sorted(story.timeline, key=lambda t: t.date), 1)
    )
    events = _event_rows(story, citer)
    facts = _fact_rows(story.events, citer)
    quotes = _quote_groups(story, citer)
    sources: list[Source] = []
    for aid, n in sorted(citer.numbers.items(), key=lambda kv: kv[1]):
        a = articles.get(aid)
        sources.append(Source(
            n, aid, outlet_of(a), ((a.title or "").strip() if a else "") or UNTITLED,
            a.published if a else None, a.url if a else None,
            a.kind if a else "other", a.language if a else "und", story.duplicates.get(aid),
        ))
    # Outlets by how many of the story's articles they carry, then by name.
    per_outlet = Counter(s.outlet for s in sources if s.id in story.articles)
    outlets = tuple(sorted(per_outlet, key=lambda o: (-per_outlet[o], o.lower())))
    return StoryView(
        id=story.id, title=story.title, first=story.first, last=story.last,
        sources=tuple(sources), outlets=outlets, summary=summary, timeline=timeline,
        events=events, facts=facts, quotes=quotes,
        coverage=coverage_matrix(events, sources, outlets),
        entities=_entities(story),
        missing=tuple(aid for aid in story.articles if aid not in articles),
    )
