"""``run_spark_build``: the whole pipeline as one Spark job, written as Parquet tables.

The job, step by step (each step is the local engine's own code, moved):

1. **Inputs**: a manifest (cc-pyspark style: one path or URI per line) and/or
   paths, expanded on the driver (``spark.inputs``); missing files become failures.
2. **Per article** (``mapPartitions``, ``spark.articles``): read and extract.
   Bad records become failure rows, never task failures. Repeated article ids
   keep the first in input order.
3. **Enrichment** (``mapPartitions`` again): articles are ranked in publication
   order and cut into the local engine's batches (``pipeline.BATCH``); each
   batch goes through the local engine's enrichment step (spaCy, loaded once
   per partition, then the ``EntityCanonicaliser``), as ``pipeline.build`` does,
   so entity ids, and the features built on them, are the local engine's.
4. **Document frequencies**: ``DocFreq`` per partition, summed, broadcast.
5. **Blocking keys and blocks** (``spark.stories``, ``spark.blocks``).
6. **Per block**: the local dedup, story clustering and events.
7. **Tables** (``spark.tables``): articles, stories, events, quotes, facts and
   failures; failures are also printed as ``error: <source>: <reason>``.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storyline.records import Article, Failure
from storyline.settings import Settings
from storyline.spark.articles import RECORD_SLOTS
from storyline.spark.blocks import DRIVER_LIMIT
from storyline.spark.tables import SCHEMAS


@dataclass(frozen=True, slots=True)
class SparkBuild:
    """The outcome of ``run_spark_build``."""

    out_dir: str
    articles: int
    stories: int
    events: int
    failures: tuple[Failure, ...]
    blocks: int  # blocks of two articles or more
    largest_block: int
    seconds: float


def spark_session(master: str | None = None, app_name: str = "storyline", conf: dict[str, str] | None = None) -> Any:
    """A SparkSession whose Python workers run this interpreter (unless told otherwise).

    ``master`` is e.g. ``local[2]``; leave it None under ``spark-submit``, which
    sets it. ``conf`` adds Spark settings (``spark.sql.shuffle.partitions``...).
    """
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName(app_name)
    if master:
        builder = builder.master(master)
    for k, v in {"spark.ui.showConsoleProgress": "false", **(conf or {})}.items():
        builder = builder.config(k, v)
    return builder.getOrCreate()


def run_spark_build(
    inputs: Sequence[str] = (),
    manifest: str | None = None,
    out_dir: str = "storyline-spark",
    settings: Settings | None = None,
    master: str | None = None,
    *,
    spark: Any = None,
    enrich: bool = True,
    driver_limit: int = DRIVER_LIMIT,
    report: bool = True,
    log: Callable[[str], None] | None = None,
) -> SparkBuild:
    """Run the pipeline on Spark over ``inputs`` and/or a ``manifest``; write Parquet to ``out_dir``.

    ``spark`` reuses a session; otherwise one is made for ``master`` (and
    stopped at the end). ``enrich`` runs entities, quotes and times.
    ``driver_limit``: blocking graphs with more edges than this are solved with
    distributed label propagation. ``report`` prints each failure on stderr;
    ``log`` receives a line per finished step, with the seconds since the start.
    The output directory is replaced.
    """
    from pyspark import StorageLevel

    from storyline.cluster.features import DocFreq
    from storyline.spark.blocks import components, components_on_driver
    from storyline.spark.inputs import expand_inputs
    from storyline.spark.stories import (
        block_partition,
        doc_freq_partition,
        keys_partition,
        merge_doc_freq,
        newest_day_partition,
    )

    t0 = time.perf_counter()

    def say(step: str) -> None:
        if log:
            log(f"{time.perf_counter() - t0:7.1f} s  {step}")

    settings = settings or Settings.from_env()
    sdict = dataclasses.asdict(settings)
    own = spark is None
    spark = spark or spark_session(master)
    sc = spark.sparkContext
    keep = StorageLevel.MEMORY_AND_DISK
    cached: list[Any] = []
    try:
        # 1. Inputs.
        items = expand_inputs(inputs, manifest)
        failures = [(Failure(p, problem), i * RECORD_SLOTS) for i, (p, problem) in enumerate(items) if problem]
        todo = [(i, p) for i, (p, problem) in enumerate(items) if not problem]

        # 2. Per article.
        raw = sc.parallelize(todo, max(1, min(len(todo), sc.defaultParallelism * 4))) \
            .mapPartitions(lambda it: _process(it, sdict, False)).persist(keep)
        cached.append(raw)
        failures += [(Failure(r[1], r[2]), r[3]) for r in raw.filter(lambda r: r[0] == "failure").collect()]
        say("read and extracted")
        # Repeated ids: only (id, order) pairs are shuffled, never the articles themselves.
        repeated = raw.filter(lambda r: r[0] == "article").map(lambda r: (r[1], (1, r[3]))) \
            .reduceByKey(lambda a, b: (a[0] + b[0], min(a[1], b[1]))).filter(lambda kv: kv[1][0] > 1) \
            .mapValues(lambda v: v[1]).collectAsMap()
        first = sc.broadcast(repeated)
        arts = raw.filter(lambda r: r[0] == "article" and first.value.get(r[1], r[3]) == r[3]) \
            .map(lambda r: (r[1], r[2]))

        # 3. Enrichment (in the local engine's batches).
        if enrich:
            arts = _enrich(arts, sdict)
        arts = arts.persist(keep)
        cached.append(arts)

        say("enriched" if enrich else "not enriched")
        # 4. Document frequencies.
        df = arts.values().mapPartitions(lambda it: doc_freq_partition(it, sdict)).fold(DocFreq(), merge_doc_freq)
        # A local folder is replaced; a URI (s3a://, hdfs://) is written table by table in overwrite mode.
        out = out_dir.rstrip("/")
        if "://" not in out and Path(out).exists():
            shutil.rmtree(out)
        raw.unpersist()  # arts is materialised now
        say("document frequencies")
        if df.words is None:
            _write_failures(spark, out, failures)
            _write_empty(spark, out)
            return _result(out, {}, failures, [], t0, report)
        bdf = sc.broadcast(df)
        # The day undated articles file their keys under: the corpus's newest, as a local run takes its batch's.
        newest = arts.values().mapPartitions(newest_day_partition).collect()
        undated_day = max(newest, default=None)

        # 5. Keys and blocks.
        keyed = arts.mapPartitions(lambda it: keys_partition(it, sdict, bdf.value, undated_day)).persist(keep)
        cached.append(keyed)
        n_edges = keyed.map(lambda r: len(r[3])).sum()
        arts.unpersist()  # keyed carries the articles from here on
        if n_edges <= driver_limit:
            block_of = sc.broadcast(components_on_driver(keyed.flatMap(lambda r: [(k, r[0]) for k in r[3]]).collect()))
            pairs = keyed.map(lambda r: (block_of.value.get(r[0], r[0]), (r[1], r[2])))
        else:
            edges = spark.createDataFrame(keyed.flatMap(lambda r: [(k, r[0]) for k in r[3]]), "key string, aid string")
            labels = components(edges).rdd.map(lambda r: (r["aid"], r["block"]))
            pairs = keyed.map(lambda r: (r[0], (r[1], r[2]))).leftOuterJoin(labels) \
                .map(lambda kv: (kv[1][1] or kv[0], kv[1][0]))
        say(f"blocks ({n_edges} keys)")

        # 6. Per block: the local stages, emitting finished table rows.
        results = pairs.groupByKey().mapPartitions(
            lambda it: block_partition(it, sdict, bdf.value, undated_day)).persist(keep)
        cached.append(results)
        counts: dict[str, int] = {}
        sizes: list[int] = []
        stats = results.mapPartitions(_stats).collect()
        for c, sz in stats:
            for k, v in c.items():
                counts[k] = counts.get(k, 0) + v
            sizes.extend(sz)
        say("clustered")

        # 7. Tables.
        for name in ("articles", "stories", "events", "quotes", "facts"):
            rows = results.filter(lambda r, name=name: r[0] == name).map(lambda r: r[1])
            spark.createDataFrame(rows, SCHEMAS[name]).write.mode("overwrite").parquet(f"{out}/{name}")
        _write_failures(spark, out, failures)
        say("tables written")
        return _result(out, counts, failures, sizes, t0, report)
    finally:
        for rdd in cached:
            rdd.unpersist()
        if own:
            spark.stop()


def _process(it: Any, sdict: dict[str, Any], enrich: bool) -> Any:
    from storyline.spark.articles import process_partition

    return process_partition(it, sdict, enrich)


def _pub_key(data: str) -> tuple[bool, str, str]:
    d = json.loads(data)
    return (d.get("published") is None, d.get("published") or "", d["id"])


def _enrich(arts: Any, sdict: dict[str, Any]) -> Any:
    """Enrich and canonicalise in the local engine's batches: publication order, ``BATCH`` at a time.

    Each partition of batches builds the local engine's own enrichment step
    (``pipeline.make_enricher``: spaCy loaded once per partition, then
    canonicalisation per batch) and, like ``pipeline.build``, keeps a batch
    unenriched when the step fails on it.
    """
    from storyline.pipeline import BATCH

    ranked = arts.map(lambda kv: (_pub_key(kv[1]), kv)).sortByKey().values().zipWithIndex()
    batches = ranked.map(lambda x: (x[1] // BATCH, (x[1], x[0]))).groupByKey()
    return batches.mapPartitions(lambda it: _enrich_batches(it, sdict))


def _enrich_batches(batches: Any, sdict: dict[str, Any]) -> Any:
    from storyline.pipeline import make_enricher

    step, note = make_enricher(Settings(**sdict))
    if note:
        print(f"note: {note}", file=sys.stderr)
    for _, rows in batches:
        batch = [Article.from_dict(json.loads(data)) for _, (_, data) in sorted(rows, key=lambda r: r[0])]
        if step is not None:
            try:
                batch = step(batch)
            except Exception as exc:  # as pipeline.build: enrichment never costs an article
                print(f"note: enrichment failed on a batch ({type(exc).__name__}: {exc}); kept without it",
                      file=sys.stderr)
        for a in batch:
            yield a.id, json.dumps(a.to_dict(), ensure_ascii=False)


def _stats(rows: Any) -> Any:
    """Rows per table and block sizes of one partition of block results (one pass, one job)."""
    counts: dict[str, int] = {}
    sizes: list[int] = []
    for table, row in rows:
        if table == "block":
            sizes.append(row)
        else:
            counts[table] = counts.get(table, 0) + 1
    yield counts, sizes


def _write_failures(spark: Any, out: str, failures: list[tuple[Failure, int]]) -> None:
    rows = [(f.source, f.reason) for f, _ in sorted(failures, key=lambda fo: fo[1])]
    spark.createDataFrame(rows, SCHEMAS["failures"]).coalesce(1).write.mode("overwrite").parquet(f"{out}/failures")


def _write_empty(spark: Any, out: str) -> None:
    for name in SCHEMAS:
        if name != "failures":
            spark.createDataFrame([], SCHEMAS[name]).write.mode("overwrite").parquet(f"{out}/{name}")


def _result(out: str, counts: dict[str, int], failures: list[tuple[Failure, int]], sizes: list[int],
            t0: float, report: bool) -> SparkBuild:
    ordered = tuple(f for f, _ in sorted(failures, key=lambda fo: fo[1]))
    if report:
        for f in ordered:
            print(str(f), file=sys.stderr, flush=True)
    linked = [n for n in sizes if n > 1]
    return SparkBuild(str(out), counts.get("articles", 0), counts.get("stories", 0), counts.get("events", 0),
                      ordered, len(linked), max(sizes, default=0), time.perf_counter() - t0)
