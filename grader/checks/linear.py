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
from grader.checks.diagnose import Known, diagnose
from grader.checks.gradcheck import run_gradcheck
from grader.compare import close, compare, describe
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


@check("linear.forward", "Linear forward", needs=("tp1.Linear", "tp1.Context"))
def linear_forward(ctx: CheckContext) -> Outcome:
    x, w, b = _inputs(ctx)
    want = ref.linear(x, w, b).detach()
    details: dict[str, Any] = {"shapes": {"X": [Q, N], "W": [N, P], "b": [P]}, "expected": "X @ W + b"}
    try:
        got = _forward(ctx, x, w, b)
        mismatch = compare(want, got, "Linear.forward(X, W, b)")
        failure = mismatch.message if mismatch else None
        if mismatch:
            details["mismatch"] = mismatch.details
    except StudentError as exc:
        got, failure = None, f"Linear.forward(ctx, X, W, b) raised {exc.type_name}: {exc.message}"
        details["error"] = exc.describe()
        if exc.type_name == "NotImplementedError":
            raise
    if failure is None:
        return Outcome(True, f"X @ W + b right with X ({Q}, {N}), W ({N}, {P}), b ({P},)", details)
    hints = []
    order = _other_order(ctx, x, w, b)
    if order:
        details["diagnosis"] = "argument_order"
        hints.append(f"your forward takes its arguments in the order ({', '.join(order)}); the lab calls "
                     "linear(X, W, b): use forward(ctx, X, W, b)")
    else:
        known = diagnose(got, [
            Known("no_bias", (x @ w).detach(), "the bias b is not added"),
            Known("bias_subtracted", (x @ w - b).detach(), "b is subtracted instead of added"),
        ])
        if known:
            details["diagnosis"] = known.name
            hints.append(known.hint)
    return Outcome(False, failure, details, hints)


def _backward_catalogue(x, w, b, g) -> list[Known]:
    gx, gw, gb = ref.linear_grads(x, w, b, g)
    ones = torch.ones_like(g)
    return [
        Known("grad_b_not_summed", (gx, gw, g), "grad_b is not summed over the batch: it has shape (q, p) "
              "instead of b's shape (p,). PyTorch's engine sums it back silently when you use .apply, "
              "but the manual loop calls backward directly: return grad_output.sum(0)"),
        Known("grad_b_keepdim", (gx, gw, gb.reshape(1, -1)), "grad_b has shape (1, p) but b has shape (p,): "
              "return a gradient of the same shape as its input (grad_output.sum(0))"),
        Known("grad_b_ignores_grad_output", (gx, gw, ones.sum(0)), "grad_b ignores grad_output: "
              "grad_b = grad_output.sum(0)"),
        Known("grad_w_transposed", (gx, gw.T, gb), "grad_W is transposed: grad_W = X.T @ grad_output, "
              "of shape (n, p) like W"),
        Known("grad_x_transposed", (gx.T, gw, gb), "grad_X is transposed: grad_X = grad_output @ W.T, "
              "of shape (q, n) like X"),
        Known("grads_x_w_swapped", (gw, gx, gb), "the gradients of X and W are swapped: return "
              "(grad_X, grad_W, grad_b)"),
        Known("argument_order_wxb", (gw, gx, gb), "gradients returned in the order (W, X, b)"),
    ]


@check("linear.backward", "Linear backward (direct call)", needs=("tp1.Linear", "tp1.Context"))
def linear_backward(ctx: CheckContext) -> Outcome:
    x, w, b = _inputs(ctx)
    g = ctx.randn(Q, P, salt="grad_output")
    c = ctx.student.new("tp1.Context")
    ctx.student.call("tp1.Linear.forward", c, x, w, b)
    grads = ctx.student.call("tp1.Linear.backward", c, g)
    want = ref.linear_grads(x.detach(), w.detach(), b.detach(), g)
    details: dict[str, Any] = {"shapes": {"X": [Q, N], "W": [N, P], "b": [P], "grad_output": [Q, P]}}
    if not isinstance(grads, (tuple, list)) or len(grads) != 3:
        return Outcome(False, f"Linear.backward must return 3 gradients (grad_X, grad_W, grad_b), "
                              f"got {describe(grads)}", details,
                       ["return one gradient per input of forward, in the order (X, W, b)"])
    for name, e, got in zip(("grad_X", "grad_W", "grad_b"), want, grads):
        mismatch = compare(e, got, name)
        if mismatch:
            details.update(mismatch=mismatch.details, where=name)
            known = diagnose(tuple(grads), _backward_catalogue(x.detach(), w.detach(), b.detach(), g))
            if known:
                details["diagnosis"] = known.name
            return Outcome(False, mismatch.message, details, [known.hint] if known else [])
    return Outcome(True, f"three gradients right, of their inputs' shapes ({Q}, {N}), ({N}, {P}), ({P},)",
                   details)


@check("linear.gradcheck", "Linear gradcheck (float64)", needs=("tp1.Linear",))
def linear_gradcheck(ctx: CheckContext) -> Outcome:
    return run_gradcheck(ctx.student, "tp1.Linear.apply", _inputs(ctx, 4, 3, 2))
