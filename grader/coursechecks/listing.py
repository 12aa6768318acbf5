"""``grader checks``: the course's own checks, after the built-in ones, when a configuration names them."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from grader.config.options import Overrides, resolve


def course_lines(path: Path, config_file: Path | None, course_checks: tuple[Path, ...], lang: str) -> Iterator[str]:
    """``id  points  name`` per course check (``hidden`` after the hidden ones), under a header naming the
    paths; nothing when neither the configuration found for ``path`` nor ``--course-checks`` names any.
    Raises :class:`~grader.config.file.ConfigError` or :class:`~grader.coursechecks.CourseChecksError`."""
    from grader.coursechecks.suite import bind
    from grader.i18n import Msg, render

    config = resolve(path, config_file, Overrides(course_checks=course_checks))
    if not config.course_checks:
        return
    config = bind(config, ())
    yield ""
    yield render(Msg("course.checks_header", path=", ".join(config.course_checks)), lang)
    hidden = render(Msg("course.checks_hidden"), lang)
    width = max(18, *(len(c.id) for c in config.course_suite.checks))
    for check in config.course_suite.checks:
        flag = f"  ({hidden})" if config.is_hidden(check.id) else ""
        yield f"{check.id:<{width}} {config.points.get(check.id, check.points):>3g}  {check.name}{flag}"
