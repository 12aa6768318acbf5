"""Command line: parse, call the runner, pick reporters, choose the exit code. The only place that exits.

Exit codes: 0 every check passed (or the score reaches the pass mark: --fail-under
or the configuration's pass_mark), 1 some check did not pass, 2 usage error (no
such folder, not a submission, bad option, invalid configuration file),
3 internal error of the grader. Options and the configuration file are merged
in :mod:`grader.config.options`.
"""

from __future__ import annotations

import atexit
import difflib
import sys
import traceback
from dataclasses import replace
from pathlib import Path
from typing import List, Optional

import typer
from typer.core import TyperCommand
from rich.console import Console

from grader import __version__
from grader.config.options import (ConfigError, Overrides, UsageProblem, resolve, sandbox_shortfall,
                                    write_config_error_report, write_not_graded_report)
from grader.config import DEFAULT_POINTS, GradingConfig
from grader.i18n import Msg, render as tr
from grader.classmode.commands import check_class, merge_reports
from grader.cli_output import (EXIT_FAILED, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, error, exit_without_finalizing,
                               remember_exit_code, say, started_as_grader, usage_error)
from grader.text import visible

DEFAULT_REPORT_DIR = Path("grader-reports")

# rich_markup_mode=None: help texts are printed as written (Rich markup would eat every "[default: …]").
app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False, rich_markup_mode=None,
                  help="Autograder for the TP1 PyTorch lab (autograd Functions, gradcheck, descent loops).")


class _Command(TyperCommand):
    """The usage line names a required argument as its help does (``DIR``), not ``{DIR}``; an unknown option is
    answered with the options that look like it, or none (click offers any option loosely alike)."""

    def parse_args(self, ctx, args):
        try:
            return super().parse_args(ctx, args)
        except Exception as exc:
            if type(exc).__name__ == "NoSuchOption" and getattr(exc, "possibilities", None):
                exc.possibilities = difflib.get_close_matches(exc.option_name, list(exc.possibilities), cutoff=0.75)
            raise

    def collect_usage_pieces(self, ctx):
        return [piece[1:-1] if piece.startswith("{") and piece.endswith("}") else piece
                for piece in super().collect_usage_pieces(ctx)]


def version_callback(value: bool) -> None:
    if value:
        print(f"grader {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(version: bool = typer.Option(False, "--version", callback=version_callback, is_eager=True,
                                              help="Print the version and exit.")) -> None:
    """Grade TP1 submissions."""


