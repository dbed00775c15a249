"""The recurrent quote tagger: its NumPy LSTM, its constrained decoding, the shipped weights."""

from __future__ import annotations

import importlib.util
import itertools
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from storyline.enrich.quotes import extract_quotes
from storyline.enrich.quotes_crf import QuoteTagger
from storyline.enrich.quotes_nn import (
    LABELS,
    MODEL_PATH,
    LstmTagger,
    Transitions,
    bilstm_batch,
    crf_viterbi,
    ensemble,
    segments,
    viterbi,
)


def _sig(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _reference_lstm(x: np.ndarray, w_ih: np.ndarray, w_hh: np.ndarray, b: np.ndarray) -> np.ndarray:
    """One sequence, one step at a time, written from the LSTM equations (gates i, f, g, o)."""
    hid = w_hh.shape[1]
    h, c, out = np.zeros(hid), np.zeros(hid), []
    for t in range(len(x)):
        z = w_ih @ x[t] + w_hh @ h + b
        i, f, g, o = _sig(z[:hid]), _sig(z[hid:2 * hid]), np.tanh(z[2 * hid:3 * hid]), _sig(z[3 * hid:])
        c = f * c + i * g
        h = o * np.tanh(c)
        out.append(h)
    return np.array(out)


def _weights(rng: np.random.Generator, n_in: int, hid: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return (rng.normal(size=(4 * hid, n_in)).astype(np.float32), rng.normal(size=(4 * hid, hid)).astype(np.float32),
            rng.normal(size=4 * hid).astype(np.float32))


def test_batched_bilstm_equals_one_sequence_at_a_time() -> None:
    rng = np.random.default_rng(1)
    n_in, hid = 5, 4
    fw, bw = _weights(rng, n_in, hid), _weights(rng, n_in, hid)
    # unsorted lengths, a one-token sequence and two of equal length: the batch shrinks as they end
    seqs = [rng.normal(size=(n, n_in)).astype(np.float32) for n in (3, 9, 1, 9, 6)]
    got = bilstm_batch(seqs, fw, bw)
    for s, g in zip(seqs, got, strict=True):
        assert g.shape == (len(s), 2 * hid)
        np.testing.assert_allclose(g[:, :hid], _reference_lstm(s, *fw), atol=1e-5)
        np.testing.assert_allclose(g[:, hid:], _reference_lstm(s[::-1], *bw)[::-1], atol=1e-5)


@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="PyTorch not installed (the train extra)")
def test_numpy_forward_pass_equals_torch() -> None:
    import torch

    torch.manual_seed(0)
    lstm = torch.nn.LSTM(6, 5, batch_first=True, bidirectional=True)
    x = torch.randn(1, 7, 6)
    want = lstm(x)[0][0].detach().numpy()
    sd = {k: v.detach().numpy() for k, v in lstm.state_dict().items()}
    fw = (sd["weight_ih_l0"], sd["weight_hh_l0"], sd["bias_ih_l0"] + sd["bias_hh_l0"])
    bw = (sd["weight_ih_l0_reverse"], sd["weight_hh_l0_reverse"], sd["bias_ih_l0_reverse"] + sd["bias_hh_l0_reverse"])
    np.testing.assert_allclose(bilstm_batch([x[0].numpy()], fw, bw)[0], want, atol=1e-5)


@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="PyTorch not installed (the train extra)")
@pytest.mark.parametrize("layers", [1, 2])
def test_exported_weights_give_torchs_label_scores(layers: int, tmp_path: Path) -> None:
    """train_quotes.export_arrays + LstmTagger.log_probs reproduce the trained net's forward pass
    (bag of embeddings beside doc.tensor, a stack of ``layers`` BiLSTMs, the output layer) for
    several paragraphs of different lengths, stacked layers included."""
    import torch

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    import train_quotes

    torch.manual_seed(0)
    vocab, width, emb, hid = ["w:said", "cue", "q", "l:say"], 6, 4, 5
    net = torch.nn.Module()
    net.bag = torch.nn.EmbeddingBag(len(vocab) + 1, emb, mode="sum", padding_idx=0)
    net.lstm = torch.nn.LSTM(emb + width, hid, num_layers=layers, batch_first=True, bidirectional=True)
    net.out = torch.nn.Linear(2 * hid, len(LABELS))
    net.trans = torch.nn.Parameter(torch.randn(len(LABELS), len(LABELS)))
    net.start = torch.nn.Parameter(torch.randn(len(LABELS)))
    net.end = torch.nn.Parameter(torch.randn(len(LABELS)))
    with torch.no_grad():  # the file stores float16 matrices: compare with what it can hold
        for name, p in net.named_parameters():
            if "bias" not in name and name not in ("trans", "start", "end"):
                p.copy_(p.half().float())
    state = {k: v.detach().numpy() for k, v in net.state_dict().items()}
    np.savez(tmp_path / "m.npz", **train_quotes.export_arrays(state, vocab, width, layers, crf=True))
    tagger = LstmTagger(str(tmp_path / "m.npz"))
    assert len(tagger.layers) == layers and tagger.crf is not None
    feats = [[["w:said", "cue"], ["nope"], ["q", "l:say", "-1:w:said"]], [["q"]], [["cue"]] * 9]
    vectors = [torch.randn(len(f), width) for f in feats]
    got = tagger.log_probs(feats, [v.numpy() for v in vectors])
    index = {f: i + 1 for i, f in enumerate(vocab)}
    for f, v, g in zip(feats, vectors, got, strict=True):
        with torch.no_grad():
            bag = torch.stack([net.bag.weight[[index[x] for x in fs if x in index] or [0]].sum(0) for fs in f])
            h = net.lstm(torch.cat([bag, v], 1)[None])[0][0]
            want = torch.log_softmax(net.out(h), dim=1).numpy()
        np.testing.assert_allclose(g, want, atol=1e-5)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.booleans(), min_size=1, max_size=60), st.integers(1, 12))
