"""Grade one submission: run every check against the student process, collect a report.

The runner wraps each check call into a :class:`~grader.model.CheckResult`
(as pytest's runner wraps a test call into a report): prerequisites first
(``skipped`` with the reason), then the call, whose student-side failures
become ``error`` / ``timeout`` and whose own bugs become an ``error`` flagged
as an internal error of the grader.
"""

from __future__ import annotations

import datetime as _dt
import importlib.metadata
import platform
import sys
import time
import traceback
from contextlib import ExitStack
from pathlib import Path
from typing import Any, Callable

from grader import __version__, failures, hangs, sideprocess
from grader.config import DEFAULT_POINTS, GradingConfig
from grader.handin import NotASubmission, locate
from grader.integrity.autograd import judge as autograd_judge, report_warnings as autograd_warnings
from grader.i18n import Msg, render
from grader.model import CheckResult, Status, SubmissionInfo, SubmissionReport, Visibility, Withheld
from grader.sandbox.errors import NotRunAgain, StudentCrash, StudentError, StudentFailure, StudentTimeout
from grader.sandbox.isolation import Sandbox, sandbox_for
from grader.sandbox.printed import import_output
from grader.sandbox.session import MODULES, StudentSession

__all__ = ["NotASubmission", "environment", "grade", "handin_warnings", "not_a_submission_report",
           "not_graded_report", "run_check", "withheld"]


def grade(submission: Path, config: GradingConfig, on_result: Callable[[CheckResult], None] | None = None,
          name: str | None = None, launcher=None) -> SubmissionReport:
    """Grade the hand-in ``submission``: the folder holding its shallowest tp1.py (:func:`grader.handin.locate`,
    the same rule in a class) is copied for the student process and graded.

    ``name``: the student's name for the report; ``launcher``: a :class:`WarmLauncher` shared by a
    class run, which forks the student process from a warm interpreter. Wherever a warm launcher runs, the SGD
    check gets a second student process (:mod:`grader.sideprocess`). Raises :class:`NotASubmission`.
    """
    started_at = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
    t0 = time.perf_counter()
    if config.course_checks and config.course_suite is None:  # the CLI binds them once, before grading
        from grader.coursechecks import bind

        config = bind(config, (submission,))
    located = locate(submission)
    root = located.root
    deadline = time.monotonic() + config.submission_timeout_s
    with ExitStack() as stack:
        session, side, sandbox = _start_student(stack, root, config, launcher)
        from grader.checks import REGISTRY
        from grader.data.handover import prepare_training_data

        specs = [s for s in REGISTRY if config.runs(s.id)]
        data, data_problem, data_source = None, None, None
        t_data = time.perf_counter()
        if any(s.needs_data for s in specs):
            data, data_problem, data_source = prepare_training_data(config, session.workdir)
        t_load = time.perf_counter()
        raw_load = session.finish_load()
        from grader.checks.names import resolve_names  # names found in other files, script form, notebooks
        load_info = session.load_info = resolve_names(raw_load, session.copy_dir, session.notebooks)
        printed = import_output(session, config.lang)  # now: what the checks' calls print comes later
        timings = {"setup_and_data": round(t_load - t0, 3), "data": round(t_load - t_data, 3),
                   "waiting_for_student_import": round(time.perf_counter() - t_load, 3)}
        beside = side.begin(specs, session, raw_load, load_info, data, data_problem, deadline) \
            if side is not None else None
        results = _run_checks(specs, session, side if beside else None, config, load_info, data, data_problem,
                              deadline, on_result)
        for result in _course_results(config, session, load_info, deadline):  # after the built-in checks
            results.append(result)
            if on_result:
                on_result(result)
        notes = (located.note(Path(submission)), *session.copied.notes, *session.notebook_notes,
                 *handin_warnings(config, root, submission))
        warnings = _warnings(config, load_info, notes, printed, results)
        restarts = session.restarts
    process = "forked from a warm launcher" if session.launcher else "fresh interpreter"
    return SubmissionReport(
        grader_version=__version__,
        submission=SubmissionInfo(str(submission), name or submission.resolve().name, session.copied.hashes),
        started_at=started_at,
        duration_s=round(time.perf_counter() - t0, 3),
        environment={**environment(config, data_source, data_problem, restarts, sandbox), "timings_s": timings,
                     "student_process": process,
                     **({"second_process": [beside]} if beside and side.delivered else {})},
        checks=tuple(results),
        warnings=warnings,
        withheld=withheld(config),
    )


