"""The byline printed on an HTML page: marked-up elements first, then cue words.

trafilatura's ``extract_author`` deep-copies the whole page, deletes the
comment/sidebar/date/figure subtrees from the copy, then runs three byline
XPaths whose EXSLT regexes call back into Python for every element: ~13 ms a
page, a sixth of storyline's HTML extraction time. This module asks the same
questions of the original tree in one pass over the elements' attributes,
skips a hit that sits inside a subtree the pruning would have removed, and
reads the hit's text while skipping such subtrees: no copy, ~3 ms.

It also fixes some of that finder's misses, each a pattern found on pages
from many sites rather than one: WordPress post containers whose
``category-<slug>`` class made the pruning drop the whole post; comment and
form elements (``comment-author``, a "Name" label) taken as the byline; a
post's tag links (``rel="tag"``) read with the byline box around them; byline
boxes of labelled fields ("Datum: ... Autor: Jane Doe Quelle: ...", "Text und
Fotos: Jane Doe") or a date line naming the author after a cue ("Oct 30 2020
by Jane Doe"), and a "Stand: <date>" field taken for a name; and bylines
printed with no markup at all ("Von Max Muster", "By Jane Doe |
12.10.2020"), which :func:`printed_bylines` reads from short elements that
open with a cue word. No library does this last part: trafilatura and
newspaper3k only read markup, and htmldate-style pattern lists do not exist
for bylines.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml.html import HtmlElement

# trafilatura's AUTHOR_DISCARD_XPATHS as predicates over one element
# (trafilatura.xpaths, 2.3.1): comment lists, sidebars, titles, dates, share and
# print boxes, categories, figures and <time> never hold the byline. One change:
# "category" must not be followed by "-", because WordPress gives every post
# container a ``category-<slug>`` class, which made trafilatura discard the
# whole post with its byline.
_DISCARD_TAGS = frozenset({"a", "div", "section", "span"})
_DISCARD_ID = re.compile(r"^comments|comment-?list|ProductReviews")
_DISCARD_CLASS = re.compile(
    r"^[Cc]omments|commentlist|comments-list|sidebar|is-hidden|quote|embedly-instagram|"
    r"article-(?:share|support)|print|category(?!-)|meta-date|meta-reviewer"
)
_TAG_REL = re.compile(r"\b(?:tag|category)\b")
# Bylines are short; trafilatura's limit for them (extract_author's len_limit).
_MAX_LEN = 120


def _discarded(el: HtmlElement) -> bool:
    """True when trafilatura's author pruning would delete ``el`` with its subtree."""
    tag = el.tag
    if tag in ("time", "figure"):
        return True
    if tag not in _DISCARD_TAGS:
        return False
    cls = el.get("class")
    ident = el.get("id")
    if cls is not None and (cls in ("comments", "title", "date") or _DISCARD_CLASS.search(cls)):
        return True
    if ident is not None and (ident == "comments" or _DISCARD_ID.search(ident)):
        return True
    if tag == "a" and _TAG_REL.search(el.get("rel") or ""):  # a post's tags, printed next to its byline
        return True
    return "Figure" in (el.get("data-component") or "")


def _kept_text(el: HtmlElement) -> Iterator[str]:
    """``el.itertext()`` without the text of discarded descendants (their tails stay)."""
    if el.text:
        yield el.text
    for child in el:
        if not isinstance(child.tag, str):  # comments and processing instructions
            if child.tail:
                yield child.tail
            continue
        if not _discarded(child):
            yield from _kept_text(child)
        if child.tail:
            yield child.tail


# Reader comments and forms carry "author" classes too (comment-author, a form's
# "Name" label): a byline inside them belongs to someone else.
_FOREIGN = re.compile(r"comment|respond|reply", re.I)
_FOREIGN_TAGS = frozenset({"form", "label", "button", "nav", "select", "option"})


def _excluded(el: HtmlElement) -> bool:
    if _discarded(el):
        return True
    for a in el.iterancestors():
        if _discarded(a) or a.tag in _FOREIGN_TAGS:
            return True
        if _FOREIGN.search((a.get("class") or "") + " " + (a.get("id") or "")):
            return True
    return False


