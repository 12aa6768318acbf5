"""``torch.autograd.gradcheck`` run by the grader, on the student's Function.

The real ``gradcheck`` runs here, in the grader's process, on a proxy Function
whose forward calls the student's ``.apply`` in the student process and whose
backward runs the autograd engine there (``torch.autograd.grad``). So the
numerical Jacobian and the comparison are computed by trusted code, while the
student's forward and backward are exercised exactly as ``.apply`` uses them.

When gradcheck fails, the grader computes both Jacobians itself through the
same proxy (central differences for the numerical one, one backward per output
element for the analytical one) and reports the entry where they differ most
(see :mod:`grader.checks.jacobian`).

gradcheck only compares the backward with finite differences of the student's
own forward: a constant function (both Jacobians zero) or another formula whose
backward is consistent passes it (issue 17). So when gradcheck passes, the
grader also compares the forward's value on the gradcheck inputs with the
function the check is about (MSE: the lab's, or the element mean when the MSE
convention policy accepts it; Linear: ``X @ W + b``); a different value fails
with ``gradcheck.wrong_function``, whose message says that the Jacobians agreed.
"""

from __future__ import annotations

import re

from typing import Any, Sequence

import torch
from torch.autograd.gradcheck import GradcheckError

from grader.checks.base import Outcome
from grader.checks.diagnose import diagnosis
from grader.checks.jacobian import EPS, compare_jacobians
from grader.compare import close, compare, describe
from grader.i18n import Msg
from grader.sandbox.errors import StudentError, StudentFailure
from grader.sandbox.student import Student

ATOL, RTOL = 1e-5, 1e-3


class _NotATensor(Exception):
    pass


def remote_function(student: Student, path: str):
    """A proxy Function whose forward/backward run ``path`` (e.g. ``tp1.mse``) remotely."""

    class Remote(torch.autograd.Function):
        @staticmethod
        def forward(ctx, *inputs):
            handles = [student.put(x.detach().requires_grad_(x.requires_grad)) for x in inputs]
            out, handle = student.call_keep(path, *handles)
            if not isinstance(out, torch.Tensor):
                raise _NotATensor(out)
            ctx.remote = (handle, handles)
            return out

        @staticmethod
        def backward(ctx, grad_output):
            handle, handles = ctx.remote
            grads = student.grad(handle, handles, grad_output)
            return tuple(grads)

    return Remote.apply


def warm_up() -> None:
    """gradcheck's lazy imports cost ~0.3 s once; pay them while the student process starts."""
    x = torch.ones(2, dtype=torch.float64, requires_grad=True)
    torch.autograd.gradcheck(lambda t: t * 2, (x,))


def function_error(kind: str, text: str) -> str | None:
    """Diagnosis of an exception the student's MSE or Linear raised (a direct call or under gradcheck)."""
    if "modified by an inplace operation" in text:
        return "context.inplace_modified"
    if "leaf Variable that requires grad is being used in an in-place operation" in text:
        return "context.input_mutated"
    if "shapes cannot be multiplied" in text:
        return "linear.shape_error"
    return None


def run_gradcheck(student: Student, path: str, inputs: tuple[torch.Tensor, ...], names: Sequence[str],
                  accepted: Sequence[torch.Tensor], expected: Any) -> Outcome:
    """gradcheck on ``path``; when it passes, the value must be one of ``accepted`` (``expected`` names it)."""
    fn = remote_function(student, path)
    details: dict[str, Any] = {"inputs": [list(x.shape) for x in inputs], "input_names": list(names),
                               "dtype": "float64", "eps": EPS, "atol": ATOL, "rtol": RTOL}
    function = path.split(".", 1)[1]
    try:
        torch.autograd.gradcheck(fn, inputs, eps=EPS, atol=ATOL, rtol=RTOL, raise_exception=True)
    except StudentFailure:
        raise
    except _NotATensor as exc:
        from grader.compare import describe

        return Outcome(False, Msg("gradcheck.not_tensor", function=function, got=describe(exc.args[0])), details)
    except GradcheckError as exc:
        lines = [line for line in str(exc).splitlines() if line.strip()]
        details["gradcheck_message"] = "\n".join(lines[:60])
        head = _head(lines[0]) if lines else "gradcheck failed"
        return _failed(fn, inputs, names, details, head)
    except RuntimeError as exc:  # e.g. the engine rejected a gradient of the wrong shape
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        details["gradcheck_message"] = str(exc)[:2000]
        return Outcome(False, Msg("gradcheck.could_not_run", text=text), details)
    return _right_function(student, path, inputs, accepted, expected, details)


