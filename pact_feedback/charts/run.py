"""The run chart as server-rendered SVG: text-based, accessible, and the same in the PDF.

Styling is by SVG presentation attributes and classes only: the Content-Security-Policy forbids
inline styles. Signals are shown by shape as well as colour (square = shift, triangle = trend)
so the chart reads in greyscale and for people who do not see colour differences.
"""

import math
from dataclasses import dataclass
from datetime import date, timedelta

from markupsafe import Markup, escape

from pact_feedback.charts.runrules import Analysis, analyse

WIDTH, HEIGHT = 680, 340
LEFT, RIGHT, TOP, BOTTOM = 64, 20, 34, 86
BLUE, DARK, GREY, AMBER = "#005eb8", "#212b32", "#4c6272", "#ffb81c"


@dataclass
class Point:
    on: date
    value: float
    note: str = ""


def _nice_step(span: float) -> float:
    raw = span / 5 or 1
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _short_date(day: date) -> str:
    return day.strftime("%-d %b %Y")


class _Scale:
    def __init__(self, points, cycles):
        days = [p.on for p in points]
        self.start, self.end = min(days), max(days)
        if self.start == self.end:
            self.start, self.end = self.start - timedelta(days=1), self.end + timedelta(days=1)
        values = [p.value for p in points]
        low, high = min(0.0, min(values)), max(values)
        self.step = _nice_step(high - low)
        self.low = math.floor(low / self.step) * self.step
        self.high = math.ceil(high / self.step) * self.step
        if self.high <= max(values):
            self.high += self.step
        self.plot_w, self.plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(self, day: date) -> float:
        span = (self.end - self.start).days
        return LEFT + self.plot_w * (day - self.start).days / span

    def y(self, value: float) -> float:
        return TOP + self.plot_h * (1 - (value - self.low) / (self.high - self.low))

    def ticks(self):
        n = round((self.high - self.low) / self.step)
        return [self.low + i * self.step for i in range(n + 1)]

    def date_ticks(self, count=5):
        span = (self.end - self.start).days
        return [self.start + timedelta(days=round(span * i / (count - 1))) for i in range(count)]


def describe(points: list[Point], analysis: Analysis, unit: str, cycles) -> str:
    """The chart in words, for its <desc> and for the page."""
    if not points:
        return "No values recorded yet."
    said = (
        f"{len(points)} values from {_short_date(points[0].on)} to {_short_date(points[-1].on)}. "
        f"Median of the first {analysis.baseline_n} values: {_fmt(analysis.median)} {unit}."
    )
    marked = [c for c in cycles if c.start_on]
    if marked:
        said += (
            " PDSA cycles marked: "
            + "; ".join(f"cycle {c.number} from {_short_date(c.start_on)}" for c in marked)
            + "."
        )
    signals = analysis.sentences()
    return said + " " + (" ".join(signals) if signals else "No shift or trend signals.")


def _marker(x: float, y: float, index: int, analysis: Analysis) -> str:
    if index in analysis.shift_points:
        return (
            f'<rect class="qi-point qi-point--shift" x="{x - 5:.1f}" y="{y - 5:.1f}" width="10" '
            f'height="10" fill="{AMBER}" stroke="{DARK}" stroke-width="1.5"/>'
        )
    if index in analysis.trend_points:
        return (
            f'<polygon class="qi-point qi-point--trend" points="{x:.1f},{y - 6:.1f} '
            f'{x - 6:.1f},{y + 5:.1f} {x + 6:.1f},{y + 5:.1f}" fill="{AMBER}" stroke="{DARK}" '
            'stroke-width="1.5"/>'
        )
    return f'<circle class="qi-point" cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{BLUE}"/>'


def _legend(y: int) -> list[str]:
    items = [
        f'<circle cx="{LEFT + 6}" cy="{y}" r="4" fill="{BLUE}"/>',
        f'<text x="{LEFT + 16}" y="{y + 4}" font-size="12">Value</text>',
        f'<rect x="{LEFT + 70}" y="{y - 5}" width="10" height="10" fill="{AMBER}" '
        f'stroke="{DARK}"/>',
        f'<text x="{LEFT + 86}" y="{y + 4}" font-size="12">Shift</text>',
        f'<polygon points="{LEFT + 146},{y - 6} {LEFT + 140},{y + 5} {LEFT + 152},{y + 5}" '
        f'fill="{AMBER}" stroke="{DARK}"/>',
        f'<text x="{LEFT + 158}" y="{y + 4}" font-size="12">Trend</text>',
        f'<line x1="{LEFT + 210}" y1="{y}" x2="{LEFT + 236}" y2="{y}" stroke="{DARK}" '
        'stroke-width="2" stroke-dasharray="6 4"/>',
        f'<text x="{LEFT + 242}" y="{y + 4}" font-size="12">Median (baseline)</text>',
        f'<rect x="{LEFT + 360}" y="{y - 6}" width="14" height="12" fill="{BLUE}" '
        f'fill-opacity="0.12" stroke="{GREY}" stroke-dasharray="3 2"/>',
        f'<text x="{LEFT + 380}" y="{y + 4}" font-size="12">PDSA cycle</text>',
    ]
    return items


