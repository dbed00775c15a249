"""Metadata quality on news-metadata-dev: title, date, authors and body snippets.

Runs storyline (RawDoc(kind="html") -> extract_article) and, in the same run,
trafilatura alone (``bare_extraction(with_metadata=True)`` in its default setting)
over ../shared/data/news-metadata-dev (548 pages), writes both prediction sets as
JSONL and scores each with ../shared/eval/score_metadata.py.

Run:  .venv/bin/python bench/bench_metadata.py [--limit N]
Writes bench/results/metadata.json (and the predictions next to it) and prints a table.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from pages import load_module, read_pages

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DATA = SHARED / "data" / "news-metadata-dev"
SCORER = SHARED / "eval" / "score_metadata.py"
RESULTS = ROOT / "bench" / "results" / "metadata.json"


def load_scorer() -> Any:
    """score_metadata.py as a module (its ``score`` and ``figures`` give the figures)."""
    return load_module(SCORER)


def load_pages(limit: int | None = None, keys: list[str] | None = None) -> tuple[dict[str, Any], dict[str, str]]:
    """(gold, {file name: decoded HTML}) in sorted order."""
    gold = json.loads((DATA / "gold.json").read_text(encoding="utf-8"))
    ks = sorted(gold) if keys is None else keys
    if limit:
        ks = ks[:limit]
    pages = read_pages(DATA / "html", ks, ".gz")
    return {k: gold[k] for k in ks}, pages


def run_storyline(gold: dict[str, Any], pages: dict[str, str]) -> list[dict[str, Any]]:
    """Predictions through storyline's own extract_article."""
    from storyline.errors import ExtractError
    from storyline.extract import extract_article
    from storyline.records import RawDoc

    out = []
    for k, html in pages.items():
        doc = RawDoc(source=f"html/{k}.gz", kind="html", body=html, url=gold[k].get("url") or None)
        try:
            out.append(extract_article(doc).to_dict())
        except ExtractError:
            out.append({"source": doc.source, "text": ""})
    return out


def run_trafilatura(gold: dict[str, Any], pages: dict[str, str]) -> list[dict[str, Any]]:
    """trafilatura alone: bare_extraction with metadata, default settings."""
    from trafilatura import bare_extraction
    from trafilatura.settings import Document

    out: list[dict[str, Any]] = []
    for k, html in pages.items():
        d = bare_extraction(html, url=gold[k].get("url") or None, with_metadata=True)
        if not isinstance(d, Document):  # None when nothing was extracted
            out.append({"source": f"html/{k}.gz", "text": ""})
            continue
        out.append({
            "source": f"html/{k}.gz",
            "title": d.title,
            "published": d.date,
            "authors": d.author.split("; ") if d.author else [],
            "text": d.text or "",
        })
    return out


def evaluate(scorer: Any, gold: dict[str, Any], preds: list[dict[str, Any]]) -> dict[str, Any]:
    """Score predictions with score_metadata.py's own functions."""
    by_name = {}
    for rec in preds:
        name = rec["source"].split("/")[-1].removesuffix(".gz")
        by_name[name] = rec
    keys = sorted(gold)
    t, _details = scorer.score(gold, by_name, keys)
    return dict(scorer.figures(t, len(keys), sum(1 for k in keys if k in by_name)))


FIELDS = (("title", "exact"), ("title", "lenient"), ("date", "day"), ("date", "within_1d"),
          ("author", "any"), ("author", "exact_set"), ("author", "name_f1"), ("body", "precision"),
          ("body", "recall"), ("body", "f1"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--limit", type=int)
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--no-peers", action="store_true")
    args = ap.parse_args(argv)
    scorer = load_scorer()
    gold, pages = load_pages(args.limit)
    systems = {"storyline": run_storyline}
    if not args.no_peers:
        systems["trafilatura"] = run_trafilatura  # type: ignore[dict-item]
    result: dict[str, Any] = {"docs": len(pages), "systems": {}}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    for name, fn in systems.items():
        t0 = time.perf_counter()
        preds = fn(gold, pages)
        secs = time.perf_counter() - t0
        pred_path = args.out.with_name(f"metadata-{name}.jsonl")
        with pred_path.open("w", encoding="utf-8") as fh:
            for rec in preds:
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        fig = evaluate(scorer, gold, preds)
        fig["seconds"] = round(secs, 2)
        result["systems"][name] = fig
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    names = list(result["systems"])
    print(f"{'field':<20}" + "".join(f"{n:>14}" for n in names))
    for field, figure in FIELDS:
        row = [result["systems"][n][field][figure] for n in names]
        print(f"{field + ' ' + figure:<20}" + "".join(f"{'-' if v is None else v:>14}" for v in row))
    print(f"{'seconds':<20}" + "".join(f"{result['systems'][n]['seconds']:>14}" for n in names))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
