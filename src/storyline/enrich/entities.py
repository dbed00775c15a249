"""Entity mentions of one article, with titles, and their article-local identity.

spaCy's small English NER finds the names; this module repairs what it gets wrong in news
copy and decides which mentions of one article are the same entity:

1. A person's title or role ("President", "Second Vice Foreign Minister", "Ambassador") is
   peeled off the name (spaCy sometimes includes it, sometimes not) and kept in
   ``Mention.title``, so "President Lee" and "Lee Jae-myung" both yield the name alone.
2. Labels are repaired by evidence inside the article: a name preceded by a personal title
   is a PERSON, and a single token equal to a known person's family or given name ("Ishiba"
   tagged ORG after "Shigeru Ishiba") becomes that person.
3. Names are compared on a spelling-blind key: case, hyphens, spaces and dots ignored, and for
   people the order of the name parts ignored too, so "Lee Jae Myung", "Lee Jae-myung" and
   "Jae-myung Lee" are one person.
4. A one-word person mention ("Lee", "President Lee") is resolved to the nearest preceding
   full name that contains it, preferring one that carries the same title; with no such name
   it stays its own entity (it is never glued to a namesake by surname alone across articles:
   that is :mod:`storyline.enrich.canon`'s rule).

Why hand-written: spaCy's ``EntityRuler``/``coreferee``-style tools either need a larger
model or resolve pronouns, not name variants; no maintained library canonicalises romanised
East Asian names (hyphen and order variants) the way news copy spells them.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from storyline.enrich.tokens import doc_text, token_starts
from storyline.records import Mention

# spaCy labels kept as entity mentions (numbers, dates and money are not entities).
ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "LAW", "PRODUCT"})

# Words that make up a personal title when capitalised before a name. Generic on purpose:
# government, diplomatic, corporate, military, religious and courtesy titles in English news.
TITLE_WORDS = frozenset(["president", "vice", "prime", "minister", "deputy", "first", "second", "third", "chief", "foreign", "defense", "defence", "finance", "trade", "interior", "home", "justice", "state", "secretary", "ambassador", "envoy", "senator", "sen.", "rep.", "representative", "congressman", "congresswoman", "governor", "gov.", "mayor", "chairman", "chairwoman", "chair", "ceo", "cfo", "director", "general", "gen.", "lt.", "col.", "colonel", "major", "maj.", "capt.", "captain", "admiral", "adm.", "commander", "sgt.", "sergeant", "officer", "dr.", "mr.", "mrs.", "ms.", "miss", "prof.", "professor", "king", "queen", "prince", "princess", "emperor", "empress", "pope", "cardinal", "bishop", "archbishop", "rev.", "father", "sheikh", "judge", "justice", "attorney", "spokesman", "spokeswoman", "spokesperson", "lawmaker", "leader", "speaker", "chancellor", "premier", "former", "acting", "late", "crown", "lord", "lady", "sir", "dame", "economy", "unification", "education", "health", "labor", "labour", "environment", "industry", "science", "culture", "national", "security", "adviser", "advisor", "assistant", "executive", "managing", "founder", "co-founder", "opposition", "majority", "minority", "party", "commissioner", "inspector", "superintendent", "chief-of-staff"])
# Title words that alone are not a title (they only extend one: "First Vice Minister").
_TITLE_MODIFIERS = frozenset(
    ["vice", "deputy", "first", "second", "third", "chief", "foreign", "defense", "defence", "finance", "trade", "interior", "home", "justice", "state", "former", "acting", "late", "crown", "economy", "unification", "education", "health", "labor", "labour", "environment", "industry", "science", "culture", "national", "security", "assistant", "executive", "managing", "opposition", "majority", "minority", "party"]
)
# Honorifics that are never part of a name.
_HONORIFICS = frozenset(["mr.", "mr", "mrs.", "mrs", "ms.", "ms", "dr.", "dr", "prof.", "sir", "dame"])

_DASHES = "\u2010\u2011\u2012\u2013\u2014-"
_SPLIT = re.compile(r"[\s" + _DASHES + r"]+")
_POSSESSIVE = re.compile(r"(?:['\u2019]s|['\u2019])$")


def name_parts(name: str) -> tuple[str, ...]:
    """The lower-cased parts of a name: spaces and hyphens split, dots and accents dropped.

    >>> name_parts("Lee Jae-myung")
    ('lee', 'jae', 'myung')
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _POSSESSIVE.sub("", text.split("(")[0].strip())  # "General Motors (GM" -> the name
    return tuple(p for p in (re.sub(r"[^\w&]", "", w).casefold() for w in _SPLIT.split(text)) if p)


