"""What the command line prints and how it exits: shared by the commands (grader.cli) and the class-run glue
(grader.classmode.commands). Every line that holds a path or a student's name is printed as it is, never
read as Rich markup."""

from __future__ import annotations

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
