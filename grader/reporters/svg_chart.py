"""Inline SVG loss charts for the HTML report: no script, no fonts to fetch, text escaped.

A chart is a :class:`Panel` (curves and horizontal lines) drawn on a log-scale y axis shared by
the panels shown side by side, so the student's run and the reference run compare by eye.
Non-finite values (a diverged loop) are left out of the curve; values above the axis are drawn
on its top edge.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from html import escape
from typing import Sequence

W, H = 320, 190
LEFT, RIGHT, TOP, BOTTOM = 46, 10, 24, 30
COLORS = {"train": "#1f6fb2", "test": "#d9730d", "optimum": "#6b7280"}


@dataclass(frozen=True)
class Line:
    label: str
    value: float
    kind: str  # "train", "test" (a threshold, dashed, in the curve's colour) or "optimum" (dotted grey)


@dataclass(frozen=True)
class Panel:
    title: str
    curves: dict[str, Sequence[float]] = field(default_factory=dict)  # "train"/"test" -> values per epoch
    lines: tuple[Line, ...] = ()
    note: str = ""


def finite(values: Sequence) -> list[float]:
    return [float(v) for v in values if isinstance(v, (int, float)) and math.isfinite(v) and v > 0]


def y_range(panels: Sequence[Panel]) -> tuple[float, float]:
    """One range for every panel: the lines, the curves, the top capped at 100x the lines' largest value."""
    lines = [ln.value for p in panels for ln in p.lines if math.isfinite(ln.value) and ln.value > 0]
    values = [v for p in panels for c in p.curves.values() for v in finite(c)] + lines
    if not values:
        return 0.1, 10.0
    low, high = min(values), max(values)
    if lines:
        high = min(high, 100 * max(lines))
    if high <= low * 1.05:
        high = low * 1.1
    return low / 1.04, high * 1.04


def ticks(low: float, high: float) -> list[float]:
    """Round numbers 1, 2, 5 × 10^k inside the range; at least three (3 significant digits) when it is narrow."""
    out = []
    for k in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1):
        out += [m * 10.0 ** k for m in (1, 2, 5) if low <= m * 10.0 ** k <= high]
    if len(out) >= 3:
        return out if len(out) <= 7 else [t for t in out if math.log10(t).is_integer()] or out[::2]
    raw = (high - low) / 4  # a narrow range: round linear steps (0.45, 0.50, ...)
    step = min((m * 10.0 ** math.floor(math.log10(raw)) for m in (1, 2, 2.5, 5, 10)), key=lambda v: abs(v - raw))
    first = math.ceil(low / step) * step
    return [round(first + i * step, 10) for i in range(int((high - first) / step) + 1)]


def _label(value: float) -> str:
    return f"{value:.3g}" if 1e-3 <= value < 1e4 else f"{value:.0e}"


def render(panel: Panel, low: float, high: float, n_epochs: int) -> str:
    plot_w, plot_h = W - LEFT - RIGHT, H - TOP - BOTTOM
    n = max(n_epochs, max((len(c) for c in panel.curves.values()), default=1), 1)

    def x(i: int) -> float:  # epoch i (0-based)
        return LEFT + (plot_w / 2 if n == 1 else plot_w * i / (n - 1))

    def y(v: float) -> float:
        v = min(max(v, low), high)
        return TOP + plot_h * (1 - (math.log(v) - math.log(low)) / (math.log(high) - math.log(low)))

    parts = [f'<svg class="chart" viewBox="0 0 {W} {H}" role="img" aria-label="{escape(panel.title)}" '
             f'xmlns="http://www.w3.org/2000/svg">',
             f'<text x="{LEFT}" y="14" class="t">{escape(panel.title)}</text>',
             f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" class="frame"/>']
    for t in ticks(low, high):
        parts.append(f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{y(t):.1f}" y2="{y(t):.1f}" class="grid"/>'
                     f'<text x="{LEFT - 4}" y="{y(t) + 3:.1f}" class="yl">{_label(t)}</text>')
    if n == 1:
        parts.append(f'<text x="{x(0)}" y="{H - 14}" class="xl mid">1</text>')
    else:
        parts.append(f'<text x="{LEFT}" y="{H - 14}" class="xl">1</text>'
                     f'<text x="{W - RIGHT}" y="{H - 14}" class="xl end">{n}</text>')
    parts.append(f'<text x="{LEFT + plot_w / 2}" y="{H - 2}" class="xl mid">epoch</text>')
    for line in panel.lines:
        if math.isfinite(line.value) and line.value > 0:
            parts.append(f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{y(line.value):.1f}" y2="{y(line.value):.1f}" '
                         f'class="h {line.kind}"><title>{escape(line.label)}</title></line>')
    for kind, values in panel.curves.items():
        pts = [(x(i), y(float(v))) for i, v in enumerate(values)
               if isinstance(v, (int, float)) and math.isfinite(v) and v > 0]
        color = COLORS.get(kind, "#000")
        if len(pts) >= 2:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in pts)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
        if len(pts) <= 12:
            parts += [f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3.5" fill="{color}"/>' for px, py in pts]
    if panel.note:
        parts.append(f'<text x="{LEFT + plot_w / 2}" y="{TOP + plot_h / 2}" class="note">{escape(panel.note)}</text>')
    parts.append("</svg>")
    return "".join(parts)
