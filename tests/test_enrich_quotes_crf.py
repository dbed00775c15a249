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


def test_content_error_breakdown() -> None:
    """bench_quotes.content_errors sorts gold contents into exact, missed, discontinuous and
    boundary errors (the figures that say where content F1 is lost)."""
    sys.path.insert(0, str(BENCH))
    import bench_quotes
    from storyline.records import Article, Quote

    text = 'He said that the plan is dead and buried. "It is over," she said, "for good." Rain fell.'
    gold = {"a": [
        {"content": "that the plan is dead", "content_spans": [[8, 29]]},
        {"content": "It is over for good", "content_spans": [[43, 53], [67, 75]]},
        {"content": "Rain fell", "content_spans": [[78, 87]]},
    ]}

    def q(s: int, e: int) -> Quote:
        return Quote(speaker_name=None, speaker=None, cue=None, text=text[s:e], kind="indirect", start=s, end=e)

    art = Article(id="a", source="a", text=text, quotes=(q(13, 40), q(43, 53)))
    got = bench_quotes.content_errors([art], gold)
    assert got == {"start_late": 1, "end_late": 1, "discontinuous": 1, "missed": 1}
    exact = art.replace(quotes=(q(8, 29),))
    assert bench_quotes.content_errors([exact], gold)["exact"] == 1


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


@pytest.mark.skipif(not QuoteTagger.available(), reason="model not trained (make train-quotes)")
def test_join_pieces_of_a_broken_quote(nlp: Any) -> None:
    """'"A," she said, "B."' is one quote "A, B" when joining (PolNeAR's discontinuous
    content), with the first piece's speaker and cue; without joining the pieces stay
    separate slices of the text. A quote in the next paragraph is never joined."""
    from storyline.enrich.quotes import join_pieces

    text = ('"We will not give up," said Senator Maria Lopez, "not while the families are waiting."'
            '\n\n"It is a matter of justice," she said.')
    doc = nlp(text)
    tagger = QuoteTagger()
    plain = extract_quotes(doc, (), tagger=tagger)
    assert all(text[q.start:q.end] == q.text for q in plain)
    joined = extract_quotes(doc, (), tagger=tagger, join=True)
    assert joined == join_pieces(text, plain)
    first = joined[0]
    assert first.text == "We will not give up, not while the families are waiting."
    assert first.speaker_name == "Senator Maria Lopez" and first.cue == "said" and first.kind == "direct"
    assert first.start == 1 and text[first.end:first.end + 2] == '"\n'
    assert [q.text for q in joined[1:]] == ["It is a matter of justice"]


def test_join_pieces_needs_the_cue_between() -> None:
    """A cue-less quote is joined only across its predecessor's cue, within one paragraph."""
    from storyline.enrich.quotes import join_pieces
    from storyline.records import Quote

    text = "Taxes will rise, the minister said, in every region. Nobody believes it."
    a = Quote(speaker_name="the minister", speaker=None, cue="said", text="Taxes will rise", kind="indirect",
              start=0, end=15, cue_start=30, cue_end=34)
    b = Quote(speaker_name=None, speaker=None, cue=None, text="in every region", kind="indirect", start=36, end=51)
    c = Quote(speaker_name=None, speaker=None, cue=None, text="Nobody believes it", kind="indirect", start=53, end=71)
    assert text[b.start:b.end] == b.text and text[c.start:c.end] == c.text
    got = join_pieces(text, [a, b])
    assert len(got) == 1 and got[0].text == "Taxes will rise in every region" and got[0].end == 51
    # c follows b, but the cue does not stand between the joined quote and c
    assert [q.text for q in join_pieces(text, [a, b, c])] == ["Taxes will rise in every region", "Nobody believes it"]
    assert join_pieces(text, [b, c]) == [b, c]  # no cue at all: nothing to join across
    # 'as "A." He stressed B': the cue opens the next sentence, so it is B's alone
    text = 'He called it "a history of success." He stressed the effort. Mr. Park agreed.'
    a = Quote(speaker_name="He", speaker=None, cue="stressed", text="a history of success.", kind="direct",
              start=14, end=35, cue_start=40, cue_end=48)
    b = Quote(speaker_name=None, speaker=None, cue=None, text="the effort", kind="indirect", start=49, end=59)
    assert text[a.start:a.end] == a.text and text[b.start:b.end] == b.text and text[40:48] == "stressed"
    assert join_pieces(text, [a, b]) == [a, b]
    # a title's period is no sentence end: '"A," Mr. Park said, "B."' is joined
    text = '"We tried," Mr. Park said, "and we failed."'
    a = Quote(speaker_name="Mr. Park", speaker=None, cue="said", text="We tried", kind="direct",
              start=1, end=9, cue_start=21, cue_end=25)
    b = Quote(speaker_name=None, speaker=None, cue=None, text="and we failed.", kind="direct", start=28, end=42)
    assert text[b.start:b.end] == b.text and text[21:25] == "said"
    assert [q.text for q in join_pieces(text, [a, b])] == ["We tried, and we failed."]


