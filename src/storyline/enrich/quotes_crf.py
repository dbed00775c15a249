"""A trained attribution tagger: source, cue and content spans as BIO tags over spaCy tokens.

Why a model on top of the rules in :mod:`storyline.enrich.quotes`: PolNeAR's attributions have a
long tail the rules cannot list (non-speech cues such as "is supported by", "disdain for";
contents that run over a clause boundary; sources that are whole noun phrases). A linear-chain
CRF (CRFsuite, through ``python-crfsuite``) trained on the PolNeAR train split learns that
tail from cheap token features, and it takes the rule system's own spans as features, so it
starts from what the rules know (stacking). It runs on the spaCy parse the enricher already
made: no second pass, a few milliseconds per article.

1. **Features** (:func:`sequence_features`): per token, its word, lemma, tags, dependency label
   and head, the dependency label on its path below the nearest cue-like verb, whether it is
   inside quotation marks, its place in the sentence, and the rule system's label for it;
   plus the neighbours' word and tags. One sequence per paragraph, since contents cross
   sentence boundaries but rarely paragraph ones.
2. **Tagging** (:class:`QuoteTagger`): BIO labels ``S`` (source), ``C`` (cue), ``Q``
   (content), decoded into token spans. When the recurrent tagger's weights ship
   (:mod:`storyline.enrich.quotes_nn`), it decides: a BiLSTM-CRF (the shipped one) decodes
   with its own learned transitions, a softmax LSTM's label probabilities are mixed with a
   vote for the CRF's label before decoding.
3. **Linking** (:func:`link_spans`): every content goes to the nearest cue (same sentence
   first, then a neighbouring one), every cue to the nearest source in its sentence.

Why not sklearn-crfsuite: it only wraps ``pycrfsuite`` in a scikit-learn estimator, and the
raw trainer/tagger is all this needs. The model file ships at ``models/quotes.crfsuite`` and is
rebuilt with ``make train-quotes`` (``bench/train_quotes.py``).
"""

from __future__ import annotations

import bisect
import importlib.util
import os
from collections.abc import Iterator, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any

import numpy as np
from spacy.attrs import (
    DEP,
    ENT_IOB,
    ENT_TYPE,
    HEAD,
    IS_SPACE,
    LEMMA,
    LOWER,
    ORTH,
    POS,
    SENT_START,
    TAG,
)
from spacy.tokens import Doc, Token

from storyline.enrich.quotes_nn import LABELS as LSTM_LABELS
from storyline.enrich.quotes_nn import MODEL_PATH as LSTM_PATH
from storyline.enrich.quotes_nn import LstmTagger, crf_viterbi, ensemble, viterbi
from storyline.enrich.tokens import doc_text, token_starts

MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "models", "quotes.crfsuite")
LABELS = ("S", "C", "Q")
# The CRF's share when its labels are mixed with the recurrent tagger's probabilities
# (quotes_nn.ensemble): each token's label probabilities are 0.7 x the LSTM's plus 0.3 on the
# CRF's own Viterbi label, so the CRF decides unless the LSTM is confident of another label.
# On PolNeAR dev, exact F1 source/cue/content: 74.9/71.5/54.2 for the LSTM alone (0.0),
# 75.7/71.3/54.4 at 0.2, 76.0/71.0/54.7 at 0.3, 75.6/70.0/53.4 at 0.45; the CRF alone
# 75.6/68.8/52.3. Averaging with the CRF's marginals instead (0.35) scored the same,
# 75.8/71.6/54.4, and cost 7 marginal calls per token: a third of the tagger's time.
CRF_WEIGHT = 0.3
# The same vote for a BiLSTM-CRF (train_quotes.py --output crf, the shipped LSTM) cannot be a
# share of probabilities: a CRF's per-token emission scores are flat under a softmax (median top
# label 0.5 on PolNeAR dev; the transitions carry the rest), so a share of 0.05 already hands
# 99.6 % of the labels to CRFsuite (10 dev articles), and at 0.2 and 0.3 it scored as CRFsuite
# alone (75.5/68.8/52.4). It is a score added to the emission of CRFsuite's label instead; on the
# 8-epoch BiLSTM-CRF (77.5/71.2/56.5 alone) +0.1 gave 76.9/71.4/56.7 and +0.25 76.6/70.8/55.8,
# so it is 0: the BiLSTM-CRF decides alone, and CRFsuite's Viterbi pass is not even run.
CRF_BONUS = 0.0