def _right_function(student: Student, path: str, inputs: tuple[torch.Tensor, ...], accepted: Sequence[torch.Tensor],
                    expected: Any, details: dict[str, Any]) -> Outcome:
    """gradcheck passed: is the function the right one? Its value on the gradcheck inputs says."""
    function = path.split(".", 1)[1]
    got = student.call(path, *inputs)
    if any(close(value.detach(), got) for value in accepted):
        problem = _not_its_own(student, path, inputs, got, details)
        if problem is not None:
            return Outcome(False, Msg("gradcheck.not_its_own", function=function, cls=function.rsplit(".", 1)[0],
                                      problem=problem), details,
                           diagnosis(details, "gradcheck.not_its_own", function=function))
        return Outcome(True, Msg("gradcheck.passed"), details)
    what = f"{function}({', '.join(details['input_names'])})"
    mismatch = compare(accepted[0].detach(), got, what)
    details["value_mismatch"] = mismatch.details if mismatch else {}
    message = Msg("gradcheck.wrong_function", function=function, expected=expected,
                  mismatch=mismatch.message if mismatch else "")
    return Outcome(False, message, details, diagnosis(details, "gradcheck.wrong_function", function=function,
                                                      expected=expected))


def _not_its_own(student: Student, path: str, inputs: tuple[torch.Tensor, ...], out: torch.Tensor,
                 details: dict[str, Any]) -> Any:
    """gradcheck passed on ``.apply``: do the Function's own ``forward`` and ``backward``, called directly with
    a ``Context``, give the gradients ``.apply`` gave? None when they do, else what differs (a message).

    gradcheck runs whatever ``MSE.apply`` is: torch's own autograd put in its place (``MSE.apply =
    lambda yhat, y: ...``) passes it while ``forward`` and ``backward`` are not even written."""
    cls = path.rsplit(".", 1)[0]
    grad_output = torch.linspace(0.3, 1.1, out.numel(), dtype=torch.float64).reshape(out.shape)
    handles = [student.put(x.detach().requires_grad_()) for x in inputs]
    _, handle = student.call_keep(path, *handles)
    via_apply = student.grad(handle, handles, grad_output)
    try:
        c = student.new(f"{cls.split('.')[0]}.Context")
        student.call(f"{cls}.forward", c, *inputs)
        direct = student.call(f"{cls}.backward", c, grad_output)
    except StudentError as exc:
        details["direct_call_error"] = exc.describe()
        return Msg("gradcheck.direct_raised", type=exc.type_name, message=exc.message)
    direct = tuple(direct) if isinstance(direct, (tuple, list)) else (direct,)
    details["same_as_direct_calls"] = False
    if len(direct) != len(via_apply):
        return Msg("gradcheck.direct_count", got=describe(direct), n=len(via_apply))
    for i, (want, got) in enumerate(zip(via_apply, direct)):
        if want is None or got is None:
            if (want is None) != (got is None):
                return Msg("gradcheck.direct_none", i=i)
            continue
        if isinstance(got, torch.Tensor) and got.shape != want.shape:
            try:  # the engine sums a broadcastable gradient to its input's shape (linear.backward judges that)
                got = got.sum_to_size(want.shape)
            except RuntimeError:
                pass
        mismatch = compare(want, got, Msg("gradcheck.direct_what", i=i))
        if mismatch:
            details["direct_mismatch"] = mismatch.details
            return mismatch.message
    details["same_as_direct_calls"] = True
    return None


def _failed(fn, inputs, names, details: dict[str, Any], head: str) -> Outcome:
    """The failure's evidence (the Jacobian entry that differs most) and its diagnosis."""
    try:
        evidence = compare_jacobians(fn, inputs, names)
    except (RuntimeError, TypeError, ValueError, _NotATensor):  # the engine rejected a gradient, etc.
        evidence = None
    if evidence is None:
        return Outcome(False, Msg("gradcheck.failed", head=head), details)
    details["jacobian"] = evidence.details
    hints = diagnosis(details, evidence.diagnosis, **evidence.hint_params) if evidence.diagnosis else []
    worst = evidence.details["worst"]
    if worst["abs_diff"] <= ATOL + RTOL * abs(worst["numerical"]):  # the Jacobians agree: another test failed
        return Outcome(False, Msg("gradcheck.failed", head=head), details, hints)
    message = Msg("gradcheck.failed_at", head=head, output=_index(worst["output"]), input=worst["input_name"],
                  index=_index(worst["input_index"]), numerical=worst["numerical"], analytical=worst["analytical"])
    return Outcome(False, message, details, hints)


_HEADS = (  # PyTorch's gradcheck messages a student meets, in the report's language (others are quoted as is)
    (re.compile(r"Jacobian mismatch for output (?P<output>\d+) with respect to input (?P<input>\d+),?"),
     "ux.gradcheck.jacobian_mismatch"),
    (re.compile(r"backward not multiplied by grad_output"), "ux.gradcheck.not_multiplied"),
    (re.compile(r"Backward is not reentrant.*"), "ux.gradcheck.not_reentrant"),
    (re.compile(r"grad is incorrect (?P<what>size|type|device|layout).*"), "ux.gradcheck.incorrect"),
)


def _head(line: str) -> Msg | str:
    for pattern, key in _HEADS:
        match = pattern.fullmatch(line.strip())
        if match:
            return Msg(key, **match.groupdict())
    return line


def _index(index: Sequence[int]) -> str:
    """``[2, 1]`` for an element of a tensor, nothing for a scalar."""
    return "[" + ", ".join(map(str, index)) + "]" if len(index) else ""
