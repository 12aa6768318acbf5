"""Checks of the student's ``Linear`` Function: forward, backward (direct calls), gradcheck.

Shapes are distinct (q, n, p) = (5, 3, 4) so that a transpose or a swapped
argument cannot match by accident, and ``b`` has shape (p,) as in the lab.
"""

from __future__ import annotations

from itertools import permutations
from typing import Any

import torch

from grader.checks import expected as ref
from grader.checks.base import CheckContext, Outcome, check
from grader.checks.diagnose import Known, diagnose, diagnosed, diagnosis
from grader.checks.gradcheck import function_error, run_gradcheck
from grader.compare import close, compare, describe
from grader.i18n import Msg
from grader.sandbox.errors import StudentError

Q, N, P = 5, 3, 4
NAMES = ("X", "W", "b")


def _inputs(ctx: CheckContext, q: int = Q, n: int = N, p: int = P, salt: str = ""):
    x = ctx.randn(q, n, salt="x" + salt).requires_grad_()
    w = ctx.randn(n, p, salt="w" + salt).requires_grad_()
    b = ctx.randn(p, salt="b" + salt).requires_grad_()
    return x, w, b


def _forward(ctx: CheckContext, *args: torch.Tensor) -> Any:
    return ctx.student.call("tp1.Linear.forward", ctx.student.new("tp1.Context"), *args)


def _other_order(ctx: CheckContext, x, w, b) -> tuple[str, ...] | None:
    """The argument order, other than (X, W, b), under which forward gives X @ W + b."""
    want = ref.linear(x, w, b).detach()
    for order in permutations(range(3)):
        if order == (0, 1, 2):
            continue
        args = [(x, w, b)[i] for i in order]
        try:
            if close(want, _forward(ctx, *args)):
                return tuple(NAMES[i] for i in order)
        except StudentError:
            continue
    return None


def _forward_hints(ctx: CheckContext, details: dict[str, Any], got: Any, x, w, b, error: str) -> list[Msg]:
    order = _other_order(ctx, x, w, b)
    if order:
        return diagnosis(details, "linear.argument_order", order=", ".join(order))
    if function_error("RuntimeError", error) == "linear.shape_error":
        return diagnosis(details, "linear.shape_error")
    return diagnosed(details, diagnose(got, [
        Known("linear.no_bias", (x @ w).detach()),
        Known("linear.bias_subtracted", (x @ w - b).detach()),
    ]))


@check("linear.forward", needs=("tp1.Linear", "tp1.Context"), on_error=function_error)
def linear_forward(ctx: CheckContext) -> Outcome:
    x, w, b = _inputs(ctx)
    want = ref.linear(x, w, b).detach()
    details: dict[str, Any] = {"shapes": {"X": [Q, N], "W": [N, P], "b": [P]}, "expected": "X @ W + b"}
    error = ""
    try:
        got = _forward(ctx, x, w, b)
        mismatch = compare(want, got, "Linear.forward(X, W, b)")
        failure = mismatch.message if mismatch else None
        if mismatch:
            details["mismatch"] = mismatch.details
    except StudentError as exc:
        if exc.type_name == "NotImplementedError":
            raise
        got, error = None, exc.message
        failure = Msg("linear.forward.raised", type=exc.type_name, message=exc.message)
        details["error"] = exc.describe()
    if failure is None:
        return Outcome(True, Msg("linear.forward.passed", q=Q, n=N, p=P), details)
    return Outcome(False, failure, details, _forward_hints(ctx, details, got, x, w, b, error))


def _backward_catalogue(x, w, b, g) -> list[Known]:
    gx, gw, gb = ref.linear_grads(x, w, b, g)
    ones = torch.ones_like(g)
    return [
        Known("linear.grad_b_not_summed", (gx, gw, g)),
        Known("linear.grad_b_keepdim", (gx, gw, gb.reshape(1, -1))),
        Known("linear.grad_b_ignores_grad_output", (gx, gw, ones.sum(0))),
        Known("linear.grad_b_mean", (gx, gw, g.mean(0))),
        Known("linear.grad_w_transposed", (gx, gw.T, gb)),
        Known("linear.grad_x_transposed", (gx.T, gw, gb)),
        Known("linear.grads_x_w_swapped", (gw, gx, gb)),
        Known("linear.grads_ignore_grad_output", (ones @ w.T, x.T @ ones, ones.sum(0))),
    ]


@check("linear.backward", needs=("tp1.Linear", "tp1.Context"), on_error=function_error)
def linear_backward(ctx: CheckContext) -> Outcome:
    x, w, b = _inputs(ctx)
    g = ctx.randn(Q, P, salt="grad_output")
    c = ctx.student.new("tp1.Context")
    ctx.student.call("tp1.Linear.forward", c, x, w, b)
    grads = ctx.student.call("tp1.Linear.backward", c, g)
    want = ref.linear_grads(x.detach(), w.detach(), b.detach(), g)
    details: dict[str, Any] = {"shapes": {"X": [Q, N], "W": [N, P], "b": [P], "grad_output": [Q, P]}}
    if not isinstance(grads, (tuple, list)) or len(grads) != 3:
        return Outcome(False, Msg("linear.backward.count", got=describe(grads)), details,
                       diagnosis(details, "linear.wrong_number_of_gradients"))
    for name, e, got in zip(("grad_X", "grad_W", "grad_b"), want, grads):
        mismatch = compare(e, got, name)
        if mismatch:
            details.update(mismatch=mismatch.details, where=name)
            known = diagnose(tuple(grads), _backward_catalogue(x.detach(), w.detach(), b.detach(), g))
            return Outcome(False, mismatch.message, details, diagnosed(details, known))
    return Outcome(True, Msg("linear.backward.passed", q=Q, n=N, p=P), details)


@check("linear.gradcheck", needs=("tp1.Linear",), on_error=function_error)
def linear_gradcheck(ctx: CheckContext) -> Outcome:
    inputs = _inputs(ctx, 4, 3, 2)
    return run_gradcheck(ctx.student, "tp1.Linear.apply", inputs, NAMES, [ref.linear(*inputs)], "X @ W + b")
