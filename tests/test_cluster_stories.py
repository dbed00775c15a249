"""Story clustering: ECB+ topics, order independence, incremental ids, time window, bad input."""

from __future__ import annotations

import random
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.cluster.features import Featurizer, number_keys
from storyline.cluster.stories import StoryClusterer
from storyline.records import Article
from tests.cluster_support import bcubed_f1, ecb_articles

TOPICS = {"1", "3", "8", "19", "22"}  # unrelated topics (rehab, prison escape, bank, riots, killing)


def _partition(sc: StoryClusterer) -> set[frozenset[str]]:
    return {frozenset(s.articles) for s in sc.stories_}


def test_ecb_topics_cluster_into_their_stories() -> None:
    arts, gold = ecb_articles(TOPICS)
    sc = StoryClusterer(threshold=0.3, window_days=30).fit(arts)
    assert set(sc.labels_) == set(gold)
    assert bcubed_f1(sc.labels_, gold) >= 0.85
    # Documents of different topics never share a story.
    for s in sc.stories_:
        assert len({gold[a].split("_")[0] for a in s.articles}) == 1, s.articles


def test_any_arrival_order_gives_the_same_stories() -> None:
    arts, _ = ecb_articles({"1", "3"})
    shuffled = arts[:]
    random.Random(7).shuffle(shuffled)
    a = StoryClusterer().fit(arts)
    b = StoryClusterer().fit(shuffled)
    assert _partition(a) == _partition(b)
    assert {s.id for s in a.stories_} == {s.id for s in b.stories_}


def test_incremental_batches_keep_story_ids_and_join_existing_stories() -> None:
    arts, gold = ecb_articles({"1"})
    first, later = arts[::2], arts[1::2]
    sc = StoryClusterer().fit(first)
    before = dict(sc.labels_)
    sc.partial_fit(later)
    assert all(sc.labels_[k] == v for k, v in before.items())  # nobody moved, ids stable
    joined = sum(1 for a in later if sc.labels_[a.id] in set(before.values()))
    assert joined >= len(later) * 0.8
    # Re-adding a batch adds nothing.
    n = len(sc.labels_)
    sc.partial_fit(later)
    assert len(sc.labels_) == n


def test_warm_start_with_known_labels() -> None:
    arts, _ = ecb_articles({"1"})
    sc = StoryClusterer().fit(arts[:10])
    known = dict(sc.labels_)
    sc2 = StoryClusterer().partial_fit(arts[:10], known=known)
    assert sc2.labels_ == known


def test_same_text_far_apart_in_time_is_two_stories() -> None:
    arts, _ = ecb_articles({"1"})
    a = arts[0].replace(id="a", published="2024-01-01")
    b = arts[0].replace(id="b", published="2024-06-01", text=arts[0].text + " Update.")
    sc = StoryClusterer(window_days=30).fit([a, b])
    assert sc.labels_["a"] != sc.labels_["b"]
    sc = StoryClusterer(window_days=365).fit([a, b])
    assert sc.labels_["a"] == sc.labels_["b"]


def test_bad_input_stands_alone_or_clusters_with_a_reason() -> None:
    arts, _ = ecb_articles({"1"})
    empty = Article(id="empty", source="e", text="")
    short = Article(id="short", source="s", text="Click here to subscribe.", published="2024-01-01")
    korean = Article(id="ko", source="k", text="한국과 일본 정상이 캐나다에서 첫 정상회담을 열었다. " * 5, language="ko")
    untitled = arts[0].replace(id="untitled", title=None, published=None)
    sc = StoryClusterer().fit([*arts[:5], empty, short, korean, untitled])
    assert sc.reasons_["empty"].startswith("empty text")
    assert "too short" in sc.reasons_["short"]
    assert "no publication date" in sc.reasons_["untitled"]
    assert sc.reasons_["ko"].startswith("language ko")
    for lonely in ("empty", "short", "ko"):
        story = next(s for s in sc.stories_ if lonely in s.articles)
        assert story.articles == (lonely,)
        assert story.title  # every story has a title, even without headlines
    # The undated, untitled copy of a topic-1 text still joins topic 1.
    assert sc.labels_["untitled"] == sc.labels_[arts[0].id]


def test_duplicates_join_their_original_and_are_listed() -> None:
    arts, _ = ecb_articles({"1"})
    copy = arts[0].replace(id="copy")
    sc = StoryClusterer().fit([*arts[:5], copy], duplicates={"copy": arts[0].id})
    story = next(s for s in sc.stories_ if "copy" in s.articles)
    assert arts[0].id in story.articles
    assert story.duplicates == {"copy": arts[0].id}


