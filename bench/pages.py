"""What the page benches share: loading a shared scorer as a module, and reading
gzipped HTML pages through storyline's own decoder.

bench_extraction.py and bench_metadata.py score different data sets with
different scorers, but both must see a page's bytes exactly as storyline's
ingest layer would, so that one place decides how a page is decoded.
"""

from __future__ import annotations

import gzip
import importlib.util
from pathlib import Path
from typing import Any


def load_module(path: Path) -> Any:
    """A stand-alone script (such as a scorer in ../shared/eval) imported as a module."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def decode(data: bytes) -> str:
    """Bytes to text exactly as storyline's ingest layer decodes them ("" for binary pages)."""
    from storyline.ingest.encoding import DecodeError, decode_bytes

    try:
        return decode_bytes(data, None)[0]
    except DecodeError:  # scored as missing, like a page ingest refuses
        return ""


def read_pages(folder: Path, keys: list[str], suffix: str) -> dict[str, str]:
    """{key: decoded HTML} for the gzipped pages ``folder/<key><suffix>``, in the given order."""
    return {k: decode(gzip.decompress((folder / f"{k}{suffix}").read_bytes())) for k in keys}
