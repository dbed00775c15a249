"""Reconcile: a fact table per event, with agreement and conflict between outlets.

``reconcile_story(story, articles)`` is a pure corpus-level function:

1. Read every article's event mentions and claims (:mod:`.facts`), sentence by
   sentence, captions included; copies listed in ``Story.duplicates`` are
   skipped so a reprint never counts as a second source.
2. Attach mentions to the story's events: those the clusterer made (matched by
   event class and date), or, when the story has none, events derived here from
   the mentions (one per event class and date, one day of slack for time zones).
3. Per event and slot (and per scope for ordinals, counts and relative claims),
   compare the normalised values (:mod:`.compare`) and record a
   :class:`~storyline.records.Fact` with its status and the evidence sentences.
4. Align quotes across outlets (:mod:`.quotes`) and list every conflicting fact.

The gazetteer takes seconds to load: build a :class:`Reconciler` once and call
it per story; ``reconcile_story`` without a gazetteer builds one per call.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime

from storyline.reconcile.compare import (
    POINT_EVENTS,
    Group,
    compare_dates,
    compare_numbers,
    compare_ordinals,
    compare_places,
    compare_relative,
    compare_sets,
    compare_text,
    compare_times,
)
from storyline.reconcile.coverage import coverage
from storyline.reconcile.dates import DateRef, parse_published, to_day
from storyline.reconcile.facts import TRIGGERS, Claim, Mention, extract_mentions, scope_label
from storyline.reconcile.places import Gazetteer
from storyline.reconcile.quotes import align_quotes
from storyline.records import Article, Conflict, Event, Fact, FactValue, Story, content_id

# An event dated this long before the story's first article is background (a
# 1965 treaty in a 2025 story). Half a year: older than any news cycle.
BACKGROUND_DAYS = 180
# Characters between an undated mention ("the meeting lasted 30 minutes") and a
# dated one of the same class in the same article for the two to be one event:
# about two paragraphs of news prose.
UNDATED_REACH = 600
# Longer than this, an event's title is a sentence, not a headline (news headlines run
# 50-90 characters); the event is then named from its class, date and participants.
MAX_TITLE_CHARS = 100
# Slots, in the order the fact table shows them.
SLOT_ORDER = ("date", "time", "place", "duration", "participants", "host", "agreed", "count", "relative", "ordinal")


class Reconciler:
    """Holds the gazetteer; ``reconcile(story, articles)`` fills facts, quotes, conflicts.

    Example::

        rec = Reconciler()
        story = rec.reconcile(story, {a.id: a for a in articles})
        [f.status for e in story.events for f in e.facts]
    """

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        self.gazetteer = gazetteer if gazetteer is not None else Gazetteer()

    def reconcile(self, story: Story, articles: Mapping[str, Article]) -> Story:
        """The story with ``events[*].facts``, ``quotes`` and ``conflicts`` filled."""
        return reconcile_story(story, articles, self.gazetteer)

    def pipe(self, stories: Iterable[Story], articles: Mapping[str, Article]) -> Iterator[Story]:
        """Reconcile many stories with one gazetteer."""
        for s in stories:
            yield self.reconcile(s, articles)


def story_mentions(story: Story, articles: Mapping[str, Article], gazetteer: Gazetteer) -> list[Mention]:
    """Event mentions of every original (non-copy) article of the story."""
    arts = [articles[a] for a in story.articles if a in articles and a not in story.duplicates]
    pubs = [p for a in arts if (p := parse_published(a.published))]
    fallback = min(pubs).date() if pubs else (to_day(story.first) if story.first else None)
    out: list[Mention] = []
    for a in arts:
        out.extend(extract_mentions(a, gazetteer, fallback))
    return out


def reconcile_story(story: Story, articles: Mapping[str, Article], gazetteer: Gazetteer | None = None) -> Story:
    """Fill the story's fact tables, aligned quotes and conflicts (see module docstring).

    Robust to stories of one article, to events without facts, and to articles
    that were never enriched (``mentions``/``quotes``/``times`` None).
    """
    gz = gazetteer if gazetteer is not None else Gazetteer()
    mentions = story_mentions(story, articles, gz)
    pub = {a: parse_published(articles[a].published) for a in story.articles if a in articles}
    first_day = _first_day(story, pub)
    derived: set[str] = set()
    if story.events:
        assigned = _assign(story.events, mentions)
        events = list(story.events)
        # The clusterer groups articles by the occurrence they report; the background
        # (a 1965 treaty) and what is only announced (a summit next week) are mentioned
        # inside them. They join the story as events of their own, so the timeline has them.
        taken = {id(m) for ms in assigned.values() for m in ms}
        rest = [m for m in mentions if id(m) not in taken]
        extra, extra_assigned = _derive_events(story.replace(events=()), rest, first_day, pub)
        for ev in extra:
            if ev.status in ("background", "scheduled"):
                ms = extra_assigned.get(ev.id, [])
                # announced in one article, reported by another: the reception "to be held in
                # Tokyo on June 19" is the one the clusterer grouped the Tokyo reports into
                same = _same_occasion(ev, ms, story.events, assigned)
                if same is not None:
                    assigned[same.id].extend(ms)
                    continue
                events.append(ev)
                assigned[ev.id] = ms
                derived.add(ev.id)
    else:
        events, assigned = _derive_events(story, mentions, first_day, pub)
        derived = {e.id for e in events}
    anchors = _anchor_days(mentions)
    new_events: list[Event] = []
    conflicts: list[Conflict] = []
    for ev in events:
        ms = assigned.get(ev.id, [])
        facts = _facts(ev, ms, pub, gz, anchors)
        ev2 = ev.replace(facts=tuple(facts))
        if not ev.places:
            ev2 = ev2.replace(places=tuple(v.value for f in facts if f.slot == "place" for v in f.values))
        if not ev.participants:
            ev2 = ev2.replace(participants=tuple(v.value for f in facts if f.slot == "participants" for v in f.values))
        if not ev.articles:
            ev2 = ev2.replace(articles=tuple(dict.fromkeys(m.article for m in ms)))
        if ev.id in derived:
            ev2 = ev2.replace(title=_title(ev2, facts))
        elif (event_class(ev.title) is None or len(ev.title) > MAX_TITLE_CHARS) and (cls := _event_cls(ev, ms)):
            # A clusterer-made event is titled by a headline, or by the first sentence of an
            # article without one: unless that names the occurrence in a headline's few
            # words, name the occurrence instead.
            ev2 = ev2.replace(title=_title(ev2.replace(title=cls), facts))
        new_events.append(ev2)
        conflicts.extend(Conflict(ev.id, f.slot, f.values) for f in facts if f.status == "conflict")
    quotes = align_quotes([articles[a] for a in story.articles if a in articles], story.duplicates)
    new_events.sort(key=lambda e: (e.date is None, e.date or "", e.id))
    return story.replace(events=tuple(new_events), conflicts=tuple(conflicts), quotes=quotes)


def _first_day(story: Story, pub: Mapping[str, datetime | None]) -> date | None:
    days = [p.date() for p in pub.values() if p]
    if days:
        return min(days)
    return to_day(story.first) if story.first else None


def event_class(title: str) -> str | None:
    """The event class a title names ("Leaders meet at G7" -> meeting), or None."""
    hits = [(m.start(), cls) for cls, rx in TRIGGERS.items() if (m := rx.search(title))]
    return min(hits)[1] if hits else None


def _assign(events: tuple[Event, ...], mentions: list[Mention]) -> dict[str, list[Mention]]:
    """Mentions of clusterer-made events: same articles, same class, date within 3 days."""
    out: dict[str, list[Mention]] = {e.id: [] for e in events}
    classes = {e.id: event_class(e.title) or _day_class(e, mentions) for e in events}
    for m in mentions:
        best = None
        for e in events:
            if e.articles and m.article not in e.articles:
                continue
            cls = classes[e.id]
            if cls is not None and cls != m.cls:
                continue
            ed = to_day(e.date)
            if ed and m.date and not _date_fits(ed, m.date):
                continue
            md = m.date.day if m.date else None
            score = (cls == m.cls, bool(ed and md))
            if best is None or score > best[0]:
                best = (score, e.id)
        if best is not None:
            out[best[1]].append(m)
    return out


def _day_class(e: Event, mentions: list[Mention]) -> str | None:
    """The class of event its articles' mentions dated on its day name most ("reception" for
    a headline "Lee highlights Japan as partner on anniversary"), or None. An event whose
    title names no class would otherwise take in mentions of any class: a summit its report
    looks ahead to is not the reception it reports."""
    day = to_day(e.date)
    if day is None:
        return None
    counts: dict[str, int] = {}
    for m in mentions:
        if (not e.articles or m.article in e.articles) and m.date and m.date.day and _date_fits(day, m.date):
            counts[m.cls] = counts.get(m.cls, 0) + 1
    return max(counts, key=lambda c: counts[c]) if counts else None


def _date_fits(event_day: date, ref: DateRef) -> bool:
    """Whether a mention's date can be the event's: the same day give or take one (a date
    abroad in local time is the next calendar day at home), inside its range, or a coarser
    value (month, year, ISO week) that contains the day. A sentence dated 1965 or "last
    week" is about another occasion than an event of 2025-06-16, even in the same article.
    """
    day = ref.day
    if day is not None:
        end = to_day(ref.end) if ref.end else None
        if end is not None and day <= event_day <= end:
            return True
        return abs((event_day - day).days) <= 1
    v = ref.value
    if "-W" in v:
        y, w = event_day.isocalendar()[:2]
        return v[:8] == f"{y:04d}-W{w:02d}"
    return bool(v) and event_day.isoformat().startswith(v)


def _derive_events(story: Story, mentions: list[Mention], first_day: date | None,
                   pub: Mapping[str, datetime | None]) -> tuple[list[Event], dict[str, list[Mention]]]:
    """Events from dated mentions: per class, dates one day apart or inside a range join."""
    clusters: list[dict] = []  # {"cls", "lo", "hi", "mentions"}
    dated = sorted((m for m in mentions if m.date and m.date.day), key=lambda m: m.date.day)  # type: ignore[union-attr,arg-type,return-value]
    for m in dated:
        d = m.date.day  # type: ignore[union-attr]
        end = to_day(m.date.end) if m.date and m.date.end else d  # type: ignore[union-attr]
        assert d is not None and end is not None
        for c in clusters:
            if c["cls"] == m.cls and (c["lo"] - 1 <= (d - date.min).days <= c["hi"] + 1
                                      or (d - date.min).days <= c["lo"] <= (end - date.min).days):
                # the cluster keeps the span of its first mention: chaining day by day
                # would fold a month of coverage of an oil spill into one "event"
                c["mentions"].append(m)
                break
        else:
            clusters.append({"cls": m.cls, "lo": (d - date.min).days, "hi": (end - date.min).days, "mentions": [m]})
    # undated mentions join their article's dated event of the same class (the nearest
    # earlier one in the text), or the story's only event of that class
    for m in mentions:
        if m.date and m.date.day:
            continue
        # only near a dated mention of the same class in the same article: other
        # articles' and far-away mentions of "the meeting" may be another meeting
        def dist(c: dict, m: Mention = m) -> int:
            offs = [abs(x.sentence.start - m.sentence.start) for x in c["mentions"]
                    if x.article == m.article and x.caption == m.caption and x.date and x.date.day]
            return min(offs) if offs else 10**9
        pool = [c for c in clusters if c["cls"] == m.cls and dist(c) <= UNDATED_REACH]
        if not pool:
            # the article dates this class of event once (often in a caption): that one
            own = [c for c in clusters if c["cls"] == m.cls
                   and any(x.article == m.article and x.date and x.date.day for x in c["mentions"])]
            # several: the story's main one (most articles), if there is a clear one
            own.sort(key=lambda c: -len({x.article for x in c["mentions"]}))
            if len(own) > 1 and len({x.article for x in own[0]["mentions"]}) == len({x.article for x in own[1]["mentions"]}):
                own = []
            pool = own[:1]
        if pool:
            # its own date (a year, a month) is not the event's: keep the other claims
            m.claims = [c for c in m.claims if c.slot != "date"]
            min(pool, key=dist)["mentions"].append(m)
    events: list[Event] = []
    assigned: dict[str, list[Mention]] = {}
    for c in clusters:
        ms: list[Mention] = c["mentions"]
        days = [m.date.day for m in ms if m.date and m.date.day]
        # the date most articles give (earliest on a tie)
        counts: dict[date, set[str]] = {}
        for m in ms:
            if m.date and m.date.day:
                counts.setdefault(m.date.day, set()).add(m.article)
        day = max(sorted(counts), key=lambda d: len(counts[d])) if counts else min(days)
        end = date.min.fromordinal(date.min.toordinal() + c["hi"]) if c["hi"] > (day - date.min).days + 1 else None
        status = _status(ms, day, first_day, pub)
        trig = max(dict.fromkeys(m.trigger.lower() for m in ms), key=lambda t: sum(m.trigger.lower() == t for m in ms))
        eid = content_id(story.id, c["cls"], day.isoformat())
        events.append(Event(eid, f"{trig} ({day.isoformat()})", day.isoformat(),
                            articles=tuple(dict.fromkeys(m.article for m in ms)),
                            end_date=end.isoformat() if end else None, status=status))
        assigned[eid] = ms
    events.sort(key=lambda e: (e.date or "", e.id))
    return events, assigned


def _status(ms: list[Mention], day: date, first_day: date | None, pub: Mapping[str, datetime | None]) -> str:
    if first_day and (first_day - day).days > BACKGROUND_DAYS:
        return "background"
    if all(m.future for m in ms):
        return "scheduled"
    # after every mentioning article was published: it can only have been announced
    days = [p.date() for m in ms if (p := pub.get(m.article))]
    if days and len(days) == len(ms) and day > max(days):
        return "scheduled"
    return "reported"


def _anchor_days(mentions: list[Mention]) -> dict[str, list[date]]:
    """The days of each event class in the story's own timeline."""
    out: dict[str, set[date]] = {}
    for m in mentions:
        if m.date and m.date.day:
            out.setdefault(m.cls, set()).add(m.date.day)
    return {k: sorted(v) for k, v in out.items()}


