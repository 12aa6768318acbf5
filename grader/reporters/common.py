"""Small helpers shared by the reporters (atomic writes; for Gradescope, JUnit, Markdown, HTML: text). They compute
nothing."""

from __future__ import annotations

import os
import re
import tempfile
import threading
from pathlib import Path

from grader.model import CheckResult, Status, SubmissionReport
from grader.text import visible

# XML 1.0 forbids these noncharacters (control characters are shown as escapes by grader.text.visible).
_NONCHARACTERS = re.compile("[\ufffe\uffff]")


def file_mode() -> int:
    """The mode ``open()`` would give a new file: 0o666 less the process's umask (0o644 with the usual 022).

    Read from ``/proc/self/status`` where there is one: setting the umask to read it back is not safe while
    a class run's worker threads create files."""
    global _FILE_MODE
    if _FILE_MODE is None:
        umask = None
        try:
            with open("/proc/self/status", encoding="ascii", errors="replace") as fh:
                umask = next((int(line.split()[1], 8) for line in fh if line.startswith("Umask:")), None)
        except (OSError, ValueError, IndexError):
            pass
        if umask is None:
            with _UMASK_LOCK:
                umask = os.umask(0o022)
                os.umask(umask)
        _FILE_MODE = 0o666 & ~umask
    return _FILE_MODE


_FILE_MODE: int | None = None
_UMASK_LOCK = threading.Lock()


def atomic_write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` through a temporary file renamed over it, creating the folder.

    The file gets the mode of any file the user creates (:func:`file_mode`, 0o644 typically), not the
    0o600 of a temporary file, so teaching assistants can read the reports.
    Renderers make student text storable themselves; should a lone surrogate still reach this point, it
    is written as its escape (``\\udcff``) rather than losing the report."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, file_mode())
        with os.fdopen(fd, "w", encoding=encoding, errors="backslashreplace", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def clean_text(text: str) -> str:
    """``text`` safe for XML, Markdown and Gradescope's pages: control characters (XML cannot carry
    most of them), bidi overrides and lone surrogates shown as escapes (``\\x1b``, ``\\udcff``;
    tabs and newlines stay), XML's noncharacters U+FFFE and U+FFFF as U+FFFD."""
    return _NONCHARACTERS.sub("\N{REPLACEMENT CHARACTER}", visible(text))


def lang_of(report: SubmissionReport) -> str:
    """The language the report was graded in (its rendered texts are in it): ``environment["lang"]``."""
    return str(report.environment.get("lang") or "en")


def check_text(check: CheckResult, lang: str = "en") -> str:
    """The message then one line per hint: what a student reads for one check."""
    from grader.i18n import Msg, render

    lines = [check.message]
    lines += [render(Msg("ux.out.hint", text=hint), lang) for hint in check.hints]
    return clean_text("\n".join(lines))


def counts(report: SubmissionReport) -> dict[Status, int]:
    return {s: sum(1 for c in report.checks if c.status is s) for s in Status}


def count_line(report: SubmissionReport) -> str:
    """``"10 passed, 2 failed"``, in the report's language (``"10 réussies, 2 échouées"``)."""
    from grader.i18n import Join, Msg, render

    return render(Join([Msg(f"terminal.count.{s.value}", n=n) for s, n in counts(report).items() if n],
                       sep="sep.comma"), lang_of(report))


def points(value: float) -> str:
    """2.0 -> "2", 1.5 -> "1.5"."""
    return f"{value:g}"
