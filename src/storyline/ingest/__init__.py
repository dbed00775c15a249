"""Ingest: every input kind becomes a stream of RawDoc records (or Failures).

``iter_documents(paths)`` is the one entry point. For each file it:

1. expands folders (recursively) and globs;
2. picks a reader from the file name, then from the first bytes;
3. streams containers (WARC, JSONL) record by record and reads single
   documents (text, HTML, JSON, feeds) whole, gunzipping ``.gz`` either way;
4. decodes bytes with BOM/declared-charset/detection (``encoding.decode_bytes``).

Bad input never raises: it becomes a ``Failure(source, reason)`` in the stream,
so one broken file never stops a run. The readers themselves are libraries
(warcio, feedparser, json); this package only routes and names errors.
"""

from __future__ import annotations

import itertools
import zlib
from collections.abc import Iterator, Sequence

from storyline.errors import InputError
from storyline.ingest.encoding import DecodeError, decode_bytes, looks_binary
from storyline.ingest.feeds import read_feed
from storyline.ingest.jsonl import read_json, read_jsonl
from storyline.ingest.sources import expand_paths, kind_from_name, open_stream, read_bytes, sniff
from storyline.ingest.warc import read_warc
from storyline.records import Failure, RawDoc
from storyline.settings import Settings

__all__ = ["iter_documents", "read_file", "decode_bytes"]


def iter_documents(paths: Sequence[str], settings: Settings | None = None) -> Iterator[RawDoc | Failure]:
    """Yield every document of every input named by ``paths``, in a stable order."""
    settings = settings or Settings()
    for path, problem in expand_paths(paths):
        if problem:
            yield Failure(path, problem)
            continue
        yield from read_file(path, settings)


def _peek(path: str, n: int = 4096) -> bytes:
    with open_stream(path) as fh:
        return bytes(fh.read(n))


def read_file(path: str, settings: Settings | None = None) -> Iterator[RawDoc | Failure]:
    """Yield the documents of one file (a container yields many)."""
    settings = settings or Settings()
    limit = settings.max_input_bytes
    kind, _gz = kind_from_name(path)
    try:
        head = _peek(path)
    except (OSError, EOFError, zlib.error) as exc:
        yield Failure(path, f"truncated or corrupt gzip data ({exc})" if not isinstance(exc, FileNotFoundError) else "no such file")
        return
    if not head.strip():
        yield Failure(path, "empty file")
        return
    sniffed = sniff(head)
    # Content wins over a misleading extension for the container formats.
    if sniffed in ("warc", "jsonl") or kind is None or (kind == "text" and sniffed == "html"):
        kind = sniffed or kind
    if kind == "json" and sniffed == "jsonl":
        kind = "jsonl"
    if kind is None:
        if looks_binary(head):
            yield Failure(path, "binary file, not text (unknown format)")
            return
        kind = "text"

    if kind == "warc":
        try:
            with open_stream(path) as stream:
                yield from read_warc(path, stream, limit)
        except OSError as exc:
            yield Failure(path, f"cannot read: {exc}")
        return
    if kind == "jsonl":
        try:
            with open_stream(path) as stream:
                yield from read_jsonl(path, stream)
        except (OSError, EOFError, zlib.error) as exc:
            yield Failure(path, f"truncated or corrupt data ({exc})")
        return

    try:
        data = read_bytes(path, limit)
    except InputError as exc:
        yield Failure(exc.source, exc.reason)
        return
    if kind == "feed":
        if looks_binary(data):
            yield Failure(path, "binary file, not a feed")
            return
        yield from read_feed(path, data)
        return
    try:
        text, enc = decode_bytes(data)
    except DecodeError as exc:
        yield Failure(path, str(exc))
        return
    if kind == "json":
        yield from read_json(path, text)
    elif kind == "html":
        yield RawDoc(source=path, kind="html", body=text, encoding=enc)
    else:
        yield RawDoc(source=path, kind="text", body=text, encoding=enc)


def take(paths: Sequence[str], n: int) -> list[RawDoc | Failure]:
    """The first ``n`` documents of ``paths`` (handy in notebooks and tests)."""
    return list(itertools.islice(iter_documents(paths), n))
