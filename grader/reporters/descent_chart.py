"""The loss curve of a script-style ``descent.manual`` in the HTML report (the training charts' drawing).

It renders what the check put in its details (the loss recomputed by the grader at every recorded state,
the least-squares optimum of the script's data); it computes nothing.
"""

from __future__ import annotations

from html import escape
from typing import Any

from grader.model import CheckResult
from grader.reporters import svg_chart


def _number(value: Any) -> float:
    return float(value) if isinstance(value, (int, float)) else float("nan")


def descent_chart(check: CheckResult) -> str:
    """The panel of a script's descent, or "" for any other check (or a script with no recorded losses)."""
    d = check.details
    losses = d.get("losses")
    if d.get("form") != "script" or not isinstance(losses, list) or not losses:
        return ""
    curve = [v if isinstance(v, (int, float)) else float("nan") for v in losses]
    optimum = _number(d.get("optimum_mse"))
    panel = svg_chart.Panel(f"your script ({d.get('file', '')})", {"train": curve},
                            (svg_chart.Line(f"optimum {optimum:.4g}", optimum, "optimum"),))
    low, high = svg_chart.y_range([panel])
    figure = f"<figure>{svg_chart.render(panel, low, high, len(curve))}</figure>"
    legend = ("<p class=\"legend\">loss (the lab's MSE, recomputed by the grader, log scale) per iteration: "
              f"<span class=\"item\"><span class=\"sw\" style=\"color:#1f6fb2\"></span>your loop</span> "
              f"<span class=\"item\"><span class=\"sw o\" style=\"color:#6b7280\"></span>"
              f"{escape(f'least-squares optimum {optimum:.4f}')}</span></p>")
    return f"<div class=\"charts\">{figure}</div>{legend}"
