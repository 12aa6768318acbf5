"""One hang, one limit: a student function that hung (or crashed the process) is not waited for again.

When a check times out, the student process has said which of the student's functions was running the
whole time (:func:`grader.sandbox.running.ask_where`; else the function the check called directly). The
session remembers it (:class:`~grader.sandbox.running.Hung`); the restarted student process stops any later
call of it at once (``child.py``/``watch.py``: ``not_again``), and the check that made that call is
``skipped``, naming the function and the check where it hung. Checks that never call it run as usual.

A crash is remembered only when the check called the crashing function directly (a dead process cannot say
what was running). This module turns those records into report data; the runner calls it.
"""

from __future__ import annotations

from typing import Any

from grader.i18n import Msg
from grader.sandbox.errors import Doing, NotRunAgain, StudentCrash, StudentFunction, StudentProtocolError, \
    StudentTimeout
from grader.sandbox.running import Hung


def called_directly(doing: Doing | None) -> StudentFunction | None:
    """The student's function a check called itself (``tp1.MSE.backward``), not torch's ``.apply``."""
    if doing is None or doing.kind != "calling" or not doing.path or doing.path.endswith(".apply"):
        return None
    module, _, qualname = doing.path.partition(".")
    return StudentFunction(module, qualname) if qualname else None


def remember_timeout(session, exc: StudentTimeout, check_id: str, limit_s: float) -> dict[str, Any]:
    """Record the function that hung; returns the details the timeout's result carries (``running``)."""
    function = exc.running or called_directly(exc.doing)
    if function is None:
        return {}
    session.hung.setdefault(function.key, Hung(function, check_id, limit_s))
    return {"running": {"module": function.module, "function": function.qualname, "file": function.file or None,
                        "line": function.line or None, "reported_by": "student process" if exc.running else "call"}}


def remember_crash(session, exc: StudentCrash, check_id: str) -> None:
    if isinstance(exc, StudentProtocolError):
        return
    function = called_directly(exc.doing)
    if function is not None:
        session.hung.setdefault(function.key, Hung(function, check_id, None))


def timeout_message(message: Msg, exc: StudentTimeout) -> Msg:
    """The core timeout message, plus the function found running when it is not the one the check called."""
    running = exc.running
    direct = called_directly(exc.doing)
    if running is None or (direct is not None and direct.key == running.key):
        return message
    return Msg("speed.timeout_running", timeout=message, function=running.qualname,
               where=f"{running.file}:{running.line}" if running.file else running.module)


def not_run_again(session, exc: NotRunAgain) -> tuple[Msg, dict[str, Any]] | None:
    """The ``skipped`` message and details of a check that called a function that hung before; None when the
    student process names a function the grader never asked it to stop (a forged reply)."""
    hung = session.hung.get(exc.function.key)
    if hung is None:
        return None
    name = hung.function.qualname
    details = {"prerequisites": [hung.check_id],
               "not_run_again": {"module": hung.function.module, "function": name, "check": hung.check_id,
                                 "limit_s": hung.limit_s}}
    if hung.limit_s is None:
        return Msg("speed.not_again_crashed", function=name, check=hung.check_id), details
    return Msg("speed.not_again", function=name, limit=hung.limit_s, check=hung.check_id), details
