"""Events inside a story: when, where and who split or join articles."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.cluster.events import EventGrouper, event_date, occurrence
from storyline.cluster.features import capitalised_names, time_keys
from storyline.records import Article, Mention, Quote, TimeExpr

SUMMIT = (
    "{lead}\n\nThe leaders of the two countries met at the summit in {place} and agreed to expand "
    "trade, energy cooperation and exchanges between students. Officials said the talks lasted two hours "
    "and covered supply chains, security on the peninsula and a visa waiver programme."
)


def _art(aid: str, published: str, lead: str, place: str) -> Article:
    return Article(id=aid, source=aid, title=lead, text=SUMMIT.format(lead=lead, place=place), published=published)


def test_two_summits_a_month_apart_are_two_events() -> None:
    arts = [
        _art("a", "2025-03-04", "Leaders meet in Geneva on March 4", "Geneva"),
        _art("b", "2025-03-05", "Geneva summit ends with trade pledge on March 4", "Geneva"),
        _art("c", "2025-04-08", "Leaders meet again in Oslo on April 8", "Oslo"),
    ]
    events = EventGrouper().fit(arts, story_id="s").events_
    assert [sorted(e.articles) for e in events] == [["a", "b"], ["c"]]
    assert [e.date for e in events] == ["2025-03-04", "2025-04-08"]
    assert events[0].places and "Geneva" in events[0].places
    assert all(e.title for e in events)


def test_same_day_in_two_places_is_two_events() -> None:
    arts = [
        _art("a", "2025-03-04", "Reception held in Seoul on March 4", "Seoul"),
        _art("b", "2025-03-05", "Reception held in Tokyo on March 5", "Tokyo"),
    ]
    events = EventGrouper().fit(arts).events_
    assert len(events) == 2


def test_event_date_uses_enrichment_times_and_weekdays() -> None:
    text = "The president spoke on Monday at the ceremony. Back on Jan. 3 he had said otherwise."
    a = Article(id="x", source="x", text=text, published="2025-06-18T10:00:00+09:00")
    day, scheduled, src, firm = event_date(a)
    assert (day, scheduled, src, firm) == ("2025-06-16", False, "text", True)
    enriched = a.replace(times=(TimeExpr(text="Monday", value="2025-06-16", start=29, end=35),))
    assert event_date(enriched)[:3] == ("2025-06-16", False, "times")


def test_a_plan_is_scheduled_and_undated_articles_have_no_date() -> None:
    a = Article(id="x", source="x", text="The summit will be held on June 30 in Calgary.", published="2025-06-18")
    day, scheduled, _, _ = event_date(a)
    assert day == "2025-06-30" and scheduled
    b = Article(id="y", source="y", text="Nothing dated here at all.")
    assert event_date(b)[0] is None
    assert EventGrouper().fit([b]).events_[0].date is None


def test_participants_come_from_mentions_when_enriched() -> None:
    text = "Shigeru Ishiba met Lee Jae-myung in Calgary on June 17."
    ms = (
        Mention(text="Shigeru Ishiba", label="PERSON", entity="E1", start=0, end=14),
        Mention(text="Lee Jae-myung", label="PERSON", entity="E2", start=19, end=32),
        Mention(text="Calgary", label="GPE", entity="E3", start=36, end=43),
    )
    a = Article(id="x", source="x", text=text, published="2025-06-18", mentions=ms)
    o = occurrence(a)
    assert o.places == ("Calgary",)
    assert set(o.who) == {"Shigeru Ishiba", "Lee Jae-myung"}
    ev = EventGrouper().fit([a]).events_[0]
    assert ev.date == "2025-06-17" and set(ev.participants) == {"Shigeru Ishiba", "Lee Jae-myung"}

_WORDS = st.sampled_from(
    ["June", "17", "Jun.", "2025", "on", "Monday", "yesterday", "31", "February", "30", "Seoul", "the", ",", "1999-02-30",
     "2024-02-29", "Dec.", "3rd", "of", "March", "Lee", "Jae-myung", "\n", "O'Brien", "U.S."]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_WORDS, max_size=40), st.one_of(st.none(), st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31))))
def test_date_and_name_parsers_never_crash_and_return_valid_values(words: list[str], pub: date | None) -> None:
    text = " ".join(words)
    a = Article(id="h", source="h", text=text, published=pub.isoformat() if pub else None)
    day, scheduled, src, firm = event_date(a)
    if day is not None:
        date.fromisoformat(day)  # a real calendar day, never "02-30"
    assert src in {"text", "published", "none"}
    assert all(k == k.lower() and k.strip() for k in capitalised_names(text))
    assert all(k.startswith(("year:", "month:")) for k in time_keys(a, text))


def _mention(text: str, body: str, label: str, entity: str | None = None, nth: int = 0) -> Mention:
    start = -1
    for _ in range(nth + 1):
        start = body.index(text, start + 1)
    return Mention(text=text, label=label, entity=entity, start=start, end=start + len(text))


def test_participants_are_actors_not_every_name() -> None:
    body = (
        "President Lee Jae Myung met Prime Minister Shigeru Ishiba on June 17 at the G7 Summit, "
        "and the Japanese Embassy hosted a reception on Jeju the same day.\n\n"
        "Park Chung Hee signed the treaty in 1965.\n\n"
        "\u201cThe talks went well,\u201d Ishiba said."
    )
    mentions = (
        _mention("Lee Jae Myung", body, "PERSON", "E1"),
        _mention("Shigeru Ishiba", body, "PERSON", "E2"),
        _mention("G7 Summit", body, "ORG"),
        _mention("Japanese Embassy", body, "ORG", "E3"),
        _mention("Jeju", body, "PERSON"),  # a model's mislabel: the island is also a place below
        _mention("Park Chung Hee", body, "PERSON", "E4"),
    )
    body2 = body + "\n\nJeju is an island."
    mentions = (*mentions, _mention("Jeju", body2, "GPE", nth=1))
    a = Article(id="a", source="a", text=body2, published="2025-06-18", mentions=mentions, quotes=(
        Quote(speaker_name="Shigeru Ishiba", speaker="E2", cue="said", text="The talks went well",
              kind="direct", start=body.index("The talks"), end=body.index("The talks") + 19),
        Quote(speaker_name="They", speaker=None, cue="said", text="fine", kind="direct", start=0, end=5),
        # a quote in the paragraph about 1965 is background, not the event's
        Quote(speaker_name="Park Chung Hee", speaker="E4", cue="said", text="the treaty",
              kind="direct", start=body.index("the treaty"), end=body.index("the treaty") + 10),
    ))
    who = occurrence(a).who
    assert set(who) == {"Lee Jae Myung", "Shigeru Ishiba", "Japanese Embassy"}
    assert who[0] == "Shigeru Ishiba"  # named and quoted: counted most


def test_participants_without_enrichment_skip_other_times() -> None:
    text = ("Shigeru Ishiba hosted Lee Jae Myung in Tokyo on June 19. "
            "Back in 1998 Kim Dae Jung and Keizo Obuchi signed a declaration.")
    who = occurrence(Article(id="b", source="b", text=text, published="2025-06-20")).who
    assert "Shigeru Ishiba" in who and "Lee Jae Myung" in who
    assert not any("Obuchi" in w or "Kim Dae" in w for w in who)


def test_event_places_are_where_the_lede_says_it_happened() -> None:
    # Enriched articles: places come from the entity mentions. The lede's "in Geneva" is the
    # venue; a country in a list and a city named further down are other occasions' places.
    lede = "The two leaders met in Geneva on March 4, their first talks since the crisis among Chile, Peru and Bolivia."
    later = " " * 700 + "They will meet again at a summit in Oslo next month."
    text = lede + later
    arts = []
    for aid in ("a", "b"):
        ms = [Mention(text=w, label="GPE", entity=None, start=text.index(w), end=text.index(w) + len(w)) for w in ("Geneva", "Peru", "Oslo")]
        arts.append(Article(id=aid, source=aid, title="Leaders meet", text=text, published="2025-03-04", mentions=tuple(ms)))
    o = occurrence(arts[0])
    assert o.venue == ("Geneva",) and set(o.places) == {"Geneva", "Peru", "Oslo"}
    events = EventGrouper().fit(arts, story_id="s").events_
    assert [e.places for e in events] == [("Geneva",)]


def test_a_page_date_stamp_is_when_it_was_published_not_what_happened() -> None:
    # No publication dates (records without metadata): each page opens with its own date
    # stamp. The Monday report of a Sunday fire says "on Sunday"; it is the same fire as the
    # Sunday report, although its stamp is a day later and its wording differs. A fire a
    # month later stays apart.
    arts = [
        Article(id="a", source="a", title="Supermarket fire tackled", text=(
            "21 July 2013 Last updated at 11:11 GMT\n\nSupermarket fire tackled\n\n"
            "Crews tackled a blaze at a supermarket in the town centre on Sunday. Half the roof collapsed.")),
        Article(id="b", source="b", title="Man charged with arson", text=(
            "22 July 2013 Last updated at 17:50 GMT\n\nMan charged with arson\n\n"
            "A local man, 24, has been charged with arson after the blaze at the store on Sunday. "
            "He is due to appear before magistrates on Tuesday.")),
        Article(id="c", source="c", title="Warehouse fire", text=(
            "August 25, 2013 09:02 AM ET\n\nWarehouse fire\n\n"
            "A warehouse burned down on Saturday night, firefighters said.")),
    ]
    assert [occurrence(a).day for a in arts] == ["2013-07-21", "2013-07-21", "2013-08-24"]
    events = EventGrouper().fit(arts).events_
    assert [sorted(e.articles) for e in events] == [["a", "b"], ["c"]]


def test_two_events_on_one_day_have_two_ids() -> None:
    arts = [
        _art("a", "2025-03-04", "Reception held in Seoul on March 4", "Seoul"),
        _art("b", "2025-03-04", "Reception held in Tokyo on March 4", "Tokyo"),
        _art("c", "2025-03-05", "Seoul reception draws hundreds on March 4", "Seoul"),
    ]
    events = EventGrouper().fit(arts, story_id="s").events_
    assert sorted(sorted(e.articles) for e in events) == [["a", "c"], ["b"]]
    assert len({e.id for e in events}) == 2
    # the day's first event keeps the id it had alone: ids stay stable as reports come in
    alone = EventGrouper().fit(arts[:1], story_id="s").events_[0]
    assert alone.id in {e.id for e in events}


def test_a_city_and_its_region_do_not_disagree() -> None:
    # One lede names the town, another the country and names the town further on: one
    # earthquake. A quake the same day elsewhere, which names neither, stays apart.
    tail = "\n\nRescuers searched the rubble through the night and hospitals asked for blood donors."
    arts = [
        Article(id="a", source="a", title="Quake kills ten", text="An earthquake in Qeshm killed ten people on November 27, 2005." + tail),
        Article(id="b", source="b", title="Deadly quake", text=(
            "An earthquake in Iran killed ten people on November 27, 2005. The worst hit villages lie on the island of "
            "Qeshm, officials said." + tail)),
        Article(id="c", source="c", title="Quake hits coast", text="An earthquake in Chile killed five people on November 27, 2005." + tail),
    ]
    events = EventGrouper().fit(arts).events_
    assert sorted(sorted(e.articles) for e in events) == [["a", "b"], ["c"]]


def test_only_where_the_ledes_say_it_happened_can_disagree() -> None:
    # b's lede names no venue; the city it names further down is another occasion's
    # (where a delegation flew in from), which does not make it another meeting.
    later = " " * 700 + "The delegation had arrived from talks in Oslo the night before."
    arts = [
        Article(id="a", source="a", title="Leaders meet", text="Leaders met in Geneva on March 4, 2025 to discuss trade."),
        Article(id="b", source="b", title="Trade talks", text="The leaders held trade talks on March 4, 2025." + later),
    ]
    assert occurrence(arts[1]).venue == () and occurrence(arts[1]).places == ("Oslo",)
    events = EventGrouper().fit(arts).events_
    assert [sorted(e.articles) for e in events] == [["a", "b"]]
