"""Temporal expressions of one article, normalised TIMEX3-style against its publication date.

News copy dates things relative to the day it is published ("Monday", "last week", "on June 17"
in an article of June 20), relative to an earlier sentence ("Dec. 18 the same year") or in
another time zone ("June 17 (local time)"). Every expression found gets a TIMEX3 ``value`` at the
granularity the text has (``2025-06-16``, ``2025-06``, ``2025-W24``, ``2025``, ``P30M``,
``PRESENT_REF``) and a ``type`` (DATE, TIME, DURATION, SET).

The cascade:
1. Find candidates with a small grammar of English date phrases (below), then add spaCy's
   DATE/TIME entities the grammar missed.
2. Walk them in text order, keeping the last explicit year and day mentioned (the anchor for
   "the same year", "that day", "the following year").
3. Resolve each against the publication date (DCT). Where a phrase names a point but not which
   one (a weekday, a month-day without a year), the tense of the verb governing it decides: a
   past verb takes the latest such day on or before the DCT, a future one ("will", "is
   scheduled for", "is expected to") the first on or after it.
4. Without a DCT, expressions that need one get ``value=None`` and a note; absolute ones
   ("June 22, 1965", "1965") still get their value.
5. A date marked "(local time)" next to a date marked with another zone ("Seoul time", "KST")
   keeps that one as ``alt_value``.

Extents and values follow the TimeML/TIMEX3 guidelines (checked against the MEANTIME errors of
bench/bench_times.py --errors, but only where the guideline says so, not the corpus's quirks):
prepositions are SIGNALs outside the expression ("in recent years" -> "recent years"); a
duration used as a modifier is an adjective without the article ("a 27-year contract" ->
"27-year"); modifiers ("more than", "the end of") stay inside and keep the period's value; the
two ends of a range ("from 2009 to 2011", "between 60 and 90 days") are two expressions; weeks
are ISO 8601 weeks; "two days before the launch" is a DURATION; "the same month a year ago" and
"that time" are anchored to the time last mentioned.

Why not a library alone: dateparser (used here as the fallback parser for numeric and unusual
forms) parses a string into one datetime and loses granularity (a month becomes its first day)
and knows nothing of the article's other sentences or tenses; HeidelTime does this job but is
GPL Java. The grammar here is the part of HeidelTime's English rules that news needs.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from spacy.tokens import Doc, Token

from storyline.enrich.tokens import token_at
from storyline.records import TimeExpr

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12,
    "dec": 12,
}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "hundred": 100, "a dozen": 12, "dozen": 12, "a hundred": 100, "half a": 0.5,
}
VAGUE_NUMBERS = {"several", "few", "a few", "many", "some", "couple of", "a couple of", "dozens of", "hundreds of", "thousands of"}
UNITS = {"second": ("T", "S"), "minute": ("T", "M"), "hour": ("T", "H"), "day": ("", "D"),
         "week": ("", "W"), "month": ("", "M"), "year": ("", "Y"), "decade": ("", "Y10"),
         "century": ("", "Y100"), "quarter": ("", "Q")}
PARTS_OF_DAY = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "tonight": "NI"}
SEASONS = {"spring": "SP", "summer": "SU", "autumn": "FA", "fall": "FA", "winter": "WI"}
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "last": 4, "final": 4}

# ----------------------------------------------------------------- grammar ---
_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
          r"|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)")
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[5-9]\d\d|20\d\d|2100)"
_WD = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_NUMW = (r"(?:\d+(?:\.\d+)?|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
         r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|"
         r"fifty|sixty|seventy|eighty|ninety|hundred|a dozen|dozen|a hundred)"
         r"(?:(?<=ty)[- ](?:one|two|three|four|five|six|seven|eight|nine))?(?: and a half)?")
_VAGUE = r"(?:several|a few|few|many|some|a couple of|couple of|dozens of|hundreds of|thousands of)"
_UNIT = r"(?:second|minute|hour|day|week|month|year|decade|century|centuries)s?"
_PART = r"(?:morning|afternoon|evening|night)"
_DASH = r"\s*(?:-|–|—|to|through|until|and)\s*"
_REL = r"(?:last|next|this|past|coming|previous|following|current)"
# month names after "last/next/this" (a case-insensitive pattern: "May" only capitalised, "this may" is a modal)
_MONTH_NAME = r"(?:January|February|March|April|(?-i:May)|June|July|August|September|October|November|December)"
_EDGE = r"(?:the\s+)?(?:very\s+)?(?:end|beginning|start|middle)\s+of\s+"  # TIMEX3 mod START/MID/END: same value
_DUR_ADJ = r"(?:straight|consecutive|successive|trading|business|working)"  # "six straight days", "five trading days"
_SAME = r"(?:the same|that|the following|the next|the previous|the preceding)"
_TZ = r"(?:\s*\(?(?:UTC|GMT|KST|JST|EST|EDT|CST|CDT|PST|PDT|BST|CET|CEST|ET|PT)(?:\s*[+-]\s*\d{1,2})?\)?)"
_CLOCK = (r"(?:\d{1,2}:\d{2}(?:\s*[ap]\.?\s?m\.?)?|\d{1,2}\s*[ap]\.\s?m\.|\d{1,2}\s*[ap]m\b|noon|midnight)")

_PATTERNS: list[tuple[str, str]] = [
    # (name, regex); the longest match at a position wins, so order does not matter.
    ("iso", r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?\b"),
    ("numeric", r"\b\d{1,2}/\d{1,2}/(?:\d{4}|\d{2})\b"),
    ("md_range", rf"\b{_MONTH}\s+{_DAY}{_DASH}{_DAY}(?:,?\s+{_YEAR})?\b"),
    ("dm_range", rf"\b{_DAY}{_DASH}{_DAY}\s+{_MONTH}(?:,?\s+{_YEAR})?\b"),
    ("mdy", rf"(?:\b{_WD},?\s+)?\b{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR}\b|(?:,?\s+(?:of\s+)?{_SAME}\s+year\b))?(?!\d)"),
    ("dmy", rf"(?:\b{_WD},?\s+)?\b{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR}\b)?"),
    ("my", rf"\b(?:(?:early|mid|late|mid-|the end of|the beginning of|the start of|the middle of)\s*)?{_MONTH}(?:\s+(?:of\s+)?{_YEAR}\b|(?:\s+(?:of\s+)?(?:{_SAME}|next|last|this)\s+year\b))"),
    ("month", r"\b(?:(?:early|mid|late|mid-|the end of|the beginning of|the start of|the middle of)\s*)?(?:January|February|March|April|June|July|August|September|October|November|December)\b"),
    ("month_may", r"\b(?:in|of|since|until|by|from|early|late|mid|before|after|during) (?P<x>May)\b"),
    ("year_range", rf"\b(?:from\s+|between\s+)?{_YEAR}{_DASH}(?:{_YEAR}|\d\d)\b"),
    ("year", rf"\b(?:(?:early|mid|late|mid-|the end of|the beginning of|the start of|the middle of|fiscal|FY)\s*)?(?<![.$]){_YEAR}\b(?!\s*(?:%|percent))"),
    ("decade", r"\b(?:the\s+)?(?:early\s+|mid-?\s*|late\s+)?(?:1[5-9]\d0|20[0-9]0)s\b|'\d0s\b|(?<=the )[2-9]0s\b|'\d\d\b(?=\s|[,.;])"
               # the second of "the 70s and 80s" (bare "80s" alone is more often an age)
               r"|(?<=the [2-9]0s and )[2-9]0s\b|(?<=the [2-9]0s or )[2-9]0s\b|(?<=the [2-9]0s to )[2-9]0s\b"),
    ("century", r"\b(?:the\s+)?(?:\d{1,2}(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|twenty-first)\s+century\b"),
    ("quarter", rf"\b(?:the\s+)?(?:first|second|third|fourth|final|last|1st|2nd|3rd|4th)[\s-]+(?:fiscal\s+)?quarter(?:\s+of\s+(?:{_YEAR}|this year|last year|next year|the year)|\s+{_YEAR})?\b|\bQ[1-4](?:\s+{_YEAR})?\b"),
    ("half", rf"\b(?:the\s+)?(?:first|second)\s+half\s+of\s+(?:{_YEAR}|this year|last year|next year|the year)\b"),
    ("season", rf"\b(?:(?:this|last|next|early|late)\s+)?(?:spring|summer|autumn|winter)(?:\s+(?:of\s+)?{_YEAR})?\b"
               rf"|\b(?:this|last|next|early|late|the|in)\s+fall\b(?:\s+(?:of\s+)?{_YEAR})?|\bfall\s+(?:of\s+)?{_YEAR}\b"),
    ("rel_unit", rf"\b(?:(?:later|earlier)\s+|{_EDGE})?{_REL}\s+(?:week|month|year|weekend|decade|quarter|century|{_WD}|spring|summer|autumn|fall|winter|{_MONTH_NAME})\b"),
    ("edge", rf"\b{_EDGE}(?:the\s+)?(?:(?:financial|fiscal)\s+)?(?:year|month|week|quarter|decade)\b"),
    ("week_of", rf"\b(?:the\s+)?(?:first|second|third|fourth|last|final)\s+week\s+of\s+{_MONTH_NAME}(?:,?\s+{_YEAR})?\b"),
    ("weekend", r"\b(?:over|during|at|on) (?P<x>the\s+weekend)\b"),
    ("same_ly", r"\bthe\s+same\s+(?:month|period|quarter|time|day|week|season)\s+(?:of\s+)?(?:a\s+year\s+(?:ago|earlier|before)|(?:the\s+)?(?:last|previous|prior)\s+year|the\s+year\s+before)\b"),
    ("anaphor", r"\bthe\s+(?:year|month|week|day)\s+(?:before|previous|earlier|prior|after)(?=\s*[,.;:!?)]|\s+(?:and|but|when|as|while)\b)"
                r"|\b(?:at|by|until|since|before|after) (?P<x>that\s+time)\b"),
    ("ordinal_run", r"\b(?:(?:the|a)\s+)?(?:second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d+(?:st|nd|rd|th))\s+(?:consecutive|straight)\s+(?:day|session|week|month|year|quarter)\b"),
    ("same", rf"\b{_SAME}\s+(?:year|month|week|day|night|morning|afternoon|evening|weekend)\b"),
    # "two days before the launch" is the DURATION "two days" and the SIGNAL "before" (TimeML);
    # only a "before" that ends the phrase ("two days before,") makes a date
    ("ago", rf"\b(?:{_NUMW}|{_VAGUE})\s+{_UNIT}\s+(?:ago|earlier|later|from now|before(?=\s*[,.;:!?)]))"),
    ("duration", rf"\b(?:(?:the|a|an)\s+)?(?:(?:past|last|next|coming|first|previous|recent|following|over|nearly|almost|about|around|more than|less than|at least|up to)\s+)*(?:{_NUMW}|{_VAGUE})(?:\s+|-)(?:{_DUR_ADJ}\s+)?{_UNIT}(?:-long|-old)?\b"
                 r"|\bsingle-(?:day|week|month|year)\b"
                 rf"|\b{_NUMW}\s+(?:{_DUR_ADJ}\s+)?quarters\b"),  # "two consecutive quarters" (not the fraction "a quarter")
    # "between 60 and 90 days", "two to three years": the first number is a duration too
    ("dur_range", rf"\b(?!an?\b){_NUMW}\s*(?:-|–|to|or|and)\s*{_NUMW}(?:\s+|-)(?:{_DUR_ADJ}\s+)?{_UNIT}\b(?!\s+(?:ago|later|earlier|from now))"),
    # a preposition is a TimeML SIGNAL, not part of the TIMEX3: "for years" -> "years"
    ("dur_bare", rf"\b(?:the\s+)?(?:past|last|next|coming)\s+(?:few\s+)?{_UNIT}\b|\b(?:decades|years|months|weeks|hours|minutes)(?=\s+(?:of|ago|long|later|earlier))|\bdecades-long\b"
                 r"|\bover the (?:years|decades|months|weeks)\b|\brecent (?:years|decades|months|weeks|days)\b"
                 r"|\b(?:for|in|within|just) (?P<x>(?:years|decades|months|weeks|days|hours|minutes)\b)"
                 r"(?=[ \t]*(?:[,.;:!?)\"\n]|$)|\s+(?:to come|now|and|or|before|after|ago|since|until|without|of|in)\b)"),
    ("weekday", rf"\b{_WD}(?:\s+{_PART})?\b(?:\s*,?\s*{_MONTH}\s+{_DAY})?"),
    ("deictic", rf"\b(?:(?:earlier|later)\s+)?(?:today|tonight|yesterday|tomorrow)(?:\s+{_PART})?\b|\bthis\s+{_PART}\b|\b(?:last|tomorrow)\s+night\b"),
    ("ref", r"\b(?:now|currently|current|nowadays|at present|at the moment|more recently|recently|recent|(?:very\s+)?soon"
            # "the future Prime Minister", "the past two years": an adjective, not the noun
            r"|(?:the (?:near |distant )?future|the past)(?!\s+(?:[A-Z\d]|(?:one|two|three|four|five|six|seven|eight|nine|ten|few|several|couple)\b))"
            r"|the (?:near|long|short|medium) term|the time being)\b"
            r"(?!-|\s+(?:\w+\s+)?(?:few\s+)?(?:second|minute|hour|day|week|month|year|decade|centur))"),
    ("clock", rf"\b(?:{_CLOCK}|(?:[01]\d|2[0-3])[0-5]\d(?=\s*(?:UTC|GMT|hours\b|hrs\b))){_TZ}?(?:\s*\(local time\))?(?:\s+(?:on\s+)?(?:{_WD}|today|yesterday|tomorrow))?"),
    ("set", rf"\b(?:annual|annually|yearly|monthly|weekly|daily|hourly|every\s+(?:day|week|month|year|{_WD})|each\s+(?:day|week|month|year)|per\s+(?:day|week|month|year)|a\s+(?:day|week|month|year)(?=\s*[,.;]|\s+(?:for|until|through)))\b"),
]
_GRAMMAR = [(name, re.compile(rx, re.I if name not in {"month", "month_may", "weekday", "mdy", "dmy", "my", "md_range", "dm_range"} else 0))
            for name, rx in _PATTERNS]
# "now" and "current" are TIMEX only in some readings; keep them (MEANTIME annotates them
# PRESENT_REF) but never "right now" inside a longer match: the longest match wins anyway.

_LOCAL_TIME = re.compile(r"^\s*\(?\s*local time\s*\)?", re.I)
_ZONE_TIME = re.compile(r"^\s*\(?\s*(?:in\s+)?(?:[A-Z][a-z]+|KST|JST|EST|EDT|GMT|UTC|ET|PT)\s+time\s*\)?")
_FUTURE_WORDS = re.compile(
    r"\b(?:will|'ll|shall|is to|are to|scheduled|slated|set to|due to|expected|planned|plans|"
    r"upcoming|going to|would be held|is to be|to be held|to take place|next)\b", re.I)


@dataclass(frozen=True)
class _Cand:
    start: int
    end: int
    kind: str


def find_candidates(text: str) -> list[_Cand]:
    """Non-overlapping grammar matches, leftmost-longest."""
    found: list[_Cand] = []
    for name, rx in _GRAMMAR:
        for m in rx.finditer(text):
            # "JoongAng Daily", "Weekly Standard": a capitalised SET word mid-sentence is a name
            if name == "set" and text[m.start()].isupper() and m.start() > 1 and text[m.start() - 2] not in ".!?\n":
                continue
            if name == "duration" and _ORDINAL_SECOND.match(text, m.start()):
                continue  # "a second A380", "a second round": the ordinal, not the unit
            if name == "year" and _year_in_name(text, m.start(), m.end()):
                continue
            # a pattern may match context around the expression (a preposition, a SIGNAL in
            # TimeML terms, which the TIMEX3 leaves out): group "x" is then the expression
            x = m.span("x") if "x" in rx.groupindex and m.group("x") is not None else m.span()
            if x[1] > x[0]:
                found.append(_Cand(x[0], x[1], name))
    found.sort(key=lambda c: (c.start, -(c.end - c.start)))
    out: list[_Cand] = []
    last_end = -1
    for c in found:
        if c.start >= last_end:
            if c.kind == "duration":
                # "a 27-year contract", "a four day rally": a duration used as a modifier is an
                # adjective; its article belongs to the head noun (TimeML extent rule)
                adj = _ADJECTIVAL.match(text, c.start, c.end)
                if adj and adj.end() == c.end:
                    c = _Cand(adj.start(1), c.end, c.kind)
            out.append(c)
            last_end = c.end
    return out


_ORDINAL_SECOND = re.compile(r"(?i)(?:an?|one|the)\s+second\s+(?!ago|later|earlier|before|after|or\b|and\b)[A-Za-z0-9]")
_NOT_NAME_WORDS = frozenset(
    ["in", "by", "since", "until", "before", "after", "from", "through", "during", "of", "on", "at", "the", "for", "and", "or", "early", "late", "mid", "fiscal", "spring", "summer", "autumn", "fall", "winter"]) | frozenset(MONTHS)


def _year_in_name(text: str, start: int, end: int) -> bool:
    """"Russell 2000 Index", "Windows 2000 Server": a number between two capitalised words that
    are not date or function words is part of a name, not a year."""
    before = re.search(r"\b([A-Z][a-z]+)\s+$", text[max(0, start - 30):start])
    after = re.match(r"\s+[A-Z][a-z]", text[end:end + 3])
    return bool(before and after and before.group(1).lower().rstrip(".") not in _NOT_NAME_WORDS)
_ADJECTIVAL = re.compile(
    rf"(?i)(?:the|an?)\s+((?!an?\b|one\b){_NUMW}(?:\s+|-)(?:second|minute|hour|day|week|month|year|decade|century|quarter)\b(?!s))")


# ------------------------------------------------------------------ tense ---
_UNTIL = re.compile(r"(?i)\b(?:until|till|through|by)\s+(?:the\s+)?$")


def tense_at(doc: Doc | None, char: int, text: str) -> str:
    """'past', 'future' or 'present' for the clause around character ``char``.

    With a parse: the verb governing the expression, its auxiliaries and the words of its
    clause. Without one: future words in the 60 characters before the expression.
    """
    if _UNTIL.search(text[max(0, char - 20):char]):
        # "closed until Friday": an end point still ahead unless the clause is plain past
        verb_past = False
        tok = token_at(doc, char) if doc is not None else None
        if tok is not None:
            v = tok
            for _ in range(6):
                if v.pos_ in {"VERB", "AUX"} or v.head.i == v.i:
                    break
                v = v.head
            verb_past = v.tag_ == "VBD" and not any(c.dep_ == "aux" for c in v.children)
        if not verb_past:
            return "future"
    if doc is not None:
        tok = token_at(doc, char)
        if tok is not None:
            verb = tok
            hops = 0
            while verb.pos_ not in {"VERB", "AUX"} and verb.head.i != verb.i and hops < 6:
                verb = verb.head
                hops += 1
            if verb.pos_ in {"VERB", "AUX"}:
                return _verb_tense(verb)
    window = text[max(0, char - 60):char]
    return "future" if _FUTURE_WORDS.search(window) else "present"


_FUTURE_LEMMAS = frozenset({"schedule", "slate", "set", "expect", "plan", "due", "aim", "intend", "hope", "prepare", "seek"})
_MODALS = frozenset({"may", "might", "could", "can", "should", "must", "would", "ought"})


def _verb_tense(verb: Token, depth: int = 0) -> str:
    """Tense of a verb: its own auxiliaries first, then (for a non-finite verb) its head's."""
    auxes = [c for c in verb.children if c.dep_ in {"aux", "auxpass"}]
    words = {a.lower_ for a in auxes} | {verb.lower_}
    if words & {"will", "'ll", "shall", "wo"}:
        return "future"
    # "is scheduled for", "are expected to", "plans to", "the summit scheduled for"
    # ("has been scheduled" too; "had been scheduled" is the past's future, left to the past)
    if verb.lemma_ in _FUTURE_LEMMAS and verb.tag_ in {"VBN", "VBZ", "VBP", "VBG"} \
            and not any(a.tag_ == "VBD" for a in auxes):
        return "future"
    if verb.dep_ in {"acl", "relcl"} and any(a.tag_ == "TO" for a in auxes):
        return "future"  # "an event to be held on October 12"
    if words & _MODALS:
        return "modal"  # "may arise", "should be completed": no direction, the nearer reading
    if verb.tag_ == "VBD" or any(a.tag_ == "VBD" for a in auxes):
        return "past"
    if verb.tag_ == "VBN" and any(a.lemma_ == "have" for a in auxes):
        return "past"
    finite = verb.tag_ in {"VBZ", "VBP", "MD"} or any(a.tag_ in {"VBZ", "VBP", "MD"} for a in auxes)
    head = verb.head
    if not finite and head.i != verb.i and depth < 4:
        while head.pos_ not in {"VERB", "AUX"} and head.head.i != head.i:
            head = head.head
        if head.pos_ in {"VERB", "AUX"} and head.i != verb.i:
            outer = _verb_tense(head, depth + 1)
            if head.lemma_ in _FUTURE_LEMMAS and outer != "past":
                return "future"
            return outer
    if verb.tag_ == "VBN" and verb.dep_ in {"acl", "relcl"}:
        return "past"  # "the treaty signed on June 22"
    return "present"