@pytest.mark.skipif(not QuoteTagger.available(), reason="model not trained (make train-quotes)")
def test_tagged_content_takes_the_whole_quotation(nlp: Any, shared: Path) -> None:
    """A direct quote of several sentences before its cue is one content, not the last
    sentence the tagger kept (a PolNeAR dev article: '"By the time ... well-formed," he added.')."""
    sys.path.insert(0, str(BENCH))
    import bench_quotes

    arts, _ = bench_quotes.load_split("dev")
    art = next(a for a in arts if a.id.startswith("west-journal_2016-09-30_new-poll-shows"))
    quotes = extract_quotes(nlp(art.text), (), tagger=QuoteTagger())
    added = [q for q in quotes if q.cue == "added" and "well-formed" in q.text]
    assert added and added[0].text.startswith("By the time those candidates hit the stage")
    assert art.text[added[0].start:added[0].end] == added[0].text


def test_articles_tagged_together_get_the_same_quotes(nlp: Any, dev: tuple[list, dict]) -> None:
    from storyline.enrich.entities import extract_mentions
    from storyline.enrich.quotes import extract_quotes_many

    tagger = QuoteTagger()
    arts, _ = dev
    # a text without paragraphs of its own and an empty one ride in the same batch
    docs = [nlp(a.text) for a in arts] + [nlp("No one said anything."), nlp("")]
    mentions = [extract_mentions(d) for d in docs]
    one_by_one = [extract_quotes(d, m, tagger=tagger, join=True) for d, m in zip(docs, mentions, strict=True)]
    together = extract_quotes_many(docs, mentions, tagger, join=True)
    assert together == one_by_one
    assert sum(len(qs) for qs in together) > 10


def test_features_read_from_columns_equal_token_attributes(nlp: Any) -> None:
    """The per-token columns the features are built from say what spaCy's Token says."""
    from storyline.enrich.quotes_crf import _columns

    doc = nlp('Kim Jin-a, the envoy, said on Monday: "We will go."\n\nShe added  that Japan agreed.\n \nOK')
    cols = _columns(doc)
    for tok in doc:
        i = tok.i
        assert cols.text[i] == tok.text and cols.lower[i] == tok.lower_ and cols.lemma[i] == tok.lemma_.lower()
        assert (cols.tag[i], cols.dep[i], cols.pos[i]) == (tok.tag_, tok.dep_, tok.pos_)
        assert cols.head[i] == tok.head.i
        assert cols.ent[i] == (tok.ent_iob_ + tok.ent_type_ if tok.ent_type_ else "O")
        assert cols.sent_start[i] == bool(tok.is_sent_start) and cols.is_space[i] == tok.is_space
        after = doc.text[tok.idx + len(tok.text):doc[i + 1].idx if i + 1 < len(doc) else len(doc.text)]
        assert cols.newline_after[i] == ("\n" in after)
    assert [[t.text for t in p] for p in paragraphs(doc)][-1] == ["OK"]


