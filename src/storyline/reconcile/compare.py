"""Normalise the values claimed for one slot and give the slot a status.

Statuses (CONTRACT.md): ``single`` (one article, or one distinct source),
``agreed`` (every source states the same normalised value), ``compatible``
(values differ in form but not in substance: a town and the region holding it,
"30 minutes" and "about 30 minutes", a local date and the next calendar day at
home), ``updated`` (a figure revised over time: the later article differs from
the earlier one and no two articles published together disagree) and
``conflict`` (sources disagree on the same thing at the same time).

Each comparer returns the status and a human note saying why: the distance
between two towns, the revision chain, the time-zone reading.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from storyline.reconcile.dates import to_day
from storyline.reconcile.facts import Claim, content_words
from storyline.reconcile.places import Gazetteer, Place

# Two articles published less than this apart report "at the same time": a
# disagreement between them is a conflict, not a revision. Half a news day:
# wire updates within a morning are one state of knowledge.
SAME_TIME = timedelta(hours=12)
# Relative tolerance for hedged numbers ("about 30", "nearly 300"): rounding to
# one or two significant figures moves a value by up to ~10 %.
HEDGE_TOLERANCE = 0.10


@dataclass(frozen=True, slots=True)
class Group:
    """Claims that state one normalised value, with the articles behind them."""

    value: str
    claims: tuple[Claim, ...]
    norm: object

    @property
    def articles(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.article for c in self.claims))


def group_claims(claims: Sequence[Claim], same: Callable[[Claim, Claim], bool]) -> list[Group]:
    """Group claims whose values are the same under ``same`` (first claim names the group)."""
    groups: list[list[Claim]] = []
    for c in claims:
        for g in groups:
            if same(g[0], c):
                g.append(c)
                break
        else:
            groups.append([c])
    # the most attested value first, then by first appearance
    groups.sort(key=lambda g: -len({c.article for c in g}))
    return [Group(_display(g), tuple(g), g[0].norm) for g in groups]


def _display(claims: list[Claim]) -> str:
    # show the plainest wording: an unhedged form if there is one, the shortest otherwise
    plain = [c for c in claims if not c.hedged] or claims
    return min((c.value for c in plain), key=len)


def _close(a: float, b: float, hedged: bool) -> bool:
    if a == b:
        return True
    if not hedged:
        return False
    return abs(a - b) <= HEDGE_TOLERANCE * max(abs(a), abs(b))


def compare_numbers(claims: Sequence[Claim], published: Mapping[str, datetime | None]) -> tuple[str, list[Group], str | None]:
    """Counts and durations: equal = agreed; within rounding of a hedged value =
    compatible; different over time = updated; different at the same time = conflict."""
    exact = group_claims(claims, lambda a, b: a.norm == b.norm)
    if len(exact) == 1:
        return ("agreed" if len(exact[0].articles) > 1 else "single"), exact, None
    loose = group_claims(claims, lambda a, b: _close(float(a.norm), float(b.norm), a.hedged or b.hedged))  # type: ignore[arg-type]
    if len(loose) == 1:
        return "compatible", exact, "the values agree within rounding (one is approximate)"
    return _over_time(exact, published)


def _over_time(groups: list[Group], published: Mapping[str, datetime | None]) -> tuple[str, list[Group], str | None]:
    """Updated when every disagreement is between articles published apart in time."""
    times = {a: published.get(a) for g in groups for a in g.articles}
    for i, g in enumerate(groups):
        for h in groups[i + 1:]:
            for a in g.articles:
                for b in h.articles:
                    ta, tb = times.get(a), times.get(b)
                    if ta is None or tb is None or abs(_naive(ta) - _naive(tb)) < SAME_TIME:
                        return "conflict", groups, None
    # revision chain by the first publication of each value
    def first(g: Group) -> datetime:
        return min(_naive(times[a]) for a in g.articles if times.get(a) is not None)  # type: ignore[arg-type]

    chain = sorted(groups, key=first)
    note = "revised over time: " + " -> ".join(f"{g.value} ({first(g):%Y-%m-%d %H:%M})" for g in chain)
    return "updated", chain, note


def _naive(t: datetime) -> datetime:
    # compare offset-aware and naive times on one scale: drop the offset after converting to UTC
    if t.tzinfo is not None:
        return (t - t.utcoffset()).replace(tzinfo=None)  # type: ignore[operator]
    return t


def compare_dates(claims: Sequence[Claim]) -> tuple[str, list[Group], str | None]:
    """Dates, time-zone aware: one calendar day apart is compatible (a local date abroad
    against the next day at home); a day inside another claim's range is compatible;
    coarser values (a month) holding a finer one are compatible."""
    groups = group_claims(claims, lambda a, b: a.norm == b.norm)
    if len(groups) == 1:
        return ("agreed" if len(groups[0].articles) > 1 else "single"), groups, None
    notes: list[str] = []
    status = "compatible"
    for i, g in enumerate(groups):
        for h in groups[i + 1:]:
            rel = _date_relation(g.claims[0], h.claims[0])
            if rel is None:
                return "conflict", groups, f"{g.value} vs {h.value}"
            if rel:
                notes.append(rel)
    return status, groups, "; ".join(dict.fromkeys(notes)) or None


def _date_relation(a: Claim, b: Claim) -> str | None:
    """A note when dates a and b are compatible, None when they conflict."""
    va, vb = str(a.norm), str(b.norm)
    if va.startswith(vb) or vb.startswith(va):
        return "one date is given more precisely than the other"
    da, db = to_day(va), to_day(vb)
    if da is None or db is None:
        return None
    ra = a.date.end if a.date and a.date.end else None
    rb = b.date.end if b.date and b.date.end else None
    one = timedelta(days=1)
    if (ra and da - one <= db <= (to_day(ra) or da) + one) or (rb and db - one <= da <= (to_day(rb) or db) + one):
        return "a day within the range another outlet gives"
    alts = {x.date.alt for x in (a, b) if x.date and x.date.alt}
    if va in alts or vb in alts:
        return "the same moment in two time zones (local time)"
    if abs((da - db).days) == 1:
        return "one day apart: consistent with a local date abroad and the next calendar day at home"
    return None


# Event classes that happen at one venue: two towns named for one of them cannot both
# be right. Disasters, protests, attacks and trips span places, so different towns
# named for them are parts of one picture, not a disagreement.
POINT_EVENTS = frozenset({"meeting", "call", "ceremony", "speech", "signing", "vote", "legal", "office"})


def compare_places(claims: Sequence[Claim], gz: Gazetteer, point_event: bool = True) -> tuple[str, list[Group], str | None]:
    """Places by granularity: the same place agrees; a place inside another is compatible;
    two places neither of which holds the other conflict (with their distance), for
    events that happen at one venue (``point_event``)."""
    groups = group_claims(claims, lambda a, b: a.place is not None and b.place is not None
                          and gz.relation(a.place, b.place).kind == "same")
    if len(groups) == 1:
        return ("agreed" if len(groups[0].articles) > 1 else "single"), groups, None
    if not point_event:
        return "compatible", groups, "an event of this kind spans several places"
    conflicts: list[str] = []
    clashing: list[str] = []
    near: list[str] = []  # how near every other pair of places is, for the note
    skipped = False
    for i, g in enumerate(groups):
        for h in groups[i + 1:]:
            pa, pb = g.claims[0].place, h.claims[0].place
            if pa is None or pb is None:
                continue
            if set(g.articles) == set(h.articles):
                # one article naming two places speaks of two scenes, not a disagreement
                skipped = True
                near.append(gz.nearness(pa, pb))
                continue
            if not any(same_occasion(x.evidence, y.evidence) for x in g.claims for y in h.claims):
                # two meetings on one day ("a town hall in Buras", "talks in Houston")
                skipped = True
                near.append(gz.nearness(pa, pb))
                continue
            rel = gz.relation(pa, pb)
            if rel.kind == "different" and _tier(pa) != _tier(pb):
                # a town and a region that does not hold it: the outlets may be naming
                # different scenes; only places of one tier (two towns, two countries) clash
                skipped = True
                near.append(gz.nearness(pa, pb))
                continue
            if rel.kind == "different":
                conflicts.append(gz.nearness(pa, pb))
                clashing += [x for x in (g.value, h.value) if x not in clashing]
            else:
                near.append(gz.nearness(pa, pb))
    if skipped:
        note = "the places named do not clash (one holds another, or they name different scenes)"
    else:
        note = "the places named hold one another (different granularity)"
    if near:
        note += ": " + "; ".join(dict.fromkeys(near))
    if conflicts:
        # "conflicting: A | B." first, so readers (and the summary) see which values clash;
        # then how near the clashing places are; the others are broader places
        # compatible with both
        return "conflict", groups, f"conflicting: {' | '.join(clashing)}. " + "; ".join(conflicts)
    return "compatible", groups, note


def _tier(p: Place) -> int:
    return {"country": 0, "admin1": 1}.get(p.kind, 2)


def compare_sets(claims: Sequence[Claim]) -> tuple[str, list[Group], str | None]:
    """Participants: one group per person; everyone named by all sources = agreed,
    otherwise compatible (outlets name more or fewer people; that is coverage, not conflict)."""
    persons: list[tuple[frozenset[str], list[Claim], str]] = []
    for c in claims:
        names = c.value.split(", ")
        for key, name in zip(c.norm, names, strict=False):  # type: ignore[call-overload]
            for p in persons:
                if p[0] & key:
                    p[1].append(c)
                    break
            else:
                persons.append((key, [c], name))
    groups = [Group(name, tuple(cs), key) for key, cs, name in persons]
    groups.sort(key=lambda g: -len(g.articles))
    arts = {c.article for c in claims}
    if len(arts) == 1:
        return "single", groups, None
    if all(set(g.articles) == arts for g in groups):
        return "agreed", groups, None
    return "compatible", groups, "outlets name different subsets of the participants"


def _word_set(norm: object) -> frozenset[str]:
    """A claim's comparable words: outcome claims carry a word set, host claims a plain name."""
    if isinstance(norm, frozenset):
        return norm
    return frozenset(re.findall(r"\w+", str(norm).lower()))


