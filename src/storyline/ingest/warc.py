"""WARC reader (warcio): one RawDoc per response record that holds an HTML page.

Records are numbered from 1 in file order, counting every WARC record, so
``crawl.warc.gz#17`` always names the same record. A truncated archive yields
the records before the damage and then one Failure naming where it broke.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

from storyline.ingest.encoding import DecodeError, decode_bytes
from storyline.records import Failure, RawDoc

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def read_warc(path: str, stream, max_record_bytes: int) -> Iterator[RawDoc | Failure]:  # type: ignore[no-untyped-def]
    """Yield the HTML pages of a WARC (plain or gzip) stream, or Failures."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    n = 0
    try:
        for record in ArchiveIterator(stream):
            n += 1
            if record.rec_type != "response":
                continue
            headers = record.http_headers
            ctype = (headers.get_header("Content-Type") or "") if headers else ""
            if not any(t in ctype.lower() for t in _HTML_TYPES):
                continue
            source = f"{path}#{n}"
            url = record.rec_headers.get_header("WARC-Target-URI")
            body = record.content_stream().read(max_record_bytes + 1)
            if len(body) > max_record_bytes:
                yield Failure(source, "record larger than the input size limit")
                continue
            if not body.strip():
                yield Failure(source, "response record has an empty body")
                continue
            charset = None
            if "charset=" in ctype.lower():
                charset = ctype.lower().split("charset=", 1)[1].split(";")[0].strip(" \"'")
            try:
                text, enc = decode_bytes(body, charset)
            except DecodeError as exc:
                yield Failure(source, str(exc))
                continue
            date = record.rec_headers.get_header("WARC-Date")
            yield RawDoc(source=source, kind="html", body=text, url=url, encoding=enc,
                         fields={"date_crawled": date} if date else {})
    except (ArchiveLoadFailed, EOFError, zlib.error, OSError, ValueError) as exc:
        where = f"after record {n}" if n else "at the start"
        yield Failure(path, f"truncated or corrupt WARC {where} ({type(exc).__name__}: {exc})")
    if n == 0:
        yield Failure(path, "no WARC records found")
