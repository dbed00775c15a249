"""Who said what: direct and indirect quotes of one article, with speaker and cue.

The cascade, over one spaCy parse:

1. **Quote marks.** Pair the quotation marks of the text: straight and curly, a straight mark
   closing a curly one, a quote left open at the end of a paragraph continued by the next
   paragraph's opening mark (the newspaper convention for quotes over several paragraphs), and
   an unbalanced quote closed at its paragraph's end. Whatever the steps below make of
   them, no quote runs past :data:`MAX_QUOTE_CHARS`: a runaway (a lost closing mark in
   text without paragraph breaks) is cut at a sentence end on the side of its cue.
2. **Cues.** Every reporting verb ("said", "told", "added", "warned", "believes"...) with a
   clausal complement or an adjoining quote is a cue; so is "according to X". Its source is
   the subject of the verb (the whole subject phrase, as PolNeAR marks it), or the noun after
   an inverted verb ("..., said Kim"); its content is the complement clause ("that ..."), or
   the rest of the sentence when the verb only frames it ("..., officials said"), widened to
   the whole quotation when the clause sits inside one (a quote of several sentences).
3. **Orphan quotes.** A quotation of four words or more with no cue in its sentence continues
   the previous speaker when it follows one in the same or the next paragraph (that is how news
   runs a long quote), else it is a quote without a speaker. Shorter quoted phrases outside any
   attribution are scare quotes and titles, not quotes.
4. **Speakers.** A pronoun subject ("she said") is the latest person named before it in a
   subject or name position, skipping people named only inside quotes; "it"/"they" take the
   latest organisation or group. A named subject takes the fullest name its entity has in
   the article; an organisation ("Japan's Ministry of Foreign Affairs said") is a speaker like
   a person. Because resolution goes to the nearest antecedent, a historical quote ("He
   declared that..." after "President Park Chung Hee gave an address") goes to the
   historical speaker, not to the article's protagonist.

5. **Trained spans.** When the CRF tagger of :mod:`storyline.enrich.quotes_crf` is available
   (``models/quotes.crfsuite``, trained on PolNeAR train by ``make train-quotes``), it tags
   source, cue and content spans with the rule output of steps 1-3 among its features, links
   them into attributions, and the speakers of its sources are resolved as in step 4. Rule
   quotes that no tagged quote overlaps are kept. A tagged content that ends where a
   quotation closes takes the whole quotation (the tagger often keeps only its last
   sentences). On PolNeAR dev this lifts exact F1 from 60.7 / 57.3 / 38.4 (rules) to
   74.3 / 68.7 / 46.8 (source / cue / content; see bench/results/quotes.json).
6. **Broken quotes** (``join=True``, off by default). '"A," he said, "B."' is one quote "A, B"
   said once, as PolNeAR annotates it: :func:`join_pieces` merges a cue-less piece into the
   quote before it across that quote's cue. On PolNeAR dev: 75.6 / 68.8 / 52.3 (CRF tagger);
   with the shipped BiLSTM-CRF 78.1 / 71.4 / 60.8 against 75.6 / 71.4 / 51.4 unjoined. It is
   off by default because the joined ``text`` is no longer ``article.text[start:end]``, which
   callers and tests rely on; enrichment (``nlp.enrich_docs``) turns it on.

Why hand-written rules under a small CRF: the textacy/spaCy quote helpers take direct quotes
only and no pronouns; the published attribution taggers (CofeNet, BERT-CRF) need a GPU-sized
model. A CRF over the parse spaCy already made costs milliseconds per article.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from storyline.enrich.quotes_crf import Link, QuoteTagger, bio_from_char_spans, quote_mask
from storyline.enrich.tokens import doc_text, token_at
from storyline.records import Mention, Quote

# Lemmas of reporting and attitude verbs that introduce an attribution. The list is the
# frequent cue lemmas of the PolNeAR train split (cue strings counted, see bench/bench_quotes.py
# --cue-stats) cut at 10 occurrences, minus those that are cues only in idioms ("in", "for").
CUE_LEMMAS = frozenset(["say", "tell", "add", "write", "ask", "note", "report", "announce", "suggest", "argue", "call", "describe", "show", "find", "tweet", "think", "want", "believe", "continue", "explain", "claim", "declare", "acknowledge", "admit", "criticize", "criticise", "accuse", "recall", "respond", "reply", "propose", "conclude", "state", "warn", "promise", "insist", "refuse", "reveal", "indicate", "urge", "vow", "pledge", "predict", "praise", "deny", "confirm", "emphasize", "emphasise", "stress", "assert", "contend", "maintain", "observe", "comment", "remark", "testify", "caution", "complain", "concede", "boast", "estimate", "hope", "fear", "worry", "expect", "know", "feel", "learn", "agree", "disagree", "decline", "question", "announce", "charge", "allege", "quip", "joke", "counter", "demand", "dismiss", "defend", "point", "blast", "slam", "tout", "signal", "hint", "lament", "concur", "reiterate", "underscore", "highlight", "express", "cite", "mention", "encourage", "attack", "mock", "discuss", "view", "denounce", "endorse", "support", "oppose"])
# Cues whose attributed content can be their object ("criticized the plan", "cited a poll").
_OBJECT_CUES = frozenset(["criticize", "criticise", "cite", "mention", "accuse", "attack", "mock", "praise", "endorse", "support", "oppose", "denounce", "question", "dismiss", "defend", "blast", "slam", "tout", "discuss", "call"])
# Lemmas that are cues only with a that-clause or a quote (otherwise they are plain verbs).
_WEAK = frozenset(["want", "continue", "find", "show", "know", "feel", "learn", "expect", "hope", "call", "point", "express", "highlight"])
_RELATIVES = frozenset({"who", "which", "that"})
_PRONOUNS = {"he": "PERSON", "she": "PERSON", "him": "PERSON", "her": "PERSON", "they": "GROUP", "it": "GROUP", "we": "GROUP", "i": "PERSON"}
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
# How far back a pronoun looks for its antecedent, in characters: about three news
# paragraphs (a person named further back is re-named before being quoted again).
ANTECEDENT_WINDOW = 1500
_OPEN = "\u201c\u00ab\u201e"
_CLOSE = "\u201d\u00bb"
_STRAIGHT = "\""
# A quote shorter than this many words with no cue is a scare quote or a title, not a quote
# (chosen on PolNeAR train: shorter orphan quotes were attributions in under a tenth of cases).
MIN_ORPHAN_WORDS = 4


@dataclass(frozen=True)
class QuoteSpan:
    """A quotation in the text: ``start``/``end`` include the marks; ``inner_*`` exclude them."""

    start: int
    end: int
    inner_start: int
    inner_end: int
    balanced: bool


def find_quote_spans(text: str) -> list[QuoteSpan]:
    """Pair double quotation marks across the whole text (step 1 of the module docstring)."""
    spans: list[QuoteSpan] = []
    open_at: int | None = None
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\n" and open_at is not None:
            # end of a paragraph inside a quote: continued if the next paragraph opens one
            j = i
            while j < n and text[j].isspace():
                j += 1
            if j < n and (text[j] in _OPEN or text[j] == _STRAIGHT):
                i = j + 1  # the new opening mark continues the same quotation
                continue
            end = i
            while end > open_at + 1 and text[end - 1].isspace():
                end -= 1
            spans.append(QuoteSpan(open_at, end, open_at + 1, end, balanced=False))
            open_at = None
        elif ch in _OPEN or ch in _CLOSE or ch == _STRAIGHT:
            if open_at is None:
                if ch not in _CLOSE or (i + 1 < n and not text[i + 1].isspace()):
                    open_at = i
            else:
                if ch in _OPEN and i > 0 and text[i - 1].isalnum():
                    pass  # a mis-typed closing mark glued to a word: treat as closing
                spans.append(QuoteSpan(open_at, i + 1, open_at + 1, i, balanced=True))
                open_at = None
        i += 1
    if open_at is not None:
        end = len(text.rstrip())
        spans.append(QuoteSpan(open_at, end, open_at + 1, end, balanced=False))
    return [s for s in spans if s.inner_end > s.inner_start]


@dataclass
class _Attr:
    cue_tokens: list[Token]
    source: Span | None
    content_start: int
    content_end: int
    sent_index: int


def _subtree_span(doc: Doc, tok: Token) -> tuple[int, int]:
    left, right = tok.left_edge.i, tok.right_edge.i + 1
    while right > left and (doc[right - 1].is_punct or doc[right - 1].is_space):
        right -= 1
    while left < right and (doc[left].is_punct or doc[left].is_space) and doc[left].text not in _OPEN + _STRAIGHT:
        left += 1
    return left, right


def _cue_tokens(verb: Token) -> list[Token]:
    """The verb with its auxiliaries, negation and particle ("has said", "did not say",
    "pointed out"), as PolNeAR marks cues."""
    toks = [verb]
    for c in verb.children:
        if c.dep_ in {"aux", "auxpass", "neg", "prt"} and abs(c.i - verb.i) <= 3:
            toks.append(c)
    toks.sort(key=lambda t: t.i)
    # keep only a contiguous run around the verb
    run = [verb]
    for t in sorted((t for t in toks if t.i < verb.i), key=lambda t: -t.i):
        if t.i == run[0].i - 1:
            run.insert(0, t)
    for t in sorted(t for t in toks if t.i > verb.i):
        if t.i == run[-1].i + 1:
            run.append(t)
    return run


def _content_from_verb(doc: Doc, verb: Token, source: Span | None) -> tuple[int, int] | None:
    """Token span of what the cue verb attributes (step 2)."""
    comps = [c for c in verb.children if c.dep_ in {"ccomp", "xcomp"} and c.i != verb.i]
    if verb.lemma_ in {"say", "tell", "add", "write", "note", "report", "announce", "state", "explain"}:
        comps += [c for c in verb.children if c.dep_ == "dobj" and c.pos_ in {"PRON"} and c.lower_ in {"so", "this"}]
    if not comps and verb.lemma_ in _OBJECT_CUES:
        objs = [c for c in verb.rights if c.dep_ in {"dobj", "prep"}]
        if objs and objs[0].dep_ == "dobj":
            s0 = objs[0].left_edge.i
            e0 = max(c.right_edge.i for c in objs) + 1
            while e0 > s0 and (doc[e0 - 1].is_punct or doc[e0 - 1].is_space):
                e0 -= 1
            return (s0, e0) if e0 > s0 else None
    if comps:
        comp = max(comps, key=lambda c: c.right_edge.i - c.left_edge.i)
        if comp.dep_ == "xcomp" and verb.lemma_ not in {"urge", "ask", "promise", "vow", "pledge", "refuse", "decline", "call", "want", "expect", "tell", "warn", "threaten", "agree", "propose", "demand"}:
            return None
        s, e = _subtree_span(doc, comp)
        if e <= s:
            return None
        # "Y, but Z, a source said.": the parse hangs only Z on the verb, yet the speaker
        # frames everything before the comma that precedes them
        frame = source.start if source is not None and source.start > verb.i else verb.i
        frame = min(frame, source.start) if source is not None else frame
        sent = verb.sent
        if e <= frame and s > sent.start and doc[frame - 1].is_punct and doc[frame - 1].text in ",—":
            s = sent.start
            while s < e and (doc[s].is_space or (doc[s].is_punct and doc[s].text not in _OPEN + _STRAIGHT)):
                s += 1
        return (s, e)
    # the verb frames the sentence: "Y, officials said" parsed as root "said" with Y as ccomp
    # is handled above; a parenthetical "Y, he said, Z" hangs the verb off Y's root.
    if verb.dep_ in {"parataxis", "advcl", "ccomp"} and verb.head.i != verb.i:
        sent = verb.sent
        s, e = sent.start, sent.end
        cue_left = min([verb.left_edge.i] + ([source.start] if source is not None else []))
        cue_right = verb.right_edge.i + 1
        # content: the sentence minus the framing clause, on the larger side
        if cue_left - s >= e - cue_right:
            e = cue_left
        else:
            s = cue_right
        while e > s and (doc[e - 1].is_punct or doc[e - 1].is_space):
            e -= 1
        while s < e and (doc[s].is_punct or doc[s].is_space) and doc[s].text not in _OPEN + _STRAIGHT:
            s += 1
        return (s, e) if e - s >= 2 else None
    return None


def _source_of(doc: Doc, verb: Token) -> Span | None:
    subj = [c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}]
    if not subj and verb.dep_ in {"conj", "advcl", "xcomp"} and verb.head.pos_ in {"VERB", "AUX"}:
        subj = [c for c in verb.head.children if c.dep_ == "nsubj"]
    if not subj:
        # inverted "..., said the minister": the noun after the verb is tagged dobj/attr/npadvmod
        after = [c for c in verb.rights if c.dep_ in {"dobj", "attr", "npadvmod", "nsubj"} and c.pos_ in {"PROPN", "NOUN", "PRON"}]
        subj = after[:1]
    if not subj:
        return None
    tok = subj[0]
    if tok.dep_ == "nsubjpass" or tok.lower_ in {"it", "there"} and any(c.dep_ == "expl" for c in verb.children):
        return None
    s, e = _subtree_span(doc, tok)
    return doc[s:e] if e > s else None


def _find_attributions(doc: Doc) -> list[_Attr]:
    out: list[_Attr] = []
    sent_starts = [s.start for s in doc.sents]
    for tok in doc:
        if tok.lower_ == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
            to = doc[tok.i + 1]
            pobj = [c for c in to.children if c.dep_ == "pobj"]
            if not pobj:
                continue
            ss, se = _subtree_span(doc, pobj[0])
            src = doc[ss:se]
            sent = tok.sent
            # content: the sentence minus "according to X", on the larger side
            left, right = tok.i, se
            s, e = sent.start, sent.end
            if left - s >= e - right:
                e = left
            else:
                s = right
            while e > s and (doc[e - 1].is_punct or doc[e - 1].is_space):
                e -= 1
            while s < e and (doc[s].is_punct or doc[s].is_space) and doc[s].text not in _OPEN + _STRAIGHT:
                s += 1
            if e - s >= 2:
                out.append(_Attr([tok, to], src, doc[s].idx, doc[e - 1].idx + len(doc[e - 1].text),
                                 _sent_index(sent_starts, tok.i)))
            continue
        if tok.pos_ not in {"VERB", "AUX"} or tok.lemma_.lower() not in CUE_LEMMAS:
            continue
        if tok.tag_ == "VBN" and tok.dep_ in {"amod", "acl"}:
            continue  # "the so-called deal", "a report released Monday"
        if tok.tag_ == "VBG" and tok.i == tok.sent.start:
            continue  # "Mentioning his call, he continued ...": a participle framing the sentence
        source = _source_of(doc, tok)
        span = _content_from_verb(doc, tok, source)
        if span is None:
            continue
        s, e = span
        if tok.lemma_ in _WEAK and not (doc[s].lower_ == "that" or any(t.text in _OPEN + _STRAIGHT for t in doc[s:e])):
            continue
        if source is not None and source.start <= s < source.end:
            continue
        out.append(_Attr(_cue_tokens(tok), source, doc[s].idx, doc[e - 1].idx + len(doc[e - 1].text),
                         _sent_index(sent_starts, tok.i)))
    return out


def _sent_index(starts: list[int], i: int) -> int:
    lo, hi = 0, len(starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if starts[mid] <= i:
            lo = mid
        else:
            hi = mid - 1
    return lo


@dataclass
class _Speaker:
    """A quote's speaker: ``name`` as the article names them at the attribution (the source
    phrase as written; a pronoun is replaced by the person it stands for), ``canonical`` the
    fullest name of the entity it resolves to (None when it resolves to none)."""

    name: str | None
    entity: str | None
    start: int | None
    end: int | None
    canonical: str | None = None


# Punctuation an attribution's source phrase may end or start on ("Hope Hicks, a spokeswoman,").
_EDGE_PUNCT = " \t\n,;:–—-"
# A dateline before the speaker ("Tokyo, Japan – Prime Minister ..."): the last dash or colon.
_DATELINE_CUT = re.compile(r".*(?:\s[–—-]+\s|:\s)", re.S)


def _as_written(text: str) -> str:
    """A source phrase as the article writes it, without the punctuation around it."""
    return text.strip(_EDGE_PUNCT)


class _Resolver:
    """Speakers from subject phrases: names to their fullest form, pronouns to antecedents."""

    def __init__(self, mentions: Sequence[Mention], quote_spans: Sequence[QuoteSpan]) -> None:
        self.mentions = sorted(mentions, key=lambda m: m.start)
        self.quoted = [(q.start, q.end) for q in quote_spans]
        full: dict[str, str] = {}
        for m in self.mentions:
            if m.entity and len(m.text) > len(full.get(m.entity, "")):
                full[m.entity] = m.text
        self.full = full

    def _in_quote(self, pos: int) -> bool:
        return any(s <= pos < e for s, e in self.quoted)

    def speaker(self, doc: Doc, source: Span | None) -> _Speaker:
        if source is None:
            return _Speaker(None, None, None, None)
        s_char, e_char = source.start_char, source.end_char
        inside = [m for m in self.mentions if s_char <= m.start and m.end <= e_char]
        head = source.root
        if head.lower_ in _RELATIVES and len(source) == 1 and head.head.dep_ == "relcl":
            # "Maria Lopez, who said ...": the relative stays as written (it is what the article
            # says), the speaker is the noun the clause hangs on
            noun = head.head.head
            named = [m for m in self.mentions if m.start <= noun.idx < m.end and m.label in {"PERSON", "ORG", "NORP", "GPE"}]
            if named:
                m = named[0]
                return _Speaker(source.text, m.entity, s_char, e_char, self.full.get(m.entity or "", m.text))
            return _Speaker(source.text, None, s_char, e_char)
        # pronoun subject
        if head.lower_ in _PRONOUNS and len(source) <= 2:
            want = _PRONOUNS[head.lower_]
            ante = self._antecedent(doc, s_char, want)
            if ante is not None:
                full = self.full.get(ante.entity or "", ante.text)
                return _Speaker(full, ante.entity, s_char, e_char, full)
            return _Speaker(source.text, None, s_char, e_char)
        if inside:
            # the mention heading the phrase: the one containing the syntactic head, else the
            # last PERSON, else the last mention ("Japan's Ministry of Foreign Affairs")
            headm = [m for m in inside if m.start <= head.idx < m.end]
            persons = [m for m in inside if m.label == "PERSON"]
            orgs = [m for m in inside if m.label in {"ORG", "NORP", "GPE"}]
            best = headm[0] if headm else persons[0] if persons else None
            written = source.text
            if best is not None and best.label not in {"PERSON", "ORG"} and persons:
                # a dateline or a place the parse made the head ("Tokyo, Japan – Prime
                # Minister Shigeru Ishiba"): the person is the speaker, named after the dateline
                best = persons[0]
                cut = _DATELINE_CUT.match(doc.text, s_char, best.start)
                if cut:
                    written = doc.text[cut.end():e_char]
            if best is not None and best.label in {"PERSON", "ORG"}:
                return _Speaker(_as_written(written), best.entity, s_char, e_char,
                                self.full.get(best.entity or "", best.text))
            if best is None and orgs and orgs[-1].end >= e_char - 1:
                o = orgs[-1]
                return _Speaker(_as_written(written), o.entity, s_char, e_char, self.full.get(o.entity or "", o.text))
        return _Speaker(_as_written(source.text), None, s_char, e_char)

    def _antecedent(self, doc: Doc, pos: int, want: str) -> Mention | None:
        """The latest fitting mention before ``pos`` outside quotes; a subject beats a
        modifier ("the Yoon administration" is no antecedent for "he")."""
        labels = {"PERSON"} if want == "PERSON" else {"ORG", "NORP", "GPE"}
        cands = [m for m in self.mentions if m.start < pos and pos - m.start <= ANTECEDENT_WINDOW
                 and m.label in labels and not self._in_quote(m.start)]
        if not cands:
            return None
        here = token_at(doc, pos)
        near_start = 0
        if here is not None:
            sent = here.sent
            near_start = doc[sent.start - 1].sent.start_char if sent.start > 0 else sent.start_char
        near = [m for m in cands if m.start >= near_start]

        def deps(m: Mention) -> tuple[str, str]:
            tok = token_at(doc, m.end - 1)
            return (tok.dep_, tok.head.dep_) if tok is not None else ("", "")

        def is_subject(m: Mention) -> bool:
            dep, head_dep = deps(m)
            return dep in _SUBJECT_DEPS or (head_dep in _SUBJECT_DEPS and dep in {"appos", "conj"})

        # 1. a subject in this or the previous sentence; 2. (people) any name there that is not
        # a modifier of another noun; 3. (people) the latest subject further back.
        for m in reversed(near):
            if is_subject(m):
                return m
        if want != "PERSON":
            return None
        for m in reversed(near):
            if deps(m)[0] not in {"compound", "amod"}:
                return m
        for m in reversed(cands):
            if is_subject(m):
                return m
        return cands[-1]


def extract_quotes(doc: Doc, mentions: Sequence[Mention] = (), offset: int = 0,
                   tagger: QuoteTagger | None = None, use_model: bool = True,
                   join: bool = False) -> list[Quote]:
    """Direct and indirect quotes of one parsed article (see the module docstring).

    ``mentions`` are the article's entity mentions (offsets into ``doc.text`` + ``offset``);
    speakers that are entities carry the mention's entity id in ``Quote.speaker``. ``tagger``
    is the trained attribution tagger (load it once with ``QuoteTagger()`` and pass it); when
    omitted, the shipped model is opened for this call if present. ``use_model=False`` gives
    the rule system alone. ``join=True`` merges the pieces of a quote broken by its
    attribution (see :func:`join_pieces`); off by default because a joined quote's ``text``
    is no longer ``article.text[start:end]``.
    """
    if use_model and tagger is None and QuoteTagger.available():
        tagger = QuoteTagger()
    prep = _prepare(doc, mentions, offset, with_tagger_inputs=use_model and tagger is not None)
    links = tagger.links(doc, prep.in_quote, prep.tags) if use_model and tagger is not None else None
    return _finish(doc, prep, links, offset, join)


def extract_quotes_many(docs: Sequence[Doc], mentions: Sequence[Sequence[Mention]], tagger: QuoteTagger | None,
                        join: bool = False) -> list[list[Quote]]:
    """:func:`extract_quotes` of several articles (offset 0) with one tagger, the same answers.

    The tagger reads all of them in one pass (:meth:`QuoteTagger.links_many`), which is what
    the enricher does with each parse batch.
    """
    preps = [_prepare(doc, ms, 0, with_tagger_inputs=tagger is not None)
             for doc, ms in zip(docs, mentions, strict=True)]
    if tagger is None:
        return [_finish(doc, prep, None, 0, join) for doc, prep in zip(docs, preps, strict=True)]
    links = tagger.links_many([(doc, prep.in_quote, prep.tags) for doc, prep in zip(docs, preps, strict=True)])
    return [_finish(doc, prep, ls, 0, join) for doc, prep, ls in zip(docs, preps, links, strict=True)]


@dataclass
class _Prepared:
    """What one article's quotes are built from before the tagger runs: the quotation marks,
    the speaker resolver, the rule system's quotes and the tagger's per-token inputs."""

    qspans: list[QuoteSpan]
    resolver: _Resolver
    rules: list[Quote]
    in_quote: list[bool]
    tags: list[str]


def _prepare(doc: Doc, mentions: Sequence[Mention], offset: int, with_tagger_inputs: bool) -> _Prepared:
    qspans = find_quote_spans(doc_text(doc))
    local_mentions = [m.replace(start=m.start - offset, end=m.end - offset) for m in mentions]
    resolver = _Resolver(local_mentions, qspans)
    rules = _rule_quotes(doc, qspans, resolver, offset)
    in_quote, tags = tagger_inputs(doc, rules, offset, qspans) if with_tagger_inputs else ([], [])
    return _Prepared(qspans, resolver, rules, in_quote, tags)


def _finish(doc: Doc, prep: _Prepared, links: Sequence[Link] | None, offset: int, join: bool) -> list[Quote]:
    """The article's quotes from the tagger's ``links`` (None: the rule system alone)."""
    text = doc_text(doc)
    quotes = prep.rules if links is None else _model_quotes(doc, prep.qspans, prep.resolver, offset, links, prep.rules)
    quotes = [_bounded(text, q, offset) for q in quotes]
    return join_pieces(text, quotes, offset) if join else quotes


# The longest quote content believed. PolNeAR train's gold contents: 99.9% under 820
# characters, the longest in dev 960. A longer span is a runaway: an opening mark whose
# closing one was lost in text without paragraph breaks, or a tagged span running on.
MAX_QUOTE_CHARS = 2000


def _bounded(text: str, q: Quote, offset: int = 0) -> Quote:
    """``q`` cut to at most :data:`MAX_QUOTE_CHARS`, at sentence ends, on the side of its cue.

    A cue after the content ("..., she said") keeps the last whole sentences before it;
    otherwise the first ones are kept. A single sentence that long is cut at a space.
    """
    s, e = q.start - offset, q.end - offset
    if e - s <= MAX_QUOTE_CHARS:
        return q
    cue_after = q.cue_start is not None and q.cue_start - offset >= e
    if cue_after:
        lo = e - MAX_QUOTE_CHARS
        m = _SENTENCE_BREAK.search(text, lo, e)
        ns = m.end() - 1 if m else text.find(" ", lo, e) + 1 or lo
        ns, ne = _trim(text, ns, e)
    else:
        hi = s + MAX_QUOTE_CHARS
        ends = [m.end() - 1 for m in _SENTENCE_BREAK.finditer(text, s, hi)]
        ne = ends[-1] if ends else (text.rfind(" ", s, hi) if text.rfind(" ", s, hi) > s else hi)
        ns, ne = _trim(text, s, ne)
    if ne <= ns:
        ns, ne = s, s + MAX_QUOTE_CHARS
    return q.replace(start=offset + ns, end=offset + ne, text=text[ns:ne])


# The longest attribution between two pieces of one quote ('"A," said Paul Maslin, a Democratic
# pollster, "B"'): PolNeAR train's gaps between the pieces of one content are under 200
# characters in all but a handful of cases.
MAX_PIECE_GAP = 200


# A sentence end: not the period of a title or initial ("Mr.", "Sen.", "U.S."), whose word is
# one capital with at most two small letters.
_SENTENCE_BREAK = re.compile("(?<![A-Z])(?<![A-Z][a-z])(?<![A-Z][a-z][a-z])[.?!][\u201d\u2019\"')]*\\s+[A-Z]")
_CLOSING_PUNCT = re.compile("([,.;:!?\u2026]+)[\u201d\u00bb\"]")


def join_pieces(text: str, quotes: Sequence[Quote], offset: int = 0) -> list[Quote]:
    """Quotes broken by their own attribution merged into one: '"A," he said, "B."' becomes
    "A, B." and 'A, he said, B' becomes "A B", with the first piece's speaker and cue.

    A piece is joined to the quote before it when it has no cue of its own, the earlier quote's
    cue stands between the two in the first piece's sentence, and both are in one paragraph.
    The second piece may stand in the next sentence: '"A," said Tanner. "B."' is one content
    in PolNeAR (on its train split 1,364 such pairs joined, about 30 kept apart). PolNeAR
    annotates such pieces as one discontinuous content; on its dev split joining lifts exact F1
    of content from 46.8 to 52.3, and of source from 74.3 to 75.6 (the speaker is no longer
    counted twice; CRF tagger), and from 51.4 to 60.8 and 75.6 to 78.1 with the shipped
    BiLSTM-CRF and paragraph-bound linking (quotes_crf.link_spans). The joined ``text`` is the
    pieces separated by one space, and
    ``start``/``end`` span from the first piece to the last, attribution included, so ``text``
    is then not ``article.text[start:end]`` but the text of its ``pieces`` joined by a space.
    """
    out: list[Quote] = []
    for q in sorted(quotes, key=lambda x: x.start):
        k = len(out) - 1
        # the attribution between the pieces may hold a quote of its own ('"A," he said,
        # referring to the country's official name. "B."'): the piece before it is the one
        if k >= 1:
            before, inner = out[k - 1], out[k]
            if (before.cue_start is not None and inner.cue_start is not None
                    and before.end <= before.cue_start <= inner.start and inner.cue_start < inner.start):
                k -= 1
        prev = out[k] if k >= 0 else None
        if q.cue is None and prev is not None and prev.cue_start is not None and prev.end <= prev.cue_start < q.start:
            gap = text[prev.end - offset:q.start - offset]
            # the cue must frame the first piece, in its sentence: in 'A. He stressed B' the
            # cue belongs to B alone (the tagger linked A to it across the sentence)
            # (from the piece's last character: its own final period counts)
            # ('"Why now?" she asked. "B"': a question or exclamation mark closing a quotation
            # ends the quotation, not the sentence that attributes it)
            at = prev.end - offset - 1
            if text[at] in "?!" and text[at + 1:at + 2] in _CLOSE + _STRAIGHT and text[at + 1:at + 2]:
                at += 2
            framed = not _SENTENCE_BREAK.search(text, at, prev.cue_start - offset)
            if framed and "\n" not in gap and len(gap) <= MAX_PIECE_GAP:
                # direct only when both pieces are quoted words
                kind = "direct" if prev.kind == q.kind == "direct" else "indirect"
                # a quoted piece keeps the punctuation inside its closing mark ('"A," he
                # said' gives "A,"), as the quotation is printed; an unquoted one does not
                tail = _CLOSING_PUNCT.match(gap)
                extra = tail.group(1) if tail else ""
                first = prev.text + extra
                pieces = prev.pieces or ((prev.start, prev.end),)
                pieces = (*pieces[:-1], (pieces[-1][0], pieces[-1][1] + len(extra)), (q.start, q.end))
                out[k] = prev.replace(text=first + " " + q.text, end=q.end, kind=kind, pieces=pieces)
                continue
        out.append(q)
    return out


def rule_tags(doc: Doc, quotes: Sequence[Quote], offset: int = 0) -> list[str]:
    """The rule system's quotes as BIO labels per token of ``doc`` (a feature of the tagger)."""
    spans: list[tuple[str, int, int]] = []
    for q in quotes:
        spans.append(("Q", q.start - offset, q.end - offset))
        if q.speaker_start is not None and q.speaker_end is not None:
            spans.append(("S", q.speaker_start - offset, q.speaker_end - offset))
        if q.cue_start is not None and q.cue_end is not None:
            spans.append(("C", q.cue_start - offset, q.cue_end - offset))
    return bio_from_char_spans(doc, spans)


