"""Web app load test: story page latency under 50 concurrent clients on a 10k-article store.

1. Synthesise a store of N articles (default 10,000) through the store's own write
   API (``storyline.store.Store``): bodies are the real article texts of
   ../shared/data/article-extraction-benchmark, each copy made unique by a
   numbered line and a paragraph rotation; articles carry enrichment
   (mentions, quotes, times) in realistic numbers, because decoding those is what
   a story page pays for. Articles are grouped into stories of 1 to 60 articles
   (a heavy-tailed mix, as news is) and each story gets events with facts (some
   in conflict), entities, quotes, a timeline and a cited summary whose
   sentences come from its articles, so the page does its full work.
2. Cold: start ``storyline serve --cache-mb 0 --warm 0`` (its own process) so every
   request renders its page, and load it closed-loop: C connections (default 50)
   each asking for a random story page as soon as the last one came back. This is
   the worst case, what the first reader of a page pays on a server without a
   warm cache.
3. As a user runs it: ``storyline serve --workers W`` with its defaults (a 64 MB
   page cache per process, warmed in the background at startup with the newest
   stories' pages); wait until the server is idle (warming done), then the same
   closed loop (the goal's figure), one client alone (latency without queueing),
   the C clients paced like readers (~1 s between pages), the largest story, the
   JSON API, search and the story list. Every request is a real page for the
   story it names, checked against the store's version.
4. The load generator is wrk (C; bench/wrk/paths.lua picks a random path per
   request and prints percentiles from ``done()``): the Python client it replaced
   used as much CPU per request as the server, on the same 2 cores. The Python
   client (asyncio + httpx) remains as a fallback when wrk is absent
   (``apt-get install wrk``) and runs the one-client phases.
5. Report p50/p95/p99 latency, throughput and errors (non-2xx or transport
   failures), and the server's own CPU milliseconds per request (which, unlike
   latency, does not depend on what else the machine runs), with the load
   averages before and after.

Run:  .venv/bin/python bench/bench_web.py [--articles 10000] [--duration 20]
      [--concurrency 50] [--workers 2] [--client auto|wrk|python] [--db FILE]
Writes bench/results/web.json. Goal (issue 6): story page p95 <= 100 ms, 0 errors.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
TEXTS = SHARED / "data" / "article-extraction-benchmark" / "ground-truth.json"
RESULTS = ROOT / "bench" / "results" / "web.json"
WORK = ROOT / "bench" / "cache"
WRK_SCRIPT = ROOT / "bench" / "wrk" / "paths.lua"

sys.path.insert(0, str(ROOT / "src"))

from storyline.records import (  # noqa: E402
    Article,
    Conflict,
    Entity,
    Event,
    Fact,
    FactValue,
    Image,
    Mention,
    Quote,
    Story,
    StoryQuote,
    SummarySentence,
    TimeExpr,
    TimelineEntry,
    content_id,
)

OUTLETS = 60


def load_texts() -> list[tuple[str, str]]:
    """(url, body) of the benchmark's real articles, longest paragraphs kept."""
    gt = json.loads(TEXTS.read_text(encoding="utf-8"))
    out = []
    for key in sorted(gt):
        body = (gt[key].get("articleBody") or "").strip()
        if len(body) > 400:
            out.append((gt[key].get("url") or "", body))
    return out


def _mentions(text: str, rng: random.Random, n: int) -> tuple[Mention, ...]:
    words = [(i, w) for i, w in enumerate(text.split(" ")) if w[:1].isupper() and len(w) > 3][:n]
    out, pos = [], 0
    for _, w in words:
        start = text.find(w, pos)
        if start < 0:
            continue
        pos = start + len(w)
        out.append(Mention(w, rng.choice(["PERSON", "ORG", "GPE"]), f"ent{rng.randrange(400)}", start, pos))
    return tuple(out)