def _warnings(config: GradingConfig, load_info, notes, printed: tuple[str, ...], results) -> tuple[str, ...]:
    """The report's warnings: the import's, the notes on the hand-in, what the import printed, what the checks
    accepted with a remark, and the integrity watch's."""
    return tuple(render(failures.warning(w), config.lang) for w in load_info.warnings) + \
        tuple(render(note, config.lang) for note in notes if note is not None) + \
        printed + \
        tuple(f"{r.id}: {w}" for r in results for w in r.details.get("accepted", ())) + \
        autograd_warnings(results, config.lang)


def _start_student(stack: ExitStack, root: Path, config: GradingConfig, launcher):
    """The student process(es), loading the hand-in, and the grader's torch imported meanwhile:
    ``(session, side run or None, sandbox)``, closed with ``stack``.

    In a class run (``launcher``), the main student process is forked from the class's launcher; graded
    alone, the student process starts importing torch before this process does, or a warm launcher does
    (:func:`grader.sideprocess.launcher_for`) and forks it once this process has imported torch. The SGD
    check gets a second process from the launcher (:mod:`grader.sideprocess`): beside the main one when a
    hand-in graded alone has two cores, else at its turn."""
    own = sideprocess.launcher_for(config, launcher, stack)
    forks = launcher or own
    sandbox = stack.enter_context(sandbox_for(forks.level if forks else config.sandbox, config.limits))
    session = None
    if own is None:
        session = stack.enter_context(StudentSession(root, config.load_timeout_s, launcher, sandbox))
        session.begin_load()  # the student process imports torch while this one does too
    from grader.checks.gradcheck import warm_up  # imports torch

    warm_up()
    if session is None:  # forked now that the launcher has imported torch
        if not own.wait_ready():
            forks = own = None  # it did not start: one fresh student process
        session = stack.enter_context(StudentSession(root, config.load_timeout_s, own, sandbox))
        session.begin_load()
    side = None
    if forks is not None and sideprocess.wanted(config) and sideprocess.small_enough(session.copied):
        side = stack.enter_context(sideprocess.SideRun(root, config, forks, sideprocess.beside(launcher)))
    return session, side, sandbox


def _run_checks(specs, session: StudentSession, side, config: GradingConfig, load_info, data, data_problem,
                deadline: float, on_result: Callable[[CheckResult], None] | None) -> list[CheckResult]:
    """Every built-in check in its order. The SGD check runs in the second student process (``side``): its
    result is taken at its turn (:meth:`SideRun.at_turn`) or, while it still runs beside the main process,
    after the checks that follow; it runs here when that process cannot be used. ``on_result`` sees the
    results in the report's order."""
    slots: list[CheckResult | None] = []
    deferred: int | None = None
    emitted = 0
    for spec in specs:
        if side is not None and spec.id == side.check_id:
            early = side.at_turn(session)
            if early is None and not side.running:  # the second process could not be used: this one runs it
                early = run_check(spec, session, config, load_info, data, data_problem, deadline)
            if early is None:
                deferred = len(slots)
            slots.append(early)
        else:
            slots.append(run_check(spec, session, config, load_info, data, data_problem, deadline))
        while on_result and emitted < len(slots) and slots[emitted] is not None:
            on_result(slots[emitted])
            emitted += 1
    if deferred is not None and slots[deferred] is None:
        spec = specs[deferred]
        slots[deferred] = side.take(session) or run_check(spec, session, config, load_info, data, data_problem,
                                                          deadline)
    while on_result and emitted < len(slots):
        on_result(slots[emitted])
        emitted += 1
    return slots  # type: ignore[return-value]


