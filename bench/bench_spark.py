"""Local engine vs Spark local[2] on the same 10k articles: throughput, peak memory, same answers.

Usage: ``python bench/bench_spark.py [--n 10000] [--enrich] [--files 16]``; writes
``bench/results/spark.json``.

The corpus is every ECB+ dev topic as news-please JSONL, grown to ``n`` articles
by reworded copies moved by whole quarters (``spark_corpus.perturbed``), so it
holds many real stories of many kinds. Each engine runs in its own process from
scratch; peak memory is the highest sum of RSS over the process and all its
descendants (for Spark: the driver, the JVM and the Python workers), sampled
every 0.2 s from /proc, and CPU seconds are summed over the same processes
(the figure to trust when other work shares the machine; wall time is given
with the load average). Both runs must give the same story memberships; the
JSON says whether they did.

Without ``--enrich`` the per-article work is light (extraction from JSONL,
dedup, clustering), which is the worst case for Spark's fixed overheads; the
CC-NEWS projection in docs/spark.md uses both figures.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from spark_corpus import ECB, ecb_documents, perturbed, write_jsonl  # noqa: E402

LOCAL = """
import json, sys
from storyline.pipeline import build
from storyline.settings import Settings
from storyline.store import Store
db, enrich, paths = sys.argv[1], sys.argv[2] == "1", sys.argv[3:]
report = build(paths, Settings(), db=db, enrich=enrich)
with Store(db, readonly=True) as st:
    members = {m.article_id: m.story_id for m in st.memberships()}
print(json.dumps({"articles": report.added, "members": members}))
"""

SPARK = """
import json, os, sys
from storyline.settings import Settings
from storyline.spark import run_spark_build, spark_session
from storyline.spark.tables import read_table
out, enrich, paths = sys.argv[1], sys.argv[2] == "1", sys.argv[3:]
spark = spark_session("local[2]", "storyline-bench", {"spark.ui.enabled": "false",
                      "spark.sql.shuffle.partitions": "8", "spark.driver.memory": "2g"})
spark.sparkContext.setLogLevel("ERROR")
steps = []
r = run_spark_build(paths, out_dir=out, settings=Settings(), spark=spark, enrich=enrich, log=steps.append)
members = {row["id"]: row["story_id"] for row in read_table(out, "articles")}
spark.stop()
print(json.dumps({"articles": r.articles, "members": members, "blocks": r.blocks,
                  "largest_block": r.largest_block, "job_seconds": r.seconds, "steps": steps}))
"""


TICK = os.sysconf("SC_CLK_TCK")


def _tree_rss(pid: int, cpu: dict[int, float]) -> int:
    """RSS in bytes of ``pid`` and all its descendants (0 if gone); updates each one's CPU seconds in ``cpu``."""
    total = 0
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            with open(f"/proc/{p}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            cpu[p] = (int(fields[11]) + int(fields[12])) / TICK  # utime + stime
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return total


def measure(code: str, args: list[str]) -> dict[str, object]:
    """Run ``code`` in a fresh interpreter; wall time, peak tree RSS and its JSON answer."""
    env = {**os.environ, "PYSPARK_PYTHON": sys.executable, "SPARK_LOCAL_IP": "127.0.0.1", "PYTHONHASHSEED": "0"}
    log = open(os.devnull, "w") if not os.environ.get("BENCH_LOG") else open(os.environ["BENCH_LOG"], "a")  # noqa: SIM115
    # The answer goes to a file, not a pipe: a pipe read only at the end would fill and stall the child.
    answer_file = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=answer_file, stderr=log,
                            env=env, text=True)
    peak = 0
    cpu: dict[int, float] = {}
    while proc.poll() is None:
        peak = max(peak, _tree_rss(proc.pid, cpu))
        time.sleep(0.2)
    wall = time.perf_counter() - t0
    log.close()
    answer_file.seek(0)
    out = answer_file.read()
    answer_file.close()
    if proc.returncode:
        raise SystemExit(f"run failed with exit code {proc.returncode}")
    answer = json.loads(out.strip().splitlines()[-1])
    # CPU seconds of every process of the tree, as last sampled: robust to a busy machine, unlike wall time.
    return {"wall_s": round(wall, 1), "cpu_s": round(sum(cpu.values()), 1), "peak_rss_mb": round(peak / 2**20), **answer}


