"""Readers for every input kind, on real pages from ../shared, and bad input."""

from __future__ import annotations

import gzip
import io
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storyline.ingest import decode_bytes, iter_documents
from storyline.ingest.encoding import DecodeError
from storyline.ingest.feeds import read_feed
from storyline.ingest.jsonl import read_json, read_jsonl
from storyline.ingest.warc import read_warc
from storyline.records import Failure, RawDoc

from .conftest import DATA, SEEDS

BENCH_HTML = DATA / "article-extraction-benchmark" / "html"
KO_PAGE = BENCH_HTML / "0ec95c7261d122f304728e90c983450ef1ce1e0b423546835c397d50aaf0d0f2.html.gz"
JA_PAGE = next(iter(sorted(BENCH_HTML.glob("85439e26c41c75901820*.html.gz"))), None) if BENCH_HTML.is_dir() else None


def _warc_bytes(pages: list[tuple[str, bytes]], content_type: str = "text/html; charset=utf-8") -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    for url, body in pages:
        headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers))
    return buf.getvalue()


def _docs(paths: list[str]) -> tuple[list[RawDoc], list[Failure]]:
    docs, fails = [], []
    for item in iter_documents(paths):
        (fails if isinstance(item, Failure) else docs).append(item)
    return docs, fails


def test_folder_of_seeds_is_read_as_text(shared: Path) -> None:
    docs, fails = _docs([str(SEEDS)])
    assert not fails
    assert len(docs) == 5
    assert all(d.kind == "text" and d.encoding == "utf-8" for d in docs)
    assert [Path(d.source).name for d in docs] == sorted(p.name for p in SEEDS.iterdir())
    assert "Ishiba" in docs[0].body


def test_glob_and_gzip_html(shared: Path, tmp_path: Path) -> None:
    pages = sorted(BENCH_HTML.glob("*.html.gz"))[:3]
    docs, fails = _docs([str(BENCH_HTML / (pages[0].name[:10] + "*"))])
    assert not fails and len(docs) == 1 and docs[0].kind == "html"
    assert "<html" in docs[0].body.lower()[:5000]


@pytest.mark.parametrize("encoding", ["euc-kr", "cp949"])
def test_korean_legacy_encoding_comes_out_right(shared: Path, tmp_path: Path, encoding: str) -> None:
    html = gzip.decompress(KO_PAGE.read_bytes()).decode("utf-8")
    html = html.replace("utf-8", encoding).replace("UTF-8", encoding)
    raw = html.encode(encoding, errors="ignore")
    text, used = decode_bytes(raw)
    assert used == "cp949"
    hangul = [ln for ln in html.splitlines() if any("\uac00" <= c <= "\ud7a3" for c in ln)][:20]
    assert hangul and all(ln.encode(encoding, "ignore").decode(encoding) in text for ln in hangul)
    # And without any declaration: detection alone.
    stripped = raw.replace(encoding.encode(), b"xx")
    text2, _ = decode_bytes(stripped)
    assert sum("\uac00" <= c <= "\ud7a3" for c in text2) > 100


def test_japanese_shift_jis_comes_out_right(shared: Path, tmp_path: Path) -> None:
    assert JA_PAGE is not None
    html = gzip.decompress(JA_PAGE.read_bytes()).decode("utf-8")
    raw = html.encode("shift_jis", errors="ignore")
    path = tmp_path / "page.html"
    path.write_bytes(raw)
    docs, fails = _docs([str(path)])
    assert not fails
    expected = raw.decode("cp932")
    assert docs[0].body == expected
    assert sum("\u3040" <= c <= "\u30ff" for c in docs[0].body) > 100


def test_warc_yields_html_responses_with_urls(shared: Path, tmp_path: Path) -> None:
    gt = json.loads((DATA / "article-extraction-benchmark" / "ground-truth.json").read_text())
    ids = sorted(gt)[:3]
    pages = [(gt[i]["url"], gzip.decompress((BENCH_HTML / f"{i}.html.gz").read_bytes())) for i in ids]
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(_warc_bytes(pages))
    docs, fails = _docs([str(path)])
    assert not fails
    assert [d.url for d in docs] == [gt[i]["url"] for i in ids]
    assert all(d.kind == "html" and d.source.startswith(str(path) + "#") for d in docs)


def test_truncated_warc_keeps_the_records_before_the_break(shared: Path, tmp_path: Path) -> None:
    pages = [(f"https://example.org/{i}", (f"<html><body><p>page {i} " + "word " * 2000 + "</p></body></html>").encode()) for i in range(3)]
    data = _warc_bytes(pages)
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(data[: int(len(data) * 0.8)])
    docs, fails = _docs([str(path)])
    assert len(docs) >= 1
    assert len(fails) == 1 and "truncated" in fails[0].reason and fails[0].source == str(path)


RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Example News</title><language>en</language>
<item><title>First</title><link>https://example.org/a</link><pubDate>Mon, 16 Jun 2025 09:31:00 GMT</pubDate>
<author>jane@example.org (Jane Roe)</author>
<content:encoded><![CDATA[<p>{p1}</p><p>{p2}</p>]]></content:encoded></item>
<item><title>Link only</title><link>https://example.org/b</link></item>
</channel></rss>"""


def test_rss_entries_with_content(shared: Path, tmp_path: Path) -> None:
    paras = [p for p in (SEEDS / "002_66d8942241546299.txt").read_text().splitlines() if len(p) > 200][:2]
    path = tmp_path / "feed.xml"
    path.write_text(RSS.replace("{p1}", paras[0]).replace("{p2}", paras[1]), encoding="utf-8")
    docs, fails = _docs([str(path)])
    assert not fails and len(docs) == 1
    d = docs[0]
    assert d.kind == "record" and d.source == f"{path}#1" and d.url == "https://example.org/a"
    assert d.fields["date_publish"] == "2025-06-16T09:31:00+00:00"
    assert paras[0][:60] in d.fields["maintext"]


def test_malformed_feed_is_a_failure(tmp_path: Path) -> None:
    path = tmp_path / "bad.rss"
    path.write_text("<?xml version='1.0'?><rss><channel><item><title>x</ti", encoding="utf-8")
    docs, fails = _docs([str(path)])
    assert not docs and len(fails) == 1 and fails[0].source == str(path)


def test_jsonl_with_one_bad_line(shared: Path, tmp_path: Path) -> None:
    texts = sorted((DATA / "polnear" / "data" / "dev" / "text").glob("*.txt"))[:3]
    lines = [json.dumps({"id": f"p{i}", "url": f"https://e.org/{i}", "maintext": t.read_text(), "date_publish": "2016-09-12 10:00:00"}) for i, t in enumerate(texts)]
    lines.insert(1, '{"title": "broken", ')
    path = tmp_path / "export.jsonl.gz"
    path.write_bytes(gzip.compress("\n".join(lines).encode()))
    docs, fails = _docs([str(path)])
    assert [d.fields["id"] for d in docs] == ["p0", "p1", "p2"]
    assert len(fails) == 1 and fails[0].source == f"{path}#2" and "not valid JSON" in fails[0].reason


def test_json_list_and_missing_text(tmp_path: Path) -> None:
    docs = list(read_json("x.json", json.dumps([{"title": "t", "text": "body"}, {"title": "no body"}])))
    assert isinstance(docs[0], RawDoc) and isinstance(docs[1], Failure) and docs[1].source == "x.json#2"


def _garbled() -> bytes:
    rng = random.Random(1)
    return bytes(rng.randrange(128, 256) for _ in range(3000))


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.html", b"   \n\n", "empty"),
        ("binary.bin", bytes(range(256)) * 40, "binary"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(2000), "binary"),
        ("cut.txt.gz", gzip.compress(" ".join(str(i * 7919 % 10007) for i in range(20000)).encode())[:2000], "gzip"),
        ("missing/none.txt", None, "no such file"),
        # High bytes in no pattern any encoding fits (seeded, so the case never changes).
        ("garbled.txt", _garbled(), "undecodable"),
    ],
)
def test_bad_inputs_name_the_file_and_reason(tmp_path: Path, name: str, content: bytes | None, reason: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    docs, fails = _docs([str(path)])
    assert not docs
    assert len(fails) == 1 and fails[0].source == str(path)
    assert reason in fails[0].reason.lower()


def test_huge_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.html"
    with open(path, "wb") as fh:  # sparse: 101 MB on paper, nothing on disk
        fh.truncate(101 * 1024 * 1024)
    docs, fails = _docs([str(path)])
    assert not docs and len(fails) == 1 and "limit" in fails[0].reason


def test_cli_exit_code_1_and_others_still_written(shared: Path, tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    (tmp_path / "in" / "bad.jsonl").write_text('{"text": "A short but real article body about a summit."}\nnot json\n')
    out = tmp_path / "out.jsonl"
    proc = subprocess.run(
        [sys.executable, "-m", "storyline.cli", "extract", str(tmp_path / "in"), "-o", str(out)],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 1
    assert f"error: {tmp_path / 'in' / 'empty.txt'}: empty file" in proc.stderr
    assert f"error: {tmp_path / 'in' / 'bad.jsonl'}#2: " in proc.stderr
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert len(rows) == 1 and rows[0]["text"].startswith("A short but real")


def test_cli_usage_error_is_exit_2() -> None:
    proc = subprocess.run([sys.executable, "-m", "storyline.cli", "extract", "--format", "xml", "x"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2


# -- hypothesis: no reader raises, whatever the bytes ---------------------------

_fuzz = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_fuzz
@given(st.binary(max_size=3000))
def test_decode_bytes_never_crashes(data: bytes) -> None:
    try:
        text, enc = decode_bytes(data)
    except DecodeError:
        return
    assert isinstance(text, str) and enc


@_fuzz
@given(st.lists(st.binary(max_size=200), max_size=8))
def test_read_jsonl_never_raises(lines: list[bytes]) -> None:
    for item in read_jsonl("f.jsonl", [ln.replace(b"\n", b" ") + b"\n" for ln in lines]):
        assert isinstance(item, RawDoc | Failure)


@_fuzz
@given(st.one_of(st.binary(max_size=2000), st.text(max_size=2000).map(lambda s: ("<?xml version='1.0'?><rss><channel><item>" + s).encode())))
def test_read_feed_never_raises(data: bytes) -> None:
    for item in read_feed("f.xml", data):
        assert isinstance(item, RawDoc | Failure)


@_fuzz
@given(st.binary(max_size=2000))
def test_read_warc_never_raises(data: bytes) -> None:
    items = list(read_warc("f.warc", io.BytesIO(b"WARC/1.0\r\n" + data), 10_000_000))
    assert all(isinstance(i, RawDoc | Failure) for i in items)


@_fuzz
@given(st.binary(min_size=1, max_size=2000), st.sampled_from([".txt", ".html", ".json", ".jsonl", ".xml", ".warc", ".gz", ""]))
def test_any_file_gives_docs_or_failures(tmp_path_factory: pytest.TempPathFactory, data: bytes, ext: str) -> None:
    path = tmp_path_factory.mktemp("fuzz") / f"input{ext}"
    path.write_bytes(data)
    for item in iter_documents([str(path)]):
        assert isinstance(item, RawDoc | Failure)
        assert item.source.startswith(str(path))