def make_article(i: int, url: str, body: str, rng: random.Random, day: int) -> Article:
    paras = body.split("\n\n")
    k = i % max(1, len(paras))
    text = f"Report {i} from the newsroom.\n\n" + "\n\n".join(paras[k:] + paras[:k])
    outlet = f"Outlet {i % OUTLETS:02d}"
    published = f"2025-{1 + day // 28:02d}-{1 + day % 28:02d}T{rng.randrange(24):02d}:00:00+00:00"
    quotes = tuple(Quote("Speaker", f"ent{rng.randrange(400)}", "said", text[s:s + 60], "direct", s, s + 60)
                   for s in sorted(rng.sample(range(0, max(1, len(text) - 80)), 8)))
    times = tuple(TimeExpr("June 17", "2025-06-17", s, s + 7) for s in range(0, min(len(text), 1500), 100))
    return Article(
        id=content_id("bench", str(i)), source=f"bench#{i}", text=text, url=f"https://example.org/{i}",
        outlet=outlet, title=f"{paras[0][:80]} ({i})", published=published, authors=(f"Reporter {i % 97}",),
        language="en", images=(Image(f"https://example.org/{i}.jpg", "A caption for the picture.", "AGENCY"),),
        notes=("Wire copy.",) if i % 7 == 0 else (),
        mentions=_mentions(text, rng, 80), quotes=quotes, times=times,
    )


def story_sizes(n: int, rng: random.Random) -> list[int]:
    """Heavy-tailed story sizes between 1 and 60 summing to n."""
    sizes: list[int] = []
    while sum(sizes) < n:
        sizes.append(min(60, max(1, int(rng.paretovariate(1.2)))))
    sizes[-1] -= sum(sizes) - n
    return [s for s in sizes if s > 0]


