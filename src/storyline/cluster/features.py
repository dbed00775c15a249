"""Features that story and event clustering compare: words, names, dates.

Why hashing: clustering is online and incremental, so the vocabulary is never
known in advance. scikit-learn's ``HashingVectorizer`` maps words to a fixed
space without a fitted vocabulary; the IDF is kept separately as document
frequency counts (``DocFreq``) that grow with the corpus and can be rebuilt
from the stored articles. This is the "HashingVectorizer + stored IDF" recipe
scikit-learn recommends for out-of-core text work. A background prior from
wordfreq's word frequencies (``background.py``) is added to those counts, so a
small corpus still knows which words are common.

Names weigh more than words: two stories of the same kind (two celebrities
entering rehab, two earthquakes) share their vocabulary and differ in who and
where. The name features are capitalised phrases of the headline and lead (no
library extracts those without a model, hence the small regex here); they
scored better on ECB+ dev than enrichment's entity mentions, which
``Featurizer(use_enrichment=True)`` reads instead (see its docstring).
Figures and codes ("5.6 magnitude", "MS08-078") can be added as name-like keys
(``number_keys``); on ECB+ dev they did not help, so they are off by default.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, HashingVectorizer

from storyline.cluster.background import background as background_prior
from storyline.records import Article

N_WORD_FEATURES = 2**20
N_NAME_FEATURES = 2**18

# Labels of mentions that name a participant or place (spaCy/OntoNotes names).
NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART"})
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
WHO_LABELS = frozenset({"PERSON", "ORG", "NORP"})

# A capitalised word (letters, inner apostrophes/hyphens/dots: "O'Brien", "U.S.", "Jae-myung").
_CAP = r"[A-Z][A-Za-z'’.\-]*[A-Za-z]|[A-Z]\.?"
_CAP_PHRASE = re.compile(rf"(?:{_CAP})(?:\s+(?:(?:of|de|van|von|al|bin|la|del|du)\s+)?(?:{_CAP}))*")
_TITLES = frozenset({
    "president", "prime", "minister", "secretary", "general", "chancellor", "king", "queen", "prince",
    "senator", "sen", "rep", "governor", "gov", "mayor", "judge", "justice", "chief", "director", "ceo",
    "chairman", "chair", "spokesman", "spokeswoman", "spokesperson", "ambassador", "foreign", "deputy",
    "vice", "former", "new", "north", "south", "east", "west", "national", "international", "state",
    "department", "ministry", "office", "university", "company", "inc", "corp", "ltd", "co", "the",
})
_SENT_START = re.compile(r"(?:^|[.!?:;\"“”]\s+|\n)\s*$")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_MONTHS = {m: i for i, ms in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
    ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
    ("oct", "october"), ("nov", "november"), ("dec", "december")), start=1) for m in ms}
_MONTH_BEFORE = re.compile(
    r"\b(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?(?:\s+\d{1,2}(?:st|nd|rd|th)?)?,?\s+$", re.I
)
_ISO_DAY = re.compile(r"\b((?:19|20)\d\d)-(\d\d)-\d\d\b")
_WORD = re.compile(r"(?u)\b\w[\w'’-]*\w\b|\b\w\b")
# Capitalised words that start sentences or headlines without naming anything.
NOT_NAMES = frozenset(
    w.capitalize() for w in ENGLISH_STOP_WORDS
) | {
    "Mr", "Mrs", "Ms", "Dr", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
    "Sunday", "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December", "Published", "Updated", "Photo", "Image",
    "Read", "More", "Related", "Advertisement", "Click", "Share", "Copyright", "Reporter", "News",
}


def capitalised_phrases(text: str) -> list[str]:
    """Capitalised phrases of ``text`` as written, leading common words dropped ("The", "June")."""
    out: list[str] = []
    for m in _CAP_PHRASE.finditer(text):
        words = m.group(0).split()
        while words and words[0].rstrip(".") in NOT_NAMES:
            words = words[1:]
        if words and len(" ".join(words)) > 1:
            out.append(" ".join(words))
    return out


def capitalised_names(text: str) -> list[str]:
    """Capitalised phrases of ``text`` as lower-case name keys, plus their last words.

    A stand-in for named entities when enrichment did not run: "Lindsay Lohan
    checked into Betty Ford" gives ``lindsay lohan``, ``lohan``, ``betty ford``,
    ``ford``. A single capitalised word that starts a sentence is kept only if
    it is not a common word ("The", "Monday").
    """
    out: list[str] = []
    for m in _CAP_PHRASE.finditer(text):
        words = m.group(0).split()
        # Drop leading function words that happened to be capitalised ("The White House").
        while words and words[0].rstrip(".") in NOT_NAMES:
            words = words[1:]
        if not words:
            continue
        if len(words) == 1 and len(words[0]) < 2:
            continue
        key = " ".join(w.strip(".'’").lower() for w in words)
        if not key:
            continue
        out.append(key)
        if len(words) > 1:
            # Each word of a longer name also names it ("Prime Minister Ishiba" ~ "Shigeru Ishiba"),
            # except the titles that precede names.
            out.extend(w for w in (w.strip(".'’").lower() for w in words) if w and w not in _TITLES)
    return out


def mention_names(article: Article) -> list[str]:
    """Name keys from enrichment: the canonical entity id, else the mention text."""
    out: list[str] = []
    for m in article.mentions or ():
        if m.label not in NAME_LABELS:
            continue
        out.append((m.entity or m.text).lower())
        if m.label == "PERSON" and " " in m.text.strip():
            out.append(m.text.split()[-1].lower())  # a surname alone also names the person
    return out


def names_of(article: Article) -> list[str]:
    """The name features of one article (enrichment's entities when present)."""
    head = f"{article.title or ''}\n{article.text}"
    if article.mentions is not None:
        names = mention_names(article)
        if names:
            return names
    return capitalised_names(head)


def time_keys(article: Article, text: str) -> list[str]:
    """Year and year-month keys of the dates an article mentions.

    Two stories of the same kind years apart ("Microsoft patches Internet
    Explorer") share every word but their dates. Enrichment's TIMEX values are
    used when present; otherwise explicit dates ("June 13, 2013", "2013-06-13")
    and bare years are read with regular expressions.
    """
    out: list[str] = []
    if article.times is not None:
        for t in article.times:
            v = t.value or ""
            if re.match(r"(?:19|20)\d\d", v):
                out.append(f"year:{v[:4]}")
                if re.match(r"\d{4}-\d\d(?:$|-)", v):
                    out.append(f"month:{v[:7]}")
        return out
    years = _YEAR.findall(text)
    if not years:
        return out
    # Month names are looked for only just before a year ("June 13, 2013"): one cheap
    # regex over the text instead of a slow case-insensitive alternation everywhere.
    for m in _YEAR.finditer(text):
        before = _MONTH_BEFORE.search(text[max(0, m.start() - 16) : m.start()])
        if before:
            out.append(f"month:{m.group(0)}-{_MONTHS[before.group(1).lower()]:02d}")
    for m in _ISO_DAY.finditer(text):
        out.append(f"month:{m.group(1)}-{m.group(2)}")
    out.extend(f"year:{y}" for y in years)
    return out


# Tokens that mix letters and digits name specific things: "MS08-078", "IE8", "AK-47",
# "61-year-old", "117th". Clock times ("9pm", "30am") are left out: every story has them.
_ALNUM = re.compile(r"\b(?=[\w-]*\d)(?=[\w-]*[A-Za-z])[A-Za-z\d][\w-]*\b")
_CLOCK = re.compile(r"\d(?:am|pm)$", re.I)
# A number and the word it counts: "5.6 magnitude", "10 people", "200 million". Years are
# time keys; numbers glued to ":" or "/" are clock times, scores and dates.
_COUNT = re.compile(r"(?<![\w.:/,-])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\w:/]|[.,]\d)\s*(%|[a-z]{2,})?")


def number_keys(text: str) -> list[str]:
    """Keys of the specific numbers an article states: counts, measures, codes.

    Two stories of the same kind (two earthquakes, two shootings, two patches)
    share their words; their figures differ: a 5.6 against a 6.1 magnitude, ten
    dead against three, a 61-year-old suspect, bulletin MS08-078. Each key is
    the number with the word after it ("num:10 people"), or the bare decimal, or
    the mixed token; IDF then weighs them like names. Read only with
    ``Featurizer(numbers=True)``: off by default, see there for why.
    """
    out: list[str] = []
    for m in _ALNUM.finditer(text):
        tok = m.group(0).lower()
        if not _CLOCK.search(tok):
            out.append(f"num:{tok}")
    for m in _COUNT.finditer(text):
        num, word = m.group(1).replace(",", ""), m.group(2)
        if _YEAR.fullmatch(num) or word in ("am", "pm"):
            continue
        if word and word not in ENGLISH_STOP_WORDS:
            out.append(f"num:{num} {word}")
        elif "." in num:
            out.append(f"num:{num}")
    return out


def _identity(doc: list[str]) -> list[str]:
    return doc


def day_of(value: str | None) -> int | None:
    """Days since 0001-01-01 of an ISO date(-time) string, or None."""
    if not value or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10]).toordinal()
    except ValueError:
        return None


