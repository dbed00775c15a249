"""Records are frozen and round-trip through plain dicts (and JSON) unchanged."""

from __future__ import annotations

import dataclasses
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storyline.records import (
    SCHEMA,
    Article,
    Dossier,
    Event,
    Fact,
    FactValue,
    Image,
    Mention,
    Quote,
    Removed,
    Story,
    TimeExpr,
)


def _article(**kw: object) -> Article:
    base = dict(
        id="a1", source="seeds/x.txt", text="Body.\n\nMore.", title="T", authors=("A B",),
        images=(Image(url="http://x/y.jpg", caption="c", credit="YONHAP"),), notes=("n",),
        removed=(Removed(text="print", reason="button"),),
    )
    base.update(kw)
    return Article(**base)  # type: ignore[arg-type]


def test_article_is_frozen() -> None:
    a = _article()
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.title = "x"  # type: ignore[misc]


def test_article_dict_has_contract_fields_and_hides_unenriched() -> None:
    d = _article().to_dict()
    for f in Article.CONTRACT_FIELDS:
        assert f in d
    assert "mentions" not in d and "quotes" not in d and "times" not in d
    assert d["images"] == [{"url": "http://x/y.jpg", "caption": "c", "credit": "YONHAP"}]


def test_enriched_article_round_trips() -> None:
    a = _article(
        mentions=(Mention(text="Lee", label="PERSON", entity="e1", start=0, end=3, title="President"),),
        quotes=(Quote(speaker_name="Lee", speaker="e1", cue="said", text="x", kind="direct", start=1, end=2),),
        times=(TimeExpr(text="Monday", value="2025-06-16", start=4, end=10),),
    )
    assert Article.from_dict(json.loads(json.dumps(a.to_dict()))) == a


def test_dossier_carries_schema_and_round_trips() -> None:
    fv = FactValue(value="Kananaskis", articles=("a1",), evidence=("in Kananaskis",))
    story = Story(id="s1", title="t", articles=("a1",), events=(Event(id="e1", title="summit", date="2025-06-17", facts=(Fact(slot="place", status="single", values=(fv,)),)),))
    d = Dossier(articles=(_article(),), stories=(story,)).to_dict()
    assert d["schema"] == SCHEMA
    back = Story.from_dict(json.loads(json.dumps(d["stories"][0])))
    assert back == story


def test_unknown_keys_are_ignored() -> None:
    d = _article().to_dict()
    d["from_a_newer_writer"] = 1
    assert Article.from_dict(d) == _article()


@given(st.text(), st.lists(st.text(max_size=20), max_size=4), st.one_of(st.none(), st.text(max_size=30)))
def test_round_trip_any_text(text: str, authors: list[str], title: str | None) -> None:
    a = _article(text=text, authors=tuple(authors), title=title)
    assert Article.from_dict(json.loads(json.dumps(a.to_dict()))) == a