def tagger_inputs(doc: Doc, rules: Sequence[Quote] | None = None, offset: int = 0,
                  qspans: Sequence[QuoteSpan] | None = None) -> tuple[list[bool], list[str]]:
    """What the tagger reads beside the parse: the in-quotation mask and the rule labels
    (``qspans``: the article's quotations, when the caller has found them already)."""
    if qspans is None:
        qspans = find_quote_spans(doc_text(doc))
    if rules is None:
        rules = _rule_quotes(doc, qspans, _Resolver([], qspans), offset)
    return quote_mask(doc, [(q.inner_start, q.inner_end) for q in qspans]), rule_tags(doc, rules, offset)


def _model_quotes(doc: Doc, qspans: Sequence[QuoteSpan], resolver: _Resolver, offset: int,
                  links: Sequence[Link], rules: Sequence[Quote]) -> list[Quote]:
    """Quotes from the tagger's linked spans, speakers resolved as for the rules."""
    text = doc_text(doc)
    quotes: list[Quote] = []
    for link in links:
        cs = doc[link.content.start].idx
        last = doc[link.content.end - 1]
        cs, ce = _trim(text, cs, last.idx + len(last.text))
        if ce <= cs:
            continue
        cue_at = doc[link.cue.start].idx if link.cue is not None else None
        cs = _quotation_start(text, qspans, cs, ce, cue_at)
        label = _SPEAKER_LABEL.match(text, cs, ce)
        if label and label.end() < ce:
            # a transcript line read whole ("WALLACE: Let's start with ..."): the label is who
            # speaks, not what is said
            cs = _trim(text, label.end(), ce)[0]
        quoted = sum(min(ce, q.inner_end) - max(cs, q.inner_start) for q in qspans if q.inner_start < ce and cs < q.inner_end)
        kind = "direct" if quoted >= 0.6 * (ce - cs) else "indirect"
        cue = cue_s = cue_e = None
        if link.cue is not None:
            cue_s = doc[link.cue.start].idx
            cue_e = doc[link.cue.end - 1].idx + len(doc[link.cue.end - 1].text)
            cue = text[cue_s:cue_e]
        if link.source is not None:
            sp = resolver.speaker(doc, doc[link.source.start:link.source.end])
        elif label and label.end() < ce:
            name = label.group(1).strip()
            sp = _Speaker(name.title(), None, label.start(1), label.start(1) + len(name))
        else:
            # the rule quote over the same words may know the speaker (a continued quote)
            sp = _Speaker(None, None, None, None)
            for r in rules:
                if r.start - offset < ce and cs < r.end - offset and r.speaker_name:
                    sp = _Speaker(r.speaker_name, r.speaker,
                                  None if r.speaker_start is None else r.speaker_start - offset,
                                  None if r.speaker_end is None else r.speaker_end - offset, r.speaker_canonical)
                    break
            if sp.name is None and cue is None and quotes:
                prev = quotes[-1]
                gap = text[prev.end - offset:cs]
                if gap.count("\n") <= 2 and len(gap) < 400:  # a quote continued, as step 3
                    sp = _Speaker(prev.speaker_name, prev.speaker, None, None, prev.speaker_canonical)
        quotes.append(Quote(speaker_name=sp.name, speaker=sp.entity, speaker_canonical=sp.canonical, cue=cue,
                            text=text[cs:ce], kind=kind,
                            start=offset + cs, end=offset + ce,
                            speaker_start=None if sp.start is None else offset + sp.start,
                            speaker_end=None if sp.end is None else offset + sp.end,
                            cue_start=None if cue_s is None else offset + cue_s,
                            cue_end=None if cue_e is None else offset + cue_e))
    # The rule quotes the tagger has nothing over are kept: on PolNeAR dev they add about
    # half a point of exact F1 to source and cue at no cost to content.
    for r in rules:
        if not any(q.start < r.end and r.start < q.end for q in quotes):
            quotes.append(r)
    quotes.sort(key=lambda q: q.start)
    return quotes