# Verbs (and nouns) whose dependants are sources and contents: the rule system's cue lemmas
# plus the frequent non-speech cues of PolNeAR train (counted with bench_quotes.py --cue-stats).
_CUEISH = frozenset(["say", "tell", "add", "write", "ask", "note", "report", "announce", "suggest", "argue", "call", "describe", "show", "find", "tweet", "think", "want", "believe", "continue", "explain", "claim", "declare", "acknowledge", "admit", "criticize", "accuse", "recall", "respond", "reply", "propose", "conclude", "state", "warn", "promise", "insist", "refuse", "reveal", "indicate", "urge", "vow", "pledge", "predict", "praise", "deny", "confirm", "emphasize", "stress", "assert", "contend", "maintain", "observe", "comment", "testify", "caution", "complain", "concede", "boast", "estimate", "hope", "fear", "worry", "expect", "know", "feel", "learn", "agree", "disagree", "decline", "question", "charge", "allege", "joke", "counter", "demand", "dismiss", "defend", "point", "blast", "slam", "tout", "signal", "hint", "lament", "reiterate", "underscore", "highlight", "express", "cite", "mention", "encourage", "attack", "mock", "discuss", "view", "denounce", "endorse", "support", "oppose", "accord", "like", "love", "hate", "need", "plan", "seem", "appear", "consider", "see", "insist", "pledge", "vote", "seek", "try", "decide", "intend", "aim", "push", "reject", "welcome", "condemn", "blame", "claim", "statement", "interview", "speech", "tweet", "post", "remark", "comment", "poll", "survey", "report", "accord"])
_QUOTE_CHARS = "\"\u201c\u201d\u00ab\u00bb\u201e"


@dataclass(frozen=True)
class TokenSpan:
    """A tagged span: ``label`` in ``S``/``C``/``Q``; ``start``/``end`` are token indices."""

    label: str
    start: int
    end: int


@dataclass(frozen=True)
class _Columns:
    """What the features read of every token of a document, as plain lists by token index.

    Reading a spaCy attribute makes a ``Token`` object and looks a string up each time; on
    news text that was most of the feature cost. ``Doc.to_array`` gives each attribute for
    all tokens in one call, and each distinct string is looked up once.
    """

    text: list[str]
    lower: list[str]
    lemma: list[str]  # lower-cased
    tag: list[str]
    dep: list[str]
    pos: list[str]
    ent: list[str]  # "O", or IOB letter + entity type ("BPERSON")
    head: list[int]  # absolute index of the head
    sent_start: list[bool]
    is_space: list[bool]
    newline_after: list[bool]  # a line break in the whitespace after the token


_COLUMNS_KEY = "storyline.quote_columns"