def _best_anchor(days: list[date], event_day: date | None, claims: list[Claim]) -> date | None:
    """Of the story's events of the anchor's class, the one the claim fits best (a
    story may hold several explosions; the claim names one of them)."""
    if not days or event_day is None:
        return days[0] if days else None
    claimed = [(c.norm[0] if c.norm[1] == "after" else -c.norm[0]) for c in claims]  # type: ignore[index]
    return min(days, key=lambda d: min(abs((event_day - d).days - x) for x in claimed))


def _facts(ev: Event, ms: list[Mention], pub: Mapping[str, datetime | None], gz: Gazetteer,
           anchors: Mapping[str, list[date]]) -> list[Fact]:
    by_key: dict[tuple[str, str], list[Claim]] = {}
    seen: set[tuple[str, str, str, str]] = set()
    for m in ms:
        for c in m.claims:
            # one claim per article and value: a caption repeating the body is one statement
            k = (c.article, c.slot, c.scope, repr(c.norm))
            if k in seen:
                continue
            seen.add(k)
            by_key.setdefault((c.slot, c.scope), []).append(c)
    facts: list[Fact] = []
    for (slot, scope), claims in sorted(by_key.items(), key=lambda kv: (SLOT_ORDER.index(kv[0][0]), kv[0][1])):
        note: str | None = None
        if slot == "date":
            status, groups, note = compare_dates(claims)
        elif slot == "place":
            status, groups, note = compare_places(claims, gz, _event_cls(ev, ms) in POINT_EVENTS)
        elif slot in ("duration", "count"):
            status, groups, note = compare_numbers(claims, pub)
        elif slot == "participants":
            status, groups, note = compare_sets(claims)
        elif slot in ("agreed", "host"):
            status, groups, note = compare_text(claims)
        elif slot == "time":
            status, groups, note = compare_times(claims)
        elif slot == "ordinal":
            status, groups, note = compare_ordinals(claims)
        else:  # relative
            anchor_cls = event_class(scope)
            anchor = _best_anchor(anchors.get(anchor_cls, []), to_day(ev.date), claims) if anchor_cls else None
            status, groups, note = compare_relative(claims, to_day(ev.date), anchor, anchor_cls)
        name = scope_label(slot, scope)
        facts.append(Fact(name, status, tuple(_value(g, pub) for g in groups), note))
    return facts


