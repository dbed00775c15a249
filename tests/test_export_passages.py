"""Citations link to the right passage, and an uncached story page stays cheap.

``export.view.Passages`` finds a cited sentence in its article with one search
over the article's joined paragraphs (see its docstring). These tests pin that
it answers exactly what the plain paragraph-by-paragraph search answers (a
reference written out here), on real article texts from
../shared/data/article-extraction-benchmark and on generated ones, and that the
story page's citations land on the paragraph holding the sentence. The CPU gate
renders a story page as a page-cache miss does (web/render.py's cached_page).
"""

from __future__ import annotations

import json
import random
import re
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.export.view import (
    MIN_PASSAGE_OVERLAP,
    Passages,
    build_story_view,
    paragraph_spans,
    paragraphs,
    passage_terms,
)
from storyline.records import Article, Story, SummarySentence
from storyline.settings import Settings
from storyline.web import WebOptions, create_app
from storyline.web.routes.stories import story_page_html
from tests.web_support import korean_article, seed_articles, story_over, write_store


def reference_locate(text: str, passage: str) -> int | None:
    """The obvious search: first paragraph holding ``passage``, else the one sharing most words."""
    paras = [text[s:e] for s, e in paragraph_spans(text)]
    needle = passage.strip()
    if not paras or not needle:
        return None
    for i, p in enumerate(paras, 1):
        if needle in p:
            return i
    want = passage_terms(needle)
    if not want:
        return None
    scores = [sum(1 for t in want if t in p.lower()) for p in paras]
    best = max(scores)
    if not best or best / len(want) < MIN_PASSAGE_OVERLAP:
        return None
    return scores.index(best) + 1


def _article(text: str, aid: str = "a" * 16) -> Article:
    return Article(id=aid, source="test", text=text, outlet="Test outlet", title="T")


@pytest.fixture(scope="module")
def bench_texts(data_dir: Path) -> list[str]:
    gt = json.loads((data_dir / "article-extraction-benchmark" / "ground-truth.json").read_text(encoding="utf-8"))
    texts = [v["articleBody"] for v in gt.values() if len(paragraphs(v.get("articleBody") or "")) >= 4]
    assert len(texts) > 50
    return texts


# ------------------------------------------------------------- paragraphs ---

_TEXT = st.text(alphabet=st.sampled_from(["a", "b", " ", "\t", "\n", "\u3000", "\x00", "İ", "한"]), max_size=60)


@given(_TEXT)
def test_paragraphs_are_the_spans_pieces(text: str) -> None:
    assert paragraphs(text) == [text[s:e] for s, e in paragraph_spans(text)]


@settings(max_examples=300)
@given(st.lists(st.text(alphabet=st.sampled_from(list("abcΣσ İ한국\x00\n")), min_size=1, max_size=12), min_size=1,
                max_size=6),
       st.text(alphabet=st.sampled_from(list("abcΣσ İ한국\x00\n")), max_size=14))
def test_locate_answers_what_the_plain_search_answers(paras: list[str], passage: str) -> None:
    # NULs (the join character), text whose lower() is longer (İ), a final sigma and CJK bigrams.
    text = "\n\n".join(paras)
    assert Passages(_article(text)).locate(passage) == reference_locate(text, passage)


# ----------------------------------------------------------- real texts ---


def test_every_sentence_of_real_articles_links_to_its_paragraph(bench_texts: list[str]) -> None:
    rng = random.Random(7)
    checked = 0
    for text in bench_texts[:80]:
        paras = paragraphs(text)
        found = Passages(_article(text))
        for k in rng.sample(range(len(paras)), min(4, len(paras))):
            sentence = re.split(r"(?<=[.!?])\s+", paras[k])[0]
            if len(sentence) < 20:
                continue
            got = found.locate(sentence)
            # The first paragraph holding the sentence: paragraph k+1 unless it is repeated earlier.
            assert got is not None and sentence in paras[got - 1] and got <= k + 1
            assert got == reference_locate(text, sentence)
            # A paraphrase (other case, words dropped) still finds the paragraph the plain search finds.
            words = sentence.upper().split()
            para = " ".join(w for i, w in enumerate(words) if i % 3 != 1)
            assert found.locate(para) == reference_locate(text, para)
            checked += 1
    assert checked > 150


def test_story_page_citations_point_at_the_paragraph_holding_the_sentence(bench_texts: list[str]) -> None:
    """Through build_story_view: the anchor of each summary citation is that sentence's paragraph."""
    arts = [_article(t, f"{i:016x}") for i, t in enumerate(bench_texts[:12])]
    rng = random.Random(3)
    summary, want = [], {}
    for a in arts:
        paras = paragraphs(a.text)
        k = rng.randrange(1, len(paras))  # never the first: a link to the top would pass too
        sentence = paras[k].strip()
        if any(sentence in p for p in paras[:k]):
            continue
        summary.append(SummarySentence(sentence, (a.id,)))
        want[a.id] = k + 1
    story = Story(id="s", title="T", articles=tuple(a.id for a in arts), summary=tuple(summary))
    view = build_story_view(story, {a.id: a for a in arts})
    got = {c.article: c.paragraph for s in view.summary for c in s.cites}
    assert len(want) >= 8 and got == want


# --------------------------------------------------------------- the gate ---

# Measured 1.7 ms of CPU per seeds story page rendered uncached (store reads,
# view, pictures, template: what a page-cache miss costs; best of three runs of
# 100) with this module's passage search and template filters, 1.9 ms before, on
# a quiet moment of the 2-core bench machine; 2-3 ms while four other jobs ran
# (load 5). The ceiling leaves ~2x over the loaded figure and still fails on a
# return to costs that grow with the page. The HTTP plumbing around a render is
# gated by test_web_speed.py (a cached page: 0.04 ms).
MAX_UNCACHED_PAGE_CPU_MS = 6.0


def test_an_uncached_story_page_costs_a_few_milliseconds(seeds_dir: Path, tmp_path: Path) -> None:
    arts = seed_articles(seeds_dir) + [korean_article()]
    db = write_store(tmp_path / "seeds.db", arts, [story_over(arts)])
    app = create_app(Settings(db=str(db)), options=WebOptions(cache_mb=0, warm=0))
    ui = app.state.pages
    repo = app.state.open_repository()  # as web/render.py's cached_page opens one on a miss
    try:
        first = story_page_html(ui, repo, "story-seeds")  # compiles the templates once
        assert 'href="/articles/' in first and "<svg" in first

        def run(n: int) -> float:
            t0 = time.process_time()
            for _ in range(n):
                story_page_html(ui, repo, "story-seeds")
            return (time.process_time() - t0) / n * 1000

        per_page = min(run(100) for _ in range(3))  # best of three: least disturbed by the machine
    finally:
        repo.close()
    assert per_page < MAX_UNCACHED_PAGE_CPU_MS, f"{per_page:.2f} ms of CPU per uncached story page"
