"""Quality gate: story clustering on a fast subset of ECB+ dev topics must not fall below its floor.

The floor is pinned just under the measurement on this subset (B3-F1 0.9344 on
topics 1-12; 0.9288 before the singleton rule of ``StoryClusterer.singleton_factor``,
0.8853 before the background IDF prior of ``cluster/background.py``;
see bench/results/clusters.json for the full dev set and the baseline).
The clusterer is deterministic for a given input, so the margin is small. Note
that the figure depends on article order (undated articles are placed by id):
over eight random orders the full dev set scores 0.889-0.929, mean 0.911
(two reassignment passes; four give the same figures on this subset). Raise the
floor when the clusterer improves; never lower it to make a change pass.

The second gate pins the figure over random arrival orders, which is what a
held-out set sees: on this subset seeds 0-2 scored 0.9471, 0.8701, 0.9310
(mean 0.9161; 0.9112 without the singleton rule, 0.8898 without the background prior;
bench/bench_clusters.py's ``_renamed``), so the floor of the mean is 0.91.
"""

from __future__ import annotations

from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import TfidfVectorizer

from storyline.cluster.events import EventGrouper
from storyline.cluster.stories import StoryClusterer
from storyline.records import Article
from tests.cluster_support import bcubed_f1, ecb_articles, load_bench

SUBSET = {str(i) for i in range(1, 13)}
FLOOR_B3_F1 = 0.93
FLOOR_MEAN_OVER_ORDERS = 0.91
# Events inside the stories on the same subset (each gold story reports one event): 0.8664
# measured (near-day lead similarity 0.15, undated join bar 0.05; 0.8137 with 0.3 and 0.1).
FLOOR_EVENT_B3_F1 = 0.86


def test_story_clustering_floor_and_beats_the_baseline() -> None:
    arts, gold = ecb_articles(SUBSET)
    sc = StoryClusterer().fit(arts)
    f1 = bcubed_f1(sc.labels_, gold)
    assert f1 >= FLOOR_B3_F1, f"story B3-F1 {f1:.4f} fell below the pinned floor {FLOOR_B3_F1}"
    # The simple TF-IDF average-linkage baseline of the bench, on the same documents.
    x = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform([a.text for a in arts])
    labels = AgglomerativeClustering(
        n_clusters=None, metric="precomputed", linkage="average", distance_threshold=load_bench().BASELINE_CUT
    ).fit_predict(1.0 - (x @ x.T).toarray())
    base = bcubed_f1({a.id: str(lab) for a, lab in zip(arts, labels, strict=True)}, gold)
    assert f1 > base, f"storyline {f1:.4f} does not beat the TF-IDF baseline {base:.4f}"


def test_story_clustering_floor_over_random_arrival_orders() -> None:
    bench = load_bench()
    docs = bench.load_ecbplus(topics=SUBSET)
    f1s = []
    for seed in range(3):
        arts, gold = bench._renamed(docs, seed)
        f1s.append(bcubed_f1(StoryClusterer().fit(arts).labels_, gold))
    mean = sum(f1s) / len(f1s)
    assert mean >= FLOOR_MEAN_OVER_ORDERS, f"mean story B3-F1 over orders {mean:.4f} ({f1s}) fell below the floor"


def test_event_grouping_floor() -> None:
    """Events of the stories found, scored against the gold stories (one event each)."""
    arts, gold = ecb_articles(SUBSET)
    sc = StoryClusterer().fit(arts)
    members: dict[str, list[Article]] = {}
    for a in arts:
        members.setdefault(sc.labels_[a.id], []).append(a)
    pred = {aid: e.id for sid, group in members.items() for e in EventGrouper().fit(group, story_id=sid).events_
            for aid in e.articles}
    assert set(pred) == {a.id for a in arts}, "an article was left out of every event"
    f1 = bcubed_f1(pred, gold)
    assert f1 >= FLOOR_EVENT_B3_F1, f"event B3-F1 {f1:.4f} fell below the pinned floor {FLOOR_EVENT_B3_F1}"
