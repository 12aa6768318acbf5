"""Small helpers shared by the file reporters (Gradescope, JUnit, Markdown, HTML). They compute nothing."""

from __future__ import annotations

import re

from grader.model import CheckResult, Status, SubmissionReport

# XML 1.0 forbids most control characters, even escaped; student text (messages, tracebacks) may hold them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def visibility_of(check: CheckResult) -> str:
    """``"visible"`` or ``"hidden"``: the check's own field when the model has one, else visible."""
    value = getattr(check, "visibility", "visible")
    value = getattr(value, "value", value)  # an enum or a plain string
    return "hidden" if str(value) == "hidden" else "visible"


def clean_text(text: str) -> str:
    """``text`` without the control characters XML cannot carry (tabs and newlines stay)."""
    return _CONTROL.sub("\N{REPLACEMENT CHARACTER}", str(text))


def check_text(check: CheckResult) -> str:
    """The message then one line per hint: what a student reads for one check."""
    lines = [check.message]
    lines += [f"Hint: {hint}" for hint in check.hints]
    return clean_text("\n".join(lines))


def counts(report: SubmissionReport) -> dict[Status, int]:
    return {s: sum(1 for c in report.checks if c.status is s) for s in Status}


def points(value: float) -> str:
    """2.0 -> "2", 1.5 -> "1.5"."""
    return f"{value:g}"