def test_a_stand_alone_story_stays_closed_after_a_warm_start() -> None:
    arts, _ = ecb_articles({"1"})
    short = Article(id="short", source="s", text=" ".join(arts[0].text.split()[:8]))
    sc = StoryClusterer().fit([short])
    assert "too short" in sc.reasons_["short"]
    warm = StoryClusterer().partial_fit([short], known=sc.labels_, known_reasons=sc.reasons_)
    warm.partial_fit([arts[0]])
    assert warm.labels_["short"] != warm.labels_[arts[0].id]
    assert "too short" in warm.reasons_["short"]


def test_story_features_ignore_enrichment_unless_asked() -> None:
    """Enrichment's mentions and times do not change story features by default (they scored lower on ECB+ dev)."""
    from storyline.cluster.features import Featurizer
    from storyline.records import Mention, TimeExpr

    arts, _ = ecb_articles({"1"})
    noisy = [
        a.replace(mentions=(Mention(text="Acme", label="ORG", entity="e-acme", start=0, end=4),),
                  times=(TimeExpr(text="1999", value="1999", start=0, end=4),))
        for a in arts
    ]
    plain_w, plain_n = Featurizer().counts(arts)
    w, n = Featurizer().counts(noisy)
    assert (plain_w != w).nnz == 0 and (plain_n != n).nnz == 0
    _, n_enriched = Featurizer(use_enrichment=True).counts(noisy)
    assert (plain_n != n_enriched).nnz > 0  # the flag does switch to the mentions


def test_number_keys_read_figures_and_codes_but_not_years_or_clock_times() -> None:
    keys = number_keys(
        "A 5.6 magnitude quake killed 10 people and razed 1,200 homes at 5:11 p.m. on Nov. 27, 2005. "
        "Patch MS08-078 fixes IE8; the 61-year-old left at 9pm with 45% of the vote."
    )
    for want in ("num:5.6 magnitude", "num:10 people", "num:1200 homes", "num:ms08-078", "num:ie8",
                 "num:61-year-old", "num:45 %"):
        assert want in keys, (want, keys)
    joined = " ".join(keys)
    assert "2005" not in joined and "9pm" not in joined and "5:11" not in joined and "num:27" not in joined


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789.,:/-% abcIEMS\n")), max_size=80))
def test_number_keys_never_fail_and_key_only_what_has_a_digit(text: str) -> None:
    for k in number_keys(text):
        assert k.startswith("num:") and re.search(r"\d", k), k


def test_number_features_are_opt_in() -> None:
    arts, _ = ecb_articles({"20"})  # earthquakes: magnitudes and tolls in every lead
    _, plain = Featurizer().counts(arts)
    _, with_numbers = Featurizer(numbers=True).counts(arts)
    assert with_numbers.nnz > plain.nnz
    assert Featurizer().numbers is False


def _weight(fz: Featurizer, row: object, word: str) -> float:
    idx = int(fz._words.transform([word]).indices[0])
    return float(row[0, idx])  # type: ignore[index]


def test_background_prior_tells_common_from_rare_words_in_a_tiny_corpus() -> None:
    # Three articles: "said" and "Teixeira" each occur in one of them, so the corpus alone gives
    # them the same IDF. wordfreq's frequencies know "said" is everywhere.
    arts = [
        Article(id="a", source="", text="Mark Teixeira said the deal was done after a long night of talks."),
        Article(id="b", source="", text="The storm closed schools across the county on Tuesday morning."),
        Article(id="c", source="", text="Shares fell sharply as investors weighed the central bank decision."),
    ]
    from storyline.cluster.features import DocFreq

    for background, expect_rarer in ((False, False), (True, True)):
        fz = Featurizer(background=background)
        w, n = fz.counts(arts)
        df = DocFreq()
        df.add(w, n)
        row = fz.vectors(w, n, df).tocsr()[0]
        rare, common = _weight(fz, row, "teixeira"), _weight(fz, row, "said")
        assert (rare > 1.5 * common) is expect_rarer, (background, rare, common)


def test_background_prior_fades_in_a_large_corpus() -> None:
    import numpy as np

    from storyline.cluster.background import background
    from storyline.cluster.features import DocFreq

    fz = Featurizer()
    bg = background(fz._words, fz._names)
    said = int(fz._words.transform(["said"]).indices[0])
    assert bg.words[said] > 0.3 * bg.docs  # "said" is in a third of the background's documents or more
    counts = np.zeros_like(bg.words, dtype=np.int64)
    counts[said] = 10_000  # "said" in a tenth of 100k articles
    big = DocFreq(n_docs=100_000, words=counts, names=None)
    plain, with_prior = big.idf(counts)[said], big.idf(counts, bg.words, bg.docs)[said]
    assert abs(with_prior - plain) / plain < 0.02
    # ...while in ten documents the prior decides: one occurrence no longer means "rare".
    small = DocFreq(n_docs=10, words=counts, names=None)
    counts[said] = 1
    assert small.idf(counts, bg.words, bg.docs)[said] < 0.8 * small.idf(counts)[said]
