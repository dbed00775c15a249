"""Timeline and summary building blocks, on real Timeline17 articles and small cases."""

from __future__ import annotations

import json
from datetime import date

import pytest

from storyline.records import Article, Event, Fact, FactValue, Story
from storyline.tell import tell_story
from storyline.tell.summary import fact_sentences, summarise
from storyline.tell.timeline import (
    dated_sentences,
    rank_dates,
    story_timeline,
    timeline_from_articles,
)

from .conftest import DATA

T17 = DATA / "timeline17-dev" / "data" / "H1N1_guardian" / "articles.json"


@pytest.fixture(scope="module")
def h1n1() -> list[Article]:
    if not T17.exists():
        pytest.skip("Timeline17 data not available")
    rows = json.loads(T17.read_text())[:40]
    return [Article(id=str(r["uid"]), source="t17", text=r["text"], published=r["dct"]) for r in rows]


def test_weekday_reference_dates_sentence() -> None:
    a = Article(id="a", source="a", published="2010-04-23",
                text="The rig sank on Thursday after burning for a day and a half.")
    s = dated_sentences([a])
    assert [(x.day, x.referenced) for x in s] == [(date(2010, 4, 22), True)]


def test_referenced_dates_outrank_publication_days(h1n1: list[Article]) -> None:
    sents = dated_sentences(h1n1)
    ranked = rank_dates(sents)
    assert ranked and ranked[0][1] >= ranked[-1][1]
    tl = timeline_from_articles(h1n1, max_dates=5, per_date=2)
    days = [e.date for e in tl]
    assert days == sorted(days) and len(set(days)) <= 5
    texts = {a.id: a.text for a in h1n1}
    for e in tl:
        assert e.articles and all(e.text in texts[x] for x in e.articles)  # cited and extractive


def test_range_restriction(h1n1: list[Article]) -> None:
    tl = timeline_from_articles(h1n1, max_dates=10, per_date=1, start=date(2009, 4, 25), end=date(2009, 4, 30))
    assert all("2009-04-25" <= e.date <= "2009-04-30" for e in tl)


def test_summary_cites_and_states_conflicts(h1n1: list[Article]) -> None:
    ev = Event("e1", "meeting (2009-04-27)", "2009-04-27", facts=(
        Fact("place", "conflict", (FactValue("Geneva", ("a", "b")), FactValue("Paris", ("c",))),
             note="conflicting: Geneva | Paris. ..."),
    ))
    story = Story("s", "s", tuple(a.id for a in h1n1), events=(ev,))
    out = summarise(story, {a.id: a for a in h1n1})
    assert all(s.articles for s in out)
    assert out[-1].text == "Outlets differ on the place of the meeting (2009-04-27): Geneva (2), Paris (1)."
    assert set(out[-1].articles) == {"a", "b", "c"}
    assert len(out) - 1 <= 5
    # redundancy removed: no two extracted sentences are the same
    assert len({s.text for s in out}) == len(out)


def test_updated_fact_sentence() -> None:
    ev = Event("e", "explosion (2010-04-20)", "2010-04-20", facts=(
        Fact("count: worker missing", "updated", (FactValue("7 missing", ("a",)), FactValue("11 missing", ("b",)))),))
    (s,) = fact_sentences(Story("s", "s", ("a", "b"), events=(ev,)))
    assert "7 missing -> 11 missing" in s.text and s.articles == ("a", "b")


def test_tell_story_without_events(h1n1: list[Article]) -> None:
    story = Story("s", "s", tuple(a.id for a in h1n1[:10]))
    told = tell_story(story, {a.id: a for a in h1n1})
    assert told.timeline and all(t.articles for t in told.timeline)
    assert told.summary


def _ev(eid: str, day: str, places: tuple[str, ...], status: str, evidence: str | None, arts: tuple[str, ...]) -> Event:
    facts = (Fact("date", "single", (FactValue(day, arts, (evidence,)),)),) if evidence else ()
    return Event(eid, f"{eid} ({day})", day, places=places, articles=arts, facts=facts, status=status)


def test_one_day_of_one_event_is_listed_once() -> None:
    # the clusterer's event (a report, no evidence) and an announcement of the same
    # reception for that day share the venue: one entry, reported, citing both
    events = (
        _ev("ceremony", "2025-06-19", ("Tokyo", "Hotel New Otani"), "reported", None, ("a",)),
        _ev("reception", "2025-06-19", ("Tokyo",), "scheduled", "A reception will be held in Tokyo on June 19.", ("b",)),
        _ev("drill", "2025-06-19", ("Jeju",), "reported", "An air drill was held near Jeju on June 19.", ("c",)),
        _ev("summit", "2025-06-24", ("The Hague",), "scheduled", "The summit is set for June 24.", ("c",)),
        _ev("treaty", "1965-06-22", (), "background", "The treaty was signed on June 22, 1965.", ("a",)),
    )
    tl = story_timeline(Story("s", "s", ("a", "b", "c"), events=events), {})
    by_day: dict[str, list] = {}
    for e in tl:
        by_day.setdefault(e.date, []).append(e)
    assert len(by_day["2025-06-19"]) == 2  # the reception once, the drill elsewhere apart
    rec = next(e for e in by_day["2025-06-19"] if "Tokyo" in e.text)
    assert rec.status == "reported" and set(rec.articles) == {"a", "b"} and rec.event == "ceremony"
    assert by_day["2025-06-24"][0].status == "scheduled"
    assert by_day["1965-06-22"][0].status == "background"
    assert [e.date for e in tl] == sorted(e.date for e in tl)