# A cheap first look at every element's attributes narrows the page to the few
# that could mark a byline; _tier then applies trafilatura's AUTHOR_XPATHS
# exactly. (Evaluating those XPaths costs ~8 ms a page: their EXSLT regexes call
# back into Python for every element. Even plain contains() tests in one XPath
# cost ~12 ms in lxml, ten times this loop; measured on news-metadata-dev.)
_HINT = re.compile(
    r"uthor|yline|byl|BBL|username|channel-name|zuozhe|bianji|xiaobian|submitted-by|posted-by|"
    r"journalist-name|screenname|writer|AuthorCard|AuthorURL"
)


def _candidates(tree: HtmlElement) -> Iterator[HtmlElement]:
    search = _HINT.search
    for el in tree.iter():
        get = el.get
        if (
            el.tag == "author"
            or search(get("class") or "")
            or search(get("id") or "")
            or get("rel") == "author"
            or "author" in (get("itemprop") or "")
            or search((get("data-testid") or "") + (get("data-component") or ""))
        ):
            yield el


_TIER1_TAGS = frozenset({"a", "address", "div", "link", "p", "span", "strong"})
_TIER1_CLASS = re.compile(r"author-?name|AuthorName|authorName")
_TIER2_TAGS = frozenset({"a", "div", "h3", "h4", "p", "span"})
_TIER2_ID = re.compile(r"author|zuozhe|bianji|xiaobian")
_TIER2_CLASS = re.compile(r"author|channel-name|zuozhe|bianji|xiaobian|submitted-by|posted-by|journalist-name")
_TIER3_ID = re.compile(r"[Aa]uthor")
_TIER3_CLASS = re.compile(r"[Aa]uthor|screenname|writer|[Bb]yline")


def _tier(el: HtmlElement) -> int | None:
    """Which of trafilatura's three byline XPaths (1 most specific) ``el`` matches, if any."""
    tag = el.tag
    cls = el.get("class") or ""
    ident = el.get("id") or ""
    itemprop = el.get("itemprop") or ""
    if tag == "author" or (tag in _TIER1_TAGS and (
        el.get("rel") == "author" or ident == "author" or cls == "author" or itemprop == "author name"
        or el.get("data-testid") in ("AuthorCard", "AuthorURL") or _TIER1_CLASS.search(cls)
    )):
        return 1
    if tag in _TIER2_TAGS and (
        cls in ("byline", "username", "byl", "BBL") or "author" in itemprop
        or _TIER2_ID.search(ident) or _TIER2_CLASS.search(cls)
    ):
        return 2
    if ("Byline" in (el.get("data-component") or "") or "author" in itemprop
            or _TIER3_ID.search(ident) or _TIER3_CLASS.search(cls)):
        return 3
    return None


# A byline written for readers: a cue word, then a name, alone in a short element
# ("By Jane Doe", "Von Max Muster | 12.10.2020", "Autor: Peter Maahn/SP-X",
# "Text: Klaus Friedrich", "par Jean Dupont"). The cue must open the element and
# the element must be short, so "Von Montag an gilt..." in a paragraph is no byline.
# The short cues that are also surnames ("Di Maria", "Door") count only in lower case.
_CUE = re.compile(
    r"^(?:by|von|vom|par|por|(?-i:di|av|door)|text(?:e)? von|text|texte|autor(?:in|en)?|author|auteur|"
    r"written by|geschrieben von|ein beitrag von|publicado por|escrito por|reported by)\b\s*:?\s*",
    re.I,
)


