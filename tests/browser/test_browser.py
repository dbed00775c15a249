"""storyline in a real browser: click through stories, citations and articles; prove a hostile
article stays text. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]


def test_click_through_story_citation_article(browser: Any, server: str, shots: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server + "/")
    page.screenshot(path=str(shots / "01-story-list.png"), full_page=True)
    page.get_by_role("link", name="Korea and Japan mark 60 years of ties").click()
    page.wait_for_url(re.compile(r"/stories/story-seeds$"))
    assert page.locator("h1").inner_text() == "Korea and Japan mark 60 years of ties"
    assert page.locator("svg.pic-timeline circle").count() == 4
    assert page.locator("svg.pic-coverage rect").count() > 0
    assert page.locator("table.facts tr.conflict").count() == 1
    page.screenshot(path=str(shots / "02-story.png"), full_page=True)

    # The conflicts toggle (the page's only script) hides the agreed facts.
    page.get_by_role("button", name="Show only conflicts").click()
    assert page.locator("table.facts tbody tr:visible").count() == 1
    page.get_by_role("button", name="Show all facts").click()

    # A citation in the summary opens the article at the cited paragraph.
    cite = page.locator("#summary sup.cite a").first
    href = cite.get_attribute("href") or ""
    assert re.fullmatch(r"/articles/[0-9a-f]{16}#p\d+", href), href
    cite.click()
    page.wait_for_url(re.compile(r"/articles/[0-9a-f]{16}#p\d+$"))
    anchor = href.split("#")[1]
    target = page.locator(f"#{anchor}")
    assert target.is_visible()
    assert page.evaluate("document.querySelector(':target') && document.querySelector(':target').id") == anchor
    page.screenshot(path=str(shots / "03-article-at-citation.png"), full_page=False)

    # Back to the story, then an article from the source list.
    page.go_back()
    page.locator("#sources a").nth(4).click()
    page.wait_for_url(re.compile(r"/articles/[0-9a-f]{16}$"))
    assert page.get_by_role("heading", name="Removed as page furniture").is_visible()
    page.screenshot(path=str(shots / "04-article.png"), full_page=True)
    assert errors == []


def test_narrow_screen_and_cjk(browser: Any, server: str, shots: Path) -> None:
    page = browser.new_page(viewport={"width": 375, "height": 800}, device_scale_factor=2)
    page.goto(server + "/stories/story-seeds")
    # Nothing but the scrolling picture boxes is wider than the screen.
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= 375, overflow
    page.screenshot(path=str(shots / "05-story-narrow.png"), full_page=True)
    page.goto(server + "/articles/kokokokokokokoko")
    assert page.evaluate("document.documentElement.lang") == "ko"
    text = page.locator("#p1").inner_text()
    assert "이재명 대통령은 17일" in text
    font = page.evaluate("getComputedStyle(document.querySelector('#p1')).fontFamily")
    assert "Noto Sans CJK KR" in font
    # The glyphs really render: the Korean paragraph has a real width, not tofu-less zero.
    assert page.locator("#p1").bounding_box()["width"] > 200
    page.screenshot(path=str(shots / "06-article-korean-narrow.png"), full_page=True)


def test_hostile_article_never_executes(browser: Any, server: str, shots: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for path in ("/articles/evil000000000001", "/stories/story-seeds", "/search?q=pwned",
                 "/?q=%3Cscript%3Ewindow.__pwned%3D9%3C%2Fscript%3E", "/search?q=%22%3E%3Cimg+src%3Dx+onerror%3Dalert(1)%3E"):
        page.goto(server + path)
        page.wait_for_load_state("load")
        assert page.evaluate("typeof window.__pwned") == "undefined", path
    assert dialogs == []
    page.goto(server + "/articles/evil000000000001")
    # The payloads are shown as text, exactly as written.
    assert "</title><script>window.__pwned=3</script>" in page.locator("h1").inner_text()
    assert "<script>window.__pwned = 1</script>" in page.locator("#p1").inner_text()
    assert "onerror=" in page.locator("figcaption").first.inner_text() or "Caption <script>" in page.locator("figcaption").first.inner_text()
    assert page.title().startswith("Summit </title><script>")
    # No element carries an event handler and no link or image uses javascript:.
    bad = page.evaluate("""() => [...document.querySelectorAll('*')].flatMap(el =>
        [...el.attributes].filter(a => a.name.startsWith('on') ||
          (['href', 'src'].includes(a.name) && /^\\s*javascript:/i.test(a.value))).map(a => el.tagName + ' ' + a.name))""")
    assert bad == []
    assert page.locator("img").count() == 0  # neither image address was a safe http(s) URL
    page.screenshot(path=str(shots / "07-hostile-article.png"), full_page=True)


def test_every_story_in_the_store_renders(browser: Any, server: str, shots: Path) -> None:
    """The pipeline's own stories (when ``storyline build`` exists) render with no script error."""
    import httpx

    ids = [s["id"] for s in httpx.get(server + "/api/stories", params={"per_page": 100}).json()["items"]]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    for i, sid in enumerate(ids):
        response = page.goto(f"{server}/stories/{sid}")
        assert response is not None and response.status == 200, sid
        assert page.locator("h1").inner_text().strip()
        if sid != "story-seeds" and i < 3:
            page.screenshot(path=str(shots / f"08-store-story-{i}.png"), full_page=True)
    assert errors == []
