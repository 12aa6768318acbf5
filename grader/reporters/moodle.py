"""Moodle's offline grading worksheet: the CSV an assignment's "Upload grading worksheet" imports.

Columns, as Moodle's own "Download grading worksheet" names them (English site language)::

    Identifier, Full name, Email address, Status, Grade, Maximum Grade, Grade can be changed,
    Last modified (submission), Last modified (grade), Feedback comments

What Moodle's importer (``mod/assign/feedback/offline/importgradeslib.php``) reads: it finds the columns
by these names **in the uploading user's language**; it needs ``Identifier``, ``Grade`` and ``Last modified
(grade)``, and reads ``Feedback comments`` when that feedback type is enabled. ``Identifier`` is
``Participant <id>``, where ``<id>`` is the number in the export's folder names
(``Firstname Lastname_<id>_assignsubmission_file_``): Moodle strips the ``Participant`` prefix and maps
the id back to the student. A row whose grade is empty is skipped; a grade above the assignment's maximum
grade is skipped too. ``Last modified (grade)`` is when the grader graded the hand-in (ISO 8601, which
PHP's ``strtotime`` reads): a grade changed in Moodle after that is kept unless the teacher ticks "Ignore
last modified date". The other columns are informational (the importer ignores them).

Feedback comments are HTML (Moodle stores and shows them so): the score line, then each check that did not
pass with its message and hints, every student-controlled text escaped, lines joined with ``<br>``, so a
row is one CSV line. UTF-8 without a byte-order mark (Moodle's default encoding for the upload).
Students without an LMS id (a folder class) cannot be matched and are left out.
"""

from __future__ import annotations

import csv
import html
import io
from typing import Iterable, Sequence

from grader.i18n import Msg, render as tr, status_word
from grader.model import Status, SubmissionReport
from grader.reporters.common import clean_text, counts, points

COLUMNS = ("Identifier", "Full name", "Email address", "Status", "Grade", "Maximum Grade", "Grade can be changed",
           "Last modified (submission)", "Last modified (grade)", "Feedback comments")
PARTICIPANT = "Participant "
FILE_NAME = "moodle-grading-worksheet.csv"


def _h(text: str) -> str:
    return html.escape(clean_text(text)).replace("\r\n", "\n").replace("\n", "<br>")


def feedback(report: SubmissionReport | None, problem: str | None, lang: str) -> str:
    """The feedback comments of one student (HTML, one line)."""
    if report is None:
        return _h(tr(Msg("classout.feedback.not_graded", problem=problem or "?"), lang))
    tally = ", ".join(f"{n} {status_word(status, lang)}" for status, n in counts(report).items() if n)
    lines = [_h(tr(Msg("classout.feedback.score", score=points(report.score), max=points(report.max_score),
                       counts=tally), lang))]
    skipped = [c.id for c in report.checks if c.status is Status.SKIPPED]
    for check in report.checks:
        if check.status in (Status.PASSED, Status.SKIPPED):
            continue
        lines.append(_h(tr(Msg("classout.feedback.check", id=check.id, status=status_word(check.status, lang),
                               points=f"{points(check.score)}/{points(check.max_score)}", message=check.message),
                           lang)))
        lines += [_h(tr(Msg("classout.feedback.hint", hint=hint), lang)) for hint in check.hints]
    if skipped:
        lines.append(_h(tr(Msg("classout.feedback.skipped", ids=", ".join(skipped)), lang)))
    if report.all_passed:
        lines.append(_h(tr(Msg("classout.feedback.all_passed"), lang)))
    return "<br>".join(lines)


def _cell(text: str) -> str:
    """One line, control characters as escapes; no formula guard: Moodle reads the cell, not a spreadsheet."""
    return clean_text(text).replace("\r", " ").replace("\n", " ")


def worksheet(entries: Iterable[Sequence], lang: str = "en") -> tuple[str, int]:
    """The worksheet of class entries ``(name, report, report_path, problem, lms_id)`` and how many were left
    out for want of an LMS id. Rows in the entries' order."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    left_out = 0
    for name, report, _path, problem, lms_id in entries:
        if not lms_id:
            left_out += 1
            continue
        graded = report is not None and not any(c.details.get("internal_error") for c in report.checks)
        writer.writerow([
            PARTICIPANT + str(lms_id),
            _cell(name),
            "",
            "",
            points(report.score) if graded else "",
            points(report.max_score) if report is not None else "",
            "Yes",
            "",
            report.started_at if report is not None else "",
            feedback(report if graded else None, problem if graded or report is None else _internal(report), lang),
        ])
    return out.getvalue(), left_out


def _internal(report: SubmissionReport) -> str:
    check = next(c for c in report.checks if c.details.get("internal_error"))
    return f"internal error of the grader in {check.id}: {check.message}"