# ------------------------------------------------------------ resolution ---
@dataclass
class _State:
    dct: date | None
    last_year: int | None = None
    last_day: date | None = None
    last_value: str | None = None  # the last calendar value (day, month, quarter...) for "the same period"


def parse_dct(published: str | None) -> date | None:
    """The publication date of an ISO 8601 string (date or date-time), else None."""
    if not published:
        return None
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", published.strip())
    if not m:
        m2 = re.match(r"(\d{4})-(\d{2})$", published.strip())
        return date(int(m2.group(1)), int(m2.group(2)), 1) if m2 else None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _month_of(word: str) -> int | None:
    return MONTHS.get(word.lower().rstrip(".")[:4].rstrip(".")) or MONTHS.get(word.lower().rstrip("."))


def _num(word: str) -> float | None:
    w = word.lower().strip()
    half = w.endswith(" and a half")
    if half:
        w = w[: -len(" and a half")]
    val: float | None
    if re.fullmatch(r"\d+(?:\.\d+)?", w):
        val = float(w)
    elif w in NUMBERS:
        val = float(NUMBERS[w])
    else:
        parts = re.split(r"[- ]", w)
        if len(parts) == 2 and parts[0] in _TENS and parts[1] in NUMBERS and NUMBERS[parts[1]] < 10:
            val = float(NUMBERS[parts[0]] + NUMBERS[parts[1]])
        else:
            val = None
    if val is not None and half:
        val += 0.5
    return val


