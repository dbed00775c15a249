"""Body extraction quality on the article-extraction benchmark, storyline vs trafilatura.

Scores the ``text`` field on ../shared/data/article-extraction-benchmark (181 pages)
with ../shared/eval/score_extraction.py's metric (4-token shingles, macro P/R), in one
run for storyline (RawDoc(kind="html") -> extract_article, metadata included) and for
trafilatura alone in each of its settings (default, favor_precision, favor_recall,
each with and without comments), timing every run on the same decoded pages.

Run:  .venv/bin/python bench/bench_extraction.py [--limit N] [--out FILE]
Writes bench/results/extraction.json and prints a table.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pages import load_module, read_pages

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DATA = SHARED / "data" / "article-extraction-benchmark"
SCORER = SHARED / "eval" / "score_extraction.py"
RESULTS = ROOT / "bench" / "results" / "extraction.json"


def load_scorer() -> Any:
    """The benchmark's own scorer module (its ``pr`` function is the metric)."""
    return load_module(SCORER)


def load_pages(limit: int | None = None, ids: list[str] | None = None) -> tuple[dict[str, Any], dict[str, str]]:
    """(ground truth, {item id: decoded HTML}) in a fixed (sorted) order."""
    gt = json.loads((DATA / "ground-truth.json").read_text(encoding="utf-8"))
    keys = sorted(gt) if ids is None else ids
    if limit:
        keys = keys[:limit]
    pages = read_pages(DATA / "html", keys, ".html.gz")
    return {k: gt[k] for k in keys}, pages


def score(scorer: Any, gt: dict[str, Any], preds: dict[str, str]) -> dict[str, float]:
    """Macro precision/recall and F1 exactly as score_extraction.py computes them."""
    ps, rs = [], []
    for k, v in gt.items():
        p, r = scorer.pr(preds.get(k, ""), v["articleBody"])
        if p is not None:
            ps.append(p)
        rs.append(r)
    P = sum(ps) / len(ps) if ps else 0.0
    R = sum(rs) / len(rs) if rs else 0.0
    F = 2 * P * R / (P + R) if P + R else 0.0
    return {"precision": round(P, 4), "recall": round(R, 4), "f1": round(F, 4)}


def run_storyline(gt: dict[str, Any], pages: dict[str, str]) -> dict[str, str]:
    """storyline's own code path: one RawDoc per page through extract_article."""
    from storyline.errors import ExtractError
    from storyline.extract import extract_article
    from storyline.records import RawDoc

    out = {}
    for k, html in pages.items():
        doc = RawDoc(source=str(DATA / "html" / f"{k}.html.gz"), kind="html", body=html, url=gt[k]["url"])
        try:
            out[k] = extract_article(doc).text
        except ExtractError:
            out[k] = ""
    return out


def trafilatura_runner(**kwargs: Any) -> Callable[[dict[str, Any], dict[str, str]], dict[str, str]]:
    """trafilatura.extract with ``kwargs``, the peer."""

    def run(gt: dict[str, Any], pages: dict[str, str]) -> dict[str, str]:
        import trafilatura

        return {k: trafilatura.extract(h, url=gt[k]["url"], **kwargs) or "" for k, h in pages.items()}

    return run


PEERS: dict[str, dict[str, Any]] = {
    "trafilatura default": {},
    "trafilatura favor_precision": {"favor_precision": True},
    "trafilatura favor_recall": {"favor_recall": True},
    "trafilatura default, no comments": {"include_comments": False},
    "trafilatura favor_precision, no comments": {"favor_precision": True, "include_comments": False},
    "trafilatura favor_recall, no comments": {"favor_recall": True, "include_comments": False},
}


def measure(
    runner: Callable[[dict[str, Any], dict[str, str]], dict[str, str]],
    scorer: Any, gt: dict[str, Any], pages: dict[str, str],
) -> dict[str, Any]:
    """Score and wall time of one system on the pages."""
    t0, c0 = time.perf_counter(), time.process_time()
    preds = runner(gt, pages)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    res: dict[str, Any] = score(scorer, gt, preds)
    res["seconds"] = round(seconds, 2)
    # CPU time of this (single-threaded) process: wall time on a shared machine
    # swings with other jobs, CPU time does not, so speed is compared on it.
    res["cpu_seconds"] = round(cpu, 2)
    res["pages_per_second"] = round(len(pages) / seconds, 1) if seconds else None
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--limit", type=int, help="only the first N pages (sorted by id)")
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--no-peers", action="store_true", help="score storyline only")
    args = ap.parse_args(argv)
    scorer = load_scorer()
    gt, pages = load_pages(args.limit)
    # Warm up imports and lazily loaded models outside the timed runs.
    run_storyline(*load_pages(ids=sorted(gt)[:2]))
    trafilatura_runner()(*load_pages(ids=sorted(gt)[:2]))
    systems: dict[str, dict[str, Any]] = {"storyline": measure(run_storyline, scorer, gt, pages)}
    if not args.no_peers:
        for name, kwargs in PEERS.items():
            systems[name] = measure(trafilatura_runner(**kwargs), scorer, gt, pages)
    peers = {n: r for n, r in systems.items() if n != "storyline"}
    result: dict[str, Any] = {"docs": len(pages), "systems": systems}
    if peers:
        best_name = max(peers, key=lambda n: peers[n]["f1"])
        best = peers[best_name]
        ours = systems["storyline"]
        result["best_peer"] = best_name
        result["f1_gain_over_best_peer"] = round(ours["f1"] - best["f1"], 4)
        result["speed_vs_best_peer"] = round(best["cpu_seconds"] / ours["cpu_seconds"], 2)
        result["speed_vs_best_peer_wall"] = round(best["seconds"] / ours["seconds"], 2)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"{'system':<42}{'P':>8}{'R':>8}{'F1':>8}{'wall s':>8}{'cpu s':>8}")
    for name, r in systems.items():
        print(f"{name:<42}{r['precision']:>8.4f}{r['recall']:>8.4f}{r['f1']:>8.4f}"
              f"{r['seconds']:>8.2f}{r['cpu_seconds']:>8.2f}")
    if peers:
        print(f"best peer: {result['best_peer']}; storyline F1 {result['f1_gain_over_best_peer']:+.4f}, "
              f"speed x{result['speed_vs_best_peer']} (cpu), x{result['speed_vs_best_peer_wall']} (wall)")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
