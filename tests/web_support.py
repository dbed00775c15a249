"""Records for the web and export tests: the seed articles, a story over them, a hostile article.

The story is written by hand (events, facts with a conflict, quotes, a timeline,
a cited summary) so the pages can be tested before, and independently of, the
reconciliation stages; its sentences are taken from the seed texts so that the
citations have real passages to find.
"""

from __future__ import annotations

from pathlib import Path

from storyline.records import (
    Article,
    Conflict,
    Entity,
    Event,
    Fact,
    FactValue,
    Image,
    Removed,
    Story,
    StoryQuote,
    SummarySentence,
    TimelineEntry,
)

# The hostile strings: each would run script, or break out of its element, if echoed raw.
XSS_SCRIPT = "<script>window.__pwned = 1</script>"
XSS_IMG = '<img src=x onerror="window.__pwned=2">'
XSS_TITLE = "</title><script>window.__pwned=3</script>"
XSS_LINK = "javascript:window.__pwned=4"
XSS_SVG = '<svg onload="window.__pwned=5">'


def seed_articles(seeds_dir: Path) -> list[Article]:
    """The five seed files through the real extractor."""
    from storyline.extract import extract_article
    from storyline.ingest import iter_documents
    from storyline.settings import Settings

    out = []
    for doc in iter_documents([str(seeds_dir)], Settings()):
        out.append(extract_article(doc))  # type: ignore[arg-type]
    return out


def _sentence(article: Article, index: int) -> str:
    """The index-th sentence-ish of an article (up to the first full stop)."""
    paras = [p for p in article.text.split("\n\n") if p.strip()]
    return paras[index].split(". ")[0].strip().rstrip(".") + "."


def korean_article() -> Article:
    return Article(
        id="kokokokokokokoko", source="test#ko", outlet="연합뉴스", language="ko",
        title="이재명 대통령, 이시바 총리와 첫 정상회담",
        published="2025-06-17T21:00:00+09:00",
        text="이재명 대통령은 17일 캐나다에서 이시바 시게루 일본 총리와 첫 정상회담을 했다.\n\n"
             "두 정상은 셔틀 외교를 이어가기로 합의했다.\n\n日韓首脳は「未来志向」の関係を確認した。",
        authors=("김민수",),
    )


def hostile_article() -> Article:
    """An article whose every field tries to run script or escape its element."""
    return Article(
        id="evil000000000001", source="test#evil", url=XSS_LINK,
        outlet=f"Evil Outlet {XSS_SCRIPT}", language="en", published="2025-06-18",
        title=f"Summit {XSS_TITLE} {XSS_IMG}",
        text=(f"President Lee met Prime Minister Ishiba {XSS_SCRIPT} at the summit.\n\n"
              f"A link <a href=\"{XSS_LINK}\">click</a> and an image {XSS_IMG} and {XSS_SVG}.\n\n"
              "The leaders agreed on shuttle diplomacy, said the <b>office</b>."),
        authors=(f"Mallory {XSS_IMG}", XSS_TITLE),
        images=(Image(url=XSS_LINK, caption=f"Caption {XSS_SCRIPT}", credit=f"Credit {XSS_IMG}"),
                Image(url="https://example.org/a.jpg\" onerror=\"window.__pwned=6", caption=XSS_TITLE)),
        notes=(f"Note {XSS_SCRIPT}",),
        removed=(Removed(text=XSS_IMG, reason=f"reason {XSS_SCRIPT}"),),
    )


