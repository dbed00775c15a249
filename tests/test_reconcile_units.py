"""Unit checks of normalisation and status: dates, numbers, places, quotes."""

from __future__ import annotations

from datetime import date, datetime

from hypothesis import given
from hypothesis import strategies as st

from storyline.reconcile.compare import compare_dates, compare_numbers
from storyline.reconcile.dates import DateRef, find_dates, split_sentences
from storyline.reconcile.facts import Claim, extract_mentions, scope_label
from storyline.reconcile.places import Gazetteer
from storyline.reconcile.quotes import align_quotes, same_statement
from storyline.records import Article, Quote

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)))
def test_full_dates_round_trip(d: date) -> None:
    text = f"The talks were held on {MONTHS[d.month - 1]} {d.day}, {d.year} in the capital."
    refs = find_dates(text, None)
    assert [r.value for r in refs] == [d.isoformat()]


@given(st.text(max_size=200))
def test_find_dates_never_crashes(text: str) -> None:
    for r in find_dates(text, date(2020, 1, 1)):
        assert 0 <= r.start < r.end_offset <= len(text)


def test_yearless_and_weekday_dates_resolve_against_publication() -> None:
    refs = find_dates("The rig sank on Thursday. Talks are set for Jan. 3.", date(2010, 4, 23))
    assert [r.value for r in refs] == ["2010-04-22", "2011-01-03"]
    assert refs[1].future


def test_sentences_keep_abbreviations() -> None:
    s = split_sentences("Gen. Smith met Mr. Lee on Dec. 3 in the U.S. capital. They agreed.")
    assert [x.text for x in s] == ["Gen. Smith met Mr. Lee on Dec. 3 in the U.S. capital.", "They agreed."]


def _c(aid: str, slot: str, value: str, norm: object, hedged: bool = False, dref: DateRef | None = None) -> Claim:
    return Claim(aid, slot, value, norm, f"{value}.", hedged=hedged, date=dref)


def test_rounding_tolerance() -> None:
    status, _, _ = compare_numbers([_c("a", "duration", "30 minutes", 30.0),
                                    _c("b", "duration", "about 30 minutes", 30.0, hedged=True)], {})
    assert status == "agreed"
    status, _, _ = compare_numbers([_c("a", "count", "300 people", 300.0),
                                    _c("b", "count", "nearly 290 people", 290.0, hedged=True)], {})
    assert status == "compatible"


def test_toll_revised_over_time_is_updated_but_same_time_conflict() -> None:
    pub = {"a": datetime(2010, 4, 21, 8), "b": datetime(2010, 4, 23, 9), "c": datetime(2010, 4, 21, 9)}
    status, groups, note = compare_numbers([_c("a", "count", "7 missing", 7.0), _c("b", "count", "11 missing", 11.0)], pub)
    assert status == "updated" and [g.value for g in groups] == ["7 missing", "11 missing"]
    assert note and "->" in note
    status, _, _ = compare_numbers([_c("a", "count", "7 missing", 7.0), _c("c", "count", "11 missing", 11.0)], pub)
    assert status == "conflict"


def test_dates_time_zone_tolerant() -> None:
    a = _c("a", "date", "June 17", "2025-06-17")
    b = _c("b", "date", "June 18", "2025-06-18")
    c = _c("c", "date", "June 20", "2025-06-20")
    assert compare_dates([a, b])[0] == "compatible"
    assert compare_dates([a, c])[0] == "conflict"


def test_quote_alignment_trimmed_and_distinct() -> None:
    full = "There are quite many areas where Korea and Japan can share diverse wisdom and knowledge and cooperate"
    trimmed = "Korea and Japan can share diverse wisdom and knowledge and cooperate"
    other = "In today's strategic environment, the importance of Korea-Japan relations has grown even further"
    assert same_statement(full, trimmed)
    assert not same_statement(full, other)
    arts = [
        Article(id="a", source="a", text=f"Ishiba said, “{full}.”", published="2025-06-19",
                quotes=(Quote("Ishiba", None, "said", full, "direct", 15, 15 + len(full)),)),
        Article(id="b", source="b", text=f"“{trimmed},” Ishiba said.", published="2025-06-20"),
    ]
    qs = align_quotes(arts)
    assert len(qs) == 1 and qs[0].article == "a" and qs[0].also_in == ("b",)
    assert len(qs[0].variants) == 2



