"""Slot extraction: what each article claims about each event, sentence by sentence.

A *claim* is one slot value stated in one sentence of one article: the date of
a meeting, its place, how long it lasted, who took part, who hosted it, what
was agreed, a count ("11 workers missing"), an ordinal ("first phone call")
or a relative date ("14 days after taking office"). Every claim keeps its
evidence sentence, so a reader can check it.

Events are found from *triggers*: event nouns and verbs grouped in classes
(meeting, call, ceremony...). A sentence with a trigger speaks about an event of
that class; its date (the one nearest the trigger) places it in time. The
lexicon is generic news vocabulary, not tuned to any corpus. Open information
extraction (OpenIE, SRL) would be more general but needs models this project
cannot download; the slots the reconciler compares are few and have stable
surface forms, which regular expressions over sentences read reliably.

Scope matters for ordinals and counts: "first phone call with X" and "second
official phone call as president" count different things, so each claim
carries a ``scope`` and is compared only with claims of the same scope.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from storyline.reconcile.dates import (
    DateRef,
    Span,
    article_dates,
    find_dates,
    reference_day,
    split_sentences,
)
from storyline.reconcile.places import Gazetteer, Place, find_places
from storyline.records import Article

# Event classes and their triggers. Order matters only for ties at one offset.
TRIGGERS: dict[str, re.Pattern[str]] = {
    "call": re.compile(r"\b(phone|telephone)\s+(call|calls|conversation|talks?)\b|\bcall(?:ed)?\s+with\b|"
                       r"\bspoke\s+(?:by|on the)\s+(?:tele)?phone\b|\bby phone\b", re.I),
    "meeting": re.compile(r"\b(summit|summits|meeting|meetings|talks|met|meet|meets|sit-down|"
                          r"conference|negotiations)\b", re.I),
    "ceremony": re.compile(r"\b(reception|ceremony|celebration|commemoration|gala|memorial service|"
                           r"funeral|anniversary event|commemorative event)\b", re.I),
    "speech": re.compile(r"\b(speech|address|press conference|briefing|video message)\b", re.I),
    "visit": re.compile(r"\b(visit|visited|visits|trip|tour)\b", re.I),
    "vote": re.compile(r"\b(election|elections|vote|voted|referendum|ballot)\b", re.I),
    "signing": re.compile(r"\b(treaty|accord|pact|signed|signing)\b", re.I),
    "disaster": re.compile(r"\b(explosion|exploded|blast|fire|sank|sinking|spill|leak|earthquake|quake|"
                           r"hurricane|storm|flood|flooding|crash|collapse|outbreak)\b", re.I),
    "attack": re.compile(r"\b(attack|attacks|bombing|shooting|strike|strikes|raid|clashes)\b", re.I),
    "protest": re.compile(r"\b(protest|protests|protesters|rally|demonstration|demonstrations|(?-i:marche[sd]|march(?:ed)?))\b", re.I),
    "legal": re.compile(r"\b(ruling|verdict|trial|hearing|indictment|indicted|arrest|arrested|charged|"
                        r"sentenced|lawsuit)\b", re.I),
    "exercise": re.compile(r"\b(drill|drills|exercise|exercises|manoeuvres|maneuvers)\b", re.I),
    "office": re.compile(r"\b(inauguration|inaugural|inaugurated|sworn in|took office|taking office|"
                         r"resigned|resignation)\b", re.I),
}
# A qualifier that changes what an ordinal or count ranges over ("official",
# "as president", "face-to-face"); others ("bilateral") do not.
_SCOPE_WORDS = {
    "official": "official", "formal": "official", "in-person": "in-person", "face-to-face": "in-person",
    "in person": "in-person", "direct": "in-person", "virtual": "virtual", "phone": "phone",
    "telephone": "phone", "overseas": "overseas", "foreign": "overseas", "state": "state",
}
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
             "eighth": 8, "ninth": 9, "tenth": 10, "last": -1, "latest": -1}
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                 "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
                 "thirty": 30, "forty": 40, "forty-five": 45, "fifty": 50, "sixty": 60, "ninety": 90,
                 "a dozen": 12, "dozens": 24, "hundreds": 200, "an": 1, "a": 1, "half an": 0.5, "half a": 0.5}
_NUM = r"(?:\d[\d,]*(?:\.\d+)?|" + "|".join(sorted((re.escape(k) for k in _NUMBER_WORDS), key=len, reverse=True)) + r")"
_HEDGE = r"(?P<hedge>about|around|roughly|some|nearly|almost|approximately|just|only|more than|over|less than|under|at least|up to)?\s*"
_UNITS = {"second": 1 / 60, "minute": 1, "hour": 60, "day": 1440, "week": 10080, "month": 43200, "year": 525600}
_DURATION = re.compile(
    rf"{_HEDGE}(?P<n>{_NUM})\s*(?P<unit>second|minute|hour|day|week|month|year)s?\b(?!\s+(?:after|before|later|ago|earlier|old))(?!-)",
    re.I,
)
# only verbs that give an event's own length: "for 36 hours" and "during" often
# measure something else in the sentence (a fire burning, a tenure)
_DURATION_CUE = re.compile(r"\b(lasted|lasting|took|long)\b", re.I)
_RELATIVE = re.compile(
    rf"(?P<hedge>just|only|about|nearly|some|barely|less than|more than)?\s*(?P<n>{_NUM})\s+(?P<unit>day|week|month|year)s?\s+"
    r"(?P<dir>after|before)\s+(?P<anchor>(?:[\w'’-]+\s?){1,5}?(?:office|power|inauguration|election|attack|explosion|"
    r"summit|meeting|call|visit|vote|ruling|talks|[\w'’-]+(?=[,.;—–]|\s+[—–])))",
    re.I,
)
_ORDINAL = re.compile(
    r"\b(?P<ord>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d+(?:st|nd|rd|th))\s+"
    r"(?P<mods>(?:[\w-]+\s+){0,3}?)(?P<noun>phone call|telephone call|call|summit|meeting|talks|visit|trip|"
    r"conversation|speech|address|election|attack|protest|reception)s?\b(?P<tail>[^.;]{0,80})",
    re.I,
)
_COUNT = re.compile(
    rf"\b{_HEDGE}(?P<n>\d[\d,]*(?:\.\d+)?|{'|'.join(k for k in _NUMBER_WORDS if len(k) > 2 and ' ' not in k)})"
    r"(?P<mult>\s+(?:million|billion|thousand))?\s+(?P<mods>(?:[a-z-]+\s+){0,2}?)"
    r"(?P<noun>people|persons|workers|soldiers|civilians|children|deaths|dead|casualties|victims|fatalities|"
    r"protesters|passengers|members|leaders|officials|troops|cases|homes|houses|barrels|gallons|tons|"
    r"tonnes|vessels|ships|countries|nations|meetings|visitors|injured|missing|arrests|patients)\b"
    r"(?P<tail>\s+(?:were\s+|have been\s+|had been\s+)?(?:killed|injured|wounded|dead|missing|evacuated|"
    r"arrested|infected|hospitali[sz]ed|displaced|rescued|died))?",
    re.I,
)
_ABBREV_DOT = (r"\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|Mr|Mrs|Ms|Dr|St|No|Gen|Sen|Rep|Gov|Jr|Sr)\.\s"
               r"|(?:\b[A-Z]\.){2,}\s(?=[a-z\d])")  # "U.S. trade", not "the U.S. Then"
_AGREED = re.compile(
    r"\b(?P<cue>agreed to|agreed on|agreed that|pledged to|vowed to|decided to|announced|reaffirmed|"
    r"committed to|promised to|signed|confirmed (?:their|its|his|her) intention to)\s+"
    # what was agreed runs to the end of the clause; an abbreviation's full stop ("Dec. 18",
    # "U.S.") does not end it
    rf"(?P<what>(?:{_ABBREV_DOT}|[^.;]|\.(?!\s|$)){{8,160}})",
    re.I,
)
_ABBREV_END = re.compile(r"(?:\b[A-Z]\.)+$|\b(?:Inc|Co|Corp|Ltd|Jr|Sr|St|Bros)\.$")
_HOST = re.compile(r"\bhosted by (?:the\s+)?(?P<host>[A-Z][\w'’.-]*(?:\s+(?:[A-Z][\w'’.-]*|of|in|for))*)")
_TITLE = (r"(?:President|Prime Minister|Premier|Chancellor|King|Queen|Emperor|Minister|Secretary|Governor|"
          r"Mayor|Senator|Ambassador|Chairman|Chairwoman|Chair|CEO|Chief Executive|Adm|Admiral|General|Gen\.|Pope)")
_PERSON = re.compile(
    rf"\b{_TITLE}\s+(?:[A-Z][a-z]+\s+){{0,2}}?(?P<name>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){{1,2}})"
)
# Characters between an event trigger and a place for the place to be the event's:
# a clause of news prose (the seeds' and T17's locatives sit within ~90 of it).
PLACE_WINDOW = 110
PLACE_WINDOW_BEFORE = 40  # "the Tokyo reception" / "in Seoul, the summit...": a place before its trigger stays close
_TOLL_NOUNS = {"death", "dead", "casualtie", "victim", "injured", "missing", "fatalitie"}
_CLOCK = re.compile(
    r"(?<![:\d]\s)(?<![:\d])\b(?P<h>[0-2]?\d)(?:\s?:\s?(?P<m>[0-5]\d))?\s*(?P<ap>a\.m\.|p\.m\.|am|pm)\b(?:\s*\(?(?P<tz>local time|[A-Z]{2,4}T|GMT|UTC|KST|JST)\)?)?",
    re.I,
)


@dataclass(frozen=True, slots=True)
class Claim:
    """One slot value stated in one sentence of one article.

    ``value`` is the surface form shown to readers; ``norm`` what comparison
    uses (minutes, a day, a place, a set of names); ``scope`` what the value is
    about for ordinals and counts; ``place`` the resolved place for place claims.
    """

    article: str
    slot: str
    value: str
    norm: object
    evidence: str
    scope: str = ""
    hedged: bool = False
    place: Place | None = None
    date: DateRef | None = None


@dataclass(slots=True)
class Mention:
    """An event mention: a trigger in a sentence, with the claims the sentence makes."""

    article: str
    cls: str
    sentence: Span
    trigger: str
    trigger_at: int
    date: DateRef | None
    future: bool
    claims: list[Claim] = field(default_factory=list)
    caption: bool = False


def _num(s: str) -> float | None:
    s = s.lower().strip()
    if s in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[s])
    try:
        return float(s.replace(",", ""))
    except ValueError:
        return None


def scope_label(slot: str, scope: str) -> str:
    """A fact's name for readers: the slot, and what an ordinal, count or relative claim
    ranges over, in words ("ordinal: official call with Ishiba"), not the comparison key
    (``"call|official|with ishiba"``; the key is lower-cased, the name is given its capital)."""
    if not scope:
        return slot
    if slot != "ordinal" or scope.count("|") != 2:
        return f"{slot}: {scope}"
    noun, quals, who = scope.split("|")
    parts = [q for q in quals.split(",") if q and not q.startswith("as ") and q != "including others"]
    words = [*parts, noun, *(q for q in quals.split(",") if q.startswith("as "))]
    if who.strip() != "with":
        words.append("with " + who[5:6].upper() + who[6:])
    if "including others" in quals.split(","):
        words.append("(including others)")
    return f"{slot}: " + " ".join(w for w in words if w)


def _ordinal(s: str) -> int:
    s = s.lower()
    if s in _ORDINALS:
        return _ORDINALS[s]
    return int(re.sub(r"\D", "", s) or 0)


def _people(sentence: str, mentions: list[tuple[int, int, str]] | None) -> list[str]:
    """Person names in the sentence: enrichment's PERSON mentions, else titled names."""
    if mentions is not None:
        return [m[2] for m in mentions]
    return [m["name"] for m in _PERSON.finditer(sentence)]


