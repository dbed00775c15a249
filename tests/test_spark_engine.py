"""The Spark engine gives the local engine's answers, survives bad input, and imports into the store.

One SparkSession (local[2], UI off) serves the whole module: the JVM start is the
slow part. The corpus is real and spans months: two ECB+ dev topics (four gold
stories of two kinds, so same-kind stories must stay apart) and two reworded
copies of them a quarter and half a year later (``spark_corpus.perturbed``: each
quarter new stories that share their words with the earlier ones, so only the
time buckets keep the quarters in separate blocks) as news-please JSONL files,
the seed folder (one 2025 story, two of its articles undated), and a WARC of
real pages from the extraction benchmark cut short in its last record.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from storyline.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from spark_corpus import ecb_documents, perturbed, write_jsonl  # noqa: E402

TOPICS = (1, 3)  # two event kinds (a celebrity in rehab, a killer escaping): 4 gold stories

pytestmark = pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs Java on the PATH")


@pytest.fixture(scope="module")
def spark() -> Any:
    pytest.importorskip("pyspark")
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
    os.environ["PYTHONHASHSEED"] = "0"  # what Spark gives its Python workers (the local run uses it too)
    from storyline.spark import spark_session

    session = spark_session("local[2]", "storyline-tests", {
        "spark.ui.enabled": "false", "spark.sql.shuffle.partitions": "2", "spark.default.parallelism": "2",
    })
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _warc(pages: list[tuple[str, bytes]]) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    for url, body in pages:
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers))
    return buf.getvalue()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    data = ROOT.parent / "shared" / "data"
    if not (data / "ecbplus-dev").is_dir():
        pytest.skip("../shared/data is not beside the checkout")
    tmp = tmp_path_factory.mktemp("spark")
    originals = list(ecb_documents(TOPICS))
    docs = list(perturbed(originals, 3 * len(originals)))  # three quarters
    jsonl = write_jsonl(docs, tmp / "ecb", 4)
    truth = json.loads((data / "article-extraction-benchmark" / "ground-truth.json").read_text())
    pages = []
    for page in sorted((data / "article-extraction-benchmark" / "html").glob("*.html.gz"))[:3]:
        key = page.name.split(".")[0]
        pages.append((truth[key]["url"], gzip.decompress(page.read_bytes())))
    members = [_warc([page]) for page in pages]  # a .warc.gz is one gzip member per record
    warc = tmp / "crawl.warc.gz"
    warc.write_bytes(b"".join(members[:2]) + members[2][: len(members[2]) // 2])  # cut inside the last record
    paths = [str(p) for p in jsonl] + [str(ROOT.parent / "shared" / "seeds"), str(warc)]
    manifest = tmp / "manifest.txt"
    # file:// URIs and plain paths both; the local engine is given the plain paths.
    manifest.write_text("# ECB+ topics and a cut crawl\n" + "\n".join(
        (f"file://{p}" if i % 2 else p) for i, p in enumerate(paths)) + "\n")
    return {"tmp": tmp, "paths": paths, "manifest": str(manifest), "docs": docs, "warc": str(warc)}


LOCAL_BUILD = """
import json, sys
from storyline.pipeline import build
from storyline.settings import Settings
report = build(sys.argv[2:], Settings(), db=sys.argv[1], enrich=False)
print(json.dumps([[f.source, f.reason] for f in report.failures]))
"""


@pytest.fixture(scope="module")
def local(corpus: dict[str, Any]) -> dict[str, Any]:
    """The local engine from scratch, in a process with Spark's worker hash seed.

    The seed matters because the event grouper breaks ties between equally
    frequent names in set-iteration order, which follows PYTHONHASHSEED.
    """
    import subprocess

    from storyline.store import Store

    db = corpus["tmp"] / "local.db"
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run([sys.executable, "-c", LOCAL_BUILD, str(db), *corpus["paths"]], env=env,
                          capture_output=True, text=True, check=True)
    failures = [tuple(f) for f in json.loads(done.stdout.strip().splitlines()[-1])]
    with Store(db, readonly=True) as store:
        stories = {s.id: s.to_dict() for s in store.stories()}
        members = {m.article_id: (m.story_id, m.duplicate_of, m.reason) for m in store.memberships()}
    return {"failures": failures, "stories": stories, "members": members, "db": db}


@pytest.fixture(scope="module")
def run(spark: Any, corpus: dict[str, Any]) -> dict[str, Any]:
    from storyline.spark import run_spark_build
    from storyline.spark.tables import read_stories, read_table

    out = corpus["tmp"] / "out"
    err = io.StringIO()
    real, sys.stderr = sys.stderr, err
    try:
        # driver_limit=0: the distributed blocking (label propagation), as on a cluster.
        result = run_spark_build([], manifest=corpus["manifest"], out_dir=str(out), settings=Settings(),
                                 spark=spark, enrich=False, driver_limit=0)
    finally:
        sys.stderr = real
    return {"result": result, "out": out, "stderr": err.getvalue(),
            "stories": {s.id: s.to_dict() for s in read_stories(out)},
            "articles": read_table(out, "articles")}


def test_spark_gives_the_local_engines_stories_and_events(local: dict[str, Any], run: dict[str, Any]) -> None:
    assert len(local["stories"]) >= 5  # a real multi-story corpus, not one blob
    # Blocking split the multi-month corpus into many small blocks, and the answers still match.
    assert run["result"].blocks >= 8 and run["result"].largest_block <= len(run["articles"]) // 5
    assert set(run["stories"]) == set(local["stories"])
    for sid, story in local["stories"].items():
        assert run["stories"][sid] == story  # title, articles, events, duplicates, notes: all of it
    members = {r["id"]: (r["story_id"], r["duplicate_of"], r["reason"]) for r in run["articles"]}
    assert members == local["members"]
    n_events = sum(len(s["events"]) for s in local["stories"].values())
    assert run["result"].events == n_events > len(local["stories"]) // 2


def test_same_kind_stories_stay_apart(run: dict[str, Any], corpus: dict[str, Any]) -> None:
    gold = {str(d["id"]): str(d["story"]) for d in corpus["docs"]}
    for story in run["stories"].values():
        kinds = {gold[a] for a in story["articles"] if a in gold}
        # ECB+'s two stories of one topic (Tara Reid's rehab vs Lindsay Lohan's) never share a story,
        # nor do a story and its reworded copy a quarter later ("-r1": beyond the 30-day window).
        assert len({k.partition("-r")[0].removesuffix("plus") for k in kinds}) == len(kinds) or len(kinds) == 1, \
            kinds


def test_truncated_warc_fails_only_its_own_records(run: dict[str, Any], local: dict[str, Any], corpus: dict[str, Any]) -> None:
    failures = run["result"].failures
    warc = corpus["warc"]
    assert [f.source for f in failures] == [warc] and "truncated" in failures[0].reason
    assert f"error: {warc}: " in run["stderr"]
    from_warc = [r for r in run["articles"] if r["source"].startswith(warc + "#")]
    assert len(from_warc) == 2  # the two records before the cut
    assert len(run["articles"]) == len(corpus["docs"]) + 5 + 2  # ECB+, seeds, the WARC's two
    assert [(f.source, f.reason) for f in failures] == local["failures"]
    from storyline.spark.tables import read_table

    assert read_table(run["out"], "failures") == [{"source": f.source, "reason": f.reason} for f in failures]


def test_import_loads_a_spark_run_into_the_store(run: dict[str, Any], local: dict[str, Any], tmp_path: Path) -> None:
    from storyline.spark import import_tables
    from storyline.store import Store

    db = tmp_path / "spark.db"
    imported = import_tables(run["out"], db)
    assert imported.articles == len(run["articles"]) and imported.stories == len(run["stories"])
    assert import_tables(run["out"], db).articles == 0  # ids are content hashes: a re-import adds nothing
    with Store(db, readonly=True) as mine, Store(local["db"], readonly=True) as theirs:
        assert [s.to_dict() for s in mine.stories()] == [s.to_dict() for s in theirs.stories()]
        assert mine.story_rows() == theirs.story_rows()
        assert mine.memberships() == theirs.memberships()
        assert mine.signatures().keys() == theirs.signatures().keys()
        assert all((a is None) == (b is None) and (a is None or (a == b).all())
                   for a, b in zip(mine.signatures().values(), theirs.signatures().values(), strict=True))
        assert mine.search("rehab")


def test_import_command(run: dict[str, Any], tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from storyline.cli import app

    db = tmp_path / "cli.db"
    done = CliRunner().invoke(app, ["import", str(run["out"]), "--db", str(db)])
    assert done.exit_code == 0, done.output
    assert f"{len(run['articles'])} new article(s), {len(run['stories'])} story(ies)" in done.output
    missing = CliRunner().invoke(app, ["import", str(tmp_path / "nothing"), "--db", str(db)])
    assert missing.exit_code == 2 and "no Spark build here" in missing.output


def test_driver_and_distributed_blocking_agree(spark: Any) -> None:
    from storyline.spark.blocks import components, components_on_driver

    # Two chains joined through key k3 and one separate pair; z stands alone.
    edges = [("k1", "a"), ("k1", "b"), ("k2", "b"), ("k2", "c"), ("k3", "c"), ("k3", "d"),
             ("k4", "e"), ("k4", "f"), ("k5", "z")]
    driver = components_on_driver(edges)
    frame = components(spark.createDataFrame(edges, "key string, aid string"))
    dist = {r["aid"]: r["block"] for r in frame.collect()}
    assert dist == {k: v for k, v in driver.items() if k != "z"}
    assert driver == {"a": "a", "b": "a", "c": "a", "d": "a", "e": "e", "f": "e", "z": "z"}
