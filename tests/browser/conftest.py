"""Browser-test fixtures: a store built from the seeds, a real uvicorn server, Debian's Chromium.

The server is started the way a user starts it (``storyline serve``) in its own
process on a free loopback port; Playwright drives /usr/bin/chromium (never a
browser Playwright downloads). Everything is skipped when Chromium is missing.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.web_support import (
    hostile_article,
    korean_article,
    seed_articles,
    story_over,
    write_store,
)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cli_has(command: str) -> bool:
    from storyline.cli import app

    return any((c.name or (c.callback.__name__ if c.callback else "")) == command for c in app.registered_commands)


@pytest.fixture(scope="session")
def store_path(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds built into a store, plus a hand-made story over them and the hostile article.

    When ``storyline build`` exists it builds the seeds first (the pipeline's own
    stories are then in the store too); the hand-made story and the hostile
    article are always written through the store's write API, so the click-through
    has a story with every section filled whatever stage is still unfinished.
    """
    db = tmp_path_factory.mktemp("browser") / "seeds.db"
    if _cli_has("build"):
        # --no-enrich keeps the fixture within the test-time budget (spaCy on five
        # articles costs more than the rest of the browser tests together).
        proc = subprocess.run([sys.executable, "-m", "storyline.cli", "build", str(seeds_dir), "--db", str(db),
                               "--no-enrich", "--quiet"], capture_output=True, text=True, timeout=300)
        if proc.returncode not in (0, 1):
            pytest.fail(f"storyline build failed: {proc.stderr[-2000:]}")
    arts = seed_articles(seeds_dir) + [korean_article(), hostile_article()]
    write_store(db, arts, [story_over(arts)])
    return db


@pytest.fixture(scope="session")
def server(store_path: Path) -> Iterator[str]:
    """``storyline serve`` on a free loopback port; yields its base URL."""
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "storyline.cli", "serve", "--db", str(store_path), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    try:
        while True:
            try:
                if httpx.get(base + "/api/stories", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                out = proc.stdout.read().decode() if proc.stdout else ""
                pytest.fail(f"server did not start: {out[-2000:]}")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture()
def shots() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
