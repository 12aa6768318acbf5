"""What a course check's outcome means for the grade.

:func:`classify` turns the exception a check raised (in its setup, call or teardown) into a verdict, plain
JSON data stored in the check's pytest-json-report record; :func:`result` turns that record into a
:class:`~grader.model.CheckResult`:

- an ``AssertionError`` (a plain ``assert``, with pytest's rewritten explanation, or ``assert_close`` /
  ``gradcheck`` with the grader's evidence) or ``pytest.fail`` → ``failed``, its message trimmed;
- the student's code raised, crashed, broke the protocol or ran out of time (the proxy's
  :class:`~grader.sandbox.errors.StudentFailure`, also when another exception wraps it) → ``error`` /
  ``timeout``, worded as for the built-in checks;
- ``pytest.skip`` (or a skip marker) → ``skipped`` with its reason; a name ``load`` did not find →
  ``skipped`` naming it, as for the built-in checks;
- any other exception (a ``NameError`` in the check, a fixture that fails, a bug in its teardown) → the
  course's check is broken: ``error`` flagged ``internal_error`` and ``course_error`` (exit code 3; the
  class summary does not count that student as graded), its traceback in the details. Not the student's
  fault, and the message says so.
"""

from __future__ import annotations

import traceback
from typing import Any, Mapping

from _pytest.outcomes import Failed, Skipped, XFailed

from grader import failures
from grader.i18n import Msg, render
from grader.model import CheckResult, Status, Visibility
from grader.sandbox.errors import StudentCrash, StudentError, StudentFailure, StudentTimeout

MAX_LINES, MAX_CHARS = 25, 2000
STAGES = ("setup", "call", "teardown")


def trim(text: str) -> str:
    """An assertion's explanation, at most ``MAX_LINES`` lines and ``MAX_CHARS`` characters."""
    lines = text.strip().splitlines()
    if len(lines) > MAX_LINES:
        lines = lines[:MAX_LINES] + [f"… ({len(lines) - MAX_LINES} more lines)"]
    text = "\n".join(lines)
    return text if len(text) <= MAX_CHARS else text[:MAX_CHARS - 1] + "…"


def _student_failure(exc: BaseException) -> StudentFailure | None:
    """The student-side failure ``exc`` is, or wraps (``raise ... from`` or raised while handling it)."""
    seen = 0
    while exc is not None and seen < 20:
        if isinstance(exc, StudentFailure):
            return exc
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None


def classify(exc: BaseException, when: str, lang: str, output_tail=lambda: "") -> dict[str, Any]:
    """The verdict for ``exc``, raised in stage ``when``: ``{"status", "message", "details", "hints"}``."""
    from grader.coursechecks.proxy import MissingPrerequisite, SubmissionTimeUp

    def verdict(status: str, message: Any, details: Mapping[str, Any] | None = None, hints=()) -> dict[str, Any]:
        return {"status": status, "message": render(message, lang), "details": dict(details or {}),
                "hints": [render(h, lang) for h in hints]}

    if isinstance(exc, MissingPrerequisite):
        return verdict("skipped", exc.msg, {"prerequisites": exc.names})
    if isinstance(exc, XFailed):
        return verdict("skipped", Msg("course.xfail", reason=exc.msg or ""))
    if isinstance(exc, Skipped):
        return verdict("skipped", Msg("course.skipped", reason=exc.msg or ""), {"reason": exc.msg or ""})
    if isinstance(exc, SubmissionTimeUp):
        return verdict("timeout", Msg("timeout.submission", limit=exc.args[0]), {"limit_s": 0.0})
    student = _student_failure(exc)
    if student is not None:
        return _student_verdict(student, verdict, output_tail)
    if isinstance(exc, (AssertionError, Failed)):
        text = trim(exc.msg if isinstance(exc, Failed) else str(exc)) or type(exc).__name__
        return verdict("failed", text, getattr(exc, "details", None), list(getattr(exc, "hints", ())))
    return _broken(exc, when, verdict)


def _student_verdict(exc: StudentFailure, verdict, output_tail) -> dict[str, Any]:
    from grader.checks.gradcheck import function_error

    if isinstance(exc, StudentTimeout):
        diagnosis = failures.timeout_diagnosis(exc)
        details = {"limit_s": exc.limit_s, **({"diagnosis": diagnosis} if diagnosis else {})}
        return verdict("timeout", failures.timeout_message(exc), details, [Msg("hint." + diagnosis)] if diagnosis else ())
    if isinstance(exc, StudentError):
        details = {"exception": exc.type_name, "where": exc.where, "traceback": exc.traceback}
        diagnosis = function_error(exc.type_name, exc.message)
        if diagnosis:
            details["diagnosis"] = diagnosis
        return verdict("error", failures.error_message(exc), details, [Msg("hint." + diagnosis)] if diagnosis else ())
    if isinstance(exc, StudentCrash):
        tail = (exc.output_tail or output_tail() or "")[-1500:]
        return verdict("error", failures.crash_message(exc), {"returncode": exc.returncode, "output_tail": tail})
    return verdict("error", str(exc))


def _broken(exc: BaseException, when: str, verdict) -> dict[str, Any]:
    """The course's own code failed: an internal error of the course's checks (exit 3)."""
    frames = traceback.extract_tb(exc.__traceback__)
    course = [f for f in frames if "/_pytest/" not in f.filename and "/pluggy/" not in f.filename]
    last = (course or frames)[-1] if (course or frames) else None
    where = f"{last.filename}:{last.lineno}" if last else "?"
    lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
    text = "".join(lines).splitlines()
    stage = Msg(f"course.stage.{when}") if when in STAGES else when
    message = Msg("course.broken", stage=stage, type=type(exc).__name__, text=trim(str(exc)).splitlines()[0]
                  if str(exc).strip() else "", where=where)
    return verdict("error", message, {"internal_error": True, "course_error": True, "exception": type(exc).__name__,
                                      "where": where, "stage": when, "traceback": text[-40:]})


def result(check, record: Mapping[str, Any] | None, points: float, visibility: Visibility,
           lang: str) -> CheckResult:
    """The :class:`CheckResult` of course check ``check`` from its pytest-json-report ``record``."""
    record = record or {}
    duration = round(sum(float(record.get(s, {}).get("duration") or 0.0) for s in STAGES), 3)
    verdict = next((record.get("metadata", {}).get(f"grader_{s}") for s in STAGES
                    if record.get("metadata", {}).get(f"grader_{s}")), None)
    outcome = record.get("outcome")
    details_base = {"nodeid": check.nodeid, "where": check.where}
    if outcome == "xfailed":  # @pytest.mark.xfail and it failed: not graded
        verdict = {"status": "skipped", "message": render(Msg("course.xfail", reason=""), lang), "details": {},
                   "hints": []}
    if verdict is None:
        if outcome in ("passed", "xpassed"):
            return CheckResult(check.id, check.name, Status.PASSED, points, points,
                               render(Msg("course.passed"), lang), duration, details_base, (), visibility)
        verdict = {"status": "error", "message": render(Msg("course.not_run", outcome=str(outcome)), lang),
                   "details": {"internal_error": True, "course_error": True, "outcome": outcome}, "hints": []}
    status = Status(verdict["status"])
    details = {**details_base, **verdict["details"]}
    return CheckResult(check.id, check.name, status, points if status is Status.PASSED else 0.0, points,
                       verdict["message"], duration, details, tuple(verdict["hints"]), visibility)
