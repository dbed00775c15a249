"""JSON and JSONL readers for article exports in news-please's field names.

A JSONL file is read line by line (so multi-GB exports stream); each bad line
is its own Failure (``path#N``, N the line number) and the rest go on. A JSON
file holds one article object, a list of them, or ``{"articles": [...]}``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from storyline.records import Failure, RawDoc

TEXT_FIELDS = ("maintext", "text")


def _record(source: str, obj: Any) -> RawDoc | Failure:
    if not isinstance(obj, dict):
        return Failure(source, f"expected a JSON object, found {type(obj).__name__}")
    if not any(isinstance(v, str) and v.strip() for v in (obj.get(f) for f in TEXT_FIELDS)):
        return Failure(source, "record has no 'maintext' or 'text'")
    url = obj.get("url") if isinstance(obj.get("url"), str) else None
    return RawDoc(source=source, kind="record", url=url, fields=obj)


def read_jsonl(path: str, lines: Iterable[bytes]) -> Iterator[RawDoc | Failure]:
    """Yield one record per non-blank line of a JSONL stream."""
    for n, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        source = f"{path}#{n}"
        try:
            obj = json.loads(raw.decode("utf-8", errors="strict"))
        except UnicodeDecodeError:
            yield Failure(source, "line is not UTF-8 text")
            continue
        except json.JSONDecodeError as exc:
            yield Failure(source, f"line {n} is not valid JSON ({exc.msg} at column {exc.colno})")
            continue
        yield _record(source, obj)


def read_json(path: str, text: str) -> Iterator[RawDoc | Failure]:
    """Yield the records of a JSON document (an object, a list, or {"articles": [...]})."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        yield Failure(path, f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})")
        return
    if isinstance(doc, dict) and isinstance(doc.get("articles"), list):
        doc = doc["articles"]
    if isinstance(doc, list):
        if not doc:
            yield Failure(path, "JSON list is empty")
        for i, obj in enumerate(doc, start=1):
            yield _record(f"{path}#{i}", obj)
    else:
        yield _record(path, doc)
