"""Near-duplicate detection on a real article and a synthetic syndicated copy of it."""

from __future__ import annotations

import re
from pathlib import Path

from storyline.cluster.features import day_of
from storyline.dedup import Deduplicator, signature
from storyline.records import Article

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def _seed(name: str) -> Article:
    text = (SEEDS / name).read_text(encoding="utf-8")
    return Article(id=name[:3], source=str(SEEDS / name), text=text, published="2025-06-20")


def _syndicated(a: Article) -> Article:
    """A wire copy: new headline and byline, one paragraph cut, a sentence reworded."""
    paras = [p for p in a.text.split("\n") if p.strip()]
    body = "\n".join(["Seoul and Tokyo renew ties (AP)", "By Staff Writer"] + paras[1:-1])
    body = re.sub(r"\bemphasized\b", "stressed", body, count=1)
    return Article(id="copy", source="wire.txt", text=body, published="2025-06-21", outlet="Wire")


def test_syndicated_copy_is_marked_as_copy_of_the_original() -> None:
    orig = _seed("000_953c0c9aa5063802.txt")
    other = _seed("004_59e423fcb8b19276.txt")
    d = Deduplicator(threshold=0.8).fit([_syndicated(orig), other, orig])
    # The original is the earlier publication, whatever the input order.
    assert d.duplicates_ == {"copy": "000"}
    assert d.groups() == {"000": ["copy"]}


def test_related_reports_are_not_copies() -> None:
    arts = [_seed(p.name) for p in sorted(SEEDS.iterdir())]
    assert Deduplicator().fit(arts).duplicates_ == {}


def test_signatures_are_deterministic_and_warm_start_matches() -> None:
    orig = _seed("000_953c0c9aa5063802.txt")
    s1, s2 = signature(orig.text), signature(orig.text)
    assert s1 is not None and s2 is not None
    assert (s1.hashvalues == s2.hashvalues).all()
    # Warm start from stored hash values (and days), then add the copy: same decision as one fit.
    d = Deduplicator().partial_fit([], known={"000": s1.hashvalues}, known_days={"000": day_of(orig.published)})
    d.partial_fit([_syndicated(orig)])
    assert d.duplicates_ == {"copy": "000"}


def test_copies_are_found_within_the_window_and_not_months_later() -> None:
    """The index is cut into time buckets: a reprint within the window is a copy, one a year later is not."""
    orig = _seed("000_953c0c9aa5063802.txt")
    copy = _syndicated(orig)
    for published, found in (("2025-07-18", True), ("2025-09-30", False), ("2026-06-21", False)):
        d = Deduplicator(window_days=30).fit([orig, copy.replace(published=published)])
        assert (d.duplicates_ == {"copy": "000"}) is found, published
    # An undated copy is filed under the batch's newest day, so it still meets a recent original.
    d = Deduplicator().fit([orig, copy.replace(published=None)])
    assert d.duplicates_ == {"copy": "000"}


def test_short_texts_are_never_copies() -> None:
    a = Article(id="a", source="a", text="Breaking news.")
    b = Article(id="b", source="b", text="Breaking news.")
    assert Deduplicator().fit([a, b]).duplicates_ == {}


def test_shingles_read_a_prefix_but_equal_the_whole_texts() -> None:
    """The prefix shortcut in ``shingles`` must give what tokenising the whole text gives."""
    from datasketch import MinHash

    from storyline.cluster.features import tokens
    from storyline.dedup import MAX_TOKENS, SHINGLE, _crc32, shingles

    seed = _seed("000_953c0c9aa5063802.txt").text
    # Long tokens push the 400th word past the prefix: the fallback must read on.
    long_words = " ".join(f"https://example.org/{i:040d}" for i in range(MAX_TOKENS + 50))
    proto = MinHash(num_perm=128, seed=1, hashfunc=_crc32)
    for text in (seed, seed * 5, long_words):
        toks = tokens(text)[:MAX_TOKENS]
        assert shingles(text) == {" ".join(toks[i : i + SHINGLE]).encode() for i in range(len(toks) - SHINGLE + 1)}
        a, b = signature(text), signature(text, prototype=proto)
        assert a is not None and b is not None and (a.hashvalues == b.hashvalues).all()
    assert (proto.hashvalues == MinHash(num_perm=128, seed=1, hashfunc=_crc32).hashvalues).all()  # untouched
