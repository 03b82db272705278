# SPDX-License-Identifier: EUPL-1.2
"""Horizontal bar charts as inline SVG (for the HTML and PDF reports).

Plain SVG with the fonts named explicitly: WeasyPrint draws it itself, and a browser shows
the same. The figure's table stays next to the chart, so nothing depends on the picture.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from flagdesk.reports.document import Bar

WIDTH = 480
LABEL_WIDTH = 150
VALUE_WIDTH = 80
ROW = 20
FONT = "DejaVu Sans, sans-serif"


def bar_chart_svg(bars: Sequence[Bar], unit: str, title: str) -> str:
    """An SVG bar per item, scaled to the largest value, with its value written after it."""
    largest = max((b.value for b in bars), default=0) or 1
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = ROW * len(bars) + 24
    rows = [_row(i, bar, room * bar.value / largest) for i, bar in enumerate(bars)]
    axis = (
        f'<text x="{LABEL_WIDTH}" y="{height - 6}" font-size="9" fill="#444" '
        f'font-family="{FONT}">{escape(unit)}</text>'
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{WIDTH}" '
        f'height="{height}" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(title)}">{"".join(rows)}{axis}</svg>'
    )


def _row(index: int, bar: Bar, length: float) -> str:
    y = index * ROW + 4
    return (
        f'<text x="{LABEL_WIDTH - 6}" y="{y + 12}" text-anchor="end" font-size="10" '
        f'font-family="{FONT}">{escape(bar.label[:24])}</text>'
        f'<rect x="{LABEL_WIDTH}" y="{y + 2}" width="{max(length, 1):.1f}" height="{ROW - 6}" '
        f'fill="#154273"/>'
        f'<text x="{LABEL_WIDTH + max(length, 1) + 4:.1f}" y="{y + 12}" font-size="10" '
        f'font-family="{FONT}">{escape(bar.text)}</text>'
    )
