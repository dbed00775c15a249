"""`build --workers N`: the same store whatever the number of processes and the hash seed
(articles enriched and stories told in worker processes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from storyline.workers import OrderedPool

from .conftest import DATA

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("H1N1_bbc", "H1N1_guardian", "H1N1_reuters")


def _square_stage() -> object:
    pid = os.getpid()
    return lambda batch: [(x * x, pid) for x in batch]


def _dying_stage() -> object:
    def run(batch: list[int]) -> list[int]:
        if 3 in batch:
            os._exit(1)  # a worker killed mid-batch (out of memory, a crashed library)
        return batch

    return run


def _local_stage() -> object:
    return lambda batch: batch


def test_results_come_back_in_order_from_other_processes() -> None:
    batches = [[i, i + 1] for i in range(0, 40, 2)]
    out = list(OrderedPool(_square_stage, workers=2).map(batches))
    assert [[x for x, _ in r] for r in out] == [[x * x for x in b] for b in batches]
    assert {pid for r in out for _, pid in r} - {os.getpid()}, "nothing ran in a worker"
    assert list(OrderedPool(_square_stage, workers=1).map(batches[:2]))[0][0][1] == os.getpid()


def test_a_dead_worker_costs_nothing_and_is_reported() -> None:
    pool = OrderedPool(_dying_stage, workers=2, local=_local_stage)
    out = list(pool.map([[i] for i in range(8)]))
    assert out == [[i] for i in range(8)]
    assert pool.note and "worker process failed" in pool.note


def _slow_stage() -> object:
    import time

    def run(batch: list[int]) -> list[int]:
        if batch[0] > 0:
            time.sleep(60)  # a long batch still in flight when the caller stops
        return batch

    return run


def test_stopping_early_does_not_wait_for_batches_in_flight() -> None:
    import time

    gen = OrderedPool(_slow_stage, workers=2).map([[i] for i in range(6)])
    assert next(gen) == [0]
    t0 = time.perf_counter()
    gen.close()  # what Ctrl-C or an error in the caller does to the loop
    assert time.perf_counter() - t0 < 10


def _corpus(path: Path, per_source: int) -> Path:
    rows = []
    for name in SOURCES:
        f = DATA / "timeline17-dev" / "data" / name / "articles.json"
        if not f.exists():
            pytest.skip("timeline17-dev is not in ../shared/data")
        for r in json.loads(f.read_text(encoding="utf-8"))[:per_source]:
            rows.append({"url": f"https://{name.split('_')[1]}.example/{r['uid']}", "maintext": r["text"],
                         "date_publish": r["dct"], "source_domain": name.split("_")[1], "language": "en"})
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _build_and_export(inp: Path, db: Path, workers: int, hash_seed: str) -> dict[str, object]:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(ROOT / "src")}
    cli = [sys.executable, "-m", "storyline.cli"]
    subprocess.run([*cli, "build", str(inp), "--db", str(db), "--workers", str(workers), "-q"],
                   check=True, env=env, timeout=600)
    out = db.with_suffix(".json")
    subprocess.run([*cli, "export", "--db", str(db), "--format", "json", "-o", str(out)],
                   check=True, env=env, timeout=600, capture_output=True)
    return json.loads(out.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_two_workers_and_another_hash_seed_build_the_same_store(tmp_path: Path) -> None:
    inp = _corpus(tmp_path / "h1n1.jsonl", per_source=25)
    one = _build_and_export(inp, tmp_path / "one.db", workers=1, hash_seed="1")
    two = _build_and_export(inp, tmp_path / "two.db", workers=2, hash_seed="2")
    assert len(one["articles"]) == 75  # type: ignore[arg-type]
    assert any(a.get("mentions") for a in one["articles"])  # type: ignore[union-attr]
    # several stories: with two workers they are told in worker processes, chunk by chunk
    assert len(one["stories"]) >= 3  # type: ignore[arg-type]
    assert one == two


def test_extract_enrich_in_workers_writes_the_same_lines(seeds_dir: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    outs = []
    for n in (1, 2):
        out = tmp_path / f"w{n}.jsonl"
        subprocess.run([sys.executable, "-m", "storyline.cli", "extract", str(seeds_dir), "--enrich",
                        "--workers", str(n), "-o", str(out), "-q"], check=True, env=env, timeout=600)
        outs.append(out.read_text(encoding="utf-8"))
    assert outs[0] == outs[1]
    assert len(outs[0].splitlines()) == 5 and '"quotes": [{' in outs[0]
    bad = subprocess.run([sys.executable, "-m", "storyline.cli", "extract", str(seeds_dir), "--enrich",
                          "--workers", "2", "-q"], env={**env, "STORYLINE_SPACY_MODEL": "no_such_model"},
                         capture_output=True, text=True, timeout=600)
    assert bad.returncode == 2 and "no_such_model" in bad.stderr
