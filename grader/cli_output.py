"""What the command line prints and how it exits: shared by the commands (grader.cli) and the class-run glue
(grader.classmode.commands). Every line that holds a path or a student's name is printed as it is, never
read as Rich markup."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.text import Text

from grader.text import visible

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


def usage_error(console: Console, message: str) -> None:
    error(console, "error:", message, soft_wrap=True)  # one greppable line
    raise typer.Exit(EXIT_USAGE)


def say(console: Console, text: str, soft_wrap: bool = False) -> None:
    """Print ``text`` as it is: never read as Rich markup, control characters shown as escapes (a path or
    a student's name can hold ``[link=...]`` or a terminal escape sequence)."""
    console.print(Text(visible(text)), highlight=False, soft_wrap=soft_wrap)


def error(console: Console, label: str, text: str, soft_wrap: bool = False) -> None:
    """``label`` in bold red, then ``text`` as :func:`say` prints it."""
    console.print(Text.assemble((label, "bold red"), " ", visible(text)), highlight=False, soft_wrap=soft_wrap)


_EXIT_CODE: list[int] = []  # the exit code grader.cli.main ended with, for exit_without_finalizing


def exit_without_finalizing() -> None:
    """Registered first by :func:`grader.cli.main`, so run last at exit, after every other exit handler (temporary
    folders included): end the process with its exit code without the interpreter's finalization, where
    torch's C++ destructors wait about a second for a thread of their own. Only after a normal exit: after
    any other exception Python finalizes as usual."""
    if not _EXIT_CODE:
        return
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(_EXIT_CODE[0])


def started_as_grader() -> bool:
    """This process is the ``grader`` command (its console script, or ``python -m grader``)."""
    started = Path(sys.argv[0]) if sys.argv and sys.argv[0] else Path()
    return started.name == "grader" or started.resolve() == Path(__file__).with_name("__main__.py").resolve()


def remember_exit_code(code) -> None:
    """The exit code a ``SystemExit(code)`` gives the process."""
    _EXIT_CODE.append(code if isinstance(code, int) else 0 if code is None else 1)
