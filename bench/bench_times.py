"""Temporal expressions on MEANTIME English, scored with ../shared/eval/score_times.py.

Usage: .venv/bin/python bench/bench_times.py [--limit N] [--grammar-only] [--errors FILE]

1. Rebuild each of the 120 MEANTIME documents' text from its tokens (bench/meantime.py); the
   TIMEX3 with functionInDocument="CREATION_TIME" becomes the article's publication date.
   MEANTIME annotates TIMEX3 only in the headline and first four body sentences, so the whole
   text is enriched (context matters) but only expressions starting in that region are scored.
2. Write the gold in the scorer's format ({doc: [{text, value, type, start, end}]}).
3. Enrich with storyline's Enricher and score; ``--grammar-only`` runs the date grammar without
   the spaCy parse (no tense, no spaCy DATE entities) to show what the parse adds.
4. ``--errors FILE`` writes every mismatch (gold vs predicted, with context) grouped as VALUE
   (span overlaps, value differs), EXTENT (value right, span not exact), MISS and SPURIOUS. It
   holds corpus text: write it outside the repository (e.g. /tmp).
Results: bench/results/times.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "src"))
sys.path.insert(0, HERE)

import meantime  # noqa: E402
from storyline.enrich import Enricher  # noqa: E402
from storyline.enrich.times import extract_times  # noqa: E402
from storyline.records import Article  # noqa: E402
from storyline.settings import Settings  # noqa: E402

SCORER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "eval", "score_times.py")
RESULTS = os.path.join(HERE, "results")


def articles_and_gold(limit: int = 0) -> tuple[list[Article], dict[str, list[dict]], dict[str, int]]:
    """Articles, gold TIMEX3 per article and where each article's annotated region ends."""
    docs = meantime.load()
    if limit:
        docs = docs[:limit]
    arts = [Article(id=d.id, source=f"meantime/{d.corpus}/{d.id}", text=d.text, published=d.published,
                    language="en") for d in docs]
    return arts, {d.id: d.timexes for d in docs}, {d.id: d.annotated_end for d in docs}


def in_region(articles: list[Article], ends: dict[str, int]) -> list[Article]:
    """Keep only the times inside the annotated region (the rest of the text has no gold)."""
    return [a.replace(times=tuple(t for t in a.times or () if t.start < ends[a.id])) for a in articles]


def error_dump(articles: list[Article], gold: dict[str, list[dict]], path: str) -> dict[str, int]:
    """Write the mismatches of ``articles`` (already enriched, cut to the region) against ``gold``,
    grouped by kind, pairing spans greedily by overlap as the scorer does; returns the counts."""
    groups: dict[str, list[str]] = {"VALUE": [], "EXTENT": [], "MISS": [], "SPURIOUS": []}
    for a in articles:
        golds, preds = gold.get(a.id, []), list(a.times or ())
        pairs = sorted(((min(p.end, g["end"]) - max(p.start, g["start"])) / (max(p.end, g["end"]) - min(p.start, g["start"]))
                        + (1.0 if (p.start, p.end) == (g["start"], g["end"]) else 0.0), i, j)
                       for i, p in enumerate(preds) for j, g in enumerate(golds)
                       if min(p.end, g["end"]) > max(p.start, g["start"]))
        hit_p: set[int] = set()
        hit_g: set[int] = set()

        def ctx(s: int, e: int, text: str = a.text) -> str:
            return text[max(0, s - 50):e + 40].replace("\n", " ")

        for _, i, j in reversed(pairs):
            if i in hit_p or j in hit_g:
                continue
            hit_p.add(i)
            hit_g.add(j)
            p, g = preds[i], golds[j]
            kind = "VALUE" if p.value != g["value"] else "EXTENT" if (p.start, p.end) != (g["start"], g["end"]) else None
            if kind:
                groups[kind].append(f"[{a.id} dct={a.published}] gold={g['text']!r}:{g['value']}:{g['type']}"
                                    f"  pred={p.text!r}:{p.value} ({p.note})\n    ...{ctx(g['start'], g['end'])}...")
        groups["MISS"] += [f"[{a.id} dct={a.published}] gold={g['text']!r}:{g['value']}:{g['type']}\n"
                           f"    ...{ctx(g['start'], g['end'])}..." for j, g in enumerate(golds) if j not in hit_g]
        groups["SPURIOUS"] += [f"[{a.id} dct={a.published}] pred={p.text!r}:{p.value} ({p.note})\n"
                               f"    ...{ctx(p.start, p.end)}..." for i, p in enumerate(preds) if i not in hit_p]
    with open(path, "w", encoding="utf-8") as fh:
        for kind, lines in groups.items():
            fh.write(f"===== {kind} ({len(lines)})\n" + "".join(line + "\n" for line in lines))
    return {k: len(v) for k, v in groups.items()}


def run(articles: list[Article], gold: dict, ends: dict[str, int], grammar_only: bool = False,
        errors: str | None = None) -> tuple[dict, float]:
    t0 = time.perf_counter()
    if grammar_only:
        enriched = [a.replace(times=tuple(extract_times(a.text, a.published))) for a in articles]
    else:
        enriched = list(Enricher(Settings()).pipe(articles))
    elapsed = time.perf_counter() - t0
    enriched = in_region(enriched, ends)
    if errors:
        print("mismatches:", error_dump(enriched, gold, errors), "->", errors, file=sys.stderr)
    with tempfile.TemporaryDirectory() as tmp:
        gpath, ipath, ppath = (os.path.join(tmp, n) for n in ("gold.json", "inputs.jsonl", "pred.jsonl"))
        with open(gpath, "w", encoding="utf-8") as fh:
            json.dump(gold, fh)
        with open(ipath, "w", encoding="utf-8") as fh:
            for a in articles:
                fh.write(json.dumps({"id": a.id, "maintext": a.text}) + "\n")
        with open(ppath, "w", encoding="utf-8") as fh:
            for a in enriched:
                fh.write(json.dumps(a.to_dict()) + "\n")
        out = subprocess.run([sys.executable, SCORER, ppath, gpath, "--inputs", ipath],
                             capture_output=True, text=True, check=True)
    return json.loads(out.stdout), elapsed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--grammar-only", action="store_true")
    ap.add_argument("--out", default=os.path.join(RESULTS, "times.json"))
    ap.add_argument("--errors", help="write the mismatches grouped by kind to this file (holds corpus text)")
    args = ap.parse_args(argv)
    articles, gold, ends = articles_and_gold(args.limit)
    scores, elapsed = run(articles, gold, ends, args.grammar_only, args.errors)
    summary = {
        "bench": "times", "data": "meantime-en (120 docs, DCT from CREATION_TIME)",
        "mode": "grammar-only" if args.grammar_only else "enricher", "docs": len(articles),
        "seconds": round(elapsed, 2),
        "value_f1": scores["value"]["f1"], "value_accuracy": scores["value_accuracy"],
        "relaxed_f1": scores["relaxed"]["f1"], "strict_f1": scores["strict"]["f1"],
        "scores": scores,
    }
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump(summary, fh, indent=1)
    print(json.dumps({k: v for k, v in summary.items() if k != "scores"}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