def test_candidates_are_named_or_lead_sentences() -> None:
    from storyline.tell.timeline import LEAD_SENTENCES, date_candidates

    body = " ".join(f"Sentence number {i} says something new about the oil spill." for i in range(8))
    a = Article(id="a", source="a", published="2010-05-02", text=body + " The well blew out on April 20 in the Gulf.")
    cands = date_candidates(dated_sentences([a]))
    named, lead = cands[date(2010, 4, 20)]
    assert len(named) == 1 and not lead
    # undated sentences count for the publication day and the day before, from the lead only
    for day in (date(2010, 5, 2), date(2010, 5, 1)):
        named, lead = cands[day]
        assert not named and sorted(s.position for s in lead) == list(range(LEAD_SENTENCES))
    assert date(2010, 5, 3) not in cands


def test_two_words_for_one_occurrence_are_one_entry() -> None:
    def ev(eid: str, title: str, text: str) -> Event:
        return Event(eid, title, "2025-06-04", articles=(eid,),
                     facts=(Fact("date", "single", (FactValue("2025-06-04", (eid,), (text,)),)),))

    events = (
        ev("a", "inaugural (2025-06-04)", "In his June 4 inaugural address, he cited two predecessors."),
        ev("b", "address (2025-06-04)", "This policy was laid out in his June 4 inaugural address."),
        ev("c", "drill (2025-06-04)", "Air forces held a drill on June 4, during the address."),
    )
    tl = story_timeline(Story("s", "s", ("a", "b", "c"), events=events), {})
    assert len(tl) == 2  # the drill names the address, but the address does not name the drill
    assert {tuple(sorted(e.articles)) for e in tl} == {("a", "b"), ("c",)}


def test_summary_reports_and_leaves_an_editorials_arguments_out() -> None:
    report = ("The two ministers signed a fisheries agreement in Lima on Tuesday after three days of talks. "
              "The agreement sets catch limits for anchovy stocks along the coast for five years.")
    editorial = ("The fisheries agreement signed in Lima on Tuesday caps anchovy catches for five years. "
                 "Both governments should now enforce the anchovy limits strictly along the whole coast. "
                 "We believe the fisheries agreement is the best chance the anchovy stocks have had in years.")
    arts = {"n": Article(id="n", source="n", text=report, kind="news", published="2030-05-08"),
            "e": Article(id="e", source="e", text=editorial, kind="editorial", published="2030-05-09")}
    out = summarise(Story("s", "s", ("n", "e")), arts)
    picked = " ".join(s.text for s in out)
    assert "caps anchovy catches" in picked or "signed a fisheries agreement" in picked
    assert "should" not in picked and "We believe" not in picked


def test_a_lead_drops_its_dateline_in_the_summary_and_the_timeline() -> None:
    text = ("Lima, Peru – The two ministers signed a fisheries agreement on Tuesday after three days of talks. "
            "The agreement sets catch limits for anchovy stocks along the coast for five years.")
    art = Article(id="n", source="n", text=text, kind="news", published="2030-05-08", dateline="Lima, Peru –")
    picked = [s.text for s in summarise(Story("s", "s", ("n",)), {"n": art})]
    assert any(t.startswith("The two ministers signed") for t in picked)
    assert not any("Lima, Peru" in t for t in picked)
    lead = [d for d in dated_sentences([art]) if "ministers signed" in d.text]
    assert lead and all(d.text.startswith("The two ministers") for d in lead)
    # a sentence that merely starts like the dateline elsewhere keeps its words
    other = Article(id="m", source="m", text=text, kind="news", published="2030-05-08")
    assert any(d.text.startswith("Lima, Peru") for d in dated_sentences([other]))


def test_summary_leaves_out_sentences_that_lean_on_the_one_before() -> None:
    text = ("The two ministers signed a fisheries agreement in Lima on Tuesday after three days of talks. "
            "First, it signaled that both governments would keep the anchovy catch limits for five years. "
            "He added that the fleets along the coast would be inspected by a joint commission every month. "
            "The agreement sets catch limits for anchovy stocks along the coast for the next five years.")
    art = Article(id="n", source="n", text=text, kind="news", published="2030-05-08")
    picked = " ".join(s.text for s in summarise(Story("s", "s", ("n",)), {"n": art}))
    assert "signed a fisheries agreement" in picked
    assert "First, it signaled" not in picked and "He added" not in picked
