"""Read the MEANTIME English corpus (CAT XML) into texts, TIMEX3 gold and entity gold.

Shared by bench_times.py and bench_entities.py. The corpus gives tokens, not text: the text is
rebuilt by joining tokens with the usual detokenisation rules (no space before closing
punctuation, none after opening brackets), the headline as the first paragraph. The
publication-date line (the TIMEX3 with functionInDocument="CREATION_TIME") is metadata, as a
"Published:" line is for an extractor: it becomes ``published`` and is left out of the text, so
the DCT is neither scored nor predicted (as in TempEval-3).
"""

from __future__ import annotations

import glob
import os
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data", "meantime-en", "intra_cross-doc_annotation")
TIMEX_LAST_SENTENCE = 5  # measured: no TIMEX3 of the corpus starts in a later sentence

_NO_SPACE_BEFORE = {".", ",", ";", ":", "!", "?", ")", "]", "}", "'s", "n't", "'", "''", "%", "'re", "'ve", "'ll", "'d", "'m"}
_NO_SPACE_AFTER = {"(", "[", "{", "``", "$"}


@dataclass
class Doc:
    id: str
    corpus: str
    text: str
    published: str | None
    annotated_end: int = 0  # TIMEX3 are annotated only up to here (headline + first body sentences)
    timexes: list[dict] = field(default_factory=list)  # {text, value, type, start, end}
    entities: list[dict] = field(default_factory=list)  # {text, start, end, instance, type, syntactic_type}


def _detok(tokens: list[tuple[str, str, int]], skip: set[str]) -> tuple[str, dict[str, tuple[int, int]]]:
    """Join (t_id, word, sentence) tokens into text; return it with each token's char span."""
    out: list[str] = []
    spans: dict[str, tuple[int, int]] = {}
    pos = 0
    prev_sent: int | None = None
    prev_word = ""
    for tid, word, sent in tokens:
        if tid in skip:
            continue
        word = {"``": "\"", "''": "\""}.get(word, word)
        if prev_sent is None:
            sep = ""
        elif sent != prev_sent and prev_sent == 0:
            sep = "\n\n"  # the headline is its own paragraph
        elif word in _NO_SPACE_BEFORE or prev_word in _NO_SPACE_AFTER:
            sep = ""
        else:
            sep = " "
        out.append(sep)
        pos += len(sep)
        spans[tid] = (pos, pos + len(word))
        out.append(word)
        pos += len(word)
        prev_sent, prev_word = sent, word
    return "".join(out), spans


def load(root: str = ROOT) -> list[Doc]:
    """All 120 documents, sorted by corpus and file name."""
    docs: list[Doc] = []
    for path in sorted(glob.glob(os.path.join(root, "corpus_*", "*.xml"))):
        tree = ET.parse(path)
        d = tree.getroot()
        toks = [(t.get("t_id", ""), t.text or "", int(t.get("sentence", "0"))) for t in d.iter("token")]
        markables = d.find("Markables")
        assert markables is not None
        dct_value = None
        skip: set[str] = set()
        for tx in markables.iter("TIMEX3"):
            if tx.get("functionInDocument") == "CREATION_TIME":
                dct_value = tx.get("value")
                ids = {a.get("t_id", "") for a in tx.iter("token_anchor")}
                sents = {s for tid, _, s in toks if tid in ids}
                skip |= {tid for tid, _, s in toks if s in sents}
        if dct_value and re.fullmatch(r"\d\d-\d\d-\d{4}", dct_value):
            # a few CREATION_TIME values are written DD-MM-YYYY (the gold values of their
            # documents, "January" = 2009-01 and "last month" = 2009-01, place them in February)
            dd, mm, yyyy = dct_value.split("-")
            dct_value = f"{yyyy}-{mm}-{dd}"
        if dct_value is None:
            # two documents lack the CREATION_TIME annotation: read their date line (sentence 1)
            # as an extractor reads a "Published:" line
            import dateparser

            line = " ".join(w for _, w, snt in toks if snt == 1)
            parsed = dateparser.parse(line, languages=["en"])
            if parsed is not None and len(line) < 40:
                dct_value = parsed.date().isoformat()
                skip |= {tid for tid, _, snt in toks if snt == 1}
        text, spans = _detok(toks, skip)
        # MEANTIME annotates TIMEX3 in the headline and the first body sentences only
        # (sentence numbers 0-5 counting the date line): predictions after that are not scored
        last = [spans[tid][1] for tid, _, snt in toks if snt <= TIMEX_LAST_SENTENCE and tid in spans]
        doc = Doc(id=d.get("doc_id", os.path.basename(path)), corpus=os.path.basename(os.path.dirname(path)),
                  text=text, published=dct_value, annotated_end=max(last) if last else 0)
        for tx in markables.iter("TIMEX3"):
            if tx.get("functionInDocument") == "CREATION_TIME":
                continue
            anchors = [a.get("t_id", "") for a in tx.iter("token_anchor") if a.get("t_id") in spans]
            if not anchors:
                continue
            s, e = spans[anchors[0]][0], spans[anchors[-1]][1]
            doc.timexes.append({"text": text[s:e], "value": tx.get("value"), "type": tx.get("type"),
                                "start": s, "end": e})
        # entity mentions and the instances they refer to (cross-document ids)
        mentions: dict[str, dict] = {}
        for em in markables.iter("ENTITY_MENTION"):
            anchors = [a.get("t_id", "") for a in em.iter("token_anchor") if a.get("t_id") in spans]
            if anchors:
                s, e = spans[anchors[0]][0], spans[anchors[-1]][1]
                mentions[em.get("m_id", "")] = {"text": text[s:e], "start": s, "end": e,
                                                "syntactic_type": em.get("syntactic_type")}
        instances = {en.get("m_id", ""): (en.get("instance_id"), en.get("ent_type"))
                     for en in markables.iter("ENTITY")}
        rels = d.find("Relations")
        if rels is not None:
            for r in rels.iter("REFERS_TO"):
                tgt = r.find("target")
                if tgt is None or tgt.get("m_id") not in instances:
                    continue
                inst, etype = instances[tgt.get("m_id", "")]
                for src in r.iter("source"):
                    m = mentions.get(src.get("m_id", ""))
                    if m is not None:
                        doc.entities.append({**m, "instance": inst, "type": etype})
        docs.append(doc)
    return docs