def _columns(doc: Doc) -> _Columns:
    """The :class:`_Columns` of ``doc``, built once and kept in ``doc.user_data``."""
    cols = doc.user_data.get(_COLUMNS_KEY)
    if isinstance(cols, _Columns):
        return cols
    strings = doc.vocab.strings
    n = len(doc)

    def names(attr: int, lower: bool = False) -> list[str]:
        arr = doc.to_array(attr) if n else np.zeros(0, dtype=np.uint64)
        uniq, inv = np.unique(arr, return_inverse=True)
        look = [strings[int(u)] if int(u) else "" for u in uniq]
        if lower:
            look = [x.lower() for x in look]
        return [look[k] for k in inv.reshape(-1)]

    text = names(ORTH)
    iob = doc.to_array(ENT_IOB).tolist() if n else []
    etype = names(ENT_TYPE)
    ent = [("IOB"[k - 1] if k in (1, 2, 3) else "") + t if t else "O"
           for k, t in zip(iob, etype, strict=True)]
    rel = doc.to_array(HEAD).astype(np.int64) if n else np.zeros(0, dtype=np.int64)
    head = (np.arange(n) + rel).tolist()
    full = doc_text(doc)
    idx = token_starts(doc)
    after = [full[idx[i] + len(text[i]):idx[i + 1] if i + 1 < n else len(full)] for i in range(n)]
    cols = _Columns(text=text, lower=names(LOWER), lemma=names(LEMMA, lower=True), tag=names(TAG),
                    dep=names(DEP), pos=names(POS), ent=ent, head=head,
                    sent_start=[x == 1 for x in (doc.to_array(SENT_START).tolist() if n else [])],
                    is_space=[bool(x) for x in (doc.to_array(IS_SPACE).tolist() if n else [])],
                    newline_after=["\n" in w for w in after])
    doc.user_data[_COLUMNS_KEY] = cols
    return cols


def _paragraph_ids(doc: Doc) -> tuple[list[int], set[int]]:
    """Each token's paragraph number as :func:`paragraphs` counts them (0 for whitespace
    tokens), and the paragraphs that end on a colon ("Trump said:"); from the columns alone,
    without making a Token object per token as :func:`paragraphs` does."""
    cols = _columns(doc)
    ids = [0] * len(doc)
    colon: set[int] = set()
    p, last = 0, -1  # last: the open paragraph's last token (-1: none open)
    for i, (text, space, newline) in enumerate(zip(cols.text, cols.is_space, cols.newline_after, strict=True)):
        if space:
            if "\n" in text and last >= 0:
                if cols.text[last] == ":":
                    colon.add(p)
                p, last = p + 1, -1
            continue
        ids[i], last = p, i
        if newline:
            if text == ":":
                colon.add(p)
            p, last = p + 1, -1
    if last >= 0 and cols.text[last] == ":":
        colon.add(p)
    return ids, colon


def paragraphs(doc: Doc) -> Iterator[list[Token]]:
    """The non-space tokens of ``doc`` grouped by paragraph (a line break ends one)."""
    cols = _columns(doc)
    cur: list[int] = []
    for i, (text, space, newline) in enumerate(zip(cols.text, cols.is_space, cols.newline_after, strict=True)):
        if space:
            if "\n" in text and cur:
                yield [doc[k] for k in cur]
                cur = []
            continue
        cur.append(i)
        if newline and cur:
            yield [doc[k] for k in cur]
            cur = []
    if cur:
        yield [doc[k] for k in cur]


def _cue_path(cols: _Columns, i: int) -> tuple[str, str]:
    """The dependency label of the child of the nearest cue-like ancestor on the path from
    token ``i``, and that ancestor's lemma ("nsubj"/"say" for a speaker), or ("", "")."""
    child = i
    head = cols.head[i]
    for _ in range(8):  # deep enough for news sentences; guards against parse cycles
        if head == child:
            break
        if cols.lemma[head] in _CUEISH:
            return cols.dep[child], cols.lemma[head]
        child, head = head, cols.head[head]
    return "", ""


def _shape(text: str) -> str:
    if text.isupper() and len(text) > 1:
        return "AA"
    if text[:1].isupper():
        return "Aa"
    if text[:1].isdigit():
        return "9"
    if text[:1].isalpha():
        return "a"
    return "."


