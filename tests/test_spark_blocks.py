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
    from storyline.cluster.features import DocFreq
    from storyline.spark.blocks import components_on_driver
    from storyline.spark.stories import (
        cluster_block,
        doc_freq_partition,
        keys_partition,
        merge_doc_freq,
    )

    sd = dataclasses.asdict(Settings())
    rows = [(a.id, json.dumps(a.to_dict(), ensure_ascii=False)) for a in articles]
    df = DocFreq()
    for half in (rows[: len(rows) // 2], rows[len(rows) // 2 :]):  # two "partitions"
        for part in doc_freq_partition([r[1] for r in half], sd):
            df = merge_doc_freq(df, part)
    assert df.n_docs == len(articles)
    keyed = list(keys_partition(rows, sd, df))
    block_of = components_on_driver([(k, aid) for aid, _, _, keys in keyed for k in keys])
    blocks: dict[str, list[Article]] = {}
    for a in articles:
        blocks.setdefault(block_of.get(a.id, a.id), []).append(a)
    assert sorted(len(b) for b in blocks.values() if len(b) > 1)[-2:] >= [5, 5], "the corpus must split"

    whole = cluster_block(articles, Settings())
    parts = [cluster_block(b, Settings(), df) for b in blocks.values()]
    assert {s.id: s for s, _ in whole.stories} == {s.id: s for p in parts for s, _ in p.stories}
    assert whole.members == {k: v for p in parts for k, v in p.members.items()}
    # Without the corpus's document frequencies a block would weigh words differently.
    seeds_block = next(b for b in blocks.values() if any(a.source.endswith(".txt") for a in b))
    alone = cluster_block(seeds_block, Settings())
    assert len(whole.stories) > len(alone.stories)


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
