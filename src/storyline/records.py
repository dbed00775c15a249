"""Frozen, typed records that flow between storyline's stages.

Every record is an immutable dataclass. Lists are stored as tuples so a record
can be shared between stages (and shipped to Spark workers) without anyone
mutating it behind another stage's back. Each record round-trips through plain
dicts (``to_dict`` / ``from_dict``) so it can be written as JSON, stored in
SQLite or put in a Parquet row; the dict form of a whole dossier carries
``SCHEMA`` so readers can refuse data they do not understand.

Field names follow ``CONTRACT.md``: what is listed there is never renamed.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar, TypeVar, get_args, get_origin, get_type_hints

SCHEMA = "storyline/1"

KINDS = ("news", "opinion", "editorial", "analysis", "other")

T = TypeVar("T", bound="Record")


class Record:
    """Mixin giving a frozen dataclass a dict round-trip.

    ``to_dict`` turns tuples into lists and nested records into dicts;
    ``from_dict`` does the reverse, ignoring keys it does not know (so a newer
    writer's extra fields never break an older reader).
    """

    __dataclass_fields__: ClassVar[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        """Return the record as plain JSON-serialisable data."""
        return {f.name: _to_plain(getattr(self, f.name)) for f in fields(self)}  # type: ignore[arg-type]

    @classmethod
    def from_dict(cls: type[T], data: dict[str, Any]) -> T:
        """Build the record from ``to_dict`` output (unknown keys are ignored)."""
        hints = _hints(cls)
        kwargs: dict[str, Any] = {}
        for f in fields(cls):  # type: ignore[arg-type]
            if f.name in data:
                kwargs[f.name] = _from_plain(hints[f.name], data[f.name])
        return cls(**kwargs)

    def replace(self: T, **changes: Any) -> T:
        """Return a copy with ``changes`` applied (records are frozen)."""
        return dataclasses.replace(self, **changes)  # type: ignore[type-var]


_HINT_CACHE: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    # Resolving string annotations is slow; the result depends only on the class,
    # so this cache is safe to share between threads and workers.
    if cls not in _HINT_CACHE:
        _HINT_CACHE[cls] = get_type_hints(cls)
    return _HINT_CACHE[cls]


def _to_plain(value: Any) -> Any:
    if isinstance(value, Record):
        return value.to_dict()
    if isinstance(value, tuple | list):
        return [_to_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _to_plain(v) for k, v in value.items()}
    return value


def _from_plain(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = get_origin(hint)
    args = get_args(hint)
    if isinstance(hint, type) and issubclass(hint, Record):
        return hint.from_dict(value)
    if origin is tuple:
        inner = args[0] if args else Any
        return tuple(_from_plain(inner, v) for v in value)
    if origin is dict:
        return dict(value)
    # Optional[X] / X | None
    if args and type(None) in args:
        inner = [a for a in args if a is not type(None)]
        if len(inner) == 1:
            return _from_plain(inner[0], value)
    return value


def content_id(*parts: str) -> str:
    """A stable 16-hex-digit id from the given strings (sha1, truncated)."""
    h = hashlib.sha1()
    for p in parts:
        h.update(p.encode("utf-8", "surrogatepass"))
        h.update(b"\x1f")
    return h.hexdigest()[:16]


# ---------------------------------------------------------------- ingest ---


@dataclass(frozen=True, slots=True)
class RawDoc(Record):
    """One input document as read from disk, before extraction.

    ``kind`` says how ``body`` is to be read: ``text`` (a scraped page as plain
    text), ``html`` (a web page) or ``record`` (already structured fields, from
    JSONL or a feed, in news-please's names, kept in ``fields``).
    """

    source: str
    kind: str
    body: str = ""
    url: str | None = None
    encoding: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Failure(Record):
    """An input (or one record of it) that could not be processed."""

    source: str
    reason: str

    def __str__(self) -> str:
        return f"error: {self.source}: {self.reason}"


# --------------------------------------------------------------- article ---


@dataclass(frozen=True, slots=True)
class Image(Record):
    url: str | None = None
    caption: str | None = None
    credit: str | None = None


@dataclass(frozen=True, slots=True)
class Removed(Record):
    """A piece of page furniture taken out of the body, and why."""

    text: str
    reason: str


@dataclass(frozen=True, slots=True)
class Mention(Record):
    text: str
    label: str
    entity: str | None
    start: int
    end: int
    title: str | None = None  # a role or title captured with a person ("President")


@dataclass(frozen=True, slots=True)
class Quote(Record):
    speaker_name: str | None
    speaker: str | None
    cue: str | None
    text: str
    kind: str  # direct | indirect
    start: int
    end: int
    speaker_start: int | None = None
    speaker_end: int | None = None
    cue_start: int | None = None
    cue_end: int | None = None
    # A quote broken by its own attribution ('"A," he said, "B."') is one quote whose
    # ``text`` is its pieces joined by a space; ``pieces`` holds each piece's offsets
    # (``start``/``end`` then span the whole, attribution included). Empty: one piece.
    pieces: tuple[tuple[int, int], ...] = ()
    # ``speaker_name`` is the speaker as the article names them at the attribution ("Mr.
    # Trump", "Hope Hicks, a campaign spokeswoman"; a pronoun is replaced by the person it
    # stands for); ``speaker_canonical`` is the fullest name of the entity ``speaker``
    # ("Donald Trump"), None when the speaker resolved to no entity.
    speaker_canonical: str | None = None

    @property
    def who(self) -> str | None:
        """The speaker's name for a reader of several articles: canonical when resolved."""
        return self.speaker_canonical or self.speaker_name


@dataclass(frozen=True, slots=True)
class TimeExpr(Record):
    text: str
    value: str | None
    start: int
    end: int
    type: str = "DATE"  # TIMEX3 type: DATE, TIME, DURATION, SET
    alt_value: str | None = None  # the same moment in another time zone ("local time")
    note: str | None = None  # why value is null, or how it was resolved


@dataclass(frozen=True, slots=True)
class Article(Record):
    """One clean article: the ``extract`` output record of CONTRACT.md.

    ``mentions``/``quotes``/``times`` are ``None`` until enrichment has run;
    ``enrich_note`` says why enrichment was skipped, when it was.
    """

    id: str
    source: str
    text: str
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    published: str | None = None
    updated: str | None = None
    authors: tuple[str, ...] = ()
    kind: str = "news"
    language: str = "und"
    images: tuple[Image, ...] = ()
    notes: tuple[str, ...] = ()
    # extensions beyond the contract
    description: str | None = None
    dateline: str | None = None
    outlet_from: str | None = None  # how the outlet was inferred: url, json-ld, signature, ...
    kind_from: str | None = None
    removed: tuple[Removed, ...] = ()
    mentions: tuple[Mention, ...] | None = None
    quotes: tuple[Quote, ...] | None = None
    times: tuple[TimeExpr, ...] | None = None
    enrich_note: str | None = None

    CONTRACT_FIELDS: ClassVar[tuple[str, ...]] = (
        "id", "source", "url", "outlet", "title", "published", "updated", "authors",
        "kind", "language", "text", "images", "notes",
    )

    def to_dict(self) -> dict[str, Any]:
        """Plain data; the enrichment fields appear only once enrichment ran."""
        plain = Record.to_dict(self)
        for k in ("mentions", "quotes", "times", "enrich_note"):
            if plain.get(k) is None:
                plain.pop(k, None)
        # Contract fields first, in the contract's order, so the JSON reads like its table.
        ordered = {k: plain.pop(k) for k in self.CONTRACT_FIELDS}
        ordered.update(plain)
        return ordered


# ---------------------------------------------------- stories and events ---


@dataclass(frozen=True, slots=True)
class FactValue(Record):
    value: str
    articles: tuple[str, ...]
    evidence: tuple[str, ...] = ()
    published: tuple[str, ...] = ()  # publication time of each article, for revision chains


@dataclass(frozen=True, slots=True)
class Fact(Record):
    slot: str
    status: str  # agreed | compatible | updated | conflict | single
    values: tuple[FactValue, ...]
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Event(Record):
    id: str
    title: str
    date: str | None
    places: tuple[str, ...] = ()
    participants: tuple[str, ...] = ()
    articles: tuple[str, ...] = ()
    facts: tuple[Fact, ...] = ()
    end_date: str | None = None
    status: str = "reported"  # reported | scheduled | background


@dataclass(frozen=True, slots=True)
class Entity(Record):
    id: str
    name: str
    type: str
    variants: tuple[str, ...] = ()
    articles: tuple[str, ...] = ()
    title: str | None = None


@dataclass(frozen=True, slots=True)
class StoryQuote(Record):
    id: str
    speaker: str | None
    speaker_name: str | None
    text: str
    article: str
    also_in: tuple[str, ...] = ()
    variants: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True, slots=True)
class TimelineEntry(Record):
    date: str
    event: str | None
    text: str
    articles: tuple[str, ...]
    status: str = "reported"  # reported | scheduled | background


@dataclass(frozen=True, slots=True)
class SummarySentence(Record):
    text: str
    articles: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Conflict(Record):
    event: str
    slot: str
    values: tuple[FactValue, ...]


@dataclass(frozen=True, slots=True)
class Story(Record):
    id: str
    title: str
    articles: tuple[str, ...]
    events: tuple[Event, ...] = ()
    entities: tuple[Entity, ...] = ()
    quotes: tuple[StoryQuote, ...] = ()
    timeline: tuple[TimelineEntry, ...] = ()
    summary: tuple[SummarySentence, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    first: str | None = None  # earliest publication date among its articles
    last: str | None = None
    duplicates: dict[str, str] = field(default_factory=dict)  # article id -> id of its original
    notes: dict[str, str] = field(default_factory=dict)  # article id -> why it stands alone / lacks a feature


@dataclass(frozen=True, slots=True)
class Dossier(Record):
    articles: tuple[Article, ...]
    stories: tuple[Story, ...]
    schema: str = SCHEMA

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": self.schema,
            "articles": [a.to_dict() for a in self.articles],
            "stories": [s.to_dict() for s in self.stories],
        }
