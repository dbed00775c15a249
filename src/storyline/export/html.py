"""One self-contained HTML report per story: a single file to share.

The report shows what the web story page shows (the same Jinja macros in
``web/templates/_story.html`` and the same inline SVG pictures), with the
stylesheet inlined and no script at all, so it opens from an e-mail attachment
or a USB stick with nothing to fetch except the articles' own images. Citations
cannot point at the web app's article pages from a file, so the report ends with
the cited passages themselves, each with an anchor the citations link to, and
the original URL of each article.

Jinja2 autoescaping is on: every string that comes from an article is escaped.
The only strings marked safe are the stylesheet (storyline's own file) and the
pictures, which escape their own text (see ``export.pictures``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from storyline.export.pictures import coverage_svg, timeline_svg
from storyline.export.view import Cite, Source, StoryView, build_story_view, paragraphs, safe_url
from storyline.records import Article, Story

__all__ = ["render_html", "report_files", "safe_url", "story_pictures", "stylesheet", "template_env"]

_ISO_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")


def when(value: str | None) -> str:
    """An ISO 8601 date or time as a reader writes it: ``2025-06-17 21:00 (UTC+09:00)``."""
    if not value:
        return ""
    m = _ISO_TIME.match(value.strip())
    if not m:
        return value
    zone = "" if not m[3] else " (UTC)" if m[3] == "Z" else f" (UTC{m[3]})"
    return f"{m[1]} {m[2]}{zone}"


def cite_marks(cites: Iterable[Cite], href: Callable[[Cite], str]) -> Markup:
    """The superscript citation links after a sentence: ``[1][3]``, each to its passage.

    Written in Python rather than as a Jinja macro because a story page calls it
    for every sentence, fact value and quote (a macro call cost ~60 µs each in
    bench_web's profile); every value is escaped here.
    """
    parts = []
    for c in cites:
        tip = f"{c.outlet}: {c.title}" + (f", paragraph {c.paragraph}" if c.paragraph else "")
        parts.append(f'<a href="{escape(href(c))}" title="{escape(tip)}">{c.n}</a>')
    return Markup(f'<sup class="cite">{"".join(parts)}</sup>') if parts else Markup("")


def commas(items: Iterable[str]) -> str:
    """``items`` joined by ``", "`` (the caller escapes; a filter, see ``template_env``)."""
    return ", ".join(items)


def template_env() -> Environment:
    """The Jinja2 environment of storyline's pages and reports (autoescape on)."""
    env = Environment(
        loader=PackageLoader("storyline", "web/templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,
        auto_reload=False,  # templates are package data: no stat() per render
    )
    env.filters["when"] = when
    env.filters["commas"] = commas
    env.filters["cite_marks"] = cite_marks  # as a filter: see web/templates/_story.html
    return env


def stylesheet() -> str:
    """storyline's stylesheet (package data), for inlining."""
    return (resources.files("storyline.web") / "static" / "style.css").read_text(encoding="utf-8")


def story_pictures(view: StoryView, link_timeline: str = "#t{n}", link_events: str = "#e{n}") -> dict[str, str]:
    """The story's pictures as SVG text: ``{"timeline": ..., "coverage": ...}`` (empty when none)."""
    return {
        "timeline": timeline_svg(view.timeline, view.sources, link=link_timeline),
        "coverage": coverage_svg(view.coverage, link=link_events),
    }


def _cited_paragraphs(view: StoryView) -> dict[str, set[int]]:
    cited: dict[str, set[int]] = {}
    groups: list[Iterable[Cite]] = [s.cites for s in view.summary]
    groups += [t.cites for t in view.timeline] + [e.cites for e in view.events]
    groups += [v.cites for f in view.facts for v in f.values]
    groups += [q.cites for g in view.quotes for q in g.quotes]
    for cs in groups:
        for c in cs:
            bucket = cited.setdefault(c.article, set())
            if c.paragraph:
                bucket.add(c.paragraph)
    return cited


def render_html(story: Story, articles: Mapping[str, Article], *, generated: str | None = None,
                env: Environment | None = None) -> str:
    """The story as one self-contained HTML document.

    ``articles`` maps ids to the story's articles (others are ignored);
    ``generated`` is the date shown in the footer (default: today, UTC). Pass an
    ``env`` from ``template_env()`` to reuse it across many stories.
    """
    env = env or template_env()
    view = build_story_view(story, articles)
    pics = story_pictures(view)
    cited = _cited_paragraphs(view)
    passages: list[tuple[Source, list[tuple[int, str]]]] = []
    for src in view.sources:
        art = articles.get(src.id)
        paras = paragraphs(art.text) if art else []
        passages.append((src, [(k, paras[k - 1]) for k in sorted(cited.get(src.id, ())) if k <= len(paras)]))

    def cite_href(c: Cite) -> str:
        return f"#s{c.n}-p{c.paragraph}" if c.paragraph else f"#src{c.n}"

    def source_href(s: Source) -> str:
        return f"#src{s.n}"

    def src_url(s: Source) -> str | None:
        return safe_url(s.url)

    context: dict[str, Any] = {
        "view": view,
        "css": Markup(stylesheet()),
        "timeline_svg": Markup(pics["timeline"]),
        "coverage_svg": Markup(pics["coverage"]),
        "passages": passages,
        "cite_href": cite_href,
        "source_href": source_href,
        "src_url": src_url,
        "generated": generated or datetime.now(UTC).date().isoformat(),
    }
    return env.get_template("report.html").render(context)


def report_files(stories: Iterable[Story], articles_of: Callable[[Story], Mapping[str, Article]],
                 fmt: str) -> Iterator[tuple[str, str]]:
    """``(file name, text)`` of one report per story, ``fmt`` ``"md"`` or ``"html"``.

    ``articles_of(story)`` returns the story's articles by id (for a store:
    ``{a.id: a for a in store.articles(story.articles)}``). Names are
    ``<story id>.md`` / ``<story id>.html``; Markdown pictures are embedded, so
    each file stands alone. One template environment serves every story.
    """
    from storyline.export.markdown import render_markdown

    if fmt not in ("md", "html"):
        raise ValueError(f"unknown report format {fmt!r}; use md or html")
    env = template_env() if fmt == "html" else None
    for story in stories:
        arts = articles_of(story)
        if fmt == "md":
            yield f"{story.id}.md", render_markdown(story, arts)
        else:
            yield f"{story.id}.html", render_html(story, arts, env=env)