def story_over(articles: list[Article]) -> Story:
    """A reconciled-looking story over the given articles (seeds first, then extras)."""
    ids = [a.id for a in articles]
    a0, a1, a2, a3, a4 = articles[:5]
    extra = articles[5:]
    summit = Event(
        id="ev-summit", title="Lee and Ishiba hold first summit at the G7", date="2025-06-17",
        places=("Kananaskis, Canada",), participants=("Lee Jae Myung", "Shigeru Ishiba"),
        articles=(a0.id, a1.id, a4.id, *[e.id for e in extra]),
        facts=(
            Fact("place", "conflict", (
                FactValue("Kananaskis, Canada", (a0.id,), ("in Kananaskis, Canada",)),
                FactValue("Calgary, Canada", (a1.id,), ("in Calgary, Canada",)),
            ), note="Calgary and Kananaskis are 80 km apart"),
            Fact("duration", "agreed", (FactValue("30 minutes", (a0.id, a1.id)),)),
        ),
    )
    call = Event(id="ev-call", title="First phone call", date="2025-06-09",
                 articles=(a3.id,), facts=(Fact("date", "single", (FactValue("2025-06-09", (a3.id,)),)),))
    reception = Event(id="ev-reception", title="Anniversary reception in Seoul", date="2025-06-16",
                      places=("Seoul",), articles=(a2.id,))
    treaty = Event(id="ev-1965", title="Diplomatic ties normalised", date="1965-06-22",
                   status="background", articles=(a0.id, a2.id))
    return Story(
        id="story-seeds", title="Korea and Japan mark 60 years of ties", articles=tuple(ids),
        events=(summit, call, reception, treaty),
        entities=(
            Entity("ent-lee", "Lee Jae Myung", "PERSON", ("Lee Jae-myung", "Lee"), (a0.id, a1.id, a3.id), "President"),
            Entity("ent-ishiba", "Shigeru Ishiba", "PERSON", ("Ishiba",), (a0.id, a4.id)),
            Entity("ent-canada", "Canada", "GPE", (), (a0.id, a1.id)),
        ),
        quotes=(
            StoryQuote("q1", "ent-lee", "Lee Jae Myung", "important partners", a2.id, (a0.id,)),
            StoryQuote("q2", "ent-ishiba", "Ishiba", "a shared vision", a4.id),
            StoryQuote("q3", None, None, "build a mature relationship", a3.id),
        ),
        timeline=(
            TimelineEntry("1965-06-22", "ev-1965", "Korea and Japan normalise relations.", (a0.id,), "background"),
            TimelineEntry("2025-06-09", "ev-call", "Lee and Ishiba speak by phone.", (a3.id,)),
            TimelineEntry("2025-06-16", "ev-reception", "Reception for the anniversary in Seoul.", (a2.id,)),
            TimelineEntry("2025-06-17", "ev-summit", "First summit at the G7.", (a0.id, a1.id)),
        ),
        summary=(
            SummarySentence(_sentence(a0, 0), (a0.id,)),
            SummarySentence(_sentence(a3, 0), (a3.id,)),
            SummarySentence(_sentence(a4, 0), (a4.id, a0.id)),
            *[SummarySentence(_sentence(e, 0), (e.id,)) for e in extra],
        ),
        conflicts=(Conflict("ev-summit", "place", summit.facts[0].values),),
        first="2025-06-16", last="2025-06-20",
    )


def write_store(db: Path, articles: list[Article], stories: list[Story]) -> Path:
    """Write records into a new store through the store's own write API."""
    from storyline.store import Membership, Store

    with Store(db) as st, st.transaction():
        st.add_articles(articles)
        by_id = {a.id: a for a in articles}
        st.assign([Membership(aid, s.id, s.duplicates.get(aid)) for s in stories for aid in s.articles])
        for s in stories:
            outlets = list(dict.fromkeys(o for aid in s.articles if (o := (by_id[aid].outlet or "").strip())))
            st.put_story(s, outlets)
    return db


def write_v1_store(db: Path, title: str, outlets: list[str]) -> Path:
    """A store as the first schema version wrote it, with one story ``s1`` carried by ``outlets``."""
    import json
    import sqlite3

    from storyline.store.schema import MIGRATIONS

    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied TEXT NOT NULL)")
    conn.executescript(MIGRATIONS[0][2])
    conn.execute("INSERT INTO migrations VALUES (1, 'v1', 'then')")
    conn.execute("INSERT INTO stories VALUES ('s1', ?, '2025-06-01', '2025-06-02', ?, ?, '{}', 'then')",
                 (title, len(outlets), json.dumps(outlets)))
    conn.commit()
    conn.close()
    return db
