"""``torch.autograd.gradcheck`` run by the grader, on the student's Function.

The real ``gradcheck`` runs here, in the grader's process, on a proxy Function
whose forward calls the student's ``.apply`` in the student process and whose
backward runs the autograd engine there (``torch.autograd.grad``). So the
numerical Jacobian and the comparison are computed by trusted code, while the
student's forward and backward are exercised exactly as ``.apply`` uses them.
"""

from __future__ import annotations

import torch
from torch.autograd.gradcheck import GradcheckError

from grader.checks.base import Outcome
from grader.sandbox.errors import StudentFailure
from grader.sandbox.student import Student



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
                raise _NotATensor(f"{path.split('.', 1)[1]} returned {type(out).__name__}, not a tensor")
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


def run_gradcheck(student: Student, path: str, inputs: tuple[torch.Tensor, ...]) -> Outcome:
    fn = remote_function(student, path)
    details = {"inputs": [list(x.shape) for x in inputs], "dtype": "float64",
               "eps": 1e-6, "atol": 1e-5, "rtol": 1e-3}
    try:
        torch.autograd.gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True)
    except StudentFailure:
        raise
    except _NotATensor as exc:
        return Outcome(False, str(exc), details)
    except GradcheckError as exc:
        lines = [line for line in str(exc).splitlines() if line.strip()]
        details["gradcheck_message"] = "\n".join(lines[:60])
        head = lines[0] if lines else "gradcheck failed"
        return Outcome(False, f"gradcheck failed: {head} (numerical and analytical Jacobians in the JSON "
                              "report's details)" if len(lines) > 1 else f"gradcheck failed: {head}", details)
    except RuntimeError as exc:  # e.g. the engine rejected a gradient of the wrong shape
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        details["gradcheck_message"] = str(exc)[:2000]
        return Outcome(False, f"gradcheck could not run: {text}", details)
    return Outcome(True, "gradcheck passed in float64", details)
