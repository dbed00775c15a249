"""The JSON API's response models, separate from the storage records.

Records (``storyline.records``) are what the pipeline and the store exchange and
may grow fields at any time; these models are the API's promise to its clients,
documented in the OpenAPI description. Each ``from_*`` function says how a
record maps onto its model, so a change of record shows up here, not in clients.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from storyline.records import Article, Entity, Event, Fact, Story, StoryQuote
from storyline.web.repo import SearchHit, StoryPage, StoryRow


class ErrorBody(BaseModel):
    status: int = Field(description="The HTTP status code.")
    message: str = Field(description="What went wrong and what to do about it.")


class ErrorOut(BaseModel):
    error: ErrorBody


class StorySummaryOut(BaseModel):
    id: str
    title: str
    first: str | None = Field(description="Earliest publication date among its articles.")
    last: str | None = Field(description="Latest publication date among its articles.")
    articles: int = Field(description="Number of articles.")
    outlets: list[str]
    events: int = Field(description="Number of events.")
    url: str = Field(description="The story's JSON in this API.")

    @classmethod
    def from_row(cls, r: StoryRow) -> StorySummaryOut:
        return cls(id=r.id, title=r.title, first=r.first, last=r.last, articles=r.articles,
                   outlets=list(r.outlets), events=r.events, url=f"/api/stories/{r.id}")


class StoryListOut(BaseModel):
    items: list[StorySummaryOut]
    page: int
    per_page: int
    total: int = Field(description="Stories matching the filters, on all pages.")
    pages: int

    @classmethod
    def from_page(cls, p: StoryPage) -> StoryListOut:
        return cls(items=[StorySummaryOut.from_row(r) for r in p.items], page=p.page,
                   per_page=p.per_page, total=p.total, pages=p.pages)


class FactValueOut(BaseModel):
    value: str
    articles: list[str]
    evidence: list[str]


class FactOut(BaseModel):
    slot: str
    status: str = Field(description="agreed, compatible, updated, conflict or single.")
    values: list[FactValueOut]
    note: str | None = None

    @classmethod
    def from_record(cls, f: Fact) -> FactOut:
        return cls(slot=f.slot, status=f.status, note=f.note, values=[
            FactValueOut(value=v.value, articles=list(v.articles), evidence=list(v.evidence))
            for v in f.values])


class EventOut(BaseModel):
    id: str
    title: str
    date: str | None
    end_date: str | None = None
    status: str
    places: list[str]
    participants: list[str]
    articles: list[str]
    facts: list[FactOut]

    @classmethod
    def from_record(cls, e: Event) -> EventOut:
        return cls(id=e.id, title=e.title, date=e.date, end_date=e.end_date, status=e.status,
                   places=list(e.places), participants=list(e.participants),
                   articles=list(e.articles), facts=[FactOut.from_record(f) for f in e.facts])


class EntityOut(BaseModel):
    id: str
    name: str
    type: str
    variants: list[str]
    articles: list[str]

    @classmethod
    def from_record(cls, e: Entity) -> EntityOut:
        return cls(id=e.id, name=e.name, type=e.type, variants=list(e.variants),
                   articles=list(e.articles))


class QuoteOut(BaseModel):
    id: str
    speaker: str | None = Field(description="The speaker's entity id, if resolved.")
    speaker_name: str | None
    text: str
    article: str = Field(description="The article it was first taken from.")
    also_in: list[str] = Field(description="Other articles carrying the same quote.")

    @classmethod
    def from_record(cls, q: StoryQuote) -> QuoteOut:
        return cls(id=q.id, speaker=q.speaker, speaker_name=q.speaker_name, text=q.text,
                   article=q.article, also_in=list(q.also_in))


class TimelineOut(BaseModel):
    date: str
    event: str | None
    text: str
    articles: list[str]
    status: str


class SentenceOut(BaseModel):
    text: str
    articles: list[str] = Field(description="The articles this sentence comes from.")


class ConflictOut(BaseModel):
    event: str
    slot: str
    values: list[FactValueOut]


class StoryOut(BaseModel):
    id: str
    title: str
    first: str | None
    last: str | None
    articles: list[str]
    events: list[EventOut]
    entities: list[EntityOut]
    quotes: list[QuoteOut]
    timeline: list[TimelineOut]
    summary: list[SentenceOut]
    conflicts: list[ConflictOut]
    duplicates: dict[str, str] = Field(description="Article id -> id of the article it copies.")

    @classmethod
    def from_record(cls, s: Story) -> StoryOut:
        return cls(
            id=s.id, title=s.title, first=s.first, last=s.last, articles=list(s.articles),
            events=[EventOut.from_record(e) for e in s.events],
            entities=[EntityOut.from_record(e) for e in s.entities],
            quotes=[QuoteOut.from_record(q) for q in s.quotes],
            timeline=[TimelineOut(date=t.date, event=t.event, text=t.text, articles=list(t.articles),
                                  status=t.status) for t in s.timeline],
            summary=[SentenceOut(text=x.text, articles=list(x.articles)) for x in s.summary],
            conflicts=[ConflictOut(event=c.event, slot=c.slot, values=[
                FactValueOut(value=v.value, articles=list(v.articles), evidence=list(v.evidence))
                for v in c.values]) for c in s.conflicts],
            duplicates=dict(s.duplicates),
        )


class ImageOut(BaseModel):
    url: str | None
    caption: str | None
    credit: str | None


class RemovedOut(BaseModel):
    text: str
    reason: str


class ArticleRefOut(BaseModel):
    id: str
    title: str | None
    outlet: str | None
    published: str | None
    kind: str
    language: str
    url: str = Field(description="The article's JSON in this API.")

    @classmethod
    def from_record(cls, a: Article) -> ArticleRefOut:
        return cls(id=a.id, title=a.title, outlet=a.outlet, published=a.published, kind=a.kind,
                   language=a.language, url=f"/api/articles/{a.id}")


class ArticleOut(BaseModel):
    id: str
    source: str
    url: str | None
    outlet: str | None
    title: str | None
    published: str | None
    updated: str | None
    authors: list[str]
    kind: str
    language: str
    text: str
    images: list[ImageOut]
    notes: list[str] = Field(description="Provenance notes: translation, AI narration, wire credits, corrections.")
    removed: list[RemovedOut] = Field(description="Page furniture taken out of the text, and why.")
    stories: list[str] = Field(description="Ids of the stories this article belongs to.")

    @classmethod
    def from_record(cls, a: Article, stories: list[str]) -> ArticleOut:
        return cls(
            id=a.id, source=a.source, url=a.url, outlet=a.outlet, title=a.title,
            published=a.published, updated=a.updated, authors=list(a.authors), kind=a.kind,
            language=a.language, text=a.text,
            images=[ImageOut(url=i.url, caption=i.caption, credit=i.credit) for i in a.images],
            notes=list(a.notes), removed=[RemovedOut(text=r.text, reason=r.reason) for r in a.removed],
            stories=stories,
        )


class SearchHitOut(BaseModel):
    article: str
    title: str | None
    outlet: str | None
    published: str | None
    snippet: str = Field(description="Text around the match; matched terms are in [brackets].")
    score: float = Field(description="BM25 rank as SQLite reports it: lower is a better match.")
    story: str | None

    @classmethod
    def from_hit(cls, h: SearchHit, start: str, end: str) -> SearchHitOut:
        return cls(article=h.article, title=h.title, outlet=h.outlet, published=h.published,
                   snippet=h.snippet.replace(start, "[").replace(end, "]"), score=h.score,
                   story=h.story)


class SearchOut(BaseModel):
    query: str
    total: int
    offset: int
    hits: list[SearchHitOut]
