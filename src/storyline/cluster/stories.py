"""Online story clustering: each article joins the most similar story or starts one.

Why online and why hand-written: storyline's store grows one build at a time and
a story's id must not change when new articles join it, so the clusterer has to
accept articles one batch at a time and keep earlier decisions. scikit-learn's
clusterers are batch-only (``AgglomerativeClustering``) or need ``k``
(``MiniBatchKMeans``); ``Birch`` is incremental but Euclidean and without time or
blocking. What this module adds over them is small: candidate retrieval through
an inverted index of each story's rarest features (blocking: an article is
compared with at most ``max_candidates`` stories that share one of its keys,
never with all of them) and a time window. The vectors themselves come from
scikit-learn (see ``features.py``).

Within one batch, after every article has been placed, ``n_refine`` passes
move each new article to the story it now fits best (k-means-like
reassignment over the same candidates): the first articles of a batch were
compared with stories that had barely begun, and this corrects that. Earlier
batches' articles never move, so story ids stay stable.

The similarity of an article to a story is the cosine between the article's
vector and the story's centroid (the sum of its members' unit vectors), i.e. a
group-average link. Stories whose dates are further apart than ``window_days``
from the article are never candidates; inside the window a gap of more than a
few days costs a little similarity. Articles without a date are compared on
text alone.

Retrieval keys are time-bucketed (``bucket_keys``): a feature ``k`` of an
article published on day ``d`` is filed under ``(k, b)`` and ``(k, b + 1)`` with
``b = d // window_days``, so two articles within the window always share a key
and articles months apart never do. This keeps the index lists short on a
corpus of many months, and it is what lets the Spark engine cut a corpus into
independent blocks (the connected components of the same keys, see
``storyline.spark.stories``) whose answers equal this code's by construction.
Undated articles are filed under the batch's newest day (crawled pages without
a date are usually fresh, and the old unbucketed index also showed them the most
recent stories first); a corpus with no dates at all keeps one key per feature,
exactly as before bucketing.

Near-duplicates (from ``dedup.Deduplicator``) join their original's story
without moving its centroid, so a wire copy printed by five outlets counts once.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from storyline.cluster.features import (
    N_NAME_FEATURES,
    N_WORD_FEATURES,
    DocFreq,
    Featurizer,
    day_of,
    iter_rows,
)
from storyline.records import Article, Story, content_id

# An article this short after cleaning says too little to be compared with anything.
MIN_WORDS = 12
# Stories read per retrieval key (the most recent holding it): bounds the work for common keys.
PER_KEY = 30
# Bucketed keys are ``(bucket + 1) * _KEY_SPACE + feature``; an undated key is the bare feature.
_KEY_SPACE = N_WORD_FEATURES + N_NAME_FEATURES


def bucket_keys(features: Iterable[int], day: int | None, window_days: int) -> list[tuple[int, ...]]:
    """The retrieval keys of each feature of an article published on ``day`` (one tuple per feature).

    With ``b = day // window_days`` a feature ``k`` gives ``(k, b)`` and
    ``(k, b + 1)``, encoded as ints: two articles at most ``window_days`` apart
    are at most one bucket apart, so they share a key for every feature they
    share; two articles more than ``2 * window_days`` apart share none. With no
    day the key is the bare feature (an undated key space, used only when a whole
    batch has no date). Both engines call this: the local clusterer to file and
    retrieve stories, the Spark engine to cut the corpus into blocks.
    """
    if day is None:
        return [(int(k),) for k in features]
    b = (day // max(1, window_days) + 1) * _KEY_SPACE
    return [(b + int(k), b + _KEY_SPACE + int(k)) for k in features]


@dataclass
class _Cluster:
    id: str
    members: list[str] = field(default_factory=list)
    # The centroid as a sorted sparse vector: numpy arrays cost 8 bytes an entry where a
    # dict costs ~100, which is what keeps 100k articles within a few hundred MB.
    idx: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    val: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    sq_norm: float = 0.0
    first: int | None = None  # earliest / latest publication day of its members
    last: int | None = None
    keys: set[int] = field(default_factory=set)
    open: bool = True  # False for stand-alone articles nothing may join


def story_id(founder: str) -> str:
    """The stable id of a story: a hash of the id of the article that started it."""
    return content_id("story", founder)


class StoryClusterer:
    """Groups articles into stories, online, with blocking and a time window.

    Parameters
    ----------
    threshold : cosine (article vs. story centroid) at or above which an article
        joins the story. 0.3: chosen on ECB+ dev topics (bench/bench_clusters.py):
        B3-F1 0.903 at 0.25, 0.918 at 0.3, 0.876 at 0.35.
    window_days : stories whose articles all lie further than this from an
        article's publication date are not candidates for it.
    max_candidates : stories compared per article (the blocking budget).
    n_keys : an article's highest-weighted features used as retrieval keys.
    n_refine : at most this many passes that move each new article to the story it now
        fits best (k-means-like reassignment corrects what the first articles' order
        decided: on ECB+ dev B3-F1 0.885 without, 0.911 with one pass, 0.918 with two).
        The passes stop as soon as one moves nothing. 2: more passes let the reassignment
        settle further (a move changes two centroids, which can move a neighbour), but on
        ECB+ dev 4 passes gave the same document-order (0.930) and thirds (0.911) B3-F1,
        sixths 0.916 -> 0.918 and random orders 0.9114 -> 0.9117, while on a 3k-article
        corpus of bench/bench_scale.py they doubled the clustering CPU (4.0 -> 7.8 s):
        moves go on in a large corpus.
    featurizer : the ``Featurizer`` (word/name weighting) to use.
    singleton_factor : in the refinement passes, an article that is alone in its story joins
        the best candidate at ``threshold * singleton_factor``: most articles left alone are
        fragments of a story they narrowly missed. 0.8: on ECB+ dev story B3-F1 over random
        orders 0.905 at 1.0 (off), 0.908 at 0.9, 0.911 at 0.8, 0.911 at 0.7 (precision
        0.911 -> 0.910 at 0.8, recall 0.900 -> 0.913); document order 0.924 -> 0.930.

    Attributes (after ``fit``/``partial_fit``)
    ------------------------------------------
    labels_ : dict article id -> story id.
    stories_ : list of ``Story`` records (id, title, articles, first, last, duplicates, notes).
    reasons_ : dict article id -> why it stands alone or was clustered without a
        feature (no date, too short, another language).

    Example
    -------
    >>> sc = StoryClusterer(threshold=0.3, window_days=30).fit(articles)  # doctest: +SKIP
    >>> [len(s.articles) for s in sc.stories_]  # doctest: +SKIP
    """

    def __init__(
        self,
        threshold: float = 0.3,
        window_days: int = 30,
        max_candidates: int = 10,
        n_keys: int = 15,
        grace_days: int = 3,
        n_refine: int = 2,
        featurizer: Featurizer | None = None,
        singleton_factor: float = 0.8,
    ) -> None:
        self.threshold = threshold
        self.window_days = window_days
        self.max_candidates = max_candidates
        self.n_keys = n_keys
        self.grace_days = grace_days
        self.n_refine = n_refine
        self.featurizer = featurizer
        self.singleton_factor = singleton_factor

    # ------------------------------------------------------------ public ---

    def fit(self, articles: Iterable[Article], duplicates: Mapping[str, str] | None = None) -> StoryClusterer:
        """Cluster ``articles`` from scratch (in publication order, so input order does not matter)."""
        self._reset()
        return self.partial_fit(articles, duplicates=duplicates)

    def partial_fit(
        self,
        articles: Iterable[Article],
        duplicates: Mapping[str, str] | None = None,
        known: Mapping[str, str] | None = None,
        known_reasons: Mapping[str, str] | None = None,
        undated_day: int | None = None,
    ) -> StoryClusterer:
        """Add a batch of articles to the current stories.

        ``duplicates`` maps a near-duplicate's id to its original's id (the
        original may be in an earlier batch). ``known`` maps article ids to
        story ids decided before (a warm start from the store): those articles
        go to their story without being compared, and the story keeps its id.
        Articles already clustered are ignored, so re-adding a batch adds nothing.
        ``known_reasons`` gives the reasons recorded for known articles; a story
        whose article stood alone stays closed to newcomers.
        ``undated_day`` is the day undated articles file their retrieval keys
        under (default: the newest publication day of the batch and of the
        stories so far); the Spark engine passes the corpus's, so every block
        files them as a whole-corpus run would.
        """
        if not hasattr(self, "clusters_"):
            self._reset()
        duplicates = dict(duplicates or {})
        known = dict(known or {})
        self._known_reasons = dict(known_reasons or {})
        batch = [a for a in articles if a.id not in self.labels_]
        seen: set[str] = set()
        batch = [a for a in batch if not (a.id in seen or seen.add(a.id))]  # type: ignore[func-returns-value]
        if not batch:
            self.stories_ = self._stories()
            return self
        # Publication order (undated last, then by id) makes the result independent of input order.
        # Known articles (a warm start) are placed before any new one is compared.
        batch.sort(key=lambda a: (a.id not in known, a.published is None, (a.published or "")[:19], a.id))
        if undated_day is None:
            days = [d for d in (day_of(a.published) for a in batch) if d is not None]
            days += [c.last for c in self.clusters_.values() if c.last is not None]
            undated_day = max(days, default=None)
        self._undated_day: int | None = undated_day
        fz = self.featurizer or Featurizer()
        words, names = fz.counts(batch)
        self.df_.add(words, names)
        x = fz.vectors(words, names, self.df_)
        x.sort_indices()  # the centroid arithmetic relies on sorted feature indices
        placed: list[tuple[str, np.ndarray, np.ndarray, int | None]] = []
        for a, (idx, val) in zip(batch, iter_rows(x), strict=True):
            self._add(a, idx, val, duplicates.get(a.id), known.get(a.id))
            if a.id not in known and a.id not in duplicates and self.clusters_[self.labels_[a.id]].open:
                placed.append((a.id, idx, val, day_of(a.published)))
        for _ in range(self.n_refine):
            if not self._refine(placed):
                break
        self.duplicates_.update({k: v for k, v in duplicates.items() if k in self.labels_})
        self.stories_ = self._stories()
        return self

    # ----------------------------------------------------------- internal ---

    def _reset(self) -> None:
        self.clusters_: dict[str, _Cluster] = {}
        self.labels_: dict[str, str] = {}
        self.reasons_: dict[str, str] = {}
        self.duplicates_: dict[str, str] = {}
        self.df_ = DocFreq()
        self._index: dict[int, list[str]] = {}
        self._undated_day = None
        self._scratch = np.zeros(N_WORD_FEATURES + N_NAME_FEATURES, dtype=np.float32)
        self._meta: dict[str, tuple[str | None, str | None, str | None]] = {}  # id -> (published, title, lead)

    def _add(self, a: Article, idx: np.ndarray, val: np.ndarray, original: str | None, known: str | None) -> None:
        day = day_of(a.published)
        self._meta[a.id] = (a.published, a.title, _lead(a.text))
        if known is not None:
            c = self.clusters_.get(known) or self._new(known)
            self._join(c, a.id, idx, val, day, move=original is None)
            reason = self._known_reasons.get(a.id)
            if reason:
                self.reasons_[a.id] = reason
                if "stands alone" in reason:
                    c.open = False
            return
        if original is not None and original in self.labels_:
            self._join(self.clusters_[self.labels_[original]], a.id, idx, val, day, move=False)
            return
        reason = self._stand_alone_reason(a, idx)
        if reason:
            self.reasons_[a.id] = reason
            c = self._new(story_id(a.id))
            c.open = False
            self._join(c, a.id, idx, val, day, move=True)
            return
        if a.language not in ("en", "und", ""):
            # Word and name features are read with English rules: other languages only
            # meet articles that share their words (usually: the same language).
            self.reasons_[a.id] = f"language {a.language}: compared on shared words only"
        elif day is None:
            # Filed under the newest day (see bucket_keys): the stories it can meet are the recent ones.
            self.reasons_[a.id] = "no publication date: clustered on text alone, with the most recent stories"
        best, best_sim, best_dot = None, -1.0, 0.0
        cands = self._candidates(idx, val, day)
        for c, dot in zip(cands, self._dots(cands, idx, val), strict=True):
            sim = dot / math.sqrt(c.sq_norm) if c.sq_norm else 0.0
            sim *= self._time_factor(c, day)
            if sim > best_sim:
                best, best_sim, best_dot = c, sim, dot
        if best is not None and best_sim >= self.threshold:
            self._join(best, a.id, idx, val, day, move=True, dot=best_dot)
        else:
            self._join(self._new(story_id(a.id)), a.id, idx, val, day, move=True)

    def _refine(self, placed: list[tuple[str, np.ndarray, np.ndarray, int | None]]) -> int:
        """Move each newly placed article to the story it fits best now; return how many moved."""
        moved = 0
        for aid, idx, val, day in placed:
            own = self.clusters_[self.labels_[aid]]
            sq = float(np.dot(val, val))
            cands = [own, *(c for c in self._candidates(idx, val, day) if c is not own)]
            dots = self._dots(cands, idx, val)
            own_dot = dots[0]
            rest = own.sq_norm - 2.0 * own_dot + sq
            own_sim = (own_dot - sq) / math.sqrt(rest) if rest > 1e-9 else 0.0
            best, best_sim = own, own_sim
            # An article still alone after the batch is placed is most often a fragment of a
            # story it just missed: it may join at a lower bar (``singleton_factor``).
            bar = self.threshold * (self.singleton_factor if len(own.members) == 1 else 1.0)
            for c, dot in zip(cands[1:], dots[1:], strict=True):
                sim = dot / math.sqrt(c.sq_norm) * self._time_factor(c, day) if c.sq_norm else 0.0
                if sim > best_sim and sim >= bar:
                    best, best_sim = c, sim
            if best is own:
                continue
            # Leave the old story (its centroid loses the article), join the new one.
            own.members.remove(aid)
            own.sq_norm = max(0.0, rest)
            own.val[np.searchsorted(own.idx, idx)] -= val
            if not own.members:
                del self.clusters_[own.id]
            self._join(best, aid, idx, val, day, move=True)
            moved += 1
        return moved

    def _dots(self, cands: Sequence[_Cluster], idx: np.ndarray, val: np.ndarray) -> list[float]:
        """Dot products of one article with several centroids, in one vectorised step.

        The article is scattered into a dense scratch row, the candidates' centroid
        entries are gathered from it and summed per centroid (``reduceat``): no
        Python loop over features, and no sorting as ``np.intersect1d`` would do.
        """
        sizes = [c.idx.size for c in cands]
        if not idx.size or not sum(sizes):
            return [0.0] * len(cands)
        self._scratch[idx] = val
        prod = self._scratch[np.concatenate([c.idx for c in cands])] * np.concatenate([c.val for c in cands])
        self._scratch[idx] = 0.0
        starts = np.cumsum([0, *sizes[:-1]])
        sums = np.add.reduceat(prod, np.minimum(starts, prod.size - 1))
        return [float(v) if n else 0.0 for v, n in zip(sums, sizes, strict=True)]

    def _dot(self, c: _Cluster, idx: np.ndarray, val: np.ndarray) -> float:
        return self._dots([c], idx, val)[0]

    def _stand_alone_reason(self, a: Article, idx: np.ndarray) -> str | None:
        n_words = len(a.text.split())
        if n_words == 0:
            return "empty text: stands alone"
        if n_words < MIN_WORDS or len(idx) == 0:
            return f"only {n_words} words: too short to compare, stands alone"
        return None

    def _candidates(self, idx: np.ndarray, val: np.ndarray, day: int | None) -> list[_Cluster]:
        shared: dict[str, int] = {}
        for keys in self._keys(idx, val, day):
            # A story counts once per shared feature, whichever of the feature's time buckets it is in.
            # The most recent stories holding each key: bounds the work for common keys.
            found = {cid for k in keys for cid in self._index.get(k, ())[-PER_KEY:]}
            for cid in found:
                shared[cid] = shared.get(cid, 0) + 1
        out = []
        for cid in heapq.nlargest(self.max_candidates * 2, shared, key=lambda c: (shared[c], c)):
            c = self.clusters_.get(cid)  # type: ignore[assignment]
            if c is not None and c.open and self._gap(c, day) <= self.window_days:
                out.append(c)
            if len(out) >= self.max_candidates:
                break
        return out

    def _features(self, idx: np.ndarray, val: np.ndarray) -> list[int]:
        """The article's ``n_keys`` highest-weighted features (its retrieval features)."""
        if len(idx) <= self.n_keys:
            return [int(i) for i in idx]
        top = np.argpartition(-val, self.n_keys)[: self.n_keys]
        return [int(i) for i in idx[top]]

    def _keys(self, idx: np.ndarray, val: np.ndarray, day: int | None) -> list[tuple[int, ...]]:
        return bucket_keys(self._features(idx, val), day if day is not None else self._undated_day, self.window_days)

    def blocking_keys(self, idx: np.ndarray, val: np.ndarray, day: int | None, undated_day: int | None) -> list[int]:
        """Every retrieval key of an article vector (``idx``, ``val``) published on ``day``.

        What the Spark engine links articles by: a story is only ever a
        candidate for an article that shares one of these keys with one of its
        members. ``undated_day`` is the ``partial_fit`` argument of that name.
        """
        return [k for keys in bucket_keys(self._features(idx, val), day if day is not None else undated_day,
                                          self.window_days) for k in keys]

    @staticmethod
    def _gap(c: _Cluster, day: int | None) -> int:
        if day is None or c.first is None or c.last is None:
            return 0
        return max(0, c.first - day, day - c.last)

    def _time_factor(self, c: _Cluster, day: int | None) -> float:
        # Within a few days no cost; then linearly down to 0.7 at the window's edge,
        # so a close match two weeks later still joins while a weak one does not.
        gap = self._gap(c, day)
        if gap <= self.grace_days:
            return 1.0
        return 1.0 - 0.3 * min(1.0, (gap - self.grace_days) / max(1, self.window_days - self.grace_days))

    def _new(self, cid: str) -> _Cluster:
        c = _Cluster(id=cid)
        self.clusters_[cid] = c
        return c

    def _join(
        self, c: _Cluster, aid: str, idx: np.ndarray, val: np.ndarray, day: int | None,
        move: bool, dot: float | None = None,
    ) -> None:
        c.members.append(aid)
        self.labels_[aid] = c.id
        if day is not None:
            c.first = day if c.first is None else min(c.first, day)
            c.last = day if c.last is None else max(c.last, day)
        if not move:
            return
        if dot is None:
            dot = self._dot(c, idx, val)
        sq = float(np.dot(val, val))
        c.sq_norm += 2.0 * dot + sq
        if c.idx.size == 0:
            c.idx, c.val = idx.astype(np.int32), val.astype(np.float32)
        else:
            # Insert only the article's new features (a binary search each) instead of
            # re-sorting the whole centroid (np.union1d): a big story's join cost no longer
            # grows with its centroid's length beyond one memory copy. Same float32 sums.
            pos = np.searchsorted(c.idx, idx)
            new = c.idx[np.minimum(pos, c.idx.size - 1)] != idx
            if new.any():
                c.idx = np.insert(c.idx, pos[new], idx[new]).astype(np.int32, copy=False)
                c.val = np.insert(c.val, pos[new], np.float32(0.0))
                pos = np.searchsorted(c.idx, idx)
            c.val[pos] += val
        for k in (k for keys in self._keys(idx, val, day) for k in keys):
            if k not in c.keys:
                c.keys.add(k)
                self._index.setdefault(k, []).append(c.id)

    def _stories(self) -> list[Story]:
        out = []
        for c in self.clusters_.values():
            members = tuple(c.members)
            dates = sorted(p for p in (self._meta[m][0] for m in members if m in self._meta) if p)
            dups = {m: self.duplicates_[m] for m in members if m in self.duplicates_}
            out.append(Story(
                id=c.id, title=self._title(c), articles=members,
                first=dates[0] if dates else None, last=dates[-1] if dates else None,
                duplicates=dups, notes={m: self.reasons_[m] for m in members if m in self.reasons_},
            ))
        return out

    def _title(self, c: _Cluster) -> str:
        """The headline of the story's first titled article (its lead sentence if none has one).

        ``assemble.assemble_story`` picks a better one (the most typical article of
        the largest event) when the pipeline writes the story.
        """
        best = c.members[0]
        for m in c.members:
            meta = self._meta.get(m)
            if meta and meta[1]:
                best = m
                break
        meta = self._meta.get(best)
        if meta is None:
            return best
        return meta[1] or meta[2] or best


def _lead(text: str, limit: int = 120) -> str:
    """The first sentence-ish of a text, for stories whose articles have no title."""
    first = text.strip().split("\n", 1)[0]
    if len(first) > limit:
        first = first[:limit].rsplit(" ", 1)[0] + "…"
    return first


def cluster_stories(
    articles: Sequence[Article], threshold: float = 0.3, window_days: int = 30,
    duplicates: Mapping[str, str] | None = None,
) -> list[Story]:
    """Convenience: ``StoryClusterer(...).fit(articles).stories_``."""
    return StoryClusterer(threshold=threshold, window_days=window_days).fit(articles, duplicates).stories_
