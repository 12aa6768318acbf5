"""Helpers for a course's own checks (docs/course-checks.md): ``from grader.testing import assert_close, gradcheck``.

Both raise :class:`CheckFailed` (an ``AssertionError``) whose message is the grader's own evidence, the
same as the built-in checks give: attributes before values (is it a tensor, its shape), then
"mismatched elements k / n", the greatest difference and where, the tolerance; for ``gradcheck`` the
Jacobian entry where the numerical and analytical Jacobians differ most, and a hint when a known mistake
matches. The runner reports such a check ``failed`` with that message, its ``details`` and ``hints``.

They speak the report's language (``--lang``) when run by the grader, English otherwise.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import torch

from grader.i18n import Msg, render

__all__ = ["CheckFailed", "assert_close", "gradcheck"]

_LANG = {"lang": "en"}  # set by grader.coursechecks while a course's checks run (one run at a time)


class CheckFailed(AssertionError):
    """A course check's assertion with the grader's evidence: ``details`` (data) and ``hints`` (text)."""

    def __init__(self, message: str, details: Mapping[str, Any] | None = None, hints: Sequence[str] = ()):
        super().__init__(message)
        self.details = dict(details or {})
        self.hints = tuple(hints)


def _text(message: Any) -> str:
    return render(message, _LANG["lang"])


def assert_close(got: Any, expected: Any, *, rtol: float | None = None, atol: float | None = None,
                 what: str = "value") -> None:
    """Raise :class:`CheckFailed` unless ``got`` (what the student's code returned) matches ``expected``.

    ``expected`` is a tensor, a number, ``None`` or a tuple / list of those (e.g. the gradients a
    ``backward`` returns), compared element by element. The default tolerances are those of the built-in
    checks (``torch.testing``'s for the less precise dtype, never looser than float32's: a float16 result
    for float64 inputs fails and says so); ``rtol`` / ``atol`` override them. ``what`` names the value in
    the message (``"MSE.forward on one example"``).
    """
    from grader.compare import compare, describe

    if isinstance(expected, (tuple, list)):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            message = Msg("course.assert.count", what=what, n=len(expected), got=describe(got))
            raise CheckFailed(_text(message), {"expected_count": len(expected), "got": _text(describe(got))})
        for i, (g, e) in enumerate(zip(got, expected)):
            assert_close(g, e, rtol=rtol, atol=atol, what=f"{what}[{i}]")
        return
    if expected is None:
        if got is not None:
            raise CheckFailed(_text(Msg("course.assert.none", what=what, got=describe(got))))
        return
    want = expected if isinstance(expected, torch.Tensor) else torch.tensor(expected, dtype=torch.float64)
    mismatch = compare(want.detach(), got, what, rtol=rtol, atol=atol)
    if mismatch is not None:
        lowered = mismatch.details.get("lowered_precision")
        hints = [_text(Msg("hint.compare.low_precision", **lowered))] if lowered else []
        raise CheckFailed(_text(mismatch.message), {"mismatch": mismatch.details, "kind": mismatch.kind}, hints)


def gradcheck(student: Any, path: str, inputs: Sequence[torch.Tensor], *, names: Sequence[str] | None = None,
              eps: float | None = None, atol: float | None = None, rtol: float | None = None) -> bool:
    """``torch.autograd.gradcheck`` of the student's function ``path`` (e.g. ``"tp1.linear"``, the
    ``Linear.apply`` the lab defines) on ``inputs``, run in the grader's process through the ``student``
    proxy, as the built-in ``*.gradcheck`` checks run it: forward and backward execute in the student's
    process, the numerical Jacobian and the comparison here.

    ``inputs`` are given to gradcheck as they are: float64 tensors with ``requires_grad=True`` for the
    ones to differentiate. Returns True, or raises :class:`CheckFailed` with the Jacobian evidence
    (output and input entry, numerical and analytical values) and a hint when a known mistake matches
    (e.g. a backward that ignores ``grad_output``). The student's code raising or hanging is the
    student's ``error`` / ``timeout``, as anywhere else.
    """
    from torch.autograd.gradcheck import GradcheckError

    from grader.checks.gradcheck import ATOL, RTOL, _failed, _NotATensor, remote_function
    from grader.checks.jacobian import EPS
    from grader.compare import describe

    inputs = tuple(inputs)
    labels = list(names) if names is not None else [f"input {i}" for i in range(len(inputs))]
    eps, atol, rtol = EPS if eps is None else eps, ATOL if atol is None else atol, RTOL if rtol is None else rtol
    details: dict[str, Any] = {"function": path, "inputs": [list(x.shape) for x in inputs], "input_names": labels,
                               "eps": eps, "atol": atol, "rtol": rtol}
    fn = remote_function(student, path)
    try:
        torch.autograd.gradcheck(fn, inputs, eps=eps, atol=atol, rtol=rtol, raise_exception=True)
    except _NotATensor as exc:
        function = path.split(".", 1)[-1]
        raise CheckFailed(_text(Msg("gradcheck.not_tensor", function=function, got=describe(exc.args[0]))),
                          details) from None
    except GradcheckError as exc:
        lines = [line for line in str(exc).splitlines() if line.strip()]
        details["gradcheck_message"] = "\n".join(lines[:60])
        outcome = _failed(fn, inputs, labels, details, lines[0] if lines else "gradcheck failed")
        raise CheckFailed(_text(outcome.message), outcome.details, [_text(h) for h in outcome.hints]) from None
    except RuntimeError as exc:  # e.g. the engine rejected a gradient of the wrong shape
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        details["gradcheck_message"] = str(exc)[:2000]
        raise CheckFailed(_text(Msg("gradcheck.could_not_run", text=text)), details) from None
    return True
