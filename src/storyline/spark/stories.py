"""The corpus-level stages on Spark: the local dedup and clustering code, run per block.

Why this gives the local engine's answers without comparing all pairs:

1. **Document frequencies** are summed over every article (a distributed
   aggregation of ``DocFreq.add`` per partition) and broadcast, so each
   article's vector is the one the local engine computes over the whole corpus.
2. **Retrieval keys.** The local ``StoryClusterer`` only ever compares an
   article with stories holding one of the article's retrieval keys: its
   top-weighted features, each filed under the article's time bucket and the
   next (``cluster.stories.bucket_keys``, via ``StoryClusterer.blocking_keys``),
   and a story's keys are its members' keys. So articles more than two windows
   apart never share a key, and a corpus of many months splits into many
   blocks instead of one. Undated articles file their keys under the corpus's
   newest day (``newest_day``, computed here over the whole corpus and passed
   to every block, as a whole-corpus run computes it over its batch). The
   local ``Deduplicator`` only compares articles sharing a MinHash LSH band
   (datasketch's own band layout) at most one time bucket apart
   (``dedup.dedup_bucket``), so a band key carries the bucket too. Each
   article is exploded into those keys.
3. **Blocks** are the connected components of the article-key graph
   (``spark.blocks``). Two articles in different blocks never share a key, so
   no decision of the local code ever looks across blocks.
4. **Inside a block** the local ``Deduplicator``, ``StoryClusterer``,
   ``assemble_story`` (events, entities, quotes) and ``pipeline.tell`` (facts,
   conflicts, timeline, summary) run unchanged, as
   ``pipeline.cluster_pending`` calls them, with the global document
   frequencies frozen in (``FrozenDocFreq``). Candidate lists, their
   truncations and centroid sums then see the same stories in the same order
   as a whole-corpus run, so stories, ids, titles and events are the same.

The one adapter is ``FrozenDocFreq``: ``StoryClusterer.partial_fit`` counts the
batch's document frequencies itself, and a block must use the corpus's instead.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from storyline.cluster.features import DocFreq, Featurizer, day_of, iter_rows
from storyline.cluster.stories import StoryClusterer
from storyline.dedup import Deduplicator, dedup_bucket, signature
from storyline.records import Article, Story
from storyline.settings import Settings
from storyline.workers import batched

# Articles featurised per call: bounds executor memory (two sparse count matrices).
CHUNK = 512


def make_deduplicator(settings: Settings) -> Deduplicator:
    """The deduplicator the local engine uses, from the same settings."""
    return Deduplicator(threshold=settings.dedup_threshold, window_days=settings.story_window_days)


def make_clusterer(settings: Settings) -> StoryClusterer:
    """The story clusterer the local engine uses, from the same settings."""
    return StoryClusterer(threshold=settings.story_threshold, window_days=settings.story_window_days)


def featurizer_of(clusterer: StoryClusterer) -> Featurizer:
    """The featurizer a clusterer uses (its own, or the default it would make)."""
    return clusterer.featurizer or Featurizer()


class FrozenDocFreq(DocFreq):
    """Corpus-wide document frequencies that a block's ``partial_fit`` must not recount."""

    def add(self, word_counts: sp.csr_matrix, name_counts: sp.csr_matrix) -> None:
        """Do nothing: the block's articles are already counted in the corpus totals."""


def merge_doc_freq(a: DocFreq, b: DocFreq) -> DocFreq:
    """The document frequencies of two disjoint sets of articles together."""
    if a.words is None or a.names is None:
        return b
    if b.words is None or b.names is None:
        return a
    return DocFreq(a.n_docs + b.n_docs, a.words + b.words, a.names + b.names)


def _digest(b: bytes) -> str:
    return hashlib.blake2b(b, digest_size=8).hexdigest()


def _article(data: str) -> Article:
    return Article.from_dict(json.loads(data))


def doc_freq_partition(rows: Iterable[str], settings_dict: dict[str, Any]) -> Iterator[DocFreq]:
    """One partition's document frequencies (article JSON in), counted with the local code."""
    fz = featurizer_of(make_clusterer(Settings(**settings_dict)))
    df = DocFreq()
    for chunk in batched(rows, CHUNK):
        words, names = fz.counts([_article(r) for r in chunk])
        df.add(words, names)
    if df.words is not None:
        yield df


def newest_day_partition(rows: Iterable[str]) -> Iterator[int]:
    """The newest publication day (``features.day_of``) of one partition's article JSON, if any is dated."""
    days = [d for d in (day_of(json.loads(r).get("published")) for r in rows) if d is not None]
    if days:
        yield max(days)


