"""The Spark engine's blocking argument, checked without a JVM (fast).

Clustering each block alone, with the corpus's document frequencies, must give
the stories of clustering the whole corpus; the corpus here (the seed folder
and two ECB+ topics) splits into several blocks, so the check is not vacuous.
Also: the driver-side components and the manifest reader.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from storyline.records import Article, Failure
from storyline.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from spark_corpus import ecb_documents  # noqa: E402


@pytest.fixture(scope="module")
def articles(shared: Path) -> list[Article]:
    from storyline.pipeline import extract_all

    seeds = [a for a in extract_all([str(shared / "seeds")], Settings()) if not isinstance(a, Failure)]
    ecb = [Article(id=str(d["id"]), source=str(d["id"]), text=str(d["maintext"]),
                   title=d["title"] if isinstance(d["title"], str) else None, published=str(d["date_publish"]))
           for d in ecb_documents([1, 3])]
    return seeds + ecb


def test_blocks_cluster_like_the_whole_corpus(articles: list[Article]) -> None:
    from storyline.spark.stories import cluster_block

    blocks, df, newest = _blocks(articles, partitions=2)
    assert df.n_docs == len(articles)
    assert sorted(len(b) for b in blocks.values() if len(b) > 1)[-2:] >= [5, 5], "the corpus must split"

    whole = cluster_block(articles, Settings())
    parts = [cluster_block(b, Settings(), df, undated_day=newest) for b in blocks.values()]
    assert {s.id: s for s, _ in whole.stories} == {s.id: s for p in parts for s, _ in p.stories}
    assert whole.members == {k: v for p in parts for k, v in p.members.items()}
    # Without the corpus's document frequencies a block would weigh words differently.
    seeds_block = next(b for b in blocks.values() if any(a.source.endswith(".txt") for a in b))
    alone = cluster_block(seeds_block, Settings())
    assert len(whole.stories) > len(alone.stories)


def _blocks(articles: list[Article], partitions: int = 1) -> tuple[dict[str, list[Article]], Any, int | None]:
    """The Spark engine's blocks of ``articles`` (its own key and component functions, no JVM),
    with document frequencies and the newest day computed per partition and merged, as Spark does."""
    from storyline.cluster.features import DocFreq
    from storyline.spark.blocks import components_on_driver
    from storyline.spark.stories import (
        doc_freq_partition,
        keys_partition,
        merge_doc_freq,
        newest_day_partition,
    )

    sd = dataclasses.asdict(Settings())
    rows = [(a.id, json.dumps(a.to_dict(), ensure_ascii=False)) for a in articles]
    size = -(-len(rows) // partitions)
    parts = [rows[i:i + size] for i in range(0, len(rows), size)]
    df = DocFreq()
    for part in parts:
        for freq in doc_freq_partition([r[1] for r in part], sd):
            df = merge_doc_freq(df, freq)
    newest = max((d for part in parts for d in newest_day_partition([r[1] for r in part])), default=None)
    keyed = list(keys_partition(rows, sd, df, newest))
    block_of = components_on_driver([(k, aid) for aid, _, _, keys in keyed for k in keys])
    blocks: dict[str, list[Article]] = {}
    for a in articles:
        blocks.setdefault(block_of.get(a.id, a.id), []).append(a)
    return blocks, df, newest


def test_a_multi_month_corpus_splits_into_small_blocks_with_the_same_answers(articles: list[Article]) -> None:
    """Reworded copies of four ECB+ topics a quarter apart, plus the seeds (two of them undated).

    Every topic shares its words with its own copies, so without time buckets
    each topic would be one block across all quarters; with them a block is one
    (topic, half, quarter) or little more.
    """
    from spark_corpus import perturbed
    from storyline.spark.stories import place_block

    originals = list(ecb_documents([1, 3, 4, 6]))
    docs = list(perturbed(originals, 4 * len(originals)))
    corpus = [a for a in articles if a.source.endswith(".txt")] + [
        Article(id=str(d["id"]), source=str(d["id"]), text=str(d["maintext"]),
                title=d["title"] if isinstance(d["title"], str) else None, published=str(d["date_publish"]))
        for d in docs]
    blocks, df, newest = _blocks(corpus)
    sizes = sorted(len(b) for b in blocks.values())
    assert len(sizes) >= 12 and sizes[-1] <= len(corpus) // 6, sizes

    whole, whole_dups = place_block(corpus, Settings())
    labels: dict[str, str] = {}
    dups: dict[str, str] = {}
    reasons: dict[str, str] = {}
    for b in blocks.values():
        sc, d = place_block(b, Settings(), df, undated_day=newest)
        labels.update(sc.labels_)
        dups.update(d)
        reasons.update(sc.reasons_)
    assert labels == whole.labels_ and dups == whole_dups and reasons == whole.reasons_
    # The undated seeds were filed under the corpus's newest day (the seeds' week) and joined the dated ones.
    seeds = [a for a in corpus if a.source.endswith(".txt")]
    assert any(a.published is None for a in seeds)
    assert len({labels[a.id] for a in seeds}) == 1
    assert all("most recent stories" in reasons[a.id] for a in seeds if a.published is None)


def test_bucket_keys_meet_within_the_window_and_never_two_windows_apart() -> None:
    from hypothesis import given
    from hypothesis import strategies as st

    from storyline.cluster.stories import bucket_keys
    from storyline.dedup import dedup_bucket

    @given(st.integers(700_000, 800_000), st.integers(0, 200), st.integers(1, 60), st.integers(0, 2**20))
    def check(d1: int, gap: int, window: int, feature: int) -> None:
        (k1,), (k2,) = bucket_keys([feature], d1, window), bucket_keys([feature], d1 + gap, window)
        shared = set(k1) & set(k2)
        if gap <= window:
            assert shared
        if gap > 2 * window:
            assert not shared
        # The dedup index compares buckets b-1..b+1: the same pairs as sharing a bucketed key.
        b1, b2 = dedup_bucket(d1, window), dedup_bucket(d1 + gap, window)
        assert b1 is not None and b2 is not None and (abs(b1 - b2) <= 1) == bool(shared)
        assert not set(k1) & set(bucket_keys([feature + 1], d1 + gap, window)[0])  # features never collide

    check()
    # No date: the bare features, as the index was before buckets (an all-undated corpus is unchanged).
    assert bucket_keys([5, 7], None, 30) == [(5,), (7,)]
    assert not set(bucket_keys([5], 738_000, 30)[0]) & {5}


def test_components_on_driver_names_blocks_by_their_smallest_id() -> None:
    from storyline.spark.blocks import components_on_driver

    edges = [("k1", "d"), ("k1", "c"), ("k2", "b"), ("k2", "a"), ("k3", "c"), ("k3", "b"), ("k4", "x"), ("k5", "y")]
    assert components_on_driver(edges) == {"a": "a", "b": "a", "c": "a", "d": "a", "x": "x", "y": "y"}


def test_manifest_lines_uris_and_folders(tmp_path: Path, shared: Path) -> None:
    from storyline.spark.inputs import expand_inputs, is_remote, local_path, read_manifest

    seeds = shared / "seeds"
    manifest = tmp_path / "m.txt"
    manifest.write_text(f"# a comment\n\nfile://{seeds}\ns3://commoncrawl/x.warc.gz\n  {tmp_path / 'nope.warc'}  \n")
    assert read_manifest(str(manifest)) == [f"file://{seeds}", "s3://commoncrawl/x.warc.gz", str(tmp_path / "nope.warc")]
    items = expand_inputs([], str(manifest))
    assert [p for p, problem in items if problem is None and not is_remote(p)] == sorted(str(p) for p in seeds.iterdir())
    assert ("s3://commoncrawl/x.warc.gz", None) in items
    assert (str(tmp_path / "nope.warc"), "no such file or folder") in items
    assert local_path("file:///a/b.warc") == "/a/b.warc" and is_remote("https://x.org/a") and not is_remote("/a")
