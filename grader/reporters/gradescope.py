"""Gradescope's ``results.json`` (https://gradescope-autograders.readthedocs.io/en/latest/specs/).

One test per check, in the report's order: ``name`` "<id>: <name>", ``number`` its position ("1",
"2", ...), ``score``/``max_score`` its points, ``status`` "passed" or "failed" (Gradescope knows no
other: error, timeout and skipped are "failed", and ``output`` starts with the real status word),
``output`` the message and hints, ``visibility``. The top-level ``score`` is the report's total (so
it is the grade even when a test has 0 points), ``execution_time`` whole seconds, ``output`` a
summary line plus the report's warnings.

Visibility: a visible check is ``"visible"``; a hidden check is ``"after_published"`` by default:
Gradescope then shows it to the student once the teacher publishes the grades (``"hidden"`` would
hide it forever, even though its points count). ``hidden_as="hidden"`` chooses the latter.
The autograder's stdout (our terminal report, which names every check) is ``stdout_visibility:
"hidden"``: Gradescope shows it to the teacher only.
"""

from __future__ import annotations

import json
import math
from typing import Any

from grader.i18n import Msg, render as tr, status_word
from grader.model import Status, SubmissionReport, Visibility
from grader.reporters.common import check_text, clean_text, count_line, lang_of, points
from grader.text import storable_data

HIDDEN_AS = ("after_published", "hidden", "after_due_date")


def to_dict(report: SubmissionReport, hidden_as: str = "after_published") -> dict[str, Any]:
    if hidden_as not in HIDDEN_AS:
        raise ValueError(f"hidden_as must be one of {HIDDEN_AS}, got {hidden_as!r}")
    tests = []
    lang = lang_of(report)
    for number, check in enumerate(report.checks, 1):
        output = check_text(check, lang)
        if check.status not in (Status.PASSED, Status.FAILED):
            output = f"[{status_word(check.status, lang)}] {output}"
        tests.append({
            "name": clean_text(f"{check.id}: {check.name}"),
            "number": str(number),
            "score": check.score,
            "max_score": check.max_score,
            "status": "passed" if check.passed else "failed",
            "output": output,
            "visibility": hidden_as if check.visibility is Visibility.HIDDEN else "visible",
            "tags": [check.id.split(".")[0]],
            "extra_data": {"id": check.id, "status": check.status.value},
        })
    summary = count_line(report)
    lines = [f"{tr(Msg('terminal.score'), lang)} {points(report.score)} / {points(report.max_score)} ({summary}); "
             f"grader {report.grader_version}"]
    lines += [tr(Msg("terminal.warning", text=w), lang) for w in report.warnings]
    return {
        "score": report.score,
        "execution_time": int(math.ceil(report.duration_s)),
        "output": clean_text("\n".join(lines)),
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "extra_data": {"grader_version": report.grader_version, "submission": clean_text(report.submission.name)},
        "tests": tests,
    }


def dumps(report: SubmissionReport, hidden_as: str = "after_published") -> str:
    return json.dumps(storable_data(to_dict(report, hidden_as)), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