def test_own_features_alone_are_the_own_part_of_the_full_ones(nlp: Any) -> None:
    doc = nlp('"We will go," Kim Jin-a said on Monday.\n\nThe ministry said it agreed.')
    in_quote, rules = tagger_inputs(doc)
    for para in paragraphs(doc):
        own: list[list[str]] = []
        full = token_features(doc, para, in_quote, rules, own)
        alone = token_features(doc, para, in_quote, rules, neighbours=False)
        assert alone == own
        assert all(set(a) < set(f) for a, f in zip(alone, full, strict=True))  # the neighbours' are extra


def test_speaker_behind_a_dateline_is_the_person(nlp: Any) -> None:
    from storyline.enrich.entities import extract_mentions
    from storyline.enrich.quotes import _Resolver

    text = "Tokyo, Japan – Japanese Prime Minister Shigeru Ishiba emphasized a shared vision for stronger ties on June 19."
    doc = nlp(text)
    span = doc.char_span(0, text.index(" emphasized"))
    assert span is not None and span.root.text == "Tokyo"  # the parse heads the phrase with the dateline
    who = _Resolver(extract_mentions(doc), []).speaker(doc, span)
    assert who.canonical == "Shigeru Ishiba" and who.entity is not None
    assert who.name == "Japanese Prime Minister Shigeru Ishiba"  # as written, after the dateline


def test_a_transcript_label_tagged_as_content_is_the_speaker(nlp: Any) -> None:
    from storyline.enrich.quotes import _model_quotes, _Resolver, find_quote_spans
    from storyline.enrich.quotes_crf import Link

    text = "WALLACE: Let's start with the news of the day, which is a big one for everybody."
    doc = nlp(text)
    link = Link(TokenSpan("Q", 0, len(doc) - 1), None, None)  # the tagger read the line whole
    quotes = _model_quotes(doc, find_quote_spans(text), _Resolver([], []), 0, [link], [])
    assert len(quotes) == 1
    assert quotes[0].text.startswith("Let's start") and quotes[0].speaker_name == "Wallace"
    assert quotes[0].speaker_start == 0 and quotes[0].speaker_end == len("WALLACE")


def test_a_relative_pronoun_speaks_for_the_noun_it_hangs_on(nlp: Any) -> None:
    from storyline.enrich.entities import extract_mentions
    from storyline.enrich.quotes import _Resolver

    text = "The plan was criticised by Senator Maria Lopez, who said that it would fail."
    doc = nlp(text)
    who = next(t for t in doc if t.lower_ == "who")
    sp = _Resolver(extract_mentions(doc), []).speaker(doc, doc[who.i:who.i + 1])
    assert sp.name == "who"  # as written: what PolNeAR marks and the scorer compares
    assert sp.canonical == "Maria Lopez" and sp.entity is not None  # who it is, for reports


def test_paragraph_ids_agree_with_paragraphs(nlp: Any, dev: tuple[list, dict]) -> None:
    """The column-only paragraph numbering link_spans uses equals the Token-based one."""
    from storyline.enrich.quotes_crf import _paragraph_ids

    texts = ["Trump said:\n\n“We will win.”\n\nHe left.\n", "One line only: no break", *(a.text for a in dev[0][:5])]
    for text in texts:
        doc = nlp(text)
        ids, colon = _paragraph_ids(doc)
        want = [0] * len(doc)
        want_colon = set()
        for p, para in enumerate(paragraphs(doc)):
            for t in para:
                want[t.i] = p
            if para[-1].text == ":":
                want_colon.add(p)
        assert ids == want and colon == want_colon
    assert _paragraph_ids(nlp("Trump said:\n\n“We will win.”"))[1] == {0}
