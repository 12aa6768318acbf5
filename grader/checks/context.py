"""``context.isolation``: two forwards, then the two backwards.

State kept in a global or a class attribute instead of the Context passes
every single-call test. Interleaving two calls shows it: the first backward
then sees the second call's tensors. The check compares the interleaved
results with the same student's results when each forward is immediately
followed by its backward, so it judges isolation, not correctness (the
other checks judge that).
"""

from __future__ import annotations

from typing import Any

import torch

from grader.checks.base import CheckContext, Outcome, check
from grader.checks.diagnose import Known, diagnose
from grader.compare import compare, describe

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


@check("context.isolation", "Context isolation (interleaved calls)",
       needs=("tp1.MSE", "tp1.Linear", "tp1.Context"))
def context_isolation(ctx: CheckContext) -> Outcome:
    checked = []
    for label, (fn, make_inputs, make_grad) in FUNCTIONS.items():
        inputs = [[t.requires_grad_() for t in make_inputs(ctx, s)] for s in ("1", "2")]
        grad = make_grad(ctx)
        grads_out = [grad, grad]  # the same, so that a backward that read the other call's tensors shows
        alone = [_as_tuple(_sequential(ctx, fn, inputs[i], grads_out[i])) for i in range(2)]
        c1, c2 = ctx.student.new("tp1.Context"), ctx.student.new("tp1.Context")
        ctx.student.call(f"{fn}.forward", c1, *inputs[0])
        ctx.student.call(f"{fn}.forward", c2, *inputs[1])
        first = _as_tuple(ctx.student.call(f"{fn}.backward", c1, grads_out[0]))
        second = _as_tuple(ctx.student.call(f"{fn}.backward", c2, grads_out[1]))
        for which, got, want in (("first", first, alone[0]), ("second", second, alone[1])):
            if len(got) != len(want):
                return Outcome(False, f"{label}: the {which} backward returned {describe(got)} when interleaved, "
                                      f"{describe(want)} when called alone", {"function": label})
            for i, (g, w) in enumerate(zip(got, want)):
                if w is None and g is None:
                    continue
                mismatch = compare(w, g, f"{label}.backward gradient {i} of the {which} call") \
                    if w is not None else None
                if mismatch or (w is None) != (g is None):
                    details = {"function": label, "call": which, "gradient": i,
                               "mismatch": mismatch.details if mismatch else {}}
                    known = diagnose(tuple(got), [Known("shared_state", tuple(alone[1 if which == "first" else 0]),
                                                       "")])
                    hint = ("state is kept outside the Context (a global or class attribute): each forward must "
                            "save what backward needs with ctx.save_for_backward and read it from "
                            "ctx.saved_tensors")
                    if known:
                        details["diagnosis"] = "shared_state"
                        hint = ("the " + which + " backward returned the gradients of the other call: " + hint)
                    message = (mismatch.message if mismatch else f"gradient {i} is None in one case only") + \
                        " (two forwards, then their backwards)"
                    return Outcome(False, f"{label}: " + message, details, [hint])
        checked.append(label)
    return Outcome(True, f"{' and '.join(checked)}: two interleaved calls give the same gradients as "
                         "separate calls", {"functions": checked})
