"""The Rich terminal report. Renders a report; computes nothing.

Status words are always printed (not only colours), so the report reads the
same when piped, in CI logs and with ``NO_COLOR`` set (Rich honours it).

Every text that comes from the report goes through :func:`grader.text.visible` and into a Rich
``Text`` (never into markup): a student's message, hint, warning, name or file name cannot move
the cursor, clear the screen, write the clipboard or print a fake score line.
"""

from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

from rich import box
from rich.console import Console, Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from grader.i18n import Join, Msg, render as tr, status_word
from grader.model import CheckResult, Status, SubmissionReport, Visibility
from grader.reporters import terminal_layout as layout
from grader.reporters.common import counts as counts_of
from grader.text import visible

STYLES = {
    Status.PASSED: "bold green",
    Status.FAILED: "bold red",
    Status.ERROR: "bold magenta",
    Status.TIMEOUT: "bold yellow",
    Status.SKIPPED: "dim",
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


def status_text(status: Status, lang: str = "en") -> Text:
    return Text(status_word(status, lang), style=STYLES[status])


def _message(check: CheckResult, lang: str) -> Text:
    text = Text(visible(check.message))
    curve = check.details.get("train_losses") or check.details.get("losses")
    if isinstance(curve, list):
        line = sparkline(curve)
        if line:
            text.append("\n" + tr(Msg("terminal.loss", curve=line), lang), style="cyan")
    return text


def _check_id(check: CheckResult, lang: str) -> Text:
    """The id; a hidden check (teacher mode) says so on a second line, so the column keeps its width."""
    text = Text(visible(check.id, multiline=False))
    if check.visibility is Visibility.HIDDEN:
        text.append("\n" + tr(Msg("terminal.hidden"), lang), style="dim italic")
    return text


def _header(report: SubmissionReport, console: Console, lang: str) -> None:
    env: dict[str, Any] = dict(report.environment)
    header = Text()
    header.append(visible(tr(Msg("terminal.submission", name=report.submission.name), lang), multiline=False),
                  style="bold")
    header.append(visible(f"  ({report.submission.path})", multiline=False) + "\n")
    header.append(visible(f"grader {report.grader_version} · torch {env.get('torch', '?')} · "
                          f"python {env.get('python', '?')} · sandbox {env.get('sandbox', '?')}") + "\n")
    if env.get("data_source"):
        data = Msg("terminal.data", data=env["data_source"])
    elif env.get("data_problem"):
        data = Msg("terminal.data_none", problem=str(env["data_problem"]).split("\n")[0])  # the remedy: below
    else:
        data = Msg("terminal.data_not_needed")
    header.append(visible(tr(data, lang)))
    if env.get("config_file"):
        header.append("\n" + visible(tr(Msg("terminal.config", path=env["config_file"]), lang)))
    console.print(header)
    render_unprotected(env, console, lang)
    for warning in report.warnings:
        console.print(Text(visible(tr(Msg("terminal.warning", text=warning), lang)), style="yellow"))


def render_unprotected(env: Mapping[str, Any], console: Console, lang: str) -> None:
    """In red, what the sandbox the report names did not protect (``sandbox_details["unprotected"]``)."""
    details = env.get("sandbox_details") or {}
    gaps = [str(gap) for gap in details.get("unprotected") or ()]
    if not gaps:
        return
    console.print(Text(tr(Msg("terminal.unprotected", level=str(env.get("sandbox", "?"))), lang), style="bold red"))
    for gap in gaps:
        console.print(Text("  - " + tr(Msg(f"terminal.unprotected.{gap}"), lang), style="red"))
    console.print(Text(tr(Msg("terminal.unprotected_hint"), lang), style="red"))


def render(report: SubmissionReport, console: Console) -> None:
    """Print ``report`` in the language it was graded in (``environment["lang"]``, English if absent); piped,
    without trailing blanks (:func:`grader.reporters.terminal_layout.trimmed`)."""
    layout.trimmed(console, lambda: _render(report, console))


def _cells(item, lang: str) -> tuple[tuple[Text, Text, str, str], Text]:
    """((check, status, points, time), message) of one row: a check or a group of skipped checks."""
    if isinstance(item, layout.Group):
        label, message = layout.group_texts(item, lang)
        return (label, status_text(Status.SKIPPED, lang), f"0/{item.max_score:g}", ""), message
    return ((_check_id(item, lang), status_text(item.status, lang), f"{item.score:g}/{item.max_score:g}",
             f"{item.duration_s:.1f}s"), _message(item, lang))


def _table(report: SubmissionReport, console: Console, lang: str) -> None:
    """The checks side by side with their messages, or (narrow terminal) each message under its check."""
    cells = [_cells(item, lang) for item in layout.rows(report)]
    heads, messages = [c[0] for c in cells], [c[1] for c in cells]
    titles = tuple(tr(Msg(f"terminal.column.{key}"), lang) for key in ("check", "status", "points", "time"))
    if layout.stacked(console, heads, titles):
        console.print()
        layout.print_stacked(console, heads, messages)
        console.print()
        return
    table = Table(box=box.SIMPLE_HEAD, show_lines=False, expand=False, pad_edge=False)
    for key, justify, wrap in (("check", "left", False), ("status", "left", False), ("points", "right", False),
                               ("time", "right", False), ("message", "left", True)):
        table.add_column(tr(Msg(f"terminal.column.{key}"), lang), justify=justify,  # type: ignore[arg-type]
                         no_wrap=not wrap, overflow="fold" if wrap else "ellipsis")
    for head, message in zip(heads, messages):
        table.add_row(*head, message)
    console.print(table)


def _data_remedy(report: SubmissionReport, console: Console, lang: str) -> None:
    """What to do about missing training data, once, below the table (its rows and the header say it in one line)."""
    problem = str(report.environment.get("data_problem") or "")
    remedy = problem.split("\n", 1)[1].strip("\n") if "\n" in problem else ""
    if remedy and any(c.details.get("prerequisites") == ["data"] for c in report.checks):
        console.print(Text(tr(Msg("ux.data_remedy"), lang), style="bold"))
        console.print(Padding(Text(visible(remedy)), (0, 0, 0, 2)))
        console.print()


def _render(report: SubmissionReport, console: Console) -> None:
    lang = str(report.environment.get("lang") or "en")
    _header(report, console, lang)
    _table(report, console, lang)
    _data_remedy(report, console, lang)

    by_hint: dict[str, list[str]] = {}  # one mistake often fails several checks: say its hint once
    for check in report.checks:
        for hint in check.hints:
            by_hint.setdefault(hint, []).append(check.id)
    if by_hint:
        hints = Table.grid(padding=(0, 1))
        hints.add_column(no_wrap=True, style="bold")
        hints.add_column(overflow="fold")
        for hint, ids in by_hint.items():
            hints.add_row(Text("  " + "\n  ".join(visible(i, multiline=False) for i in ids)), Text(visible(hint)))
        console.print(Group(Text(tr(Msg("terminal.hints"), lang), style="bold"), hints))
        console.print()
    counts = counts_of(report)
    summary = Join([Msg(f"terminal.count.{s.value}", n=n) for s, n in counts.items() if n], sep="sep.comma")
    total = Text.assemble((tr(Msg("terminal.score"), lang) + " ", "bold"),
                          (f"{report.score:g} / {report.max_score:g}", "bold"),
                          "   " + tr(Msg("terminal.summary", counts=summary, duration=report.duration_s), lang))
    console.print(total)
    if report.withheld.checks:
        console.print(Text(tr(Msg("terminal.withheld", n=report.withheld.checks,
                                  points=report.withheld.max_score), lang), style="dim"))
