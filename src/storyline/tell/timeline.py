"""Timelines: every dated event of a story in order, each entry citing its articles.

Two entry points:

* :func:`story_timeline` reads a reconciled story: one entry per dated event,
  marked ``background`` (long before the story) or ``scheduled`` (only
  announced), its text the clearest evidence sentence.
* :func:`timeline_from_articles` is timeline summarisation over a large set of
  articles (the Timeline17 task): rank dates by how often sentences refer to
  them, then pick for each date the sentences most central to what the corpus
  says about that date, with MMR against redundancy. This is the
  unsupervised core of DATEWISE (Gholipour Ghalandari & Ifrim, 2020) without its
  supervised date ranker: dates referred to from *other* days weigh more than
  same-day references, which is what made mention counts work in that paper.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from storyline.reconcile.dates import article_dates, parse_published, split_sentences
from storyline.records import Article, Story, TimelineEntry

# Weight of a sentence that refers to a date from another day, relative to a
# sentence merely published that day (DATEWISE's finding: references from later
# articles are the best signal of importance). 1.0 vs 0.2 set on bpoil_bbc only.
REFERENCE_WEIGHT = 1.0
PUBLISHED_WEIGHT = 0.2
MMR_LAMBDA = 0.7  # relevance vs novelty, the usual setting for news summarisation
MIN_WORDS, MAX_WORDS = 6, 60  # a timeline sentence says one thing and reads in one breath


@dataclass(frozen=True, slots=True)
class DatedSentence:
    article: str
    text: str
    day: date
    referenced: bool  # the date is stated in the sentence (not just its publication day)


def story_timeline(story: Story, articles: Mapping[str, Article]) -> tuple[TimelineEntry, ...]:
    """One entry per dated event of ``story`` (reconciled or not), in date order."""
    entries: list[TimelineEntry] = []
    for ev in story.events:
        if not ev.date:
            continue
        text = ev.title
        date_fact = next((f for f in ev.facts if f.slot == "date"), None)
        if date_fact and date_fact.values:
            ev_sents = [s for v in date_fact.values for s in v.evidence]
            if ev_sents:
                # the most attested value's shortest evidence sentence reads best
                text = min(date_fact.values[0].evidence or tuple(ev_sents), key=len)
        arts = ev.articles or (date_fact.values[0].articles if date_fact and date_fact.values else ())
        entries.append(TimelineEntry(ev.date, ev.id, _tidy(text), tuple(arts), ev.status))
    if not entries:
        # no events: fall back to the dated sentences themselves, a few per date
        originals = [articles[a] for a in story.articles if a in articles and a not in story.duplicates]
        entries = list(timeline_from_articles(originals, max_dates=20, per_date=1))
    entries.sort(key=lambda e: (e.date, e.event or ""))
    return tuple(entries)


def _tidy(text: str) -> str:
    text = " ".join(text.split())
    return text if text.endswith((".", "!", "?", "\"", "”")) else text + "."


# A wire dateline opening a story: "WASHINGTON | Mon May 24, 2010 6:31 pm EDT
# WASHINGTON (Reuters) - ", "CAIRO, Egypt (CNN) -- ". It is furniture, not content.
_DATELINE = re.compile(
    r"^(?:[A-Z][A-Z .,'-]*\|[^|()]*?\s+)?[A-Z][A-Za-z .,'-]*\s*[\(]\s*(?:Reuters|AP|AFP|CNN|Xinhua|Yonhap|"
    r"Bloomberg|UPI|dpa)\s*[\)]\s*(?:-+|–|—)\s*"
)


def strip_dateline(text: str) -> str:
    """The sentence without a leading wire dateline."""
    return _DATELINE.sub("", text, count=1)


def dated_sentences(articles: Sequence[Article]) -> list[DatedSentence]:
    """Every sentence with the day it is about: a day-precision date it states, or
    its article's publication day when it states none."""
    out: list[DatedSentence] = []
    for a in articles:
        pub = parse_published(a.published)
        pub_day = pub.date() if pub else None
        refs = [r for r in article_dates(a) if r.day is not None]
        for s in split_sentences(a.text):
            text = strip_dateline(s.text)
            n = len(text.split())
            if n < MIN_WORDS or n > MAX_WORDS:
                continue
            days = [r.day for r in refs if s.start <= r.start < s.end and r.day]
            if days:
                out.extend(DatedSentence(a.id, text, d, d != pub_day) for d in dict.fromkeys(days) if d)
            elif pub_day:
                out.append(DatedSentence(a.id, text, pub_day, False))
    return out


def rank_dates(sents: Sequence[DatedSentence]) -> list[tuple[date, float]]:
    """Dates by weighted reference count (see module docstring), best first."""
    score: dict[date, float] = defaultdict(float)
    for s in sents:
        score[s.day] += REFERENCE_WEIGHT if s.referenced else PUBLISHED_WEIGHT
    return sorted(score.items(), key=lambda kv: (-kv[1], kv[0]))


def timeline_from_articles(articles: Sequence[Article], max_dates: int, per_date: int,
                           start: date | None = None, end: date | None = None) -> tuple[TimelineEntry, ...]:
    """A timeline of ``max_dates`` dates with ``per_date`` sentences each, every entry
    citing the article its sentence comes from.

    1. Date every sentence (:func:`dated_sentences`) and rank dates (:func:`rank_dates`),
       keeping those inside ``[start, end]`` when given.
    2. Per chosen date, score candidate sentences by cosine to the TF-IDF centroid of
       all sentences about that date, and pick ``per_date`` of them with MMR.
    """
    sents = dated_sentences(articles)
    if start or end:
        sents = [s for s in sents if (not start or s.day >= start) and (not end or s.day <= end)]
    if not sents:
        return ()
    chosen = [d for d, _ in rank_dates(sents)[:max_dates]]
    by_day: dict[date, list[DatedSentence]] = defaultdict(list)
    for s in sents:
        by_day[s.day].append(s)
    vec = TfidfVectorizer(stop_words="english", sublinear_tf=True, min_df=1)
    vec.fit([s.text for s in sents])
    entries: list[TimelineEntry] = []
    for d in chosen:
        cands = by_day[d]
        # every sentence about the day competes, those that name it and those merely
        # published that day: restricting to the naming ones cost 0.03 AR-1 on five
        # T17 topics (bench/bench_timeline.py), as same-day reports describe the day best
        uniq = list({s.text: s for s in cands}.values())
        picked = mmr([s.text for s in uniq], per_date, vec)
        for i in picked:
            s = uniq[i]
            arts = sorted({x.article for x in cands if x.text == s.text})
            entries.append(TimelineEntry(d.isoformat(), None, s.text, tuple(arts)))
    entries.sort(key=lambda e: e.date)
    return tuple(entries)


def mmr(texts: Sequence[str], k: int, vectorizer: TfidfVectorizer, lam: float = MMR_LAMBDA) -> list[int]:
    """Indices of ``k`` texts by maximal marginal relevance to the texts' centroid."""
    if not texts:
        return []
    x = vectorizer.transform(list(texts))
    centroid = np.asarray(x.mean(axis=0))
    rel = (x @ centroid.T).ravel()
    sim = (x @ x.T).toarray()
    picked: list[int] = []
    while len(picked) < min(k, len(texts)):
        best: int = -1
        best_score: float = -1e9
        for i in range(len(texts)):
            if i in picked:
                continue
            red = max((sim[i, j] for j in picked), default=0.0)
            score = lam * rel[i] - (1 - lam) * red
            if score > best_score:
                best, best_score = i, score
        picked.append(best)
    return picked
