"""Which student function was running: the parent side of the ``where`` request and of ``not_again``.

When a call reaches its time limit, the grader asks the student process (``{"op": "where"}``, answered by
``child.py``'s request-reader thread while the main thread is still stuck) which of the student's functions
has been running the whole time; the answer is an event ``{"event": "running", "frames": [...]}`` (innermost
first). Once a function has hung (or crashed the process), later loads ask the child to stop any call of it at
once (``not_again``), and a reply saying it did (``{"not_again": {...}}``) becomes :class:`NotRunAgain`.

Both answers come from the student's process: they are read as hostile data (types checked, strings bounded);
a wrong one costs nothing but an imprecise message, never a verdict.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from grader.sandbox.errors import NotRunAgain, StudentFunction
from grader.text import bounded

@dataclass(frozen=True)
class Hung:
    """A student function that did not return within ``limit_s`` (or, ``limit_s`` None, crashed the process) in
    check ``check_id``: the student process stops any later call of it (``not_again``)."""

    function: StudentFunction
    check_id: str
    limit_s: float | None


WHERE_TIMEOUT_S = 3.0  # the child samples the stack three times, 250 ms apart; a loaded machine is slow
MAX_FRAMES = 10
MAX_MODULE, MAX_QUALNAME, MAX_FILE = 200, 300, 300


def function_of(record: Any) -> StudentFunction | None:
    """A ``{"module", "qualname", "file", "line"}`` record as a :class:`StudentFunction`, or None when malformed."""
    if not isinstance(record, dict):
        return None
    module, qualname = record.get("module"), record.get("qualname")
    if not isinstance(module, str) or not isinstance(qualname, str) or not module or not qualname:
        return None
    if len(module) > MAX_MODULE or len(qualname) > MAX_QUALNAME or "<" in qualname:
        return None
    line = record.get("line")
    return StudentFunction(module, qualname, bounded(record.get("file"), MAX_FILE),
                           line if type(line) is int and 0 <= line < 10**9 else 0)


def ask_where(process) -> StudentFunction | None:
    """At a time limit, before the kill: the student function the process reports as running, if it answers
    within :data:`WHERE_TIMEOUT_S` (the innermost of its persistent frames that can be named)."""
    if not process.ask("where"):
        return None
    deadline = time.monotonic() + WHERE_TIMEOUT_S
    while (message := process.read_event(deadline)) is not None:
        if message.get("event") == "running":
            frames = message.get("frames")
            if not isinstance(frames, list):
                return None
            for record in frames[:MAX_FRAMES]:
                function = function_of(record)
                if function is not None:
                    return function
            return None
    return None


def not_again_of(message: dict) -> NotRunAgain | None:
    """The final reply of a call that ran into a function stopped by ``not_again``, as the exception to raise."""
    record = message.get("not_again")
    if record is None:
        return None
    function = function_of(record)
    return NotRunAgain(function) if function is not None else None
