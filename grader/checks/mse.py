"""Checks of the student's ``MSE`` Function: forward, backward (direct calls), gradcheck."""

from __future__ import annotations

from typing import Any

import torch

from grader.checks import expected as ref
from grader.checks.base import CheckContext, Outcome, check
from grader.checks.diagnose import Known, diagnose
from grader.checks.gradcheck import run_gradcheck
from grader.compare import close, compare, describe, shape_str
from grader.sandbox.errors import StudentError

FORWARD_CASES = ((5, 1), (4, 3), (1, 3))  # (q, p): p = 1, p > 1, and a batch of one
GRAD_OUTPUT = 0.37  # not 1, so that a backward ignoring grad_output shows
MEAN_NOTE = ("uses the element mean 1/(q·p) ‖Ŷ−Y‖² (what .mean() gives); the lab defines "
             "1/q ‖Ŷ−Y‖² (q = batch size): the two agree only when p = 1")


def _inputs(ctx: CheckContext, q: int, p: int, salt: str = "") -> tuple[torch.Tensor, torch.Tensor]:
    yhat = ctx.randn(q, p, salt="yhat" + salt).requires_grad_()
    y = ctx.randn(q, p, salt="y" + salt).requires_grad_()
    return yhat, y


def _forward(ctx: CheckContext, yhat: torch.Tensor, y: torch.Tensor) -> Any:
    return ctx.student.call("tp1.MSE.forward", ctx.student.new("tp1.Context"), yhat, y)


def _forward_backward(ctx: CheckContext, yhat, y, grad_output) -> tuple[Any, Any]:
    c = ctx.student.new("tp1.Context")
    out = ctx.student.call("tp1.MSE.forward", c, yhat, y)
    return out, ctx.student.call("tp1.MSE.backward", c, grad_output)


def _forward_catalogue(yhat: torch.Tensor, y: torch.Tensor) -> list[Known]:
    q = yhat.shape[0]
    d = (yhat - y).detach()
    return [
        Known("sum", (d ** 2).sum(), "no normalisation: divide the sum of squares by q (the batch size)"),
        Known("not_squared", d.abs().sum() / q, "the differences are not squared"),
        Known("signed", d.sum() / q, "the differences are not squared (and signs cancel)"),
        Known("norm", d.norm() / q, "‖Ŷ−Y‖ is squared in the lab's MSE: use ((yhat - y) ** 2).sum() / q"),
        Known("unreduced", d ** 2, "returns the matrix of squared errors: the MSE is a scalar, "
                                   "((yhat - y) ** 2).sum() / q"),
        Known("unreduced_over_q", d ** 2 / q, "returns a matrix (squared errors divided by q): the MSE is a "
                                              "scalar, sum over all elements: ((yhat - y) ** 2).sum() / q"),
        Known("per_column", (d ** 2).sum(0) / q, "returns one value per output column: sum over all "
                                                  "elements, not only over the batch"),
        Known("per_row", (d ** 2).sum(1) / q, "returns one value per example: sum over all elements"),
        Known("normalised_by_p", (d ** 2).sum() / yhat.shape[1], "divides by p (number of outputs) "
                                                                  "instead of q (batch size)"),
    ]


def _backward_convention(ctx: CheckContext, yhat, y) -> str | None:
    """Which MSE the backward is the gradient of ("lab", "mean"), or None."""
    g = torch.tensor(GRAD_OUTPUT, dtype=torch.float64)
    try:
        _, grads = _forward_backward(ctx, yhat, y, g)
    except StudentError:
        return None
    if not isinstance(grads, (tuple, list)) or not grads:
        return None
    for convention in ("lab", "mean"):
        if close(ref.mse_grads(yhat.detach(), y.detach(), g, convention)[0], grads[0]):
            return convention
    return None


