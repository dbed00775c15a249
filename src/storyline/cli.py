"""The ``storyline`` command: thin Typer wrappers over the library.

Each command parses its options, calls one library function, and turns the
outcome into the exit codes of CONTRACT.md: 0 when every input was processed,
1 when some failed (each named on stderr as ``error: <path>: <reason>``), 2 for
usage errors (Typer/Click's own convention).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer

from storyline.errors import StoreError, StorylineError, UsageError
from storyline.records import Article, Dossier, Failure
from storyline.settings import Settings

app = typer.Typer(
    name="storyline",
    help="Turn news articles from many outlets into one sourced account of each story.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    """storyline: one sourced account of each story, from many outlets."""
    if version:
        from importlib.metadata import version as _v

        print(_v("storyline"))
        raise typer.Exit(0)


class Format(StrEnum):
    jsonl = "jsonl"
    json = "json"


def report_failure(failure: Failure) -> None:
    """Print one failure in the contract's form."""
    print(str(failure), file=sys.stderr, flush=True)


def extract_stream(paths: list[str], settings: Settings) -> Iterator[Article | Failure]:
    """Ingest and extract every input, yielding Articles and Failures in input order."""
    from storyline.pipeline import extract_all

    return extract_all(paths, settings)


def _open_out(output: Path | None) -> TextIO:
    if output is None or str(output) == "-":
        return sys.stdout
    output.parent.mkdir(parents=True, exist_ok=True)
    return open(output, "w", encoding="utf-8")  # noqa: SIM115 - closed by the caller


def _enrich_in_workers(stream: Iterator[Article], settings: Settings, workers: int) -> Iterator[Article]:
    """``stream`` enriched in ``workers`` processes, in order (``extract --enrich --workers``)."""
    import importlib.util
    from functools import partial

    from storyline.pipeline import BATCH, enricher_stage
    from storyline.workers import OrderedPool, batched

    # Fail here, with the usual message, rather than in every worker.
    if importlib.util.find_spec(settings.spacy_model) is None:
        raise StorylineError(f"the spaCy model package {settings.spacy_model!r} is not installed")
    pool = OrderedPool(partial(enricher_stage, settings), workers=workers)

    return (art for done in pool.map(batched(stream, BATCH)) for art in done)


@app.command(
    epilog="Examples:\n\n  storyline extract ../shared/seeds\n\n"
    "  storyline extract crawl.warc.gz feeds/*.xml --enrich -o articles.jsonl"
)
def extract(
    paths: Annotated[list[str], typer.Argument(help="Files, folders (read recursively) or globs.")],
    enrich: Annotated[bool, typer.Option("--enrich", help="Add entities, quotes and dates.")] = False,
    fmt: Annotated[Format, typer.Option("--format", help="jsonl (one article per line) or json (a list).")] = Format.jsonl,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write here instead of stdout.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary on stderr.")] = False,
    workers: Annotated[int | None, typer.Option("--workers", "-j", min=0, help="With --enrich: processes that enrich (default 1, or STORYLINE_WORKERS; 0: one per CPU core). Same output, same order.")] = None,
) -> None:
    """Write one clean article per input document (no database)."""
    settings = Settings.from_env(workers=workers)
    failed = 0
    written = 0

    def articles() -> Iterator[Article]:
        nonlocal failed
        for item in extract_stream(paths, settings):
            if isinstance(item, Failure):
                failed += 1
                report_failure(item)
            else:
                yield item

    stream: Iterator[Article] = articles()
    if enrich:
        from storyline.pipeline import resolve_workers

        n = resolve_workers(settings.workers)
        try:
            if n <= 1:
                from storyline.enrich import Enricher  # type: ignore[attr-defined,unused-ignore]

                stream = Enricher(settings).pipe(stream)
            else:
                stream = _enrich_in_workers(stream, settings, n)
        except (ImportError, OSError, StorylineError) as exc:
            print(f"error: enrichment unavailable: {exc}", file=sys.stderr)
            raise typer.Exit(2) from exc

    out = _open_out(output)
    try:
        if fmt is Format.json:
            out.write("[")
        for article in stream:
            line = json.dumps(article.to_dict(), ensure_ascii=False)
            if fmt is Format.json:
                out.write(("," if written else "") + "\n" + line)
            else:
                out.write(line + "\n")
            written += 1
        if fmt is Format.json:
            out.write("\n]\n")
    finally:
        if out is not sys.stdout:
            out.close()
    if not quiet:
        where = f" to {output}" if output else ""
        print(f"storyline: {written} article(s) written{where}, {failed} input(s) failed", file=sys.stderr)
    raise typer.Exit(1 if failed else 0)


