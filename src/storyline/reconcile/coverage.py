"""Coverage: which outlet covered which event, and what each left out.

Plain data for the web app and the Markdown export to draw: an outlet x event
matrix whose cells list the outlet's articles, the fact slots of the event it
states and those it leaves out (slots other outlets state), and the speakers of
the story it does not quote.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from storyline.reconcile.facts import person_key
from storyline.reconcile.quotes import fallback_quotes
from storyline.records import Article, Story


def _outlet(a: Article) -> str:
    return a.outlet or (a.url.split("/")[2] if a.url and a.url.count("/") >= 2 else a.source)


def coverage(story: Story, articles: Mapping[str, Article]) -> dict[str, Any]:
    """The outlet x event matrix of ``story`` (after :func:`reconcile_story`).

    Returns ``{"outlets": [...], "events": [{id, title, date}], "cells": {outlet:
    {event_id: {"articles": [...], "facts": [...], "missing_facts": [...]}}},
    "missing_speakers": {outlet: [...]}}``. An outlet whose articles are all
    copies of another's still counts as covering (it published the story).
    """
    arts = [articles[a] for a in story.articles if a in articles]
    outlets = sorted({_outlet(a) for a in arts})
    by_outlet: dict[str, set[str]] = {o: set() for o in outlets}
    for a in arts:
        by_outlet[_outlet(a)].add(a.id)
    dup = story.duplicates
    cells: dict[str, dict[str, Any]] = {o: {} for o in outlets}
    for ev in story.events:
        ev_arts = set(ev.articles)
        slots_by_article: dict[str, set[str]] = {}
        for f in ev.facts:
            for v in f.values:
                for aid in v.articles:
                    slots_by_article.setdefault(aid, set()).add(f.slot)
        all_slots = sorted({f.slot for f in ev.facts})
        for o in outlets:
            mine = {a for a in by_outlet[o] if a in ev_arts or dup.get(a) in ev_arts}
            if not mine:
                cells[o][ev.id] = {"articles": [], "facts": [], "missing_facts": all_slots}
                continue
            stated: set[str] = set()
            for aid in mine:
                stated |= slots_by_article.get(aid, set()) | slots_by_article.get(dup.get(aid, ""), set())
            cells[o][ev.id] = {"articles": sorted(mine), "facts": sorted(stated),
                               "missing_facts": [s for s in all_slots if s not in stated]}
    # speakers: anyone quoted in the story, by outlet
    quoted: dict[str, set[frozenset[str]]] = {o: set() for o in outlets}
    names: dict[frozenset[str], str] = {}
    for a in arts:
        qs = a.quotes if a.quotes is not None else fallback_quotes(a)
        for q in qs:
            if q.who:
                k = person_key(q.who)
                if k:
                    key = next((n for n in names if n & k), k)
                    names.setdefault(key, q.who)
                    quoted[_outlet(a)].add(key)
    missing = {o: sorted(names[k] for k in names if k not in quoted[o]) for o in outlets}
    return {
        "outlets": outlets,
        "events": [{"id": e.id, "title": e.title, "date": e.date} for e in story.events],
        "cells": cells,
        "missing_speakers": missing,
    }