def stage_costs(n_html: int = 60, n_enrich: int = 120) -> dict[str, float]:
    """Single-core seconds per article of the stages a CC-NEWS run adds to this bench's JSONL input.

    HTML extraction (trafilatura and the metadata cascade) on real pages of the
    article-extraction benchmark, and enrichment (spaCy) on ECB+ articles: the
    projection in docs/spark.md multiplies them out.
    """
    import gzip

    from storyline.extract import extract_article
    from storyline.records import Article, RawDoc

    out: dict[str, float] = {}
    pages = sorted((ECB.parents[1] / "article-extraction-benchmark" / "html").glob("*.html.gz"))[:n_html]
    docs = [RawDoc(source=p.name, kind="html", body=gzip.decompress(p.read_bytes()).decode("utf-8", "replace"))
            for p in pages]
    t0 = time.process_time()
    for d in docs:
        try:
            extract_article(d)
        except Exception:  # noqa: S112 - a page without an article still cost its time
            continue
    out["html_extract_s"] = round((time.process_time() - t0) / max(1, len(docs)), 4)
    try:
        from storyline.enrich import Enricher
        from storyline.settings import Settings

        enricher = Enricher(Settings())
        arts = [Article(id=str(d["id"]), source="", text=str(d["maintext"]), title=d["title"],  # type: ignore[arg-type]
                        published=str(d["date_publish"])) for d in list(ecb_documents([1, 3, 4, 6, 7, 8]))[:n_enrich]]
        t0 = time.process_time()
        list(enricher.pipe(arts))
        out["enrich_s"] = round((time.process_time() - t0) / max(1, len(arts)), 4)
    except (ImportError, OSError) as exc:
        print(f"note: enrichment not measured ({exc})", file=sys.stderr)
    return out


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--files", type=int, default=16)
    ap.add_argument("--enrich", action="store_true")
    ap.add_argument("--out", default=str(HERE / "results" / "spark.json"))
    args = ap.parse_args(argv)
    topics = sorted(int(p.name) for p in ECB.iterdir() if p.name.isdigit())
    docs = list(ecb_documents(topics))
    records = list(perturbed(docs, args.n))
    with tempfile.TemporaryDirectory(prefix="storyline-bench-") as tmp:
        paths = [str(p) for p in write_jsonl(records, Path(tmp) / "in", args.files)]
        flag = "1" if args.enrich else "0"
        load_before = os.getloadavg()
        local = measure(LOCAL, [str(Path(tmp) / "local.db"), flag, *paths])
        spark = measure(SPARK, [str(Path(tmp) / "out"), flag, *paths])
        load_after = os.getloadavg()
    same = local.pop("members") == spark.pop("members")
    cores = 2
    result = {
        "corpus": f"{len(docs)} ECB+ dev documents grown to {len(records)} articles, {args.files} JSONL files",
        "enrich": args.enrich,
        "cores": cores,
        "load_average_before_after": [round(load_before[0], 1), round(load_after[0], 1)],
        "local": {**local, "articles_per_s": round(args.n / float(local["wall_s"]), 1),  # type: ignore[arg-type]
                  "articles_per_cpu_core_hour": round(args.n / (float(local["cpu_s"]) / 3600))},  # type: ignore[arg-type]
        "spark_local2": {**spark, "articles_per_s": round(args.n / float(spark["wall_s"]), 1),  # type: ignore[arg-type]
                         "articles_per_cpu_core_hour": round(args.n / (float(spark["cpu_s"]) / 3600))},  # type: ignore[arg-type]
        "spark_overhead_x_wall": round(float(spark["wall_s"]) / float(local["wall_s"]), 2),  # type: ignore[arg-type]
        "spark_overhead_x_cpu": round(float(spark["cpu_s"]) / float(local["cpu_s"]), 2),  # type: ignore[arg-type]
        "same_story_memberships": same,
        "single_core_stage_s_per_article": stage_costs(),
        "command": "python bench/bench_spark.py " + " ".join(argv),
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
