"""What the student's files printed while they were imported: shown as a warning, never swallowed.

A ``print`` at import time is harmless for grading (the student process's output goes to a file), but it
says that code runs on import that belongs under ``if __name__ == "__main__":``; and a student who looks for
their output should find it. Read right after the import, so that what the checks' calls print later is not
taken for it; bounded (the first lines, each cut), as every text from the student process.
"""

from __future__ import annotations

from pathlib import Path

from grader.i18n import Msg, render
from grader.text import bounded

MAX_BYTES = 64 * 1024
MAX_LINES = 5
MAX_LINE = 160


def printed_lines(stdout_file: Path) -> list[str]:
    """The non-empty lines at the start of the student process's standard output."""
    try:
        with open(stdout_file, "rb") as fh:
            head = fh.read(MAX_BYTES)
    except OSError:
        return []
    return [line.rstrip() for line in head.decode("utf-8", "replace").splitlines() if line.strip()]


def import_output(session, lang: str) -> tuple[str, ...]:
    """The warning (or nothing) for what the files printed when ``session`` imported them."""
    process = getattr(session, "process", None)
    lines = printed_lines(Path(process.stdout_path)) if process is not None else []
    if not lines:
        return ()
    shown = "\n".join("  " + bounded(line, MAX_LINE) for line in lines[:MAX_LINES])
    more = Msg("ux.printed.more", n=len(lines) - MAX_LINES) if len(lines) > MAX_LINES else ""
    return (render(Msg("ux.printed", n=len(lines), lines=shown, more=more), lang),)
