"""The trained attribution tagger: labels, decoding, linking, and the shipped model on real text.

The quality figures (PolNeAR dev exact F1) are in bench/bench_quotes.py and pinned by
tests/test_gate_enrich.py; these tests check the pieces a quality figure would hide.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from storyline.enrich.quotes import extract_quotes, tagger_inputs
from storyline.enrich.quotes_crf import (
    MODEL_PATH,
    QuoteTagger,
    TokenSpan,
    bio_from_char_spans,
    decode,
    link_spans,
    paragraphs,
    token_features,
)
from storyline.settings import Settings

BENCH = Path(__file__).resolve().parents[1] / "bench"


@pytest.fixture(scope="module")
def nlp() -> Any:
    import spacy

    return spacy.load(Settings().spacy_model)


@pytest.fixture(scope="module")
def dev(shared: Path) -> tuple[list, dict]:
    sys.path.insert(0, str(BENCH))
    import bench_quotes

    arts, gold = bench_quotes.load_split("dev")
    return arts[:3], gold


def test_gold_labels_decode_back_to_gold_spans(nlp: Any, dev: tuple[list, dict]) -> None:
    """BIO labels from PolNeAR's character spans decode to the same spans (no nesting lost
    where spans do not overlap)."""
    arts, gold = dev
    sys.path.insert(0, str(BENCH))
    import train_quotes

    art = arts[0]
    doc = nlp(art.text)
    spans = train_quotes.gold_spans(gold[art.id])
    tags = bio_from_char_spans(doc, spans)
    decoded = [s for para in paragraphs(doc) for s in decode(para, [tags[t.i] for t in para])]
    got = {(s.label, doc[s.start].idx, doc[s.end - 1].idx + len(doc[s.end - 1].text)) for s in decoded}

    def alone(sp: tuple[str, int, int]) -> bool:
        return not any(o != sp and o[1] < sp[2] and sp[1] < o[2] for o in spans)

    expected = {sp for sp in spans if alone(sp) and "\n" not in art.text[sp[1]:sp[2]]}
    assert expected, "the first dev article has attributions"
    found = sum(1 for sp in expected if sp in got)
    assert found >= 0.95 * len(expected)  # the rest start or end inside a token


def test_link_speech_frames(nlp: Any) -> None:
    """A quote with "she said" after it and a "He said that ..." clause are each linked to
    their own cue and source."""
    doc = nlp('"We will not give up," she said.\n\nHe said that the talks would resume in May.')
    toks = [t.text for t in doc]
    q1 = TokenSpan("Q", 1, toks.index(","))
    s1 = TokenSpan("S", toks.index("she"), toks.index("she") + 1)
    c1 = TokenSpan("C", toks.index("said"), toks.index("said") + 1)
    he = toks.index("He")
    s2, c2 = TokenSpan("S", he, he + 1), TokenSpan("C", he + 1, he + 2)
    q2 = TokenSpan("Q", he + 3, len(doc) - 1)
    links = {link.content: link for link in link_spans(doc, [q1, s1, c1, s2, c2, q2])}
    assert links[q1].cue == c1 and links[q1].source == s1
    assert links[q2].cue == c2 and links[q2].source == s2


def test_features_cover_every_token(nlp: Any) -> None:
    doc = nlp('Officials said the plan "is dead."\n\nAccording to the ministry, it was not.')
    in_quote, rtags = tagger_inputs(doc)
    paras = list(paragraphs(doc))
    assert len(paras) == 2
    for para in paras:
        feats = token_features(doc, para, in_quote, rtags)
        assert len(feats) == len(para)
        assert all(f and all(isinstance(x, str) for x in f) for f in feats)
    said = next(t for t in doc if t.text == "said")
    assert rtags[said.i] == "B-C"  # the rule system's cue is a feature
    dead = next(t for t in doc if t.text == "dead")
    assert in_quote[dead.i]


@pytest.mark.skipif(not QuoteTagger.available(), reason="model not trained (make train-quotes)")
def test_shipped_model_is_small_and_finds_quotes(nlp: Any, dev: tuple[list, dict]) -> None:
    assert Path(MODEL_PATH).stat().st_size < 5_000_000
    tagger = QuoteTagger()
    arts, _ = dev
    for art in arts:
        doc = nlp(art.text)
        quotes = extract_quotes(doc, (), tagger=tagger)
        assert quotes
        for q in quotes:
            assert art.text[q.start:q.end] == q.text and q.text.strip()
            assert q.kind in {"direct", "indirect"}
            if q.cue is not None:
                assert q.cue_start is not None and art.text[q.cue_start:q.cue_end] == q.cue
    doc = nlp('"This is a disaster," said Senator Maria Lopez. She added that she would vote against it.'
              "\n\nThe talks will collapse next week, according to two officials.")
    quotes = {q.cue: q for q in extract_quotes(doc, (), tagger=tagger)}
    assert quotes["said"].text == "This is a disaster" and quotes["said"].kind == "direct"
    assert quotes["said"].speaker_name == "Senator Maria Lopez"
    assert quotes["added"].text.endswith("vote against it") and quotes["added"].kind == "indirect"
    assert quotes["according to"].speaker_name == "two officials"
    assert quotes["according to"].text == "The talks will collapse next week"
