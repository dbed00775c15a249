"""A story's record from its members: title, dates, events, entities and quotes.

Clustering decides membership; this module turns one story's articles into
the ``Story`` record the dossier shows. Copies (``duplicates``) stay listed as
sources but do not vote on the title, the participants or the entity list
twice: a wire story printed by five outlets is one source.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

from storyline.cluster.events import EventGrouper
from storyline.cluster.features import NAME_LABELS
from storyline.records import Article, Entity, Story, StoryQuote, content_id


def assemble_story(
    story_id: str,
    articles: Sequence[Article],
    duplicates: Mapping[str, str] | None = None,
    notes: Mapping[str, str] | None = None,
) -> Story:
    """Build the ``Story`` record of one story from its member articles."""
    ids = {a.id for a in articles}  # a set: a scan of the articles per copy was quadratic in big stories
    duplicates = {k: v for k, v in (duplicates or {}).items() if k in ids}
    originals = [a for a in articles if a.id not in duplicates] or list(articles)
    grouper = EventGrouper().fit(articles, story_id=story_id, duplicates=duplicates)
    events = tuple(grouper.events_)
    dates = sorted(a.published for a in articles if a.published)
    ordered = sorted(articles, key=lambda a: (a.published is None, a.published or "", a.id))
    return Story(
        id=story_id,
        title=story_title(originals, events),
        articles=tuple(a.id for a in ordered),
        events=events,
        entities=story_entities(originals),
        quotes=story_quotes(originals),
        first=dates[0] if dates else None,
        last=dates[-1] if dates else None,
        duplicates=dict(duplicates),
        notes={k: v for k, v in (notes or {}).items() if v},
    )


def story_title(articles: Sequence[Article], events: Sequence[object]) -> str:
    """The headline of the story's most covered event's most typical article, else any headline."""
    best_event = max(events, key=lambda e: (len(getattr(e, "articles", ())), getattr(e, "date", "") or ""), default=None)
    if best_event is not None and getattr(best_event, "title", None):
        return str(best_event.title)  # type: ignore[attr-defined]
    for a in articles:
        if a.title:
            return a.title
    return articles[0].text[:100] if articles else ""


def story_entities(articles: Sequence[Article]) -> tuple[Entity, ...]:
    """The named entities of a story (from enrichment's mentions), most mentioned first."""
    names: dict[str, Counter[str]] = defaultdict(Counter)
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    titles: dict[str, Counter[str]] = defaultdict(Counter)
    where: dict[str, list[str]] = defaultdict(list)
    for a in articles:
        for m in a.mentions or ():
            if m.label not in NAME_LABELS:
                continue
            eid = m.entity or content_id("entity", m.label, m.text.casefold())
            names[eid][m.text] += 1
            labels[eid][m.label] += 1
            if m.title:
                titles[eid][m.title] += 1
            if a.id not in where[eid]:
                where[eid].append(a.id)
    out = []
    for eid in sorted(names, key=lambda e: (-len(where[e]), -sum(names[e].values()), e)):
        variants = [n for n, _ in names[eid].most_common()]
        # The longest common form is the name a reader expects ("Shigeru Ishiba", not "Ishiba").
        top = max(variants[:3], key=lambda n: (names[eid][n] > 1 or len(variants) == 1, len(n)))
        out.append(Entity(
            id=eid, name=top, type=labels[eid].most_common(1)[0][0], variants=tuple(variants),
            articles=tuple(where[eid]), title=titles[eid].most_common(1)[0][0] if titles[eid] else None,
        ))
    return tuple(out)


def _norm_quote(text: str) -> str:
    return re.sub(r"\W+", " ", text.casefold()).strip()


def story_quotes(articles: Sequence[Article]) -> tuple[StoryQuote, ...]:
    """Direct quotes of a story; the same words in several articles are one quote ``also_in`` the others."""
    seen: dict[str, int] = {}
    out: list[StoryQuote] = []
    for a in sorted(articles, key=lambda a: (a.published is None, a.published or "", a.id)):
        for q in a.quotes or ():
            if q.kind != "direct":
                continue
            key = _norm_quote(q.text)
            if not key:
                continue
            if key in seen:
                i = seen[key]
                if a.id != out[i].article and a.id not in out[i].also_in:
                    out[i] = out[i].replace(also_in=(*out[i].also_in, a.id))
                continue
            seen[key] = len(out)
            out.append(StoryQuote(
                id=content_id("quote", key), speaker=q.speaker, speaker_name=q.who,
                text=q.text, article=a.id,
            ))
    return tuple(out)