def _course_results(config: GradingConfig, session: StudentSession, load_info, deadline: float) -> list[CheckResult]:
    """The course's own checks (grader.coursechecks), in the same student session."""
    if config.course_suite is None:
        return []
    from grader.coursechecks.run import run_course_checks

    return run_course_checks(config.course_suite, session, config, load_info, deadline)


def withheld(config: GradingConfig) -> Withheld:
    """Hidden checks a student-mode run leaves out (within ``--only``): their number and points only."""
    ids = [cid for cid in config.points if config.is_hidden(cid) and not config.runs(cid)
           and (config.only is None or cid in config.only)]
    return Withheld(len(ids), float(sum(config.points.get(cid, 0) for cid in ids)))


def visibility(config: GradingConfig, check_id: str) -> Visibility:
    return Visibility.HIDDEN if config.is_hidden(check_id) else Visibility.VISIBLE


def handin_warnings(config: GradingConfig, root: Path, handin: Path) -> list[Msg]:
    """Configuration files in the hand-in (never used: :mod:`grader.config.search`), and a file given with
    ``--config`` from inside the hand-in in teacher mode."""
    from grader.config.search import in_handin

    ignored = dict.fromkeys([*config.ignored_configs, *(str(f) for f in in_handin(root, handin))])
    notes = [Msg("config.ignored", file=file) for file in ignored]
    if config.teacher and config.config_file and Path(config.config_file).resolve().is_relative_to(handin.resolve()):
        notes.append(Msg("config.explicit_inside", file=config.config_file))
    return notes


def not_a_submission_report(path: Path, problem: Msg | str, config: GradingConfig,
                            name: str | None = None) -> SubmissionReport:
    """The report of a folder with nothing to grade: ``load`` failed, every other check skipped."""
    return not_graded_report(path, config, name, render(Msg("load.not_a_submission", problem=problem), config.lang),
                             render(Msg("skipped.nothing"), config.lang), fail_load=True)


def not_graded_report(path: Path, config: GradingConfig, name: str | None, problem: str, skip_message: str,
                      fail_load: bool = False, warnings: tuple[str, ...] = ()) -> SubmissionReport:
    """A report without grading: ``load`` failed (``fail_load``) or skipped, every other check skipped.

    Used for a folder with no ``tp1.py`` and for a run stopped by an invalid configuration file.
    """
    lang = config.lang
    checks = []
    from grader.coursechecks import title as check_title

    course = config.course_suite.ids if config.course_suite is not None else ()
    for check_id in (*DEFAULT_POINTS, *course):  # the checks' order, without importing them (and torch)
        if not config.runs(check_id):
            continue
        points = float(config.points.get(check_id, 0))
        title = check_title(config, check_id, lang)
        if check_id == "load" and fail_load:
            checks.append(CheckResult("load", title, Status.FAILED, 0.0, points, problem, 0.0,
                                      {"diagnosis": "load.not_a_submission"},
                                      (render(Msg("hint.load.not_a_submission"), lang),),
                                      visibility(config, check_id)))
        else:
            prerequisites = ["load"] if fail_load else ["configuration"]
            checks.append(CheckResult(check_id, title, Status.SKIPPED, 0.0, points, skip_message, 0.0,
                                      {"prerequisites": prerequisites}, (), visibility(config, check_id)))
    return SubmissionReport(
        grader_version=__version__,
        submission=SubmissionInfo(str(path), name or path.resolve().name, {}),
        started_at=_dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        duration_s=0.0,
        environment=environment(config, None, None, 0),
        checks=tuple(checks),
        warnings=warnings,
        withheld=withheld(config),
    )


