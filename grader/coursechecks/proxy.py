"""The ``student`` fixture of a course check: the built-in checks' proxy, with their guarantees.

Every call runs in the sandboxed student process and what comes back is rebuilt here as plain tensors,
numbers, tuples and lists (:mod:`grader.sandbox.student`); the check's time limit (``[time_limits] check``,
within what is left of the submission's) bounds all the calls of one course check together. A call to a
name that ``load`` did not find (``tp1.MSE`` when tp1.py does not define it, or does not import) skips the
check, as a missing prerequisite skips a built-in check.
"""

from __future__ import annotations

from typing import Any

import torch
from _pytest.outcomes import Skipped

from grader.sandbox.session import LoadInfo, MODULES
from grader.sandbox.student import Handle, Student

__all__ = ["CourseStudent", "MissingPrerequisite", "SubmissionTimeUp"]


class MissingPrerequisite(Skipped):
    """``pytest.skip`` for a name the student's files do not define; ``names`` are the missing names."""

    def __init__(self, msg: str, names: list[str]):
        super().__init__(msg=msg, pytrace=False)
        self.names = names


class SubmissionTimeUp(Exception):
    """The submission's own time limit was used up before this course check started."""


class CourseStudent:
    """What a course check sees of the student (the ``student`` fixture).

    ``call(path, *args, seed=None)``: call ``module.Name.attr`` (e.g. ``"tp1.MSE.forward"``,
    ``"tp1.mse"``, ``"tp1_descente.descente"``) and return its value. Arguments are tensors,
    numbers, strings, None, tuples and lists of them, or handles; ``seed`` seeds the student
    process's random generators first.
    ``new(path, *args)``: create an object that stays in the student process (e.g. ``"tp1.Context"``)
    and return its handle, to pass to later calls.
    ``call_keep(path, *args)``: ``(value, handle)``: the value, and the result kept there too.
    ``put(tensor)``: a handle to a copy of ``tensor`` in the student process (``requires_grad`` kept).
    ``grad(output_handle, [input_handles], grad_output)``: ``torch.autograd.grad`` run there.
    ``has("tp1.MSE")``: whether ``load`` found that name. ``limit_s``: this check's time limit.
    """

    def __init__(self, student: Student, load: LoadInfo, lang: str = "en"):
        self._student = student
        self._load = load
        self._lang = lang

    @property
    def limit_s(self) -> float:
        return self._student.limit_s

    def has(self, qualified: str) -> bool:
        return self._load.has(qualified)

    def _needs(self, path: str) -> None:
        from grader.i18n import Join, Msg, render

        module, _, rest = path.partition(".")
        name = rest.split(".")[0]
        wanted = f"{module}.{name}" if name else module
        if module in MODULES and self._load.has(wanted):
            return
        if module in MODULES and self._load.has(module) and not name:
            return
        label = Msg("skipped.name_in", name=name, file=f"{module}.py") if name else f"{module}.py"
        names = Join([label], sep="sep.comma")
        raise MissingPrerequisite(render(Msg("skipped.needs", names=names), self._lang), [wanted])

    def call(self, path: str, *args: Any, seed: int | None = None) -> Any:
        self._needs(path)
        return self._student.call(path, *args, seed=seed)

    def call_keep(self, path: str, *args: Any, seed: int | None = None) -> tuple[Any, Handle]:
        self._needs(path)
        return self._student.call_keep(path, *args, seed=seed)

    def new(self, path: str, *args: Any) -> Handle:
        self._needs(path)
        return self._student.new(path, *args)

    def put(self, value: torch.Tensor) -> Handle:
        return self._student.put(value)

    def grad(self, outputs: Handle, inputs: list[Handle], grad_outputs: torch.Tensor) -> list[Any]:
        return self._student.grad(outputs, inputs, grad_outputs)

    def __repr__(self) -> str:
        return f"<student process, {self.limit_s:g} s per check>"