@app.command(cls=_Command)
def check(
    path: Path = typer.Argument(
        ..., metavar="DIR", show_default=False,
        help="What to grade: a hand-in (the folder holding tp1.py, or a folder with it deeper down), a class "
        "folder (one folder or zip per student), or an LMS .zip export (Moodle's \"download all submissions\")."),
    json_path: Optional[Path] = typer.Option(
        None, "--json", metavar="FILE",
        help="Where to write the JSON report [default: grader-reports/<submission>.json in the current folder, "
        "or beside DIR when the current folder is inside it: the hand-in is never written to]."),
    fail_under: Optional[str] = typer.Option(
        None, "--fail-under", metavar="SCORE|N%",
        help="Pass mark: exit 0 when the score reaches it (points, or N% of the maximum) even if some check did "
        "not pass [default: the configuration's pass_mark]."),
    data: Optional[Path] = typer.Option(
        None, "--data", metavar="FILE",
        help="California Housing: raw cal_housing.data, scikit-learn's cal_housing.pkz, or a folder holding one; "
        "one that is not there is a usage error [default: GRADER_DATA, scikit-learn's cache, the bundled copy]."),
    strict_mse: Optional[bool] = typer.Option(None, "--strict-mse/--no-strict-mse", show_default=False,
                                              help="Reject (or accept) the element-mean MSE 1/(q·p) even when "
                                              "forward and backward agree (the lab defines 1/q)."),
    seed: Optional[int] = typer.Option(None, "--seed", metavar="N", help="Seed of the grader's inputs and of the "
                                       "student's process [default: 0]."),
    points: List[str] = typer.Option([], "--points", metavar="CHECK_ID=N",
                                     help="Change a check's points: CHECK_ID=N (repeatable)."),
    only: List[str] = typer.Option([], "--only", metavar="CHECK_ID",
                                   help="Run only this check (repeatable, or several separated by commas)."),
    jobs: int = typer.Option(0, "--jobs", "-j", metavar="N", show_default=False,
                             help="Class mode: parallel workers [default: number of cores]."),
    out: Path = typer.Option(DEFAULT_REPORT_DIR, "--out", metavar="DIR", help="Class mode: folder for the "
                             "per-student JSON reports, gradebook.csv and summary.json."),
    shard: Optional[str] = typer.Option(None, "--shard", metavar="I/N", help="Class mode: grade only slice I of N "
                                        "(I/N), stable across machines; combine the slices with `grader merge`."),
    class_mode: bool = typer.Option(False, "--class", help="Treat DIR as a class even if it looks like one "
                                    "submission (e.g. a class where a single student has a tp1.py)."),
    config_file: Optional[Path] = typer.Option(None, "--config", metavar="FILE", help="Configuration file "
                                               "(grader.toml, or a pyproject.toml with [tool.grader]) [default: "
                                               "found beside DIR]."),
    teacher: bool = typer.Option(False, "--teacher", help="Teacher mode: run the hidden checks too and mark them "
                                 "hidden (implied in class mode)."),
    formats: List[str] = typer.Option([], "--format", metavar="FMT[=FILE]", help="Also write FMT[=FILE] "
                                      "(repeatable): json, gradescope, junit, markdown, html, moodle (class only) [default "
                                      "FILE: beside the JSON report]."),
    html: Optional[Path] = typer.Option(None, "--html", metavar="FILE", help="Write a self-contained HTML report "
                                        "with loss curves (class mode: the index page; students' pages beside it)."),
    lang: Optional[str] = typer.Option(None, "--lang", metavar="fr|en", help="Language of the report: fr or en "
                                       "[default: from LC_ALL / LC_MESSAGES / LANG, else en]."),
    require_sandbox: Optional[str] = typer.Option(None, "--require-sandbox", metavar="LEVEL",
                                                  help="Refuse to grade (exit 2) when the sandbox this machine "
                                                  "gives is weaker than LEVEL: bwrap, unshare or none [default: "
                                                  "the configuration's sandbox.require, else none]."),
    force: bool = typer.Option(False, "--force", help="Class mode: grade every hand-in again, even those whose "
                               "report in --out is still valid (same files, grader and configuration)."),
    course_checks: List[Path] = typer.Option([], "--course-checks", metavar="PATH", help="The course's own checks: "
                                             "a pytest file or folder (repeatable; replaces the configuration's "
                                             "course_checks; docs/course-checks.md)."),
) -> None:
    """Grade one submission, or a whole class (a folder of submissions or an LMS .zip export)."""
    from grader.reporters import outputs

    console = Console(highlight=False)
    try:
        extra = outputs.parse(formats, html)
    except ValueError as exc:
        usage_error(console, str(exc))
    if not path.exists():
        usage_error(console, f"no such folder: {path}")
    if jobs < 0:
        usage_error(console, f"--jobs: expected a number of workers (0: one per core), got {jobs}")
    from grader.handin import is_single

    is_class = class_mode or shard or path.suffix.lower() == ".zip" or (
        path.is_dir() and not is_single(path) and _has_students(path))
    if not is_class and not path.is_dir():
        usage_error(console, f"not a folder: {path} (give the folder that holds tp1.py, a class folder or a .zip)")
    if not is_class and any(o.fmt in outputs.CLASS_ONLY for o in extra):
        usage_error(console, "--format moodle: a class's file (grade a class folder or an LMS .zip)")
    ids = [cid.strip() for item in only for cid in item.split(",") if cid.strip()]  # `--only a,b` too
    if only and not ids:  # `--only ,` names no check: not "every check"
        usage_error(console, "--only: no check id given; `grader checks` lists them")
    only = ids
    options = Overrides(seed, strict_mse, tuple(points), tuple(only), data, fail_under, teacher or bool(is_class),
                        require_sandbox, course_checks=tuple(course_checks))
    report_path = json_path or default_report_path(path)
    try:
        config = resolve(path, config_file, options)
    except UsageProblem as exc:
        usage_error(console, str(exc))
    except ConfigError as exc:
        if not is_class:  # like a folder that is not a submission: the report says why nothing was graded
            write_config_error_report(path, report_path, exc, options)
        usage_error(console, f"invalid configuration: {exc}")
    from grader.data.handover import asked_data_problem

    data_problem = asked_data_problem(config)
    if data_problem:  # asked for and not there: one line, exit 2, before anything is graded (both modes)
        label = "--data" if data else ("data.path" if config.data_path else "GRADER_DATA")
        usage_error(console, f"{label}: {data_problem}; nothing was graded")
    shortfall = sandbox_shortfall(config)
    if shortfall:
        if not is_class:
            write_not_graded_report(path, report_path, shortfall, options)
        usage_error(console, shortfall)
    config = _with_course_checks(console, replace(config, lang=_lang(console, lang)), path, is_class, report_path,
                                 options)
    if is_class:
        raise typer.Exit(check_class(console, path, config, json_path or out / "summary.json", out, jobs, shard,
                                      extra, force))
    raise typer.Exit(_grade_and_report(console, path, config, report_path, extra))


