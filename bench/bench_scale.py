"""How dedup and story/event clustering scale: time and peak memory at 1k, 10k, 100k articles.

Corpora are built from the real texts in ../shared/data: the dated Timeline17
articles (BBC, Guardian, Reuters, Washington Post, CNN, Fox News on the BP oil
spill, H1N1, Haiti, Egypt) and the ECB+ dev documents (given dates in 2012-2013).
To reach a size, each base text is reused as new articles: copy k of a text is
dated k x 45 days later (so it belongs to a later story, beyond the 30-day
window), has about 15% of its sentences dropped and 5% of its words replaced by
words of another text; one article in twenty is an exact syndicated copy of
another one published the same week (dedup must catch those).

Each size runs in a fresh process so peak memory (ru_maxrss) is its own. Timed:
near-duplicate detection (`Deduplicator.fit`), story clustering
(`StoryClusterer.fit`, which includes featurisation), and event grouping over
every story (`EventGrouper.fit`). Extraction and enrichment are per-article
stages outside this measurement.

Events are per story, so with ``--workers 2`` (the default) they run in two
spawned processes over chunks of stories (largest first), each sent its
stories' articles. Reported CPU seconds add the workers' (their own count, which
excludes interpreter start-up) to this process's (which includes pickling the
articles); peak RSS adds this process's peak and each worker's (an upper
bound: the peaks need not coincide). Spawned, not forked: a forked worker's RSS
counts the parent's heap again, so the sum would say nothing. ``answers_sha1`` hashes every story (members, copies, notes) and event:
equal digests before and after a change mean the change kept the answers.

Also (``--blocks``): how the Spark engine's time-bucketed blocking cuts real
dated news, the 2,372 Timeline17 articles (ten outlet/topic timelines over
2009-2011) in their own dates: number of blocks and the largest, with the
time buckets and with the same keys stripped of their buckets (what blocking
was before). CPU seconds throughout: the machine is shared.

Run:
    .venv/bin/python bench/bench_scale.py                 # 1k and 10k
    .venv/bin/python bench/bench_scale.py --sizes 1000,10000,100000   # ~15 min: nice it
    .venv/bin/python bench/bench_scale.py --one 10000 --workers 1     # one size, printed only
    .venv/bin/python bench/bench_scale.py --sizes '' --blocks
Writes bench/results/scale.json.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import random
import re
import resource
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

_PTB = {"-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]", "``": '"', "''": '"'}


def _untokenise(text: str) -> str:
    for k, v in _PTB.items():
        text = text.replace(k, v)
    text = re.sub(r" ([,.;:!?%)\]'](?:\s|$))", r"\1", text)
    return re.sub(r"([(\[]) ", r"\1", text).replace(" n't", "n't").replace(" 's", "'s")


def base_texts() -> list[tuple[str, str, str]]:
    """(id, ISO date, text) of every real article used as a base."""
    out: list[tuple[str, str, str]] = []
    for f in sorted(glob.glob(str(DATA / "timeline17-dev" / "data" / "*" / "articles.json"))):
        src = Path(f).parent.name
        for rec in json.loads(Path(f).read_text(encoding="utf-8")):
            text = _untokenise(str(rec.get("text") or ""))
            if len(text.split()) >= 50:
                out.append((f"{src}-{rec.get('uid')}", str(rec.get("dct") or "2010-01-01")[:10], text))
    from bench_clusters import load_ecbplus

    rng = random.Random(0)
    for d in load_ecbplus():
        day = date(2012, 1, 1) + timedelta(days=rng.randrange(730))
        out.append((str(d["id"]), day.isoformat(), str(d["maintext"])))
    return out


def corpus(n: int, seed: int = 13) -> list:  # type: ignore[type-arg]
    """``n`` articles made from the base texts (see the module docstring)."""
    from storyline.records import Article

    rng = random.Random(seed)
    bases = base_texts()
    vocab = [w for _, _, t in bases[:300] for w in t.split()[:200]]
    arts: list[Article] = []
    for i in range(n):
        bid, day, text = bases[i % len(bases)]
        k = i // len(bases)
        if i % 20 == 19 and arts:
            src = arts[rng.randrange(max(0, len(arts) - 200), len(arts))]
            arts.append(src.replace(id=f"a{i}", source=f"scale#{i + 1}", outlet=f"outlet{i % 97}"))
            continue
        sents = re.split(r"(?<=[.!?])\s+", text)
        if k:
            sents = [s for s in sents if rng.random() > 0.15] or sents[:1]
            words = " ".join(sents).split()
            for _ in range(len(words) // 20):
                words[rng.randrange(len(words))] = rng.choice(vocab)
            body = " ".join(words)
        else:
            body = " ".join(sents)
        published = (date.fromisoformat(day) + timedelta(days=45 * k + rng.randrange(3))).isoformat()
        title = sents[0][:120] if sents else None
        arts.append(Article(id=f"a{i}", source=f"scale#{i + 1}", text=body, title=title, published=published,
                            outlet=f"outlet{i % 97}", language="en"))
    return arts


def _events_of(payload: list[tuple[str, dict[str, str], list[Any]]]) -> tuple[
        list[tuple[str, list[dict[str, object]]]], float, float, int]:
    """Events of some stories (in a worker): (story id, events), CPU seconds, peak RSS MB, pid.

    ``payload`` holds (story id, its copies, its articles) per story: the worker
    is spawned, not forked, so it holds only what it is sent (a forked worker's
    RSS would count the parent's whole heap again).
    """
    from storyline.cluster.events import EventGrouper

    c0 = time.process_time()
    out = []
    for sid, dups, arts in payload:
        ev = EventGrouper().fit(arts, story_id=sid, duplicates=dups).events_
        out.append((sid, [e.to_dict() for e in ev]))
    return out, time.process_time() - c0, _peak_rss_mb(), os.getpid()


def _peak_rss_mb() -> float:
    """This process's peak RSS in MB: VmHWM, the high-water mark of its own address space.

    Not ``ru_maxrss``: Linux carries that over fork and exec, so a spawned worker
    would report its parent's peak.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _chunks_by_cost(stories: list, n_chunks: int) -> list[list[int]]:  # type: ignore[type-arg]
    """Story indices cut into chunks of about equal work (largest stories first, greedy)."""
    order = sorted(range(len(stories)), key=lambda k: -len(stories[k].articles))
    # Many small chunks rather than n_workers big ones: the pool balances them as workers free up.
    n_chunks = max(1, min(n_chunks, len(order)))
    chunks: list[list[int]] = [[] for _ in range(n_chunks)]
    load = [0] * n_chunks
    for k in order:
        j = min(range(n_chunks), key=load.__getitem__)
        chunks[j].append(k)
        load[j] += len(stories[k].articles) + 20  # + a fixed per-story cost
    return [c for c in chunks if c]


def answers_digest(stories: list, events: dict[str, list[dict[str, object]]]) -> str:  # type: ignore[type-arg]
    """SHA-1 of every story (id, members, duplicates, notes) and event: equal digests, equal answers."""
    import hashlib

    h = hashlib.sha1()
    for s in sorted(stories, key=lambda s: s.id):
        h.update(json.dumps([s.id, sorted(s.articles), s.duplicates, s.notes, events.get(s.id, [])],
                            sort_keys=True).encode())
    return h.hexdigest()


def measure(n: int, workers: int = 2) -> dict[str, object]:
    """Time and peak memory of dedup + story + event clustering over ``n`` articles.

    Dedup and stories run in this process; events run per story in ``workers``
    spawned processes (1: in this process). CPU seconds add this process's and
    the workers'; peak RSS adds this process's peak and each worker's peak (an
    upper bound: the peaks need not coincide).
    """
    from storyline.cluster.stories import StoryClusterer
    from storyline.dedup import Deduplicator

    arts = corpus(n)
    rss_corpus = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    by_id = {a.id: a for a in arts}
    # CPU seconds are reported next to wall seconds: the 2 cores are shared, so wall
    # time says as much about the neighbours as about storyline.
    t0, c0 = time.perf_counter(), time.process_time()
    dd = Deduplicator().fit(arts)
    t1, c1 = time.perf_counter(), time.process_time()
    sc = StoryClusterer().fit(arts, duplicates=dd.duplicates_)
    t2, c2 = time.perf_counter(), time.process_time()
    rss_main = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    events: dict[str, list[dict[str, object]]] = {}
    worker_cpu = 0.0
    worker_rss: dict[int, float] = {}

    def payloads(chunks: list[list[int]]) -> Any:
        for chunk in chunks:
            yield [(s.id, s.duplicates, [by_id[i] for i in s.articles])
                   for s in (sc.stories_[k] for k in chunk)]

    if workers <= 1:
        got, cpu, _, _ = _events_of(next(payloads([list(range(len(sc.stories_)))])))
        events.update(got)
    else:
        import multiprocessing as mp

        with mp.get_context("spawn").Pool(workers) as pool:
            for got, cpu, rss, pid in pool.imap_unordered(_events_of, payloads(_chunks_by_cost(sc.stories_, workers * 8))):
                events.update(got)
                worker_cpu += cpu
                worker_rss[pid] = max(rss, worker_rss.get(pid, 0.0))
    t3, c3 = time.perf_counter(), time.process_time()
    cpu_events = (c3 - c2) + worker_cpu
    cpu_total = (c3 - c0) + worker_cpu
    load = os.getloadavg()[0]
    peak_main = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "articles": n, "duplicates_found": len(dd.duplicates_), "stories": len(sc.stories_),
        "events": sum(len(v) for v in events.values()),
        "largest_stories": sorted((len(s.articles) for s in sc.stories_), reverse=True)[:5],
        "event_workers": max(1, workers),
        "seconds": {"dedup": round(t1 - t0, 1), "stories": round(t2 - t1, 1), "events": round(t3 - t2, 1),
                    "total": round(t3 - t0, 1)},
        "cpu_seconds": {"dedup": round(c1 - c0, 1), "stories": round(c2 - c1, 1), "events": round(cpu_events, 1),
                        "total": round(cpu_total, 1)},
        "per_1k_articles_cpu_seconds": round(cpu_total / n * 1000, 2),
        "per_1k_articles_cpu_seconds_by_stage": {
            "dedup": round((c1 - c0) / n * 1000, 2), "stories": round((c2 - c1) / n * 1000, 2),
            "events": round(cpu_events / n * 1000, 2)},
        "load_average_at_end": round(load, 1),
        "peak_rss_mb": round(peak_main + sum(worker_rss.values())),
        "peak_rss_mb_by_process": {"main": round(peak_main), "main_before_events": round(rss_main),
                                   "event_workers": [round(v) for v in worker_rss.values()]},
        "rss_after_corpus_mb": round(rss_corpus),
        "answers_sha1": answers_digest(sc.stories_, events),
    }