def test_segments_cover_the_paragraph_at_sentence_starts(starts: list[bool], limit: int) -> None:
    feats = [["sb"] if s else ["w:x"] for s in starts]
    pieces = segments(feats, limit)
    assert pieces[0][0] == 0 and pieces[-1][1] == len(feats)
    for (_, b), (c, _) in zip(pieces, pieces[1:], strict=False):
        assert b == c
    for a, b in pieces:
        assert 0 < b - a <= limit
    for a, b in pieces[:-1]:
        # cut at the furthest sentence start within reach, else at the limit
        reach = [i for i in range(a + 1, a + limit + 1) if starts[i]]
        assert b == (max(reach) if reach else a + limit)


@settings(max_examples=200, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 12), st.just(len(LABELS))),
              elements=st.floats(-20, 0, allow_nan=False)))
def test_viterbi_never_continues_a_span_it_did_not_open(logp: np.ndarray) -> None:
    tags = viterbi(logp)
    assert len(tags) == len(logp)
    prev = "O"
    for tag in tags:
        if tag.startswith("I-"):
            assert prev != "O" and prev[2:] == tag[2:], tags
        prev = tag


def test_viterbi_prefers_the_best_valid_path() -> None:
    lp = np.log(np.full((3, len(LABELS)), 1e-3))
    lp[0, LABELS.index("O")] = lp[1, LABELS.index("I-Q")] = lp[2, LABELS.index("I-Q")] = 0.0
    # O then I-Q is not allowed: the best valid reading opens the content at token 1
    assert viterbi(lp) == ["O", "B-Q", "I-Q"]


def test_ensemble_is_a_weighted_mean_of_probabilities() -> None:
    a = np.log(np.array([[0.9, 0.1, 0, 0, 0, 0, 0]]) + 1e-12)
    m = np.array([[0.1, 0.9, 0, 0, 0, 0, 0]])
    p = np.exp(ensemble(a, m, 0.25))
    np.testing.assert_allclose(p[0, :2], [0.7, 0.3], atol=1e-6)


@pytest.mark.skipif(not (LstmTagger.available() and QuoteTagger.available()), reason="models not trained")
def test_shipped_lstm_is_small_and_used(nlp: Any) -> None:
    assert Path(MODEL_PATH).stat().st_size < 5_000_000
    both = QuoteTagger()
    assert both.lstm is not None and both.lstm.tensor_width == 96
    assert both.lstm.crf is not None  # a BiLSTM-CRF (train_quotes.py --output crf)
    crf_only = QuoteTagger(lstm_path=None)
    assert crf_only.lstm is None
    doc = nlp('"We will not accept this," said Kim Jin-a, a spokeswoman for the ministry.\n\n'
              "The ministry said it would lodge a protest with Tokyo on Monday.")
    for tagger in (both, crf_only):
        quotes = {q.text: q for q in extract_quotes(doc, (), tagger=tagger)}
        direct = quotes["We will not accept this"]
        assert (direct.cue, direct.kind) == ("said", "direct")
        assert (direct.speaker_name or "").startswith("Kim Jin-a")
        indirect = quotes["it would lodge a protest with Tokyo on Monday"]
        assert (indirect.cue, indirect.kind) == ("said", "indirect")
    logps = both.lstm.log_probs([[["w:said"]]], [np.zeros((1, 96), dtype=np.float32)])
    assert logps[0].shape == (1, len(LABELS))
    np.testing.assert_allclose(np.exp(logps[0]).sum(), 1.0, atol=1e-5)


