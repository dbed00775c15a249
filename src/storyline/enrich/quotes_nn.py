"""A recurrent attribution tagger, run in NumPy, that reads whole paragraphs.

Why beside the CRF of :mod:`storyline.enrich.quotes_crf`: the CRF sees each token through a
window of two neighbours, so where a long content ends, or whether a clause twenty words
after "said" is still reported speech, is only visible through its transition weights. A
bidirectional LSTM carries the whole paragraph to every token. Its inputs are what the
enricher already has, so it costs no second parse:

- spaCy's own contextual token vectors (``doc.tensor``, the ``tok2vec`` output the tagger and
  parser read, 96 numbers per token);
- the CRF's per-token feature strings (word, lemma, tags, dependency path to the nearest
  cue-like verb, in-quotation flag, the rule system's label), summed as a bag of learned
  embeddings: the neighbour features are left out, since the LSTM sees the neighbours.

Its output layer is one of two kinds, told apart by the weights file:

- a softmax (``bench/train_quotes.py --output softmax``): its label probabilities are mixed with
  a vote for the CRF's own label (:func:`ensemble`), and the labels are read off with a Viterbi
  pass that allows ``I-X`` only after ``B-X``/``I-X`` (:func:`viterbi`);
- a linear-chain CRF trained jointly with the LSTM (``--output crf``, a BiLSTM-CRF): the file
  then holds learned transition, start and end scores (``crf_trans``, ``crf_start``,
  ``crf_end``), and the labels are the best path under the emission scores plus those, with the
  same BIO constraint (:func:`crf_viterbi`). Training on whole label sequences teaches it where
  spans end, which a per-token softmax only learns token by token.

Figures for both on PolNeAR dev are in the README and ``bench/results/quotes.json``.

Why NumPy and hand-written: PyTorch trains the model (``bench/train_quotes.py``, the
``train`` extra), but at run time it would add a multi-hundred-MB dependency for one small
recurrent layer. The forward pass is a few matrix products per time step, batched over the
paragraphs of an article, with the gate order of ``torch.nn.LSTM`` (input, forget, cell,
output); ``tests/test_quotes_nn.py`` checks it against PyTorch when PyTorch is installed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.special import expit

MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "models", "quotes_lstm.npz")
LABELS = ("O", "B-S", "I-S", "B-C", "I-C", "B-Q", "I-Q")
# The CRF features the LSTM reads: the token's own ones (the neighbour features carry an
# offset prefix "-2:", "-1:", "1:", "2:").
_NEIGHBOUR_PREFIXES = ("-2:", "-1:", "1:", "2:")
# The longest piece of a paragraph the LSTM reads at once (see ``segments``).
MAX_SEGMENT = 200
Weights = tuple[np.ndarray, np.ndarray, np.ndarray]


def own_features(feats: Sequence[str]) -> list[str]:
    """The token's own CRF feature strings, without the neighbours' (see the module docstring)."""
    return [f for f in feats if not f.startswith(_NEIGHBOUR_PREFIXES)]


def _allowed() -> tuple[np.ndarray, np.ndarray]:
    """Transition penalties (0 allowed, -inf-like not) and the labels a paragraph may start with."""
    trans = np.zeros((len(LABELS), len(LABELS)))
    for j, to in enumerate(LABELS):
        if to.startswith("I-"):
            for i, frm in enumerate(LABELS):
                if frm == "O" or frm[2:] != to[2:]:
                    trans[i, j] = -1e9
    start = np.array([0.0 if not lab.startswith("I-") else -1e9 for lab in LABELS])
    return trans, start


_TRANS, _START = _allowed()
_VALID_NEXT, _VALID_START = _TRANS == 0, _START == 0


def viterbi(logp: np.ndarray) -> list[str]:
    """The best BIO label sequence under ``logp`` (tokens x LABELS) where ``I-X`` follows ``X``."""
    best = logp.argmax(axis=1)
    if _VALID_START[best[0]] and _VALID_NEXT[best[:-1], best[1:]].all():
        return [LABELS[k] for k in best]  # the unconstrained best path is allowed: it is the answer
    n = len(logp)
    score = _START + logp[0]
    back = np.zeros((n, len(LABELS)), dtype=np.int64)
    for t in range(1, n):
        s = score[:, None] + _TRANS
        back[t] = s.argmax(0)
        score = s.max(0) + logp[t]
    path = [int(score.argmax())]
    for t in range(n - 1, 0, -1):
        path.append(int(back[t][path[-1]]))
    return [LABELS[k] for k in reversed(path)]


@dataclass(frozen=True)
class Transitions:
    """A linear-chain CRF's label scores: ``trans[i, j]`` for label ``j`` after label ``i``,
    ``start``/``end`` for the first and the last label of a paragraph. The BIO constraint is
    added to what training learned (:meth:`learned`), so a forbidden pair never wins."""

    trans: np.ndarray
    start: np.ndarray
    end: np.ndarray

    @classmethod
    def learned(cls, trans: np.ndarray, start: np.ndarray, end: np.ndarray | None = None) -> Transitions:
        k = len(LABELS)
        return cls((trans.astype(np.float64) + _TRANS).reshape(k, k), start.astype(np.float64) + _START,
                   np.zeros(k) if end is None else end.astype(np.float64))


def crf_viterbi(scores: Sequence[np.ndarray], tr: Transitions) -> list[list[str]]:
    """Per sequence, the best label sequence under per-token ``scores`` (tokens x LABELS, the
    emissions) plus the transition, start and end scores of ``tr``.

    The sequences (an article's paragraphs) are stepped together, longest first, a sequence
    leaving the batch after its last token as in :func:`bilstm_batch`: a step is a few NumPy
    calls on a (sequences x LABELS x LABELS) array whatever the number of paragraphs.
    """
    k = len(LABELS)
    order = sorted(range(len(scores)), key=lambda i: -len(scores[i]))
    lengths = [len(scores[i]) for i in order]
    n_max = lengths[0] if lengths else 0
    em = np.zeros((n_max, len(scores), k))
    for row, i in enumerate(order):
        em[: lengths[row], row] = scores[i]
    back = np.zeros((n_max, len(scores), k), dtype=np.int64)
    score = tr.start + em[0]
    final = np.zeros((len(scores), k))
    active = len(scores)
    for t in range(1, n_max + 1):
        done = active
        while active and lengths[active - 1] <= t:
            active -= 1
        if active < done:  # these rows' last token was t - 1: close them with the end scores
            final[active:done] = score[active:done] + tr.end
            score = score[:active]
        if not active:
            break
        s = score[:, :, None] + tr.trans  # (rows, from, to)
        back[t, :active] = s.argmax(1)
        score = s.max(1) + em[t, :active]
    out: list[list[str]] = [[] for _ in scores]
    for row, i in enumerate(order):
        best = int(final[row].argmax())
        path = [best]
        for t in range(lengths[row] - 1, 0, -1):
            best = int(back[t, row, best])
            path.append(best)
        out[i] = [LABELS[j] for j in reversed(path)]
    return out


def bilstm_batch(seqs: Sequence[np.ndarray], fw: Weights, bw: Weights) -> list[np.ndarray]:
    """A bidirectional LSTM layer over several sequences at once (``torch.nn.LSTM`` arithmetic).

    ``seqs`` are (length, input) arrays; each comes back as (length, 2 * hidden): the
    forward direction's states, then the backward one's. ``fw`` and ``bw`` are each
    direction's ``(w_ih, w_hh, bias)``.

    Why it is written this way: a step's products are a few rows wide, so the cost is the
    number of NumPy calls per step, not arithmetic. The two directions run in the same
    loop (a stacked product), the sequences are stepped together, longest first, and a
    sequence leaves the batch after its last step; the steps are stored packed, as
    ``pack_padded_sequence`` does (step ``t`` holds one row per sequence still running), so
    memory follows the number of tokens, not the longest sequence times their number. One
    logistic call serves all four gates, the cell gate's rows doubled since
    ``tanh(x) = 2 * expit(2x) - 1``.
    """
    if not seqs:
        return []
    hid = fw[1].shape[1]
    scale = np.ones((4 * hid, 1), dtype=np.float32)
    scale[2 * hid:3 * hid] = 2.0
    w_in = np.concatenate([fw[0] * scale, bw[0] * scale]).T  # (input, 8 * hidden)
    w_rec = np.stack([(fw[1] * scale).T, (bw[1] * scale).T])  # (2, hidden, 4 * hidden)
    bias = np.stack([fw[2] * scale[:, 0], bw[2] * scale[:, 0]])
    order = sorted(range(len(seqs)), key=lambda k: -len(seqs[k]))
    lengths = np.array([len(seqs[k]) for k in order])
    n_max = int(lengths[0])
    # batch_sizes[t]: how many sequences are still running at step t; step t's rows start at
    # first[t] in the packed arrays, and sequence r (in length order) is row r of each step.
    batch_sizes = (lengths[None, :] > np.arange(n_max)[:, None]).sum(axis=1)
    first = np.concatenate([[0], np.cumsum(batch_sizes)[:-1]])
    # The packed position of every (sequence, step), sequences in length order.
    pos = np.concatenate([first[: n] + r for r, n in enumerate(lengths)])
    rev = np.concatenate([first[: n][::-1] + r for r, n in enumerate(lengths)])
    proj = np.concatenate([seqs[k] for k in order]).astype(np.float32) @ w_in  # all input products
    total = len(proj)
    xw = np.empty((2, total, 4 * hid), dtype=np.float32)
    xw[0, pos] = proj[:, : 4 * hid] + bias[0]
    xw[1, rev] = proj[:, 4 * hid:] + bias[1]  # the backward pass reads each sequence reversed
    out = np.empty((2, total, hid), dtype=np.float32)
    h = np.zeros((2, len(seqs), hid), dtype=np.float32)
    c = np.zeros_like(h)
    for t in range(n_max):
        a, b = int(first[t]), int(first[t] + batch_sizes[t])
        active = b - a
        if active < h.shape[1]:
            h, c = h[:, :active], c[:, :active]  # the rows still running are the first ones
        g = expit(xw[:, a:b] + np.matmul(h, w_rec))
        c = g[..., hid:2 * hid] * c + g[..., :hid] * (2.0 * g[..., 2 * hid:3 * hid] - 1.0)
        h = g[..., 3 * hid:] * np.tanh(c)
        out[:, a:b] = h
    states = np.concatenate([out[0, pos], out[1, rev]], axis=1)  # back in sequence order
    result: list[np.ndarray] = [np.empty(0)] * len(seqs)
    ends = np.cumsum(lengths)
    for row, k in enumerate(order):
        result[k] = states[ends[row] - lengths[row]:ends[row]]
    return result


def segments(feats: Sequence[Sequence[str]], limit: int) -> list[tuple[int, int]]:
    """``[start, end)`` pieces of one paragraph, each at most ``limit`` tokens, cut at sentence
    starts (the ``sb`` feature) where one lies in reach; a paragraph within the limit is one piece.

    Long paragraphs (a text without paragraph breaks is one) are read in pieces: the
    recurrent steps are then shared by many pieces at once instead of running one long
    sequence alone, and the model was trained on paragraphs (99.9 % of PolNeAR train's
    are under 214 tokens), so a piece of that size is what it knows.
    """
    n = len(feats)
    if n <= limit:
        return [(0, n)]
    out = []
    start = 0
    while n - start > limit:
        cut = max((i for i in range(start + 1, start + limit + 1) if "sb" in feats[i]), default=start + limit)
        out.append((start, cut))
        start = cut
    out.append((start, n))
    return out


class LstmTagger:
    """The trained BiLSTM (weights in ``models/quotes_lstm.npz``), loaded once and passed around.

    ``log_probs(feats, vectors)`` gives per-token log-probabilities over :data:`LABELS` for
    several paragraphs at once: ``feats`` holds each paragraph's per-token CRF feature
    strings, ``vectors`` its rows of ``doc.tensor``. When the model was trained with a CRF
    output layer, ``crf`` holds its transition scores and ``log_probs`` gives the emission
    scores, normalised per token (the per-token shift changes no Viterbi path).
    """

    def __init__(self, path: str = MODEL_PATH) -> None:
        with np.load(path, allow_pickle=False) as z:
            self.vocab = {f: i + 1 for i, f in enumerate(json.loads(str(z["vocab"])))}
            self.embed = z["embed"].astype(np.float32)
            self.layers = []
            k = 0
            while f"l{k}_w_ih" in z:
                self.layers.append({d: (z[f"l{k}{d}_w_ih"].astype(np.float32), z[f"l{k}{d}_w_hh"].astype(np.float32),
                                        z[f"l{k}{d}_b"].astype(np.float32)) for d in ("", "_rev")})
                k += 1
            self.out_w = z["out_w"].astype(np.float32)
            self.out_b = z["out_b"].astype(np.float32)
            self.tensor_width = int(z["tensor_width"])
            # A BiLSTM-CRF (``train_quotes.py --output crf``) ships its transition scores: the
            # labels are then read with them (crf_viterbi), not token by token.
            self.crf = (Transitions.learned(z["crf_trans"], z["crf_start"], z.get("crf_end"))
                        if "crf_trans" in z else None)
        from threadpoolctl import ThreadpoolController

        self._blas = ThreadpoolController()  # finds the BLAS libraries once, not per call

    @staticmethod
    def available(path: str = MODEL_PATH) -> bool:
        """Whether the weights file exists (it is absent before ``make train-quotes``)."""
        return os.path.exists(path)

    def _inputs(self, feats: Sequence[Sequence[str]], vectors: np.ndarray) -> np.ndarray:
        ids: list[int] = []
        starts: list[int] = []
        vocab = self.vocab
        for fs in feats:
            starts.append(len(ids))
            # The neighbours' features are never in the vocabulary (own_features built it).
            ids.extend([k for k in map(vocab.get, fs) if k] or [0])
        bag = np.add.reduceat(self.embed[np.asarray(ids)], np.asarray(starts), axis=0)
        if vectors.shape[1] != self.tensor_width:
            raise ValueError(f"doc.tensor has {vectors.shape[1]} columns; the model was trained on "
                             f"{self.tensor_width} (another spaCy model?)")
        return np.concatenate([bag, vectors.astype(np.float32)], axis=1)

    def log_probs(self, feats: Sequence[Sequence[Sequence[str]]], vectors: Sequence[np.ndarray]) -> list[np.ndarray]:
        """Per paragraph, a (tokens x LABELS) array of log-probabilities."""
        if not feats:
            return []
        xs: list[np.ndarray] = []
        pieces: list[list[tuple[int, int]]] = []
        for f, v in zip(feats, vectors, strict=True):
            x = self._inputs(f, v)
            cuts = segments(f, MAX_SEGMENT)
            pieces.append(cuts)
            xs.extend(x[a:b] for a, b in cuts)
        # The products are small (tens of rows): BLAS threads only wait on each other, and
        # on a busy machine they spin (measured: 10x slower with two threads beside a load).
        with self._blas.limit(limits=1, user_api="blas"):
            for layer in self.layers:
                xs = bilstm_batch(xs, layer[""], layer["_rev"])
            z = np.concatenate(xs) @ self.out_w.T + self.out_b
        z -= z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        sizes = [cuts[-1][1] for cuts in pieces]
        return list(np.split(logp, np.cumsum(sizes)[:-1]))


def ensemble(lstm_logp: np.ndarray, crf_probs: np.ndarray, crf_weight: float) -> np.ndarray:
    """Log of the weighted mean of the LSTM's label probabilities and the CRF's (tokens x
    LABELS; the tagger passes a one-hot vote for the CRF's Viterbi label)."""
    p = (1.0 - crf_weight) * np.exp(lstm_logp) + crf_weight * crf_probs
    return np.log(p + 1e-9)
