"""Quality gate: extraction and metadata figures may not drop below the floors in bench/baselines.json.

Re-measures on a fixed, deterministic subset (the first N pages by sorted id/file
name) through the same functions bench/bench_extraction.py and bench_metadata.py
use, so the gate and the benchmarks cannot disagree on what is measured. The full
runs are the bench scripts; floors sit slightly below what they measured on
these subsets (see ``measured`` next to each floor).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import bench_extraction  # noqa: E402
import bench_metadata  # noqa: E402

BASELINES = json.loads((ROOT / "bench" / "baselines.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def extraction_figures() -> dict[str, float]:
    cfg = BASELINES["extraction"]
    gt, pages = bench_extraction.load_pages(limit=cfg["subset"])
    preds = bench_extraction.run_storyline(gt, pages)
    return bench_extraction.score(bench_extraction.load_scorer(), gt, preds)


@pytest.fixture(scope="module")
def metadata_figures() -> dict[str, Any]:
    cfg = BASELINES["metadata"]
    gold, pages = bench_metadata.load_pages(limit=cfg["subset"])
    preds = bench_metadata.run_storyline(gold, pages)
    return bench_metadata.evaluate(bench_metadata.load_scorer(), gold, preds)


@pytest.mark.parametrize("figure", sorted(BASELINES["extraction"]["floors"]))
def test_extraction_floor(extraction_figures: dict[str, float], figure: str) -> None:
    floor = BASELINES["extraction"]["floors"][figure]
    assert extraction_figures[figure] >= floor, (
        f"body extraction {figure} fell to {extraction_figures[figure]} (floor {floor}); "
        "run bench/bench_extraction.py to see which pages changed"
    )


@pytest.mark.parametrize("figure", sorted(BASELINES["metadata"]["floors"]))
def test_metadata_floor(metadata_figures: dict[str, Any], figure: str) -> None:
    field, name = figure.split(".")
    floor = BASELINES["metadata"]["floors"][figure]
    value = metadata_figures[field][name]
    assert value is not None and value >= floor, (
        f"metadata {figure} fell to {value} (floor {floor}); run bench/bench_metadata.py"
    )


@pytest.fixture(scope="module")
def scraped_figures() -> dict[str, float]:
    import bench_scraped

    cfg = BASELINES["scraped"]
    gt, pages = bench_extraction.load_pages(limit=cfg["subset"])
    texts = {k: bench_scraped.visible_text(h, "markdown") for k, h in pages.items()}
    return bench_extraction.score(bench_extraction.load_scorer(), gt, bench_scraped.text_path_bodies(gt, texts))


@pytest.mark.parametrize("figure", sorted(BASELINES["scraped"]["floors"]))
def test_scraped_text_floor(scraped_figures: dict[str, float], figure: str) -> None:
    """The same pages saved as visible text (furniture in) through the text path."""
    floor = BASELINES["scraped"]["floors"][figure]
    assert scraped_figures[figure] >= floor, (
        f"scraped-text body {figure} fell to {scraped_figures[figure]} (floor {floor}); "
        "run bench/bench_scraped.py to see which pages changed"
    )


@pytest.fixture(scope="module")
def scraped_metadata_figures() -> dict[str, Any]:
    import bench_scraped

    return bench_scraped.metadata(BASELINES["scraped_metadata"]["subset"], "markdown")


@pytest.mark.parametrize("figure", sorted(BASELINES["scraped_metadata"]["floors"]))
def test_scraped_text_metadata_floor(scraped_metadata_figures: dict[str, Any], figure: str) -> None:
    """Title, date, authors and body of real pages saved as visible text, read by the text path."""
    field, name = figure.split(".")
    floor = BASELINES["scraped_metadata"]["floors"][figure]
    value = scraped_metadata_figures[field][name]
    assert value is not None and value >= floor, (
        f"scraped-text metadata {figure} fell to {value} (floor {floor}); run bench/bench_scraped.py"
    )
