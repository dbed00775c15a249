"""Timeline summarisation on Timeline17 (dev topics), scored with tilse.

Runs :func:`storyline.tell.timeline.timeline_from_articles` on each
``../shared/data/timeline17-dev/data/<Topic>_<source>`` and scores it against
every gold ``*.timeline.json`` with tilse (Martschat & Markert 2018):
alignment ROUGE-1/2 F1 (``align_date_content_costs_many_to_one``, the AR-1/AR-2
of the DATEWISE paper) and date F1, averaged over timelines.

Protocol as in DATEWISE / news-tls (and TILSE): the number of dates is the gold timeline's,
the sentences per date its average (rounded), and the timeline is restricted to
the gold timeline's first..last date. Sentences are lower-cased PTB tokens on both
sides (tilse's ROUGE reads whitespace tokens).

Usage::

    .venv/bin/python bench/bench_timeline.py [--topics bpoil_bbc,H1N1_bbc] [--out bench/results/timeline.json]

Published anchor (DATEWISE, all 19 T17 timelines): AR1-F 0.120, AR2-F 0.035, date F1 0.544.
The Finan topic has its articles as CSV only (no articles.json); it is read from the CSV.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import re
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from storyline.records import Article
from storyline.tell.timeline import timeline_from_articles

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "timeline17-dev" / "data"
OUT = Path(__file__).parent / "results" / "timeline.json"
ANCHOR = {"ar1_f": 0.120, "ar2_f": 0.035, "date_f1": 0.544}


def _detok(text: str) -> str:
    # T17 text is PTB-tokenised: undo bracket tokens so the date tagger reads "June 17 , 2010"
    return text.replace("-LRB-", "(").replace("-RRB-", ")").replace("``", "\"").replace("''", "\"")


def load_articles(topic_dir: Path) -> list[Article]:
    """The topic's articles as Article records (published = the document creation time)."""
    arts: list[Article] = []
    path = topic_dir / "articles.json"
    if path.exists():
        for i, d in enumerate(json.loads(path.read_text())):
            arts.append(Article(id=f"{topic_dir.name}:{d.get('uid', i)}", source=str(path),
                                text=_detok(d["text"]), published=d["dct"][:10]))
        return arts
    for path in topic_dir.glob("*.csv"):
        csv.field_size_limit(sys.maxsize)
        with path.open(newline="", encoding="utf-8") as fh:
            for i, row in enumerate(csv.DictReader(fh)):
                arts.append(Article(id=f"{topic_dir.name}:{i}", source=str(path),
                                    text=_detok(row["text"]).replace("\n", " "), published=row["date"][:10]))
    return arts


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=\s\.)\s+|(?<=[.!?])\s{2,}", text.strip()) if s.strip()]


def load_gold(path: Path) -> dict[date, list[str]]:
    """A gold timeline as {date: [sentence, ...]} (entries of one date merged)."""
    tl: dict[date, list[str]] = {}
    for e in json.loads(path.read_text()):
        tl.setdefault(date.fromisoformat(e["date"]), []).extend(_sentences(e["text"]))
    return tl


def _tok(s: str) -> str:
    return " ".join(re.findall(r"\w+|[^\w\s]", s.lower()))


def score(pred: dict[date, list[str]], gold: dict[date, list[str]]) -> dict[str, float]:
    """tilse's alignment ROUGE-1/2 F1 and date F1 for one timeline."""
    from tilse.data.timelines import GroundTruth, Timeline
    from tilse.evaluation import dates as tdates
    from tilse.evaluation import rouge

    p = Timeline({d: [_tok(s) for s in ss] for d, ss in pred.items()})
    g = GroundTruth([Timeline({d: [_tok(s) for s in ss] for d, ss in gold.items()})])
    ev = rouge.TimelineRougeEvaluator(measures=["rouge_1", "rouge_2"])
    r = ev.evaluate_align_date_content_costs_many_to_one(p, g)
    df = tdates.evaluate_dates(p, g)
    return {"ar1_f": r["rouge_1"]["f_score"], "ar2_f": r["rouge_2"]["f_score"], "date_f1": df["f_score"]}


def run_topic(topic_dir: Path) -> list[dict[str, object]]:
    """Build and score one timeline per gold file of the topic."""
    arts = load_articles(topic_dir)
    rows = []
    for gpath in sorted(topic_dir.glob("*.timeline.json")):
        gold = load_gold(gpath)
        n_dates = len(gold)
        per_date = max(1, round(sum(len(v) for v in gold.values()) / n_dates))
        # CPU time, not wall-clock: the machine is shared and wall time is noise
        t0 = time.process_time()
        entries = timeline_from_articles(arts, n_dates, per_date, start=min(gold), end=max(gold))
        pred: dict[date, list[str]] = {}
        for e in entries:
            pred.setdefault(date.fromisoformat(e.date), []).append(e.text)
        s = score(pred, gold)
        rows.append({"topic": topic_dir.name, "gold": gpath.name, "articles": len(arts), "dates": n_dates,
                     "per_date": per_date, "cpu_seconds": round(time.process_time() - t0, 2), **s})
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--topics", default="", help="comma-separated topic folder names (default: all)")
    ap.add_argument("--out", default=str(OUT))
    args = ap.parse_args(argv)
    dirs = sorted(p for p in DATA.iterdir() if p.is_dir())
    if args.topics:
        wanted = set(args.topics.split(","))
        dirs = [d for d in dirs if d.name in wanted]
    rows: list[dict[str, Any]] = []
    for d in dirs:
        for r in run_topic(d):
            rows.append(r)
            print(json.dumps(r), flush=True)
    mean = {k: sum(float(r[k]) for r in rows) / len(rows) for k in ANCHOR} if rows else {}
    result = {"metric": "tilse align_date_content_costs_many_to_one ROUGE-1/2 F1, date F1; mean over timelines",
              "timelines": len(rows), "mean": mean, "anchor_datewise": ANCHOR,
              "beats_anchor": {k: mean.get(k, 0) > v for k, v in ANCHOR.items()}, "rows": rows}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2))
    print(json.dumps({"mean": mean, "beats_anchor": result["beats_anchor"]}))
    return 0 if rows and not any(math.isnan(v) for v in mean.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