def person_key(name: str) -> frozenset[str]:
    """A name as the set of its words, lower case, split on spaces and hyphens.

    Two names denote the same person when the sets share a word of three or
    more letters: "Lee Jae Myung" / "Lee Jae-myung" / "Lee"; "Shigeru Ishiba" /
    "Ishiba". Word order is not used because it differs between name cultures.
    """
    return frozenset(w for w in re.split(r"[\s-]+", name.lower()) if len(w) >= 3)


def sentence_spans(article: Article) -> list[tuple[Span, bool]]:
    """The article's sentences, then its image captions (caption=True); captions often
    carry the place and date of the event that the body leaves out."""
    out = [(s, False) for s in split_sentences(article.text)]
    for img in article.images:
        if img.caption:
            out.extend((s, True) for s in split_sentences(img.caption))
    return out


def extract_mentions(article: Article, gazetteer: Gazetteer, fallback_day: date | None = None,
                     context: frozenset[str] = frozenset()) -> list[Mention]:
    """Every event mention of ``article`` with the claims its sentence makes.

    ``fallback_day`` resolves yearless dates of an article without a publication
    date (the story's first day); ``context`` holds country codes the story
    mentions, for place disambiguation.
    """
    ref = reference_day(article, fallback_day)
    body_dates = article_dates(article, fallback_day)
    person_mentions = None
    if article.mentions is not None:
        person_mentions = [(m.start, m.end, m.text) for m in article.mentions if m.label == "PERSON"]
    out: list[Mention] = []
    for span, caption in sentence_spans(article):
        text = span.text
        if caption:
            dates = find_dates(text, ref)
            offset = 0
        else:
            dates = [d for d in body_dates if span.start <= d.start < span.end]
            offset = span.start
        triggers = []
        for cls, rx in TRIGGERS.items():
            for m in rx.finditer(text):
                triggers.append((m.start(), cls, m.group(0)))
        if not triggers:
            continue
        triggers.sort()
        at, cls, word = triggers[0]
        # "call" outranks "meeting" in "phone talks": prefer call when both are in the sentence early
        call = next((t for t in triggers if t[1] == "call"), None)
        if call and cls == "meeting" and call[0] - at < 40:
            at, cls, word = call
        date_ref = None
        day_dates = [d for d in dates if d.day is not None]
        if day_dates:
            # a dated sentence is about the event whose trigger stands nearest its date
            # ("Coinciding with the summit, ... a drill on June 18": the drill's date)
            date_ref = day_dates[0]
            # a trigger before its date wins: news says "held X on DATE", and a trailing
            # "since taking office" qualifies rather than names the event
            best = min(((0 if 0 <= (d.start - offset) - t[0] <= 150 else 1, abs((d.start - offset) - t[0])),
                        t, d) for t in triggers for d in day_dates)
            _, (at, cls, word), date_ref = best
        elif dates:
            date_ref = min(dates, key=lambda d: abs((d.start - offset) - at))
        future = bool(date_ref.future) if date_ref else bool(re.search(
            r"\b(will|expected to|scheduled to|set to|plans? to|upcoming)\b", text, re.I))
        sent_people = None
        if person_mentions is not None and not caption:
            sent_people = [p for p in person_mentions if span.start <= p[0] < span.end]
        mention = Mention(article.id, cls, span, word, at, date_ref, future, caption=caption)
        mention.claims = _claims(article.id, text, cls, date_ref, gazetteer, context, sent_people, at)
        out.append(mention)
    return out


