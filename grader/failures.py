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


def timeout_message(exc: StudentTimeout) -> Msg:
    if exc.doing:
        return Msg("error.timeout_doing", limit=exc.limit_s, doing=doing(exc.doing))
    return Msg("error.timeout", limit=exc.limit_s)


def timeout_diagnosis(exc: StudentTimeout) -> str | None:
    return "load.import_timeout" if exc.doing is not None and exc.doing.kind in IMPORTING else None


def error_message(exc: StudentError) -> Msg:
    where = Msg("error.at", where=exc.where) if exc.where else ""
    if exc.type_name == "NotImplementedError":
        name = exc.call.name if exc.call is not None else None
        return Msg("error.not_implemented", name=name or "?", where=where)
    if exc.call:
        return Msg("error.raised_doing", doing=doing(exc.call), type=exc.type_name, message=exc.message,
                   where=where)
    return Msg("error.raised", type=exc.type_name, message=exc.message, where=where)


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
