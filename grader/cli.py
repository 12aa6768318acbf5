"""Command line: parse, call the runner, pick reporters, choose the exit code. The only place that exits.

Exit codes: 0 every check passed (or score >= --fail-under), 1 some check did
not pass, 2 usage error (no such folder, not a submission, bad option),
3 internal error of the grader.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console

from grader import __version__
from grader.config import DEFAULT_POINTS, GradingConfig

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
DEFAULT_REPORT_DIR = Path("grader-reports")

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Autograder for the TP1 PyTorch lab (autograd Functions, gradcheck, descent loops).")


def _usage_error(console: Console, message: str) -> None:
    console.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(EXIT_USAGE)


def _parse_points(console: Console, items: List[str]) -> dict[str, float]:
    points = {}
    for item in items:
        key, sep, value = item.partition("=")
        try:
            if not sep:
                raise ValueError
            points[key.strip()] = float(value)
        except ValueError:
            _usage_error(console, f"--points expects CHECK_ID=NUMBER, got {item!r}")
    unknown = sorted(set(points) - set(DEFAULT_POINTS))
    if unknown:
        _usage_error(console, f"--points: unknown check id(s) {', '.join(unknown)}; "
                              f"known: {', '.join(DEFAULT_POINTS)}")
    return points


def version_callback(value: bool) -> None:
    if value:
        print(f"grader {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(version: bool = typer.Option(False, "--version", callback=version_callback, is_eager=True,
                                              help="Print the version and exit.")) -> None:
    """Grade TP1 submissions."""


@app.command()
def check(
    path: Path = typer.Argument(..., help="Submission folder (holding tp1.py)."),
    json_path: Optional[Path] = typer.Option(None, "--json", help="Where to write the JSON report "
                                             "[default: grader-reports/<submission>.json in the current folder]."),
    fail_under: Optional[float] = typer.Option(None, "--fail-under", help="Exit 0 when the score is at least "
                                               "this, even if some check did not pass."),
    data: Optional[Path] = typer.Option(None, "--data", help="California Housing: raw cal_housing.data, "
                                        "scikit-learn's cal_housing.pkz, or a folder holding one."),
    strict_mse: bool = typer.Option(False, "--strict-mse", help="Reject the element-mean MSE 1/(q·p) even "
                                    "when forward and backward agree (the lab defines 1/q)."),
    seed: int = typer.Option(0, "--seed", help="Seed of the grader's inputs and of the student's process."),
    points: List[str] = typer.Option([], "--points", help="Change a check's points: CHECK_ID=N (repeatable)."),
    only: List[str] = typer.Option([], "--only", help="Run only this check (repeatable)."),
) -> None:
    """Grade one submission and print the report; write the JSON report."""
    console = Console(highlight=False)
    if not path.exists():
        _usage_error(console, f"no such folder: {path}")
    if not path.is_dir():
        _usage_error(console, f"not a folder: {path} (give the folder that holds tp1.py)")
    unknown_only = sorted(set(only) - set(DEFAULT_POINTS))
    if unknown_only:
        _usage_error(console, f"--only: unknown check id(s) {', '.join(unknown_only)}")
    config = GradingConfig(seed=seed, strict_mse=strict_mse, only=tuple(only) or None,
                           data_path=str(data) if data else None).with_points(_parse_points(console, points))
    report_path = json_path or DEFAULT_REPORT_DIR / f"{path.resolve().name}.json"
    code = _grade_and_report(console, path, config, report_path, fail_under)
    raise typer.Exit(code)


def _grade_and_report(console: Console, path: Path, config: GradingConfig, report_path: Path,
                      fail_under: Optional[float]) -> int:
    from grader.reporters import json_report, terminal
    from grader.runner import NotASubmission, grade, not_a_submission_report

    usage_problem = None
    try:
        with console.status(f"grading {path} …", spinner="dots") if console.is_terminal else _nullcontext():
            report = grade(path, config)
    except NotASubmission as exc:
        usage_problem = f"not a submission: {exc}"
        report = not_a_submission_report(path, str(exc), config)
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # a bug of the grader: say so briefly, keep the traceback in a file
        log = report_path.with_suffix(".error.txt")
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(traceback.format_exc(), encoding="utf-8")
        console.print(f"[bold red]internal error of the grader:[/] {type(exc).__name__}: {exc}\n"
                      f"details in {log}; please report it", highlight=False)
        return EXIT_INTERNAL
    terminal.render(report, console)
    try:
        json_report.write(report, report_path)
        console.print(f"JSON report: {report_path}")
    except OSError as exc:
        console.print(f"[bold red]error:[/] cannot write the JSON report to {report_path}: {exc}")
        return EXIT_USAGE
    if usage_problem:
        console.print(f"[bold red]error:[/] {usage_problem}", highlight=False)
        return EXIT_USAGE
    if any(c.details.get("internal_error") for c in report.checks):
        return EXIT_INTERNAL
    if fail_under is not None:
        return EXIT_OK if report.score >= fail_under else EXIT_FAILED
    return EXIT_OK if report.all_passed else EXIT_FAILED


class _nullcontext:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@app.command("checks")
def list_checks() -> None:
    """List the checks: id, name, default points."""
    from grader.checks import REGISTRY

    console = Console(highlight=False)
    for spec in REGISTRY:
        console.print(f"{spec.id:<18} {DEFAULT_POINTS.get(spec.id, 0):>3g}  {spec.name}")


def main() -> None:
    try:
        app()
    except SystemExit:
        raise
    except Exception:  # last resort: never a traceback wall
        print("internal error of the grader:", traceback.format_exc().splitlines()[-1], file=sys.stderr)
        sys.exit(EXIT_INTERNAL)


if __name__ == "__main__":
    main()