def run_check(spec, session: StudentSession, config: GradingConfig, load_info, data, data_problem,
              deadline: float | None = None) -> CheckResult:
    from grader.checks.base import CheckContext
    from grader.sandbox.student import Student

    points = float(config.points.get(spec.id, 0))
    start = time.perf_counter()

    def result(status: Status, message: Any, details: dict[str, Any] | None = None,
               hints: tuple[Any, ...] = ()) -> CheckResult:
        return CheckResult(spec.id, spec.title(config.lang), status, points if status is Status.PASSED else 0.0,
                           points, render(message, config.lang), round(time.perf_counter() - start, 3),
                           details or {}, tuple(render(h, config.lang) for h in hints),
                           visibility(config, spec.id))

    missing = [n for n in spec.needs if not load_info.has(n)]
    if missing:
        from grader.checks.names import skip_message

        return result(Status.SKIPPED, skip_message(missing, load_info), {"prerequisites": missing})
    if spec.needs_data and data is None:
        return result(Status.SKIPPED, Msg("skipped.data", problem=data_problem), {"prerequisites": ["data"]})
    limit = spec.timeout_s(config)
    if deadline is not None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return result(Status.TIMEOUT, Msg("timeout.submission", limit=config.submission_timeout_s),
                          {"limit_s": 0.0})
        limit = min(limit, remaining)
    try:
        if spec.id != "load":
            session.ensure_running()
        ctx = CheckContext(Student(session, limit), config, load_info, spec.id, data)
        outcome = autograd_judge(spec.id, ctx, spec.fn(ctx))
        status = Status.PASSED if outcome.passed else Status.FAILED
        details = {**outcome.details, "accepted": [render(w, config.lang) for w in outcome.warnings]} \
            if outcome.warnings else outcome.details
        return result(status, outcome.message, details, tuple(outcome.hints))
    except StudentTimeout as exc:
        details, hints = _diagnosed({"limit_s": limit, **hangs.remember_timeout(session, exc, spec.id, limit)},
                                    failures.timeout_diagnosis(exc))
        return result(Status.TIMEOUT, hangs.timeout_message(failures.timeout_message(exc), exc), details, hints)
    except NotRunAgain as exc:  # it calls a function that already hung: not waited for again
        skipped = hangs.not_run_again(session, exc)
        if skipped is None:
            return result(Status.ERROR, Msg("speed.forged_not_again", function=exc.function.qualname))
        return result(Status.SKIPPED, *skipped)
    except StudentError as exc:
        details = {"exception": exc.type_name, "where": exc.where, "traceback": exc.traceback}
        diagnosis = spec.on_error(exc.type_name, exc.message) if spec.on_error else None
        details, hints = _diagnosed(details, diagnosis)
        return result(Status.ERROR, failures.error_message(exc), details, hints)
    except StudentCrash as exc:
        hangs.remember_crash(session, exc, spec.id)
        details = {"returncode": exc.returncode, "output_tail": (exc.output_tail or session.output_tail())[-1500:]}
        return result(Status.ERROR, failures.crash_message(exc), details)
    except StudentFailure as exc:  # pragma: no cover - every failure is one of the above
        return result(Status.ERROR, str(exc))
    except Exception as exc:  # a bug of the grader: keep the report, flag it, exit 3
        return result(Status.ERROR, Msg("error.internal", type=type(exc).__name__, text=str(exc)),
                      {"internal_error": True, "traceback": traceback.format_exc().splitlines()[-12:]})


def _diagnosed(details: dict[str, Any], diagnosis: str | None) -> tuple[dict[str, Any], tuple[Msg, ...]]:
    if diagnosis is None:
        return details, ()
    return {**details, "diagnosis": diagnosis}, (Msg("hint." + diagnosis),)


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "?"


def environment(config: GradingConfig, data_source, data_problem, restarts: int,
                sandbox: Sandbox | None = None) -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "torch": _version("torch"),  # from the installed metadata: a report of a folder with nothing to
        "numpy": _version("numpy"),  # grade is written without importing torch
        "platform": platform.platform(),
        "executable": sys.executable,
        "sandbox": sandbox.level if sandbox else "none",
        "sandbox_details": sandbox.describe() if sandbox else None,
        "seeds": {"seed": config.seed, "split_seed": config.split_seed},
        "data_source": data_source,
        "data_problem": data_problem,
        "strict_mse": config.strict_mse,
        "mode": "teacher" if config.teacher else "student",
        "config_file": config.config_file,
        "lang": config.lang,
        "time_limits_s": {"load": config.load_timeout_s, "check": config.check_timeout_s,
                          "training": config.training_timeout_s, "submission": config.submission_timeout_s},
        "student_process_restarts": restarts,
        "modules": list(MODULES),
    }
