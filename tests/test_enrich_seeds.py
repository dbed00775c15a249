"""Enrichment on the user's seed articles: entities, quotes and dates as a reader sees them.

The Article records are built by hand from each seed's body paragraphs (lines of prose; image
lines and page furniture left out), with the publication date printed on the page.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from storyline.enrich import Enricher, canonicalise
from storyline.records import Article
from storyline.settings import Settings

PUBLISHED = {
    "000": "2025-06-20T00:04:00+09:00",
    "001": "2025-06-18",
    "002": "2025-06-16T18:31:00+09:00",
    "003": "2025-06-10",
    "004": "2025-06-19T23:40:00+09:00",
}


def _body(path: Path) -> str:
    lines = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines()]
    keep = [ln for ln in lines if len(ln) >= 80 and not ln.startswith("![")]
    # captions are repeated after the image line; keep each paragraph once
    seen: set[str] = set()
    out = []
    for ln in keep:
        if ln not in seen:
            seen.add(ln)
            out.append(ln)
    return "\n\n".join(out)


@pytest.fixture(scope="module")
def enriched(seeds_dir: Path) -> dict[str, Article]:
    enricher = Enricher(Settings())
    arts = [Article(id=p.stem, source=str(p), text=_body(p), published=PUBLISHED[p.name[:3]], language="en")
            for p in sorted(seeds_dir.glob("*.txt"))]
    return {a.id[:3]: a for a in enricher.pipe(arts, batch_size=8)}


def _times(art: Article) -> dict[str, str | None]:
    return {t.text: t.value for t in art.times or ()}


def test_offsets_point_into_text(enriched: dict[str, Article]) -> None:
    for art in enriched.values():
        for m in art.mentions or ():
            assert art.text[m.start:m.end] == m.text
        for q in art.quotes or ():
            if q.pieces:  # a quote broken by its attribution: its pieces, joined
                assert q.pieces[0][0] == q.start and q.pieces[-1][1] == q.end
                assert " ".join(art.text[s:e] for s, e in q.pieces) == q.text
            else:
                assert art.text[q.start:q.end] == q.text
        for t in art.times or ():
            assert art.text[t.start:t.end] == t.text


def test_dates_against_publication(enriched: dict[str, Article]) -> None:
    t2 = _times(enriched["002"])
    assert t2["Dec. 18 the same year"] == "1965-12-18"  # anchored to the 1965 treaty
    assert t2["June 22, 1965"] == "1965-06-22"
    assert t2["last week"] == "2025-W24"
    assert t2["last year"] == "2024"
    assert t2["June 19"] == "2025-06-19"  # "will be held ... on June 19"
    monday = [t for t in enriched["002"].times or () if t.text.startswith("Monday")]
    assert monday and all(t.value and t.value.startswith("2025-06-16") for t in monday)
    t0 = _times(enriched["000"])
    assert t0["June 17"] == "2025-06-17"  # published June 20: the past June 17
    assert t0["June 24"] == "2025-06-24" and t0["25"] == "2025-06-25"  # "scheduled for June 24–25"
    assert t0["Dec. 3"] == "2024-12-03"  # past, six months before publication
    assert t0["30 minutes"] == "PT30M"
    assert t0["October 1998"] == "1998-10"


def test_titles_and_local_identity(enriched: dict[str, Article]) -> None:
    art = enriched["002"]
    kim = [m for m in art.mentions or () if m.text == "Kim Jin-a"]
    assert kim and kim[0].title == "Second Vice Foreign Minister"
    lee = {m.entity for m in art.mentions or () if m.text in {"Lee", "Lee Jae Myung"}}
    assert len(lee) == 1  # "Lee" resolved to Lee Jae Myung inside the article


def test_quotes_speakers(enriched: dict[str, Article]) -> None:
    # speaker_name: the speaker as the article names them at the attribution, a pronoun replaced
    # by the person it stands for; speaker_canonical: the fullest name of the speaker's entity
    q2 = enriched["002"].quotes or ()
    she = [q for q in q2 if "stable and future-oriented partnership" in q.text]
    assert she and she[0].speaker_name == "Kim Jin-a" and she[0].kind == "direct"
    assert she[0].speaker_canonical == "Kim Jin-a" and she[0].speaker is not None
    lee = [q for q in q2 if q.text.startswith("In today")]
    assert lee and lee[0].speaker_name == "Lee" and lee[0].cue == "said"
    assert lee[0].speaker_canonical == "Lee Jae Myung" and lee[0].who == "Lee Jae Myung"
    q3 = enriched["003"].quotes or ()
    org = [q for q in q3 if "shared views on the importance" in q.text]
    assert org and org[0].speaker_canonical == "Ministry of Foreign Affairs"
    assert org[0].speaker_name and org[0].speaker_name.endswith("Ministry of Foreign Affairs")
    acc = [q for q in q3 if q.cue and q.cue.lower() == "according to"]
    assert acc and acc[0].speaker_name == "the presidential office" and acc[0].who == "the presidential office"
    # a historical quote goes to the historical speaker, not to the article's protagonist
    q0 = enriched["000"].quotes or ()
    park = [q for q in q0 if "friend and ally" in q.text]
    assert park and park[0].speaker_canonical == "Park Chung Hee"
    assert park[0].speaker_name and "Park Chung Hee" in park[0].speaker_name
    # every name as written is the text at the speaker's offsets (pronouns aside)
    for art in enriched.values():
        for q in art.quotes or ():
            if q.speaker_start is not None and q.speaker_end is not None and q.speaker_name != q.speaker_canonical:
                assert q.speaker_name in art.text[q.speaker_start:q.speaker_end]


def test_canonicalisation_across_seeds(enriched: dict[str, Article]) -> None:
    arts, entities = canonicalise(list(enriched.values()))
    by_name = {e.name: e for e in entities}
    lee = [e for e in entities if "Lee Jae-myung" in e.variants or "Lee Jae Myung" in e.variants]
    assert len(lee) == 1 and {"Lee Jae Myung", "Lee Jae-myung"} <= set(lee[0].variants)
    assert len(lee[0].articles) >= 4
    assert lee[0].title == "President"
    ishiba = [e for e in entities if "Shigeru Ishiba" in e.variants]
    assert len(ishiba) == 1 and len(ishiba[0].articles) == 5
    park = by_name.get("Park Chung Hee")
    assert park is not None and all("Chul" not in v for v in park.variants)
    ids = {e.id for e in entities}
    assert all(m.entity in ids for a in arts for m in a.mentions or ())
