"""TIMEX3 extent and value rules of the date grammar (no parse: each runs in milliseconds).

Each test pins one general English TimeML rule that the MEANTIME error analysis showed missing
(bench/bench_times.py --errors); the sentences are written for the test, not taken from a corpus.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.enrich.times import extract_times


def _values(text: str, published: str | None = "2009-04-01") -> dict[str, str | None]:
    return {t.text: t.value for t in extract_times(text, published)}


def test_prepositions_are_signals_not_part_of_the_expression() -> None:
    v = _values("Prices fell in recent years and may rise in the future; it was over in minutes.")
    assert v == {"recent years": "PXY", "the future": "FUTURE_REF", "minutes": "PTXM"}
    assert _values("Lessons of the past, for the time being.") == {"the past": "PAST_REF", "the time being": "PRESENT_REF"}


def test_adjectival_duration_leaves_its_article_to_the_noun() -> None:
    v = _values("They signed a 27-year contract after a four day rally and a 12-hour flight.")
    assert v == {"27-year": "P27Y", "four day": "P4D", "12-hour": "PT12H"}
    # a plain duration keeps its quantifier
    assert _values("It lasted a week.") == {"a week": "P1W"}


def test_adjectives_between_number_and_unit() -> None:
    v = _values("Stocks fell for six straight days, over the past five trading days and two consecutive quarters.")
    assert v["six straight days"] == "P6D"
    assert v["the past five trading days"] == "P5D"
    assert v["two consecutive quarters"] == "P2Q"


def test_ordinal_second_is_not_a_unit() -> None:
    v = _values("Trading was halted for a second consecutive day. A second plane landed.")
    assert v == {"a second consecutive day": "2009-04-01"}


def test_ranges_give_each_end_its_own_expression() -> None:
    v = _values("Deliveries run from 2009 to 2011, then between 2014 and 2016, and in 1969-71.")
    assert [v[k] for k in ("2009", "2011", "2014", "2016", "1969", "71")] == \
        ["2009", "2011", "2014", "2016", "1969", "1971"]
    v = _values("The process would take between 60 and 90 days.")
    assert v == {"60": "P60D", "90 days": "P90D"}


def test_period_edges_keep_the_period_value() -> None:
    v = _values("By the end of this year, up from the end of last year; at the start of the year.")
    assert v == {"the end of this year": "2009", "the end of last year": "2008", "the start of the year": "2009"}


def test_last_and_next_month_names() -> None:
    # published in October: "last September" is a month ago, "last October" a year ago
    v = _values("Not seen since last September or last October; due next May.", "2009-10-12")
    assert v == {"last September": "2009-09", "last October": "2008-10", "next May": "2010-05"}
    assert "this may" not in {k.lower() for k in _values("This may be the end.")}


def test_week_of_month_and_weekend() -> None:
    assert _values("Sales rebounded in the last week of March.")["the last week of March"] == "2009-W13"
    # published on a Monday: the weekend just past
    assert _values("Ministers met over the weekend.", "2008-10-13")["the weekend"] == "2008-W41-WE"


def test_same_period_a_year_earlier_anchors_to_the_period_last_mentioned() -> None:
    v = _values("Sales fell 35% in January, compared to the same month a year ago.", "2009-02-03")
    assert v["January"] == "2009-01" and v["the same month a year ago"] == "2008-01"
    v = _values("Revenue was $10 billion in 2009, up from the year before.", "2010-02-01")
    assert v["the year before"] == "2008"


def test_anaphoric_that_time_takes_the_time_last_mentioned() -> None:
    v = _values("The deal must be finalised by June 10. If no price is agreed by that time, talks end.", "2011-05-29")
    assert v["that time"] == "2011-06-10"


def test_clock_time_takes_the_date_that_follows_it() -> None:
    v = _values("At a press conference at 16:15 UTC, June 1st, he spoke; at 0800 UTC banks acted.", "2009-06-04")
    assert v["16:15 UTC"] == "2009-06-01T16:15Z"
    assert v["0800 UTC"].endswith("T08:00Z")  # type: ignore[union-attr]


def test_quarter_tense_shift_only_for_quarters_well_ahead() -> None:
    # past verb in August about the fourth quarter: this year's (announced closures ahead)
    v = _values("Ford announced plant closures during the fourth quarter.", "2006-08-19")
    assert v["the fourth quarter"] == "2006-Q4"
    # in February, a past fourth quarter is last year's
    assert _values("Profits rose in the fourth quarter.", "2006-02-10")["the fourth quarter"] == "2005-Q4"


def test_numbers_that_are_not_years() -> None:
    assert "1556" not in _values("The price is $4.1556 per share.")
    assert "2000" not in _values("The Russell 2000 Index of smaller companies fell.")
    assert _values("In 2000 Apple shipped it.")["2000"] == "2000"


def test_compounds_and_adjectival_future() -> None:
    assert _values("the now-cancelled deal at the soon-to-open terminal") == {}
    assert "the future" not in _values("He married the future Prime Minister.")
    assert _values("It went very soon after.")["very soon"] == "FUTURE_REF"


def test_duration_before_an_event_is_a_duration() -> None:
    # "two days before the launch": DURATION plus the SIGNAL "before" (TimeML)
    assert _values("It will ship on June 17, two days before the phone launches.") == \
        {"June 17": "2009-06-17", "two days": "P2D"}


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789 -–,.'aeinorstdhywkmATUCfl\n")), max_size=80))
def test_offsets_hold_on_any_text(text: str) -> None:
    for t in extract_times(text, "2025-06-16"):
        assert text[t.start:t.end] == t.text and t.start < t.end