def token_features(doc: Doc, para: Sequence[Token], in_quote: Sequence[bool],
                   rule_tags: Sequence[str], own: list[list[str]] | None = None,
                   neighbours: bool = True) -> list[list[str]]:
    """The CRF features of one paragraph's tokens (step 1 of the module docstring).

    ``in_quote[i]`` and ``rule_tags[i]`` are per token of ``doc`` (by ``token.i``): inside a
    quotation, and the rule system's BIO label (``O`` when it has none). Features are CRFsuite
    attribute strings ("w:said"; a flag is its bare name), built as strings because that is
    the fastest input ``pycrfsuite`` takes. ``own``, when given, receives each token's own
    features, without its neighbours' (what the recurrent tagger reads). ``neighbours=False``
    returns those own features alone: building the neighbours' is half the cost, and only the
    CRFsuite tagger reads them.
    """
    cols = _columns(doc)
    n_doc = len(doc)
    base: list[list[str]] = []
    near: list[dict[str, str]] = []  # what the neighbours expose of this token
    for tok in para:
        i = tok.i
        text = cols.text[i]
        lower = cols.lower[i]
        lemma = cols.lemma[i]
        h = cols.head[i]
        head_lemma = cols.lemma[h]
        head_pos = cols.pos[h]
        dep = cols.dep[i]
        tag = cols.tag[i]
        dep_child, cue_lemma = _cue_path(cols, i)
        rtag = rule_tags[i]
        quoted = bool(in_quote[i])
        f = ["w:" + lower, "l:" + lemma, "p:" + tag, "d:" + dep, "hl:" + head_lemma, "hp:" + head_pos,
             "hd:" + dep + ">" + head_pos, "path:" + dep_child, "pathl:" + cue_lemma,
             "pathd:" + dep_child + ">" + dep, "sh:" + _shape(text),
             "e:" + cols.ent[i],
             "r:" + rtag, "r0:" + (rtag[2:] or "O"), "suf:" + lower[-3:]]
        if lemma in _CUEISH:
            f.append("cue")
        if head_lemma in _CUEISH:
            f.append("hcue")
        if quoted:
            f.append("q")
        if text in _QUOTE_CHARS or text in {"``", "''"}:
            f.append("qm")
        if cols.sent_start[i]:
            f.append("sb")
        if i + 1 == n_doc or cols.sent_start[i + 1]:
            f.append("se")
        if dep == "ROOT":
            f.append("root")
        base.append(f)
        if neighbours:
            near.append({"w": lower, "p": tag, "r": rtag, "l": lemma, "d": dep, "q": "1" if quoted else "",
                         "path": dep_child})
    if own is not None:
        own.extend(base)
    if not neighbours:
        return base
    out: list[list[str]] = []
    n = len(base)
    for k in range(n):
        f = list(base[k])
        for off in (-2, -1, 1, 2):
            j = k + off
            if 0 <= j < n:
                g = near[j]
                o = str(off) + ":"
                f.append(o + "w:" + g["w"])
                f.append(o + "p:" + g["p"])
                f.append(o + "r:" + g["r"])
                if off in (-1, 1):
                    f.append(o + "l:" + g["l"])
                    f.append(o + "d:" + g["d"])
                    f.append(o + "path:" + g["path"])
                    if g["q"]:
                        f.append(o + "q")
            else:
                f.append(str(off) + ":w:<pad>")
        if k == 0:
            f.append("para_start")
        out.append(f)
    return out


def quote_mask(doc: Doc, spans: Sequence[tuple[int, int]]) -> list[bool]:
    """Per token of ``doc``: whether it lies inside one of the character ranges ``spans``."""
    mask = [False] * len(doc)
    if not spans:
        return mask
    starts = token_starts(doc)
    for s, e in spans:
        i = bisect.bisect_left(starts, s)
        while i < len(starts) and starts[i] < e:
            mask[i] = True
            i += 1
    return mask


def bio_from_char_spans(doc: Doc, spans: Sequence[tuple[str, int, int]]) -> list[str]:
    """Per token of ``doc``, a BIO label from labelled character spans.

    Where spans overlap (an attribution nested in another's content), a cue or source beats a
    content and the shorter span beats the longer, so the inner attribution stays visible.
    """
    tags = ["O"] * len(doc)
    rank = {"C": 0, "S": 1, "Q": 2}
    ordered = sorted(spans, key=lambda s: (rank[s[0]], s[2] - s[1]), reverse=True)
    owner: list[int] = [-1] * len(doc)
    starts = token_starts(doc)
    for k, (label, a, b) in enumerate(ordered):
        i = bisect.bisect_left(starts, a)
        while i < len(doc) and starts[i] < b:
            if not doc[i].is_space:
                tags[i] = label
                owner[i] = k
            i += 1
    prev_owner = -1
    for i in range(len(doc)):
        if tags[i] == "O" or doc[i].is_space:
            if not doc[i].is_space:
                prev_owner = -1
            continue
        tags[i] = ("I-" if owner[i] == prev_owner else "B-") + tags[i]
        prev_owner = owner[i]
    return tags


