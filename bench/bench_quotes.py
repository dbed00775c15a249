"""Quote extraction on the PolNeAR dev split, scored with ../shared/eval/score_quotes.py.

Usage: .venv/bin/python bench/bench_quotes.py [--split dev] [--limit N] [--cue-stats] [--lstm NPZ]
       [--crf-weight W] [--crf-bonus B]

1. Convert PolNeAR brat standoff (first annotator of each article, per metadata.tsv) into the
   scorer's gold format: per article, one record per attribution relation with ``source``,
   ``cue``, ``content`` strings (discontinuous spans joined by one space) and their spans.
2. Enrich every article text with storyline's Enricher (publication date from metadata.tsv).
3. Score six times: as shipped (``speaker_name`` is the speaker as the article names them,
   except that a pronoun becomes the person it stands for: "she" becomes "Kim Jin-a", where
   PolNeAR marks "she"); with the speaker's surface span from the text, pronouns included (what
   PolNeAR annotates); the rule system alone (``use_model=False``, surface span), the
   baseline the trained tagger (bench/train_quotes.py) must beat; and the tagger without
   joining the pieces of a quote broken by its attribution (enrichment joins them:
   '"A," he said, "B"' is one content "A, B", as PolNeAR annotates it, see ``join_pieces``);
   the CRF alone, without the recurrent tagger it is averaged with (``quotes_nn``); and the
   gold labels read back through the same token encoding and linking (the ceiling).
   All go to bench/results/quotes.json.
4. Sort every gold content the shipped system misses by what went wrong (:func:`content_errors`:
   no overlap at all, a discontinuous gold content, or a boundary off at the start or the end),
   the breakdown that says where content exact F1 is lost.

The data set texts stay in ../shared; only scores are written. ``--cue-stats`` prints the
frequency of cue strings in the train split (where CUE_LEMMAS came from) and exits.
"""

from __future__ import annotations

import argparse
import collections
import csv
import glob
import json
import os
import subprocess
import sys
import tempfile
import time
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "src"))

from storyline.enrich import Enricher  # noqa: E402
from storyline.enrich.nlp import PARSE_BATCH, enrich_doc  # noqa: E402
from storyline.enrich.quotes import extract_quotes  # noqa: E402
from storyline.enrich.quotes_crf import CRF_BONUS, CRF_WEIGHT, QuoteTagger  # noqa: E402
from storyline.enrich.quotes_nn import MODEL_PATH as LSTM_PATH  # noqa: E402
from storyline.records import Article  # noqa: E402
from storyline.settings import Settings  # noqa: E402

SHARED = os.path.join(HERE, "..", "..", "shared")  # ../shared beside the checkout
DATA = os.path.join(SHARED, "data", "polnear", "data")
SCORER = os.path.join(SHARED, "eval", "score_quotes.py")
RESULTS = os.path.join(HERE, "results")


def read_ann(path: str, text: str) -> list[dict]:
    """The attribution relations of one brat file in the scorer's gold format."""
    spans: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    rels: list[dict[str, list[str]]] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if not parts or not parts[0]:
                continue
            if parts[0].startswith("T") and len(parts) >= 2:
                kind, _, offs = parts[1].partition(" ")
                pieces = []
                for seg in offs.split(";"):
                    a, b = seg.split()
                    pieces.append((int(a), int(b)))
                spans[parts[0]] = (kind, pieces)
            elif parts[0].startswith("E") and len(parts) >= 2:
                roles: dict[str, list[str]] = collections.defaultdict(list)
                for arg in parts[1].split():
                    role, _, tid = arg.partition(":")
                    roles[role.rstrip("0123456789")].append(tid)
                rels.append(roles)
    out = []
    for roles in rels:
        rec: dict = {}
        for role, key in (("Source", "source"), ("Cue", "cue"), ("Content", "content")):
            pieces = sorted(p for tid in roles.get(role, []) if tid in spans for p in spans[tid][1])
            rec[key] = " ".join(text[a:b] for a, b in pieces) if pieces else None
            rec[key + "_spans"] = [list(p) for p in pieces]
        if rec.get("content"):
            out.append(rec)
    return out