def default_report_path(path: Path) -> Path:
    """``grader-reports/<name>.json`` in the current folder; beside the graded folder when the current folder is
    inside it (a student running ``grader check .``): the hand-in is never written to, so the reports do not end
    up in what the student hands in."""
    folder = DEFAULT_REPORT_DIR
    here, graded = Path.cwd().resolve(), path.resolve()
    if here == graded or here.is_relative_to(graded):
        folder = graded.parent / DEFAULT_REPORT_DIR
    return folder / f"{graded.name or 'submission'}.json"


def _with_course_checks(console: Console, config: GradingConfig, path: Path, is_class: bool, report_path: Path,
                        options: Overrides) -> GradingConfig:
    """The course's own checks collected and joined to ``config`` (grader.coursechecks); a problem with them is
    a usage error, and a single hand-in still gets a report saying why nothing was graded."""
    from grader.coursechecks import CourseChecksError, bind

    try:
        return bind(config, (path,))
    except CourseChecksError as exc:
        if not is_class:
            write_not_graded_report(path, report_path, str(exc), options)
            say(console, f"JSON report: {report_path}", soft_wrap=True)
        usage_error(console, str(exc))
        raise  # unreachable: _usage_error exits


def _has_students(path: Path) -> bool:
    """A folder with sub-folders or zips is a class; one with only loose files (or links, which are never
    followed) is a (bad) submission."""
    return any(not p.is_symlink() and ((p.is_dir() and not p.name.startswith((".", "__")))
                                       or p.suffix.lower() == ".zip") for p in path.iterdir())


def _lang(console: Console, option: Optional[str]) -> str:
    from grader.i18n import resolve_lang

    try:
        return resolve_lang(option)
    except ValueError as exc:
        usage_error(console, f"--lang: {exc}")
        raise  # unreachable: _usage_error exits


def _grade_and_report(console: Console, path: Path, config: GradingConfig, report_path: Path,
                      extra=()) -> int:
    from grader.reporters import json_report, terminal
    from grader.reporters.spinner import spinner
    from grader.runner import NotASubmission, grade, not_a_submission_report

    usage_problem = None
    try:
        with spinner(console, path.resolve().name, config) as on_result:
            report = grade(path, config, on_result=on_result)
    except NotASubmission as exc:
        usage_problem = tr(Msg("load.not_a_submission", problem=exc.msg), config.lang)
        report = not_a_submission_report(path, exc.msg, config)
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # a bug of the grader: say so briefly, keep the traceback in a file
        log = report_path.with_suffix(".error.txt")
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(traceback.format_exc(), encoding="utf-8", errors="backslashreplace")
        error(console, "internal error of the grader:", f"{type(exc).__name__}: {exc}\n"
                                                          f"details in {log}; please report it")
        return EXIT_INTERNAL
    try:  # the files first: a reader that stops early (`| head`) must not cost the report
        from grader.reporters import outputs

        json_report.write(report, report_path)
        written = outputs.write_submission(report, extra, report_path, config)
    except OSError as exc:
        if not usage_problem:
            terminal.render(report, console)
        error(console, "error:", f"cannot write a report: {exc}")
        return EXIT_USAGE
    if not usage_problem:  # nothing was graded: the error line alone says it (the JSON report is still written)
        terminal.render(report, console)
        say(console, tr(Msg("cli.json_report", path=str(report_path)), config.lang), soft_wrap=True)
    for fmt, file in written:
        say(console, f"{fmt} report: {file}", soft_wrap=True)
    if usage_problem:
        error(console, "error:", usage_problem)
        return EXIT_USAGE
    if any(c.details.get("internal_error") for c in report.checks):
        return EXIT_INTERNAL
    if config.pass_mark is not None:
        return EXIT_OK if config.pass_mark.reached(report.score, report.max_score) else EXIT_FAILED
    return EXIT_OK if report.all_passed else EXIT_FAILED


