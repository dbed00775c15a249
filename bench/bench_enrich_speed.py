"""Enrichment cost against spaCy's own nlp.pipe over the same texts (goal: at most 1.5x).

Usage: .venv/bin/python bench/bench_enrich_speed.py [--docs N] [--repeat R]

Texts: the first N MEANTIME documents and N PolNeAR dev articles (news prose of two lengths).
Both sides share one loaded pipeline; each is timed R times, alternating, and the best run of
each is kept (the machine is shared, so the minimum is the least noisy estimate). CPU time
(this process, all threads) is recorded beside wall time: it is less sensitive to other load.
Results: bench/results/enrich_speed.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "src"))
sys.path.insert(0, HERE)

import bench_quotes  # noqa: E402
import meantime  # noqa: E402
from storyline.enrich import Enricher  # noqa: E402
from storyline.enrich.nlp import PARSE_BATCH  # noqa: E402
from storyline.records import Article  # noqa: E402
from storyline.settings import Settings  # noqa: E402

RESULTS = os.path.join(HERE, "results")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=40)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--out", default=os.path.join(RESULTS, "enrich_speed.json"))
    args = ap.parse_args(argv)
    arts = [Article(id=d.id, source=d.id, text=d.text, published=d.published, language="en")
            for d in meantime.load()[: args.docs]]
    arts += bench_quotes.load_split("dev")[0][: args.docs]
    texts = [a.text for a in arts]
    enricher = Enricher(Settings())
    nlp = enricher.nlp
    list(nlp.pipe(texts[:5]))  # warm-up
    spacy_t, enrich_t, spacy_cpu, enrich_cpu = [], [], [], []
    for _ in range(args.repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        for _doc in nlp.pipe(texts, batch_size=PARSE_BATCH):
            pass
        spacy_t.append(time.perf_counter() - t0)
        spacy_cpu.append(time.process_time() - c0)
        t0, c0 = time.perf_counter(), time.process_time()
        for _art in enricher.pipe(arts, batch_size=PARSE_BATCH):
            pass
        enrich_t.append(time.perf_counter() - t0)
        enrich_cpu.append(time.process_time() - c0)
    chars = sum(len(t) for t in texts)
    summary = {
        "bench": "enrich_speed", "docs": len(texts), "chars": chars, "batch_size": PARSE_BATCH,
        "spacy_seconds": round(min(spacy_t), 3), "enrich_seconds": round(min(enrich_t), 3),
        "ratio": round(min(enrich_t) / min(spacy_t), 3), "goal_ratio": 1.5,
        "spacy_cpu_seconds": round(min(spacy_cpu), 3), "enrich_cpu_seconds": round(min(enrich_cpu), 3),
        "cpu_ratio": round(min(enrich_cpu) / min(spacy_cpu), 3),
        "runs": {"spacy": [round(x, 3) for x in spacy_t], "enrich": [round(x, 3) for x in enrich_t],
                 "spacy_cpu": [round(x, 3) for x in spacy_cpu], "enrich_cpu": [round(x, 3) for x in enrich_cpu]},
    }
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump(summary, fh, indent=1)
    print(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
