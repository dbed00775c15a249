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
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

from storyline.cluster.features import tokens
from storyline.records import Article

SHINGLE = 5  # word 5-grams: long enough that unrelated articles rarely share them
SEED = 1  # fixed, so signatures are the same in every process and every run
MAX_TOKENS = 400  # copies share their beginning (syndicated, or updated at the end); reading further only costs time
MIN_SHINGLES = 10
# Characters read per wanted token: English news averages ~6 characters a word with its
# space; 12 leaves room for numbers, URLs and stop words so the fallback is rare.
_CHARS_PER_TOKEN = 12  # shorter texts give unreliable Jaccard estimates; never marked as copies


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

    def __init__(self, threshold: float = 0.8, num_perm: int = 128, seed: int = SEED) -> None:
        self.threshold = threshold
        self.num_perm = num_perm
        self.seed = seed

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
    ) -> Deduplicator:
        """Add a batch; articles already seen are ignored.

        ``signatures`` gives the batch's precomputed hash values (None: too short),
        so stored articles need not be re-shingled. ``known`` gives stored signatures (hash values) of earlier articles, in
        the order they were added, to warm-start the index without re-reading
        their text; ``known_duplicates`` the copies found before.
        """
        if not hasattr(self, "lsh_"):
            self._reset()
        for aid, sig in (known or {}).items():
            if aid in self.signatures_ or aid in self._short:
                continue
            if sig is None:
                self._short.add(aid)
                continue
            lean = self._lean(sig)
            assert lean is not None
            self._insert(aid, lean, original=(known_duplicates or {}).get(aid))
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
            hits = [h for h in self.lsh_.query(sig) if h != a.id]
            if hits:
                # The best-matching earlier article; its own original if it is a copy.
                best = max(hits, key=lambda h: (sig.jaccard(self.signatures_[h]), h))
                if sig.jaccard(self.signatures_[best]) >= self.threshold:
                    original = self.duplicates_.get(best, best)
            self._insert(a.id, sig, original)
        return self

    def _lean(self, sig: np.ndarray | LeanMinHash | None) -> LeanMinHash | None:
        if sig is None or isinstance(sig, LeanMinHash):
            return sig
        # Stored hash values come from ``signature`` with this seed and datasketch's default scheme.
        return LeanMinHash(seed=self.seed, hashvalues=sig, scheme=self._scheme)

    def _insert(self, aid: str, sig: LeanMinHash, original: str | None) -> None:
        self.signatures_[aid] = sig
        if original is not None and original != aid:
            self.duplicates_[aid] = original
        else:
            # Only originals go into the index: a copy would match the same articles anyway.
            self.lsh_.insert(aid, sig, check_duplication=False)

    def _reset(self) -> None:
        self.lsh_ = MinHashLSH(threshold=self.threshold, num_perm=self.num_perm)
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
