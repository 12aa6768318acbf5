"""Class reports: gradebook CSV, summary JSON, terminal table. They render a
:class:`~grader.classmode.summary.ClassSummary`; they compute nothing.

The terminal table marks each check with one character that reads without
colour too (``✓`` passed, ``✗`` failed, ``E`` error, ``T`` timeout, ``-``
skipped, ``·`` not in that student's report), and numbers the check columns
1..N with a key line, so twelve checks fit in 80 columns.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from grader.classmode.summary import ClassSummary, StudentRow
from grader.i18n import Msg, render as tr, status_word
from grader.model import Status
from grader.reporters.common import atomic_write
from grader.text import csv_cell, storable_data, visible

# status -> (mark, ASCII mark for consoles that cannot print the first, style)
MARKS = {
    Status.PASSED.value: ("✓", "+", "bold green"),
    Status.FAILED.value: ("✗", "x", "bold red"),
    Status.ERROR.value: ("E", "E", "bold magenta"),
    Status.TIMEOUT.value: ("T", "T", "bold yellow"),
    Status.SKIPPED.value: ("-", "-", "dim"),
}
NOT_RUN = ("·", ".", "dim")  # a check absent from the student's report (e.g. graded with --only)


def _number(x: float) -> str:
    """17.0 -> "17", 17.5 -> "17.5": what a spreadsheet reads as a number."""
    x = float(x)
    return str(int(x)) if x.is_integer() else repr(x)


def write_gradebook_csv(summary: ClassSummary, path: Path) -> None:
    """One row per student: ``student, lms_id, score, max_score, <status per check id>, report``.

    ``student`` is the class's label of the student (the name; with the LMS id when two share it),
    ``lms_id`` the LMS's participant id (Moodle's ``_<id>_``), empty outside an LMS export.

    UTF-8 with a byte-order mark (so a spreadsheet opened by double-click shows accents right;
    read it back with ``encoding="utf-8-sig"``), comma-separated, quoted by the csv module. A
    student the grader could not grade has an empty score (not a zero) and empty statuses.

    Text cells are student-controlled (names come from folder and zip names): control characters
    are shown as escapes (a terminal `cat` of the file acts on none), and a cell starting with
    ``=``, ``+``, ``-`` or ``@`` gets a leading ``'`` so a spreadsheet does not run it as a formula.
    """
    ids = summary.check_ids
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["student", "lms_id", "score", "max_score", *(_text_cell(cid) for cid in ids), "report"])
    for row in summary.students:
        score = _number(row.score) if row.graded else ""
        writer.writerow([_text_cell(row.student), _text_cell(row.lms_id or ""), score, _number(row.max_score),
                         *(_text_cell(row.statuses.get(cid, "")) for cid in ids), _text_cell(row.report or "")])
    atomic_write(Path(path), out.getvalue(), encoding="utf-8-sig")


MAX_NAMED = 8  # students named under a frequent failure in the terminal (the summary JSON names them all)


def names_line(students, lang: str, limit: int = MAX_NAMED) -> str:
    """``"alice, bob and 3 more"``: the students of a frequent failure, on one line."""
    shown = [visible(s, multiline=False) for s in students[:limit]]
    more = len(students) - len(shown)
    text = ", ".join(shown)
    return tr(Msg("classout.and_more", names=text, n=more), lang) if more > 0 else text


def _text_cell(text: str) -> str:
    return csv_cell(visible(text, multiline=False))


def write_summary_json(summary: ClassSummary, path: Path) -> None:
    """``summary.to_dict()`` as strict JSON (no NaN/Infinity) in strict UTF-8 (lone surrogates as their
    escape), written atomically."""
    text = json.dumps(storable_data(summary.to_dict()), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    atomic_write(Path(path), text)


def _mark(status: str | None, unicode: bool) -> Text:
    mark, ascii_mark, style = MARKS.get(status, NOT_RUN) if status is not None else NOT_RUN
    return Text(mark if unicode else ascii_mark, style=style)


def _score(row: StudentRow, lang: str) -> Text:
    if not row.graded:
        return Text(tr(Msg("class.not_available"), lang), style="bold red")
    return Text(f"{row.score:g}/{row.max_score:g}")


def render_class_table(summary: ClassSummary, console: Console, lang: str = "en", reused: int = 0) -> None:
    """The class table, the per-check statistics and the most frequent failures, in ``lang``; ``reused``:
    how many reports an earlier run left that were re-used (said in the heading when not 0)."""
    unicode = (console.encoding or "").lower().startswith("utf")
    head = Text()
    head.append(tr(Msg("class.title"), lang), style="bold")
    head.append("  " + tr(Msg("class.students", n=summary.n_students, graded=summary.n_graded), lang))
    if reused:
        head.append((" · " if unicode else ", ") + tr(Msg("classout.reused", n=reused), lang))
    if summary.n_graded:
        sep = " · " if unicode else ", "
        head.append(sep + tr(Msg("class.mean", mean=round(summary.mean_score, 2), max=summary.max_score), lang)
                    + sep + tr(Msg("class.median", median=summary.median_score, max=summary.max_score), lang))
    console.print(head)
    _students_table(summary, console, lang, unicode)
    _statistics(summary, console, lang, unicode)


def _students_table(summary: ClassSummary, console: Console, lang: str, unicode: bool) -> None:
    ids = summary.check_ids

    # No edges and collapsed padding: twelve one-character columns take 36 cells, the names the rest.
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1), expand=False,
                  collapse_padding=True)
    table.add_column(tr(Msg("class.column.student"), lang), overflow="fold", min_width=8)
    table.add_column(tr(Msg("class.column.score"), lang), justify="right", no_wrap=True)
    for i, _ in enumerate(ids, 1):
        table.add_column(str(i), justify="center", no_wrap=True, min_width=1)
    for row in summary.students:
        marks = [_mark(row.statuses.get(cid), unicode) if row.graded or row.statuses else Text("")
                 for cid in ids]
        name = Text(visible(row.student, multiline=False))
        if not row.graded:
            name.append(" " + tr(Msg("class.not_graded"), lang), style="red")
        table.add_row(name, _score(row, lang), *marks)
    console.print(table)

    legend = Text("  ")
    for status in Status:
        mark, ascii_mark, style = MARKS[status.value]
        legend.append(mark if unicode else ascii_mark, style=style)
        legend.append(f" {status_word(status, lang)}  ")
    legend.append(NOT_RUN[0] if unicode else NOT_RUN[1], style=NOT_RUN[2])
    legend.append(" " + tr(Msg("class.not_run"), lang))
    console.print(legend)


def _statistics(summary: ClassSummary, console: Console, lang: str, unicode: bool) -> None:
    # Per check: number (the column key), id, pass rate, counts that are not zero; then the failures.
    stats = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1), expand=False,
                  collapse_padding=True)
    stats.add_column("#", justify="right", no_wrap=True)
    stats.add_column(tr(Msg("class.column.check"), lang), no_wrap=True)
    stats.add_column(tr(Msg("class.column.passed"), lang), justify="right", no_wrap=True)
    stats.add_column(tr(Msg("class.column.other"), lang), overflow="fold")
    for i, check in enumerate(summary.checks, 1):
        total = sum(check.counts.values())
        passed = check.counts.get(Status.PASSED.value, 0)
        other = Text()
        for status, n in check.counts.items():
            if status != Status.PASSED.value and n:
                if other:
                    other.append("  ")
                other.append(tr(Msg(f"ux.class.count.{status}", n=n), lang),  # "2 échoués": plural
                             style=MARKS.get(status, NOT_RUN)[2])
        rate = f"{passed}/{total} {check.pass_rate:4.0%}" if total else "-"
        stats.add_row(str(i), Text(visible(check.id, multiline=False)), rate, other)
    console.print(stats)

    failing = [(i, c) for i, c in enumerate(summary.checks, 1) if c.top_failures]
    if failing:
        console.print(Text(tr(Msg("class.top_failures"), lang), style="bold"))
        for i, check in failing:
            console.print(Text(f"{i:>3} {visible(check.id, multiline=False)}", style="bold"))
            grid = Table.grid(padding=(0, 1))
            grid.add_column(justify="right", no_wrap=True, min_width=6)
            grid.add_column(overflow="fold")
            for failure in check.top_failures:
                who = Text(names_line(failure.students, lang), style="dim")
                grid.add_row(f"{failure.count}×" if unicode else f"{failure.count}x",
                             Text.assemble(visible(failure.text), "\n", who))
            console.print(grid)

    problems = [row for row in summary.students if row.problem]
    if problems:
        console.print(Text(tr(Msg("class.problems"), lang), style="bold"))
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True, style="bold")
        grid.add_column(overflow="fold")
        for row in problems:
            grid.add_row(Text(f"  {visible(row.student, multiline=False)}:"),
                         Text(visible(row.problem or ""), style="red" if not row.graded else ""))
        console.print(grid)
