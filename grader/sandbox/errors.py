"""What can go wrong on the student's side of the process boundary.

Checks let these propagate; the runner turns them into ``error`` or
``timeout`` statuses. They carry plain data only.
"""

from __future__ import annotations

from dataclasses import dataclass


class LauncherError(Exception):
    """The warm launcher is not available; the caller falls back to starting Python afresh."""


@dataclass(frozen=True)
class Doing:
    """What the grader was asking the student's process to do, as data (worded by ``grader.failures``).

    ``kind``: ``calling`` / ``creating`` (``name`` the student's callable, e.g. ``MSE.forward``; ``path`` the
    full one, ``tp1.MSE.forward``), ``importing`` (``name`` a file, ``tp1.py``), ``loading`` / ``reloading``
    (the whole submission), ``sending`` (a tensor), ``backward`` (autograd through the student's Functions),
    ``script`` (``name`` a lab file run as ``__main__``).
    """

    kind: str
    name: str | None = None
    path: str | None = None

    def __str__(self) -> str:  # English, for logs and exception texts only; reports use grader.failures
        words = {"calling": "calling {name}", "creating": "creating {name}", "importing": "importing {name}",
                 "loading": "importing the submission", "reloading": "importing the submission again",
                 "sending": "sending a tensor", "backward": "running backward",
                 "script": "running {name} as a script"}
        return words.get(self.kind, self.kind).format(name=self.name)


@dataclass(frozen=True)
class StudentFunction:
    """A function of the student's code, as the student process reported it (bounded, checked strings):
    ``module`` (``tp1``), ``qualname`` (``MSE.backward``), the file and line it was at."""

    module: str
    qualname: str
    file: str = ""
    line: int = 0

    @property
    def key(self) -> tuple[str, str]:
        return self.module, self.qualname


class NotRunAgain(Exception):
    """The student's code called a function that already hung (or crashed the process) in an earlier check:
    the student process stopped the call at once (``child.py``: ``not_again``). Not a
    :class:`StudentFailure`: nothing new is known about the student's code, the check is ``skipped``."""

    def __init__(self, function: StudentFunction):
        self.function = function
        super().__init__(f"{function.qualname} already did not return in an earlier check")


class StudentFailure(Exception):
    """Base class: the student's process did not give a usable answer."""


class StudentError(StudentFailure):
    """The student's code raised an exception (reported by the child)."""

    def __init__(self, type_name: str, message: str, where: str | None = None,
                 traceback: list[str] | None = None, call: Doing | None = None):
        self.type_name = type_name
        self.message = message
        self.where = where
        self.traceback = traceback or []
        self.call = call
        super().__init__(self.describe())

    def describe(self) -> str:
        what = f"{self.call} raised " if self.call else ""
        text = f"{what}{self.type_name}: {self.message}".rstrip(": ")
        if self.type_name == "NotImplementedError":
            name = (self.call.name if self.call else None) or "the function"
            text = f"{name} is not implemented yet (raises NotImplementedError)"
        if self.where:
            text += f" (at {self.where})"
        return text


class StudentTimeout(StudentFailure):
    """The student's code did not answer within the time limit; its process was killed.

    ``running``: the student's function that was running the whole time just before the kill, as the student
    process reported it (None when it could not say: a loop in C holding the interpreter, a dead helper thread).
    """

    def __init__(self, limit_s: float, doing: Doing | None = None, running: StudentFunction | None = None):
        self.limit_s = limit_s
        self.doing = doing
        self.running = running
        what = f" while {doing}" if doing else ""
        super().__init__(f"no answer within {limit_s:g} s{what}; the student process was stopped")


class StudentCrash(StudentFailure):
    """The student's process died (exit, signal, out of memory) or broke the protocol."""

    def __init__(self, reason: str, returncode: int | None = None, output_tail: str = "",
                 doing: Doing | None = None):
        self.reason = reason
        self.returncode = returncode
        self.output_tail = output_tail
        self.doing = doing
        super().__init__(reason)


class StudentProtocolError(StudentCrash):
    """The student's process sent a reply the grader refuses: not JSON, nested too deep, too large, a
    field of the wrong type, a number out of range. Its code can write any bytes to the reply pipe,
    so every reply is parsed with limits and a bad one is the student's error, never the grader's."""