@check("mse.forward", "MSE forward", needs=("tp1.MSE", "tp1.Context"))
def mse_forward(ctx: CheckContext) -> Outcome:
    shapes = [shape_str(s) for s in FORWARD_CASES]
    details: dict[str, Any] = {"shapes": [list(s) for s in FORWARD_CASES], "expected": "1/q ‖Ŷ−Y‖²"}
    uses_mean = False
    for q, p in FORWARD_CASES:
        yhat, y = _inputs(ctx, q, p)
        got = _forward(ctx, yhat, y)
        lab, mean = ref.mse_lab(yhat, y).detach(), ref.mse_mean(yhat, y).detach()
        if close(lab, got):
            continue
        if p > 1 and close(mean, got):
            uses_mean = True
            continue
        mismatch = compare(lab, got, f"MSE.forward on shape ({q}, {p})")
        details.update(where=[q, p], mismatch=mismatch.details if mismatch else {})
        known = diagnose(got, _forward_catalogue(yhat, y))
        hints = [known.hint] if known else []
        if known:
            details["diagnosis"] = known.name
        return Outcome(False, mismatch.message if mismatch else "MSE.forward is wrong", details, hints)
    if not uses_mean:
        return Outcome(True, f"1/q ‖Ŷ−Y‖² right on shapes {', '.join(shapes)}", details)
    details["convention"] = "mean"
    if ctx.config.strict_mse:
        return Outcome(False, f"MSE.forward {MEAN_NOTE} (rejected: strict MSE setting)", details,
                       ["divide by q = yhat.shape[0], not by yhat.numel()"])
    q, p = FORWARD_CASES[1]
    backward = _backward_convention(ctx, *_inputs(ctx, q, p, salt="agree"))
    details["backward_convention"] = backward
    if backward != "mean":
        said = {"lab": "is the gradient of the lab's 1/q ‖Ŷ−Y‖²", None: "is not the gradient of either"}[backward]
        return Outcome(False, f"forward and backward disagree: forward {MEAN_NOTE}, but backward {said}",
                       details, ["use the same normalisation in forward and backward (the lab's is 1/q)"])
    return Outcome(True, f"accepted: MSE.forward {MEAN_NOTE}; its backward agrees", details)


def _backward_catalogue(yhat, y, g, convention: str) -> list[Known]:
    other = "mean" if convention == "lab" else "lab"
    gy, gyy = ref.mse_grads(yhat, y, g, convention)
    one = torch.tensor(1.0, dtype=torch.float64)
    no_g, _ = ref.mse_grads(yhat, y, one, convention)
    alt, _ = ref.mse_grads(yhat, y, g, other)
    d = (yhat - y)
    return [
        Known("ignores_grad_output", (no_g, -no_g), f"your backward ignores grad_output: multiply both "
              f"gradients by grad_output (it was {GRAD_OUTPUT}, so every gradient is {1 / GRAD_OUTPUT:.3g}× "
              "too large)"),
        Known("ignores_grad_output_y_none", (no_g, None), "your backward ignores grad_output and returns "
              "None for y: multiply by grad_output and return -grad_yhat for y"),
        Known("other_normalisation", (alt, -alt), f"backward is the gradient of the "
              f"{'element mean 1/(q·p)' if other == 'mean' else 'lab MSE 1/q'}, but forward computes "
              f"the {'lab MSE 1/q' if convention == 'lab' else 'element mean 1/(q·p)'}: forward and backward "
              "disagree"),
        Known("missing_factor_2", (gy / 2, gyy / 2), "missing factor 2: d/dŶ ‖Ŷ−Y‖² = 2 (Ŷ−Y)"),
        Known("no_normalisation", (g * 2 * d, -g * 2 * d), "the gradient is not divided by q"),
        Known("y_none", (gy, None), "returns None for y's gradient: the lab's gradcheck needs it, "
              "grad_y = -grad_yhat"),
        Known("swapped", (gyy, gy), "the two gradients are swapped: return (grad_yhat, grad_y)"),
        Known("y_wrong_sign", (gy, gy), "y's gradient has the wrong sign: grad_y = -grad_yhat"),
    ]


@check("mse.backward", "MSE backward (direct call)", needs=("tp1.MSE", "tp1.Context"))
def mse_backward(ctx: CheckContext) -> Outcome:
    yhat, y = _inputs(ctx, 4, 3)
    g = torch.tensor(GRAD_OUTPUT, dtype=torch.float64)
    out, grads = _forward_backward(ctx, yhat, y, g)
    convention = "lab"
    if not ctx.config.strict_mse and close(ref.mse_mean(yhat, y).detach(), out):
        convention = "mean"
    want = ref.mse_grads(yhat.detach(), y.detach(), g, convention)
    details: dict[str, Any] = {"shape": [4, 3], "grad_output": GRAD_OUTPUT, "convention": convention}
    if not isinstance(grads, (tuple, list)) or len(grads) != 2:
        return Outcome(False, f"MSE.backward must return 2 gradients (grad_yhat, grad_y), got {describe(grads)}",
                       details, ["return one gradient per input of forward, in the same order"])
    for name, e, got in zip(("grad_yhat", "grad_y"), want, grads):
        mismatch = compare(e, got, name)
        if mismatch:
            details["mismatch"] = mismatch.details
            details["where"] = name
            known = diagnose(tuple(grads), _backward_catalogue(yhat.detach(), y.detach(), g, convention))
            if known:
                details["diagnosis"] = known.name
            return Outcome(False, mismatch.message, details, [known.hint] if known else [])
    return Outcome(True, f"both gradients right, shape (4, 3), grad_output = {GRAD_OUTPUT}", details)


@check("mse.gradcheck", "MSE gradcheck (float64)", needs=("tp1.MSE",))
def mse_gradcheck(ctx: CheckContext) -> Outcome:
    yhat, y = _inputs(ctx, 3, 2)
    return run_gradcheck(ctx.student, "tp1.MSE.apply", (yhat, y))
