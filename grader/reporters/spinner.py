"""The spinner of a single hand-in on a terminal: which check runs now and its time limit (a training check
may legitimately take two minutes: the student sees what they are waiting for). Computes nothing."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Callable, Iterator, Sequence

from rich.console import Console

from grader.config import GradingConfig
from grader.i18n import Msg, render as tr


def plan(config: GradingConfig) -> list[tuple[str, float]]:
    """(check id, time limit) of the checks this run grades, in report order."""
    from grader.checks import REGISTRY

    return [(spec.id, spec.timeout_s(config)) for spec in REGISTRY if config.runs(spec.id)]


def text(checks: Sequence[tuple[str, float]], done: int, name: str, config: GradingConfig) -> str:
    """What the spinner says once ``done`` checks are over: the import first, then the check running."""
    if done == 0 and checks and checks[0][0] == "load":
        return tr(Msg("ux.spinner.start", name=name, limit=config.load_timeout_s), config.lang)
    i = min(done, len(checks) - 1)  # (after the last check: the reports are being written)
    check, limit = checks[i] if checks else ("…", 0.0)
    return tr(Msg("ux.spinner.check", name=name, check=check, i=i + 1, n=len(checks), limit=limit), config.lang)


@contextmanager
def spinner(console: Console, name: str, config: GradingConfig) -> Iterator[Callable | None]:
    """Yields the ``on_result`` callback for :func:`grader.runner.grade` (None when not on a terminal)."""
    if not console.is_terminal:
        yield None
        return
    checks = plan(config)
    with console.status(text(checks, 0, name, config), spinner="dots") as status:
        done = 0

        def on_result(_result) -> None:
            nonlocal done
            done += 1
            status.update(text(checks, done, name, config))

        yield on_result
