"""The local engine: runs storyline's stages in order, in one process, into the store.

``build(paths, settings)`` is what ``storyline build`` runs:

1. **ingest + extract** every input (failures are reported, never fatal);
   articles already in the store (same content-hash id) are skipped.
2. **enrich + canonicalise** the new articles in batches, compute their MinHash
   signatures, and commit each batch to the store as *pending* (stored, not yet
   in a story). Enrichment is the slow stage, so its work is saved as it goes;
   with ``settings.workers`` > 1 the batches are enriched in that many worker
   processes (``storyline.workers.OrderedPool``) and committed in input order,
   so the store is the same whatever the number of workers.
3. **dedup + cluster**: the deduplicator and the story clusterer are warm-started
   from the store (earlier articles keep their stories and ids), then the pending
   articles are added online, all at once so the IDF covers them all.
4. **reconcile + tell** every story the run touched: events, entities and quotes
   re-assembled, fact tables and conflicts (``reconcile``), then the timeline and
   the cited summary (``tell``); in ``settings.workers`` processes too, a chunk of
   stories per task, written in order.
5. **write** memberships and those stories, a few stories per transaction.

Crash safety: every write is a transaction and every id a content hash. After a
``kill -9`` in step 2, the committed batches stay and the rest is redone; in
step 4, pending articles without a story are clustered on the re-run. Nothing
is lost and nothing is stored twice.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from storyline.cluster.assemble import assemble_story
from storyline.cluster.features import day_of
from storyline.cluster.stories import StoryClusterer
from storyline.dedup import Deduplicator, signature
from storyline.errors import ExtractError, StorylineError
from storyline.reconcile import Reconciler
from storyline.records import Article, Failure, Story
from storyline.settings import Settings
from storyline.store import Membership, Store
from storyline.workers import OrderedPool, batched

# One enriched batch: its articles, their MinHash signatures, and a note (why not enriched).
EnrichedBatch = tuple[list[Article], dict[str, Any], str | None]

BATCH = 64  # articles enriched and committed together: small enough to lose little to a crash
STORY_BATCH = 50  # stories told per worker task and written per transaction


@dataclass
class BuildReport:
    """What a build did."""

    failures: list[Failure] = field(default_factory=list)
    read: int = 0  # articles extracted from the inputs
    already_stored: int = 0
    added: int = 0  # new articles stored
    clustered: int = 0  # articles placed into stories by this run
    duplicates: int = 0  # of which near-copies of another article
    stories_touched: int = 0
    stories_total: int = 0
    enrich_note: str | None = None

    @property
    def exit_code(self) -> int:
        """0 when every input was processed, 1 when some failed (CONTRACT.md)."""
        return 1 if self.failures else 0


def extract_all(paths: Sequence[str], settings: Settings) -> Iterator[Article | Failure]:
    """Ingest and extract every input: Articles, and Failures for what could not be read."""
    from storyline.extract import extract_article
    from storyline.ingest import iter_documents

    for doc in iter_documents(paths, settings):
        if isinstance(doc, Failure):
            yield doc
            continue
        try:
            yield extract_article(doc)
        except ExtractError as exc:
            yield Failure(doc.source, str(exc))
        except RecursionError:
            yield Failure(doc.source, "document nested too deeply to parse")
        except Exception as exc:  # one bad input must not stop the build; name it
            yield Failure(doc.source, f"internal error while extracting ({type(exc).__name__}: {exc})")


def make_enricher(settings: Settings) -> tuple[Callable[[list[Article]], list[Article]] | None, str | None]:
    """The enrichment step (enrich, then canonicalise entities), or None and why not."""
    try:
        from storyline.enrich import Enricher, EntityCanonicaliser

        enricher = Enricher(settings)
    except (ImportError, OSError, StorylineError) as exc:
        return None, f"enrichment unavailable ({type(exc).__name__}: {exc}); clustered on words and capitalised names"

    def run(batch: list[Article]) -> list[Article]:
        out = list(enricher.pipe(batch))
        # Entity ids are hashes of canonical keys, so batches canonicalised apart agree.
        return EntityCanonicaliser().fit_transform(out)

    return run, None


def enrich_stage(settings: Settings, enrich: bool = True) -> Callable[[list[Article]], EnrichedBatch]:
    """The per-batch work of step 2, built once per process: enrich (unless ``enrich`` is
    False or enrichment is unavailable) and compute MinHash signatures. The returned
    function never raises: a batch that fails enrichment comes back as it was, with a note."""
    step, note = make_enricher(settings) if enrich else (None, "enrichment off")

    def run(batch: list[Article]) -> EnrichedBatch:
        why = note
        if step is not None:
            try:
                batch = step(batch)
            except Exception as exc:  # enrichment is an improvement, never a reason to lose articles
                why = f"enrichment failed on a batch ({type(exc).__name__}: {exc}); stored without it"
        return batch, {a.id: _hashvalues(a, settings) for a in batch}, why

    return run


def enricher_stage(settings: Settings) -> Callable[[list[Article]], list[Article]]:
    """``Enricher(settings).pipe`` over a batch, built once per process (``extract --enrich``)."""
    from storyline.enrich import Enricher

    enricher = Enricher(settings)
    return lambda batch: list(enricher.pipe(batch))


def resolve_workers(n: int) -> int:
    """``settings.workers`` as a process count: 0 (or less) means one per CPU core."""
    import os

    return n if n > 0 else max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def build(
    paths: Sequence[str],
    settings: Settings | None = None,
    db: str | None = None,
    *,
    enrich: bool = True,
    on_failure: Callable[[Failure], None] | None = None,
    log: Callable[[str], None] | None = None,
    progress: Callable[[str, int, int | None], None] | None = None,
) -> BuildReport:
    """Run the whole pipeline over ``paths`` into the store ``db`` (default ``settings.db``).

    ``progress(stage, done, total)`` is called as work advances (``total`` is None
    while the inputs are still being read), for progress bars.
    """
    settings = settings or Settings.from_env()
    report = BuildReport()
    say = log or (lambda msg: None)
    tick = progress or (lambda stage, done, total: None)

    # 1. ingest + extract
    new: dict[str, Article] = {}
    for item in extract_all(paths, settings):
        if isinstance(item, Failure):
            report.failures.append(item)
            if on_failure:
                on_failure(item)
            continue
        report.read += 1
        new.setdefault(item.id, item)
        tick("reading", report.read + len(report.failures), None)
    with Store(db or settings.db) as store:
        stored = store.known_ids(new)
        report.already_stored = len(stored)
        todo = sorted((a for i, a in new.items() if i not in stored),
                      key=lambda a: (a.published is None, a.published or "", a.id))
        # 2. enrich, sign and commit in batches (pending: no story yet), in worker processes
        #    when settings.workers > 1 (results come back in order, so the store is the same)
        if todo:
            # more processes than batches would only load more models
            workers = min(resolve_workers(settings.workers), -(-len(todo) // BATCH))
            pool = OrderedPool(partial(enrich_stage, settings, enrich), workers=workers)
            said: set[str] = set()
            for batch, sigs, note in pool.map(batched(todo, BATCH)):
                if note and note not in said:
                    said.add(note)
                    report.enrich_note = report.enrich_note or note
                    say(f"note: {note}")
                with store.transaction():
                    report.added += store.add_articles(batch, sigs)
                say(f"stored {report.added}/{len(todo)} new articles")
                tick("storing", report.added, len(todo))
            if pool.note:
                say(f"note: {pool.note}")
        # 3. + 4. cluster whatever is pending (also what a crashed run left behind)
        cluster_pending(store, settings, report, progress=tick)
        report.stories_total = store.count("stories")
    return report


def _hashvalues(a: Article, settings: Settings) -> Any:
    sig = signature(a.text)
    return None if sig is None else sig.hashvalues


def cluster_pending(
    store: Store, settings: Settings, report: BuildReport | None = None,
    progress: Callable[[str, int, int | None], None] | None = None,
) -> BuildReport:
    """Place the stored articles that have no story yet, and rewrite the stories they touch.

    ``progress("telling", done, total)`` is called as stories are written.
    """
    report = report or BuildReport()
    members = store.memberships()
    known = {m.article_id: m.story_id for m in members}
    known_dups = {m.article_id: m.duplicate_of for m in members if m.duplicate_of}
    sigs = store.signatures()
    pending_ids = [i for i in sigs if i not in known]
    if not pending_ids:
        return report
    # Clustering reads text, title and dates: the enrichment stays on disk until a story is told.
    articles = list(store.articles(enrichment=False))
    by_id = {a.id: a for a in articles}
    # Dedup: the index holds the placed articles; pending ones are queried, then added.
    dd = Deduplicator(threshold=settings.dedup_threshold, window_days=settings.story_window_days)
    # Publication days place each signature in its time bucket; undated ones go under the newest day.
    days = {i: day_of(a.published) for i, a in by_id.items()}
    newest = max((d for d in days.values() if d is not None), default=None)
    dd.partial_fit([], known={i: sigs[i] for i in sigs if i in known}, known_duplicates=known_dups,
                   known_days=days, undated_day=newest)
    dd.partial_fit([by_id[i] for i in pending_ids], signatures={i: sigs[i] for i in pending_ids},
                   undated_day=newest)
    dups = dict(dd.duplicates_)
    sc = StoryClusterer(threshold=settings.story_threshold, window_days=settings.story_window_days)
    sc.partial_fit(articles, duplicates=dups, known=known,
                   known_reasons={m.article_id: m.reason for m in members if m.reason}, undated_day=newest)
    touched: dict[str, list[str]] = {}
    for i in pending_ids:
        touched.setdefault(sc.labels_[i], []).append(i)
    report.clustered += len(pending_ids)
    report.duplicates += sum(1 for i in pending_ids if i in dups)
    report.stories_touched += len(touched)
    notes = dict(sc.reasons_)
    for m in members:
        if m.reason:
            notes.setdefault(m.article_id, m.reason)
    members_of: dict[str, list[str]] = {}
    for i, sid in sc.labels_.items():
        if sid in touched:
            members_of.setdefault(sid, []).append(i)

    del articles, by_id  # the light copies; each chunk of stories reads its articles whole

    def jobs(chunk: list[str]) -> list[StoryJob]:
        full = {a.id: a for a in store.articles([i for sid in chunk for i in members_of[sid]])}
        out = []
        for sid in chunk:
            member_ids = members_of[sid]
            out.append((sid, [full[i] for i in member_ids if i in full],
                        {i: dups[i] for i in member_ids if i in dups},
                        {i: notes[i] for i in member_ids if i in notes}))
        return out

    # 4. reconcile + tell, in worker processes when settings.workers > 1 (results in order)
    workers = resolve_workers(settings.workers)
    # several chunks per worker, so a worker with a big story does not hold up the rest
    size = STORY_BATCH if workers <= 1 else max(1, min(STORY_BATCH, -(-len(touched) // (4 * workers))))
    chunks = list(batched(sorted(touched), size))
    workers = min(workers, len(chunks))
    pool = OrderedPool(tell_stage, workers=workers)
    written = 0
    for chunk, told in zip(chunks, pool.map(jobs(c) for c in chunks), strict=True):
        with store.transaction():
            store.assign(
                Membership(i, sid, dups.get(i), sc.reasons_.get(i)) for sid in chunk for i in touched[sid]
            )
            for story, outlets in told:
                store.put_story(story, outlets)
        written += len(chunk)
        if progress:
            progress("telling", written, len(touched))
    return report


# One story to tell: its id, its articles, which of them are copies of which, their notes.
StoryJob = tuple[str, list[Article], dict[str, str], dict[str, str]]


def tell_stage() -> Callable[[list[StoryJob]], list[tuple[Story, list[str]]]]:
    """Step 4 for a chunk of stories, built once per process (the gazetteer loads once):
    each story assembled (events, entities, quotes), reconciled and told, with its outlets."""
    reconciler = Reconciler()

    def run(jobs: list[StoryJob]) -> list[tuple[Story, list[str]]]:
        out = []
        for sid, arts, dups, notes in jobs:
            story = assemble_story(sid, arts, duplicates=dups, notes=notes)
            story = tell(story, {a.id: a for a in arts}, reconciler)
            out.append((story, sorted({a.outlet for a in arts if a.outlet})))
        return out

    return run


def tell(story: Story, articles: dict[str, Article], reconciler: Reconciler) -> Story:
    """Reconcile a story (facts, conflicts, aligned quotes), then tell it (timeline, summary).

    A failure here costs the story its facts or summary, never its articles: the
    story is stored as assembled and the reason kept in its notes.
    """
    from storyline.tell import tell_story

    try:
        return tell_story(reconciler.reconcile(story, articles), articles)
    except Exception as exc:  # reconciliation is an addition to a story, never a reason to lose it
        notes = dict(story.notes)
        notes[story.id] = f"reconcile/tell failed ({type(exc).__name__}: {exc})"
        return story.replace(notes=notes)


def print_failure(failure: Failure) -> None:
    """Print one failure in the contract's form (``error: <path>: <reason>``)."""
    print(str(failure), file=sys.stderr, flush=True)