def decode(para: Sequence[Token], tags: Sequence[str]) -> list[TokenSpan]:
    """Token spans from the BIO tags of one paragraph (an ``I-`` after another label opens)."""
    out: list[TokenSpan] = []
    cur: list[Any] = []  # [label, start, end]
    for tok, tag in zip(para, tags, strict=True):
        label = tag[2:] if tag != "O" else ""
        if tag.startswith("I-") and cur and cur[0] == label:
            cur[2] = tok.i + 1
            continue
        if cur:
            out.append(TokenSpan(cur[0], cur[1], cur[2]))
            cur = []
        if label:
            cur = [label, tok.i, tok.i + 1]
    if cur:
        out.append(TokenSpan(cur[0], cur[1], cur[2]))
    return out


@dataclass(frozen=True)
class Link:
    """One attribution found by the tagger: its content, cue and source token spans."""

    content: TokenSpan
    cue: TokenSpan | None
    source: TokenSpan | None


def _gap(a: TokenSpan, b: TokenSpan) -> int:
    return max(0, b.start - a.end, a.start - b.end)


def link_spans(doc: Doc, spans: Sequence[TokenSpan]) -> list[Link]:
    """Source-cue-content triples from the tagged spans of one article (step 3).

    A content goes to the nearest cue in its own sentence(s), else in the sentence just
    before or after it (the "..., he said." after a quote, "He said:" before one); a cue
    takes the nearest source of its sentence, the left one on a tie ("X said", not "said Y").
    The cue must stand in a paragraph the content covers, or end the paragraph just before it
    on a colon ("Trump said:" over a quoted paragraph): spaCy's sentences run over paragraph
    breaks, and a news paragraph that quotes '"A," Ryan said. "B."' must not hand "B" to the
    next paragraph's "Pence echoed". On PolNeAR dev this alone lifts content exact F1 from
    57.5 to 60.3 (B then joins A, see quotes.join_pieces, as PolNeAR annotates it). Only a
    content left without a cue that way may still take a neighbouring sentence's cue across
    the break, if no content of the cue's own paragraphs took it.
    """
    sent_idx = [0] * len(doc)
    k = -1
    for t in doc:
        if t.is_sent_start:
            k += 1
        sent_idx[t.i] = max(k, 0)
    para_idx, colon_end = _paragraph_ids(doc)
    cues = [s for s in spans if s.label == "C"]
    sources = [s for s in spans if s.label == "S"]
    links: list[Link] = []
    own: set[tuple[TokenSpan, TokenSpan | None]] = set()
    def nearest(q: TokenSpan, among: Sequence[TokenSpan], same_para: bool) -> tuple[int, int, TokenSpan] | None:
        q_first, q_last = sent_idx[q.start], sent_idx[q.end - 1]
        best: tuple[int, int, TokenSpan] | None = None
        for c in among:
            cs = sent_idx[c.start]
            cp = para_idx[c.start]
            if same_para and not (para_idx[q.start] <= cp <= para_idx[q.end - 1]
                                  or (cp == para_idx[q.start] - 1 and cp in colon_end)):
                continue
            if q_first <= cs <= q_last:
                tier = 0
            elif cs in (q_first - 1, q_last + 1):
                tier = 1
            else:
                continue
            key = (tier, _gap(q, c))
            if best is None or key < best[:2]:
                best = (key[0], key[1], c)
        return best

    contents = [s for s in spans if s.label == "Q"]
    found = {q: nearest(q, cues, same_para=True) for q in contents}
    # A cue no content of its paragraphs took, beside a content left without one: linked across
    # the paragraph break after all (a sentence spaCy ran over the break, a headline).
    taken = {b[2] for b in found.values() if b is not None}
    spare = [c for c in cues if c not in taken]
    for q in contents:
        if found[q] is None and spare:
            found[q] = nearest(q, spare, same_para=False)
    for q in contents:
        best = found[q]
        cue = best[2] if best else None
        source = None
        if cue is not None:
            cs = sent_idx[cue.start]
            cands = [s for s in sources if sent_idx[s.start] == cs or sent_idx[s.end - 1] == cs]
            if cands:
                source = min(cands, key=lambda s: (_gap(s, cue), s.start > cue.start))
        links.append(Link(q, cue, source))
        if best is not None and best[0] == 0:
            own.add((q, cue))
    return _cue_once(doc, links, own)


