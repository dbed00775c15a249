"""Quality gate for timelines: re-measure a fast subset of Timeline17 and hold the
floors pinned in bench/results/timeline_baseline.json (set from a run of
bench/bench_timeline.py on this subset, minus a small margin for ties)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from .conftest import DATA as SHARED_DATA

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "bench" / "results" / "timeline_baseline.json"
DATA = SHARED_DATA / "timeline17-dev" / "data"

pytestmark = pytest.mark.skipif(not DATA.exists(), reason="Timeline17 data not available")


def _bench():
    spec = importlib.util.spec_from_file_location("bench_timeline", ROOT / "bench" / "bench_timeline.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_timeline_floors() -> None:
    pytest.importorskip("tilse")
    base = json.loads(BASELINE.read_text())
    bench = _bench()
    rows = []
    for topic in base["topics"]:
        rows += bench.run_topic(DATA / topic)
    mean = {k: sum(r[k] for r in rows) / len(rows) for k in base["floors"]}
    for k, floor in base["floors"].items():
        assert mean[k] >= floor, f"{k} fell to {mean[k]:.3f} (floor {floor})"
