"""``context.isolation``: two forwards, then the two backwards; and one forward, two backwards.

State kept in a global or a class attribute instead of the Context passes
every single-call test. Interleaving two calls shows it: the first backward
then sees the second call's tensors. The check compares the interleaved
results with the same student's results when each forward is immediately
followed by its backward, so it judges isolation, not correctness (the
other checks judge that). Calling backward twice on the same Context shows a
backward that modifies the saved tensors in place: the second call differs.

Isolation can only be shown by a backward whose gradients depend on what its forward saved: one that
returns the same gradients for the two calls' different inputs (None, zeros, constants) shows nothing,
and fails (``context.no_gradients``) instead of earning the point for code that was not written.
"""

from __future__ import annotations

from typing import Any

import torch

from grader.checks.base import CheckContext, Outcome, check
from grader.checks.diagnose import Known, diagnose, diagnosis
from grader.checks.gradcheck import function_error
from grader.compare import compare, describe
from grader.i18n import Msg

# function -> (path, inputs of call s, the grad_output both calls receive)
FUNCTIONS = {
    "MSE": ("tp1.MSE", lambda ctx, s: (ctx.randn(4, 3, salt="a" + s), ctx.randn(4, 3, salt="b" + s)),
            lambda ctx: torch.tensor(0.5, dtype=torch.float64)),
    "Linear": ("tp1.Linear", lambda ctx, s: (ctx.randn(5, 3, salt="x" + s), ctx.randn(3, 4, salt="w" + s),
                                             ctx.randn(4, salt="b" + s)),
               lambda ctx: ctx.randn(5, 4, salt="g")),
}


def _sequential(ctx: CheckContext, fn: str, inputs, grad_output) -> Any:
    c = ctx.student.new("tp1.Context")
    ctx.student.call(f"{fn}.forward", c, *inputs)
    return ctx.student.call(f"{fn}.backward", c, grad_output)


def _as_tuple(value: Any) -> tuple:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def _difference(label: str, call: str, got: tuple, want: tuple) -> tuple[Any, dict[str, Any]] | None:
    """(message, details) of the first gradient of ``got`` that differs from ``want``, or None."""
    if len(got) != len(want):
        return (Msg("context.count_differs", function=label, call=Msg(f"context.call.{call}"), got=describe(got),
                    want=describe(want)), {"function": label, "call": call})
    for i, (g, w) in enumerate(zip(got, want)):
        if w is None and g is None:
            continue
        what = Msg("what.context_gradient", function=label, i=i, call=Msg(f"context.call.{call}"))
        mismatch = compare(w, g, what) if w is not None else None
        if mismatch or (w is None) != (g is None):
            message = mismatch.message if mismatch else Msg("context.none_once", i=i)
            return message, {"function": label, "call": call, "gradient": i,
                             "mismatch": mismatch.details if mismatch else {}}
    return None


def _interleaved(ctx: CheckContext, label: str, fn: str, inputs, grad) -> Outcome | None:
    alone = [_as_tuple(_sequential(ctx, fn, inputs[i], grad)) for i in range(2)]
    if _difference(label, "second", alone[1], alone[0]) is None:  # constants or None: nothing to isolate
        details = {"function": label, "call": "alone", "same_gradients_for_other_inputs": True}
        return Outcome(False, Msg("context.no_gradients", function=label, got=describe(alone[0])), details,
                       diagnosis(details, "context.no_gradients"))
    c1, c2 = ctx.student.new("tp1.Context"), ctx.student.new("tp1.Context")
    ctx.student.call(f"{fn}.forward", c1, *inputs[0])
    ctx.student.call(f"{fn}.forward", c2, *inputs[1])
    first = _as_tuple(ctx.student.call(f"{fn}.backward", c1, grad))
    second = _as_tuple(ctx.student.call(f"{fn}.backward", c2, grad))
    for call, got, want, other in (("first", first, alone[0], alone[1]), ("second", second, alone[1], alone[0])):
        found = _difference(label, call, got, want)
        if found:
            message, details = found
            hints = diagnosis(details, "context.shared_state")
            swapped = diagnose(got, [Known("context.shared_state", tuple(other))]) is not None
            details["got_other_call"] = swapped
            if swapped:
                hints.append(Msg("context.got_other_call", call=Msg(f"context.call.{call}")))
            return Outcome(False, Msg("context.interleaved_failed", function=label, message=message), details, hints)
    return None


def _twice(ctx: CheckContext, label: str, fn: str, inputs, grad) -> Outcome | None:
    """One forward, then backward twice on the same Context: a backward that mutates what it saved differs."""
    c = ctx.student.new("tp1.Context")
    ctx.student.call(f"{fn}.forward", c, *inputs)
    once = _as_tuple(ctx.student.call(f"{fn}.backward", c, grad))
    again = _as_tuple(ctx.student.call(f"{fn}.backward", c, grad))
    found = _difference(label, "again", again, once)
    if not found:
        return None
    message, details = found
    return Outcome(False, Msg("context.twice_failed", function=label, message=message), details,
                   diagnosis(details, "context.saved_mutated"))


@check("context.isolation", needs=("tp1.MSE", "tp1.Linear", "tp1.Context"), on_error=function_error)
def context_isolation(ctx: CheckContext) -> Outcome:
    checked = []
    for label, (fn, make_inputs, make_grad) in FUNCTIONS.items():
        inputs = [[t.requires_grad_() for t in make_inputs(ctx, s)] for s in ("1", "2")]
        grad = make_grad(ctx)
        failed = _interleaved(ctx, label, fn, inputs, grad) or _twice(ctx, label, fn, inputs[0], grad)
        if failed:
            return failed
        checked.append(label)
    return Outcome(True, Msg("context.passed", functions=" & ".join(checked)), {"functions": checked})
