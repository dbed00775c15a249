"""Cross-document entity canonicalisation on MEANTIME English (B-cubed F1 over mentions).

Usage: .venv/bin/python bench/bench_entities.py [--limit N]

1. Rebuild the 120 documents (bench/meantime.py) and enrich them; canonicalise the mentions
   across all documents with EntityCanonicaliser.
2. Gold: MEANTIME's named mentions (syntactic_type NAM) of people, organisations and places,
   each with its cross-document instance id.
3. Each gold mention is aligned to the predicted mention overlapping it most (detection recall
   is reported); B-cubed precision/recall/F1 is computed over the aligned mentions, comparing
   the predicted entity ids with the gold instances, over the whole corpus (so cross-document
   links count). Baseline for comparison: the same mentions clustered by their exact string.
4. Canonicalisation alone (``gold_mentions_bcubed``): the gold mention strings, without NER
   errors, through the same within-article resolution and canonicaliser.
Results: bench/results/entities.json.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "src"))
sys.path.insert(0, HERE)

import meantime  # noqa: E402
from storyline.enrich import Enricher, canonicalise  # noqa: E402
from storyline.records import Article  # noqa: E402
from storyline.settings import Settings  # noqa: E402

RESULTS = os.path.join(HERE, "results")
TYPES = {"PER", "ORG", "LOC"}


def bcubed(pred: list[str], gold: list[str]) -> dict[str, float]:
    """B-cubed P/R/F1 (percent) of two labelings of the same items."""
    by_p: dict[str, set[int]] = collections.defaultdict(set)
    by_g: dict[str, set[int]] = collections.defaultdict(set)
    for i, (p, g) in enumerate(zip(pred, gold, strict=True)):
        by_p[p].add(i)
        by_g[g].add(i)
    n = len(pred) or 1
    prec = sum(len(by_p[p] & by_g[g]) / len(by_p[p]) for p, g in zip(pred, gold, strict=True)) / n
    rec = sum(len(by_p[p] & by_g[g]) / len(by_g[g]) for p, g in zip(pred, gold, strict=True)) / n
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"p": round(100 * prec, 2), "r": round(100 * rec, 2), "f1": round(100 * f1, 2)}


def gold_mention_bcubed(docs: list[meantime.Doc]) -> dict[str, float]:
    """Canonicalisation alone: the gold named mentions (their strings, with spaCy-style labels)
    go through the article-local resolution and the canonicaliser; B-cubed against gold."""
    from storyline.enrich.canon import EntityCanonicaliser
    from storyline.enrich.entities import _Raw, resolve_local

    label = {"PER": "PERSON", "ORG": "ORG", "LOC": "GPE"}
    arts, gold = [], []
    for d in docs:
        ms = sorted((g for g in d.entities if g["syntactic_type"] == "NAM" and g["type"] in TYPES
                     and g["instance"]), key=lambda g: g["start"])
        raws = [_Raw(g["text"], label[g["type"]], g["start"], g["end"], None, 0, 0) for g in ms]
        arts.append(Article(id=d.id, source=d.id, text=d.text, mentions=tuple(resolve_local(raws)),
                            quotes=(), times=()))
        gold.append([g["instance"] for g in ms])
    canon = EntityCanonicaliser().fit(arts)
    pred_ids, gold_ids = [], []
    for a, g in zip(canon.transform(arts), gold, strict=True):
        for m, inst in zip(a.mentions or (), g, strict=True):
            pred_ids.append(m.entity or "")
            gold_ids.append(inst)
    return bcubed(pred_ids, gold_ids)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--out", default=os.path.join(RESULTS, "entities.json"))
    args = ap.parse_args(argv)
    docs = meantime.load()
    if args.limit:
        docs = docs[: args.limit]
    arts = [Article(id=d.id, source=d.id, text=d.text, published=d.published, language="en") for d in docs]
    t0 = time.perf_counter()
    enriched = list(Enricher(Settings()).pipe(arts))
    canon_arts, entities = canonicalise(enriched)
    elapsed = time.perf_counter() - t0
    pred_ids, gold_ids, strings = [], [], []
    n_gold = 0
    for d, a in zip(docs, canon_arts, strict=True):
        for g in d.entities:
            if g["syntactic_type"] != "NAM" or g["type"] not in TYPES or not g["instance"]:
                continue
            n_gold += 1
            best, best_ov = None, 0
            for m in a.mentions or ():
                ov = min(m.end, g["end"]) - max(m.start, g["start"])
                if ov > best_ov:
                    best, best_ov = m, ov
            if best is not None and best.entity:
                pred_ids.append(best.entity)
                gold_ids.append(g["instance"])
                strings.append(best.text)
    cross = [k for k, v in collections.Counter(
        (g, d.id) for d in docs for g in {e["instance"] for e in d.entities if e["syntactic_type"] == "NAM"}
    ).items()]
    docs_per_instance = collections.Counter(g for g, _ in cross)
    summary = {
        "bench": "entities", "data": "meantime-en (120 docs, NAM mentions of PER/ORG/LOC)",
        "docs": len(docs), "seconds": round(elapsed, 2),
        "gold_mentions": n_gold, "aligned_mentions": len(pred_ids),
        "detection_recall": round(100 * len(pred_ids) / n_gold, 2) if n_gold else 0.0,
        "bcubed": bcubed(pred_ids, gold_ids),
        "baseline_exact_string_bcubed": bcubed(strings, gold_ids),
        "gold_mentions_bcubed": gold_mention_bcubed(docs),
        "entities": len(entities),
        "gold_instances_in_several_docs": sum(1 for v in docs_per_instance.values() if v > 1),
    }
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump(summary, fh, indent=1)
    print(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
