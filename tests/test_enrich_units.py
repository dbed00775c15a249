"""Enrichment parts that need no model: the date grammar, quote-mark pairing, canonicalisation."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.enrich.canon import EntityCanonicaliser, person_keys
from storyline.enrich.entities import name_key
from storyline.enrich.quotes import find_quote_spans
from storyline.enrich.times import extract_times, parse_dct
from storyline.records import Article, Mention


def _values(text: str, published: str | None) -> dict[str, str | None]:
    return {t.text: t.value for t in extract_times(text, published)}


def test_relative_dates_resolve_against_dct() -> None:
    v = _values("It met last week, last year and next month, and again the same year.", "2025-06-16")
    assert v["last week"] == "2025-W24"
    assert v["last year"] == "2024"
    assert v["next month"] == "2025-07"
    assert v["the same year"] == "2024"  # the year last mentioned


def test_granularity_and_durations() -> None:
    v = _values("In June 2024, after 30 months and six decades, in the third quarter of 2009, in the 1990s.",
                "2025-06-16")
    assert v["June 2024"] == "2024-06"
    assert v["30 months"] == "P30M"
    assert v["six decades"] == "P60Y"
    assert v["the third quarter of 2009"] == "2009-Q3"
    assert v["the 1990s"] == "199"


def test_without_publication_date_relative_values_are_null() -> None:
    times = extract_times("The treaty of June 22, 1965 was recalled last week.", None)
    by_text = {t.text: t for t in times}
    assert by_text["June 22, 1965"].value == "1965-06-22"  # absolute: no DCT needed
    assert by_text["last week"].value is None and by_text["last week"].note


def test_ranges_and_local_time() -> None:
    v = _values("The summit is set for June 24-25.", "2025-06-20")
    assert v["June 24"] == "2025-06-24" and v["25"] == "2025-06-25"
    times = extract_times("The talks ended on June 17 (local time), or June 18 Seoul time.", "2025-06-19")
    local = [t for t in times if t.text == "June 17"][0]
    assert local.value == "2025-06-17" and local.alt_value == "2025-06-18"


def test_weekday_without_parse_is_the_last_one() -> None:
    # published on a Friday; with no tense the news reading is the past Monday
    assert _values("Talks were held Monday.", "2025-06-20")["Monday"] == "2025-06-16"


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789 -–/:,.'aJunMayDecweklstyr\n")), max_size=80))
def test_grammar_never_crashes_and_offsets_hold(text: str) -> None:
    for t in extract_times(text, "2025-06-16"):
        assert text[t.start:t.end] == t.text
        assert t.type in {"DATE", "TIME", "DURATION", "SET"}


@given(st.one_of(st.none(), st.text(max_size=30)))
def test_parse_dct_total(s: str | None) -> None:
    d = parse_dct(s)
    assert d is None or d.year > 0


def test_quote_marks_curly_straight_unbalanced_multiparagraph() -> None:
    text = ("\u201cFirst part,\" he said.\n\n"
            "\u201cThis runs on.\n\n\u201cAnd ends here,\u201d she said.\n\n"
            "An \u201cunclosed quote at the end of a paragraph.\n\nNext paragraph.")
    spans = [text[s.inner_start:s.inner_end] for s in find_quote_spans(text)]
    assert spans[0] == "First part,"
    assert spans[1].startswith("This runs on.") and spans[1].endswith("And ends here,")
    assert spans[2] == "unclosed quote at the end of a paragraph."


@given(st.text(alphabet=st.sampled_from(list("ab \n\"\u201c\u201d\u00ab\u00bb")), max_size=60))
def test_quote_spans_are_well_formed(text: str) -> None:
    for s in find_quote_spans(text):
        assert 0 <= s.start <= s.inner_start < s.inner_end <= s.end <= len(text)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("abc DEF")), min_size=1, max_size=400), min_size=1,
                max_size=20), st.sampled_from([". ", "! ", "? ", " "]), st.booleans(), st.booleans(),
       st.integers(0, 50))
def test_overlong_quotes_are_cut_inside_themselves(pieces: list[str], sep: str, long: bool, cue_after: bool,
                                                   offset: int) -> None:
    from storyline.enrich.quotes import MAX_QUOTE_CHARS, _bounded
    from storyline.records import Quote

    body = sep.join(p.strip() or "a" for p in pieces)
    if long:  # past the limit: the case that must be cut
        body = (body + sep) * (2 * MAX_QUOTE_CHARS // (len(body) + len(sep)) + 1)
    text = "X said " + body + " Y said."
    s, e = 7, len(text) - 8
    cue = (len(text) - 4, len(text) - 1) if cue_after else (2, 6)
    q = Quote(None, None, "said", text[s:e], "direct", offset + s, offset + e,
              cue_start=offset + cue[0], cue_end=offset + cue[1])
    b = _bounded(text, q, offset)
    assert q.start <= b.start < b.end <= q.end
    assert b.end - b.start <= MAX_QUOTE_CHARS
    assert b.text == text[b.start - offset:b.end - offset]
    if q.end - q.start <= MAX_QUOTE_CHARS:
        assert b == q


def test_name_keys() -> None:
    assert name_key("Lee Jae Myung", "PERSON") == name_key("Lee Jae-myung", "PERSON") == name_key("jae-myung lee", "PERSON")
    assert name_key("the U.S.", "GPE") == name_key("US", "GPE")
    assert person_keys("Lee Jaemyung") & person_keys("Lee Jae-myung")
    assert not person_keys("Park Chung Hee") & person_keys("Park Chul-hee")


def _art(aid: str, *mentions: tuple[str, str, str]) -> Article:
    ms = tuple(Mention(text=t, label=lab, entity=ent, start=0, end=len(t)) for t, lab, ent in mentions)
    return Article(id=aid, source=aid, text="x", mentions=ms, quotes=(), times=())


def test_canonicaliser_merges_spellings_never_surnames() -> None:
    arts = [
        _art("a", ("Lee Jae Myung", "PERSON", "p1"), ("Lee", "PERSON", "p1"), ("Park Chung Hee", "PERSON", "p2")),
        _art("b", ("Lee Jae-myung", "PERSON", "q1"), ("Park Chul-hee", "PERSON", "q2"), ("Park", "PERSON", "q3")),
        _art("c", ("Ishiba Shigeru", "PERSON", "r1"), ("Japan", "GPE", "r2")),
        _art("d", ("Shigeru Ishiba", "PERSON", "s1"), ("Japan", "ORG", "s2"), ("Park", "PERSON", "s3")),
    ]
    canon = EntityCanonicaliser().fit(arts)
    m = canon.mapping_
    assert m[("a", "p1")] == m[("b", "q1")]
    assert m[("a", "p2")] != m[("b", "q2")]
    assert m[("b", "q3")] not in {m[("a", "p2")], m[("b", "q2")], m[("d", "s3")]}  # surname alone
    assert m[("c", "r1")] == m[("d", "s1")]  # family-name-first order
    assert m[("c", "r2")] == m[("d", "s2")]  # same place whatever spaCy labelled it
    out = canon.transform(arts)
    assert out[0].mentions and out[0].mentions[0].entity == m[("a", "p1")]
    lee = [e for e in canon.entities_ if e.id == m[("a", "p1")]][0]
    assert set(lee.variants) >= {"Lee Jae Myung", "Lee Jae-myung"} and lee.articles == ("a", "b")