def _quotation_start(text: str, qspans: Sequence[QuoteSpan], cs: int, ce: int, cue_at: int | None) -> int:
    """Where a tagged content ending at the close of a quotation starts: at the quotation's
    start when the tagger opened it on a later sentence of the same quotation (the tagger
    often keeps only the last sentences of a long quote), unless the cue stands between the
    two (a speaker's own verb inside the quote). Worth +0.2 content exact F1 on PolNeAR dev."""
    for qs in qspans:
        if not (qs.inner_start < cs < qs.inner_end) or "\n" in text[qs.inner_start:cs]:
            continue  # across a paragraph break the marks are as likely mis-paired
        closes_here = not text[ce:qs.inner_end].strip(" ,.;:!?\u2026")
        if closes_here and (cue_at is None or not qs.inner_start <= cue_at < cs):
            return _trim(text, qs.inner_start, ce)[0]
    return cs


def _rule_quotes(doc: Doc, qspans: Sequence[QuoteSpan], resolver: _Resolver, offset: int) -> list[Quote]:
    """The rule cascade of the module docstring (steps 2 to 4)."""
    text = doc_text(doc)
    attrs = _find_attributions(doc)
    # Attributions whose content is inside another attribution's content (a verb inside a
    # quote: "I believe ...") belong to the outer one.
    attrs.sort(key=lambda a: (a.content_start, -(a.content_end - a.content_start)))
    kept: list[_Attr] = []
    for a in attrs:
        cue_pos = a.cue_tokens[0].idx
        if any(k.content_start <= cue_pos < k.content_end for k in kept):
            continue
        if any(qs.inner_start <= cue_pos < qs.inner_end for qs in qspans) and not _cue_outside_ok(a, qspans):
            continue
        kept.append(a)
    quotes: list[Quote] = []
    covered: list[tuple[int, int]] = []
    for a in sorted(kept, key=lambda a: a.content_start):
        cs, ce = a.content_start, a.content_end
        # widen to the whole quotation the content starts or ends in
        for qs in qspans:
            touches = qs.start <= cs < qs.end or qs.start < ce <= qs.end
            # a partial quote inside a paraphrase stays a paraphrase; a clause that is most
            # of a quotation, or opens it, takes the whole quotation
            if touches and (ce - cs >= 0.3 * (qs.inner_end - qs.inner_start) or qs.start <= cs <= qs.inner_start):
                cs, ce = min(cs, qs.inner_start), max(ce, qs.inner_end)
        cs, ce = _trim(text, cs, ce)
        if ce <= cs:
            continue
        quoted = sum(min(ce, q.inner_end) - max(cs, q.inner_start) for q in qspans if q.inner_start < ce and cs < q.inner_end)
        kind = "direct" if quoted >= 0.6 * (ce - cs) else "indirect"
        sp = resolver.speaker(doc, a.source)
        cue = text[a.cue_tokens[0].idx:a.cue_tokens[-1].idx + len(a.cue_tokens[-1].text)]
        quotes.append(Quote(speaker_name=sp.name, speaker=sp.entity, speaker_canonical=sp.canonical, cue=cue,
                            text=text[cs:ce], kind=kind,
                            start=offset + cs, end=offset + ce,
                            speaker_start=None if sp.start is None else offset + sp.start,
                            speaker_end=None if sp.end is None else offset + sp.end,
                            cue_start=offset + a.cue_tokens[0].idx,
                            cue_end=offset + a.cue_tokens[-1].idx + len(a.cue_tokens[-1].text)))
        covered.append((cs, ce))
    # step 3: orphan quotations
    for qs in qspans:
        if any(s < qs.inner_end and qs.inner_start < e for s, e in covered):
            continue
        words = len(text[qs.inner_start:qs.inner_end].split())
        if words < MIN_ORPHAN_WORDS:
            continue
        prev = [q for q in quotes if q.end - offset <= qs.start]
        prev_q = max(prev, key=lambda q: q.end) if prev else None
        gap = text[(prev_q.end - offset) if prev_q else 0:qs.start]
        follows = prev_q is not None and gap.count("\n") <= 2 and len(gap) < 400
        cs, ce = _trim(text, qs.inner_start, qs.inner_end)
        label = _SPEAKER_LABEL.match(text, cs, ce)
        if label:
            # a transcript line, "WALLACE: Let's start with ...": the label is the speaker
            cs, ce = _trim(text, label.end(), ce)
            name = label.group(1).strip().title()
            quotes.append(Quote(speaker_name=name, speaker=None, cue=":", text=text[cs:ce], kind="direct",
                                start=offset + cs, end=offset + ce, speaker_start=offset + label.start(1),
                                speaker_end=offset + label.start(1) + len(label.group(1).strip()),
                                cue_start=offset + label.end() - 1, cue_end=offset + label.end()))
            continue
        quotes.append(Quote(speaker_name=prev_q.speaker_name if follows and prev_q else None,
                            speaker=prev_q.speaker if follows and prev_q else None,
                            speaker_canonical=prev_q.speaker_canonical if follows and prev_q else None,
                            cue=None, text=text[cs:ce], kind="direct", start=offset + cs, end=offset + ce))
    quotes.sort(key=lambda q: q.start)
    return quotes


def _cue_outside_ok(a: _Attr, qspans: Sequence[QuoteSpan]) -> bool:
    """A cue inside quotation marks is the speaker's own verb ("I believe"), unless its
    source is outside them too (a mis-paired mark)."""
    if a.source is None:
        return False
    s = a.source.start_char
    return not any(q.inner_start <= s < q.inner_end for q in qspans)


_SPEAKER_LABEL = re.compile(r"([A-Z][A-Z.'\- ]{1,30}[A-Z]):\s")
_EDGE = re.compile(r"^[\s,;:\u2014\u2013-]+|[\s,;:\u2014\u2013-]+$")


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and (text[s].isspace() or text[s] in ",;:\u2014\u2013-" or text[s] in _OPEN + _STRAIGHT):
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] in ",;:\u2014\u2013-" or text[e - 1] in _CLOSE + _STRAIGHT):
        e -= 1
    return s, e
