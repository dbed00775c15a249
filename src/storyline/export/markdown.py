"""One Markdown report per story: the story page as text a person can paste anywhere.

Same content and order as the web story page (``export.view`` builds it once):
the cited summary, the timeline (picture and list), the events, the fact table
with conflicts marked, quotes by speaker with the outlets carrying each, the
coverage picture and the entities, then the numbered sources. A citation
``[2 ¶4]`` means source 2, paragraph 4 of its text.

The pictures are the same SVG as on the web page. By default they are embedded
as ``data:`` images so the report stays one file (VS Code, Obsidian, pandoc and
most viewers show them; GitHub does not render ``data:`` images, so pass
``picture_links`` to refer to ``.svg`` files written beside the report instead —
``story_pictures`` in ``export.html`` gives their text).

Article text can hold anything, and Markdown passes raw HTML through, so every
string from an article goes through ``md_escape``: ``<`` and ``&`` become
entities (no tag can open) and Markdown's own punctuation is backslash-escaped.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping

from storyline.export.html import safe_url, story_pictures
from storyline.export.view import Cite, StoryView, build_story_view, quoted
from storyline.records import Article, Story

# Parentheses, "!" and "#" only mean something next to brackets or at a line's start,
# both handled, so prose like "(G7)" stays readable in the raw file.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def md_escape(text: str, table: bool = False) -> str:
    """Text safe to place in Markdown: no HTML, no accidental emphasis, links or lists.

    ``table=True`` also folds newlines, which would end a table row.
    """
    t = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    t = _MD_SPECIAL.sub(r"\\\1", t)
    # A line starting with "1." or "-" would become a list item.
    t = re.sub(r"^(\s*)(\d+)\.", r"\1\2\\.", t, flags=re.M)
    t = re.sub(r"^(\s*)([-+#>])", r"\1\\\2", t, flags=re.M)
    if table:
        t = " ".join(t.split())
    return t


def _cites(cs: tuple[Cite, ...]) -> str:
    if not cs:
        return ""
    parts = [f"{c.n} ¶{c.paragraph}" if c.paragraph else str(c.n) for c in cs]
    return " [" + "; ".join(parts) + "]"


def _picture(name: str, svg: str, links: Mapping[str, str] | None) -> str:
    if not svg:
        return ""
    if links and name in links:
        return f"![{name}]({links[name]})\n\n"
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return f"![{name}](data:image/svg+xml;base64,{data})\n\n"


def _n(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _dates(view: StoryView) -> str:
    if not view.first:
        return ""
    first, last = view.first[:10], (view.last or view.first)[:10]
    return first if first == last else f"{first} – {last}"


def render_markdown_view(view: StoryView, picture_links: Mapping[str, str] | None = None) -> str:
    """Lay out an already-built StoryView as Markdown."""
    pics = story_pictures(view)
    out: list[str] = [f"# {md_escape(view.title)}\n\n"]
    facts = [x for x in (
        _dates(view), _n(len(view.sources), "article"), _n(len(view.outlets), "outlet"),
        _n(len(view.events), "event"), _n(view.conflicts, "conflicting fact") if view.conflicts else "",
    ) if x]
    out.append("*" + " · ".join(facts) + "*\n\n")

    out.append("## Summary\n\n")
    if view.summary:
        out.append(" ".join(md_escape(s.text) + _cites(s.cites) for s in view.summary) + "\n\n")
    else:
        out.append("No summary yet.\n\n")

    out.append("## Timeline\n\n")
    out.append(_picture("timeline", pics["timeline"], picture_links))
    for t in view.timeline:
        status = f" *({t.status})*" if t.status != "reported" else ""
        out.append(f"{t.n}. **{md_escape(t.date)}**{status} {md_escape(t.text)}{_cites(t.cites)}\n")
    out.append("\n" if view.timeline else "No dated entries yet.\n\n")

    out.append("## Events\n\n")
    for e in view.events:
        when = md_escape(e.date or "undated") + (f" – {md_escape(e.end_date)}" if e.end_date else "")
        where = f" — {md_escape(', '.join(e.places))}" if e.places else ""
        out.append(f"{e.n}. **{md_escape(e.title)}** ({when}){where}{_cites(e.cites)}\n")
    out.append("\n" if view.events else "No events yet.\n\n")

    out.append("## Facts\n\n")
    if view.facts:
        out.append("| Event | Fact | Status | What each source says |\n|---|---|---|---|\n")
        for f in view.facts:
            status = f"**{f.status.upper()}**" if f.conflict else f.status
            values = "; ".join(
                f"“{md_escape(v.value, table=True)}” ({md_escape(', '.join(dict.fromkeys(c.outlet for c in v.cites)), table=True)}){_cites(v.cites)}"
                for v in f.values
            )
            out.append(f"| {md_escape(f.event_title, table=True)} | {md_escape(f.slot, table=True)} | {status} | {values} |\n")
        out.append("\n")
    else:
        out.append("No fact table yet.\n\n")

    out.append("## Quotes\n\n")
    for g in view.quotes:
        out.append(f"### {md_escape(g.speaker)}\n\n")
        for q in g.quotes:
            carried = md_escape(", ".join(q.outlets))
            out.append(f"> {md_escape(quoted(q.text), table=True)}{_cites(q.cites)}  \n> *carried by {carried}*\n\n")
    if not view.quotes:
        out.append("No quotes found.\n\n")

    out.append("## Coverage\n\n")
    out.append(_picture("coverage", pics["coverage"], picture_links))
    if view.coverage.events:
        header = " | ".join(str(e.n) for e in view.coverage.events)
        out.append(f"| Outlet | {header} |\n|---|" + "---|" * len(view.coverage.events) + "\n")
        for outlet, row in zip(view.coverage.outlets, view.coverage.counts, strict=True):
            cells = " | ".join(str(n) if n else "·" for n in row)
            out.append(f"| {md_escape(outlet, table=True)} | {cells} |\n")
        out.append("\n")
    else:
        out.append("No events to draw yet.\n\n")

    out.append("## Entities\n\n")
    for etype, rows in view.entities:
        names = ", ".join(f"{md_escape(r.name)} ({r.articles})" for r in rows)
        out.append(f"- **{md_escape(etype)}**: {names}\n")
    out.append("\n" if view.entities else "No entities yet.\n\n")

    out.append("## Sources\n\n")
    for s in view.sources:
        title = md_escape(s.title)
        url = safe_url(s.url)
        link = f"[{title}](<{url}>)" if url else title
        when = f", {s.published[:10]}" if s.published else ""
        copy = " (near-copy of another source)" if s.copy_of else ""
        out.append(f"{s.n}. {md_escape(s.outlet)}: {link}{when}{copy}\n")
    return "".join(out)


def render_markdown(story: Story, articles: Mapping[str, Article],
                    picture_links: Mapping[str, str] | None = None) -> str:
    """The story as a Markdown report.

    ``articles`` maps ids to the story's articles. ``picture_links`` maps
    ``"timeline"``/``"coverage"`` to file names to link instead of embedding
    the pictures (write ``story_pictures(...)`` to those files).
    """
    return render_markdown_view(build_story_view(story, articles), picture_links)
