"""Real multi-story corpora from ECB+ (dev topics only), as news-please JSONL.

Shared by ``bench/bench_spark.py`` and ``tests/test_spark_engine.py``. Inside
each ECB+ topic the ``*ecb.xml`` files report one event and the
``*ecbplus.xml`` files another event of the same kind, so a topic holds two
stories (see ``../shared/data/ecbplus-dev/README.md``). ECB+ has no article
dates; each (topic, half) gets a day, two halves of a topic years apart, and
each document a few hours after the previous one, so the time window is
exercised the way real news exercises it.
"""

from __future__ import annotations

import json
import random
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from pathlib import Path

ECB = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ecbplus-dev" / "ECB+"

_SPACE_BEFORE = re.compile(r" ([,.;:!?%)\]}]|'s|n't|'re|'ve|'ll|'d|'m)")
_SPACE_AFTER = re.compile(r"([(\[{$]) ")


def detokenise(tokens: Sequence[str]) -> str:
    """ECB+ tokens back into readable text (the clusterers read words, so this is cosmetic)."""
    text = " ".join(tokens).replace("`` ", "\u201c").replace(" ''", "\u201d")
    return _SPACE_AFTER.sub(r"\1", _SPACE_BEFORE.sub(r"\1", text))


def ecb_documents(topics: Sequence[int], root: Path = ECB) -> Iterator[dict[str, object]]:
    """news-please records of the ECB+ documents of ``topics`` (gold story in ``story``)."""
    for topic in topics:
        folder = root / str(topic)
        for half, base in (("ecb", datetime(2009, 1, 5)), ("ecbplus", datetime(2013, 1, 5))):
            files = sorted(folder.glob(f"{topic}_*{half}.xml"), key=lambda p: int(re.findall(r"_(\d+)", p.name)[0]))
            start = base + timedelta(days=40 * topic)
            for k, path in enumerate(files):
                sents: dict[int, list[str]] = {}
                for tok in ET.parse(path).getroot().iter("token"):
                    sents.setdefault(int(tok.get("sentence") or 0), []).append(tok.text or "")
                lines = [detokenise(sents[s]) for s in sorted(sents)]
                url = title = None
                if half == "ecbplus" and lines and lines[0].startswith("http"):
                    url = lines[0].replace(" ", "")
                    lines = lines[1:]
                    title, lines = (lines[0], lines[1:]) if len(lines) > 1 else (None, lines)
                yield {
                    "id": path.stem, "url": url, "title": title, "maintext": "\n\n".join(lines),
                    "date_publish": (start + timedelta(hours=7 * k)).isoformat(timespec="seconds"),
                    "source_domain": f"outlet{k % 7}.example", "language": "en",
                    "story": f"{topic}{half}",
                }


def perturbed(docs: Sequence[dict[str, object]], n: int, seed: int = 7) -> Iterator[dict[str, object]]:
    """``n`` records: the originals, then copies moved by whole quarters and reworded.

    A copy keeps a random 60-80% of its sentences in order (so it is not a
    near-duplicate of its source at a 0.8 Jaccard threshold) and is dated 90
    days later per round (beyond the 30-day window, so each round is new stories).
    """
    rng = random.Random(seed)
    for i in range(n):
        src = docs[i % len(docs)]
        rnd = i // len(docs)
        if rnd == 0:
            yield src
            continue
        sents = re.split(r"(?<=[.!?\u201d])\s+", str(src["maintext"]))
        keep = [s for s in sents if rng.random() < rng.uniform(0.6, 0.8)] or sents[:1]
        date = datetime.fromisoformat(str(src["date_publish"])) + timedelta(days=90 * rnd)
        yield {**src, "id": f"{src['id']}-r{rnd}", "maintext": " ".join(keep),
               "date_publish": date.isoformat(timespec="seconds"), "story": f"{src['story']}-r{rnd}"}


def write_jsonl(records: Sequence[dict[str, object]], folder: Path, files: int) -> list[Path]:
    """Write ``records`` round-robin into ``files`` JSONL files under ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"part-{i:03d}.jsonl" for i in range(files)]
    handles = [p.open("w", encoding="utf-8") for p in paths]
    try:
        for i, rec in enumerate(records):
            handles[i % files].write(json.dumps(rec, ensure_ascii=False) + "\n")
    finally:
        for h in handles:
            h.close()
    return paths
