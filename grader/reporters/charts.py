"""Inline SVG bar charts for the class index: no script, no fonts to fetch, every label escaped.

:func:`columns` draws vertical bars (the score distribution: how many students per score), :func:`bars`
horizontal ones (the pass rate per check, a label each). Both scale with ``viewBox`` to the page's width
(a phone included) and carry a ``<title>`` per bar, which browsers show on hover and screen readers read.
They draw the numbers they are given and compute nothing else.
"""

from __future__ import annotations

from html import escape
from typing import Sequence

from grader.text import visible

BAR = "#1f6fb2"
COLORS = {"good": "#137333", "mid": "#b06000", "bad": "#c5221f"}


def _e(text: str) -> str:
    return escape(visible(str(text), multiline=False))


def columns(counts: Sequence[tuple[str, int]], title: str, x_label: str, y_label: str) -> str:
    """Vertical bars: ``counts`` is (x label, count) in x order; the tallest bar fills the height. ``title``
    names the chart for screen readers (the page shows it as a heading)."""
    width, height, left, right, top, bottom = 640, 210, 34, 8, 14, 34
    n = max(len(counts), 1)
    plot_w, plot_h = width - left - right, height - top - bottom
    slot = plot_w / n
    peak = max((c for _, c in counts), default=0) or 1
    every = max(1, round(n / 20))  # at most ~20 x labels
    parts = [f'<svg class="chart bars" viewBox="0 0 {width} {height}" role="img" aria-label="{_e(title)}" '
             f'xmlns="http://www.w3.org/2000/svg">',
             f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}" class="axis"/>',
             f'<text x="{left - 4}" y="{top + 8}" class="yl">{peak}</text>',
             f'<text x="{left - 4}" y="{top + plot_h}" class="yl">0</text>']
    for i, (label, count) in enumerate(counts):
        h = plot_h * count / peak
        x = left + i * slot
        parts.append(f'<rect x="{x + slot * 0.12:.1f}" y="{top + plot_h - h:.1f}" width="{slot * 0.76:.1f}" '
                     f'height="{h:.1f}" fill="{BAR}"><title>{_e(label)}: {count}</title></rect>')
        if count:
            parts.append(f'<text x="{x + slot / 2:.1f}" y="{top + plot_h - h - 3:.1f}" class="xl mid">{count}</text>')
        if i % every == 0 or i == len(counts) - 1:
            parts.append(f'<text x="{x + slot / 2:.1f}" y="{top + plot_h + 13}" class="xl mid">{_e(label)}</text>')
    parts.append(f'<text x="{left + plot_w / 2}" y="{height - 3}" class="xl mid">{_e(x_label)}</text>')
    if y_label:
        parts.append(f'<text x="10" y="{top + plot_h / 2}" class="xl mid" '
                     f'transform="rotate(-90 10 {top + plot_h / 2})">{_e(y_label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def bars(items: Sequence[tuple[str, float, str]], title: str) -> str:
    """Horizontal bars, one per item ``(label, fraction in [0, 1], text shown after the bar)``; green from
    80 %, orange from 50 %, red below."""
    row, left, right, top = 22, 150, 96, 4
    width = 640
    height = top + row * max(len(items), 1) + 6
    plot_w = width - left - right
    parts = [f'<svg class="chart hbars" viewBox="0 0 {width} {height}" role="img" aria-label="{_e(title)}" '
             f'xmlns="http://www.w3.org/2000/svg">']
    for i, (label, fraction, text) in enumerate(items):
        y = top + i * row
        fraction = min(max(float(fraction), 0.0), 1.0)
        color = COLORS["good"] if fraction >= 0.8 else COLORS["mid"] if fraction >= 0.5 else COLORS["bad"]
        parts.append(f'<text x="{left - 6}" y="{y + 14}" class="yl">{_e(label)}</text>'
                     f'<rect x="{left}" y="{y + 3}" width="{plot_w}" height="{row - 8}" class="track"/>'
                     f'<rect x="{left}" y="{y + 3}" width="{plot_w * fraction:.1f}" height="{row - 8}" '
                     f'fill="{color}"><title>{_e(label)}: {_e(text)}</title></rect>'
                     f'<text x="{left + plot_w + 6}" y="{y + 14}" class="xl">{_e(text)}</text>')
    parts.append("</svg>")
    return "".join(parts)
