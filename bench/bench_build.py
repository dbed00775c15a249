"""A whole `storyline build` with one and with several enrichment workers, on the same corpus.

Usage: .venv/bin/python bench/bench_build.py [--articles N] [--workers 1,2]

The corpus is ``bench_scale.corpus(N)``: real texts of ../shared/data (ECB+, MEANTIME,
PolNeAR, Timeline17) with dates spread over months, written as news-please JSONL. Each
worker count builds it from scratch into its own store (`storyline build --workers W`, a
subprocess), then exports the dossier; the bench checks the dossiers are identical (the
number of workers must not change the result) and reports wall seconds, CPU seconds of
the whole process tree, and the tree's peak resident memory (sampled from /proc every
0.2 s, summed over the build and its workers). The peer is the same build with one
process: there is no other tool that runs this pipeline.
Results: bench/results/build.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

import bench_scale  # noqa: E402

RESULTS = HERE / "results"
CLI = [sys.executable, "-m", "storyline.cli"]


def write_corpus(n: int, path: Path) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for a in bench_scale.corpus(n):
            fh.write(json.dumps({"url": f"https://{a.outlet}.example/{a.id}", "title": a.title,
                                 "maintext": a.text, "date_publish": a.published,
                                 "source_domain": a.outlet, "language": "en"}) + "\n")
    return path


def _tree_rss_mb(root: int) -> float:
    """Resident memory of ``root`` and all its descendants, in MB (from /proc)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
            fields = stat.rsplit(")", 1)[1].split()
            parents[int(d.name)] = int(fields[1])
            rss[int(d.name)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    tree, frontier = {root}, [root]
    while frontier:
        p = frontier.pop()
        kids = [c for c, pp in parents.items() if pp == p and c not in tree]
        tree.update(kids)
        frontier.extend(kids)
    return sum(rss.get(p, 0) for p in tree) / 2**20


def run_build(inp: Path, db: Path, workers: int) -> dict[str, object]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen([*CLI, "build", str(inp), "--db", str(db), "--workers", str(workers), "-q"])
    peak = 0.0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_mb(proc.pid))
            done.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    rc = proc.wait()
    wall = time.perf_counter() - t0
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if rc not in (0, 1):
        raise SystemExit(f"build with --workers {workers} exited {rc}")
    out = db.with_suffix(".json")
    subprocess.run([*CLI, "export", "--db", str(db), "--format", "json", "-o", str(out)], check=True,
                   capture_output=True)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"workers": workers, "seconds": round(wall, 1), "cpu_seconds": round(cpu, 1),
            "peak_rss_mb": round(peak), "dossier_sha1": hashlib.sha1(out.read_bytes()).hexdigest()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=300)
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--out", default=str(RESULTS / "build.json"))
    args = ap.parse_args(argv)
    counts = [int(w) for w in args.workers.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        inp = write_corpus(args.articles, Path(tmp) / "corpus.jsonl")
        runs = [run_build(inp, Path(tmp) / f"w{w}.db", w) for w in counts]
    base = runs[0]
    for r in runs:
        r["speedup"] = round(float(base["seconds"]) / float(r["seconds"]), 2)  # type: ignore[arg-type]
    summary = {
        "bench": "build", "articles": args.articles, "cores": len(os.sched_getaffinity(0)),
        "command": f"bench/bench_build.py --articles {args.articles} --workers {args.workers}",
        "identical_dossiers": len({r["dossier_sha1"] for r in runs}) == 1,
        "load_average_at_end": round(os.getloadavg()[0], 1), "runs": runs,
    }
    RESULTS.mkdir(exist_ok=True)
    Path(args.out).write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(summary, indent=1))
    return 0 if summary["identical_dossiers"] else 1


if __name__ == "__main__":
    sys.exit(main())
