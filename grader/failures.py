"""Student-side failures (``grader.sandbox.errors``) worded for the student, as catalogue messages.

The sandbox raises exceptions that carry plain data (the exception type and text,
the time limit, what the grader was doing as a :class:`~grader.sandbox.errors.Doing`); this module turns them into
:class:`~grader.i18n.Msg` records so the report speaks the student's language.
What the student's own code or Python printed (an exception's text, a crash
reason) is kept as it is.
"""

from __future__ import annotations

import re

from grader.i18n import Msg
from grader.sandbox.errors import Doing, StudentCrash, StudentError, StudentProtocolError, StudentTimeout

IMPORTING = ("importing", "loading", "reloading")

def doing(what: Doing | None) -> Msg | str:
    """What the grader was doing (``Doing("calling", "MSE.forward")``) as a message (key ``doing.<kind>``)."""
    if what is None:
        return ""
    return Msg(f"doing.{what.kind}", name=what.name or "")


def function_of(what: Doing | None) -> str | None:
    """The student's function a request was running (``Doing("calling", "descente_batch")`` -> its name)."""
    return what.name if what is not None and what.kind == "calling" else None


def timeout_message(exc: StudentTimeout, function: str | None = None) -> Msg:
    """Worded for the student: *your code*, the function it was in (``function``, else the one the request
    called), the limit. An import that hangs says which file."""
    function = function or function_of(exc.doing)
    if function:
        return Msg("ux.timeout.in_function", limit=exc.limit_s, function=function)
    if exc.doing:
        return Msg("ux.timeout.doing", limit=exc.limit_s, doing=doing(exc.doing))
    return Msg("ux.timeout", limit=exc.limit_s)


def timeout_diagnosis(exc: StudentTimeout) -> str | None:
    """An import that hangs runs code at import time; anything else most likely loops for ever (or far too long)."""
    return "load.import_timeout" if exc.doing is not None and exc.doing.kind in IMPORTING else "timeout.endless_loop"


_WHERE = re.compile(r"(?P<file>[^:\s]+):(?P<line>\d+) in (?P<function>\S+)")


def where(text: str | None) -> Msg | str:
    """Where the student's code raised (the child's ``"tp1.py:40 in forward"``) as a message; other text as is."""
    if not text:
        return ""
    match = _WHERE.fullmatch(text)
    return Msg("ux.where", **match.groupdict()) if match else text


def error_message(exc: StudentError) -> Msg:
    where_ = Msg("error.at", where=where(exc.where)) if exc.where else ""
    if exc.type_name == "NotImplementedError":
        if exc.call is not None and exc.call.kind != "calling":  # e.g. running backward: say what was running
            return Msg("ux.not_implemented_doing", doing=doing(exc.call), where=where_)
        name = exc.call.name if exc.call is not None else None
        return Msg("error.not_implemented", name=name or "?", where=where_)
    if exc.call:
        return Msg("error.raised_doing", doing=doing(exc.call), type=exc.type_name, message=exc.message,
                   where=where_)
    return Msg("error.raised", type=exc.type_name, message=exc.message, where=where_)


def crash_message(exc: StudentCrash) -> Msg:
    if isinstance(exc, StudentProtocolError):
        return Msg("error.protocol", reason=exc.reason)
    if exc.doing is not None and exc.doing.kind == "importing":
        return Msg("error.crashed_importing", reason=exc.reason, file=exc.doing.name)
    return Msg("error.crashed", reason=exc.reason)


# The warnings of grader/sandbox/stubs.py (MISSING, MISSING_DATA), word for word.
_STUBS = {
    "warning.stub": re.compile(r"(?P<module>\S+) is not installed here: replaced by a stand-in that keeps the code "
                               r"running but shows, draws and saves nothing"),
    "warning.stub_data": re.compile(r"(?P<module>\S+) is not installed here: replaced by a stand-in that has no data "
                                    r"\(using its data is an error\)"),
}


def warning(text: str) -> Msg | str:
    """A load warning from the student process as a message; unknown text as is."""
    for key, pattern in _STUBS.items():
        match = pattern.fullmatch(text)
        if match:
            return Msg(key, module=match["module"])
    return text
