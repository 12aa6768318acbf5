"""Checks of the student's ``MSE`` Function: forward, backward (direct calls), gradcheck."""

from __future__ import annotations

from typing import Any

import torch

from grader import failures
from grader.checks import expected as ref
from grader.checks.base import CheckContext, Outcome, check
from grader.checks.diagnose import Known, diagnose, diagnosed, diagnosis
from grader.checks.gradcheck import function_error, run_gradcheck
from grader.compare import close, compare, describe, shape_str
from grader.i18n import Msg
from grader.sandbox.errors import StudentError

FORWARD_CASES = ((5, 1), (4, 3), (1, 3))  # (q, p): p = 1, p > 1, and a batch of one
GRAD_OUTPUT = 0.37  # not 1, so that a backward ignoring grad_output shows


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
        Known("mse.sum", (d ** 2).sum()),
        Known("mse.not_squared", d.abs().sum() / q),
        Known("mse.signed", d.sum() / q),
        Known("mse.norm_not_squared", d.norm() / q),
        Known("mse.unreduced", d ** 2),
        Known("mse.unreduced_over_q", d ** 2 / q),
        Known("mse.per_column", (d ** 2).sum(0) / q),
        Known("mse.per_column_mean", (d ** 2).mean(0)),
        Known("mse.per_row", (d ** 2).sum(1) / q),
        Known("mse.normalised_by_p", (d ** 2).sum() / yhat.shape[1]),
    ]


def _backward_convention(ctx: CheckContext, yhat, y) -> str | StudentError | None:
    """Which MSE the backward is the gradient of ("lab", "mean"), None, or the error it raised (it could not be
    called: not written yet, a crash)."""
    g = torch.tensor(GRAD_OUTPUT, dtype=torch.float64)
    try:
        _, grads = _forward_backward(ctx, yhat, y, g)
    except StudentError as exc:
        return exc
    if not isinstance(grads, (tuple, list)) or not grads:
        return None
    for convention in ("lab", "mean"):
        if close(ref.mse_grads(yhat.detach(), y.detach(), g, convention)[0], grads[0]):
            return convention
    return None


@check("mse.forward", needs=("tp1.MSE", "tp1.Context"), on_error=function_error)
def mse_forward(ctx: CheckContext) -> Outcome:
    shapes = ", ".join(shape_str(s) for s in FORWARD_CASES)
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
        what = Msg("what.mse_forward", shape=shape_str((q, p)))
        mismatch = compare(lab, got, what)
        details.update(where=[q, p], mismatch=mismatch.details if mismatch else {})
        hints = diagnosed(details, diagnose(got, _forward_catalogue(yhat, y)))
        return Outcome(False, mismatch.message if mismatch else Msg("mse.forward.wrong"), details, hints)
    if not uses_mean:
        return Outcome(True, Msg("mse.forward.passed", shapes=shapes), details)
    details["convention"] = "mean"
    if ctx.config.strict_mse:
        return Outcome(False, Msg("mse.forward.mean_rejected"), details, diagnosis(details, "mse.mean_strict"))
    q, p = FORWARD_CASES[1]
    backward = _backward_convention(ctx, *_inputs(ctx, q, p, salt="agree"))
    if isinstance(backward, StudentError):  # say what the forward computes, and that agreement was not checked
        details["backward_convention"] = None
        details["backward_error"] = backward.type_name
        return Outcome(False, Msg("ux.mse.mean_backward_unavailable", error=failures.error_message(backward)),
                       details, diagnosis(details, "mse.mean_backward_unavailable"))
    details["backward_convention"] = backward
    if backward != "mean":
        said = Msg("mse.backward_is_lab") if backward == "lab" else Msg("mse.backward_is_neither")
        return Outcome(False, Msg("mse.forward.disagree", backward=said), details,
                       diagnosis(details, "mse.mean_forward_only"))
    return Outcome(True, Msg("mse.forward.mean_accepted"), details)


def _backward_catalogue(yhat, y, g, convention: str) -> list[Known]:
    other = "mean" if convention == "lab" else "lab"
    gy, gyy = ref.mse_grads(yhat, y, g, convention)
    one = torch.tensor(1.0, dtype=torch.float64)
    no_g, _ = ref.mse_grads(yhat, y, one, convention)
    alt, _ = ref.mse_grads(yhat, y, g, other)
    mutated, _ = ref.mse_grads(yhat - y, y, g, convention)  # forward did yhat -= y after saving yhat
    d = (yhat - y)
    return [
        Known("mse.ignores_grad_output", (no_g, -no_g), {"g": GRAD_OUTPUT, "factor": 1 / GRAD_OUTPUT}),
        Known("mse.ignores_grad_output_y_none", (no_g, None)),
        Known("mse.mean_backward_only" if convention == "lab" else "mse.mean_forward_only", (alt, -alt)),
        Known("mse.missing_factor_2", (gy / 2, gyy / 2)),
        Known("mse.backward_not_normalised", (g * 2 * d, -g * 2 * d)),
        Known("mse.y_none", (gy, None)),
        Known("mse.swapped", (gyy, gy)),
        Known("mse.y_wrong_sign", (gy, gy)),
        Known("mse.input_mutated", (mutated, -mutated)),
    ]


@check("mse.backward", needs=("tp1.MSE", "tp1.Context"), on_error=function_error)
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
        return Outcome(False, Msg("mse.backward.count", got=describe(grads)), details,
                       diagnosis(details, "mse.wrong_number_of_gradients"))
    for name, e, got in zip(("grad_yhat", "grad_y"), want, grads):
        mismatch = compare(e, got, name)
        if mismatch:
            details["mismatch"] = mismatch.details
            details["where"] = name
            known = diagnose(tuple(grads), _backward_catalogue(yhat.detach(), y.detach(), g, convention))
            return Outcome(False, mismatch.message, details, diagnosed(details, known))
    return Outcome(True, Msg("mse.backward.passed", g=GRAD_OUTPUT), details)


@check("mse.gradcheck", needs=("tp1.MSE",), on_error=function_error)
def mse_gradcheck(ctx: CheckContext) -> Outcome:
    yhat, y = _inputs(ctx, 3, 2)
    accepted = [ref.mse_lab(yhat, y)] + ([] if ctx.config.strict_mse else [ref.mse_mean(yhat, y)])
    expected = Msg("gradcheck.expected.mse" if ctx.config.strict_mse else "gradcheck.expected.mse_or_mean")
    return run_gradcheck(ctx.student, "tp1.MSE.apply", (yhat, y), ("yhat", "y"), accepted, expected)
