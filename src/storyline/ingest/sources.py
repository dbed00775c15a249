"""Finding input files and opening them: folders, globs, gzip, size limits, sniffing.

The sniffer looks at the file name first and the first bytes second, so a
``.txt`` that is really HTML, or a feed saved without an extension, still goes
to the right reader.
"""

from __future__ import annotations

import glob
import gzip
import os
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path

from storyline.errors import InputError

# File names that are never articles: OS and VCS debris found in scraped folders.
_SKIP_NAMES = {".ds_store", "thumbs.db", "desktop.ini"}

KINDS = ("text", "html", "warc", "feed", "jsonl", "json")

_EXT_KIND = {
    ".txt": "text", ".text": "text", ".md": "text",
    ".html": "html", ".htm": "html", ".xhtml": "html", ".shtml": "html",
    ".warc": "warc", ".arc": "warc",
    ".rss": "feed", ".atom": "feed", ".xml": "feed", ".rdf": "feed",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json",
}


def expand_paths(paths: Sequence[str]) -> Iterator[tuple[str, str | None]]:
    """Yield ``(path, problem)`` for every file named by ``paths``.

    Folders are walked recursively in sorted order (so runs are reproducible),
    globs are expanded, and a name matching nothing yields a problem message.
    Hidden files and OS debris inside folders are skipped.
    """
    for given in paths:
        if os.path.isdir(given):
            for root, dirs, files in os.walk(given):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.startswith(".") or name.lower() in _SKIP_NAMES:
                        continue
                    yield os.path.join(root, name), None
        elif os.path.isfile(given):
            yield given, None
        elif any(ch in given for ch in "*?["):
            matches = sorted(glob.glob(given, recursive=True))
            if not matches:
                yield given, "no file matches this pattern"
            for m in matches:
                if os.path.isdir(m):
                    yield from expand_paths([m])
                else:
                    yield m, None
        else:
            yield given, "no such file or folder"


def kind_from_name(path: str) -> tuple[str | None, bool]:
    """The input kind suggested by the file name, and whether it is gzip-compressed."""
    p = Path(path.lower())
    gz = p.suffix in (".gz", ".gzip")
    if gz:
        p = p.with_suffix("")
    return _EXT_KIND.get(p.suffix), gz


def sniff(head: bytes) -> str | None:
    """The input kind suggested by the first bytes of a (decompressed) file."""
    h = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if h.startswith(b"warc/"):
        return "warc"
    if h.startswith((b"{", b"[")):
        first_line = h.split(b"\n", 1)[0].rstrip()
        # One JSON object per line is JSONL; anything else is one JSON document.
        return "jsonl" if first_line.startswith(b"{") and first_line.endswith(b"}") else "json"
    if h.startswith(b"<?xml") or h.startswith((b"<rss", b"<feed", b"<rdf")):
        window = h[:2000]
        if b"<rss" in window or b"<feed" in window or b"<rdf:rdf" in window:
            return "feed"
        if b"<html" in window:
            return "html"
        return "feed"
    if h.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<!--", b"<meta", b"<div", b"<p")):
        return "html"
    return None


def read_bytes(path: str, max_bytes: int) -> bytes:
    """Read a whole file (decompressing gzip), refusing empty and over-large inputs.

    Decompression is capped at ``max_bytes`` too, so a gzip bomb cannot eat the
    machine. Raises InputError naming the reason.
    """
    _kind, gz = kind_from_name(path)
    try:
        size = os.path.getsize(path)
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from exc
    if size == 0:
        raise InputError(path, "empty file")
    if size > max_bytes:
        raise InputError(path, f"file is {size / 1e6:.0f} MB, over the {max_bytes / 1e6:.0f} MB limit (STORYLINE_MAX_INPUT_BYTES)")
    try:
        with open(path, "rb") as fh:
            magic = fh.read(2)
            fh.seek(0)
            if gz or magic == b"\x1f\x8b":
                with gzip.GzipFile(fileobj=fh) as gzf:
                    data = gzf.read(max_bytes + 1)
                if len(data) > max_bytes:
                    raise InputError(path, f"decompresses to over the {max_bytes / 1e6:.0f} MB limit")
            else:
                data = fh.read()
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise InputError(path, f"truncated or corrupt gzip data ({exc})") from exc
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from exc
    if not data.strip():
        raise InputError(path, "empty file" if not data else "file holds only whitespace")
    return data


def open_stream(path: str):  # type: ignore[no-untyped-def]
    """A binary stream over a file, transparently gunzipped (for streamed readers)."""
    fh = open(path, "rb")  # noqa: SIM115 - the caller closes it
    magic = fh.read(2)
    fh.seek(0)
    if magic == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=fh)
    return fh