# -- commands added by the stages' owners go below ------------------------------


@app.command(
    epilog="Examples:\n\n  storyline build ../shared/seeds\n\n"
    "  storyline build crawl.warc.gz more/ --db news.db   # re-run any time: only new articles are added\n\n"
    "  storyline build big-folder/ --workers 0   # enrich on every CPU core\n\n"
    "  storyline build --engine spark --manifest warcs.txt --out run/   # then: storyline import run/ --db news.db"
)
def build(
    paths: Annotated[list[str] | None, typer.Argument(help="Files, folders (read recursively) or globs.")] = None,
    db: Annotated[Path | None, typer.Option("--db", help="The store to build into (default: storyline.db).")] = None,
    no_enrich: Annotated[bool, typer.Option("--no-enrich", help="Skip entities/quotes/dates (faster, coarser).")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary on stderr.")] = False,
    workers: Annotated[int | None, typer.Option("--workers", "-j", min=0, help="Processes that enrich articles (default 1, or STORYLINE_WORKERS; 0: one per CPU core). Same result for any number.")] = None,
    engine: Annotated[str, typer.Option("--engine", help="local (in this process, into --db) or spark (Parquet into --out).")] = "local",
    manifest: Annotated[Path | None, typer.Option("--manifest", help="Spark: a file listing inputs, one path or URI (file://, s3://, https://) per line.")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Spark: the folder for the Parquet tables (default: storyline-spark).")] = None,
    master: Annotated[str | None, typer.Option("--master", help="Spark: the master URL (default: local[*], or what spark-submit sets).")] = None,
) -> None:
    """Extract, enrich, dedup and cluster into stories and events, incrementally."""
    if engine not in ("local", "spark"):
        print(f"error: unknown engine {engine!r}; use local or spark", file=sys.stderr)
        raise typer.Exit(2)
    if not paths and not manifest:
        print("error: give input paths, or --manifest FILE with --engine spark", file=sys.stderr)
        raise typer.Exit(2)
    if engine == "spark":
        _build_on_spark(paths or [], manifest, out, master, no_enrich, quiet)
        return
    if manifest:
        print("error: --manifest needs --engine spark (the local engine takes paths)", file=sys.stderr)
        raise typer.Exit(2)
    paths = paths or []
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from storyline.pipeline import build as run_build

    settings = Settings.from_env(db=str(db) if db else None, workers=workers)
    console = Console(stderr=True)
    bars = Progress(TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=console, disable=quiet or not console.is_terminal, transient=False)
    tasks: dict[str, Any] = {}

    def on_progress(stage: str, done: int, total: int | None) -> None:
        if stage not in tasks:
            for earlier in tasks.values():  # a stage ends when the next begins
                t = bars.tasks[earlier]
                bars.update(earlier, total=t.completed, completed=t.completed)
            tasks[stage] = bars.add_task(stage, total=total)
        bars.update(tasks[stage], completed=done, total=total)

    def on_log(msg: str) -> None:
        # With live bars the per-batch lines are noise; notes still matter.
        if not bars.disable and msg.startswith("stored "):
            return
        console.print(f"storyline: {msg}", highlight=False, markup=False)

    try:
        with bars:
            report = run_build(
                paths, settings, enrich=not no_enrich, on_failure=report_failure,
                log=None if quiet else on_log, progress=on_progress,
            )
    except StorylineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise typer.Exit(2) from exc
    except KeyboardInterrupt:
        print(f"storyline: interrupted; every batch committed so far stays in {settings.db}, and the "
              "same command picks up where this one stopped", file=sys.stderr)
        raise typer.Exit(130) from None
    if not quiet:
        print(
            f"storyline: {report.added} new article(s) ({report.already_stored} already stored, "
            f"{report.duplicates} near-copies), {report.stories_touched} story(ies) updated, "
            f"{report.stories_total} in {settings.db}; {len(report.failures)} input(s) failed",
            file=sys.stderr,
        )
    raise typer.Exit(report.exit_code)


def _build_on_spark(paths: list[str], manifest: Path | None, out: Path | None, master: str | None,
                    no_enrich: bool, quiet: bool) -> None:
    """``build --engine spark``: the same stages on Spark, written as Parquet tables."""
    try:
        from storyline.spark import run_spark_build
    except ImportError as exc:
        print(f"error: the Spark engine needs the spark extra (pip install 'storyline[spark]'): {exc}", file=sys.stderr)
        raise typer.Exit(2) from exc
    settings = Settings.from_env()
    folder = str(out or "storyline-spark")
    try:
        # run_spark_build prints each failure as `error: <source>: <reason>` itself.
        result = run_spark_build(paths, str(manifest) if manifest else None, folder, settings, master,
                                 enrich=not no_enrich,
                                 log=None if quiet else (lambda m: print(f"storyline: {m}", file=sys.stderr)))
    except (StorylineError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise typer.Exit(2) from exc
    if not quiet:
        print(f"storyline: Spark build written to {folder}; load it with `storyline import {folder} --db FILE`",
              file=sys.stderr)
    raise typer.Exit(1 if result.failures else 0)


@app.command(epilog="Example:\n\n  storyline stories --db news.db")
def stories(
    db: Annotated[Path | None, typer.Option("--db", help="The store to read (default: storyline.db).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table (default) or jsonl.")] = "table",
) -> None:
    """List the stories: id, title, dates, number of articles and outlets."""
    from storyline.store import Store

    settings = Settings.from_env(db=str(db) if db else None)
    try:
        with Store(settings.db, readonly=True) as store:
            rows = store.story_rows()
    except StorylineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise typer.Exit(2) from exc
    for r in rows:
        if fmt == "jsonl":
            print(json.dumps({"id": r.id, "title": r.title, "first": r.first, "last": r.last,
                              "articles": r.articles, "outlets": list(r.outlets)}, ensure_ascii=False))
        else:
            dates = f"{(r.first or '?')[:10]}..{(r.last or '?')[:10]}"
            outlets = ", ".join(r.outlets) or "-"
            print(f"{r.id}  {dates}  {r.articles:>4} art.  {len(r.outlets):>3} outl.  {r.title}  [{outlets}]")


EXPORT_FORMATS = ("json", "jsonl", "md", "html", "newsplease", "jsonld")


@app.command(
    epilog="Examples:\n\n  storyline export -o dossier.json\n\n"
    "  storyline export --story 95b2 --format html -o story.html   # one self-contained report\n\n"
    "  storyline export --format html -o reports/   # one report per story in a folder\n\n"
    "  storyline export --format md -o dossier.md\n\n"
    "  storyline export --format newsplease -o articles.jsonl   # news-please-compatible records\n\n"
    "  storyline export --format jsonld -o articles.jsonld      # schema.org NewsArticle"
)
def export(
    db: Annotated[Path | None, typer.Option("--db", help="The store to read (default: storyline.db).")] = None,
    story: Annotated[str | None, typer.Option("--story", help="Only this story (its id or a unique prefix).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="json, jsonl, md, html, newsplease or jsonld.")] = "json",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write here instead of stdout (a folder for several html reports).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary on stderr.")] = False,
) -> None:
    """Write the dossier (json/jsonl), per-story reports (md/html) or the articles (newsplease/jsonld)."""
    from storyline.export.json import dossier, write_dossier
    from storyline.store import Store

    settings = Settings.from_env(db=str(db) if db else None)
    if fmt not in EXPORT_FORMATS:
        print(f"error: unknown format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}", file=sys.stderr)
        raise typer.Exit(2)
    try:
        with Store(settings.db, readonly=True) as store:
            d = dossier(store, story)
            if fmt in ("md", "html"):
                _write_reports(d, fmt, output, quiet)
                raise typer.Exit(0)
            out = _open_out(output)
            try:
                if fmt in ("json", "jsonl"):
                    write_dossier(d, out, fmt)
                elif fmt == "newsplease":
                    from storyline.export.newsplease import write_newsplease

                    write_newsplease(d.articles, out)
                else:
                    from storyline.export.jsonld import render_jsonld

                    entities = {e.id: e for s in d.stories for e in s.entities}
                    out.write(render_jsonld(d.articles, entities))
            finally:
                if out is not sys.stdout:
                    out.close()
    except StorylineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise typer.Exit(2) from exc
    if not quiet:
        where = f" to {output}" if output else ""
        print(f"storyline: exported {len(d.stories)} story(ies), {len(d.articles)} article(s){where}", file=sys.stderr)


def _write_reports(d: Dossier, fmt: str, output: Path | None, quiet: bool) -> None:
    """Write one md/html report per story: to a folder, one file, or stdout."""
    from rich.progress import Progress

    from storyline.export.html import report_files

    by_id = {a.id: a for a in d.articles}
    stories = list(d.stories)
    to_folder = output is not None and (output.is_dir() or output.suffix == "")
    if fmt == "html" and len(stories) > 1 and not to_folder:
        raise UsageError(
            f"{len(stories)} stories make {len(stories)} HTML reports: give -o FOLDER, or --story ID for one file"
        )
    if to_folder and output is not None:
        output.mkdir(parents=True, exist_ok=True)
    out = None if to_folder else _open_out(output)
    written = 0
    with Progress(disable=quiet or not sys.stderr.isatty(), transient=True) as progress:
        task = progress.add_task(f"writing {fmt} reports", total=len(stories))
        try:
            files = report_files(stories, lambda s: {i: by_id[i] for i in s.articles if i in by_id}, fmt)
            for name, text in files:
                if to_folder and output is not None:
                    (output / name).write_text(text, encoding="utf-8")
                elif out is not None:
                    out.write(("\n\n---\n\n" if written else "") + text)
                written += 1
                progress.advance(task)
        finally:
            if out is not None and out is not sys.stdout:
                out.close()
    if not quiet:
        where = f" in {output}" if output else ""
        print(f"storyline: wrote {written} {fmt} report(s){where}", file=sys.stderr)


@app.command(
    "import",
    epilog="Example:\n\n  storyline build --engine spark --manifest warcs.txt --out run/\n\n"
    "  storyline import run/ --db news.db && storyline serve --db news.db",
)
def import_(
    folder: Annotated[Path, typer.Argument(help="The output folder of a Spark build (its Parquet tables).")],
    db: Annotated[Path | None, typer.Option("--db", help="The store to load into (default: storyline.db).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary on stderr.")] = False,
) -> None:
    """Load a Spark build's Parquet tables into the SQLite store (for serve and export)."""
    from storyline.spark.tables import import_tables

    settings = Settings.from_env(db=str(db) if db else None)
    if not (folder / "articles").is_dir():
        print(f"error: {folder}: no Spark build here (no articles table); run `storyline build --engine spark --out {folder}`",
              file=sys.stderr)
        raise typer.Exit(2)
    try:
        done = import_tables(folder, settings.db)
    except (ImportError, StorylineError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise typer.Exit(2) from exc
    if not quiet:
        print(f"storyline: {done.articles} new article(s), {done.stories} story(ies) into {settings.db}; "
              f"the build reported {len(done.failures)} failed input(s)", file=sys.stderr)
    raise typer.Exit(0)


@app.command(
    epilog="Examples:\n\n  storyline serve\n\n"
    "  storyline serve --db seeds.db --port 8080\n\n"
    "  storyline serve --db seeds.db --host 0.0.0.0   # reachable from other machines\n\n"
    "  storyline serve --db news.db --workers 2      # two processes, each with its own page cache"
)
def serve(
    db: Annotated[Path | None, typer.Option("--db", help="The store to show (default: storyline.db).")] = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on; 127.0.0.1 keeps it on this machine.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64, help="Server processes (more serve more readers at once).")] = 1,
    cache_mb: Annotated[int, typer.Option("--cache-mb", min=0, help="Megabytes of rendered pages each process keeps (0: no page cache).")] = 64,
    warm: Annotated[int, typer.Option("--warm", min=0, help="At startup, render this many of the newest stories' pages in the background (until the cache is full).")] = 10_000,
) -> None:
    """Serve the web app and JSON API over a store, read-only (API docs at /api)."""
    import os

    import uvicorn

    from storyline.web import WebOptions

    options = WebOptions(cache_mb=cache_mb, warm=warm)
    settings = Settings.from_env(db=str(db) if db else None)
    if not Path(settings.db).is_file():
        print(f"error: {settings.db}: no such store; build one with `storyline build PATH --db {settings.db}`",
              file=sys.stderr)
        raise typer.Exit(2)
    _upgrade_store(settings.db)
    print(f"storyline: serving {settings.db} at http://{host}:{port}/ (Ctrl+C stops)", file=sys.stderr)
    if workers > 1:
        # Worker processes build their own app from the environment.
        os.environ["STORYLINE_DB"] = str(Path(settings.db).resolve())
        os.environ.update(options.to_env())
        uvicorn.run("storyline.web.app:app_factory", factory=True, host=host, port=port,
                    workers=workers, log_level="warning")
    else:
        from storyline.web import create_app

        uvicorn.run(create_app(settings, options=options), host=host, port=port, log_level="warning")


def _upgrade_store(db: str) -> None:
    """Bring a store written by an older storyline up to the current schema before serving it.

    The server opens the store read-only, so it cannot migrate it itself;
    migrations only add tables and indexes, so upgrading once here keeps an
    existing store servable without a rebuild. Exits 2 with the reason when the
    store cannot be opened or upgraded (e.g. a newer schema, or a read-only file).
    """
    from storyline.store import Store

    try:
        with Store(db, readonly=True):
            return
    except StoreError:
        pass
    try:
        with Store(db):
            print(f"storyline: upgraded {db} to the current schema", file=sys.stderr)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise typer.Exit(2) from None


def main() -> None:
    """Console entry point."""
    app()


if __name__ == "__main__":
    main()