def run_chart_svg(
    title: str, points: list[Point], *, unit: str = "", cycles=(), chart_id: str = "qi-chart"
) -> Markup:
    """An SVG run chart of `points` (in date order) with median, signals and PDSA cycles."""
    analysis = analyse([p.value for p in points])
    description = describe(points, analysis, unit, cycles)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="qi-chart" role="img" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" font-family="Arial, sans-serif">'
        f'<title id="{chart_id}-t">{escape(title)}</title>'
        f'<desc id="{chart_id}-d">{escape(description)}</desc>'
    )
    if not points:
        return Markup(head + "</svg>")  # noqa: S704  (title and description escaped)  # nosec B704
    scale = _Scale(points, cycles)
    parts = [head]
    parts += _axes(scale, unit)
    parts += _cycles(scale, cycles)
    median_y = scale.y(analysis.median)
    parts.append(
        f'<line class="qi-median" x1="{LEFT}" y1="{median_y:.1f}" x2="{WIDTH - RIGHT}" '
        f'y2="{median_y:.1f}" stroke="{DARK}" stroke-width="2" stroke-dasharray="6 4"/>'
    )
    parts.append(
        f'<text x="{WIDTH - RIGHT}" y="{median_y - 5:.1f}" font-size="12" text-anchor="end">'
        f"Median {escape(_fmt(analysis.median))}</text>"
    )
    coords = [(scale.x(p.on), scale.y(p.value)) for p in points]
    parts.append(
        '<polyline class="qi-line" fill="none" stroke="' + GREY + '" stroke-width="1.5" '
        'points="' + " ".join(f"{x:.1f},{y:.1f}" for x, y in coords) + '"/>'
    )
    parts += [_marker(x, y, i, analysis) for i, (x, y) in enumerate(coords)]
    parts += _legend(HEIGHT - 14)
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (every piece of text above escaped)  # nosec B704


def _axes(scale: _Scale, unit: str) -> list[str]:
    bottom = HEIGHT - BOTTOM
    parts = []
    for tick in scale.ticks():
        y = scale.y(tick)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
            'stroke="#d8dde0" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end">'
            f"{escape(_fmt(tick))}</text>"
        )
    ticks = scale.date_ticks()
    for n, day in enumerate(ticks):
        x = scale.x(day)
        anchor = "start" if n == 0 else ("end" if n == len(ticks) - 1 else "middle")
        parts.append(
            f'<line x1="{x:.1f}" y1="{bottom}" x2="{x:.1f}" y2="{bottom + 5}" stroke="{DARK}"/>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{bottom + 18}" font-size="11" text-anchor="{anchor}">'
            f"{escape(day.strftime('%-d %b %y'))}</text>"
        )
    parts.append(
        f'<line x1="{LEFT}" y1="{bottom}" x2="{WIDTH - RIGHT}" y2="{bottom}" stroke="{DARK}"/>'
    )
    parts.append(f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{bottom}" stroke="{DARK}"/>')
    parts.append(
        f'<text x="{LEFT + (WIDTH - LEFT - RIGHT) / 2:.0f}" y="{bottom + 36}" font-size="12" '
        'text-anchor="middle">Date</text>'
    )
    middle = TOP + (bottom - TOP) / 2
    parts.append(
        f'<text x="14" y="{middle:.0f}" font-size="12" text-anchor="middle" '
        f'transform="rotate(-90 14 {middle:.0f})">{escape(unit.capitalize() or "Value")}</text>'
    )
    return parts


def _cycles(scale: _Scale, cycles) -> list[str]:
    parts = []
    for cycle in cycles:
        if not cycle.start_on or not (scale.start <= cycle.start_on <= scale.end):
            continue
        x = scale.x(cycle.start_on)
        end = min(cycle.end_on or cycle.start_on, scale.end)
        width = max(scale.x(end) - x, 2)
        parts.append(
            f'<rect class="qi-pdsa" x="{x:.1f}" y="{TOP}" width="{width:.1f}" '
            f'height="{HEIGHT - TOP - BOTTOM}" fill="{BLUE}" fill-opacity="0.12" '
            f'stroke="{GREY}" stroke-dasharray="3 2"/>'
        )
        parts.append(
            f'<text x="{x + 3:.1f}" y="{TOP - 8}" font-size="12">PDSA {cycle.number}</text>'
        )
    return parts


def chart_rows(points: list[Point]) -> list[dict]:
    """The chart's data table: each value with its side of the median and any signal."""
    analysis = analyse([p.value for p in points])
    rows = []
    for i, p in enumerate(points):
        side = (
            "on the median"
            if p.value == analysis.median
            else ("above" if p.value > analysis.median else "below")
        )
        signal = ", ".join(
            name
            for name, members in (
                ("shift", analysis.shift_points),
                ("trend", analysis.trend_points),
            )
            if i in members
        )
        rows.append({"on": p.on, "value": p.value, "note": p.note, "side": side, "signal": signal})
    return rows