@app.command()
def merge(
    reports: List[Path] = typer.Argument(..., help="Per-student JSON reports, or folders holding them."),
    out: Path = typer.Option(DEFAULT_REPORT_DIR, "--out", help="Where to write gradebook.csv and summary.json."),
    json_path: Optional[Path] = typer.Option(None, "--json", help="Summary JSON [default: OUT/summary.json]."),
    lang: Optional[str] = typer.Option(None, "--lang", help="Language of the class table: fr or en [default: "
                                       "from the locale, else en]."),
    formats: List[str] = typer.Option([], "--format", help="Class files are all written by default (summary.md, "
                                      "index.html, junit.xml, the Moodle worksheet for an LMS export); FMT=FILE "
                                      "names one, FMT adds each student's FMT file (repeatable)."),
) -> None:
    """Build the class summary, gradebook and every class file from per-student reports (e.g. the shards of a
    CI matrix, or a class run made without --format)."""
    from grader.reporters import outputs

    console = Console(highlight=False)
    try:
        extra = outputs.parse(formats)
    except ValueError as exc:
        usage_error(console, str(exc))
    merge_reports(console, reports, out, json_path, _lang(console, lang), extra)


@app.command("checks")
def list_checks(lang: Optional[str] = typer.Option(None, "--lang", help="Language of the names: fr or en."),
                path: Path = typer.Argument(Path("."), help="Where grading would start: the course checks its "
                                            "configuration names are listed too."),
                config_file: Optional[Path] = typer.Option(None, "--config", help="Read this configuration file "
                                                           "instead of looking for one."),
                course_checks: List[Path] = typer.Option([], "--course-checks", help="List the checks of this "
                                                         "pytest file or folder too (repeatable).")) -> None:
    """List the checks: id, name, default points; then the course's own checks, when a configuration names them."""
    from grader.checks import REGISTRY

    console = Console(highlight=False)
    language = _lang(console, lang)
    for spec in REGISTRY:
        console.print(f"{spec.id:<18} {DEFAULT_POINTS.get(spec.id, 0):>3g}  {spec.title(language)}")
    from grader.coursechecks.listing import course_lines

    try:
        for line in course_lines(path, config_file, tuple(course_checks), language):
            say(console, line, soft_wrap=True)
    except (ConfigError, UsageProblem, ValueError) as exc:
        usage_error(console, str(exc))


@app.command("config")
def config_command(
    path: Path = typer.Argument(Path("."), help="The submission or class folder (or .zip) whose configuration "
                                "to show: the file is looked for there, then in its parents."),
    show: bool = typer.Option(False, "--show", help="Print the effective configuration as TOML, with where each "
                              "value came from."),
    config_file: Optional[Path] = typer.Option(None, "--config", help="Read this file instead of looking for one."),
) -> None:
    """Show the effective configuration (defaults, then grader.toml or [tool.grader] in pyproject.toml)."""
    from grader.config.file import load
    from grader.config.show import render

    console = Console(highlight=False)
    if not show:
        usage_error(console, "nothing to do: `grader config --show [PATH]` prints the effective configuration")
    if not path.exists():
        usage_error(console, f"no such folder: {path}")
    try:
        loaded = load(config_file, path)
    except ConfigError as exc:
        usage_error(console, f"invalid configuration: {exc}")
    sys.stdout.write(render(loaded, str(path)))


@app.command("doctor")
def doctor_command(path: Path = typer.Argument(Path("."), help="Where grading would start: the configuration "
                                               "file that applies there is shown.")) -> None:
    """What this machine gives the grader: Python, torch, the sandbox level and how to get a stronger one,
    the data, cores, student libraries. Exit 0 when grading can run. Run it first when something looks off."""
    from grader.doctor import can_grade, examine
    from grader.reporters.doctor import render

    console = Console(highlight=False)
    findings = examine(path)
    render(findings, console)
    raise typer.Exit(EXIT_OK if can_grade(findings) else EXIT_FAILED)


def main() -> None:
    for stream in (sys.stdout, sys.stderr):  # a lone surrogate missed by a renderer prints as "\udcff"
        try:
            stream.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError):  # not a text file we can reconfigure (e.g. replaced by a test)
            pass
    if started_as_grader():  # not a test or a program calling main() in a process of its own
        atexit.register(exit_without_finalizing)
    try:
        app()
    except SystemExit as exc:
        remember_exit_code(exc.code)
        raise
    except Exception:  # last resort: never a traceback wall
        print("internal error of the grader:", visible(traceback.format_exc().splitlines()[-1]), file=sys.stderr)
        sys.exit(EXIT_INTERNAL)


if __name__ == "__main__":
    main()
