"""The dossier as JSON: CONTRACT.md's ``{"schema": "storyline/1", "articles", "stories"}``.

``dossier(store)`` reads the whole store (or one story and its articles) into a
``Dossier`` record; ``write_dossier`` writes it as one JSON document (``json``)
or as JSON lines (``jsonl``: one article per line, then one story per line, the
shape scripts can stream).
"""

from __future__ import annotations

import json
from typing import TextIO

from storyline.errors import UsageError
from storyline.records import Dossier
from storyline.store import Store


def dossier(store: Store, story_id: str | None = None) -> Dossier:
    """The dossier of every story in ``store``, or of the one story ``story_id`` (an id or unique prefix)."""
    if story_id is not None:
        story = store.story(story_id)
        if story is None:
            raise UsageError(f"no story with id {story_id!r}; `storyline stories` lists them")
        stories = [story]
        articles = list(store.articles(story.articles))
    else:
        stories = store.stories()
        articles = list(store.articles())
    return Dossier(articles=tuple(articles), stories=tuple(stories))


def write_dossier(d: Dossier, out: TextIO, fmt: str = "json") -> None:
    """Write ``d`` to ``out`` as ``json`` (one document) or ``jsonl`` (a record per line)."""
    if fmt == "json":
        json.dump(d.to_dict(), out, ensure_ascii=False, indent=1)
        out.write("\n")
    elif fmt == "jsonl":
        for a in d.articles:
            out.write(json.dumps(a.to_dict(), ensure_ascii=False) + "\n")
        for s in d.stories:
            out.write(json.dumps(s.to_dict(), ensure_ascii=False) + "\n")
    else:
        raise UsageError(f"unknown export format {fmt!r}; use json or jsonl")