def load_split(split: str) -> tuple[list[Article], dict[str, list[dict]]]:
    meta: dict[str, dict] = {}
    with open(os.path.join(DATA, "metadata.tsv"), encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if row["compartment"] == split:
                meta[row["filename"]] = row
    articles, gold = [], {}
    for name, row in sorted(meta.items()):
        tpath = os.path.join(DATA, split, "text", name + ".txt")
        if not os.path.exists(tpath):
            continue
        annotator = row["annotators"].split("|")[0]
        apath = os.path.join(DATA, split, "attributions", f"{name}_{annotator}.ann")
        if not os.path.exists(apath):
            cands = sorted(glob.glob(os.path.join(DATA, split, "attributions", name + "_*.ann")))
            if not cands:
                continue
            apath = cands[0]
        with open(tpath, encoding="utf-8") as fh:
            text = fh.read()
        gold[name] = read_ann(apath, text)
        articles.append(Article(id=name, source=tpath, text=text, published=row["publication_date"] or None,
                                language="en"))
    return articles, gold


def _norm(text: str) -> str:
    """The scorer's string normalisation (quote marks, edge punctuation, case, spacing)."""
    sys.path.insert(0, os.path.dirname(SCORER))
    import score_quotes

    return str(score_quotes.norm(text))


def content_errors(articles: list[Article], gold: dict[str, list[dict]]) -> dict[str, int]:
    """Where the predicted contents go wrong, per gold content (step 1 of the issue's plan).

    Each gold content is ``exact`` (some prediction equals it after the scorer's
    normalisation), ``missed`` (no prediction overlaps it), ``discontinuous`` (gold in several
    pieces, e.g. '"A," he said, "B"', and not matched), or a boundary error against the
    prediction overlapping it most: ``start_early``/``start_late`` and ``end_early``/
    ``end_late`` (a gold content wrong at both ends counts under both). Differences that are
    only punctuation, spaces or quote marks do not count, as for the scorer.
    """
    out: collections.Counter[str] = collections.Counter()
    for art in articles:
        text = art.text
        preds = [(q.start, q.end, _norm(q.text)) for q in art.quotes or ()]
        for rel in gold.get(art.id, []):
            pieces = rel["content_spans"]
            gs, ge = pieces[0][0], pieces[-1][1]
            if any(p[2] == _norm(rel["content"]) for p in preds):
                out["exact"] += 1
                continue
            best = max(preds, key=lambda p: min(ge, p[1]) - max(gs, p[0]), default=None)
            if best is None or min(ge, best[1]) <= max(gs, best[0]):
                out["missed"] += 1
            elif len(pieces) > 1:
                out["discontinuous"] += 1
            else:
                ps, pe = best[0], best[1]
                if _norm(text[min(gs, ps):max(gs, ps)]):
                    out["start_early" if ps < gs else "start_late"] += 1
                if _norm(text[min(ge, pe):max(ge, pe)]):
                    out["end_late" if pe > ge else "end_early"] += 1
    return dict(sorted(out.items()))


def score(pred_path: str, gold_path: str, inputs_path: str) -> dict:
    out = subprocess.run([sys.executable, SCORER, pred_path, gold_path, "--inputs", inputs_path],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def cue_stats() -> None:
    c: collections.Counter[str] = collections.Counter()
    for path in glob.glob(os.path.join(DATA, "train", "attributions", "*.ann")):
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                parts = line.rstrip("\n").split("\t")
                if len(parts) == 3 and parts[1].startswith("Cue"):
                    c[parts[2].lower()] += 1
    for cue, n in c.most_common(200):
        print(n, cue)


class OracleTagger:
    """A stand-in for ``QuoteTagger`` whose spans are the gold labels of the article.

    What the linking and quote-building steps make of perfect token labels: the most the
    taggers could reach under this encoding (one BIO label per token, so nested attributions
    cut their outer content; discontinuous contents are pieces).
    """

    def __init__(self, gold: dict[str, list[dict]], articles: list[Article]) -> None:
        import train_quotes

        self._spans = {a.text: train_quotes.gold_spans(gold[a.id]) for a in articles}

    def links(self, doc: Any, in_quote: Any, rule_tags: Any) -> Any:
        from storyline.enrich.quotes_crf import bio_from_char_spans, decode, link_spans, paragraphs

        tags = bio_from_char_spans(doc, self._spans.get(doc.text, []))
        spans = [s for para in paragraphs(doc) for s in decode(para, [tags[t.i] for t in para])]
        return link_spans(doc, spans)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", default="dev", choices=["dev", "train"])
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--cue-stats", action="store_true")
    ap.add_argument("--lstm", help="the recurrent tagger's weights (default: the shipped quotes_lstm.npz)")
    ap.add_argument("--crf-weight", type=float, help="the CRF vote's weight in the mix (default: CRF_WEIGHT)")
    ap.add_argument("--crf-bonus", type=float,
                    help="the CRF vote's emission bonus for a BiLSTM-CRF (default: CRF_BONUS)")
    ap.add_argument("--out", default=os.path.join(RESULTS, "quotes.json"))
    args = ap.parse_args(argv)
    if args.cue_stats:
        cue_stats()
        return 0
    articles, gold = load_split(args.split)
    if args.limit:
        articles = articles[: args.limit]
        gold = {a.id: gold[a.id] for a in articles}
    enricher = Enricher(Settings())
    if args.lstm is not None or args.crf_weight is not None or args.crf_bonus is not None:  # another tagger or mix
        enricher.quote_tagger = QuoteTagger(
            lstm_path=args.lstm or LSTM_PATH, crf_weight=CRF_WEIGHT if args.crf_weight is None else args.crf_weight,
            crf_bonus=CRF_BONUS if args.crf_bonus is None else args.crf_bonus)
    t0, c0 = time.perf_counter(), time.process_time()
    docs = list(enricher.nlp.pipe((a.text for a in articles), batch_size=PARSE_BATCH))
    # the tagger opened once, as enrichment does (Enricher.pipe), not once per article
    enriched = [enrich_doc(a, d, quote_tagger=enricher.quote_tagger) for a, d in zip(articles, docs, strict=True)]
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - c0  # the machine is shared: CPU time is the steadier figure
    # the rule system alone, on the same parses (the "before" of the trained tagger)
    rules = [a.replace(quotes=tuple(extract_quotes(d, a.mentions or (), use_model=False)))
             for a, d in zip(enriched, docs, strict=True)]
    # the shipped tagger without joining the pieces of a broken quote (enrichment joins them)
    unjoined = [a.replace(quotes=tuple(extract_quotes(d, a.mentions or (), tagger=enricher.quote_tagger,
                                                      join=False)))
                for a, d in zip(enriched, docs, strict=True)]
    # the CRF alone (its own Viterbi labels), without the recurrent tagger it is averaged with
    crf = QuoteTagger(lstm_path=None) if enricher.quote_tagger is not None else None
    crf_only = [a.replace(quotes=tuple(extract_quotes(d, a.mentions or (), tagger=crf, use_model=crf is not None,
                                                      join=True)))
                for a, d in zip(enriched, docs, strict=True)]
    # the gold labels read back through the taggers' token encoding and linking: the ceiling
    oracle = OracleTagger(gold, articles)
    ceiling = [a.replace(quotes=tuple(extract_quotes(d, a.mentions or (), tagger=oracle, join=True)))  # type: ignore[arg-type]
               for a, d in zip(enriched, docs, strict=True)]
    with tempfile.TemporaryDirectory() as tmp:
        gpath, ipath = os.path.join(tmp, "gold.json"), os.path.join(tmp, "inputs.jsonl")
        with open(gpath, "w", encoding="utf-8") as fh:
            json.dump(gold, fh)
        with open(ipath, "w", encoding="utf-8") as fh:
            for a in articles:
                fh.write(json.dumps({"id": a.id, "maintext": a.text}) + "\n")
        results = {}
        for mode in ("shipped", "surface", "rules_surface", "unjoined_surface", "crf_only_surface",
                     "gold_tags_surface"):
            ppath = os.path.join(tmp, f"pred-{mode}.jsonl")
            preds = {"rules_surface": rules, "unjoined_surface": unjoined,
                     "crf_only_surface": crf_only, "gold_tags_surface": ceiling}.get(mode, enriched)
            with open(ppath, "w", encoding="utf-8") as fh:
                for a in preds:
                    d = a.to_dict()
                    if mode != "shipped":
                        for q in d.get("quotes", []):
                            if q.get("speaker_start") is not None:
                                q["speaker_name"] = a.text[q["speaker_start"]:q["speaker_end"]]
                    fh.write(json.dumps(d) + "\n")
            results[mode] = score(ppath, gpath, ipath)
    summary = {
        "bench": "quotes", "data": f"polnear/{args.split}", "articles": len(articles),
        "seconds": round(elapsed, 2), "cpu_seconds": round(cpu, 2),
        "exact_f1": {m: {f: results[m]["exact"][f]["f1"] if "exact" in results[m] else None
                         for f in ("source", "cue", "content")} for m in results},
        "content_errors": {"shipped": content_errors(enriched, gold), "rules": content_errors(rules, gold),
                           "unjoined": content_errors(unjoined, gold), "crf_only": content_errors(crf_only, gold)},
        "scores": results,
    }
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump(summary, fh, indent=1)
    print(json.dumps({k: summary[k] for k in ("data", "articles", "seconds", "cpu_seconds", "exact_f1",
                                                     "content_errors")},
                     indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