@dataclass
class DocFreq:
    """Document frequencies over the hashed word and name spaces (the stored IDF).

    ``add`` counts a batch; ``idf`` returns smoothed IDF weights like
    scikit-learn's ``TfidfTransformer(smooth_idf=True)``.
    """

    n_docs: int = 0
    words: np.ndarray | None = None
    names: np.ndarray | None = None

    def add(self, word_counts: sp.csr_matrix, name_counts: sp.csr_matrix) -> None:
        """Count the documents (rows) of a batch."""
        if self.words is None or self.names is None:
            self.words = np.zeros(word_counts.shape[1], dtype=np.int64)
            self.names = np.zeros(name_counts.shape[1], dtype=np.int64)
        self.words += np.bincount(word_counts.indices, minlength=word_counts.shape[1])
        self.names += np.bincount(name_counts.indices, minlength=name_counts.shape[1])
        self.n_docs += word_counts.shape[0]

    def idf(self, counts: np.ndarray, prior: np.ndarray | None = None, prior_docs: float = 0.0) -> np.ndarray:
        """Smoothed IDF: ln((1 + n) / (1 + df)) + 1; with a background ``prior`` (pseudo
        document counts worth ``prior_docs`` documents, see ``background.py``) added to both."""
        if prior is None:
            return np.log((1.0 + self.n_docs) / (1.0 + counts)) + 1.0
        return np.log((1.0 + self.n_docs + prior_docs) / (1.0 + counts + prior)) + 1.0


