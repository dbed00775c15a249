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
from typing import Annotated, TextIO

import typer

from storyline.errors import ExtractError, StorylineError
from storyline.records import Article, Failure
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
    from storyline.extract import extract_article
    from storyline.ingest import iter_documents

    for doc in iter_documents(paths, settings):
        if isinstance(doc, Failure):
            yield doc
            continue
        try:
            yield extract_article(doc)
        except ExtractError as exc:
            yield Failure(doc.source, str(exc))
        except RecursionError:
            yield Failure(doc.source, "document nested too deeply to parse")
        except Exception as exc:  # a bug must not stop the other inputs; name it
            yield Failure(doc.source, f"internal error while extracting ({type(exc).__name__}: {exc})")


def _open_out(output: Path | None) -> TextIO:
    if output is None or str(output) == "-":
        return sys.stdout
    output.parent.mkdir(parents=True, exist_ok=True)
    return open(output, "w", encoding="utf-8")  # noqa: SIM115 - closed by the caller


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
) -> None:
    """Write one clean article per input document (no database)."""
    settings = Settings.from_env()
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
        try:
            from storyline.enrich import Enricher  # type: ignore[attr-defined,unused-ignore]

            stream = Enricher(settings).pipe(stream)
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


def main() -> None:
    """Console entry point."""
    app()


if __name__ == "__main__":
    main()