_TENS = frozenset(["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"])


def _fmt_num(n: float) -> str:
    return str(int(n)) if n == int(n) else f"{n:g}"


def _week(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def _pick_year(month: int, day: int | None, st: _State, tense: str, explicit_anchor: int | None = None) -> int | None:
    """The year of a month(-day) given without one: the anchor year for "the same year", else
    the DCT's year moved by tense (a past event dated after the DCT is last year's)."""
    if explicit_anchor is not None:
        return explicit_anchor
    if st.dct is None:
        return None
    y = st.dct.year
    try:
        cand = date(y, month, min(day or 1, calendar.monthrange(y, month)[1]))
    except ValueError:
        return y
    # Tolerance of 2 days: a "(local time)" event can be dated a day after the DCT.
    if tense == "past" and cand > st.dct + timedelta(days=2 if day else 31):
        return y - 1
    if tense == "future" and cand < st.dct - timedelta(days=2 if day else 31):
        return y + 1
    # No tense to go by: news mostly reports the past, so a date more than two months ahead is
    # last year's (a scheduled event usually carries a future verb).
    if tense == "present" and cand > st.dct + timedelta(days=62):
        return y - 1
    if tense == "modal":
        # "should be completed in October": the nearer reading, within half a year
        if cand > st.dct + timedelta(days=183):
            return y - 1
        if cand < st.dct - timedelta(days=183):
            return y + 1
    return y


def _weekday_date(wd: int, st: _State, tense: str, modifier: str = "") -> date | None:
    if st.dct is None:
        return None
    dct = st.dct
    back = (dct.weekday() - wd) % 7
    fwd = (wd - dct.weekday()) % 7
    if modifier == "last":
        return dct - timedelta(days=back or 7)
    if modifier in {"next", "coming"}:
        return dct + timedelta(days=fwd or 7)
    if modifier == "this":
        return dct + timedelta(days=fwd) if tense == "future" else dct - timedelta(days=back)
    if tense == "future":
        return dct + timedelta(days=fwd)
    if tense == "past":
        return dct - timedelta(days=back)
    if tense == "present":
        return dct - timedelta(days=back)  # news reports the past: "Monday" is the last one
    # modal: the nearer one (ties go back)
    return dct - timedelta(days=back) if back <= fwd else dct + timedelta(days=fwd)


_Resolver = Callable[[str, _State, str], tuple[str | None, str, str | None]]


def _needs_dct(st: _State) -> tuple[str | None, str, str | None]:
    return None, "DATE", "no publication date to resolve against"


def resolve(expr: str, kind: str, st: _State, tense: str) -> tuple[str | None, str, str | None]:
    """(value, type, note) of one expression; updates ``st`` with what it anchors."""
    fn = _RESOLVERS.get(kind, _r_fallback)
    return fn(expr, st, tense)


def _set_day(st: _State, d: date) -> None:
    st.last_day = d
    st.last_year = d.year


def _r_iso(expr: str, st: _State, tense: str) -> tuple[str | None, str, str | None]:
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?", expr)
    assert m
    try:
        d = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None, "DATE", "not a calendar date"
    _set_day(st, d)
    if m.group(4):
        return f"{d.isoformat()}T{m.group(4)}:{m.group(5)}", "TIME", None
    return d.isoformat(), "DATE", None


def _r_numeric(expr: str, st: _State, tense: str) -> tuple[str | None, str, str | None]:
    import dateparser  # the natural parser for numeric forms; imported lazily (slow import)

    settings: dict[str, object] = {"DATE_ORDER": "MDY", "PREFER_DAY_OF_MONTH": "first"}
    if st.dct is not None:
        settings["RELATIVE_BASE"] = datetime(st.dct.year, st.dct.month, st.dct.day)
    dt = dateparser.parse(expr, languages=["en"], settings=settings)  # type: ignore[arg-type]
    if dt is None:
        return None, "DATE", "unparsed"
    _set_day(st, dt.date())
    return dt.date().isoformat(), "DATE", None


def _explicit_anchor(expr: str, st: _State) -> tuple[int | None, bool]:
    """A year named by "the same year"/"that year"/"the following year" inside ``expr``."""
    m = re.search(r"(the same|that|the following|the next|the previous|the preceding)\s+year", expr, re.I)
    if not m:
        return None, False
    if st.last_year is None:
        return (st.dct.year if st.dct else None), True
    w = m.group(1).lower()
    delta = 1 if w in {"the following", "the next"} else -1 if w in {"the previous", "the preceding"} else 0
    return st.last_year + delta, True


def _r_mdy(expr: str, st: _State, tense: str) -> tuple[str | None, str, str | None]:
    body = re.sub(rf"^{_WD},?\s+", "", expr)
    m = re.match(rf"({_MONTH})\s+({_DAY})", body) if body[:1].isalpha() else None
    if m:
        month, day = _month_of(m.group(1)), int(re.sub(r"\D", "", m.group(2)))
    else:
        m2 = re.match(rf"({_DAY})\s+(?:of\s+)?({_MONTH})", body)
        if not m2:
            return _r_fallback(expr, st, tense)
        month, day = _month_of(m2.group(2)), int(re.sub(r"\D", "", m2.group(1)))
    if month is None:
        return None, "DATE", "unparsed"
    ym = re.search(rf"\b({_YEAR})\b", body)
    anchor, relative = _explicit_anchor(body, st)
    year: int | None = int(ym.group(1)) if ym else _pick_year(month, day, st, tense, anchor)
    if year is None:
        return _needs_dct(st)
    try:
        d = date(year, month, day)
    except ValueError:
        return None, "DATE", "not a calendar date"
    _set_day(st, d)
    note = "year from the year last mentioned" if relative else None
    return d.isoformat(), "DATE", note


def _r_range(expr: str, st: _State, tense: str) -> tuple[str | None, str, str | None]:
    # value of the first day; the range end is in the note (split_ranges gives both their own)
    return _r_mdy(re.split(_DASH, expr, maxsplit=1)[0] + (" " + m.group(0) if (m := re.search(rf"\b{_YEAR}\b", expr)) else ""), st, tense)


def _r_month(expr: str, st: _State, tense: str) -> tuple[str | None, str, str | None]:
    m = re.search(_MONTH, expr)
    if not m:
        return None, "DATE", "unparsed"
    month = _month_of(m.group(0))
    assert month is not None
    ym = re.search(rf"\b({_YEAR})\b", expr)
    anchor, relative = _explicit_anchor(expr, st)
    rel = re.search(r"\b(next|last|this) year", expr)
    if ym:
        year: int | None = int(ym.group(1))
    elif rel:
        if st.dct is None:
            return _needs_dct(st)
        year = st.dct.year + {"next": 1, "last": -1, "this": 0}[rel.group(1)]
    else:
        year = _pick_year(month, None, st, tense, anchor)
        if year is None:
            return _needs_dct(st)
    st.last_year = year
    return f"{year}-{month:02d}", "DATE", ("year from the year last mentioned" if relative else None)


def _r_year(expr: str, st: _State, tense: str) -> tuple[str | None, str, str | None]:
    m = re.search(rf"({_YEAR})", expr)
    assert m
    y = int(m.group(1))
    st.last_year = y
    if re.match(r"(?i)fiscal|FY", expr):
        return f"FY{y}", "DATE", None
    return str(y), "DATE", None


def _r_year_range(expr: str, st: _State, tense: str) -> tuple[str | None, str, str | None]:
    ys = re.findall(r"\d{4}|\b\d\d\b", expr)
    a = int(ys[0])
    b = int(ys[1]) if len(ys) > 1 else a
    if b < 100:
        b = a // 100 * 100 + b
    st.last_year = b
    if re.match(r"(?i)from|between", expr):
        return f"P{b - a}Y", "DURATION", f"from {a} to {b}"
    return str(a), "DATE", f"range to {b}"


def _r_decade(expr: str, st: _State, tense: str) -> tuple[str | None, str, str | None]:
    m = re.search(r"(\d{4})s", expr)
    if m:
        return m.group(1)[:3], "DATE", None
    m2 = re.search(r"'?(\d)0s", expr)
    if m2:
        return f"19{m2.group(1)}", "DATE", None
    m3 = re.search(r"'(\d\d)", expr)
    if m3:  # "'82": a year of the last century unless that would be after 2030
        y = int(m3.group(1))
        return str(2000 + y if y <= 30 else 1900 + y), "DATE", None
    return None, "DATE", "unparsed"


def _r_century(expr: str, st: _State, tense: str) -> tuple[str | None, str, str | None]:
    m = re.search(r"(\d{1,2})(?:st|nd|rd|th)", expr)
    words = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
             "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
             "eighteenth", "nineteenth", "twentieth"]
    n: int | None = int(m.group(1)) if m else None
    if n is None:
        low = expr.lower()
        n = 21 if "twenty-first" in low else next((i + 1 for i, w in enumerate(words) if re.search(rf"\b{w}\b", low)), None)
    return (f"{n - 1:02d}" if n else None), "DATE", None


