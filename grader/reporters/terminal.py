"""The Rich terminal report. Renders a report; computes nothing.

Status words are always printed (not only colours), so the report reads the
same when piped, in CI logs and with ``NO_COLOR`` set (Rich honours it).
"""

from __future__ import annotations

import math
from typing import Any, Sequence

from rich import box
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from grader.model import CheckResult, Status, SubmissionReport, Visibility

STYLES = {
    Status.PASSED: ("passed", "bold green"),
    Status.FAILED: ("failed", "bold red"),
    Status.ERROR: ("error", "bold magenta"),
    Status.TIMEOUT: ("timeout", "bold yellow"),
    Status.SKIPPED: ("skipped", "dim"),
}
SPARK = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[float], width: int = 16) -> str:
    """A small loss curve for the terminal, on a linear scale from 0 to its largest value."""
    finite = [v for v in values if isinstance(v, (int, float)) and math.isfinite(v) and v >= 0]
    if len(finite) < 2:
        return ""
    step = max(1, math.ceil(len(finite) / width))
    points = finite[::step]
    top = max(points)
    if top <= 0:
        return SPARK[0] * len(points)
    return "".join(SPARK[min(len(SPARK) - 1, int(p / top * (len(SPARK) - 1) + 0.5))] for p in points)


def status_text(status: Status) -> Text:
    word, style = STYLES[status]
    return Text(word, style=style)


def _message(check: CheckResult) -> Text:
    text = Text(check.message)
    curve = check.details.get("train_losses") or check.details.get("losses")
    if isinstance(curve, list):
        line = sparkline(curve)
        if line:
            text.append(f"\nloss {line}", style="cyan")
    return text


def _check_id(check: CheckResult) -> Text:
    """The id; a hidden check (teacher mode) says so on a second line, so the column keeps its width."""
    text = Text(check.id)
    if check.visibility is Visibility.HIDDEN:
        text.append("\nhidden", style="dim italic")
    return text


def render(report: SubmissionReport, console: Console) -> None:
    env: dict[str, Any] = dict(report.environment)
    header = Text()
    header.append(f"Submission {report.submission.name}", style="bold")
    header.append(f"  ({report.submission.path})\n")
    header.append(f"grader {report.grader_version} · torch {env.get('torch', '?')} · "
                  f"python {env.get('python', '?')} · sandbox {env.get('sandbox', '?')}\n")
    if env.get("data_source"):
        data = env["data_source"]
    elif env.get("data_problem"):
        data = f"none: {env['data_problem']}"
    else:
        data = "not needed"
    header.append(f"data: {data}")
    if env.get("config_file"):
        header.append(f"\nconfig: {env['config_file']}")
    console.print(header)
    if env.get("sandbox") == "none":
        console.print(Text("warning: the student's code ran as a plain child process (no sandbox)",
                           style="yellow"))
    for warning in report.warnings:
        console.print(Text(f"warning: {warning}", style="yellow"))

    table = Table(box=box.SIMPLE_HEAD, show_lines=False, expand=False, pad_edge=False)
    table.add_column("Check", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("Points", justify="right", no_wrap=True)
    table.add_column("Time", justify="right", no_wrap=True)
    table.add_column("Message", overflow="fold")
    for check in report.checks:
        table.add_row(_check_id(check), status_text(check.status), f"{check.score:g}/{check.max_score:g}",
                      f"{check.duration_s:.1f}s", _message(check))
    console.print(table)

    hinted = [c for c in report.checks if c.hints]
    if hinted:
        hints = Table.grid(padding=(0, 1))
        hints.add_column(no_wrap=True, style="bold")
        hints.add_column(overflow="fold")
        for check in hinted:
            for hint in check.hints:
                hints.add_row(f"  {check.id}", hint)
        console.print(Group(Text("Hints", style="bold"), hints))
        console.print()
    counts = {s: sum(1 for c in report.checks if c.status is s) for s in Status}
    summary = ", ".join(f"{n} {STYLES[s][0]}" for s, n in counts.items() if n)
    total = Text.assemble(("Score ", "bold"), (f"{report.score:g} / {report.max_score:g}", "bold"),
                          f"   ({summary}; {report.duration_s:.1f} s)")
    console.print(total)
    if report.withheld.checks:
        n = report.withheld.checks
        console.print(Text(f"Hidden: {n} more check{'s' if n != 1 else ''} worth {report.withheld.max_score:g} "
                           "points, graded by your teacher (not in this score).", style="dim"))