def compare_text(claims: Sequence[Claim]) -> tuple[str, list[Group], str | None]:
    """Agreed/announced outcomes: near-identical wordings (content-word overlap) are one
    value; several distinct outcomes complement each other (compatible), never conflict."""
    def same(a: Claim, b: Claim) -> bool:
        x, y = _word_set(a.norm), _word_set(b.norm)
        if not x or not y:
            return False
        # overlap coefficient 0.5: half of the shorter wording's content words recur
        return len(x & y) / min(len(x), len(y)) >= 0.5

    groups = group_claims(claims, same)
    arts = {c.article for c in claims}
    if len(arts) == 1:
        return "single", groups, None
    if len(groups) == 1:
        return "agreed", groups, None
    return "compatible", groups, "outlets report different parts of the outcome"


def compare_times(claims: Sequence[Claim]) -> tuple[str, list[Group], str | None]:
    """Clock times: equal = agreed; different with different time-zone labels = compatible."""
    groups = group_claims(claims, lambda a, b: a.norm == b.norm)
    if len(groups) == 1:
        return ("agreed" if len(groups[0].articles) > 1 else "single"), groups, None
    zones = {g.norm[1] for g in groups}  # type: ignore[index]
    if len(zones) > 1:
        return "compatible", groups, "times given in different time zones"
    minutes = [g.norm[0] for g in groups]  # type: ignore[index]
    if max(minutes) - min(minutes) <= TIME_ROUNDING:
        return "compatible", groups, "the times agree within rounding"
    return "conflict", groups, None


