"""Small helpers shared by every extractor: language, dates, names, ids.

Language identification uses py3langid (a maintained langid.py fork that ships
its model); dates go through dateparser/htmldate's formats. Nothing here keeps
module-level mutable state, so it is safe in worker processes.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

from storyline.records import content_id

_WS = re.compile(r"[ \t\u00a0\u2000-\u200b\u3000]+")
_BLANKS = re.compile(r"\n{3,}")


def normalise_space(text: str) -> str:
    """Collapse runs of spaces inside lines and keep paragraphs one blank line apart."""
    lines = [_WS.sub(" ", ln).strip() for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    out = "\n".join(lines).strip()
    return _BLANKS.sub("\n\n", out)


def paragraphs_to_text(paragraphs: list[str]) -> str:
    """Join paragraphs with one blank line between them (the contract's ``text`` form)."""
    return "\n\n".join(p.strip() for p in paragraphs if p and p.strip())


def detect_language(text: str, hint: str | None = None) -> str:
    """A BCP-47 primary language code for ``text`` ("und" when there is no text).

    A declared ``hint`` (``<html lang>``, a feed's language) wins when it is a
    plausible code and the text is too short to judge.
    """
    sample = text[:5000]
    letters = sum(ch.isalpha() for ch in sample)
    hint_code = (hint or "").strip().lower().replace("_", "-").split("-")[0] or None
    if hint_code and not re.fullmatch(r"[a-z]{2,3}", hint_code):
        hint_code = None
    if letters < 40:
        return hint_code or "und"
    # Scripts that identify their language outright (langid confuses short CJK text).
    counts = {"ko": 0, "ja": 0, "zh": 0}
    for ch in sample:
        o = ord(ch)
        if 0xAC00 <= o <= 0xD7A3 or 0x1100 <= o <= 0x11FF:
            counts["ko"] += 1
        elif 0x3040 <= o <= 0x30FF:
            counts["ja"] += 1
        elif 0x4E00 <= o <= 0x9FFF:
            counts["zh"] += 1
    if counts["ko"] > letters * 0.3:
        return "ko"
    if counts["ja"] > letters * 0.05 and counts["ja"] + counts["zh"] > letters * 0.3:
        return "ja"
    import py3langid  # imported lazily: loading its model costs ~0.3 s

    code, _score = py3langid.classify(sample)
    return str(code)


_NAME_PARTICLES = {"van", "von", "de", "der", "den", "da", "di", "du", "la", "le", "del", "bin", "al", "el", "ibn"}


def normalise_name(name: str) -> str:
    """Tidy one byline name: strip 'By', e-mail addresses, roles; fix ALL CAPS case.

    "BY SEO JI-EUN" -> "Seo Ji-eun"; "jane doe" -> "Jane Doe".
    """
    n = unicodedata.normalize("NFC", name)
    n = re.sub(r"\S+@\S+", " ", n)
    n = re.sub(r"\[[^\]]*\]|\([^)]*\)", " ", n)
    n = re.sub(r"^\s*(by|von|par|por|di|door)\s+", "", n, flags=re.I)
    n = _WS.sub(" ", n).strip(" ,;|-–—·:")
    letters = [c for c in n if c.isalpha()]
    if letters and (all(c.isupper() for c in letters) or all(c.islower() for c in letters)) and all(
        ord(c) < 0x2E80 for c in letters
    ):
        words = []
        for i, w in enumerate(n.split(" ")):
            lw = w.lower()
            if i and lw in _NAME_PARTICLES:
                words.append(lw)
            else:
                # "JI-EUN" -> "Ji-eun" (Korean given names); "O'BRIEN" -> "O'Brien"
                parts = lw.split("-")
                words.append("-".join([parts[0].capitalize(), *parts[1:]]))
                words[-1] = re.sub(r"(['’])(\w)", lambda m: m.group(1) + m.group(2).upper(), words[-1])
        n = " ".join(words)
    return n


# Academic and professional post-nominals: "Jane Doe, PhD, RD" splits into three parts
# on its commas, and the credentials are not names.
_CREDENTIAL = re.compile(
    r"^(?:ph\.?\s?d|m\.?\s?d|d\.?\s?o|m\.?\s?sc?|m\.?\s?a|b\.?\s?sc?|b\.?\s?a|m\.?\s?ed|ed\.?\s?d|"
    r"r\.?\s?d\.?\s?n?|r\.?\s?n|l\.?\s?d|c\.?\s?d\.?\s?e|m\.?\s?p\.?\s?h|m\.?\s?b\.?\s?a|j\.?\s?d|ll\.?\s?[bm]|"
    r"d\.?\s?phil|pharm\.?\s?d|psy\.?\s?d|d\.?\s?v\.?\s?m|d\.?\s?d\.?\s?s|c\.?\s?p\.?\s?a|c\.?\s?f\.?\s?a|"
    r"f\.?\s?r\.?\s?c\.?\s?[ps]|f\.?\s?a\.?\s?c\.?\s?[ps]|m\.?\s?r\.?\s?c\.?\s?p|c\.?\s?s\.?\s?c\.?\s?s|"
    r"l\.?\s?c\.?\s?s\.?\s?w|l\.?\s?m\.?\s?f\.?\s?t|n\.?\s?p|p\.?\s?a\.?-?c|a\.?\s?p\.?\s?r\.?\s?n|"
    r"jr|sr|esq|ii|iii|iv)\.?$",
    re.I,
)


def normalise_authors(names: list[str] | tuple[str, ...] | str | None) -> tuple[str, ...]:
    """A deduplicated tuple of clean byline names from a string or list.

    Strings are split on ``,``, ``;``, ``|``, `` and `` and ``&``. Things that are
    not names (e-mail placeholders, "Staff", empty strings, post-nominal
    credentials such as "PhD" split off by a comma) are dropped.
    """
    if not names:
        return ()
    raw: list[str] = []
    items = [names] if isinstance(names, str) else list(names)
    for item in items:
        if not isinstance(item, str):
            continue
        raw.extend(re.split(r"\s*(?:[,;|/]|\band\b|&|\bund\b|\bet\b|\by\b)\s*", item))
    out: list[str] = []
    seen: set[str] = set()
    for r in raw:
        n = normalise_name(r)
        if _CREDENTIAL.match(n) or not is_plausible_name(n):
            continue
        key = n.casefold()
        if key not in seen:
            seen.add(key)
            out.append(n)
    return tuple(out)


_NOT_NAMES = re.compile(
    r"^(staff|reporter|editor|admin|administrator|news ?desk|email protected|\[?email\s*protected\]?|"
    r"correspondent|contributor|guest|anonymous|unknown|null|none|team)$",
    re.I,
)


def is_plausible_name(name: str) -> bool:
    """True when ``name`` looks like a person's or desk's byline, not a placeholder."""
    if not name or len(name) > 60 or len(name) < 2:
        return False
    if _NOT_NAMES.match(name) or "protected" in name.lower() or "@" in name:
        return False
    # Three digits or more are a phone number, a date or an ID; inside a word they
    # belong to a user name ("reader1984"), which sites print as the byline.
    if re.search(r"https?:|www\.|(?<![^\W_])\d{3,}(?![^\W_])", name):
        return False
    return len(name.split()) <= 6


def iso_date(value: object) -> str | None:
    """An ISO 8601 string for a datetime or date-like string, keeping what is known.

    Date-only input stays date-only; a time with an offset keeps the offset.
    Returns None for anything unparseable.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None and value.hour == value.minute == value.second == 0:
            return value.date().isoformat()
        return value.isoformat(timespec="seconds" if not value.microsecond else "auto")
    s = str(value).strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
        return s
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(\.\d+)?(Z|[+-]\d{2}:?\d{2})?", s)
    if m:
        date, time, _frac, tz = m.groups()
        if len(time) == 5:
            time += ":00"
        if tz == "Z":
            tz = "+00:00"
        elif tz and ":" not in tz:
            tz = tz[:3] + ":" + tz[3:]
        return f"{date}T{time}{tz or ''}"
    import dateparser  # lazily: import costs ~0.5 s

    dt = dateparser.parse(s, settings={"RETURN_AS_TIMEZONE_AWARE": False, "PREFER_DAY_OF_MONTH": "first"})
    if dt is None:
        return None
    has_time = bool(re.search(r"\d{1,2}:\d{2}", s))
    return dt.isoformat(timespec="seconds") if has_time else dt.date().isoformat()


def article_id(text: str, url: str | None = None, given: str | None = None) -> str:
    """The article's stable id: the input's own ``id`` if it had one, else a content hash."""
    if given:
        return str(given)
    return content_id(url or "", normalise_space(text))