@pytest.fixture(scope="module")
def nlp() -> Any:
    spacy = pytest.importorskip("spacy")
    from storyline.settings import Settings

    return spacy.load(Settings().spacy_model)


@pytest.mark.skipif(not (LstmTagger.available() and QuoteTagger.available()), reason="models not trained")
def test_other_token_vectors_fall_back_to_the_crf(nlp: Any) -> None:
    """A spaCy model with other token vectors (a setting away) must not break enrichment."""
    text = '"We will not accept this," said Kim Jin-a, a spokeswoman for the ministry.'
    doc = nlp(text)
    doc.tensor = np.zeros((len(doc), 48), dtype=np.float32)
    both, crf_only = QuoteTagger(), QuoteTagger(lstm_path=None)
    got = [q.text for q in extract_quotes(doc, (), tagger=both)]
    assert got == [q.text for q in extract_quotes(nlp(text), (), tagger=crf_only)]
    assert "We will not accept this" in got


def test_bilstm_batch_of_nothing_is_nothing() -> None:
    rng = np.random.default_rng(2)
    fw, bw = _weights(rng, 3, 2), _weights(rng, 3, 2)
    assert bilstm_batch([], fw, bw) == []


def _path_score(em: np.ndarray, path: tuple[int, ...], tr: Transitions) -> float:
    return float(tr.start[path[0]] + tr.end[path[-1]] + sum(em[t, k] for t, k in enumerate(path))
                 + sum(tr.trans[a, b] for a, b in itertools.pairwise(path)))


def test_crf_viterbi_follows_the_transitions_by_hand() -> None:
    """Two tokens whose emissions alone say "B-S B-C"; the transitions decide otherwise."""
    k = len(LABELS)
    o, bs, is_, bc = (LABELS.index(x) for x in ("O", "B-S", "I-S", "B-C"))
    em = np.full((2, k), -5.0)
    em[0, bs], em[1, bc], em[1, is_] = 0.0, 0.0, -1.0
    trans = np.zeros((k, k))
    assert crf_viterbi([em], Transitions.learned(trans, np.zeros(k)))[0] == ["B-S", "B-C"]
    # a source is rarely followed straight by a cue here, and usually continues: B-S I-S
    # scores 0 - 1 + 1.5 = 0.5 against 0 + 0 - 2 = -2 for B-S B-C
    trans[bs, bc], trans[bs, is_] = -2.0, 1.5
    assert crf_viterbi([em], Transitions.learned(trans, np.zeros(k)))[0] == ["B-S", "I-S"]
    # a strong end score for O beats both: B-S O scores 0 - 5 + 6 = 1
    end = np.zeros(k)
    end[o] = 6.0
    assert crf_viterbi([em], Transitions.learned(trans, np.zeros(k), end))[0] == ["B-S", "O"]
    # I-X is never a first label nor follows O, however high its scores: "I-Q I-Q" (13) and
    # "O I-Q" (3) are out, "B-Q I-Q" (-2) beats "O B-Q" and "O O" (-5)
    em2 = np.full((2, k), -5.0)
    em2[:, LABELS.index("I-Q")] = (10.0, 3.0)
    em2[0, o] = 0.0
    assert crf_viterbi([em2], Transitions.learned(np.zeros((k, k)), np.zeros(k)))[0] == ["B-Q", "I-Q"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 4), min_size=1, max_size=4), st.integers(0, 2**32 - 1))
def test_crf_viterbi_finds_the_best_valid_path_of_each_sequence(lengths: list[int], seed: int) -> None:
    """Batched decoding of sequences of several lengths equals brute force over every BIO path."""
    rng = np.random.default_rng(seed)
    k = len(LABELS)
    tr = Transitions.learned(rng.normal(size=(k, k)), rng.normal(size=k), rng.normal(size=k))
    ems = [rng.normal(size=(n, k)) * 2 for n in lengths]
    got = crf_viterbi(ems, tr)
    for em, tags in zip(ems, got, strict=True):
        prev = "O"
        for tag in tags:
            assert not tag.startswith("I-") or (prev != "O" and prev[2:] == tag[2:]), tags
            prev = tag
        best = max(_path_score(em, p, tr) for p in itertools.product(range(k), repeat=len(em)))
        assert _path_score(em, tuple(LABELS.index(t) for t in tags), tr) == pytest.approx(best)