TIME_ROUNDING = 5  # minutes: "7:30 pm" and "7:31 pm" report one moment


def same_occasion(a: str, b: str) -> bool:
    """Whether two evidence sentences speak of one occasion: they name a common person,
    or half the content words of the shorter recur in the longer (places, dates and
    numbers aside: those are what may differ)."""
    pa, pb = {n for n in _names(a)}, {n for n in _names(b)}
    if pa & pb:
        return True
    wa, wb = content_words(_strip(a)), content_words(_strip(b))
    if not wa or not wb:
        return False
    return len(wa & wb) / min(len(wa), len(wb)) >= 0.5


def _names(s: str) -> set[str]:
    return {w.lower() for w in re.findall(r"\b[A-Z][a-z]{2,}\b", s)[1:]}  # first word: sentence case


def _strip(s: str) -> str:
    return re.sub(r"\b(?:in|at|on|near)\s+[A-Z][\w.,' -]*|\d[\d,.:]*", " ", s)


def compare_ordinals(claims: Sequence[Claim]) -> tuple[str, list[Group], str | None]:
    """Ordinals of one scope: the same rank agreed, different ranks conflict."""
    groups = group_claims(claims, lambda a, b: a.norm == b.norm)
    if len(groups) == 1:
        return ("agreed" if len(groups[0].articles) > 1 else "single"), groups, None
    return "conflict", groups, None


def compare_relative(claims: Sequence[Claim], event_day: date | None, anchor_day: date | None,
                     anchor_text: str | None) -> tuple[str, list[Group], str | None]:
    """A relative claim ("14 days after taking office") checked against the story's own
    timeline: the event's date minus the anchor's date. One day of slack covers
    inclusive counting and time zones."""
    groups = group_claims(claims, lambda a, b: a.norm == b.norm)
    if event_day is None or anchor_day is None:
        status = "single" if len({c.article for c in claims}) == 1 else (
            "agreed" if len(groups) == 1 else "conflict")
        return status, groups, "no date in the story's timeline to check it against"
    actual = (event_day - anchor_day).days
    notes, bad = [], False
    for g in groups:
        norm: tuple[float, str] = g.norm  # type: ignore[assignment]
        claimed = norm[0] if norm[1] == "after" else -norm[0]
        diff = abs(claimed - actual)
        wording = g.value.lower()
        # one day for inclusive counting and time zones; a tenth for "about"/"nearly";
        # "more than"/"less than" are inequalities; months and years are round
        tol = 1 + (0.1 * abs(actual) if any(c.hedged for c in g.claims) else 0) + (0.1 * abs(claimed) if abs(claimed) >= 28 else 0)
        if wording.startswith(("more than", "over")):
            ok = abs(actual) >= abs(claimed) - 1
        elif wording.startswith(("less than", "under", "barely")):
            ok = abs(actual) <= abs(claimed) + 1
        else:
            ok = diff <= tol
        if not ok:
            bad = True
        notes.append(f"'{g.value}' vs {actual} days by the story's timeline "
                     f"({anchor_text or 'anchor'} {anchor_day.isoformat()}, event {event_day.isoformat()})")
    if bad:
        return "conflict", groups, "; ".join(notes)
    exact = all(abs((g.norm[0] if g.norm[1] == "after" else -g.norm[0]) - actual) == 0 for g in groups)  # type: ignore[index]
    return ("agreed" if exact else "compatible"), groups, "; ".join(notes)
