"""Train the attribution taggers (src/storyline/enrich/models/) on PolNeAR train.

Usage: .venv/bin/python bench/train_quotes.py [--limit N] [--out PATH] [--cache] [--no-crf] [--no-lstm]
       [--output softmax|crf] [--epochs N] [--hidden N] [--layers N] [--dropout P]
       [--lstm-out PATH]

1. Read the PolNeAR train split (first annotator of each article, as bench_quotes.py reads dev)
   and parse every text with the enricher's spaCy model (``Settings().spacy_model``).
2. Per paragraph, build the token features of ``storyline.enrich.quotes_crf`` (the rule
   system's own quotes among them) and the gold BIO labels for source, cue and content.
3. Train a linear-chain CRF with CRFsuite's L-BFGS and elastic-net regularisation; the L1 term
   drops most features, which keeps the shipped file small. Same data in the same order and
   the same parameters give the same model (L-BFGS has no randomness).
4. Train the recurrent tagger of ``storyline.enrich.quotes_nn`` with PyTorch (the ``train``
   extra): a bag of embeddings of each token's own CRF features beside spaCy's ``doc.tensor``,
   a bidirectional LSTM, a softmax over the BIO labels (``--output softmax``, cross-entropy) or
   a linear-chain CRF over them (``--output crf``: learned transition, start and end scores,
   the BIO constraint as a large negative score, the negative log-likelihood of the gold path
   from the forward algorithm, :func:`crf_nll`); Adam, a fixed seed, one thread and
   deterministic kernels, so a re-run gives the same weights. They are written as
   ``quotes_lstm.npz`` (float16 matrices), which the NumPy forward pass reads.

Only the train split is read; dev is for bench_quotes.py, test is never read. ``--cache`` keeps
the parses in bench/cache/ (git-ignored) to re-train quickly after a feature change.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "src"))
sys.path.insert(0, HERE)

import bench_quotes  # noqa: E402
from storyline.enrich.quotes import tagger_inputs  # noqa: E402
from storyline.enrich.quotes_crf import MODEL_PATH, bio_from_char_spans, paragraphs, token_features  # noqa: E402
from storyline.enrich.quotes_nn import LABELS as LSTM_LABELS  # noqa: E402
from storyline.enrich.quotes_nn import MODEL_PATH as LSTM_PATH  # noqa: E402
from storyline.enrich.quotes_nn import own_features  # noqa: E402
from storyline.settings import Settings  # noqa: E402

# Regularisation and pruning, compared on PolNeAR dev (bench_quotes.py, exact F1 source/cue/
# content): c1 0.1 / minfreq 2 / 150 iterations gave 69.9/65.3/41.6 in 8.4 MB; c1 0.5 / minfreq 3
# 72.8/68.0/45.2 in 5.5 MB; c1 1.0 / minfreq 5 73.7/68.8/45.7 in 3.4 MB; c1 2.0 / minfreq 5
# 74.3/68.7/46.5 in 2.1 MB (kept: the stronger L1 both prunes and generalises better). Re-checked
# 2026-11-22 (`--c1 4.0`, with the current post-processing): c1 4.0 gave 74.2/68.7/46.9 in
# 1.2 MB against 74.3/68.7/46.8 for 2.0, i.e. no gain; 2.0 stays so the shipped file is unchanged.
PARAMS = {"c1": 2.0, "c2": 0.01, "max_iterations": 100, "feature.minfreq": 5,
          "feature.possible_transitions": True}
# The recurrent tagger, compared on PolNeAR dev (exact F1 source/cue/content, LSTM alone): one
# layer of 128 after 1 epoch 71.7/68.3/49.3, after 8 epochs 74.9/71.5/54.2 (the shipped model);
# with the CRF vote of quotes_crf.CRF_WEIGHT: 76.0/71.0/54.7 at 128, 75.6/70.7/53.5 at 96, 75.2/70.5/52.8 at 64.
#
# A CRF output layer trained jointly (``--output crf``, a BiLSTM-CRF), on its own (no CRFsuite
# vote): 8 epochs 77.5/71.2/56.5; dropout 0.35 76.8/71.2/57.5; 10 epochs 77.3/71.4/57.3 (shipped:
# best on source + cue + content, all three above the softmax mix). A CRFsuite vote as a bonus on
# the emission scores cost more than it gave (8 epochs: +0.1 76.9/71.4/56.7, +0.25 76.6/70.8/55.8).
# Deeper or wider, 10 epochs each (2026-12-07, `--layers`/`--hidden`; train times on a shared
# 2-core machine, the other core busy): 2 layers of 128 77.4/71.5/58.0 (+0.7 content; 3.4 MB,
# 25 min to train; enrichment 1.39x spaCy's nlp.pipe against 1.31x for the shipped model, same
# conditions, bench_enrich_speed.py --repeat 4, wall and CPU alike); 1 layer of 256
# 76.7/71.5/57.8 (3.7 MB, 31 min). Neither gains the 1 content point a slower tagger must
# earn, so one layer of 128 stays (2 layers of 192 not tried: about 45 min to train here).
# Two more token features, tried 2026-12-08 against the shipped pair (78.1/71.4/60.8 with
# paragraph-bound linking; both retrained from --cache, default settings): the label of the
# next node down the path from the cue ("dobj>relcl", to end a content before a relative
# clause on the cue's object) plus the side of the sentence's cue verb a token stands on gave
# 77.5/71.0/61.2 (the LSTM retrained alone; 21 more gold contents missed, 28 fewer ending
# late); the path label alone, CRF and LSTM retrained, 77.9/70.5/60.7 (CRF alone 75.6/68.7/
# 55.2 against 76.2/68.7/55.7). Neither kept: content within retraining noise, cue lower.
LSTM = {"min_count": 10, "embed": 64, "hidden": 128, "layers": 1, "epochs": 10, "lr": 2e-3,
        "lr_decay": 0.8, "dropout": 0.25, "batch": 32, "seed": 0, "output": "crf"}
# A large negative score for the label pairs BIO forbids (``I-X`` after anything but ``B-X``/``I-X``,
# and at the start): finite, so a sum never meets inf - inf.
FORBIDDEN = -1e4


def bio_mask() -> tuple[Any, Any]:
    """(LABELS x LABELS, LABELS) masks as torch tensors: ``FORBIDDEN`` where BIO forbids the
    transition / the first label, 0 elsewhere (the same rule as ``quotes_nn.viterbi``)."""
    import torch

    trans = torch.zeros(len(LSTM_LABELS), len(LSTM_LABELS))
    for j, to in enumerate(LSTM_LABELS):
        if to.startswith("I-"):
            for i, frm in enumerate(LSTM_LABELS):
                if frm == "O" or frm[2:] != to[2:]:
                    trans[i, j] = FORBIDDEN
    start = torch.tensor([FORBIDDEN if lab.startswith("I-") else 0.0 for lab in LSTM_LABELS])
    return trans, start


def crf_nll(emissions: Any, tags: Any, mask: Any, trans: Any, start: Any, end: Any) -> Any:
    """Summed negative log-likelihood of a linear-chain CRF over a padded batch.

    ``emissions`` (batch, time, labels), ``tags`` (batch, time) label ids, ``mask`` (batch, time)
    bools, true on real tokens, every sequence at least one token long and left-aligned;
    ``trans[i, j]`` scores label ``j`` after label ``i``, ``start``/``end`` the first and the last
    label (BIO masking is the caller's: add ``bio_mask()`` to them). The partition function is the
    forward algorithm in log space, one ``logsumexp`` per time step for the whole batch; a padded
    step leaves a sequence's forward scores as they were.
    """
    import torch

    n_batch, n_time, _ = emissions.shape
    rows = torch.arange(n_batch)
    alpha = start + emissions[:, 0]
    gold = start[tags[:, 0]] + emissions[rows, 0, tags[:, 0]]
    for t in range(1, n_time):
        on = mask[:, t]
        step = torch.logsumexp(alpha.unsqueeze(2) + trans, dim=1) + emissions[:, t]
        alpha = torch.where(on.unsqueeze(1), step, alpha)
        gold = gold + (trans[tags[:, t - 1], tags[:, t]] + emissions[rows, t, tags[:, t]]) * on
    last = tags[rows, mask.sum(1) - 1]
    return (torch.logsumexp(alpha + end, dim=1) - gold - end[last]).sum()


def gold_spans(rels: list[dict]) -> list[tuple[str, int, int]]:
    """Labelled character spans of an article's gold relations (every discontinuous piece)."""
    out: list[tuple[str, int, int]] = []
    seen: set[tuple[str, int, int]] = set()
    for rel in rels:
        for key, label in (("source_spans", "S"), ("cue_spans", "C"), ("content_spans", "Q")):
            for a, b in rel.get(key) or []:
                item = (label, int(a), int(b))
                if item not in seen:
                    seen.add(item)
                    out.append(item)
    return out


def train_lstm(seqs: list[tuple[list[list[str]], Any, list[str]]], out: str, cfg: dict[str, Any]) -> None:
    """Train the BiLSTM tagger on (own features, doc.tensor rows, BIO labels) paragraphs; write ``out``."""
    import random
    from collections import Counter

    import numpy as np
    import torch
    from torch import nn

    random.seed(cfg["seed"])
    torch.manual_seed(cfg["seed"])
    torch.set_num_threads(1)  # one thread: the same sums in the same order on every run
    torch.use_deterministic_algorithms(True)
    seqs = [s for s in seqs if s[2]]
    crf = cfg["output"] == "crf"
    if crf:
        # A content that runs on from the paragraph before starts this one with "I-Q"; BIO forbids
        # that first label, so the CRF learns it as the "B-Q" the decoder reads it as anyway.
        seqs = [(f, v, ["B-" + ys[0][2:], *ys[1:]] if ys[0].startswith("I-") else ys) for f, v, ys in seqs]
    counts = Counter(f for feats, _, _ in seqs for fs in feats for f in fs)
    vocab = sorted(f for f, c in counts.items() if c >= cfg["min_count"])
    index = {f: i + 1 for i, f in enumerate(vocab)}  # 0: no known feature (a zero vector)
    label_id = {lab: i for i, lab in enumerate(LSTM_LABELS)}
    data = [([[index[f] for f in fs if f in index] or [0] for fs in feats],
             torch.tensor(np.asarray(vec, dtype=np.float32)), torch.tensor([label_id[y] for y in ys]))
            for feats, vec, ys in seqs]
    width = int(data[0][1].shape[1])

    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bag = nn.EmbeddingBag(len(vocab) + 1, cfg["embed"], mode="sum", padding_idx=0)
            self.drop = nn.Dropout(cfg["dropout"])
            self.lstm = nn.LSTM(cfg["embed"] + width, cfg["hidden"], num_layers=cfg["layers"], batch_first=True,
                                bidirectional=True, dropout=cfg["dropout"] if cfg["layers"] > 1 else 0.0)
            self.out = nn.Linear(2 * cfg["hidden"], len(LSTM_LABELS))
            if crf:
                k = len(LSTM_LABELS)
                self.trans = nn.Parameter(torch.zeros(k, k))
                self.start = nn.Parameter(torch.zeros(k))
                self.end = nn.Parameter(torch.zeros(k))

        def forward(self, batch: list[Any]) -> Any:
            """Label scores: (batch, longest, labels) padded with zeros for the CRF, else one
            (tokens, labels) row per token of the batch in order."""
            flat: list[int] = []
            offsets: list[int] = []
            lens = [len(ids) for ids, _, _ in batch]
            for ids, _, _ in batch:
                for tok in ids:
                    offsets.append(len(flat))
                    flat.extend(tok)
            x = torch.cat([self.bag(torch.tensor(flat), torch.tensor(offsets)), torch.cat([b[1] for b in batch])], 1)
            pad = nn.utils.rnn.pad_sequence(list(torch.split(self.drop(x), lens)), batch_first=True)
            packed = nn.utils.rnn.pack_padded_sequence(pad, torch.tensor(lens), batch_first=True, enforce_sorted=False)
            h, _ = nn.utils.rnn.pad_packed_sequence(self.lstm(packed)[0], batch_first=True)
            if crf:
                return self.out(self.drop(h))
            return self.out(self.drop(torch.cat([h[i, :n] for i, n in enumerate(lens)])))

    def loss_of(b: list[Any]) -> Any:
        if not crf:
            return nn.functional.cross_entropy(net(b), torch.cat([d[2] for d in b]))
        em = net(b)
        tags = nn.utils.rnn.pad_sequence([d[2] for d in b], batch_first=True)
        mask = nn.utils.rnn.pad_sequence([torch.ones(len(d[2]), dtype=torch.bool) for d in b], batch_first=True)
        # per token, as the cross-entropy is, so the learning rate means the same for both outputs
        return crf_nll(em, tags, mask, net.trans + bio_trans, net.start + bio_start, net.end) / int(mask.sum())

    bio_trans, bio_start = bio_mask()
    net = Net()
    opt = torch.optim.Adam(net.parameters(), lr=cfg["lr"])
    for epoch in range(cfg["epochs"]):
        net.train()
        t0 = time.perf_counter()
        # batches of paragraphs of similar length (less padding), in a seeded random order
        data.sort(key=lambda d: len(d[0]) + random.random() * 8)
        batches = [data[i:i + cfg["batch"]] for i in range(0, len(data), cfg["batch"])]
        random.shuffle(batches)
        total = 0.0
        for b in batches:
            opt.zero_grad()
            loss = loss_of(b)
            loss.backward()
            nn.utils.clip_grad_norm_(net.parameters(), 5.0)
            opt.step()
            total += loss.item()
        for group in opt.param_groups:
            group["lr"] *= cfg["lr_decay"]
        print(f"  LSTM ({cfg['output']}) epoch {epoch + 1}/{cfg['epochs']}: loss {total / len(batches):.4f} "
              f"({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    state = {k: v.detach().numpy() for k, v in net.state_dict().items()}
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    np.savez_compressed(out, **export_arrays(state, vocab, width, cfg["layers"], crf))


def export_arrays(state: dict[str, Any], vocab: list[str], width: int, layers: int, crf: bool) -> dict[str, Any]:
    """The arrays of ``quotes_lstm.npz`` from the trained net's state dict (NumPy arrays keyed as
    ``Net.state_dict()``): float16 matrices, float32 biases and CRF scores, one ``l{k}`` /
    ``l{k}_rev`` triple per LSTM layer and direction, the two torch biases summed."""
    import json

    import numpy as np

    arrays: dict[str, Any] = {"vocab": np.array(json.dumps(vocab)), "tensor_width": np.array(width),
                              "embed": state["bag.weight"].astype(np.float16),
                              "out_w": state["out.weight"].astype(np.float16),
                              "out_b": state["out.bias"].astype(np.float32)}
    if crf:
        # the learned scores without the BIO mask: quotes_nn adds its own at decoding
        arrays.update(crf_trans=state["trans"].astype(np.float32), crf_start=state["start"].astype(np.float32),
                      crf_end=state["end"].astype(np.float32))
    for k in range(layers):
        for mine, torchs in (("", ""), ("_rev", "_reverse")):
            arrays[f"l{k}{mine}_w_ih"] = state[f"lstm.weight_ih_l{k}{torchs}"].astype(np.float16)
            arrays[f"l{k}{mine}_w_hh"] = state[f"lstm.weight_hh_l{k}{torchs}"].astype(np.float16)
            arrays[f"l{k}{mine}_b"] = (state[f"lstm.bias_ih_l{k}{torchs}"]
                                       + state[f"lstm.bias_hh_l{k}{torchs}"]).astype(np.float32)
    return arrays


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--limit", type=int, default=0, help="train on the first N articles only")
    ap.add_argument("--out", default=MODEL_PATH)
    ap.add_argument("--cache", action="store_true", help="keep/reuse parses in bench/cache/")
    ap.add_argument("--max-iterations", type=int, default=PARAMS["max_iterations"])
    ap.add_argument("--c1", type=float, default=PARAMS["c1"], help="L1 weight (to compare settings)")
    ap.add_argument("--no-crf", action="store_true", help="do not re-train the CRF")
    ap.add_argument("--no-lstm", action="store_true", help="do not re-train the LSTM (no PyTorch needed)")
    ap.add_argument("--lstm-out", default=LSTM_PATH)
    ap.add_argument("--epochs", type=int, default=LSTM["epochs"])
    ap.add_argument("--hidden", type=int, default=LSTM["hidden"], help="LSTM width (to compare settings)")
    ap.add_argument("--layers", type=int, default=LSTM["layers"], help="stacked BiLSTM layers (to compare settings)")
    ap.add_argument("--dropout", type=float, default=LSTM["dropout"])
    ap.add_argument("--output", choices=["softmax", "crf"], default=LSTM["output"],
                    help="the LSTM's output layer: per-token softmax, or a linear-chain CRF trained with it")
    args = ap.parse_args(argv)

    import pycrfsuite
    import spacy
    from spacy.tokens import DocBin

    articles, gold = bench_quotes.load_split("train")
    if args.limit:
        articles = articles[: args.limit]
    settings = Settings()
    nlp = spacy.load(settings.spacy_model)
    t0 = time.perf_counter()
    cache = os.path.join(HERE, "cache", f"polnear-train-{len(articles)}.spacy")
    if args.cache and os.path.exists(cache):
        docs = list(DocBin().from_disk(cache).get_docs(nlp.vocab))
    else:
        docs = list(nlp.pipe((a.text for a in articles), batch_size=16))
        if args.cache:
            os.makedirs(os.path.dirname(cache), exist_ok=True)
            DocBin(docs=docs, store_user_data=False).to_disk(cache)
    print(f"parsed {len(docs)} articles in {time.perf_counter() - t0:.0f} s", file=sys.stderr)

    if any(d.tensor is None or len(d.tensor) != len(d) for d in docs):  # a cache keeps no tensors
        tok2vec = nlp.get_pipe("tok2vec")
        docs = [tok2vec(d) for d in docs]
    trainer = pycrfsuite.Trainer(verbose=False)
    n_tok = 0
    seqs: list[tuple[list[list[str]], Any, list[str]]] = []
    for art, doc in zip(articles, docs, strict=True):
        in_quote, rtags = tagger_inputs(doc)
        ytags = bio_from_char_spans(doc, gold_spans(gold[art.id]))
        for para in paragraphs(doc):
            feats = token_features(doc, para, in_quote, rtags)
            labels = [ytags[t.i] for t in para]
            trainer.append(feats, labels)
            seqs.append(([own_features(f) for f in feats], doc.tensor[[t.i for t in para]], labels))
            n_tok += len(para)
    if not args.no_crf:
        params = dict(PARAMS, max_iterations=args.max_iterations, c1=args.c1)
        trainer.set_params(params)
        t1 = time.perf_counter()
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        trainer.train(args.out)
        print(f"trained the CRF on {n_tok} tokens in {time.perf_counter() - t1:.0f} s; "
              f"{os.path.getsize(args.out) / 1e6:.2f} MB -> {args.out}", file=sys.stderr)
    if not args.no_lstm:
        t1 = time.perf_counter()
        train_lstm(seqs, args.lstm_out, dict(LSTM, epochs=args.epochs, hidden=args.hidden, layers=args.layers,
                                               dropout=args.dropout, output=args.output))
        print(f"trained the LSTM in {time.perf_counter() - t1:.0f} s; "
              f"{os.path.getsize(args.lstm_out) / 1e6:.2f} MB -> {args.lstm_out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
