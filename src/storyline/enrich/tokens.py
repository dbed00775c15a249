"""Finding the token of a parsed document at a character offset.

Quotes and dates both hold character spans (from regexes and the quote tagger)
and need the spaCy token there to read its parse (tense, subject, head).
spaCy's ``Doc.char_span`` returns ``None`` unless the offsets fall on token
boundaries, so this is a binary search over token starts instead.
"""

from __future__ import annotations

from spacy.attrs import IDX
from spacy.tokens import Doc, Token

_TEXT_KEY = "storyline.text"


def doc_text(doc: Doc) -> str:
    """``doc.text``, built once per document.

    spaCy's ``Doc.text`` joins every token's text on each access (a Python object per
    token); the quote and date steps read it several times per article, which cost more
    than a second per 80 articles. The first result is kept in ``doc.user_data``.
    """
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.text
        doc.user_data[_TEXT_KEY] = text
    return str(text)


def token_starts(doc: Doc) -> list[int]:
    """The character offset of every token of ``doc``, read without making Token objects."""
    return [int(x) for x in doc.to_array(IDX)] if len(doc) else []


def token_at(doc: Doc, char: int) -> Token | None:
    """The token of ``doc`` that covers character ``char`` (a zero-width token covers its start), or None."""
    lo, hi = 0, len(doc) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        t = doc[mid]
        if t.idx <= char < t.idx + max(1, len(t.text)):
            return t
        if t.idx > char:
            hi = mid - 1
        else:
            lo = mid + 1
    return None
