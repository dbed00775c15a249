"""ECB+ dev documents as Article records, for clustering tests (via bench/bench_clusters.py's loader)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from storyline.records import Article

_BENCH = Path(__file__).resolve().parents[1] / "bench" / "bench_clusters.py"


def load_bench():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bench_clusters", _BENCH)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def ecb_articles(topics: set[str]) -> tuple[list[Article], dict[str, str]]:
    """Articles of the given dev topics and their gold story labels."""
    docs = load_bench().load_ecbplus(topics=topics)
    arts = [Article(id=str(d["id"]), source=str(d["id"]), text=str(d["maintext"]), url=d["url"]) for d in docs]
    return arts, {str(d["id"]): str(d["label"]) for d in docs}


def bcubed_f1(pred: dict[str, str], gold: dict[str, str]) -> float:
    """B-cubed F1 of a predicted partition against gold labels (the bench's own function)."""
    return float(load_bench().bcubed(pred, gold)[2])
