"""Scraped-text quality: pages as a scraper saves them (visible text, furniture in) read back.

storyline reads two kinds of page: HTML, and the *visible text* of a page saved by a scraper
(one block per line, menus, share prompts and "most read" lists still in, images sometimes as
markdown). The HTML path is measured by bench_extraction.py and bench_metadata.py; this bench
measures the text path on the same public pages, so the figures cover hundreds of outlets:

1. Each HTML page is rendered to its visible text the way a browser's ``innerText`` does
   (``visible_text``): scripts, styles and ``<head>`` dropped; every block element (``p``,
   ``div``, ``li``, ``h1``-``h6``, ``tr``, ...) on its own line; ``<br>`` a line break; with
   ``--images markdown`` an image with alt text becomes ``![alt](src)`` as in Markdown scrapes.
2. storyline reads the text (``RawDoc(kind="text")`` -> ``extract_article``).
3. Scored with the data sets' own scorers:
   - body text: ../shared/data/article-extraction-benchmark (181 pages),
     ../shared/eval/score_extraction.py (4-token shingles, macro P/R/F1);
   - title, published date, authors, body: ../shared/data/news-metadata-dev (548 pages),
     ../shared/eval/score_metadata.py.

The peers in the same run: the rendered text kept whole ("all text", the floor a reader of
raw scrapes starts from), and trafilatura on the page's HTML (it cannot read plain text; its
figure is what the tree gives, the ceiling the text path approaches).

Run:  .venv/bin/python bench/bench_scraped.py [--limit N] [--images none|markdown]
Writes bench/results/scraped.json and prints a table.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

import lxml.html

from bench_extraction import load_pages as load_extraction_pages
from bench_extraction import score as score_bodies
from bench_metadata import evaluate as evaluate_metadata
from bench_metadata import load_pages as load_metadata_pages
from pages import load_module

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
RESULTS = ROOT / "bench" / "results" / "scraped.json"

_BLOCKS = frozenset(["address", "article", "aside", "blockquote", "body", "dd", "details", "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "thead", "tfoot", "tr", "ul", "caption", "option", "select", "textarea", "label", "button", "td", "th"])
_DROP = ("script", "style", "noscript", "template", "svg", "head", "iframe", "object", "canvas")
_SPACE = re.compile(r"[ \t\r\f\v\u00a0]+")


def visible_text(html: str, images: str = "none") -> str:
    """The text a browser shows for ``html``, one block per line (see the module docstring)."""
    if not html.strip():
        return ""
    try:
        root = lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return ""
    # listed first: dropping while iterating would skip the next sibling
    for el in [*root.iter(*_DROP), *root.iter(lxml.etree.Comment)]:
        if el.getparent() is not None:
            el.drop_tree()
    parts: list[str] = []

    def walk(el: Any) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        block = tag in _BLOCKS
        if block:
            parts.append("\n")
        if tag == "br":
            parts.append("\n")
        elif tag == "img" and images == "markdown":
            alt = (el.get("alt") or "").strip()
            if alt:
                parts.append(f"\n![{alt}]({el.get('src') or ''})\n")
        if el.text and tag:
            parts.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if block:
            parts.append("\n")

    walk(root)
    lines = (_SPACE.sub(" ", ln).strip() for ln in "".join(parts).split("\n"))
    out: list[str] = []
    for ln in lines:
        if ln or (out and out[-1]):
            out.append(ln)
    return "\n".join(out).strip() + "\n"


def read_text(source: str, text: str, url: str | None) -> dict[str, Any]:
    """storyline's text path on one rendered page (an empty record when it finds no article)."""
    from storyline.errors import ExtractError
    from storyline.extract import extract_article
    from storyline.records import RawDoc

    try:
        return extract_article(RawDoc(source=source, kind="text", body=text, url=url)).to_dict()
    except ExtractError:
        return {"source": source, "text": ""}


def text_path_bodies(gt: dict[str, Any], texts: dict[str, str]) -> dict[str, str]:
    """{page id: body} from storyline's text path over the rendered pages."""
    return {k: read_text(f"{k}.txt", t, gt[k]["url"])["text"] for k, t in texts.items()}


def bodies(limit: int | None, images: str) -> dict[str, Any]:
    """Body P/R/F1 on article-extraction-benchmark for storyline's text path and the peers."""
    import trafilatura

    scorer = load_module(SHARED / "eval" / "score_extraction.py")
    gt, pages = load_extraction_pages(limit)
    texts = {k: visible_text(h, images) for k, h in pages.items()}
    out: dict[str, Any] = {"docs": len(pages)}
    t0 = time.process_time()
    ours = text_path_bodies(gt, texts)
    out["storyline (text)"] = {**score_bodies(scorer, gt, ours), "cpu_seconds": round(time.process_time() - t0, 2)}
    out["all text"] = score_bodies(scorer, gt, texts)
    t0 = time.process_time()
    traf = {k: trafilatura.extract(h, url=gt[k]["url"], favor_precision=True, include_comments=False) or ""
            for k, h in pages.items()}
    out["trafilatura (HTML)"] = {**score_bodies(scorer, gt, traf), "cpu_seconds": round(time.process_time() - t0, 2)}
    return out


def metadata(limit: int | None, images: str, with_url: bool = True) -> dict[str, Any]:
    """score_metadata.py figures on news-metadata-dev for storyline's text path (with each
    page's URL, as a crawl gives it, or without, as a folder of saved text files does)."""
    scorer = load_module(SHARED / "eval" / "score_metadata.py")
    gold, pages = load_metadata_pages(limit)
    preds = [read_text(f"html/{k}.gz", visible_text(h, images), (gold[k].get("url") or None) if with_url else None)
             for k, h in pages.items()]
    return dict(evaluate_metadata(scorer, gold, preds))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--limit", type=int, help="only the first N pages of each set (sorted)")
    ap.add_argument("--images", choices=("none", "markdown"), default="markdown")
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args(argv)
    result = {"images": args.images, "body": bodies(args.limit, args.images),
              "metadata": metadata(args.limit, args.images),
              "metadata_without_url": metadata(args.limit, args.images, with_url=False)}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    b = result["body"]
    print(f"body (article-extraction-benchmark, {b['docs']} pages)")
    for name in ("storyline (text)", "all text", "trafilatura (HTML)"):
        r = b[name]
        print(f"  {name:<22} P {r['precision']:.4f}  R {r['recall']:.4f}  F1 {r['f1']:.4f}")
    m = result["metadata"]
    print(f"metadata (news-metadata-dev, {m['docs']} pages): title exact {m['title']['exact']}, "
          f"date day {m['date']['day']}, author name F1 {m['author']['name_f1']}, body F1 {m['body']['f1']}")
    m = result["metadata_without_url"]
    print(f"  the same without URLs: title exact {m['title']['exact']}, date day {m['date']['day']}, "
          f"author name F1 {m['author']['name_f1']}")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