@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="PyTorch not installed (the train extra)")
def test_crf_forward_algorithm_equals_the_sum_over_all_paths() -> None:
    """The training loss (bench/train_quotes.py) is -log p(gold), p summed by brute force."""
    import torch

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    import train_quotes

    torch.manual_seed(0)
    k = len(LABELS)
    bio_trans, bio_start = train_quotes.bio_mask()
    trans, start, end = torch.randn(k, k) + bio_trans, torch.randn(k) + bio_start, torch.randn(k)
    lengths = [3, 1, 4]
    em = torch.randn(len(lengths), max(lengths), k)
    gold = [[1, 2, 0], [3], [5, 6, 6, 0]]
    tags = torch.nn.utils.rnn.pad_sequence([torch.tensor(g) for g in gold], batch_first=True)
    mask = torch.nn.utils.rnn.pad_sequence([torch.ones(n, dtype=torch.bool) for n in lengths], batch_first=True)
    got = train_quotes.crf_nll(em, tags, mask, trans, start, end)
    tr = Transitions(trans.numpy().astype(np.float64), start.numpy().astype(np.float64), end.numpy().astype(np.float64))
    want = 0.0
    for b, n in enumerate(lengths):
        e = em[b, :n].numpy().astype(np.float64)
        scores = np.array([_path_score(e, p, tr) for p in itertools.product(range(k), repeat=n)])
        log_z = scores.max() + np.log(np.exp(scores - scores.max()).sum())
        want += log_z - _path_score(e, tuple(gold[b]), tr)
    assert float(got) == pytest.approx(want, rel=1e-5)
    # padding changes nothing: the same sequences one at a time sum to the same loss
    alone = sum(float(train_quotes.crf_nll(em[b:b + 1, :n], tags[b:b + 1, :n], mask[b:b + 1, :n], trans, start, end))
                for b, n in enumerate(lengths))
    assert alone == pytest.approx(float(got), rel=1e-5)


def _tiny_crf_model(path: Path, width: int = 96, hid: int = 3) -> None:
    rng = np.random.default_rng(0)
    vocab = ["w:said", "cue", "q"]
    k = len(LABELS)
    np.savez(path, vocab=np.array(json.dumps(vocab)), tensor_width=np.array(width),
             embed=rng.normal(size=(len(vocab) + 1, 4)).astype(np.float16),
             out_w=rng.normal(size=(k, 2 * hid)).astype(np.float16), out_b=np.zeros(k, dtype=np.float32),
             crf_trans=rng.normal(size=(k, k)).astype(np.float32), crf_start=np.zeros(k, dtype=np.float32),
             crf_end=np.zeros(k, dtype=np.float32),
             **{f"l0{d}_{n}": rng.normal(size=shape).astype(np.float32) for d in ("", "_rev")
                for n, shape in (("w_ih", (4 * hid, 4 + width)), ("w_hh", (4 * hid, hid)), ("b", (4 * hid,)))})


@pytest.mark.skipif(not QuoteTagger.available(), reason="models not trained")
def test_a_bilstm_crf_model_is_decoded_with_its_transitions(nlp: Any, tmp_path: Path) -> None:
    path = tmp_path / "tiny.npz"
    _tiny_crf_model(path)
    lstm = LstmTagger(str(path))
    assert lstm.crf is not None and lstm.crf.trans.shape == (len(LABELS), len(LABELS))
    doc = nlp('"We will not accept this," said Kim Jin-a.\n\nThe ministry said it would protest.')
    for bonus in (0.0, 0.5):
        tagger = QuoteTagger(lstm_path=str(path), crf_bonus=bonus)
        spans = tagger.spans(doc, [False] * len(doc), ["O"] * len(doc))
        assert all(0 <= s.start < s.end <= len(doc) and s.label in "SCQ" for s in spans)
    # a vote worth far more than any emission or transition: the CRF's own labels
    both, crf_only = QuoteTagger(lstm_path=str(path), crf_bonus=1e3), QuoteTagger(lstm_path=None)
    in_quote, rules = [False] * len(doc), ["O"] * len(doc)
    assert both.spans(doc, in_quote, rules) == crf_only.spans(doc, in_quote, rules)
