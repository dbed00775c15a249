"""The story's pictures as inline SVG: a timeline and an outlet x event coverage matrix.

Why hand-written SVG rather than a plotting library: the pictures must sit inline
in a server-rendered page and in a single-file HTML report, work without
JavaScript, scale to a phone's width, link each mark to the row it stands for,
and carry no fonts or scripts of their own. matplotlib's SVG output embeds glyph
paths and fixed sizes and would cost ~100 ms per picture at request time; Vega
and friends need JavaScript. Two small pictures of dots and boxes are a few dozen
lines each.

Every string that comes from an article goes through ``_esc`` (XML escaping of
``& < > " '``), so a hostile title cannot break out of the SVG. Colours are
presentation attributes, not CSS, so a picture also reads on its own (as a
``data:`` image in Markdown, or saved as a ``.svg`` file).
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from storyline.export.view import Coverage, Source, TimelineRow

FONT = ("'Noto Sans', 'Noto Sans CJK KR', 'Noto Sans CJK JP', 'Noto Sans CJK SC', "
        "system-ui, sans-serif")
INK, MUTED, ACCENT, SOFT, LINE = "#1f2933", "#616e7c", "#1d4ed8", "#dbe4ff", "#9aa5b1"
STATUS_FILL = {"reported": ACCENT, "scheduled": "#ffffff", "background": "#9aa5b1"}

WIDTH = 720  # the viewBox width; the picture scales to its container
MARGIN = 24
LANE = 22  # vertical step between stacked markers; a marker is 16 px wide
BREAK_W = 28  # width of an axis break ("//") standing for a long quiet gap


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_ISO_YEAR = re.compile(r"^(\d{4})$")
_ISO_WEEK = re.compile(r"^(\d{4})-W(\d{2})")


def parse_day(value: str | None) -> date | None:
    """The first day of a TIMEX3-style date value (``2025-06-16``, ``2025-06``, ``2025-W24``, ``2025``)."""
    if not value:
        return None
    v = value.strip()
    try:
        if m := _ISO_DAY.match(v):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _ISO_MONTH.match(v):
            return date(int(m[1]), int(m[2]), 1)
        if m := _ISO_WEEK.match(v):
            return date.fromisocalendar(int(m[1]), int(m[2]), 1)
        if m := _ISO_YEAR.match(v):
            return date(int(m[1]), 1, 1)
    except ValueError:
        return None
    return None


@dataclass(frozen=True, slots=True)
class _Segment:
    start: int  # day ordinals, inclusive
    end: int
    x0: float
    x1: float


class _Scale:
    """A time axis that draws long quiet gaps as a fixed-width break.

    A story about a 2025 summit that mentions the 1965 treaty would otherwise put
    every 2025 mark in the last pixel. A gap is broken when it is longer than 30
    days and than a third of the whole span (so a week-long story is never broken,
    and a story spread evenly over months is drawn to scale).
    """

    def __init__(self, days: Sequence[int], x0: float, x1: float) -> None:
        ds = sorted(set(days))
        total = ds[-1] - ds[0]
        groups: list[list[int]] = [[ds[0]]]
        for prev, cur in zip(ds, ds[1:], strict=False):
            if cur - prev > 30 and cur - prev > total / 3:
                groups.append([cur])
            else:
                groups[-1].append(cur)
        spans = [(g[0], g[-1]) for g in groups]
        usable = (x1 - x0) - BREAK_W * (len(spans) - 1)
        # Each segment gets width by its length, but never less than a marker's room.
        weights = [max(e - s, 1) for s, e in spans]
        # ~90 px keeps a one-day segment's date label clear of its neighbours'.
        min_w = min(usable / len(spans), 90.0)
        widths = [max(min_w, usable * w / sum(weights)) for w in weights]
        k = usable / sum(widths)
        self.segments: list[_Segment] = []
        x = x0
        for (s, e), w in zip(spans, widths, strict=True):
            self.segments.append(_Segment(s, e, x, x + w * k))
            x += w * k + BREAK_W

    def x(self, day: int) -> float:
        for seg in self.segments:
            if seg.start <= day <= seg.end:
                if seg.end == seg.start:
                    return (seg.x0 + seg.x1) / 2
                return seg.x0 + (seg.x1 - seg.x0) * (day - seg.start) / (seg.end - seg.start)
        nearest = min(self.segments, key=lambda s: min(abs(day - s.start), abs(day - s.end)))
        return nearest.x0 if day < nearest.start else nearest.x1


def _ticks(seg: _Segment) -> list[int]:
    """Day ordinals to label in one axis segment: its ends, plus a few between when wide."""
    if seg.end == seg.start:
        return [seg.start]
    room = int((seg.x1 - seg.x0) // 110)  # a label "2025-06-16" needs ~70 px, plus air
    n = max(1, min(room, seg.end - seg.start))
    return sorted({seg.start + round(i * (seg.end - seg.start) / n) for i in range(n + 1)})


def timeline_svg(rows: Sequence[TimelineRow], sources: Sequence[Source] = (),
                 link: str = "#t{n}") -> str:
    """A timeline picture: numbered marks on a time axis, articles published per day below.

    Each mark carries the number of its row in the timeline list (and links to
    ``link.format(n=...)``); marks on the same or nearby days stack upwards. Filled
    marks are reported events, hollow ones scheduled, grey ones background.
    Returns ``""`` when nothing has a usable date.
    """
    marks = [(r, d) for r in rows if (d := parse_day(r.date)) is not None]
    published = Counter(d for s in sources if (d := parse_day(s.published)) is not None)
    days = [d.toordinal() for _, d in marks] + [d.toordinal() for d in published]
    if not marks:
        return ""
    scale = _Scale(days, MARGIN + 8, WIDTH - MARGIN - 8)

    # Stack marks into lanes: a mark goes to the lowest lane where it clears the last one.
    lane_end: list[float] = []
    placed: list[tuple[TimelineRow, date, float, int]] = []
    for r, d in sorted(marks, key=lambda m: (m[1], m[0].n)):
        x = scale.x(d.toordinal())
        lane = next((i for i, end in enumerate(lane_end) if x - end >= 18), len(lane_end))
        if lane == len(lane_end):
            lane_end.append(x)
        lane_end[lane] = x
        placed.append((r, d, x, lane))

    lanes = max(1, len(lane_end))
    axis_y = 20 + lanes * LANE
    bar_h = 36 if published else 0
    height = axis_y + 28 + (bar_h + 22 if published else 0)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" class="pic pic-timeline" font-family="{_esc(FONT)}" '
        f'font-size="12" aria-label="Timeline of {len(marks)} dated entries">',
        f"<title>Timeline: {len(marks)} dated entries</title>",
    ]
    # Axis segments, breaks and ticks.
    for i, seg in enumerate(scale.segments):
        out.append(f'<line x1="{seg.x0 - 8:.1f}" y1="{axis_y}" x2="{seg.x1 + 8:.1f}" y2="{axis_y}" '
                   f'stroke="{LINE}" stroke-width="2"/>')
        if i:
            bx = seg.x0 - BREAK_W / 2
            out.append(f'<text x="{bx:.1f}" y="{axis_y + 4}" text-anchor="middle" fill="{MUTED}">//</text>')
        for t in _ticks(seg):
            tx = scale.x(t)
            label = date.fromordinal(t).isoformat()
            out.append(f'<line x1="{tx:.1f}" y1="{axis_y - 4}" x2="{tx:.1f}" y2="{axis_y + 4}" stroke="{LINE}"/>')
            out.append(f'<text x="{tx:.1f}" y="{axis_y + 18}" text-anchor="middle" fill="{MUTED}" '
                       f'font-size="11">{label}</text>')
    # Marks, drawn top lane first so lower marks' stems stay visible.
    for r, _d, x, lane in sorted(placed, key=lambda p: -p[3]):
        y = axis_y - 12 - lane * LANE
        fill = STATUS_FILL.get(r.status, ACCENT)
        num_fill = "#ffffff" if fill != "#ffffff" else ACCENT
        tip = f"{r.date}: {_clip(r.text, 160)}"
        out.append(f'<a href="{_esc(link.format(n=r.n))}"><g class="mark">'
                   f"<title>{_esc(tip)}</title>"
                   f'<line x1="{x:.1f}" y1="{y + 8}" x2="{x:.1f}" y2="{axis_y}" stroke="{LINE}"/>'
                   f'<circle cx="{x:.1f}" cy="{y}" r="8" fill="{fill}" stroke="{ACCENT}" stroke-width="1.5"/>'
                   f'<text x="{x:.1f}" y="{y + 4}" text-anchor="middle" font-size="10" '
                   f'font-weight="700" fill="{num_fill}">{r.n}</text></g></a>')
    # Articles published per day: how the coverage itself unfolded.
    if published:
        top = axis_y + 28
        peak = max(published.values())
        out.append(f'<line x1="{MARGIN}" y1="{top + bar_h}" x2="{WIDTH - MARGIN}" y2="{top + bar_h}" '
                   f'stroke="#e4e7eb"/>')
        out.append(f'<text x="{MARGIN}" y="{top + bar_h + 15}" fill="{MUTED}" font-size="11">'
                   f"articles published per day (most: {peak})</text>")
        for d, n in sorted(published.items()):
            x = scale.x(d.toordinal())
            h = max(2.0, bar_h * n / peak)
            out.append(f'<rect x="{x - 3:.1f}" y="{top + bar_h - h:.1f}" width="6" height="{h:.1f}" '
                       f'fill="{SOFT}" stroke="{ACCENT}" stroke-width="0.5">'
                       f"<title>{d.isoformat()}: {n} article(s)</title></rect>")
    out.append("</svg>")
    return "".join(out)


CELL = 22
LABEL_W = 170


def coverage_svg(cov: Coverage, link: str = "#e{n}", max_outlets: int = 40) -> str:
    """An outlet x event matrix: a filled box where an outlet reports an event.

    Rows are outlets (most articles first), columns the story's events by number
    (keyed to the events list, each linking to ``link``); the darker the box, the
    more of the outlet's articles report the event. Outlets past ``max_outlets``
    are folded into one line so a story covered by hundreds stays readable.
    Returns ``""`` when the story has no events.
    """
    if not cov.events or not cov.outlets:
        return ""
    outlets = list(cov.outlets[:max_outlets])
    hidden = len(cov.outlets) - len(outlets)
    n_ev = len(cov.events)
    peak = max((c for row in cov.counts for c in row), default=0) or 1
    top = 30
    width = LABEL_W + n_ev * (CELL + 2) + 60
    height = top + len(outlets) * (CELL + 2) + (26 if hidden else 8) + 18
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" role="img" class="pic pic-coverage" font-family="{_esc(FONT)}" '
        f'font-size="12" aria-label="Which of {len(cov.outlets)} outlets report which of {n_ev} events">',
        f"<title>Coverage: {len(cov.outlets)} outlets x {n_ev} events</title>",
        f'<text x="{LABEL_W - 8}" y="{top - 12}" text-anchor="end" fill="{MUTED}" font-size="11">event</text>',
    ]
    for j, ev in enumerate(cov.events):
        x = LABEL_W + j * (CELL + 2)
        out.append(f'<a href="{_esc(link.format(n=ev.n))}"><text x="{x + CELL / 2}" y="{top - 8}" '
                   f'text-anchor="middle" fill="{ACCENT}" font-weight="700">{ev.n}'
                   f"<title>{_esc(_clip(ev.title, 160))}</title></text></a>")
    for i, outlet in enumerate(outlets):
        y = top + i * (CELL + 2)
        out.append(f'<text x="{LABEL_W - 8}" y="{y + CELL / 2 + 4}" text-anchor="end" fill="{INK}">'
                   f"{_esc(_clip(outlet, 24))}<title>{_esc(outlet)}</title></text>")
        row = cov.counts[i]
        for j, n in enumerate(row):
            x = LABEL_W + j * (CELL + 2)
            ev = cov.events[j]
            tip = f"{outlet}: {n} article(s) on event {ev.n}, {_clip(ev.title, 100)}"
            if n:
                # Opacity from 0.35 so that a single article is still clearly a filled box.
                op = 0.35 + 0.65 * n / peak
                out.append(f'<rect x="{x}" y="{y}" width="{CELL}" height="{CELL}" rx="3" fill="{ACCENT}" '
                           f'fill-opacity="{op:.2f}"><title>{_esc(tip)}</title></rect>')
                if n > 1:
                    out.append(f'<text x="{x + CELL / 2}" y="{y + CELL / 2 + 4}" text-anchor="middle" '
                               f'fill="#ffffff" font-size="10" font-weight="700">{n}</text>')
            else:
                out.append(f'<rect x="{x + 0.5}" y="{y + 0.5}" width="{CELL - 1}" height="{CELL - 1}" rx="3" '
                           f'fill="#f5f7fa" stroke="#e4e7eb"><title>{_esc(tip)}</title></rect>')
        total = sum(row)
        out.append(f'<text x="{LABEL_W + n_ev * (CELL + 2) + 6}" y="{y + CELL / 2 + 4}" fill="{MUTED}" '
                   f'font-size="11">{total}</text>')
    if hidden:
        y = top + len(outlets) * (CELL + 2) + 16
        out.append(f'<text x="{LABEL_W - 8}" y="{y}" text-anchor="end" fill="{MUTED}">+{hidden} more outlets</text>')
    out.append("</svg>")
    return "".join(out)