def name_key(name: str, label: str) -> str:
    """A spelling-blind key: equal keys mean the same name.

    People: the sorted parts (family-name-first order and hyphenation do not matter).
    Others: the parts in order, a leading "the" dropped ("the U.S." = "US").
    """
    parts = name_parts(name)
    if label == "PERSON":
        return " ".join(sorted(parts))
    if parts and parts[0] == "the":
        parts = parts[1:]
    # "Apple Inc." = "Apple", "Boeing Co" = "Boeing": legal-form suffixes are not the name
    while len(parts) > 1 and parts[-1] in _LEGAL_SUFFIXES:
        parts = parts[:-1]
    key = " ".join(parts)
    return _ALIASES.get(key, key)


# Legal-form words at the end of company names.
_LEGAL_SUFFIXES = frozenset(["inc", "corp", "corporation", "co", "company", "ltd", "llc", "plc", "sa", "ag", "nv", "se", "gmbh", "sas", "spa", "limited", "holdings", "group"])
# The few place names news writes in several unrelated ways (no spelling rule links them).
_ALIASES = {
    "us": "united states", "usa": "united states", "united states of america": "united states",
    "america": "united states", "uk": "united kingdom", "britain": "united kingdom",
    "great britain": "united kingdom", "south korea": "korea", "republic of korea": "korea",
    "rok": "korea", "north korea": "north korea", "dprk": "north korea",
}


def acronym(name: str) -> str:
    """Initials of the capitalised words of a name ("General Motors" -> "gm")."""
    words = [w for w in re.split(r"[\s\u2010-\u2014-]+", name) if w and w[0].isupper() and w.lower() not in {"the", "of", "and", "for"}]
    return "".join(w[0] for w in words).lower() if len(words) >= 2 else ""


@dataclass
class _Cluster:
    label: str
    key: str
    parts: tuple[str, ...]
    names: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)

    @property
    def ident(self) -> str:
        return f"{self.label}:{self.key.replace(' ', '-')}"


def _is_title_token(tok_text: str) -> bool:
    return tok_text[:1].isupper() and tok_text.casefold() in TITLE_WORDS


def _split_title(doc: Doc, ent: Span) -> tuple[int, int, int]:
    """(title_start, name_start, name_end) token indices for a name span.

    The title is the run of capitalised title words right before the name (or at the start
    of the span, when spaCy included it); a title of only modifiers ("Foreign") is no title.
    """
    name_start = ent.start
    while name_start < ent.end - 1 and _is_title_token(doc[name_start].text):
        name_start += 1
    title_start = name_start
    # "U.S. President Donald Trump": skip nothing else; walk left over title words.
    while title_start > 0 and _is_title_token(doc[title_start - 1].text):
        title_start -= 1
    words = [t.text.casefold() for t in doc[title_start:name_start]]
    if words and all(w in _TITLE_MODIFIERS for w in words):
        title_start = name_start
    return title_start, name_start, ent.end


