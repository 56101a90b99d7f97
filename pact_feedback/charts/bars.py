"""Grouped horizontal bar charts that reflow: each label above its bars, bars as wide as the page.

Labels are HTML text, so they wrap on a phone and are never clipped; the bars are small SVGs
whose lengths are percentages of the width, so nothing is scaled down and their values stay
12 px. A chart with more rows than fit on a printed page comes in labelled parts (a report's
tasks split by taxonomy group), so no part is ever cut across pages.

Hand-written rather than matplotlib: clean, text-based markup that screen readers, PDFs and
greyscale printers handle, with no 50-120 ms render per chart.
"""

import hashlib
import re
from dataclasses import dataclass

from markupsafe import Markup, escape

from pact_feedback.charts.styles import SEQUENCE, Style, pattern_def, swatch

BAR = 12  # bar height, px
STEP = 15  # one series' row of the chart, px
LONGEST_BAR = 70  # percent of the width, leaving room for the value after the longest bar
FONTS = "'Liberation Sans', sans-serif"  # the page's own type, in print too
PART_HEIGHT = 800  # px of rows in one part: with its caption and legend, inside an A4 page


@dataclass(frozen=True)
class Series:
    name: str
    values: dict  # category code -> number, or None when withheld
    style: Style | None = None  # None: the next pattern of `styles.SEQUENCE`


@dataclass(frozen=True)
class Part:
    label: str  # what the part holds, e.g. "B Care-related activity without the patient"
    codes: list[str]


def rows_per_part(n_series: int) -> int:
    """How many categories fit in one part: a label line and a bar per series each."""
    return max(1, PART_HEIGHT // (26 + STEP * n_series))


def split_parts(categories: list[tuple[str, str]], parts: list[Part] | None, n_series: int):
    """`parts` (or one part of everything), each cut into pieces that fit a page."""
    labels = dict(categories)
    wanted = parts or [Part("", [code for code, _ in categories])]
    limit = rows_per_part(n_series)
    pieces = []
    for part in wanted:
        codes = [c for c in part.codes if c in labels]
        chunks = [codes[i : i + limit] for i in range(0, len(codes), limit)]
        for n, chunk in enumerate(chunks, start=1):
            label = part.label + (f" ({n} of {len(chunks)})" if len(chunks) > 1 else "")
            pieces.append((label, [(code, labels[code]) for code in chunk]))
    return pieces


def chart_id(title: str) -> str:
    """A stable id, unique per title (two titles may share their first words)."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:40]
    return f"chart-{slug}-{hashlib.sha1(title.encode()).hexdigest()[:6]}"  # noqa: S324  # nosec B324


def bar_chart(
    title: str,
    description: str,
    categories: list[tuple[str, str]],
    series: list[Series],
    unit: str = "min",
    *,
    parts: list[Part] | None = None,
) -> Markup:
    """A grouped horizontal bar chart, in parts when long; `categories` are (code, label) pairs.

    Empty series are left out. Each part repeats the legend, so a printed page stands alone.
    """
    present = [s for s in series if s.values]
    styled = [(s, s.style or SEQUENCE[i % len(SEQUENCE)]) for i, s in enumerate(present)]
    values = [v for s in present for v in s.values.values() if v is not None]
    largest = max(values or [1]) or 1
    base = chart_id(title)
    pieces = split_parts(categories, parts, len(present))
    out = []
    for number, (label, rows) in enumerate(pieces, start=1):
        part_id = f"{base}-{number}"
        caption = title
        if len(pieces) > 1:
            caption += f", part {number} of {len(pieces)}" + (f": {label}" if label else "")
        out.append(
            f'<figure class="pact-chart" aria-labelledby="{part_id}-t">'
            f'<figcaption class="pact-chart__title" id="{part_id}-t">{escape(caption)}'
            f"</figcaption>"
            f"{_legend(styled, part_id)}"
            f'<div class="pact-chart__bars" role="img" aria-label="{escape(caption)}. '
            f'{escape(description)}">'
        )
        for row, (code, text) in enumerate(rows):
            out.append(
                f'<div class="pact-chart__row"><p class="pact-chart__label">{escape(text)}</p>'
                f"{_bars(styled, code, largest, unit, f'{part_id}-{row}')}</div>"
            )
        out.append("</div></figure>")
    return Markup("".join(out))  # noqa: S704  (every piece of text above escaped)  # nosec B704


def _legend(styled, part_id: str) -> str:
    items = "".join(
        f'<li class="pact-chart__key">{swatch(style, f"{part_id}-k{i}")}'
        f"<span>{escape(s.name)}</span></li>"
        for i, (s, style) in enumerate(styled)
    )
    return f'<ul class="pact-chart__legend">{items}</ul>'


def _bars(styled, code: str, largest: float, unit: str, row_id: str) -> str:
    defs, marks = [], []
    for i, (s, style) in enumerate(styled):
        value, y = s.values.get(code), i * STEP
        if value is None:
            marks.append(
                f'<text x="0" y="{y + BAR - 1}" font-size="12" font-style="italic" '
                f'fill="#4c6272">not shown</text>'
            )
            continue
        width = LONGEST_BAR * value / largest
        fill = style.fill
        if style.pattern != "solid":
            fill = f"url(#{row_id}-{i})"
            defs.append(pattern_def(style, f"{row_id}-{i}"))
        marks.append(
            f'<rect x="0" y="{y}" width="{width:.2f}%" height="{BAR}" fill="{fill}"/>'
            f'<text x="{width + 1:.2f}%" y="{y + BAR - 1}" font-size="12" fill="#212b32">'
            f"{value:g} {escape(unit)}</text>"
        )
    return (
        f'<svg class="pact-chart__svg" width="100%" height="{STEP * len(styled)}" '
        f'font-family="Arial, {FONTS}" aria-hidden="true" focusable="false">'
        f"<defs>{''.join(defs)}</defs>{''.join(marks)}</svg>"
    )
