"""Verdict on a ``backward`` that asks autograd for its gradients instead of computing them by hand.

The student process records (``grader/sandbox/autograd_watch.py``) every differentiation that autograd was asked
to do while a student ``backward`` was on the call stack: which Function's backward, which torch entry
point (``torch.autograd.grad``, ``torch.Tensor.backward``, ``torch.func.jacrev``...) and where in the
student's file. After ``mse.backward``, ``mse.gradcheck``, ``linear.backward`` and ``linear.gradcheck``
the runner calls :func:`judge`, which reads those records (as hostile data: bounded strings only) and,
when the Function of that check is named, fails the check with the diagnosis ``backward.uses_autograd``
(``[integrity] autograd_in_backward = "fail"``, the default) or keeps its verdict and adds a warning to
the report (``"warn"``).

Why the call stack rather than the issue's other idea, a direct call of ``backward`` under
``torch.inference_mode()``: inference mode only makes an autograd-based backward *fail*, with an
error that could have other causes, and says nothing about the ``.apply`` path; the stack says what
was called and from which line, and the grader's own gradcheck (autograd calling the student's
backward) is told apart by construction: there the engine runs *below* the student's frame.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Sequence

from grader.i18n import Msg, render
from grader.sandbox.errors import StudentFailure
from grader.text import bounded

# check id -> the Function whose backward it judges
JUDGED = {"mse.backward": "MSE", "mse.gradcheck": "MSE", "linear.backward": "Linear", "linear.gradcheck": "Linear"}
MODES = ("fail", "warn")
DIAGNOSIS = "backward.uses_autograd"
MAX_FINDINGS, MAX_TEXT = 20, 200


@dataclass(frozen=True)
class Finding:
    function: str  # "MSE.backward"
    via: str  # "torch.autograd.grad"
    where: str  # "tp1.py:42 in backward"

    def as_dict(self) -> dict[str, str]:
        return {"function": self.function, "via": self.via, "where": self.where}


def parse(reply: Any) -> list[Finding]:
    """The reply to the ``integrity`` request, field by field; anything malformed counts as nothing seen."""
    if not isinstance(reply, dict) or not isinstance(reply.get("findings"), list):
        return []
    found = []
    for item in reply["findings"][:MAX_FINDINGS]:
        if isinstance(item, dict) and all(isinstance(item.get(k), str) for k in ("function", "via", "where")):
            found.append(Finding(*(bounded(item[k], MAX_TEXT) for k in ("function", "via", "where"))))
    return found


def findings_for(function: str, findings: Sequence[Finding]) -> list[Finding]:
    return [f for f in findings if f.function in (f"{function}.backward", f"{function}.vjp")]


def judge(check_id: str, ctx, outcome):
    """``outcome`` of check ``check_id``, failed (or warned) when its Function's backward used autograd."""
    function = JUDGED.get(check_id)
    if function is None:
        return outcome
    try:
        seen = findings_for(function, parse(ctx.student.integrity()))
    except StudentFailure:  # the process died meanwhile: nothing can be said, the check's verdict stands
        return outcome
    if not seen:
        return outcome
    first = seen[0]
    mode = getattr(ctx.config, "autograd_in_backward", "fail")
    details = {**outcome.details, "autograd_in_backward": [f.as_dict() for f in seen], "integrity": mode}
    hint = Msg("hint." + DIAGNOSIS, function=first.function, via=first.via, where=first.where)
    if mode == "warn":
        return replace(outcome, details=details, hints=[*outcome.hints, hint])
    if outcome.passed or "diagnosis" not in details:
        details["diagnosis"] = DIAGNOSIS
    message = Msg("integrity.backward.uses_autograd", function=first.function, via=first.via)
    if not outcome.passed:  # already wrong: keep its evidence, name the autograd use first in the hints
        return replace(outcome, details=details, hints=[hint, *outcome.hints])
    return replace(outcome, passed=False, message=message, details=details, hints=[hint])


def report_warnings(results, lang: str) -> tuple[str, ...]:
    """One report warning per Function whose backward used autograd in ``"warn"`` mode."""
    said, warnings = set(), []
    for result in results:
        if result.details.get("integrity") != "warn":
            continue
        for item in result.details.get("autograd_in_backward", ())[:1]:
            if item["function"] not in said:
                said.add(item["function"])
                warnings.append(render(Msg("integrity.warning.autograd", **item), lang))
    return tuple(warnings)
