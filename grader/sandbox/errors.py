"""What can go wrong on the student's side of the process boundary.

Checks let these propagate; the runner turns them into ``error`` or
``timeout`` statuses. They carry plain data only.
"""

from __future__ import annotations


class StudentFailure(Exception):
    """Base class: the student's process did not give a usable answer."""


class StudentError(StudentFailure):
    """The student's code raised an exception (reported by the child)."""

    def __init__(self, type_name: str, message: str, where: str | None = None,
                 traceback: list[str] | None = None, call: str | None = None):
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
            name = (self.call or "").removeprefix("calling ") or "the function"
            text = f"{name} is not implemented yet (raises NotImplementedError)"
        if self.where:
            text += f" (at {self.where})"
        return text


class StudentTimeout(StudentFailure):
    """The student's code did not answer within the time limit; its process was killed."""

    def __init__(self, limit_s: float, doing: str | None = None):
        self.limit_s = limit_s
        self.doing = doing
        what = f" while {doing}" if doing else ""
        super().__init__(f"no answer within {limit_s:g} s{what}; the student process was stopped")


class StudentCrash(StudentFailure):
    """The student's process died (exit, signal, out of memory) or broke the protocol."""

    def __init__(self, reason: str, returncode: int | None = None, output_tail: str = ""):
        self.reason = reason
        self.returncode = returncode
        self.output_tail = output_tail
        super().__init__(reason)


class StudentProtocolError(StudentCrash):
    """The student's process sent a reply the grader refuses: not JSON, nested too deep, too large, a
    field of the wrong type, a number out of range. Its code can write any bytes to the reply pipe,
    so every reply is parsed with limits and a bad one is the student's error, never the grader's."""
