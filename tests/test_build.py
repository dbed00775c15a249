"""`storyline build`: the whole pipeline into the store, incremental, crash-safe, with the contract's exits."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from storyline.export.json import dossier, write_dossier
from storyline.pipeline import build
from storyline.settings import Settings
from storyline.store import Store
from tests.cluster_support import load_bench

ROOT = Path(__file__).resolve().parents[1]


def _counts(db: Path) -> tuple[int, int, int]:
    with Store(db, readonly=True) as s:
        return s.count("articles"), s.count("story_articles"), s.count("stories")


def _has_spacy_model() -> bool:
    try:
        import spacy

        spacy.load(Settings().spacy_model)
    except Exception:
        return False
    return True


@pytest.mark.skipif(not _has_spacy_model(), reason="enrichment model not installed")
def test_seeds_form_one_story_with_dated_events(seeds_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "seeds.db"
    report = build([str(seeds_dir)], Settings(), db=str(db))
    assert report.exit_code == 0 and report.added == 5
    with Store(db, readonly=True) as s:
        stories = s.stories()
        d = dossier(s)
    assert len(stories) == 1 and len(stories[0].articles) == 5
    dates = [e.date for e in stories[0].events]
    # The phone call, the Seoul reception, the summit and the Tokyo reception.
    assert {"2025-06-09", "2025-06-16", "2025-06-17", "2025-06-19"} <= set(dates)
    assert all(e.title and e.articles for e in stories[0].events)
    assert stories[0].entities and any(e.name == "Shigeru Ishiba" for e in stories[0].entities)
    # The export is the contract's dossier.
    out = tmp_path / "d.json"
    with open(out, "w", encoding="utf-8") as fh:
        write_dossier(d, fh, "json")
    doc = json.loads(out.read_text())
    assert doc["schema"] == "storyline/1" and len(doc["articles"]) == 5
    assert all("mentions" in a and "quotes" in a and "times" in a for a in doc["articles"])
    st = doc["stories"][0]
    for key in ("id", "title", "articles", "events", "entities", "quotes", "timeline", "summary", "conflicts"):
        assert key in st
    for key in ("id", "title", "date", "places", "participants", "articles", "facts"):
        assert key in st["events"][0]


def test_rerun_adds_nothing_and_new_articles_join(tmp_path: Path) -> None:
    bench = load_bench()
    docs = bench.load_ecbplus(topics={"1", "3"})
    inp, _gold = bench.write_inputs(docs, tmp_path)
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    lines = inp.read_text().splitlines()
    first.write_text("\n".join(lines[::2]) + "\n")
    second.write_text("\n".join(lines[1::2]) + "\n")
    db = tmp_path / "b.db"
    build([str(first)], db=str(db), enrich=False)
    with Store(db, readonly=True) as s:
        before = {m.article_id: m.story_id for m in s.memberships()}
    counts = _counts(db)
    again = build([str(first)], db=str(db), enrich=False)
    assert again.added == 0 and again.already_stored == len(before) and _counts(db) == counts
    build([str(second)], db=str(db), enrich=False)
    with Store(db, readonly=True) as s:
        after = {m.article_id: m.story_id for m in s.memberships()}
    assert all(after[k] == v for k, v in before.items())  # stable story ids
    new = [k for k in after if k not in before]
    assert len(new) == len(lines) - len(before)
    assert sum(after[k] in set(before.values()) for k in new) >= 0.6 * len(new)


def test_progress_reports_each_stage_to_its_total(tmp_path: Path) -> None:
    bench = load_bench()
    inp, _gold = bench.write_inputs(bench.load_ecbplus(topics={"1", "3"}), tmp_path)
    seen: dict[str, list[tuple[int, int | None]]] = {}
    report = build([str(inp)], db=str(tmp_path / "p.db"), enrich=False,
                   progress=lambda stage, done, total: seen.setdefault(stage, []).append((done, total)))
    assert list(seen) == ["reading", "storing", "telling"]
    assert seen["storing"][-1] == (report.added, report.added)
    assert seen["telling"][-1] == (report.stories_touched, report.stories_touched)
    assert [d for d, _ in seen["telling"]] == sorted(d for d, _ in seen["telling"])


def test_failures_are_named_and_exit_1(seeds_dir: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    from storyline.cli import app

    bad = tmp_path / "empty.txt"
    bad.write_text("")
    args = ["build", str(seeds_dir / "003_470ed88a9bfeb26f.txt"), str(bad), str(tmp_path / "missing.html"),
            "--db", str(tmp_path / "x.db"), "--no-enrich", "-q"]
    with pytest.raises(SystemExit) as exit_info:
        app(args)
    assert exit_info.value.code == 1
    errs = [ln for ln in capfd.readouterr().err.splitlines() if ln.startswith("error: ")]
    assert len(errs) == 2 and any("missing.html" in e for e in errs) and any("empty.txt" in e for e in errs)
    assert _counts(tmp_path / "x.db") == (1, 1, 1)
    with pytest.raises(SystemExit) as exit_info:
        app(["stories", "--db", str(tmp_path / "x.db")])
    assert exit_info.value.code in (0, None)
    assert len(capfd.readouterr().out.splitlines()) == 1


KILLABLE = textwrap.dedent("""
    import sys, time
    from storyline import pipeline
    pipeline.BATCH = 4
    def slow(msg):
        print(msg, flush=True)
        time.sleep(0.2)
    pipeline.build([sys.argv[1]], db=sys.argv[2], enrich=False, log=slow)
""")


def test_kill_9_mid_build_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    bench = load_bench()
    inp, _ = bench.write_inputs(bench.load_ecbplus(topics={"1", "3"}), tmp_path)
    clean, crashed = tmp_path / "clean.db", tmp_path / "crashed.db"
    build([str(inp)], db=str(clean), enrich=False)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen([sys.executable, "-c", KILLABLE, str(inp), str(crashed)],
                            stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("stored 12/"):  # three batches committed, more to come
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = _counts(crashed)
    assert 0 < partial[0] < _counts(clean)[0]
    build([str(inp)], db=str(crashed), enrich=False)
    assert _counts(crashed) == _counts(clean)
    with Store(crashed, readonly=True) as a, Store(clean, readonly=True) as b:
        assert {m.article_id for m in a.memberships()} == {m.article_id for m in b.memberships()}
        assert sorted(len(s.articles) for s in a.stories()) == sorted(len(s.articles) for s in b.stories())