def _announced_and_reported(city: str) -> tuple:
    from storyline.records import Event, Story

    ahead = Article(id="a", source="a.txt", published="2031-03-03T09:00:00+00:00", outlet="Daily A",
                    text="Ministers met in Lisbon on Monday to open the trade talks.\n\n"
                         f"A reception will be held in {city} on March 6, hosted by the Chilean Embassy.")
    after = Article(id="b", source="b.txt", published="2031-03-07T09:00:00+00:00", outlet="Daily B",
                    text="A reception in Porto on March 6, hosted by the Chilean Embassy, drew the negotiators.\n\n"
                         "About 300 guests attended the reception.")
    talks = Event("ev-talks", "Ministers open trade talks in Lisbon", "2031-03-03", articles=("a",))
    party = Event("ev-party", "Embassy reception in Porto", "2031-03-06", articles=("b",), places=("Porto",))
    return Story("s", "s", ("a", "b"), events=(talks, party)), {"a": ahead, "b": after}


def test_announced_event_joins_the_one_reported_later() -> None:
    from storyline.reconcile import reconcile_story

    story, arts = _announced_and_reported("Porto")
    out = reconcile_story(story, arts)
    assert [e.id for e in out.events] == ["ev-talks", "ev-party"]  # no second reception
    party = out.events[1]
    host = next(f for f in party.facts if f.slot == "host")
    assert host.status == "agreed" and set(host.values[0].articles) == {"a", "b"}


def test_announced_event_elsewhere_stays_apart() -> None:
    from storyline.reconcile import reconcile_story

    story, arts = _announced_and_reported("Braga")
    out = reconcile_story(story, arts)
    assert len(out.events) == 3
    assert any(e.status == "scheduled" and e.date == "2031-03-06" for e in out.events)


def test_an_event_titled_by_a_sentence_is_named_from_its_class() -> None:
    from storyline.reconcile import reconcile_story

    story, arts = _announced_and_reported("Porto")
    sentence = ("Ministers met in Lisbon on Monday to open the trade talks that both governments "
                "have prepared for more than two years")
    events = (story.events[0].replace(title=sentence), story.events[1])
    out = reconcile_story(story.replace(events=events), arts)
    talks = next(e for e in out.events if e.id == "ev-talks")
    assert talks.title.startswith("meeting") and "2031-03-03" in talks.title
    assert next(e for e in out.events if e.id == "ev-party").title == "Embassy reception in Porto"  # a headline stays


def test_an_event_without_a_class_in_its_title_takes_its_days_class() -> None:
    from storyline.reconcile import reconcile_story
    from storyline.records import Event, Story

    text = ("The embassy held a reception in Lima on March 3 to mark the anniversary of the treaty.\n\n"
            "The minister, who later flew to the summit in Quito, is expected to meet his counterpart there.")
    art = Article(id="a", source="a.txt", published="2031-03-04T09:00:00+00:00", outlet="Daily A", text=text)
    ev = Event("ev-a", "Envoy hails ties on anniversary", "2031-03-03", articles=("a",))
    out = reconcile_story(Story("s", "s", ("a",), events=(ev,)), {"a": art})
    got = next(e for e in out.events if e.id == "ev-a")
    places = {v.value for f in got.facts if f.slot == "place" for v in f.values}
    assert places == {"Lima"}  # the summit the report looks ahead to is not this reception
    assert got.title.startswith("ceremony")


def test_what_was_agreed_runs_past_abbreviations() -> None:
    from storyline.reconcile.facts import _AGREED

    def what(sentence: str) -> str:
        m = _AGREED.search(sentence)
        assert m is not None
        return m["what"]

    assert what("The pact was signed on June 22, 1965, and ratified on Dec. 18 the same year.").endswith(
        "Dec. 18 the same year")
    assert what("The ministers agreed to expand U.S. trade talks.") == "expand U.S. trade talks"
    assert what("The leaders agreed to meet again; talks continue.") == "meet again"


def test_ordinal_fact_is_named_in_words_not_by_its_key() -> None:
    a = Article(id="a", source="a.txt", text="Lee held his first phone call with Japanese Prime Minister Shigeru Ishiba on June 9.",
                published="2025-06-10")
    claims = [c for m in extract_mentions(a, Gazetteer()) for c in m.claims if c.slot == "ordinal"]
    assert claims, "the ordinal was not read"
    name = scope_label("ordinal", claims[0].scope)
    assert "|" not in name
    assert name == "ordinal: call with Ishiba"
    assert scope_label("relative", "Lee took office") == "relative: Lee took office"
    assert scope_label("date", "") == "date"