def marked_bylines(tree: HtmlElement) -> Iterator[str]:
    """Texts of elements marked as a byline, most specific markup first.

    The markup is trafilatura's (its three author XPaths: ``rel=author``,
    ``class=author-name``...; then ``byline``/``author`` classes; then any
    author-ish attribute); within one tier, in page order. Elements inside
    comments, forms, sidebars and the like are skipped; texts are 3-119
    characters long, the caller decides whether they hold a name.
    """
    tiers: dict[int, list[HtmlElement]] = {1: [], 2: [], 3: []}
    for el in _candidates(tree):
        t = _tier(el)
        if t is not None:
            tiers[t].append(el)
    for t in (1, 2, 3):
        for el in tiers[t]:
            if _excluded(el):
                continue
            text = " ".join(" ".join(_kept_text(el)).split())
            if 2 < len(text) < _MAX_LEN:
                # "Von Jane Doe" -> "Jane Doe"; a cue alone ("By") is a label, not a byline.
                name = _unlabel(_CUE.sub("", text, count=1))
                if name and len(name) > 2:
                    yield name


# A byline box that lists labelled fields ("Datum: 19.11.2021 Autor: Jane Doe Quelle: X",
# "Text und Fotos: Jane Doe"): the value of the author's (or the text's) label.
_LABELLED = re.compile(
    r"(?:^|\s)(?:autor(?:in|en)?|author|auteur|verfasser(?:in)?|text|texte|fotos?|photos?|bilder|interview)"
    r"\s*:\s*(.+?)(?=\s+[^\W\d_][\w.\-]*\s*:(?:\s|$)|$)",
    re.I,
)
# A field that is not the byline: a label and a date ("Stand: 20. April 2020").
_DATE_FIELD = re.compile(r"^[^\W\d_][\w .\-]{0,30}:\s*\d")
# A date line that names the author after a cue ("Oct 30 2020 by Jane Doe · in News").
_DATED_CUE = re.compile(r"^[^\d:]{0,30}\d[^:]{0,30}?\s(?:by|von|par|por)\s+([^·•|]+)")


def _unlabel(text: str) -> str | None:
    """The name part of a marked byline's text, None when it holds a date field only."""
    if ":" in text:
        m = _LABELLED.search(text)
        if m:
            return m.group(1).strip()
        if _DATE_FIELD.match(text):
            return None
    m = _DATED_CUE.match(text)
    if m:
        return m.group(1).strip()
    return text


_NAME_WORD = r"(?:[A-ZÀ-ÖØ-ÞĀ-ž][\w'’.\-]*|[A-Z]\.)"
_CUE_NAME = re.compile(
    rf"^({_NAME_WORD}(?:\s+(?:(?:van|von|de|der|den|da|di|du|la|le|del|dos|das|ter|zu)\s+)?{_NAME_WORD}){{0,3}}"
    rf"(?:\s*(?:,|&|and|und|et|y|e)\s+{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,3}}){{0,3}})"
    r"\s*(?:$|[|/,·•–—(]|-\s|\bam\b|\bon\b|\ble\b|\bel\b|\bupdated\b|\baktualisiert\b|\d)"
)
# How far into the page to look, in elements whose text opens with a cue: the
# byline sits near the headline, and far down a page cues start a comment or a
# reading list. Not sensitive: 8, 20 and 40 scored the same on news-metadata-dev.
_MAX_CUES = 20


def printed_bylines(tree: HtmlElement) -> Iterator[str]:
    """Names from bylines printed with a cue word ("By Jane Doe", "Von Max Muster"), in page order.

    For pages whose byline has no tell-tale markup. Only elements of at most
    a few children whose own text opens with a cue are read, which keeps the
    scan to one pass over the element texts.
    """
    seen = 0
    body = tree.find(".//body")
    for el in (body if body is not None else tree).iter():
        head = el.text
        if not head or not isinstance(el.tag, str) or el.tag in ("script", "style", "option", "textarea"):
            continue
        head = head.lstrip()
        if not head or len(head) > 200 or not _CUE.match(head):
            continue
        seen += 1
        if seen > _MAX_CUES:
            return
        if len(el) > 6 or _excluded(el):
            continue
        text = " ".join(" ".join(_kept_text(el)).split())
        if len(text) > 100:
            continue
        cue = _CUE.match(text)
        if cue is None:
            continue
        m = _CUE_NAME.match(text[cue.end():])
        # One capitalised word after "von" is as often a German noun ("von Einheimischen")
        # as a name: a printed byline needs a first and a last name.
        if m and " " in m.group(1):
            yield m.group(1)