def _year_phrase(expr: str, st: _State) -> int | None:
    low = expr.lower()
    ym = re.search(rf"\b({_YEAR})\b", expr)
    if ym:
        return int(ym.group(1))
    if st.dct is None:
        return None
    if "last year" in low:
        return st.dct.year - 1
    if "next year" in low:
        return st.dct.year + 1
    if "the year" in low and st.last_year:
        return st.last_year
    return st.dct.year


def _r_quarter(expr: str, st: _State, tense: str) -> tuple[str | None, str, str | None]:
    low = expr.lower()
    m = re.search(r"q([1-4])", low)
    q = int(m.group(1)) if m else next((v for k, v in ORDINALS.items() if re.search(rf"\b{k}\b", low)), None)
    y = _year_phrase(expr, st)
    if y is None or q is None:
        return _needs_dct(st)
    if st.dct is not None and not re.search(rf"\b{_YEAR}\b|year", expr):
        # "rose in the fourth quarter" written in March: last year's (and the reverse)
        # "rose in the fourth quarter" written in March: last year's; but a past verb about the
        # next quarter ("announced closures during the fourth quarter" in August) is this year's
        cur = (st.dct.month - 1) // 3 + 1
        # (no tense: news reports the past, as in _pick_year)
        if tense in {"past", "present"} and q - cur >= 2:
            y -= 1
        elif tense == "future" and q < cur:
            y += 1
    st.last_year = y
    return f"{y}-Q{q}", "DATE", None


