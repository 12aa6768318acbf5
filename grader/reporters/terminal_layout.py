"""How the terminal report is laid out: which rows, side by side or stacked, trimmed when piped. Computes nothing.

- **Skipped checks that share one cause** (``load`` did not pass, or there is no training data) are one row:
  "11 checks not run: load failed (mse.forward, …)" rather than eleven near-identical rows. The JSON and
  the other formats keep one entry per check.
- **Narrow terminals** (the message column would be narrower than :data:`MIN_MESSAGE_WIDTH`): each message
  goes under its check, indented, on the whole width, instead of in a column a few characters wide.
- **Piped output** (not a terminal): lines carry no trailing padding (Rich pads every table line to the
  console width).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from rich.cells import cell_len
from rich.console import Console
from rich.padding import Padding
from rich.text import Text

from grader.i18n import Msg, render as tr
from grader.model import CheckResult, Status, SubmissionReport

MIN_MESSAGE_WIDTH = 45  # below this the message goes under its check (80 columns leave about 33)
INDENT = 4
_TRAILING = re.compile(r"[ \t]+((?:\x1b\[[0-9;]*m)*)$")


@dataclass(frozen=True)
class Group:
    """Skipped checks with one cause, shown as one row."""

    cause: str  # "load" or "data"
    checks: tuple[CheckResult, ...]

    @property
    def max_score(self) -> float:
        return sum(c.max_score for c in self.checks)


def _cause(check: CheckResult, load_passed: bool) -> str | None:
    if check.status is not Status.SKIPPED:
        return None
    prerequisites = list(check.details.get("prerequisites") or ())
    if prerequisites == ["data"]:
        return "data"
    if prerequisites and not load_passed and all(p == "load" or "." in str(p) for p in prerequisites):
        return "load"  # names `load` did not find (tp1.MSE…), because it did not pass
    return None


def rows(report: SubmissionReport) -> list[CheckResult | Group]:
    """The report's checks in order, skipped checks of one cause (two or more) folded into one :class:`Group`
    at the place of the first."""
    load = next((c for c in report.checks if c.id == "load"), None)
    load_passed = load is None or load.status is Status.PASSED
    causes = [_cause(c, load_passed) for c in report.checks]
    out: list[CheckResult | Group] = []
    placed: set[str] = set()
    for check, cause in zip(report.checks, causes):
        if cause is None or causes.count(cause) < 2:
            out.append(check)
        elif cause not in placed:
            placed.add(cause)
            out.append(Group(cause, tuple(c for c, k in zip(report.checks, causes) if k == cause)))
    return out


def group_texts(group: Group, lang: str) -> tuple[Text, Text]:
    """(the check column, the message) of a group row."""
    ids = ", ".join(c.id for c in group.checks)
    label = Text(tr(Msg("ux.group.checks", n=len(group.checks)), lang))
    return label, Text(tr(Msg(f"ux.group.{group.cause}", n=len(group.checks), ids=ids), lang))


def fixed_width(cells: list[tuple[Text, Text, str, str]], titles: tuple[str, ...] = ()) -> int:
    """Width of the check, status, points and time columns (cells and titles) with the table's padding."""
    rows = [tuple(str(c) for c in row) for row in cells] + ([tuple(titles)] if titles else [])
    widths = [max((max((cell_len(line) for line in row[i].split("\n")), default=0) for row in rows), default=0)
              for i in range(4)]
    return sum(widths) + 3 * 4 + 1


def stacked(console: Console, cells: list[tuple[Text, Text, str, str]], titles: tuple[str, ...] = ()) -> bool:
    return console.width - fixed_width(cells, titles) < MIN_MESSAGE_WIDTH


def print_stacked(console: Console, heads: list[tuple[Text, Text, str, str]], messages: list[Text]) -> None:
    """One line per check (id, status, points, time, aligned), its message indented below on the whole width."""
    widths = [max(cell_len(str(row[i]).split("\n")[0]) for row in heads) for i in range(4)]
    for (check, status, points, time), message in zip(heads, messages):
        first, *rest = check.split("\n")  # "hidden" under a hidden check's id
        line = Text(" ")
        for cell, width in ((first, widths[0]), (status, widths[1])):
            line.append_text(cell)
            line.append(" " * (width - cell_len(cell.plain) + 2))
        line.append(points.rjust(widths[2]) + "  " + time.rjust(widths[3]))
        console.print(line, highlight=False)
        for extra in rest:
            console.print(Text(" " * (INDENT - 2)).append_text(extra), highlight=False)
        if message.plain:
            console.print(Padding(message, (0, 0, 0, INDENT)), highlight=False)


def trimmed(console: Console, draw: Callable[[], None]) -> None:
    """Run ``draw`` (which prints on ``console``); when ``console`` is not a terminal, without trailing blanks."""
    if console.is_terminal:
        draw()
        return
    with console.capture() as captured:
        draw()
    text = "\n".join(_TRAILING.sub(r"\1", line) for line in captured.get().split("\n"))
    console.file.write(text)
    console.file.flush()
