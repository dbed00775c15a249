"""One statement, many renderings: align quotes across outlets.

Outlets trim a quote, splice it, paraphrase it or translate it differently.
Two quotes are taken as one statement when

* their speakers do not contradict each other (same entity id, or names sharing
  a word; an unknown speaker never contradicts), and
* their wording matches: rapidfuzz's ``token_set_ratio`` (insensitive to
  trimming: a quote inside a longer one scores 100) or ``partial_ratio`` at
  least :data:`FUZZY_MIN`, or a content-word overlap coefficient (stems of the
  shorter quote found in the longer) of at least :data:`OVERLAP_MIN` for
  paraphrases and translations.

Single-link grouping over the pairs gives one :class:`StoryQuote` per statement,
with every variant and the articles carrying it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from storyline.reconcile.facts import content_words, person_key
from storyline.records import Article, Quote, StoryQuote, content_id

# Calibrated by hand on pairs from the seeds and Timeline17 articles: trimmed
# and respliced renderings of one quote score 85-100; different quotes by the
# same speaker on one topic stay below 70.
FUZZY_MIN = 85.0
OVERLAP_MIN = 0.7
OVERLAP_WORDS = 6  # a paraphrase must share at least this many content stems
MIN_WORDS = 4  # shorter fragments ("a good meeting") match too much to be evidence

_QUOTED = re.compile(r"[“\"]([^”\"]{15,600})[”\"]")
_SAID_AFTER = re.compile(
    r"^[,\s]*(?:he|she|they|it)?\s*(?:said|says|added|noted|stated|told)\s+(?:the\s+)?"
    r"(?P<name>(?:[A-Z][\w'’-]+\s?){1,4})"
    r"|^[,\s]*(?P<name2>(?:[A-Z][\w'’-]+\s?){1,4})\s+(?:said|says|added|noted|stated)\b"
)
_NAME_BEFORE = re.compile(r"(?P<name>(?:[A-Z][\w'’-]+\s?){1,4})\s+(?:said|says|added|emphasized|stressed|stated|noted|told)\b[^.]{0,60}$")


@dataclass(frozen=True, slots=True)
class _Q:
    article: str
    text: str
    speaker: str | None
    speaker_name: str | None
    kind: str
    published: str


def fallback_quotes(article: Article) -> list[Quote]:
    """Direct quotes of an article that was not enriched: text between quotation marks,
    with the speaker named next to a reporting verb when there is one."""
    out: list[Quote] = []
    text = article.text
    for m in _QUOTED.finditer(text):
        words = m.group(1).split()
        if len(words) < MIN_WORDS:
            continue
        after = _SAID_AFTER.match(text[m.end():m.end() + 80])
        before = _NAME_BEFORE.search(text[max(0, m.start() - 120):m.start()])
        name = None
        if after:
            name = (after["name"] or after["name2"] or "").strip() or None
        elif before:
            name = before["name"].strip()
        out.append(Quote(name, None, None, m.group(1).strip(), "direct", m.start(1), m.end(1)))
    return out


def _same_speaker(a: _Q, b: _Q) -> bool:
    if a.speaker and b.speaker:
        return a.speaker == b.speaker
    if a.speaker_name and b.speaker_name:
        return bool(person_key(a.speaker_name) & person_key(b.speaker_name))
    return True


def same_statement(a: str, b: str) -> bool:
    """True when quote texts ``a`` and ``b`` render one statement (see module docstring)."""
    x, y = a.lower(), b.lower()
    if min(len(x.split()), len(y.split())) < MIN_WORDS:
        return x.strip(" .,") == y.strip(" .,")
    if fuzz.token_set_ratio(x, y, score_cutoff=FUZZY_MIN) >= FUZZY_MIN:  # the cutoff lets it stop early
        return True
    short, long_ = (x, y) if len(x) <= len(y) else (y, x)
    if len(short) >= 30 and fuzz.partial_ratio(short, long_, score_cutoff=FUZZY_MIN) >= FUZZY_MIN:
        return True
    cx, cy = content_words(x), content_words(y)
    if min(len(cx), len(cy)) < MIN_WORDS:
        return False
    shared = len(cx & cy)
    return shared >= OVERLAP_WORDS and shared / min(len(cx), len(cy)) >= OVERLAP_MIN


def align_quotes(articles: Sequence[Article], duplicates: Mapping[str, str] | None = None) -> tuple[StoryQuote, ...]:
    """Group the articles' quotes into statements, each with its variants and outlets.

    ``duplicates`` (copy id -> original id) keeps copies out: a reprint is not a
    second outlet carrying the quote. The representative text is the longest
    variant (the least trimmed); ``article`` is the earliest article carrying it.
    """
    dup = dict(duplicates or {})
    qs: list[_Q] = []
    for a in articles:
        if a.id in dup:
            continue
        quotes = a.quotes if a.quotes is not None else fallback_quotes(a)
        for quote in quotes:
            if quote.kind == "direct" and len(quote.text.split()) >= MIN_WORDS:
                qs.append(_Q(a.id, quote.text.strip(), quote.speaker, quote.who, quote.kind,
                             a.published or "9999"))
    parent = list(range(len(qs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # candidate pairs share at least two content stems (an inverted index keeps this
    # near-linear: scoring every pair of a 300-article story took seconds)
    words = [content_words(q.text.lower()) for q in qs]
    index: dict[str, list[int]] = {}
    for i, ws in enumerate(words):
        for w in ws:
            index.setdefault(w, []).append(i)
    for i in range(len(qs)):
        shared: dict[int, int] = {}
        for w in words[i]:
            for j in index[w]:
                if j > i:
                    shared[j] = shared.get(j, 0) + 1
        for j, n in shared.items():
            if n >= 2 and find(i) != find(j) and _same_speaker(qs[i], qs[j]) and same_statement(qs[i].text, qs[j].text):
                parent[find(j)] = find(i)
    groups: dict[int, list[_Q]] = {}
    for i, q in enumerate(qs):
        groups.setdefault(find(i), []).append(q)
    out: list[StoryQuote] = []
    for members in groups.values():
        rep = max(members, key=lambda q: len(q.text))
        first = min(members, key=lambda q: q.published)
        variants: dict[str, list[str]] = {}
        for q in members:
            variants.setdefault(q.text, [])
            if q.article not in variants[q.text]:
                variants[q.text].append(q.article)
        speaker = next((q.speaker for q in members if q.speaker), None)
        name = max((q.speaker_name for q in members if q.speaker_name), key=len, default=None)
        arts = list(dict.fromkeys(q.article for q in sorted(members, key=lambda q: q.published)))
        out.append(StoryQuote(
            id=content_id("quote", *sorted(arts), rep.text[:200]),
            speaker=speaker,
            speaker_name=name,
            text=rep.text,
            article=first.article,
            also_in=tuple(a for a in arts if a != first.article),
            variants=tuple({"text": t, "articles": al} for t, al in variants.items()) if len(variants) > 1 else (),
        ))
    out.sort(key=lambda q: (-(1 + len(q.also_in)), q.id))
    return tuple(out)
