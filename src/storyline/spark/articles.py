"""The per-article stages on Spark: ingest -> extract -> enrich inside ``mapPartitions``.

These are the very functions the local engine calls (``ingest.read_file``,
``extract.extract_article``, ``enrich.Enricher.pipe``); this module only moves
them onto executors. The spaCy model is loaded once per partition, never per
record, and nothing is kept in module globals, so Python workers can be reused.

Each partition yields plain tuples (Spark rows without a schema):
``("article", id, json, order)`` for an article and ``("failure", source, reason, order)``
for an input (or one record of it) that failed, so a truncated WARC fails only
its own records and the job goes on. ``order`` is ``input_index * 2**32 + record``:
when two inputs hold an article with the same id, the first one in input order
is kept, as the local engine keeps it.

``run_spark_build`` calls this with ``enrich=False`` and enriches later, in the
local engine's publication-order batches (``spark.job._enrich``), because entity
canonicalisation is per batch; ``enrich=True`` is for jobs that only extract.
"""

from __future__ import annotations

import json
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

from storyline.records import Article, Failure
from storyline.settings import Settings

Row = tuple[str, str, str, int]

# Records per input are numbered below this (a 1 GB CC-NEWS WARC holds ~50k records).
RECORD_SLOTS = 2**32


def _rename(source: str, path: str, uri: str) -> str:
    """Name a record by the URI the user gave, not by a temporary copy of it."""
    return uri + source[len(path):] if source.startswith(path) else source


def _articles_of(
    index: int, uri: str, settings: Settings, failures: deque[tuple[Failure, int]]
) -> Iterator[tuple[Article, int]]:
    from storyline.errors import ExtractError
    from storyline.extract import extract_article
    from storyline.ingest import read_file
    from storyline.spark.inputs import fetched, is_remote, local_path

    given = uri if is_remote(uri) else local_path(uri)
    seq = 0
    try:
        with fetched(uri) as path:
            for doc in read_file(path, settings):
                seq += 1
                order = index * RECORD_SLOTS + seq
                source = _rename(doc.source, path, given)
                if isinstance(doc, Failure):
                    failures.append((Failure(source, doc.reason), order))
                    continue
                try:
                    yield extract_article(doc.replace(source=source)).replace(source=source), order
                except ExtractError as exc:
                    failures.append((Failure(source, str(exc)), order))
                except RecursionError:
                    failures.append((Failure(source, "document nested too deeply to parse"), order))
                except Exception as exc:  # one bad document must not kill the partition
                    failures.append((Failure(source, f"internal error while extracting ({type(exc).__name__}: {exc})"), order))
    except (OSError, ImportError) as exc:
        failures.append((Failure(given, f"cannot fetch: {exc}"), index * RECORD_SLOTS))


def process_partition(inputs: Iterable[tuple[int, str]], settings_dict: dict[str, Any], enrich: bool = True) -> Iterator[Row]:
    """Run ingest, extract and (optionally) enrich over one partition of ``(index, uri)`` inputs."""
    settings = Settings(**settings_dict)
    failures: deque[tuple[Failure, int]] = deque()
    orders: deque[int] = deque()

    def articles() -> Iterator[Article]:
        for index, uri in inputs:
            for art, order in _articles_of(index, uri, settings, failures):
                orders.append(order)
                yield art

    stream: Iterable[Article] = articles()
    if enrich:
        from storyline.errors import StorylineError

        try:
            from storyline.enrich import Enricher

            enricher = Enricher(settings)  # one model per partition
        except (ImportError, OSError, StorylineError) as exc:
            # As the local engine does: enrichment improves clustering, its absence is not a failure.
            print(f"note: enrichment unavailable on this executor ({type(exc).__name__}: {exc})", file=sys.stderr)
        else:
            stream = enricher.pipe(stream)
    # Enricher.pipe yields in input order, so the orders queue stays aligned with it.
    for art in stream:
        yield ("article", art.id, json.dumps(art.to_dict(), ensure_ascii=False), orders.popleft())
        while failures:
            f, order = failures.popleft()
            yield ("failure", f.source, f.reason, order)
    for f, order in failures:
        yield ("failure", f.source, f.reason, order)
