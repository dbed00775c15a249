"""Turning bytes into text: BOMs, declared charsets, then detection.

charset-normalizer does the detection; this module only decides the order in
which evidence is trusted. A declared charset (HTTP header, ``<meta charset>``,
XML prolog) is tried first but only kept if the bytes decode cleanly under it,
because scraped pages often lie about their encoding. Korean pages declared as
EUC-KR are decoded as CP949 (its superset), and Shift_JIS as CP932, since real
pages use the vendor extensions.
"""

from __future__ import annotations

import codecs
import re

# Real-world supersets of the legacy charsets pages declare.
_SUPERSETS = {
    "euc-kr": "cp949",
    "euc_kr": "cp949",
    "ks_c_5601-1987": "cp949",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "ascii": "cp1252",
    "us-ascii": "cp1252",
}

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_\-.]+)""", re.I)


class DecodeError(ValueError):
    """The bytes are not text in any encoding storyline can recognise."""


def declared_charset(data: bytes) -> str | None:
    """The charset a page or XML document declares in its first 4 KB, if any."""
    head = data[:4096]
    m = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    return m.group(1).decode("ascii", "ignore").lower() if m else None


def _normalise(name: str) -> str | None:
    name = name.strip().lower()
    name = _SUPERSETS.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def looks_binary(data: bytes) -> bool:
    """True when ``data`` is very unlikely to be text (NUL bytes, control characters)."""
    sample = data[:8192]
    if not sample:
        return False
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return controls > len(sample) * 0.05


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode ``data`` to text; return ``(text, encoding used)``.

    Order of trust: a byte-order mark; UTF-8 when the bytes are valid UTF-8;
    the ``declared`` charset or the one the document declares itself; then
    charset-normalizer's best guess. Raises DecodeError for binary data.
    """
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(enc, errors="replace"), enc.replace("-sig", "")
    if looks_binary(data):
        raise DecodeError("binary data, not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        # A page cut off mid-character is still UTF-8.
        if exc.start >= len(data) - 3:
            return data[: exc.start].decode("utf-8"), "utf-8"
    for name in (declared, declared_charset(data)):
        declared_enc = _normalise(name) if name else None
        if declared_enc and declared_enc != "utf-8":
            try:
                return data.decode(declared_enc), declared_enc
            except UnicodeDecodeError:
                pass
    import charset_normalizer

    best = charset_normalizer.from_bytes(data[:200_000]).best()
    if best is None:
        raise DecodeError("undecodable text: no encoding fits these bytes")
    guessed: str = _normalise(best.encoding) or best.encoding
    return data.decode(guessed, errors="replace"), guessed