def real_news_blocks() -> dict[str, object]:
    """Blocks of the Spark engine's keys on the dated Timeline17 articles, with and without time buckets."""
    import dataclasses
    from collections import Counter

    from storyline.cluster.features import N_NAME_FEATURES, N_WORD_FEATURES
    from storyline.records import Article
    from storyline.settings import Settings
    from storyline.spark.blocks import components_on_driver
    from storyline.spark.stories import doc_freq_partition, keys_partition, newest_day_partition

    c0 = time.process_time()
    ecb = {str(d["id"]) for d in __import__("bench_clusters").load_ecbplus()}
    arts = [Article(id=i, source=i, text=t, published=d, language="en") for i, d, t in base_texts() if i not in ecb]
    sd = dataclasses.asdict(Settings())
    rows = [(a.id, json.dumps(a.to_dict(), ensure_ascii=False)) for a in arts]
    df = next(doc_freq_partition([r[1] for r in rows], sd))
    keyed = list(keys_partition(rows, sd, df, max(newest_day_partition([r[1] for r in rows]))))
    space = N_WORD_FEATURES + N_NAME_FEATURES

    def unbucketed(key: str) -> str:
        # "f<(bucket + 1) * space + feature>" -> "f<feature>"; "b<band>:<digest>:<bucket>" -> "b<band>:<digest>"
        return f"f{int(key[1:]) % space}" if key[0] == "f" else key.rsplit(":", 1)[0]

    out: dict[str, object] = {"articles": len(arts), "first": min(str(a.published) for a in arts),
                              "last": max(str(a.published) for a in arts)}
    for name, fn in (("time_bucketed", str), ("without_buckets", unbucketed)):
        block_of = components_on_driver([(fn(k), aid) for aid, _, _, keys in keyed for k in keys])
        sizes = Counter(block_of.get(a.id, a.id) for a in arts)
        top = sizes.most_common(1)[0]
        out[name] = {"blocks": len(sizes), "largest": top[1], "largest_fraction": round(top[1] / len(arts), 3),
                     "largest_by_timeline": dict(Counter(a.id.rsplit("-", 1)[0] for a in arts
                                                         if block_of.get(a.id, a.id) == top[0]))}
    out["cpu_seconds"] = round(time.process_time() - c0, 1)
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--blocks", action="store_true", help="also measure blocking on real dated news")
    ap.add_argument("--workers", type=int, default=2, help="processes for the events stage (1: none)")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)  # internal: measure one size here
    a = ap.parse_args(argv)
    if a.one:
        print(json.dumps(measure(a.one, a.workers)))
        return
    out = RESULTS / "scale.json"
    prev = json.loads(out.read_text()) if out.exists() else {}
    runs = {r["articles"]: r for r in prev.get("runs", [])}
    for n in (int(x) for x in a.sizes.split(",") if x):
        res = subprocess.run([sys.executable, __file__, "--one", str(n), "--workers", str(a.workers)],
                             capture_output=True, text=True, check=True)
        runs[n] = json.loads(res.stdout.strip().splitlines()[-1])
        print(json.dumps(runs[n]), flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    ordered = [runs[k] for k in sorted(runs)]
    blocks = real_news_blocks() if a.blocks else prev.get("blocks_real_news")
    if a.blocks:
        print(json.dumps(blocks), flush=True)
    out.write_text(json.dumps({
        "machine": "2 shared cores", "runs": ordered,
        "command": (f"bench/bench_scale.py --sizes {a.sizes} --workers {a.workers}") if a.sizes else prev.get("command"),
        **({"blocks_real_news": blocks} if blocks else {}),
    }, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
