"""An extractive, cited summary of a story, with agreement and conflict stated.

Extractive on purpose: a sentence copied from an article makes no claim the
article does not make, so every summary sentence is true to its citation. A
sentence cites the article it was taken from, plus the other articles that
carry the same sentence near-verbatim (rapidfuzz ``token_set_ratio`` >= 90:
reprints and wire copy, which make the very same claim).

1. Candidates: body sentences of the original (non-copy) articles, 8 to 45
   words, without quotation marks (quotes belong to the quotes table); from
   opinion and editorial articles, only sentences that do not argue (no "should",
   "must", first person): a summary reports.
2. Score by cosine to the story's TF-IDF centroid, with a lead bonus (news puts
   the essentials first); select with MMR so no two sentences repeat each other.
3. Order the picks by their article's publication time and position.
4. Add one sentence per conflicting fact ("Outlets differ on the place:
   Kananaskis (1), Calgary (1).") and per revised figure, citing the articles
   behind each value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from rapidfuzz import fuzz
from sklearn.feature_extraction.text import TfidfVectorizer

from storyline.reconcile.dates import split_sentences
from storyline.records import Article, Story, SummarySentence
from storyline.tell.timeline import mmr, strip_dateline

MAX_SENTENCES = 5  # a summary a reader takes in at a glance
LEAD_BONUS = 0.15  # the first two sentences of an article (inverted pyramid)
SAME_CLAIM = 90.0


# Article kinds that argue as well as report. Their sentences that argue ("both governments
# should seize these moments") stay out of a summary, which reports; those that report (an
# editorial's "Lee held his first summit with Ishiba on June 17") may be picked.
VIEWS = frozenset({"opinion", "editorial"})
_ARGUES = re.compile(r"\b(?:should|must|ought to|needs? to|have to|has to|cannot afford|it is time|"
                     r"we|our|us|I|my)\b", re.I)


# A sentence that leans on the one before ("First, it signaled ...", "He added ...", "This
# means ...") says nothing on its own: out of its paragraph, a reader cannot tell who or what.
_LEANS_BACK = re.compile(
    r"^(?:(?:First|Second|Third|Finally|Also|Moreover|Meanwhile|However|But|And|Still|Yet|Instead|"
    r"Besides|Likewise|Similarly|Nevertheless|In addition|In turn|As a result),?\s+)?"
    r"(?:It|This|That|These|Those|They|He|She|His|Her|Their|Its)\b", re.I)


def _candidates(story: Story, articles: Mapping[str, Article]) -> list[tuple[str, str, int, str]]:
    out = []
    for aid in story.articles:
        a = articles.get(aid)
        if a is None or aid in story.duplicates:
            continue
        views = a.kind in VIEWS
        for i, s in enumerate(split_sentences(a.text)):
            text = strip_dateline(s.text, a.dateline if i == 0 else None)  # "Tokyo, Japan – ..."
            n = len(text.split())
            if views and _ARGUES.search(text) or _LEANS_BACK.match(text):
                continue
            if 8 <= n <= 45 and not re.search(r"[“”\"]", text) and text[-1:] in ".!?":
                out.append((aid, text, i, a.published or ""))
    return out


def summarise(story: Story, articles: Mapping[str, Article], max_sentences: int = MAX_SENTENCES) -> tuple[SummarySentence, ...]:
    """The story's summary: extracted sentences, then agreement/conflict statements."""
    cands = _candidates(story, articles)
    out: list[SummarySentence] = []
    if cands:
        texts = [c[1] for c in cands]
        vec = TfidfVectorizer(stop_words="english", sublinear_tf=True)
        try:
            vec.fit(texts)
        except ValueError:  # only stop words: nothing to rank
            vec = None  # type: ignore[assignment]
        if vec is not None:
            # lead bonus folded in by repeating lead sentences' weight through MMR relevance
            picked = _pick(texts, [c[2] for c in cands], vec, max_sentences)
            chosen = sorted((cands[i] for i in picked), key=lambda c: (c[3], c[0], c[2]))
            for aid, text, _pos, _pub in chosen:
                cites = [aid] + [b for b, t, _, _ in cands if b != aid and fuzz.token_set_ratio(t, text) >= SAME_CLAIM]
                out.append(SummarySentence(text, tuple(dict.fromkeys(cites))))
    out.extend(fact_sentences(story))
    return tuple(out)


def _pick(texts: list[str], positions: list[int], vec: TfidfVectorizer, k: int) -> list[int]:
    # MMR over all candidates, then prefer lead sentences among near-ties by a
    # second pass: run MMR on a pool of the top 3k by (relevance + lead bonus).
    x = vec.transform(texts)
    centroid = x.mean(axis=0)
    rel = [float((x[i] @ centroid.T).item()) + (LEAD_BONUS if positions[i] < 2 else 0.0) for i in range(len(texts))]
    pool = sorted(range(len(texts)), key=lambda i: -rel[i])[: 3 * k]
    sub = mmr([texts[i] for i in pool], k, vec)
    return [pool[i] for i in sub]


_SLOT_WORDS = {"place": "the place", "date": "the date", "time": "the time", "duration": "how long it lasted",
               "participants": "who took part", "host": "the host", "agreed": "what was agreed"}


def fact_sentences(story: Story) -> list[SummarySentence]:
    """One sentence per conflicting or revised fact, naming each value and its count."""
    out: list[SummarySentence] = []
    for ev in story.events:
        for f in ev.facts:
            if f.status not in ("conflict", "updated"):
                continue
            slot = f.slot.split(":")[0]
            what = _SLOT_WORDS.get(slot, f.slot.replace(":", " of"))
            about = f" of the {ev.title.split(' (')[0]}" if ev.title else ""
            vals = f.values
            if f.status == "conflict" and slot == "place":
                # the broader places hold the others; the disagreement is between the rest
                clash = _clashing(f.note)
                vals = tuple(v for v in vals if clash is None or v.value in clash) or vals
            cites = tuple(dict.fromkeys(a for v in vals for a in v.articles))
            if f.status == "conflict":
                listed = ", ".join(f"{v.value} ({len(v.articles)})" for v in vals)
                text = f"Outlets differ on {what}{about} ({ev.date}): {listed}."
            else:
                text = f"The figure for {what}{about} was revised over time: " + " -> ".join(v.value for v in vals) + "."
            out.append(SummarySentence(text, cites))
    return out


def _clashing(note: str | None) -> set[str] | None:
    """The values a place conflict's note names as clashing (see compare_places)."""
    m = re.match(r"conflicting: (.*?)\. ", note or "")
    return set(m.group(1).split(" | ")) if m else None