def keys_partition(
    rows: Iterable[tuple[str, str]], settings_dict: dict[str, Any], df: DocFreq, undated_day: int | None = None,
) -> Iterator[tuple[str, str, bytes | None, list[str]]]:
    """``(article id, json, MinHash hash values, blocking keys)`` for each ``(id, json)`` row.

    The keys are ``f<key>`` for the article's time-bucketed retrieval keys (the
    clusterer's own ``blocking_keys`` over its vector with the corpus's document
    frequencies; ``undated_day`` is the corpus's newest day) and
    ``b<band>:<digest>:<bucket>`` for each LSH band of its MinHash (datasketch's
    layout for the deduplicator's threshold and permutations), under its dedup
    bucket and the next (the deduplicator compares buckets ``b - 1`` to
    ``b + 1``; two articles share one of these keys exactly when they share a
    band and are at most one bucket apart). Bands are digested to 64 bits
    to keep the graph small: a collision can only join two blocks, which costs
    parallelism, never a different answer.
    """
    from datasketch import MinHashLSH

    settings = Settings(**settings_dict)
    clusterer = make_clusterer(settings)
    dedup = make_deduplicator(settings)
    fz = featurizer_of(clusterer)
    lsh = MinHashLSH(threshold=dedup.threshold, num_perm=dedup.num_perm)
    for chunk in batched(rows, CHUNK):
        arts = [_article(data) for _, data in chunk]
        words, names = fz.counts(arts)
        x = fz.vectors(words, names, df)
        for (_, data), a, (idx, val) in zip(chunk, arts, iter_rows(x), strict=True):
            keys = [f"f{k}" for k in clusterer.blocking_keys(idx, val, day_of(a.published), undated_day)]
            sig = signature(a.text, dedup.num_perm, dedup.seed)
            hv: bytes | None = None
            if sig is not None:
                h = np.asarray(sig.hashvalues, dtype=np.uint64)
                hv = h.tobytes()
                day = day_of(a.published)
                b = dedup_bucket(day if day is not None else undated_day, dedup.window_days)
                near = ["u"] if b is None else [b, b + 1]
                keys.extend(f"b{i}:{_digest(h[lo:hi].tobytes())}:{bk}"
                            for i, (lo, hi) in enumerate(lsh.hashranges) for bk in near)
            yield a.id, data, hv, keys


@dataclass
class BlockResult:
    """What the local stages decide for one block."""

    stories: list[tuple[Story, list[str]]] = field(default_factory=list)  # (story, its outlets)
    # article id -> (story id, duplicate of, reason)
    members: dict[str, tuple[str, str | None, str | None]] = field(default_factory=dict)


def place_block(
    articles: Sequence[Article],
    settings: Settings,
    df: DocFreq | None = None,
    signatures: dict[str, np.ndarray | None] | None = None,
    undated_day: int | None = None,
) -> tuple[StoryClusterer, dict[str, str]]:
    """The local dedup and story clustering of one block: the fitted clusterer and the copies found.

    The arguments are ``cluster_block``'s; this is its first half, without the
    story records (the tests compare blocks with whole corpora through it).
    """
    dd = make_deduplicator(settings)
    dd.partial_fit(articles, signatures=signatures, undated_day=undated_day)
    dups = dict(dd.duplicates_)
    sc = make_clusterer(settings)
    if df is not None:
        sc._reset()
        sc.df_ = FrozenDocFreq(df.n_docs, df.words, df.names)
    sc.partial_fit(articles, duplicates=dups, undated_day=undated_day)
    return sc, dups


def cluster_block(
    articles: Sequence[Article],
    settings: Settings,
    df: DocFreq | None = None,
    signatures: dict[str, np.ndarray | None] | None = None,
    reconciler: Any = None,
    undated_day: int | None = None,
) -> BlockResult:
    """Dedup, stories and their records for ``articles``, as ``pipeline.cluster_pending`` does.

    With ``df`` (the corpus's document frequencies) the block is clustered as
    it would be inside the whole corpus; without it, ``articles`` are the corpus.
    ``signatures`` are the articles' MinHash hash values, if already computed;
    ``reconciler`` a ``reconcile.Reconciler`` to share (one is made if None);
    ``undated_day`` the corpus's newest day (with ``df``; without, the block's own).
    """
    from storyline.cluster.assemble import assemble_story
    from storyline.pipeline import tell
    from storyline.reconcile import Reconciler

    sc, dups = place_block(articles, settings, df, signatures, undated_day)
    by_id = {a.id: a for a in articles}
    # Members in the order the clusterer placed them (publication order), as the local engine lists them.
    members_of: dict[str, list[str]] = {}
    for aid, sid in sc.labels_.items():
        members_of.setdefault(sid, []).append(aid)
    out = BlockResult()
    reconciler = reconciler or Reconciler()
    for sid, ids in members_of.items():
        arts = [by_id[i] for i in ids]
        story = assemble_story(sid, arts, duplicates={i: dups[i] for i in ids if i in dups},
                               notes={i: sc.reasons_[i] for i in ids if i in sc.reasons_})
        story = tell(story, {a.id: a for a in arts}, reconciler)  # facts, conflicts, timeline, summary
        out.stories.append((story, sorted({a.outlet for a in arts if a.outlet})))
    out.members = {aid: (sid, dups.get(aid), sc.reasons_.get(aid)) for aid, sid in sc.labels_.items()}
    return out


def block_partition(
    blocks: Iterable[tuple[str, Iterable[tuple[str, bytes | None]]]], settings_dict: dict[str, Any], df: DocFreq,
    undated_day: int | None = None,
) -> Iterator[tuple[str, Any]]:
    """Run ``cluster_block`` over grouped ``(block, [(article json, signature)])``.

    Yields ``(table, row)`` with finished rows of the Parquet tables
    (``spark.tables``), and ``("block", size)`` once per block.
    """
    from storyline.reconcile import Reconciler
    from storyline.spark.tables import article_row, story_rows

    settings = Settings(**settings_dict)
    reconciler = Reconciler()  # its gazetteer loads once per partition
    for _block, rows in blocks:
        arts: list[Article] = []
        raw: dict[str, tuple[str, bytes | None]] = {}
        for d, sig in rows:
            a = _article(d)
            arts.append(a)
            raw[a.id] = (d, sig)
        sigs = {aid: None if sig is None else np.frombuffer(sig, dtype=np.uint64) for aid, (_, sig) in raw.items()}
        res = cluster_block(arts, settings, df, sigs, reconciler, undated_day)
        yield ("block", len(arts))
        for a in arts:
            yield ("articles", article_row(a, raw[a.id][0], raw[a.id][1], res.members.get(a.id)))
        for s, outlets in res.stories:
            yield from story_rows(s, outlets)