def _title(ev: Event, facts: list[Fact]) -> str:
    """A derived event's title: its trigger word, the two most-cited participants, its date."""
    trigger = ev.title.split(" (")[0]
    people = next((f for f in facts if f.slot == "participants"), None)
    names = [v.value for v in people.values[:2] if len(v.articles) > 1 or len(people.values) <= 2] if people else []
    who = f" with {' and '.join(names)}" if names else ""
    return f"{trigger}{who} ({ev.date})"


def _same_occasion(ev: Event, ms: list[Mention], events: Sequence[Event],
                   assigned: Mapping[str, list[Mention]]) -> Event | None:
    """The clusterer-made event that ``ev`` (derived from mentions ``ms``) is another report
    of: the same class of event, dated within a day of it (a time zone), in a place that
    does not differ (when both name one), or None."""
    day = to_day(ev.date)
    cls = _event_cls(ev, ms)
    if day is None or cls is None:
        return None
    places = {c.value.lower() for m in ms for c in m.claims if c.slot == "place"}
    for e in events:
        ed = to_day(e.date)
        if ed is None or abs((ed - day).days) > 1 or _event_cls(e, assigned.get(e.id, [])) != cls:
            continue
        theirs = {p.lower() for p in e.places} | {c.value.lower() for m in assigned.get(e.id, [])
                                                  for c in m.claims if c.slot == "place"}
        if places and theirs and not places & theirs:
            continue
        return e
    return None


def _event_cls(ev: Event, ms: list[Mention]) -> str | None:
    """The event's class: its title's, else its mentions' most common one."""
    cls = event_class(ev.title)
    if cls is None and ms:
        cls = max(dict.fromkeys(m.cls for m in ms), key=lambda c: sum(m.cls == c for m in ms))
    return cls


def _value(g: Group, pub: Mapping[str, datetime | None]) -> FactValue:
    arts = g.articles
    evidence = tuple(dict.fromkeys(c.evidence for c in g.claims))
    return FactValue(g.value, arts, evidence, tuple((p.isoformat() if (p := pub.get(a)) else "") for a in arts))


__all__ = ["Reconciler", "reconcile_story", "coverage", "align_quotes", "Gazetteer", "event_class"]
