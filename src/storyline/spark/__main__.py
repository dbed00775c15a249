"""The Spark job's entry point for ``spark-submit`` (the cluster sets the master).

    spark-submit --archives env.tar.gz#env ... "$(python -c 'import storyline.spark.__main__ as m; print(m.__file__)')" \\
        --manifest s3://bucket/warcs.txt --out s3a://bucket/run-2024-01/

Exit codes follow CONTRACT.md: 0 all inputs processed, 1 some failed (each
named on stderr as ``error: <source>: <reason>``), 2 usage error.
"""

from __future__ import annotations

import argparse
import sys

from storyline.settings import Settings


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, run ``run_spark_build``, print a summary on stderr."""
    ap = argparse.ArgumentParser(prog="storyline.spark", description="Run storyline's pipeline on Spark.")
    ap.add_argument("inputs", nargs="*", help="files or folders (local); URIs go in the manifest")
    ap.add_argument("--manifest", help="a text file: one input path or URI per line (file://, s3://, https://)")
    ap.add_argument("--out", default="storyline-spark", help="output folder or URI of the Parquet tables")
    ap.add_argument("--master", help="e.g. local[4]; leave unset under spark-submit")
    ap.add_argument("--no-enrich", action="store_true", help="skip entities, quotes and dates")
    args = ap.parse_args(argv)
    if not args.inputs and not args.manifest:
        ap.print_usage(sys.stderr)
        print("error: give input paths or --manifest", file=sys.stderr)
        return 2
    from storyline.spark import run_spark_build

    result = run_spark_build(args.inputs, args.manifest, args.out, Settings.from_env(), args.master,
                             enrich=not args.no_enrich, log=lambda m: print(f"storyline: {m}", file=sys.stderr))
    print(f"storyline: {result.articles} article(s), {result.stories} story(ies), {result.events} event(s) "
          f"in {result.out_dir}; {len(result.failures)} input(s) failed; largest block {result.largest_block} "
          f"article(s); {result.seconds:.0f} s", file=sys.stderr)
    return 1 if result.failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