def make_story(sid: int, arts: list[Article], rng: random.Random) -> Story:
    ids = tuple(a.id for a in arts)
    n_ev = min(6, 1 + len(arts) // 3)
    events = []
    for e in range(n_ev):
        members = tuple(rng.sample(ids, k=max(1, min(len(ids), rng.randint(1, 8)))))
        facts = [Fact("date", "agreed", (FactValue(f"2025-06-{10 + e}", members[:3]),)),
                 Fact("place", "conflict" if len(members) > 1 and e % 2 else "single",
                      (FactValue("Seoul", members[:1], ("in Seoul",)),
                       FactValue("Busan", members[1:2] or members[:1], ("in Busan",)))),
                 Fact("count", "updated", (FactValue("12", members[:1]), FactValue("14", members[-1:])))]
        events.append(Event(f"ev{sid}-{e}", f"Event {e} of story {sid}", f"2025-06-{10 + e:02d}",
                            ("Seoul",), ("A. Person", "B. Person"), members, tuple(facts)))
    first_sents = [(a.id, a.text.split("\n\n")[1].split(". ")[0]) for a in arts[:6]]
    return Story(
        id=f"story{sid:05d}", title=arts[0].title or f"Story {sid}", articles=ids, events=tuple(events),
        entities=tuple(Entity(f"ent{sid}-{k}", f"Name {k}", rng.choice(["PERSON", "ORG", "GPE"]),
                              (f"N. {k}",), ids[: 1 + k % len(ids)]) for k in range(12)),
        quotes=tuple(StoryQuote(f"q{sid}-{k}", f"ent{sid}-{k % 4}", f"Name {k % 4}",
                                (arts[k % len(arts)].quotes or (Quote("", None, "", "words", "direct", 0, 5),))[0].text,
                                ids[k % len(ids)], ids[(k + 1) % len(ids):][:2]) for k in range(min(10, 2 * len(ids)))),
        timeline=tuple(TimelineEntry(e.date or "2025-06-10", e.id, f"{e.title} happened.", e.articles[:3])
                       for e in events),
        summary=tuple(SummarySentence(s + ".", (aid,)) for aid, s in first_sents),
        conflicts=tuple(Conflict(e.id, f.slot, f.values) for e in events for f in e.facts if f.status == "conflict"),
        first=min(a.published or "" for a in arts)[:10], last=max(a.published or "" for a in arts)[:10],
    )


def build_store(db: Path, n: int, seed: int = 0) -> dict[str, Any]:
    """Synthesise the store through Store's write API; return its shape."""
    from storyline.store import Membership, Store

    rng = random.Random(seed)
    texts = load_texts()
    t0 = time.perf_counter()
    if db.exists():
        db.unlink()
    sizes = story_sizes(n, rng)
    i = 0
    stories = 0
    with Store(db) as st:
        batch_arts: list[Article] = []
        batch_stories: list[tuple[Story, list[str]]] = []
        for sid, size in enumerate(sizes):
            day = rng.randrange(300)
            arts = []
            for _ in range(size):
                url, body = texts[i % len(texts)]
                arts.append(make_article(i, url, body, rng, min(335, day + rng.randrange(4))))
                i += 1
            story = make_story(sid, arts, rng)
            batch_arts += arts
            batch_stories.append((story, list(dict.fromkeys(a.outlet or "" for a in arts))))
            if len(batch_arts) >= 1000 or sid == len(sizes) - 1:
                with st.transaction():
                    st.add_articles(batch_arts)
                    st.assign([Membership(aid, s.id) for s, _ in batch_stories for aid in s.articles])
                    for s, outlets in batch_stories:
                        st.put_story(s, outlets)
                stories += len(batch_stories)
                batch_arts, batch_stories = [], []
    return {"articles": i, "stories": stories, "largest_story": max(sizes), "seconds": round(time.perf_counter() - t0, 1),
            "bytes": db.stat().st_size}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: Path, workers: int, *extra: str) -> tuple[subprocess.Popen[bytes], str]:
    """``storyline serve`` on a free loopback port, as a user runs it (plus ``extra`` options)."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "storyline.cli", "serve", "--db", str(db), "--port", str(port),
         "--workers", str(workers), *extra],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/api/stories?per_page=1", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"server did not start: {proc.stderr.read().decode() if proc.stderr else ''}")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def server_cpu_seconds(pid: int) -> float:
    """User+system CPU seconds of the server process and its worker processes (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        proc_id, ppid = int(stat.parent.name), int(fields[1])
        if proc_id == pid or ppid == pid:
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def wait_until_idle(pid: int, limit: float = 300.0, quiet_seconds: int = 3) -> float:
    """Wait until the server stops using CPU (e.g. its startup warming is done); return the seconds waited.

    Idle means under 5% of a core over a second, ``quiet_seconds`` seconds running.
    """
    t0 = time.monotonic()
    quiet = 0
    last = server_cpu_seconds(pid)
    while time.monotonic() - t0 < limit and quiet < quiet_seconds:
        time.sleep(1.0)
        now = server_cpu_seconds(pid)
        quiet = quiet + 1 if now - last < 0.05 else 0
        last = now
    return round(time.monotonic() - t0, 1)


def measured(proc: subprocess.Popen[bytes], run: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run one load phase; add the server's CPU time per request to its figures.

    Latency on a shared machine depends on what else runs; the server's own CPU
    milliseconds per request do not, so both are reported.
    """
    # wrk stops with requests still queued in the server; let it finish them first so
    # one phase's backlog is not counted as the next phase's latency.
    wait_until_idle(proc.pid, limit=30, quiet_seconds=1)
    before = server_cpu_seconds(proc.pid)
    out = run()
    used = server_cpu_seconds(proc.pid) - before
    out["server_cpu_ms_per_request"] = round(1000 * used / max(1, out["requests"]), 2)
    return out


def run_wrk(base: str, paths: list[str], connections: int, seconds: float, seed: int = 1,
            think_ms: int = 0) -> dict[str, Any]:
    """``connections`` keep-alive connections for ``seconds``, with wrk: a closed loop,
    or, with ``think_ms``, connections that pause 0.5-1.5 x ``think_ms`` between requests.

    wrk is C: it needs a fraction of the CPU the Python client needs per request,
    so on a 2-core machine the load generator no longer takes the server's core.
    (wrk measures from the moment a request is sent, so like every closed-loop
    tool it does not count time a request would have waited to be sent.)
    """
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("\n".join(paths) + "\n")
    try:
        threads = max(1, min(2, connections))
        out = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s",
             "-s", str(WRK_SCRIPT), base, "--", f.name, str(seed), str(think_ms)],
            capture_output=True, text=True, check=True, timeout=seconds + 60).stdout
    finally:
        os.unlink(f.name)
    line = next(x for x in out.splitlines() if x.startswith("WRKJSON "))
    w = json.loads(line[len("WRKJSON "):])
    errors = sum(v for k, v in w.items() if k.startswith("errors_"))
    wall = w["duration_us"] / 1e6
    return {
        "client": "wrk", "requests": w["requests"], "errors": errors,
        "error_detail": {k[len("errors_"):]: v for k, v in w.items() if k.startswith("errors_") and v},
        "p50_ms": round(w["p50_us"] / 1000, 1), "p95_ms": round(w["p95_us"] / 1000, 1),
        "p99_ms": round(w["p99_us"] / 1000, 1), "mean_ms": round(w["mean_us"] / 1000, 1),
        "max_ms": round(w["max_us"] / 1000, 1),
        "throughput_rps": round(w["requests"] / wall, 1), "wall_s": round(wall, 1),
    }


def closed_loop(base: str, paths: list[str], connections: int, seconds: float, use_wrk: bool,
                max_requests: int) -> Callable[[], dict[str, Any]]:
    """A closed-loop phase with wrk when it is installed, else the Python client."""
    if use_wrk:
        return lambda: run_wrk(base, paths, connections, seconds)
    drawn = random.Random(3).choices(paths, k=max_requests)  # like wrk: a random path per request
    return lambda: {"client": "python-httpx", **asyncio.run(load(base, drawn, connections, seconds))}


def pct(xs: list[float], p: float) -> float:
    if not xs:
        return float("nan")
    s = sorted(xs)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


async def load(base: str, paths: list[str], concurrency: int, time_cap: float,
               think: float = 0.0) -> dict[str, Any]:
    """`concurrency` clients take the next path until none is left or time is up.

    ``think=0`` is a closed loop (each client asks again as soon as it has its
    answer: the server's saturation); ``think>0`` makes each client pause
    0.5-1.5 x ``think`` seconds between pages, like people reading them.
    """
    jitter = random.Random(2)
    latencies: list[float] = []
    errors: list[str] = []
    queue = iter(paths)
    deadline = time.perf_counter() + time_cap
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:

        async def worker() -> None:
            for path in queue:
                if time.perf_counter() > deadline:
                    return
                t = time.perf_counter()
                try:
                    r = await client.get(path)
                    await r.aread()
                    if r.status_code != 200:
                        errors.append(f"{r.status_code} {path}")
                except httpx.HTTPError as exc:
                    errors.append(f"{type(exc).__name__} {path}")
                latencies.append(time.perf_counter() - t)
                if think:
                    await asyncio.sleep(think * jitter.uniform(0.5, 1.5))

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall = time.perf_counter() - t0
    ms = [x * 1000 for x in latencies]
    return {
        "requests": len(ms), "errors": len(errors), "error_samples": errors[:5],
        "p50_ms": round(pct(ms, 50), 1), "p95_ms": round(pct(ms, 95), 1), "p99_ms": round(pct(ms, 99), 1),
        "mean_ms": round(statistics.fmean(ms), 1) if ms else None,
        "throughput_rps": round(len(ms) / wall, 1), "wall_s": round(wall, 1),
        "stopped_by_time_cap": len(ms) < len(paths),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--requests", type=int, default=2_000,
                    help="requests of the Python client's closed loop (when wrk is absent)")
    ap.add_argument("--concurrency", type=int, default=50)
    ap.add_argument("--duration", type=float, default=20.0, help="seconds of the main closed-loop phase")
    ap.add_argument("--time-cap", type=float, default=60.0)
    ap.add_argument("--workers", type=int, default=2, help="server processes (storyline serve --workers)")
    ap.add_argument("--client", choices=("auto", "wrk", "python"), default="auto",
                    help="closed-loop load generator (auto: wrk when installed)")
    ap.add_argument("--db", type=Path, default=None, help="write the store here (default bench/cache/)")
    ap.add_argument("--rebuild", action="store_true", help="synthesise the store even if it exists")
    ap.add_argument("--think", type=float, default=1.0,
                    help="pause between a paced client's pages, seconds (the paced phase only)")
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args()
    use_wrk = args.client == "wrk" or (args.client == "auto" and shutil.which("wrk") is not None)
    if args.client == "wrk" and shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk), use --client python")

    db = args.db or WORK / f"web-{args.articles}.db"
    db.parent.mkdir(parents=True, exist_ok=True)
    if db.exists() and not args.rebuild:
        from storyline.store import Store

        with Store(db):  # applies any newer migration to a store synthesised by an older storyline
            pass
        shape: dict[str, Any] = {"reused": db.name}
    else:
        shape = build_store(db, args.articles)
    print(f"store: {shape}", file=sys.stderr)

    from storyline.store import Store

    with Store(db, readonly=True) as st:
        rows = st.story_rows()
    ids = [r.id for r in rows]
    largest = max(rows, key=lambda r: r.articles)
    rng = random.Random(1)
    story_paths = [f"/stories/{rng.choice(ids)}" for _ in range(args.requests)]
    all_story_paths = [f"/stories/{i}" for i in ids]
    cap, c = args.time_cap, args.concurrency
    short = max(5.0, args.duration / 2)

    result: dict[str, Any] = {
        "what": "story page under concurrent load (closed loop), on loopback",
        "load_average_before": os.getloadavg(),
        "machine_note": "2 cores shared with other engineers' jobs while this ran; the load averages "
                        "before/after say how busy it was. Latency depends on that; server CPU ms per "
                        "request does not.",
        "load_generator": "wrk (C), bench/wrk/paths.lua: random story per request" if use_wrk
                          else "Python asyncio + httpx (wrk not installed)",
    }

    # 1. Cold: no page cache at all, so every request renders its page (the worst case,
    #    and what the first reader of each page pays on a server started without warming).
    proc, base = start_server(db, args.workers, "--cache-mb", "0", "--warm", "0")
    try:
        asyncio.run(load(base, story_paths[:50], 10, 30))  # imports, SQLite pages into the OS cache
        result["story_page_uncached"] = measured(proc, closed_loop(base, all_story_paths, c, short, use_wrk, 500))
        result["story_page_uncached_one_client"] = measured(
            proc, lambda: asyncio.run(load(base, story_paths[:200], 1, cap)))
    finally:
        stop_server(proc)

    # 2. As a user runs it: `storyline serve --workers W` with its default page cache and
    #    startup warming; measured once warming is done.
    proc, base = start_server(db, args.workers)
    try:
        warm_cpu = server_cpu_seconds(proc.pid)
        result["warmup_wall_s"] = wait_until_idle(proc.pid)
        result["warmup_server_cpu_s"] = round(server_cpu_seconds(proc.pid) - warm_cpu, 1)
        result["story_page"] = measured(proc, closed_loop(base, all_story_paths, c, args.duration, use_wrk,
                                                          args.requests))
        result["story_page_one_client"] = measured(proc, lambda: asyncio.run(load(base, story_paths[:200], 1, cap)))
        if use_wrk:
            paced = measured(proc, lambda: run_wrk(base, all_story_paths, c, short, think_ms=round(1000 * args.think)))
        else:
            paced = measured(proc, lambda: asyncio.run(
                load(base, story_paths[: max(100, args.requests // 4)], c, cap, args.think)))
        result["story_page_paced"] = {**paced, "think_s": args.think}
        result["largest_story_page"] = {**measured(proc, closed_loop(base, [f"/stories/{largest.id}"], c, short,
                                                                     use_wrk, 200)),
                                        "articles": largest.articles}
        result["api_story"] = measured(proc, closed_loop(base, [f"/api/stories/{i}" for i in ids], c, short,
                                                         use_wrk, 500))
        words = ["government", "market", "game", "police", "season", "%22climate+change%22", "AND", "x*"]
        result["search"] = measured(proc, closed_loop(base, [f"/api/search?q={w}" for w in words], c, short,
                                                      use_wrk, 300))
        result["story_list"] = measured(proc, closed_loop(base, [f"/?page={n}" for n in range(1, 21)], c, short,
                                                          use_wrk, 300))
        result["load_average_after"] = os.getloadavg()
    finally:
        stop_server(proc)
    sp = result["story_page"]
    result.update({
        "store": {**shape, "stories": len(ids), "articles": shape.get("articles", args.articles)},
        "concurrency": c, "server_workers": args.workers,
        "server_options": "storyline serve defaults: --cache-mb 64 --warm 10000 (per worker process)",
        "goal": {"story_page_p95_ms": 100, "errors": 0},
        "goal_met": bool(sp["p95_ms"] <= 100 and sp["errors"] == 0),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
    })
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: result[k] for k in ("story_page", "story_page_uncached", "story_page_one_client",
                                             "story_page_paced", "story_list", "goal_met", "warmup_wall_s",
                                             "load_average_before", "load_average_after")}, indent=2))


if __name__ == "__main__":
    main()
