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


def _rouge_runs() -> bool:
    """ROUGE-1.5.5 (tilse's scorer) is Perl and needs XML::Parser (Debian: libxml-parser-perl)."""
    import shutil
    import subprocess

    perl = shutil.which("perl")
    return bool(perl) and subprocess.run([perl, "-MXML::Parser", "-e", "1"], capture_output=True).returncode == 0


def test_timeline_floors() -> None:
    pytest.importorskip("tilse")
    if not _rouge_runs():
        pytest.skip("ROUGE-1.5.5 needs Perl's XML::Parser (apt-get install libxml-parser-perl; .ci/run does)")
    base = json.loads(BASELINE.read_text())
    bench = _bench()
    rows = []
    for topic in base["topics"]:
        rows += bench.run_topic(DATA / topic)
    mean = {k: sum(r[k] for r in rows) / len(rows) for k in base["floors"]}
    for k, floor in base["floors"].items():
        assert mean[k] >= floor, f"{k} fell to {mean[k]:.3f} (floor {floor})"