class Featurizer:
    """Turns articles into hashed, IDF-weighted, L2-normalised sparse vectors.

    Parameters
    ----------
    name_weight : the share of a vector's squared norm given to names (and
        dates); words and names are normalised apart, so the cosine of two
        articles is about (1 - w) x word cosine + w x name cosine. 0.5: on ECB+
        dev, 0.3-0.7 were within 0.01 B3-F1 of each other.
    lead_chars : only the first ``lead_chars`` characters are read; the lead of
        a news article names its story, the tail wanders (and it bounds cost;
        2000-6000 scored within 0.01 on ECB+ dev).
    years : add year and year-month keys of the dates an article mentions.
    ngrams : word n-grams (1: bigrams raised precision but cost more recall on ECB+ dev).
    lead_repeat : how many extra times the headline and first 400 characters
        are counted (1: +0.01 B3-F1 on ECB+ dev; the headline says what the story is).
    use_enrichment : read names from enrichment's mentions and dates from its
        TIMEX values when an article has them. Off by default: on ECB+ dev
        (tests/cluster_support.py's loader, enriched once, mean B3-F1 over four
        article orders) capitalised phrases and regex dates scored 0.908, entity
        mentions with TIMEX values 0.879, their union 0.897. Entity ids are
        consistent across articles; the loss is coverage: the mentions miss the
        headline's names and the single name words ("Teixeira") that tie
        articles together, and add nothing the capitalised phrases lack.
    background : add wordfreq's background document frequencies to the
        corpus's own (``background.py``), so IDF is meaningful in a small
        corpus. On by default: on ECB+ dev clustered in topic folds it raises
        B3-F1 from 0.900 to 0.911 (thirds) and 0.907 to 0.918 (sixths), and
        0.908 to 0.913 on the whole set (mean of four orders).
    numbers : add ``number_keys`` (counted figures, decimals, codes) to the
        name features. Off by default: on ECB+ dev (StoryClusterer alone, mean
        B3-F1 over the id order and four random orders) all keys scored 0.901,
        mixed tokens and decimals only 0.903, decimals only 0.906, none 0.905.
        The same-kind stories that merge (two DUI arrests, two IE patches) do
        not differ in the figures of their leads, and the keys split stories
        whose outlets round or spell their figures differently.
    """

    def __init__(
        self, name_weight: float = 0.5, lead_chars: int = 3000, years: bool = True,
        ngrams: int = 1, lead_repeat: int = 1, use_enrichment: bool = False,
        numbers: bool = False, background: bool = True,
    ) -> None:
        self.name_weight = name_weight
        self.years = years
        self.ngrams = ngrams
        self.lead_repeat = lead_repeat
        self.lead_chars = lead_chars
        self.use_enrichment = use_enrichment
        self.numbers = numbers
        self.background = background
        self._words = HashingVectorizer(
            n_features=N_WORD_FEATURES, alternate_sign=False, norm=None,
            stop_words="english", token_pattern=r"(?u)\b[^\W\d_][\w'’-]*[^\W_]\b",
            lowercase=True, dtype=np.float32, ngram_range=(1, ngrams),
        )
        self._names = HashingVectorizer(
            n_features=N_NAME_FEATURES, alternate_sign=False, norm=None,
            analyzer=_identity, dtype=np.float32,
        )

    def counts(self, articles: Sequence[Article]) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """Raw term counts (words, names) of a batch."""
        texts = [
            f"{a.title or ''}\n{a.text[: self.lead_chars]}" + f"\n{a.title or ''}\n{a.text[:400]}" * self.lead_repeat
            for a in articles
        ]
        if not self.use_enrichment:
            articles = [a.replace(mentions=None, times=None) for a in articles]
        names = [names_of(a.replace(text=a.text[: self.lead_chars])) for a in articles]
        if self.years:
            for a, t, n in zip(articles, texts, names, strict=True):
                n.extend(time_keys(a, t))
        if self.numbers:
            for t, n in zip(texts, names, strict=True):
                n.extend(number_keys(t))
        return self._words.transform(texts).tocsr(), self._names.transform(names).tocsr()

    def vectors(self, word_counts: sp.csr_matrix, name_counts: sp.csr_matrix, df: DocFreq) -> sp.csr_matrix:
        """Sublinear-tf x IDF vectors of unit length: words and names normalised
        apart, then weighted so names make up ``name_weight`` of the squared norm
        (the cosine of two articles is then about (1 - w) * words + w * names)."""
        assert df.words is not None and df.names is not None
        if self.background:
            bg = background_prior(self._words, self._names)
            w_idf = df.idf(df.words, bg.words, bg.docs)
            n_idf = df.idf(df.names, bg.names, bg.docs)
        else:
            w_idf, n_idf = df.idf(df.words), df.idf(df.names)
        w = _unit_rows(_tfidf(word_counts, w_idf))
        n = _unit_rows(_tfidf(name_counts, n_idf))
        has_names = np.diff(n.indptr) > 0
        # An article without names is all words (weights keep the row of unit length).
        ww = np.where(has_names, math.sqrt(1.0 - self.name_weight), 1.0)
        nw = np.where(has_names, math.sqrt(self.name_weight), 0.0)
        x = sp.hstack([sp.diags(ww) @ w, sp.diags(nw) @ n], format="csr", dtype=np.float32)
        return sp.csr_matrix(x, dtype=np.float32)


def _tfidf(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    x = counts.copy()
    x.data = 1.0 + np.log(x.data)
    return sp.csr_matrix(x.multiply(idf[None, :]))


def _unit_rows(x: sp.csr_matrix) -> sp.csr_matrix:
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ x)


def tokens(text: str) -> list[str]:
    """Lower-case word tokens (for shingling)."""
    return [t.lower() for t in _WORD.findall(text)]


def iter_rows(x: sp.csr_matrix) -> Iterable[tuple[np.ndarray, np.ndarray]]:
    """(indices, values) of each row of a CSR matrix."""
    for i in range(x.shape[0]):
        lo, hi = x.indptr[i], x.indptr[i + 1]
        yield x.indices[lo:hi], x.data[lo:hi]
