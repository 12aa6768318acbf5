"""Which course checks there are, and how they join the configuration.

:func:`collect` runs pytest's collection on the course's paths (``course_checks`` in grader.toml, or
``--course-checks``) and returns a :class:`CourseSuite`: one :class:`CourseCheck` per test, with its id
(``course.<name>`` / ``course.<name>[<param id>]``), points (``@pytest.mark.points(n)``, default 1) and
visibility (``@pytest.mark.hidden``). :func:`bind` adds the suite to a :class:`GradingConfig`: its points
(a ``[points]`` entry of grader.toml or ``--points`` overrides the marker), its hidden checks, so that
every rule of the built-in checks (``--only``, student and teacher mode, the withheld points) applies to
the course's checks unchanged.

Every problem is a :class:`CourseChecksError`, a usage error (exit 2), raised before anything is graded:
a path that does not exist or lies in the hand-in, a file pytest cannot collect (a syntax error), no
check at all, two checks with the same id (both named), a ``points`` marker that is not a number, a
``course.*`` id in the configuration that no check has.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Sequence

from grader.config import GradingConfig

PREFIX = "course."
DEFAULT_POINTS = 1.0
MAX_ERROR = 1500


class CourseChecksError(ValueError):
    """The course's checks cannot be used: a usage error (exit 2) with this message."""


@dataclass(frozen=True)
class CourseCheck:
    id: str  # course.<name> or course.<name>[<param id>]
    nodeid: str  # pytest's node id, relative to the course's folder
    name: str  # its docstring's first line, else the test's name
    points: float  # from its marker (the configuration may override it: GradingConfig.points)
    hidden: bool  # from its marker (the configuration may add hidden ids: GradingConfig.hidden)
    where: str  # file:line


@dataclass(frozen=True)
class CourseSuite:
    paths: tuple[str, ...]  # absolute
    checks: tuple[CourseCheck, ...]
    excluded: tuple[str, ...] = ()  # the hand-in or class folder: never collected

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.checks)

    def get(self, check_id: str) -> CourseCheck | None:
        return next((c for c in self.checks if c.id == check_id), None)


def _resolve_paths(paths: Sequence[str], excluded: Sequence[str]) -> tuple[str, ...]:
    resolved = []
    for path in paths:
        full = Path(path).expanduser().resolve()
        if not full.exists():
            raise CourseChecksError(f"course checks: no such file or folder: {path}")
        for root in (Path(e).resolve() for e in excluded):
            if full == root or root in full.parents:
                raise CourseChecksError(f"course checks: {path} lies inside the hand-in graded ({root}); "
                                        "a hand-in never brings its own checks")
        resolved.append(str(full))
    return tuple(dict.fromkeys(resolved))


def collect(paths: Sequence[str], excluded: Sequence[str] = ()) -> CourseSuite:
    """The course checks in ``paths`` (files or folders). Raises :class:`CourseChecksError`."""
    from grader.coursechecks import invoke
    from grader.coursechecks.plugin import CollectPlugin

    absolute = _resolve_paths(paths, excluded)
    plugin = CollectPlugin(absolute, tuple(excluded))
    code = invoke.main(absolute, [plugin], "--collect-only", "--json-report-file=none")
    if plugin.errors:
        where, text = plugin.errors[0]
        raise CourseChecksError(f"course checks: pytest cannot collect {where}:\n{_trim(text)}")
    if code not in (0, 5):
        raise CourseChecksError(f"course checks: pytest stopped (exit code {code}) while collecting "
                                f"{', '.join(paths)}")
    checks = [_check(item) for item in plugin.items]
    if not checks:
        raise CourseChecksError(f"course checks: no test found in {', '.join(paths)} (pytest's conventions: "
                                "test_*.py files, test_* functions)")
    seen: dict[str, str] = {}
    for check in checks:
        if check.id in seen:
            raise CourseChecksError(f"course checks: two checks have the id {check.id}: {seen[check.id]} and "
                                    f"{check.nodeid} (rename one: the id is the test's name without test_)")
        seen[check.id] = check.nodeid
    return CourseSuite(absolute, tuple(checks), tuple(str(Path(e).resolve()) for e in excluded))


def _check(item: Any) -> CourseCheck:
    from grader.coursechecks.plugin import check_id

    cid = check_id(item)
    file, line, _ = item.location
    where = f"{file}:{(line or 0) + 1}"
    marker = item.get_closest_marker("points")
    points = DEFAULT_POINTS
    if marker is not None:
        value = marker.args[0] if marker.args else marker.kwargs.get("n", marker.kwargs.get("points"))
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1000:
            raise CourseChecksError(f"course checks: {item.nodeid} ({where}): @pytest.mark.points expects a "
                                    f"number from 0 to 1000, got {value!r}")
        points = float(value)
    doc = (getattr(getattr(item, "obj", None), "__doc__", None) or "").strip()
    name = doc.splitlines()[0].strip() if doc else cid[len(PREFIX):]
    callspec = getattr(item, "callspec", None)
    if doc and callspec is not None:
        name = f"{name} [{callspec.id}]"
    return CourseCheck(cid, item.nodeid, name, points, item.get_closest_marker("hidden") is not None, where)


def _trim(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    text = "\n".join(lines[-15:])
    return text if len(text) <= MAX_ERROR else "…" + text[-MAX_ERROR:]


def referenced(config: GradingConfig) -> set[str]:
    """The ``course.*`` ids the configuration names (points, hidden, --only)."""
    ids = {cid for cid in config.points if cid.startswith(PREFIX)} | {c for c in config.hidden if c.startswith(PREFIX)}
    return ids | {c for c in (config.only or ()) if c.startswith(PREFIX)}


def bind(config: GradingConfig, excluded: Sequence[str | os.PathLike] = ()) -> GradingConfig:
    """``config`` with its course checks collected and joined (points, hidden); unchanged without any.

    ``excluded``: the path being graded (a hand-in or a class), never collected. Raises
    :class:`CourseChecksError`.
    """
    named = referenced(config)
    if not config.course_checks:
        if named:
            raise CourseChecksError(f"the configuration names course checks ({', '.join(sorted(named))}) but no "
                                    "course_checks path (grader.toml) or --course-checks was given")
        return config
    suite = collect(config.course_checks, tuple(str(e) for e in excluded))
    unknown = sorted(named - set(suite.ids))
    if unknown:
        raise CourseChecksError(f"unknown course check id(s) {', '.join(unknown)}; the course checks are: "
                                f"{', '.join(suite.ids)}")
    points = dict(config.points)
    for check in suite.checks:
        points.setdefault(check.id, check.points)
    hidden = tuple(dict.fromkeys([*config.hidden, *(c.id for c in suite.checks if c.hidden)]))
    return replace(config, points=points, hidden=hidden, course_suite=suite)


def suite_of(config: GradingConfig) -> CourseSuite | None:
    return getattr(config, "course_suite", None)


def title(config: GradingConfig, check_id: str, lang: str) -> str:
    """The name of a check: a course check's from its test, a built-in one's from the catalogues."""
    suite = suite_of(config)
    check = suite.get(check_id) if suite is not None else None
    if check is not None:
        return check.name
    from grader.i18n import Msg, render

    return render(Msg(f"check.{check_id}"), lang)