def _r_half(expr: str, st: _State, tense: str) -> tuple[str | None, str, str | None]:
    y = _year_phrase(expr, st)
    if y is None:
        return _needs_dct(st)
    st.last_year = y
    return f"{y}-H{1 if 'first' in expr.lower() else 2}", "DATE", None


def _r_season(expr: str, st: _State, tense: str) -> tuple[str | None, str, str | None]:
    low = expr.lower()
    s = next(v for k, v in SEASONS.items() if k in low)
    ym = re.search(rf"\b({_YEAR})\b", expr)
    if ym:
        return f"{ym.group(1)}-{s}", "DATE", None
    if st.dct is None:
        return _needs_dct(st)
    y = st.dct.year + (-1 if low.startswith("last") else 1 if low.startswith("next") else 0)
    return f"{y}-{s}", "DATE", None


def _r_rel_unit(expr: str, st: _State, tense: str) -> tuple[str | None, str, str | None]:
    if st.dct is None:
        return _needs_dct(st)
    low = expr.lower()
    later = low.startswith("later ")
    low = re.sub(r"^(later|earlier)\s+", "", low)
    low = re.sub(rf"^{_EDGE}", "", low)  # "the end of last year": the year (TIMEX3 mod=END)
    mod, unit = low.split(None, 1)
    step = {"last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1, "following": 1}.get(mod, 0)
    dct = st.dct
    if unit in MONTHS:
        # "last September" is the latest September before the DCT's month, "next May" the first after
        m = MONTHS[unit]
        y = dct.year
        if step < 0 and m >= dct.month:
            y -= 1
        elif step > 0 and m <= dct.month:
            y += 1
        st.last_year = y
        return f"{y}-{m:02d}", "DATE", None
    if unit in WEEKDAYS:
        d = _weekday_date(WEEKDAYS[unit], st, tense, mod)
        assert d is not None
        _set_day(st, d)
        return d.isoformat(), "DATE", None
    if unit in SEASONS:
        return f"{dct.year + step}-{SEASONS[unit]}", "DATE", None
    if unit == "week":
        return _week(dct + timedelta(weeks=step)), "DATE", None
    if unit == "weekend":
        return _week(dct + timedelta(weeks=step)) + "-WE", "DATE", None
    if unit == "month":
        y, m = divmod(dct.year * 12 + dct.month - 1 + step, 12)
        return f"{y}-{m + 1:02d}", "DATE", None
    if unit == "year":
        if later and step == 0:
            return f"{dct.year}-Q{min(4, (dct.month - 1) // 3 + 2)}" if dct.month <= 9 else str(dct.year), "DATE", None
        st.last_year = dct.year + step
        return str(dct.year + step), "DATE", None
    if unit == "quarter":
        q = (dct.month - 1) // 3 + step
        y, q = dct.year + q // 4, q % 4
        return f"{y}-Q{q + 1}", "DATE", None
    if unit == "decade":
        return (f"{(dct.year // 10 + step)}" if step else str(dct.year // 10)), "DATE", None
    if unit == "century":
        return f"{dct.year // 100 + step:02d}", "DATE", None
    return None, "DATE", "unparsed"


def _r_same(expr: str, st: _State, tense: str) -> tuple[str | None, str, str | None]:
    low = expr.lower()
    m = re.match(rf"{_SAME}\s+(\w+)", low)
    assert m
    w = low[: m.start(1)].strip()
    unit = m.group(1)
    delta = 1 if w in {"the following", "the next"} else -1 if w in {"the previous", "the preceding"} else 0
    if unit == "year":
        y = st.last_year if st.last_year is not None else (st.dct.year if st.dct else None)
        if y is None:
            return _needs_dct(st)
        st.last_year = y + delta
        return str(y + delta), "DATE", "from the year last mentioned"
    base = st.last_day or st.dct
    if base is None:
        return _needs_dct(st)
    if unit in {"day", "night", "morning", "afternoon", "evening"}:
        d = base + timedelta(days=delta)
        suffix = {"night": "TNI", "morning": "TMO", "afternoon": "TAF", "evening": "TEV"}.get(unit, "")
        return d.isoformat() + suffix, ("TIME" if suffix else "DATE"), "from the day last mentioned"
    if unit in {"week", "weekend"}:
        return _week(base + timedelta(weeks=delta)) + ("-WE" if unit == "weekend" else ""), "DATE", None
    if unit == "month":
        y, mo = divmod(base.year * 12 + base.month - 1 + delta, 12)
        return f"{y}-{mo + 1:02d}", "DATE", None
    return None, "DATE", "unparsed"


def _unit_of(word: str) -> str:
    w = word.lower().rstrip("s")
    return "century" if w.startswith("centur") else w


def _duration_value(n: float | None, unit: str) -> str:
    t, code = UNITS[unit]
    if code.startswith("Y") and code != "Y":  # decades, centuries in years
        mult = int(code[1:])
        return f"P{_fmt_num(n * mult)}Y" if n is not None else "PXY"
    num = _fmt_num(n) if n is not None else "X"
    return f"P{t}{num}{code}"


def _r_ago(expr: str, st: _State, tense: str) -> tuple[str | None, str, str | None]:
    low = expr.lower()
    m = re.match(rf"({_NUMW}|{_VAGUE})\s+({_UNIT})\s+(ago|earlier|before|later|from now)", low)
    if not m:
        return None, "DATE", "unparsed"
    n = _num(m.group(1))
    unit = _unit_of(m.group(2))
    direction = m.group(3)
    if direction in {"earlier", "before", "later"}:
        # relative to the time last mentioned, not the DCT ("two days later")
        base = st.last_day
        if base is None or n is None:
            return _duration_value(n, unit), "DURATION", "relative to an event"
    else:
        base = st.dct
        if base is None:
            return _needs_dct(st)
        if n is None:
            return "PAST_REF" if direction == "ago" else "FUTURE_REF", "DATE", None
    sign = 1 if direction in {"later", "from now"} else -1
    k = int(n * sign)
    if unit == "day":
        return (base + timedelta(days=k)).isoformat(), "DATE", None
    if unit == "week":
        return _week(base + timedelta(weeks=k)), "DATE", None
    if unit == "month":
        y, mo = divmod(base.year * 12 + base.month - 1 + k, 12)
        return f"{y}-{mo + 1:02d}", "DATE", None
    if unit == "year":
        return str(base.year + k), "DATE", None
    if unit == "decade":
        return str((base.year + 10 * k) // 10), "DATE", None
    if unit in {"hour", "minute", "second"}:
        return base.isoformat(), "TIME", None
    return None, "DATE", "unparsed"


def _r_duration(expr: str, st: _State, tense: str) -> tuple[str | None, str, str | None]:
    low = expr.lower().replace("-long", "").replace("-old", "").replace("single-", "one ")
    low = re.sub(rf"\s+{_DUR_ADJ}\b", "", low)  # "six straight days" is six days
    m = re.search(rf"({_NUMW}|{_VAGUE})(?:\s+|-)({_UNIT}|quarters?)\b", low)
    if not m:
        return _r_dur_bare(expr, st, tense)
    n = _num(m.group(1))
    unit = _unit_of(m.group(2))
    if unit == "quarter":
        return f"P{_fmt_num(n) if n else 'X'}Q", "DURATION", None
    return _duration_value(n, unit), "DURATION", None


def _r_dur_bare(expr: str, st: _State, tense: str) -> tuple[str | None, str, str | None]:
    m = re.search(r"(second|minute|hour|day|week|month|year|decade|centur)", expr.lower())
    if not m:
        return None, "DURATION", "unparsed"
    unit = _unit_of(m.group(1) if m.group(1) != "centur" else "century")
    plural = re.search(r"(?:s|ies)\b", expr.lower()[m.end():m.end() + 3]) is not None
    # "the past decade" is one decade; "for years" is an unknown number of them
    return _duration_value(None if plural else 1, unit), "DURATION", None


def _r_weekday(expr: str, st: _State, tense: str) -> tuple[str | None, str, str | None]:
    m = re.search(_WD, expr)
    assert m
    md = re.search(rf"({_MONTH})\s+({_DAY})", expr)
    if md:
        return _r_mdy(md.group(0), st, tense)
    d = _weekday_date(WEEKDAYS[m.group(0).lower()], st, tense)
    if d is None:
        return _needs_dct(st)
    _set_day(st, d)
    part = re.search(_PART, expr)
    if part:
        return d.isoformat() + "T" + PARTS_OF_DAY[part.group(0).lower()], "TIME", None
    return d.isoformat(), "DATE", None


def _r_deictic(expr: str, st: _State, tense: str) -> tuple[str | None, str, str | None]:
    if st.dct is None:
        return _needs_dct(st)
    low = expr.lower()
    d = st.dct
    if "yesterday" in low or low.startswith("last night"):
        d = d - timedelta(days=1)
    elif "tomorrow" in low:
        d = d + timedelta(days=1)
    part = re.search(r"morning|afternoon|evening|night|tonight", low)
    if part:
        return d.isoformat() + "T" + PARTS_OF_DAY[part.group(0)], "TIME", None
    return d.isoformat(), "DATE", None


def _r_ref(expr: str, st: _State, tense: str) -> tuple[str | None, str, str | None]:
    low = expr.lower()
    if "recent" in low or "past" in low:
        return "PAST_REF", "DATE", None
    if "soon" in low or "future" in low or low.endswith("term"):
        return "FUTURE_REF", "DATE", None
    return "PRESENT_REF", "DATE", None  # now, currently, the time being


def _r_clock(expr: str, st: _State, tense: str) -> tuple[str | None, str, str | None]:
    low = expr.lower()
    m = re.search(r"(\d{1,2})(?::(\d{2}))?\s*([ap])?\.?\s?m?", low)
    if "noon" in low:
        hh, mm = 12, 0
    elif "midnight" in low:
        hh, mm = 0, 0
    elif mil := re.match(r"([01]\d|2[0-3])([0-5]\d)\b", low):
        hh, mm = int(mil.group(1)), int(mil.group(2))  # "0800 UTC"
    elif m:
        hh, mm = int(m.group(1)), int(m.group(2) or 0)
        if m.group(3) == "p" and hh < 12:
            hh += 12
        if m.group(3) == "a" and hh == 12:
            hh = 0
    else:
        return None, "TIME", "unparsed"
    base = st.last_day or st.dct
    wd = re.search(_WD, expr)
    if wd:
        base = _weekday_date(WEEKDAYS[wd.group(0).lower()], st, tense)
    elif "yesterday" in low and st.dct:
        base = st.dct - timedelta(days=1)
    elif "tomorrow" in low and st.dct:
        base = st.dct + timedelta(days=1)
    if base is None:
        return _needs_dct(st)
    zone = ""
    if re.search(r"\b(utc|gmt)\b", low):
        off = re.search(r"(utc|gmt)\s*([+-])\s*(\d{1,2})", low)
        if off:
            # "6:40 p.m. (GMT +8)": TIMEX3 keeps it in UTC
            delta = int(off.group(3)) * (1 if off.group(2) == "+" else -1)
            dt = datetime(base.year, base.month, base.day, hh, mm) - timedelta(hours=delta)
            return dt.strftime("%Y-%m-%dT%H:%M") + "Z", "TIME", None
        zone = "Z"
    return f"{base.isoformat()}T{hh:02d}:{mm:02d}{zone}", "TIME", None


def _r_set(expr: str, st: _State, tense: str) -> tuple[str | None, str, str | None]:
    low = expr.lower()
    for k, v in (("year", "P1Y"), ("annual", "P1Y"), ("month", "P1M"), ("week", "P1W"), ("dai", "P1D"), ("day", "P1D"), ("hour", "PT1H")):
        if k in low:
            return v, "SET", None
    wd = re.search(_WD, expr)
    if wd:
        return "XXXX-WXX-" + str(WEEKDAYS[wd.group(0).lower()] + 1), "SET", None
    return None, "SET", "unparsed"


def _r_fallback(expr: str, st: _State, tense: str) -> tuple[str | None, str, str | None]:
    """spaCy-found expressions the grammar does not cover: try the grammar on their parts,
    then read "the day", "the week", "the year", "morning" as the one under discussion."""
    for name, rx in _GRAMMAR:
        m = rx.search(expr)
        if m and name in _RESOLVERS:
            return resolve(m.group(0), name, st, tense)
    low = expr.lower()
    base = st.last_day or st.dct
    if base is None:
        return _needs_dct(st)
    if re.search(r"\b(?:financial|fiscal) year\b", low):
        return f"FY{st.last_year or base.year}", "DATE", "the year under discussion"
    if re.search(r"\byear\b", low):
        return str(st.last_year or base.year), "DATE", "the year under discussion"
    if re.search(r"\bweek\b", low):
        return _week(base), "DATE", "the week under discussion"
    part = re.search(r"\b(morning|afternoon|evening|night)\b", low)
    if part:
        return base.isoformat() + "T" + PARTS_OF_DAY[part.group(1)], "TIME", "the day under discussion"
    if re.search(r"\bday\b", low):
        return base.isoformat(), "DATE", "the day under discussion"
    return None, "DATE", "not normalised"


def _shift_year(value: str, years: int) -> str:
    """``value`` (a calendar value starting with a year) moved by whole years."""
    return f"{int(value[:4]) + years:04d}{value[4:]}"


def _r_edge(expr: str, st: _State, tense: str) -> tuple[str | None, str, str | None]:
    """"the end of the year", "the beginning of the month": the period the article is in
    (TIMEX3 keeps the period's value and marks the edge with ``mod``, which is not kept here)."""
    if st.dct is None:
        return _needs_dct(st)
    low = expr.lower()
    unit = re.search(r"(year|month|week|quarter|decade)$", low)
    assert unit
    d = st.dct
    value = {"year": str(d.year), "month": f"{d.year}-{d.month:02d}", "week": _week(d),
             "quarter": f"{d.year}-Q{(d.month - 1) // 3 + 1}", "decade": str(d.year // 10)}[unit.group(1)]
    if re.search(r"financial|fiscal", low) and unit.group(1) == "year":
        value = f"FY{d.year}"
    return value, "DATE", None


def _r_week_of(expr: str, st: _State, tense: str) -> tuple[str | None, str, str | None]:
    """"the last week of March": the ISO week holding the middle day of that seven-day stretch
    of the month (day 4, 11, 18, 25; the last week ends on the month's last day)."""
    low = expr.lower()
    mon = re.search(_MONTH_NAME, expr, re.I)
    assert mon
    month = _month_of(mon.group(0))
    assert month is not None
    ym = re.search(rf"\b({_YEAR})\b", expr)
    year = int(ym.group(1)) if ym else _pick_year(month, None, st, tense)
    if year is None:
        return _needs_dct(st)
    last = calendar.monthrange(year, month)[1]
    n = next((v for k, v in ORDINALS.items() if re.search(rf"\b{k}\b", low)), 1)
    day = last - 3 if re.search(r"\b(?:last|final)\s+week", low) else min(last, 7 * n - 3)
    st.last_year = year
    return _week(date(year, month, day)), "DATE", None


def _r_weekend(expr: str, st: _State, tense: str) -> tuple[str | None, str, str | None]:
    """"over the weekend": the last weekend before the DCT, or the next one in a future clause."""
    if st.dct is None:
        return _needs_dct(st)
    sat = _weekday_date(5, st, "future" if tense == "future" else "past")
    assert sat is not None
    return _week(sat) + "-WE", "DATE", None


def _r_same_ly(expr: str, st: _State, tense: str) -> tuple[str | None, str, str | None]:
    """"the same month a year ago", "the same period last year": the period last mentioned, a
    year earlier (without one, last year)."""
    if st.last_value and re.match(r"\d{4}(?:-(?:\d\d|Q\d|H\d|W\d\d|SP|SU|FA|WI))?(?:-\d\d)?$", st.last_value):
        return _shift_year(st.last_value, -1), "DATE", "the period last mentioned, a year earlier"
    if st.dct is None:
        return _needs_dct(st)
    return str(st.dct.year - 1), "DATE", None


def _r_anaphor(expr: str, st: _State, tense: str) -> tuple[str | None, str, str | None]:
    """"the year before", "the day after", "(by) that time": relative to the time last mentioned."""
    low = expr.lower()
    if low.startswith("that"):
        if st.last_value:
            return st.last_value, "DATE", "the time last mentioned"
        return "PAST_REF" if tense == "past" else "FUTURE_REF" if tense == "future" else None, "DATE", None
    step = 1 if low.endswith("after") else -1
    unit = low.split()[1]
    if unit == "year":
        y = st.last_year if st.last_year is not None else (st.dct.year if st.dct else None)
        if y is None:
            return _needs_dct(st)
        st.last_year = y + step
        return str(y + step), "DATE", "from the year last mentioned"
    base = st.last_day or st.dct
    if base is None:
        return _needs_dct(st)
    if unit == "day":
        d = base + timedelta(days=step)
        return d.isoformat(), "DATE", "from the day last mentioned"
    if unit == "week":
        return _week(base + timedelta(weeks=step)), "DATE", None
    y, mo = divmod(base.year * 12 + base.month - 1 + step, 12)
    return f"{y}-{mo + 1:02d}", "DATE", None


def _r_ordinal_run(expr: str, st: _State, tense: str) -> tuple[str | None, str, str | None]:
    """"for a second consecutive day", "a third straight year": the latest of the run, i.e. the
    day (week, year...) under discussion."""
    base = st.last_day or st.dct
    if base is None:
        return _needs_dct(st)
    unit = expr.lower().split()[-1]
    if unit in {"day", "session"}:
        return base.isoformat(), "DATE", None
    if unit == "week":
        return _week(base), "DATE", None
    if unit == "month":
        return f"{base.year}-{base.month:02d}", "DATE", None
    if unit == "quarter":
        return f"{base.year}-Q{(base.month - 1) // 3 + 1}", "DATE", None
    return str(base.year), "DATE", None


_RESOLVERS: dict[str, _Resolver] = {
    "iso": _r_iso, "numeric": _r_numeric, "md_range": _r_range, "dm_range": _r_range,
    "mdy": _r_mdy, "dmy": _r_mdy, "my": _r_month, "month": _r_month, "month_may": _r_month,
    "year_range": _r_year_range, "year": _r_year, "decade": _r_decade, "century": _r_century,
    "quarter": _r_quarter, "half": _r_half, "season": _r_season, "rel_unit": _r_rel_unit,
    "same": _r_same, "ago": _r_ago, "duration": _r_duration, "dur_bare": _r_dur_bare,
    "weekday": _r_weekday, "deictic": _r_deictic, "ref": _r_ref, "clock": _r_clock, "set": _r_set,
    "edge": _r_edge, "week_of": _r_week_of, "weekend": _r_weekend, "same_ly": _r_same_ly,
    "anaphor": _r_anaphor, "ordinal_run": _r_ordinal_run, "dur_range": _r_duration,
}


# ---------------------------------------------------------------- driver ---
_SPACY_OK = re.compile(r"(?i)\b(?:day|week|month|year|decade|century|morning|afternoon|evening|night|"
                       r"season|period|era|time|ago|date|hour|minute|quarter|\d{4})\b")


def _split_range(text: str, c: _Cand) -> list[_Cand]:
    """"June 24–25" -> "June 24" and "25": each end of a range is its own expression (TimeML
    annotates the two ends of "from 2009 to 2011" or "between 60 and 90 days" separately)."""
    expr = text[c.start:c.end]
    if c.kind == "year_range":
        ys = list(re.finditer(r"\d{4}|(?<=[-–])\d\d\b", expr))
        if len(ys) < 2:
            return [_Cand(c.start + ys[0].start(), c.start + ys[0].end(), "year")] if ys else [c]
        return [_Cand(c.start + ys[0].start(), c.start + ys[0].end(), "year"),
                _Cand(c.start + ys[1].start(), c.start + ys[1].end(), "year" if len(ys[1].group(0)) == 4 else "year_end")]
    if c.kind == "dur_range":
        m = re.match(rf"({_NUMW})\s*(?:-|–|to|or|and)\s*", expr, re.I)
        assert m
        return [_Cand(c.start, c.start + m.end(1), "dur_first"), _Cand(c.start + m.end(), c.end, "duration")]
    m = re.search(_DASH, expr)
    if not m:
        return [c]
    first = _Cand(c.start, c.start + m.start(), "mdy" if c.kind == "md_range" else "dmy_first")
    second = _Cand(c.start + m.end(), c.end, "range_end")
    return [first, second]


def extract_times(text: str, published: str | None, doc: Doc | None = None, offset: int = 0) -> list[TimeExpr]:
    """All temporal expressions of ``text`` with TIMEX3 values against ``published``.

    ``doc`` (the spaCy parse of ``text``) adds tense and spaCy's DATE/TIME entities; without
    it only the grammar runs. ``offset`` is added to every character offset.
    """
    cands = find_candidates(text)
    if doc is not None:
        taken = [(c.start, c.end) for c in cands]
        for ent in doc.ents:
            if ent.label_ not in {"DATE", "TIME"}:
                continue
            s, e = ent.start_char, ent.end_char
            if any(a < e and s < b for a, b in taken) or not _SPACY_OK.search(ent.text):
                continue
            if re.fullmatch(r"\d{4}", ent.text) and _year_in_name(text, s, e):
                continue
            cands.append(_Cand(s, e, "spacy"))
        cands.sort(key=lambda c: c.start)
    st = _State(dct=parse_dct(published))
    out: list[TimeExpr] = []
    for c in cands:
        parts = _split_range(text, c) if c.kind in {"md_range", "dm_range", "year_range", "dur_range"} else [c]
        first_value: str | None = None
        for p in parts:
            expr = text[p.start:p.end]
            tense = tense_at(doc, p.start, text)
            if p.kind == "range_end":
                value, typ, note = _range_end(expr, first_value)
            elif p.kind == "year_end":  # "2009-11": the century of the first year
                value = f"{first_value[:2]}{expr}" if first_value and first_value.isdigit() else None
                typ, note = "DATE", "end of a range"
            elif p.kind == "dur_first":  # "60" of "60 and 90 days" takes the unit of the second
                unit = re.search(rf"{_UNIT}\s*$", text[c.start:c.end], re.I)
                value, typ, note = resolve(f"{expr} {unit.group(0) if unit else ''}", "duration", st, tense)
            elif p.kind == "dmy_first":
                # "24-25 June": the first day takes the month of the second
                tail = text[c.start:c.end]
                month = re.search(_MONTH, tail)
                value, typ, note = resolve(f"{month.group(0) if month else ''} {expr}", "mdy", st, tense)
            else:
                if p.kind == "clock":
                    _date_after_clock(text, p.end, st, tense)
                value, typ, note = resolve(expr, p.kind if p.kind != "spacy" else "fallback", st, tense)
            if p is parts[0]:
                first_value = value
            if value and typ == "DATE" and _CALENDAR_VALUE.match(value):
                st.last_value = value
            if value is None and note is None:
                note = "not normalised"
            out.append(TimeExpr(text=expr, value=value, start=offset + p.start, end=offset + p.end,
                                type=typ, note=note))
    return _local_time(text, out, offset)


_CALENDAR_VALUE = re.compile(r"\d{4}(?:-(?:\d\d|Q\d|H\d|W\d\d|SP|SU|FA|WI))?(?:-\d\d)?$")
_DATE_AFTER = re.compile(rf",?\s*(?:on\s+)?({_MONTH}\s+{_DAY}(?:,?\s*{_YEAR})?)")


def _date_after_clock(text: str, end: int, st: _State, tense: str) -> None:
    """"16:15 UTC, June 1st": the date right after a clock time is its day (the date itself is
    resolved again as its own expression)."""
    m = _DATE_AFTER.match(text, end)
    if m:
        _r_mdy(m.group(1), st, tense)


def _range_end(expr: str, first: str | None) -> tuple[str | None, str, str | None]:
    if first is None or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", first):
        return None, "DATE", "range end without a resolved start"
    day = int(re.sub(r"\D", "", re.match(_DAY, expr.strip()).group(0))) if re.match(_DAY, expr.strip()) else None  # type: ignore[union-attr]
    if day is None:
        return None, "DATE", "unparsed"
    y, m, d0 = (int(x) for x in first.split("-"))
    try:
        end = date(y, m, day)
    except ValueError:
        return None, "DATE", "not a calendar date"
    if end < date(y, m, d0):  # "June 30-July 2" style wrap is rare; keep the month order
        return None, "DATE", "range end before its start"
    return end.isoformat(), "DATE", "end of a range"


def _local_time(text: str, times: list[TimeExpr], offset: int) -> list[TimeExpr]:
    """Pair a date marked "(local time)" with a neighbour marked in another zone (step 5)."""
    out = list(times)
    for i, t in enumerate(out):
        after = text[t.end - offset:t.end - offset + 20]
        if not _LOCAL_TIME.match(after) and "local time" not in t.text.lower():
            continue
        alt = None
        for u in out[i + 1:i + 3]:
            gap = text[t.end - offset:u.start - offset]
            if len(gap) > 60:
                break
            if _ZONE_TIME.match(text[u.end - offset:u.end - offset + 25]) and u.value:
                alt = u.value
                break
        out[i] = t.replace(alt_value=alt, note=(t.note or "local time"))
    return out
