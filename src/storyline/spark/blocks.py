"""Independent blocks of articles: connected components of the article-key graph.

Each article brings its blocking keys (retrieval features and LSH bands, see
``spark.stories``); two articles sharing a key are linked, and a block is a
connected component. Why hand-written: GraphFrames is not on PyPI and MLlib
has no connected components for DataFrames; min-label propagation is a few
joins. Each round gives every key the smallest label among its articles and
every article the smallest label among its keys; it stops when no label moves
(at most the graph's diameter in rounds).

Small graphs are solved on the driver with a union-find instead
(``components_on_driver``: the same components without a dozen Spark jobs);
``run_spark_build(driver_limit=...)`` sets where the switch happens, and the
tests run both paths.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

# Edges (key, article) at or below which the driver finds the components itself:
# two million short strings is ~0.5 GB of driver memory, well within a default driver.
DRIVER_LIMIT = 2_000_000
# Label propagation rounds before giving up (a component whose diameter is this large
# is a chain of thousands of stories; never seen, but a job must not loop forever).
MAX_ROUNDS = 200


def shared_edges(edges: Any) -> Any:
    """Only the edges of keys held by two articles or more (the others link nothing)."""
    from pyspark.sql import functions as F  # noqa: N812 - Spark's own convention

    counts = edges.groupBy("key").agg(F.count("*").alias("n")).where("n > 1").select("key")
    return edges.join(counts, "key")


def components(edges: Any) -> Any:
    """A DataFrame ``(aid, block)``: each linked article's component (its smallest article id).

    ``edges`` is a DataFrame ``(key, aid)``. Articles with no shared key are not
    in the result (each is its own block).
    """
    linked = shared_edges(edges).persist()
    try:
        return _propagate(linked)
    finally:
        linked.unpersist()


def components_on_driver(edges: Iterable[tuple[str, str]]) -> dict[str, str]:
    """The same components as ``components``, by union-find over ``(key, aid)`` pairs on the driver.

    Returns ``{aid: block}`` for every article given (a lone article is its own block).
    """
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        root = x
        while parent.setdefault(root, root) != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    owner: dict[str, str] = {}
    for key, aid in edges:
        find(aid)
        if key in owner:
            a, b = find(owner[key]), find(aid)
            if a != b:
                # The smaller id is the root, so a block is named by its smallest article id.
                lo, hi = (a, b) if a < b else (b, a)
                parent[hi] = lo
        else:
            owner[key] = aid
    return {aid: find(aid) for aid in parent}


def _propagate(linked: Any) -> Any:
    from pyspark.sql import functions as F  # noqa: N812

    labels = linked.select("aid").distinct().withColumn("label", F.col("aid")).localCheckpoint()
    for _ in range(MAX_ROUNDS):
        key_min = linked.join(labels, "aid").groupBy("key").agg(F.min("label").alias("kl"))
        new = linked.join(key_min, "key").groupBy("aid").agg(F.min("kl").alias("label")).localCheckpoint()
        # Renamed, not aliased: both sides descend from one plan and aliases may resolve to one column.
        old = labels.withColumnRenamed("label", "old")
        moved = new.join(old, "aid").where(F.col("label") < F.col("old")).count()
        labels = new
        if moved == 0:
            break
    else:
        raise RuntimeError(f"blocking did not converge in {MAX_ROUNDS} rounds; raise spark.blocks.MAX_ROUNDS")
    return labels.withColumnRenamed("label", "block")
