"""Small helpers shared by the reporters (atomic writes; for Gradescope, JUnit, Markdown, HTML: text). They compute
nothing."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from grader.model import CheckResult, Status, SubmissionReport

# XML 1.0 forbids most control characters, even escaped; student text (messages, tracebacks) may hold them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def atomic_write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` through a temporary file renamed over it, creating the folder."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


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


def count_line(report: SubmissionReport) -> str:
    """``"10 passed, 2 failed"``."""
    return ", ".join(f"{n} {s.value}" for s, n in counts(report).items() if n)


def points(value: float) -> str:
    """2.0 -> "2", 1.5 -> "1.5"."""
    return f"{value:g}"
