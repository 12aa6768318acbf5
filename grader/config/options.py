"""From command-line options and the configuration file to one :class:`GradingConfig`.

Precedence, lowest first: the defaults (:mod:`grader.config`), the configuration file
(:mod:`grader.config.file`), the command-line options given. An option that is not given leaves the
file's value alone (``--points`` changes only the checks it names).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from grader.config import DEFAULT_POINTS, GradingConfig, parse_pass_mark
from grader.config.file import ConfigError, load


class UsageProblem(Exception):
    """A bad command-line option: exit 2 with this message."""


@dataclass(frozen=True)
class Overrides:
    """The options of ``grader check`` that change the configuration; None / empty: not given."""

    seed: int | None = None
    strict_mse: bool | None = None
    points: tuple[str, ...] = ()
    only: tuple[str, ...] = ()
    data: Path | None = None
    fail_under: str | None = None
    teacher: bool = False
    require_sandbox: str | None = None
    course_checks: tuple[Path, ...] = ()  # --course-checks (repeatable): replaces the file's course_checks


def parse_points(items) -> dict[str, float]:
    points = {}
    for item in items:
        key, sep, value = item.partition("=")
        try:
            if not sep:
                raise ValueError
            points[key.strip()] = float(value)
        except ValueError:
            raise UsageProblem(f"--points expects CHECK_ID=NUMBER, got {item!r}") from None
    unknown = sorted(cid for cid in points if cid not in DEFAULT_POINTS and not cid.startswith("course."))
    if unknown:
        raise UsageProblem(f"--points: unknown check id(s) {_with_suggestions(unknown)}; known: "
                           f"{', '.join(DEFAULT_POINTS)}")
    return points


def _with_suggestions(unknown: list[str]) -> str:
    """``mse.foward (did you mean mse.forward?)``, for each unknown check id that looks like a known one."""
    import difflib

    said = []
    for word in unknown:
        close = difflib.get_close_matches(word, list(DEFAULT_POINTS), n=1, cutoff=0.75)
        said.append(f"{word} (did you mean {close[0]}?)" if close else word)
    return ", ".join(said)


def apply(config: GradingConfig, options: Overrides) -> GradingConfig:
    """``config`` (defaults + file) with the options that were given on top. Raises :class:`UsageProblem`."""
    unknown_only = sorted(c for c in options.only if c not in DEFAULT_POINTS and not c.startswith("course."))
    if unknown_only:
        raise UsageProblem(f"--only: unknown check id(s) {_with_suggestions(unknown_only)}; known: "
                           f"{', '.join(DEFAULT_POINTS)}")
    changes: dict = {}
    if options.seed is not None:
        changes["seed"] = options.seed
    if options.strict_mse is not None:
        changes["strict_mse"] = options.strict_mse
    if options.only:
        changes["only"] = tuple(options.only)
    if options.data is not None:
        changes["data_path"] = str(options.data)
    if options.fail_under is not None:
        try:
            changes["pass_mark"] = parse_pass_mark(options.fail_under)
        except ValueError as exc:
            raise UsageProblem(f"--fail-under: {exc}") from None
    if options.teacher:
        changes["teacher"] = True
    if options.course_checks:  # course.* ids are checked against the collected checks (grader.coursechecks.bind)
        changes["course_checks"] = tuple(str(Path(p).expanduser().absolute()) for p in options.course_checks)
    if options.require_sandbox is not None:
        from grader.sandbox.isolation import LEVELS

        if options.require_sandbox not in LEVELS:
            raise UsageProblem(f"--require-sandbox: expected one of {', '.join(LEVELS)}, "
                               f"got {options.require_sandbox!r}")
        changes["require_sandbox"] = options.require_sandbox
    return replace(config, **changes).with_points(parse_points(options.points))


def resolve(target: Path, config_file: Path | None, options: Overrides) -> GradingConfig:
    """The configuration for grading ``target``. Raises :class:`ConfigError` or :class:`UsageProblem`."""
    config = apply(load(config_file, target).config, options)
    if config.sandbox == "auto":  # then the GRADER_SANDBOX environment variable decides
        from grader.sandbox.isolation import requested_level

        try:
            requested_level()
        except ValueError as exc:
            raise UsageProblem(f"GRADER_SANDBOX: {exc}") from None
    return config


def sandbox_shortfall(config: GradingConfig) -> str | None:
    """Why this machine cannot give the sandbox level the configuration requires (None when it can)."""
    if config.require_sandbox == "none":
        return None
    from grader.sandbox.isolation import at_least, level_and_reason

    level, why = level_and_reason(config.sandbox)
    if at_least(level, config.require_sandbox):
        return None
    return (f"the sandbox level here is {level}, weaker than the required {config.require_sandbox}"
            + (f" ({why})" if why else "") + "; nothing was graded (docs/security.md)")


def write_config_error_report(path: Path, report_path: Path, error: ConfigError, options: Overrides) -> None:
    """A single submission stopped by a bad configuration still gets a report saying why (every check skipped)."""
    write_not_graded_report(path, report_path, f"invalid configuration: {error}", options)


def write_not_graded_report(path: Path, report_path: Path, problem: str, options: Overrides) -> None:
    """A single submission that was not graded (bad configuration, sandbox too weak) gets a report saying why."""
    from grader.reporters import json_report
    from grader.runner import not_graded_report

    config = GradingConfig(teacher=options.teacher, only=tuple(options.only) or None)
    report = not_graded_report(path, config, None, problem, f"not graded: {problem}", warnings=(problem,))
    json_report.write(report, report_path)


__all__ = ["ConfigError", "Overrides", "UsageProblem", "apply", "parse_points", "resolve", "sandbox_shortfall",
           "write_config_error_report", "write_not_graded_report"]