def _claims(aid: str, text: str, cls: str, date_ref: DateRef | None, gz: Gazetteer,
            context: frozenset[str], people: list[tuple[int, int, str]] | None, at: int = 0) -> list[Claim]:
    claims: list[Claim] = []
    if date_ref is not None:
        claims.append(Claim(aid, "date", date_ref.text, date_ref.value, text, date=date_ref))
    # a place far from the trigger belongs to another clause ("conflict in the Middle East")
    places = [r for r in find_places(text, gz, context) if -PLACE_WINDOW_BEFORE <= r.start - at <= PLACE_WINDOW]
    if places:
        # the most specific place wins; among equals, the first
        best = max(places, key=lambda r: ({"country": 0, "admin1": 1, "admin2": 2, "city": 3, "locality": 3}[r.place.kind], -r.start))
        claims.append(Claim(aid, "place", best.text, best.place.key, text, place=best.place))
    for m in _CLOCK.finditer(text):
        # a clock time is the event's only near its trigger (not a dateline's time stamp)
        if not -PLACE_WINDOW_BEFORE <= m.start() - at <= PLACE_WINDOW:
            continue
        h, mi = int(m["h"]), int(m["m"] or 0)
        if m["ap"].lower().startswith("p") and h < 12:
            h += 12
        if m["ap"].lower().startswith("a") and h == 12:
            h = 0
        claims.append(Claim(aid, "time", m.group(0).strip(), (h * 60 + mi, (m["tz"] or "").lower()), text))
    for m in _DURATION.finditer(text):
        n = _num(m["n"])
        if n is None or not _DURATION_CUE.search(text[max(0, m.start() - 25):m.start()] + text[m.end():m.end() + 6]):
            continue
        if m["unit"].lower() == "year" and n > 200:
            continue
        minutes = n * _UNITS[m["unit"].lower()]
        claims.append(Claim(aid, "duration", m.group(0).strip(), minutes, text, hedged=bool(m["hedge"])))
    for m in _RELATIVE.finditer(text):
        n = _num(m["n"])
        if n is None:
            continue
        days = n * {"day": 1, "week": 7, "month": 30, "year": 365}[m["unit"].lower()]
        anchor = m["anchor"].strip()
        claims.append(Claim(aid, "relative", m.group(0).strip(), (days, m["dir"].lower()), text,
                            scope=anchor, hedged=bool(m["hedge"])))
    for m in _ORDINAL.finditer(text):
        noun = m["noun"].lower()
        noun_cls = next((c for c, rx in TRIGGERS.items() if rx.search(noun)), noun)
        mods = m["mods"].lower() + " " + noun
        quals = sorted({v for k, v in _SCOPE_WORDS.items() if re.search(rf"\b{re.escape(k)}\b", mods)} - {"phone"})
        tail = m["tail"]
        role = re.match(r"\s*(?:as|since becoming)\s+(?:a\s+|the\s+)?([a-z][a-z ]{2,25}?)(?=\s+with\b|[,.]|$)", tail)
        if role:
            quals.append("as " + role.group(1).strip())
        # the counterpart: the last word of the capitalised run after "with" (the family
        # name in "with Japanese Prime Minister Shigeru Ishiba")
        with_ = re.search(r"\bwith\s+((?:[A-Z][\w.'’-]*\s*)+)", tail)
        who = with_.group(1).split()[-1].lower().strip(".,") if with_ else ""
        # a count that includes others ("following his call with Trump") is another scope
        others = re.search(r"\b(?:after|following|since)\s+(?:his|her|their|a|the)\s+\w*\s*(?:call|meeting|talks)\s+with\b",
                           text[m.end():], re.I)
        if others:
            quals.append("including others")
        scope = f"{noun_cls}|{','.join(sorted(quals))}|with {who}"
        claims.append(Claim(aid, "ordinal", m.group("ord").lower() + " " + (m["mods"] or "") + m["noun"],
                            _ordinal(m["ord"]), text, scope=scope))
    for m in _COUNT.finditer(text):
        n = _num(m["n"])
        if n is None:
            continue
        if m["mult"]:
            n *= {"million": 1e6, "billion": 1e9, "thousand": 1e3}[m["mult"].strip().lower()]
        # "two leaders", "both countries": word numbers this small describe, they are not figures
        if n <= 2 and not m["n"][0].isdigit():
            continue
        noun = m["noun"].lower().rstrip("s")
        tail = (m["tail"] or "").split()[-1:] if m["tail"] else []
        mods = [w for w in (m["mods"] or "").lower().split() if w not in ("the", "a", "an")]
        # only tolls are compared: people killed, hurt, missing... are what outlets revise
        # and dispute; amounts (barrels, visitors) name too many different quantities
        if not (tail or noun in _TOLL_NOUNS):
            continue
        rate = re.match(r"\s*(?:a|per|each)\s+(day|week|month|year)", text[m.end():])
        scope = " ".join([*mods, noun, *tail, *(["per " + rate.group(1)] if rate else [])])
        claims.append(Claim(aid, "count", m.group(0).strip(), n, text, scope=scope, hedged=bool(m["hedge"])))
    for m in _AGREED.finditer(text):
        what = re.split(r"\s+(?:and said|, while|, but)\b", m["what"])[0].strip(" ,\"“”")
        claims.append(Claim(aid, "agreed", f"{m['cue']} {what}", _content_words(what), text))
    for m in _HOST.finditer(text):
        host = m["host"].strip()
        if host.endswith(".") and not _ABBREV_END.search(host):
            host = host[:-1]  # the sentence's full stop, not an abbreviation's ("U.S.", "Inc.")
        claims.append(Claim(aid, "host", host, host.lower(), text))
    names = _people(text, [(a, b, t) for a, b, t in people] if people is not None else None)
    if names:
        uniq = list(dict.fromkeys(names))
        claims.append(Claim(aid, "participants", ", ".join(uniq), tuple(person_key(n) for n in uniq), text))
    return claims


_STOP = frozenset(
    ["a", "an", "the", "of", "to", "in", "on", "at", "for", "with", "and", "or", "but", "by", "from", "as", "is", "are", "was", "were", "be", "been", "being", "that", "this", "these", "those", "it", "its", "their", "his", "her", "they", "them", "he", "she", "we", "our", "you", "your", "which", "who", "whom", "whose", "will", "would", "can", "could", "should", "may", "might", "must", "not", "no", "so", "than", "then", "there", "here", "also", "more", "most", "very", "such", "into", "over", "under", "about", "after", "before", "between", "during", "while", "both", "two"]
)


def _content_words(text: str) -> frozenset[str]:
    words = re.findall(r"[a-z][a-z'-]+", text.lower())
    return frozenset(w[:6] for w in words if w not in _STOP and len(w) > 2)


def content_words(text: str) -> frozenset[str]:
    """Stemmed (6-letter prefix) content words: cheap, language-light overlap features."""
    return _content_words(text)
