"""CPU per uncached story page, in-process, on bench_web's 10k-article store.

What an uncached story page costs, without HTTP or a load generator: for every
story of the store, read it and its article heads, build the view
(export/view.py), draw the two pictures (export/pictures.py) and render the
template, each phase timed with ``time.process_time`` (CPU, not wall clock: the
bench machine is shared). Each story is rendered ``--repeat`` times and its
fastest run kept (the least disturbed by other processes).

Run:  .venv/bin/python bench/bench_story_render.py [--db bench/cache/web-10000.db] [--repeat 3]
(the store is bench_web.py's 10k-article store, built here the same way when it is missing).
Writes bench/results/story_render.json. Goal (issue 6): median <= 2 ms, largest story well under 50 ms.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from markupsafe import Markup

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from storyline.export.html import story_pictures  # noqa: E402
from storyline.export.view import build_story_view  # noqa: E402
from storyline.web.render import Pages  # noqa: E402
from storyline.web.repo import SqliteRepository  # noqa: E402
from storyline.web.routes.stories import _cite_href, _source_href  # noqa: E402

PHASES = ("read", "view", "pictures", "template", "total")


def render_phases(repo: SqliteRepository, ui: Pages, sid: str, repeat: int) -> dict[str, float]:
    """Milliseconds of CPU per phase of rendering story ``sid``'s page, the fastest of ``repeat`` runs."""
    best: dict[str, float] | None = None
    for _ in range(repeat):
        t0 = time.process_time()
        story = repo.get_story(sid)
        arts = repo.get_article_heads(story.articles)
        t1 = time.process_time()
        view = build_story_view(story, arts)
        t2 = time.process_time()
        pics = story_pictures(view)
        t3 = time.process_time()
        # What routes/stories.py's story_page_html does, phase by phase.
        ui.html("story.html", q="", view=view, cite_href=_cite_href, source_href=_source_href,
                timeline_svg=Markup(pics["timeline"]), coverage_svg=Markup(pics["coverage"]))
        t4 = time.process_time()
        cur = dict(zip(PHASES, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t4 - t0), strict=True))
        best = cur if best is None else {k: min(best[k], cur[k]) for k in cur}
    assert best is not None
    return {k: v * 1000 for k, v in best.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", type=Path, default=ROOT / "bench" / "cache" / "web-10000.db")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "story_render.json")
    args = ap.parse_args()
    if not args.db.exists():  # bench_web's synthetic store, made the same way (its build_store)
        sys.path.insert(0, str(ROOT / "bench"))
        from bench_web import build_store

        args.db.parent.mkdir(parents=True, exist_ok=True)
        build_store(args.db, 10_000)
    repo = SqliteRepository(str(args.db))
    ids = [r[0] for r in repo.conn.execute("SELECT id FROM stories ORDER BY n_articles DESC, id")]
    ui = Pages(args.db.name, {})
    per: dict[str, list[float]] = {p: [] for p in PHASES}
    for sid in ids:
        for k, v in render_phases(repo, ui, sid, args.repeat).items():
            per[k].append(v)
    # The largest story again, alone and with more repeats: in the loop above it ran
    # first, before the process and SQLite's page cache had warmed up.
    largest = render_phases(repo, ui, ids[0], 10)
    result = {
        "stories": len(ids), "repeat": args.repeat, "unit": "ms of CPU (process_time), fastest of repeats",
        "median": {k: round(statistics.median(v), 3) for k, v in per.items()},
        "p90": {k: round(sorted(v)[int(0.9 * len(v))], 3) for k, v in per.items()},
        "max": {k: round(max(v), 3) for k, v in per.items()},
        "largest_story": {"id": ids[0], "repeat": 10, **{k: round(v, 3) for k, v in largest.items()}},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
