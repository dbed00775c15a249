"""Where a Spark job's inputs come from: a manifest of paths/URIs, or folders.

The cc-pyspark convention is a manifest: a text file with one input per line
(local paths, ``file://``, ``s3://`` or ``https://`` URIs), partitioned across
executors. Local folders are expanded on the driver exactly as the local engine
expands them, so both engines see the same inputs in the same order.

Remote inputs are copied to a temporary file on the executor before reading,
because warcio, feedparser and gzip want a seekable local stream: ``https://``
with the standard library, ``s3://`` with boto3 when the cluster has it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from urllib.parse import urlparse

from storyline.ingest.sources import expand_paths

REMOTE_SCHEMES = ("s3", "s3a", "s3n", "http", "https")


def read_manifest(path: str) -> list[str]:
    """The inputs listed in a manifest file (blank lines and ``#`` comments skipped)."""
    with open(local_path(path), encoding="utf-8") as fh:
        return [ln.strip() for ln in fh if ln.strip() and not ln.lstrip().startswith("#")]


def local_path(uri: str) -> str:
    """A ``file://`` URI as a plain path; anything else unchanged."""
    return urlparse(uri).path if uri.startswith("file://") else uri


def is_remote(uri: str) -> bool:
    """True for inputs the executor must fetch (``s3://``, ``https://``...)."""
    return urlparse(uri).scheme.lower() in REMOTE_SCHEMES


def expand_inputs(inputs: Sequence[str], manifest: str | None = None) -> list[tuple[str, str | None]]:
    """The driver-side list of ``(input, problem)``: manifest lines, then given paths.

    Local folders and globs are expanded like the local engine does; remote URIs
    are kept as they are (the executor fetches them).
    """
    listed = list(read_manifest(manifest)) if manifest else []
    out: list[tuple[str, str | None]] = []
    for item in [*listed, *inputs]:
        if is_remote(item):
            out.append((item, None))
        else:
            out.extend(expand_paths([local_path(item)]))
    return out


@contextmanager
def fetched(uri: str) -> Iterator[str]:
    """A local path holding ``uri``'s bytes for the duration of the block."""
    if not is_remote(uri):
        yield local_path(uri)
        return
    parsed = urlparse(uri)
    suffix = "".join(os.path.splitext(parsed.path)[1:]) or ""
    if parsed.path.endswith(".gz"):
        suffix = os.path.splitext(parsed.path[:-3])[1] + ".gz"
    fd, tmp = tempfile.mkstemp(prefix="storyline-", suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as out:
            if parsed.scheme.startswith("s3"):
                import boto3  # only on clusters that read from S3

                boto3.client("s3").download_fileobj(parsed.netloc, parsed.path.lstrip("/"), out)
            else:
                with urllib.request.urlopen(uri, timeout=120) as resp:  # noqa: S310 - user-given URI
                    shutil.copyfileobj(resp, out)
        yield tmp
    finally:
        os.unlink(tmp)