def _clean_span(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Drop leading articles ("the", 'an "Asian NATO"'), trailing possessive and punctuation tokens."""
    while start < end and (doc[start].is_punct or doc[start].lower_ in {"the", "a", "an"}):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].tag_ == "POS" or doc[end - 1].is_space):
        end -= 1
    return start, end


@dataclass(frozen=True)
class _Raw:
    text: str
    label: str
    start: int  # char offsets
    end: int
    title: str | None
    tok_start: int
    tok_end: int


# Words that make a name an organisation or a place even after a title word ("Ministry of
# Defense", "Speaker's Office"): such spans keep their label and their words.
_ORG_WORDS = frozenset(["ministry", "embassy", "hotel", "university", "court", "party", "council", "agency", "office", "department", "company", "group", "bank", "committee", "commission", "union", "association", "institute", "assembly", "administration", "government", "house", "senate", "congress", "parliament", "army", "navy", "force", "forces"])


def _raw_mentions(doc: Doc, offset: int) -> list[_Raw]:
    out: list[_Raw] = []
    for ent in doc.ents:
        if ent.label_ not in ENTITY_LABELS:
            continue
        label = ent.label_
        words = {t.lower_ for t in ent}
        if label == "PERSON" or not (words & _ORG_WORDS):
            title_start, name_start, name_end = _split_title(doc, ent)
        else:
            title_start, name_start, name_end = ent.start, ent.start, ent.end
        # the title is read before "the" and possessives are cleaned off the name
        title_words = [t.text for t in doc[title_start:name_start]
                       if t.lower_ not in _HONORIFICS and t.lower_ != "the"]
        name_start, name_end = _clean_span(doc, name_start, name_end)
        if name_start >= name_end:
            continue
        span = doc[name_start:name_end]
        text = _POSSESSIVE.sub("", span.text).strip()
        if not text or not any(c.isalpha() for c in text):
            continue
        # 1-2 letters in lower case are parser noise ("s", "a"), not names.
        if len(text) < 2 or text.islower():
            continue
        title = " ".join(title_words) or None
        if title and label in {"ORG", "FAC", "PRODUCT", "GPE", "NORP", "LAW", "WORK_OF_ART"} and span[0].is_title \
                and not ({t.lower_ for t in span} & _ORG_WORDS) and len(span) <= 4:
            label = "PERSON"  # "President Yoon Suk Yeol" mis-tagged FAC: a title means a person
        start = offset + span.start_char
        out.append(_Raw(text, label, start, start + len(text), title, name_start, name_end))
    return out


# Capitalised words that are also dates: a person called May is not every "May" in the text.
_CALENDAR = frozenset(["january", "february", "march", "april", "may", "june", "july", "august", "september",
                       "october", "november", "december", "monday", "tuesday", "wednesday", "thursday",
                       "friday", "saturday", "sunday"])


def _recall_names(doc: Doc, raws: list[_Raw], offset: int) -> list[_Raw]:
    """Mentions the recogniser missed of people it found elsewhere in the article.

    A statistical recogniser tags a name in one sentence and misses it in the next ("Ishiba
    may wish to ..." after "Prime Minister Shigeru Ishiba"), which loses the antecedent of a
    later "he" and a participant. A proper noun (by the tagger) equal to a word of a person's
    full name already recognised in the article is taken as that person (one sense per
    discourse); a run of such words is one mention. Calendar words never are.
    """
    parts: set[str] = set()
    for r in raws:
        if r.label == "PERSON":
            words = r.text.split()
            if len(words) >= 2:
                parts.update(w for w in words if len(w) >= 3 and w.lower() not in _CALENDAR)
    if not parts:
        return []
    taken: set[int] = set()
    for r in raws:
        taken.update(range(r.tok_start, r.tok_end))
    for ent in doc.ents:  # whatever the recogniser labelled (a place, a date) is its call
        taken.update(range(ent.start, ent.end))
    # Only the tokens spelled like a part are looked at (a regex over the text finds them):
    # reading every token's tag would make a spaCy object per token.
    text = doc_text(doc)
    starts = token_starts(doc)
    rx = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in sorted(parts, key=len, reverse=True)) + r")\b")
    hits: list[int] = []
    for m in rx.finditer(text):
        i = bisect.bisect_left(starts, m.start())
        if i < len(starts) and starts[i] == m.start() and i not in taken:
            tok = doc[i]
            if tok.text in parts and tok.pos_ == "PROPN":
                hits.append(i)
    out: list[_Raw] = []
    k = 0
    while k < len(hits):
        j = k
        while j + 1 < len(hits) and hits[j + 1] == hits[j] + 1:
            j += 1  # a run of such words is one name ("Shigeru Ishiba" missed whole)
        span = doc[hits[k]:hits[j] + 1]
        start = offset + span.start_char
        out.append(_Raw(span.text, "PERSON", start, start + len(span.text), None, span.start, span.end))
        k = j + 1
    return out


def extract_mentions(doc: Doc, offset: int = 0) -> list[Mention]:
    """Entity mentions of one parsed article, with titles and article-local entity ids.

    ``offset`` is added to every character offset (for a doc parsed from a slice).
    Ids are ``LABEL:key`` strings, unique within the article only.
    """
    raws = _raw_mentions(doc, offset)
    raws = sorted(raws + _recall_names(doc, raws, offset), key=lambda r: r.start)
    return resolve_local(raws)


def _person_parts_index(raws: Iterable[_Raw]) -> set[str]:
    parts: set[str] = set()
    for r in raws:
        if r.label == "PERSON":
            p = name_parts(r.text)
            if len(p) >= 2:
                parts.update(p)
    return parts


def resolve_local(raws: list[_Raw]) -> list[Mention]:
    """Group one article's raw mentions into entities (see the module docstring, steps 2-4)."""
    full_person_parts = _person_parts_index(raws)
    clusters: dict[str, _Cluster] = {}
    order: list[_Cluster] = []  # persons with full names, in order of first mention
    assigned: list[tuple[_Raw, str, str]] = []  # (raw, label, cluster ident)

    for r in raws:
        label = r.label
        parts = name_parts(r.text)
        # Step 2: a single word equal to part of a known person's full name is that person
        # (spaCy tags lone surnames ORG/GPE/FAC often), unless it is a country or people.
        if label in {"ORG", "FAC", "PRODUCT", "WORK_OF_ART", "LAW"} and len(parts) == 1 and parts[0] in full_person_parts:
            label = "PERSON"
        if label == "PERSON" and len(parts) == 1:
            target = _resolve_short(parts[0], r.title, order)
            if target is not None:
                target.names.append(r.text)
                if r.title:
                    target.titles.append(r.title)
                assigned.append((r, "PERSON", target.ident))
                continue
        key = name_key(r.text, label)
        ident_key = f"{label}:{key}"
        cl = clusters.get(ident_key)
        if cl is None and label != "PERSON":
            cl = _resolve_org(r.text, label, clusters)
        if cl is None:
            cl = _Cluster(label, key, parts)
            clusters[ident_key] = cl
            if label == "PERSON" and len(parts) >= 2:
                order.append(cl)
        cl.names.append(r.text)
        if r.title:
            cl.titles.append(r.title)
        assigned.append((r, label, cl.ident))

    # A one-word name seen before any full name (a headline's "Lee") joins the full name
    # that contains it, but only when exactly one does.
    remap: dict[str, str] = {}
    for cl in clusters.values():
        if cl.label == "PERSON" and len(cl.parts) == 1:
            cands = [c for c in order if cl.parts[0] in c.parts]
            if len(cands) == 1:
                remap[cl.ident] = cands[0].ident
    return [Mention(text=r.text, label=label, entity=remap.get(ident, ident), start=r.start,
                    end=r.end, title=r.title)
            for r, label, ident in assigned]


def _resolve_org(text: str, label: str, clusters: dict[str, _Cluster]) -> _Cluster | None:
    """An organisation or place already named in the article under a longer form: its
    acronym ("GM" after "General Motors") or its first word ("Airbus" after "Airbus SAS")."""
    parts = name_parts(text)
    if len(parts) != 1:
        return None
    word = parts[0]
    for cl in reversed(list(clusters.values())):
        if cl.label == "PERSON":
            continue
        if text.isupper() and len(text) >= 2 and any(acronym(n) == word for n in cl.names):
            return cl
        if len(cl.parts) >= 2 and cl.parts[0] == word and cl.label == label:
            return cl
    return None


def _resolve_short(part: str, title: str | None, order: list[_Cluster]) -> _Cluster | None:
    """The full-name person a one-word mention refers to: the latest containing that word,
    preferring one seen with the same title (keeps "Park" of two Parks with the right one)."""
    cands = [c for c in order if part in c.parts]
    if not cands:
        return None
    if title:
        same = [c for c in cands if title.casefold() in {t.casefold() for t in c.titles}]
        if same:
            return same[-1]
    return cands[-1]
