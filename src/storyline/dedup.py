"""Near-duplicate detection: syndicated wire copies and updated versions of one article.

datasketch's MinHash LSH does the heavy lifting (no all-pairs comparison: an
article is compared only with the articles that share an LSH band with it).
This module only decides what a document's shingles are (word 5-grams of the
body, lower-cased, so a copy with a new headline, byline or boilerplate line
still matches) and which article of a group is the original (the earliest
published, then the smallest id), and keeps the index incremental so a build
can add articles batch by batch.

Copies are kept as sources; ``duplicates_`` maps a copy's id to its original's
id and story clustering counts the group once.

The index is cut into time buckets of ``window_days`` (one MinHashLSH per
bucket, ``dedup_bucket``): an article is compared with the originals of its own
bucket and the two beside it, so a copy published within ``window_days`` of its
original is always found, and texts published months apart are never compared.
Why: a copy counts only inside its original's story, and a story spans no more
than the story window (the default windows are equal), so a match months later
would only tie a reprint to a story it cannot belong to; and without buckets
every reprinted boilerplate page (paywalls, cookie notices) ties all the
months of a crawl into one block on the Spark engine. Undated articles are
filed under the batch's newest day, as the story clusterer files them.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

from storyline.cluster.features import day_of, tokens
from storyline.records import Article

SHINGLE = 5  # word 5-grams: long enough that unrelated articles rarely share them
SEED = 1  # fixed, so signatures are the same in every process and every run
MAX_TOKENS = 400  # copies share their beginning (syndicated, or updated at the end); reading further only costs time
MIN_SHINGLES = 10
# Characters read per wanted token: English news averages ~6 characters a word with its
# space; 12 leaves room for numbers, URLs and stop words so the fallback is rare.
_CHARS_PER_TOKEN = 12  # shorter texts give unreliable Jaccard estimates; never marked as copies


def dedup_bucket(day: int | None, window_days: int) -> int | None:
    """The time bucket an article published on ``day`` is indexed under (None: the undated bucket).

    An article is compared with the buckets ``b - 1``, ``b`` and ``b + 1``, so
    with a bucket as wide as the window two articles at most ``window_days``
    apart are always compared. The Spark engine's blocking keys use the same
    bucket: each article carries its bands under ``b`` and ``b + 1``, so two
    articles share a key exactly when they are at most one bucket apart.
    """
    return None if day is None else day // max(1, window_days)


def _crc32(data: bytes) -> int:
    # zlib's CRC-32 is a C function, ~20x faster than datasketch's default SHA-1
    # per shingle, and as deterministic; 32 bits is what MinHash uses either way.
    return zlib.crc32(data)


def shingles(text: str, k: int = SHINGLE) -> set[bytes]:
    """The set of word ``k``-grams of the first ``MAX_TOKENS`` words of ``text`` (encoded for hashing)."""
    # Tokenise a prefix, not the whole text (long articles made this the hot spot of
    # dedup): when the prefix yields more than MAX_TOKENS tokens, the first MAX_TOKENS
    # are whole words and equal to the whole text's, so signatures do not change.
    toks = tokens(text[: MAX_TOKENS * _CHARS_PER_TOKEN])
    if len(toks) <= MAX_TOKENS and len(text) > MAX_TOKENS * _CHARS_PER_TOKEN:
        toks = tokens(text)
    toks = toks[:MAX_TOKENS]
    if len(toks) < k:
        return {" ".join(toks).encode()} if toks else set()
    return {" ".join(toks[i : i + k]).encode() for i in range(len(toks) - k + 1)}


def signature(
    text: str, num_perm: int = 128, seed: int = SEED, prototype: MinHash | None = None
) -> LeanMinHash | None:
    """The MinHash of ``text``'s shingles, or None when the text is too short to judge.

    ``prototype`` (an empty ``MinHash(num_perm, seed, hashfunc=_crc32)``) is copied
    instead of building a MinHash from scratch: that saves datasketch from drawing
    the same permutations again for every article, which cost as much as hashing
    the shingles. ``Deduplicator`` passes its own.
    """
    sh = shingles(text)
    if len(sh) < MIN_SHINGLES:
        return None
    m = prototype.copy() if prototype is not None else MinHash(num_perm=num_perm, seed=seed, hashfunc=_crc32)
    m.update_batch(list(sh))
    return LeanMinHash(m)


class Deduplicator:
    """Finds near-duplicate articles with MinHash LSH (datasketch), incrementally.

    Parameters
    ----------
    threshold : estimated Jaccard similarity of 5-gram shingles above which two
        articles are copies (0.8 by default: syndicated copies with a changed
        headline, dateline or last paragraph stay above it; two reports of one
        event by different writers are far below).
    num_perm : MinHash permutations (128: Jaccard error about 0.09 at worst, cheap).
    seed : the MinHash seed; fixed so results are deterministic across runs.
    window_days : width of the index's time buckets (30, the story window: see
        the module docstring); copies at most this far apart are always found.

    Attributes
    ----------
    duplicates_ : dict copy id -> original id (originals are never copies).
    signatures_ : dict article id -> LeanMinHash (for storing and warm starts).

    Example
    -------
    >>> d = Deduplicator(threshold=0.8).fit(articles)  # doctest: +SKIP
    >>> d.duplicates_  # doctest: +SKIP
    {'copy-id': 'original-id'}
    """

    def __init__(self, threshold: float = 0.8, num_perm: int = 128, seed: int = SEED, window_days: int = 30) -> None:
        self.threshold = threshold
        self.num_perm = num_perm
        self.seed = seed
        self.window_days = window_days

    def fit(self, articles: Iterable[Article]) -> Deduplicator:
        """Find the copies among ``articles`` from scratch."""
        self._reset()
        return self.partial_fit(articles)

    def partial_fit(
        self,
        articles: Iterable[Article],
        signatures: Mapping[str, np.ndarray | LeanMinHash | None] | None = None,
        known: Mapping[str, np.ndarray | LeanMinHash | None] | None = None,
        known_duplicates: Mapping[str, str] | None = None,
        known_days: Mapping[str, int | None] | None = None,
        undated_day: int | None = None,
    ) -> Deduplicator:
        """Add a batch; articles already seen are ignored.

        ``signatures`` gives the batch's precomputed hash values (None: too short),
        so stored articles need not be re-shingled. ``known`` gives stored signatures (hash values) of earlier articles, in
        the order they were added, to warm-start the index without re-reading
        their text; ``known_duplicates`` the copies found before; ``known_days``
        their publication days (``features.day_of``; missing: undated).
        ``undated_day`` is the day undated articles are filed under (default:
        the newest day of the batch and of ``known_days``; the Spark engine
        passes the corpus's).
        """
        if not hasattr(self, "lsh_"):
            self._reset()
        known_days = known_days or {}
        articles = list(articles)
        if undated_day is None:
            days = [d for d in known_days.values() if d is not None]
            days += [d for d in (day_of(a.published) for a in articles) if d is not None]
            undated_day = max(days, default=None)
        for aid, sig in (known or {}).items():
            if aid in self.signatures_ or aid in self._short:
                continue
            if sig is None:
                self._short.add(aid)
                continue
            lean = self._lean(sig)
            assert lean is not None
            day = known_days.get(aid)
            self._insert(aid, lean, (known_duplicates or {}).get(aid), day if day is not None else undated_day)
        batch = sorted(
            (a for a in articles if a.id not in self.signatures_ and a.id not in self._short),
            # Earliest first, so the original of a group is the first version published.
            key=lambda a: (a.published is None, (a.published or "")[:19], a.id),
        )
        for a in batch:
            if a.id in self.signatures_ or a.id in self._short:
                continue
            sig = self._lean(signatures[a.id]) if signatures and a.id in signatures else signature(
                a.text, self.num_perm, self.seed, self._proto
            )
            if sig is None:
                self._short.add(a.id)
                continue
            original = None
            day = day_of(a.published)
            day = day if day is not None else undated_day
            hits = [h for h in self._query(sig, day) if h != a.id]
            if hits:
                # The best-matching earlier article; its own original if it is a copy.
                best = max(hits, key=lambda h: (sig.jaccard(self.signatures_[h]), h))
                if sig.jaccard(self.signatures_[best]) >= self.threshold:
                    original = self.duplicates_.get(best, best)
            self._insert(a.id, sig, original, day)
        return self

    def _lean(self, sig: np.ndarray | LeanMinHash | None) -> LeanMinHash | None:
        if sig is None or isinstance(sig, LeanMinHash):
            return sig
        # Stored hash values come from ``signature`` with this seed and datasketch's default scheme.
        return LeanMinHash(seed=self.seed, hashvalues=sig, scheme=self._scheme)

    def _query(self, sig: LeanMinHash, day: int | None) -> list[str]:
        b = dedup_bucket(day, self.window_days)
        near = [b] if b is None else [b - 1, b, b + 1]
        return [h for k in near if k in self.lsh_ for h in self.lsh_[k].query(sig)]

    def _insert(self, aid: str, sig: LeanMinHash, original: str | None, day: int | None) -> None:
        self.signatures_[aid] = sig
        if original is not None and original != aid:
            self.duplicates_[aid] = original
        else:
            # Only originals go into the index: a copy would match the same articles anyway.
            b = dedup_bucket(day, self.window_days)
            if b not in self.lsh_:
                self.lsh_[b] = MinHashLSH(threshold=self.threshold, num_perm=self.num_perm)
            self.lsh_[b].insert(aid, sig, check_duplication=False)

    def _reset(self) -> None:
        self.lsh_: dict[int | None, MinHashLSH] = {}  # time bucket -> its index
        self.signatures_: dict[str, LeanMinHash] = {}
        self.duplicates_: dict[str, str] = {}
        self._short: set[str] = set()
        # An empty MinHash whose permutations are drawn once per index and copied for every signature.
        self._proto = MinHash(num_perm=self.num_perm, seed=self.seed, hashfunc=_crc32)
        self._scheme = self._proto.scheme

    def groups(self) -> dict[str, list[str]]:
        """Original id -> its copies' ids."""
        out: dict[str, list[str]] = {}
        for copy, orig in self.duplicates_.items():
            out.setdefault(orig, []).append(copy)
        return out
