"""Finding the token of a parsed document at a character offset.

Quotes and dates both hold character spans (from regexes and the quote tagger)
and need the spaCy token there to read its parse (tense, subject, head).
spaCy's ``Doc.char_span`` returns ``None`` unless the offsets fall on token
boundaries, so this is a binary search over token starts instead.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token


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
