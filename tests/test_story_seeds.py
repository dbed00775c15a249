"""The whole local pipeline on the seeds, end to end: build, then read the dossier.

Asserts what a reader of these five articles would check by hand: one story,
its events in date order, the one real conflict (the summit venue) flagged, and
no false ones (the phone calls counted differently, the summit's date and length).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .conftest import SEEDS


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    if not SEEDS.is_dir():
        pytest.skip("../shared is not beside the checkout")
    tmp = tmp_path_factory.mktemp("seeds")
    db, out = tmp / "s.db", tmp / "d.json"
    for args in (["build", str(SEEDS), "--db", str(db), "-q"], ["export", "--db", str(db), "-o", str(out), "-q"]):
        proc = subprocess.run([sys.executable, "-m", "storyline.cli", *args], capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr
    md = tmp / "d.md"
    proc = subprocess.run([sys.executable, "-m", "storyline.cli", "export", "--db", str(db), "--format", "md",
                           "-o", str(md), "-q"], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    d = json.loads(Path(out).read_text())
    assert len(d["stories"]) == 1
    return dict(d["stories"][0], _articles=d["articles"], _markdown=md.read_text(encoding="utf-8"))


def test_events_in_date_order_with_titles(story: dict[str, Any]) -> None:
    dates = [e["date"] for e in story["events"]]
    assert dates == sorted(dates)
    assert sum(e["status"] == "reported" for e in story["events"]) >= 4
    assert {"2025-06-09", "2025-06-17"} <= set(dates)
    summit = next(e for e in story["events"] if e["date"] == "2025-06-17")
    assert len(summit["articles"]) >= 2
    assert any("Ishiba" in p for p in summit["participants"])


def test_the_venue_conflict_is_flagged_and_nothing_else(story: dict[str, Any]) -> None:
    conflicts = story["conflicts"]
    places = [c for c in conflicts if c["slot"] == "place"]
    assert places, "the summit venue (Kananaskis vs Calgary) must be a conflict"
    values = {v["value"] for v in places[0]["values"]}
    assert {"Kananaskis", "Calgary"} <= values
    # False conflicts avoided: the date, length and "first"/"second" calls.
    assert not [c for c in conflicts if c["slot"] in ("date", "duration") or c["slot"].startswith("ordinal")]
    summit = next(e for e in story["events"] if e["date"] == "2025-06-17")
    duration = next(f for f in summit["facts"] if f["slot"] == "duration")
    assert duration["status"] == "agreed" and len(duration["values"][0]["articles"]) == 2


def test_every_summary_sentence_cites_articles_that_say_it(story: dict[str, Any]) -> None:
    ids = {a["id"] for a in story["_articles"]}
    texts = {a["id"]: a["text"] for a in story["_articles"]}
    assert story["summary"]
    for s in story["summary"]:
        assert s["articles"] and set(s["articles"]) <= ids
        if not s["text"].startswith("Outlets differ"):
            # Extractive: the sentence stands in at least one cited article.
            assert any(s["text"][:60] in texts[a] for a in s["articles"]), s["text"]
    assert any("Kananaskis" in s["text"] and "Calgary" in s["text"] for s in story["summary"])


def test_timeline_cites_and_marks_background(story: dict[str, Any]) -> None:
    tl = story["timeline"]
    assert tl and [t["date"] for t in tl] == sorted(t["date"] for t in tl)
    assert all(t["articles"] for t in tl)
    treaty = [t for t in tl if t["date"].startswith("1965")]
    assert treaty and all(t["status"] == "background" for t in treaty)
    # The NATO summit "scheduled for June 24-25" is announced, not reported.
    assert any(t["status"] == "scheduled" and t["date"] >= "2025-06-24" for t in tl)


def test_one_event_per_occasion_placed_where_it_happened(story: dict[str, Any]) -> None:
    events = story["events"]
    # The Tokyo reception is announced by one outlet and reported by another: one event,
    # whose host both outlets state.
    tokyo = [e for e in events if e["date"] == "2025-06-19"]
    assert len(tokyo) == 1 and "Tokyo" in tokyo[0]["places"]
    host = next(f for f in tokyo[0]["facts"] if f["slot"] == "host")
    assert host["status"] == "agreed" and len(host["values"][0]["articles"]) == 2
    # The phone call was made from Seoul; the partners and summits its report names are elsewhere.
    call = next(e for e in events if e["date"] == "2025-06-09")
    assert call["places"] == ["Seoul"] and call["title"].startswith("call")
    # The Seoul reception does not take in the G7 summit its report looks ahead to.
    seoul = next(e for e in events if e["date"] == "2025-06-16")
    assert "Canada" not in {v["value"] for f in seoul["facts"] if f["slot"] == "place" for v in f["values"]}


def test_summary_reports_and_quotes_read_as_quoted(story: dict[str, Any]) -> None:
    kinds = {a["id"]: a["kind"] for a in story["_articles"]}
    for s in story["summary"]:
        if any(kinds[a] in ("opinion", "editorial") for a in s["articles"][:1]):
            assert " should " not in s["text"] and " must " not in s["text"], s["text"]
    # no sentence opens with its article's dateline or leans on a sentence the summary left out
    for s in story["summary"]:
        assert not s["text"].startswith("Tokyo, Japan"), s["text"]
        assert not s["text"].startswith(("First, it", "He ", "She ", "It ")), s["text"]
    # speakers are grouped by who they are: no heading for a pronoun nobody resolved
    headings = {line[4:].strip() for line in story["_markdown"].splitlines() if line.startswith("### ")}
    assert "Kim Jin-a" in headings and not headings & {"They", "He", "She", "who"}
    quotes = [line for line in story["_markdown"].splitlines() if line.startswith("> ") and not line.startswith("> *")]
    assert quotes
    for line in quotes:
        assert not line.lower().startswith("> that ") and not line.startswith("> “that")
        said = line[2:].split(" [", 1)[0]
        assert said.count("“") <= said.count("”"), line