def _cue_once(doc: Doc, links: list[Link],
              own: AbstractSet[tuple[TokenSpan, TokenSpan | None]] = frozenset()) -> list[Link]:
    """Only one of several contents that share one cue carries it: the first of those in the
    cue's own sentence (``own``: (content, cue) pairs linked within a sentence), else the first.

    '"A," he said. "B."' and "He said A, and B" are one cue word for two contents; reporting
    the cue on every piece would count one word twice. The pieces stay separate links here;
    quotes.join_pieces merges those that PolNeAR annotates as one content. In 'A. He stressed
    that B' the cue is B's, though A comes first and was linked to it across the sentence.
    """
    owner: dict[TokenSpan, TokenSpan] = {}
    for link in sorted(links, key=lambda x: ((x.content, x.cue) not in own, x.content.start)):
        if link.cue is not None and link.cue not in owner:
            owner[link.cue] = link.content
    out: list[Link] = []
    for link in sorted(links, key=lambda x: x.content.start):
        if link.cue is not None and owner[link.cue] != link.content:
            out.append(Link(link.content, None, link.source))
            continue
        out.append(link)
    return out


class QuoteTagger:
    """The trained CRF attribution tagger, loaded once and passed around (no global state).

    Arguments:
        path: the CRFsuite model file (default: the one shipped in ``enrich/models``).

    Example::

        tagger = QuoteTagger()
        links = tagger.links(doc, in_quote, rule_tags)
    """

    def __init__(self, path: str = MODEL_PATH, lstm_path: str | None = LSTM_PATH,
                 crf_weight: float = CRF_WEIGHT, crf_bonus: float = CRF_BONUS) -> None:
        import pycrfsuite  # imported here: importing storyline must not need the extension

        self.path = path
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(path)
        # The recurrent tagger, when its weights are there; None: the CRF decides alone.
        self.lstm = LstmTagger(lstm_path) if lstm_path and LstmTagger.available(lstm_path) else None
        self.crf_weight = crf_weight  # the vote's share for an LSTM with a softmax output
        self.crf_bonus = crf_bonus  # the vote's score for an LSTM with a CRF output

    @staticmethod
    def available(path: str = MODEL_PATH) -> bool:
        """Whether the model can be used: its file exists (it is absent before ``make
        train-quotes``) and ``python-crfsuite`` is installed (the ``enrich`` extra)."""
        return os.path.exists(path) and importlib.util.find_spec("pycrfsuite") is not None

    def spans(self, doc: Doc, in_quote: Sequence[bool], rule_tags: Sequence[str]) -> list[TokenSpan]:
        """The tagged source/cue/content spans of ``doc`` (steps 1 and 2).

        With a BiLSTM-CRF loaded (the shipped LSTM), the labels are the best path under its
        emission scores and learned transitions (plus ``crf_bonus`` on the CRF's own label, 0
        by default). With a softmax LSTM, each token's label probabilities are the LSTM's mixed
        with a vote for the CRF's own Viterbi label (weight ``crf_weight``), read with a
        constrained Viterbi pass. Without an LSTM, the CRF's labels are used.
        """
        return self.spans_many([(doc, in_quote, rule_tags)])[0]

    def spans_many(self, items: Sequence[tuple[Doc, Sequence[bool], Sequence[str]]]) -> list[list[TokenSpan]]:
        """:meth:`spans` of several documents ``(doc, in_quote, rule_tags)``, the same answers.

        The LSTM steps through the paragraphs of all of them at once: its cost is NumPy calls
        per step, so one pass over eight articles costs little more than one over a single one.
        """
        jobs: list[tuple[list[list[Token]], list[list[list[str]]], bool]] = []
        lstm_feats: list[list[list[str]]] = []
        lstm_vecs: list[np.ndarray] = []
        for doc, in_quote, rule_tags in items:
            paras = list(paragraphs(doc))
            tensor = doc.tensor
            # No LSTM, or token vectors it was not trained on (another spaCy model): the CRF alone.
            use_lstm = (self.lstm is not None and tensor is not None and tensor.ndim == 2
                        and len(tensor) == len(doc) and tensor.shape[1] == self.lstm.tensor_width)
            # The CRFsuite tagger (which alone reads the neighbours' features) runs unless a
            # BiLSTM-CRF decides without its vote.
            crfsuite = not use_lstm or self.lstm is None or self.lstm.crf is None or bool(self.crf_bonus)
            owns: list[list[list[str]]] = [[] for _ in paras]
            feats = [token_features(doc, para, in_quote, rule_tags, own, neighbours=crfsuite)
                     for para, own in zip(paras, owns, strict=True)]
            if use_lstm:
                lstm_feats.extend(owns)
                lstm_vecs.extend(tensor[[t.i for t in para]] for para in paras)
            jobs.append((paras, feats, use_lstm))
        tagged: list[list[str]] = []  # the LSTM's labels of every paragraph it read, in order
        if self.lstm is not None and lstm_feats:
            logps = self.lstm.log_probs(lstm_feats, lstm_vecs)
            read = [f for _, feats, use_lstm in jobs if use_lstm for f in feats]
            if self.lstm.crf is not None:
                # A BiLSTM-CRF: its emission scores, plus ``crf_bonus`` on the CRFsuite label when
                # that is not 0, and its learned transitions, decoded for all paragraphs at once.
                if self.crf_bonus:
                    logps = [logp + self.crf_bonus * self._vote(f, logp) for f, logp in zip(read, logps, strict=True)]
                tagged = crf_viterbi(logps, self.lstm.crf)
            else:
                tagged = [viterbi(ensemble(logp, self._vote(f, logp), self.crf_weight))
                          for f, logp in zip(read, logps, strict=True)]
        next_tags = iter(tagged)
        out: list[list[TokenSpan]] = []
        for paras, feats, use_lstm in jobs:
            found: list[TokenSpan] = []
            for para, f in zip(paras, feats, strict=True):
                found.extend(decode(para, next(next_tags) if use_lstm else self._tagger.tag(f)))
            out.append(found)
        return out

    def _vote(self, feats: Sequence[Sequence[str]], logp: np.ndarray) -> np.ndarray:
        """A one-hot (tokens x LABELS) vote for the CRF's own Viterbi label of each token."""
        vote = np.zeros_like(logp)
        vote[np.arange(len(logp)), [LSTM_LABELS.index(t) for t in self._tagger.tag(feats)]] = 1.0
        return vote

    def links(self, doc: Doc, in_quote: Sequence[bool], rule_tags: Sequence[str]) -> list[Link]:
        """The attributions of ``doc`` (steps 1 to 3)."""
        return link_spans(doc, self.spans(doc, in_quote, rule_tags))

    def links_many(self, items: Sequence[tuple[Doc, Sequence[bool], Sequence[str]]]) -> list[list[Link]]:
        """:meth:`links` of several documents, tagged together (see :meth:`spans_many`)."""
        return [link_spans(item[0], found) for item, found in zip(items, self.spans_many(items), strict=True)]
