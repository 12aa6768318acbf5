"""``descent.manual``: the student's gradient-descent loop without autograd (``tp1_descente.descente``).

The grader makes the data (the lab's shapes: x (50, 13), y (50, 3), a linear
signal plus noise), calls ``descente(x, y, epsilon, n_iter)``, and evaluates
the parameters it returns with its own MSE against the least-squares optimum
of the same data. The losses the loop reports must decrease, but they are the
student's claim: the verdict is the grader's own evaluation.
"""

from __future__ import annotations

from typing import Any

import torch

from grader.checks import expected as ref
from grader.checks.base import CheckContext, Outcome, check
from grader.compare import describe, shape_str

Q, N, P = 50, 13, 3


def make_data(ctx: CheckContext) -> tuple[torch.Tensor, torch.Tensor]:
    g = ctx.generator("data")
    x = torch.randn(Q, N, generator=g)
    w = torch.randn(N, P, generator=g)
    b = torch.randn(P, generator=g)
    y = x @ w + b + 0.5 * torch.randn(Q, P, generator=g)
    return x, y


def least_squares_mse(x: torch.Tensor, y: torch.Tensor) -> float:
    x1 = torch.cat([x.to(torch.float64), torch.ones(x.shape[0], 1, dtype=torch.float64)], dim=1)
    sol = torch.linalg.lstsq(x1, y.to(torch.float64)).solution
    return float(ref.mse_lab(x1 @ sol, y.to(torch.float64)))


def losses_of(value: Any) -> list[float] | None:
    """The reported losses as floats, or None when they are not a sequence of numbers."""
    if isinstance(value, torch.Tensor):
        return [float(v) for v in value.reshape(-1)] if value.numel() < 1_000_000 else None
    if isinstance(value, (list, tuple)):
        out = []
        for v in value:
            if isinstance(v, torch.Tensor) and v.numel() == 1:
                out.append(float(v.reshape(-1)[0]))
            elif isinstance(v, (int, float)) and not isinstance(v, bool):
                out.append(float(v))
            else:
                return None
        return out
    return None


def parameters_of(value: Any, n: int, p: int) -> tuple[torch.Tensor, torch.Tensor] | str:
    """(w, b) reshaped to (n, p) and (p,), or a message saying what is wrong."""
    if not isinstance(value, (tuple, list)) or len(value) < 2:
        return f"expected (w, b, losses), got {describe(value)}"
    w, b = value[0], value[1]
    if not isinstance(w, torch.Tensor) or w.numel() != n * p or (w.dim() == 2 and tuple(w.shape) != (n, p)):
        return f"w: expected a tensor of shape ({n}, {p}), got {describe(w)}"
    if isinstance(b, torch.Tensor) and b.dim() == 2 and b.shape[0] > 1 and b.shape[1] == p:
        return (f"b: expected a tensor of shape ({p},), got shape {shape_str(b.shape)}, the shape of the batch: "
                "the bias gradient from Linear.backward is not summed over the batch, so b grows into a matrix")
    if not isinstance(b, torch.Tensor) or b.numel() != p:
        return f"b: expected a tensor of shape ({p},) or (1, {p}), got {describe(b)}"
    return w.reshape(n, p), b.reshape(p)


@check("descent.manual", "Manual gradient descent (tp1_descente.descente)",
       needs=("tp1_descente.descente",), timeout="training")
def descent_manual(ctx: CheckContext) -> Outcome:
    cfg = ctx.config
    x, y = make_data(ctx)
    result = ctx.student.call("tp1_descente.descente", x, y, cfg.descent_epsilon, cfg.descent_n_iter,
                              seed=ctx.student_seed)
    optimum = least_squares_mse(x, y)
    threshold = optimum * (1 + cfg.descent_rel_margin)
    details: dict[str, Any] = {"data": {"x": [Q, N], "y": [Q, P]}, "epsilon": cfg.descent_epsilon,
                               "n_iter": cfg.descent_n_iter, "optimum_mse": optimum, "threshold": threshold}
    params = parameters_of(result, N, P)
    if isinstance(params, str):
        hint = ("sum grad_b over the batch in Linear.backward: grad_output.sum(0)" if "summed" in params
                else "descente(x, y, epsilon, n_iter) must return (w, b, losses)")
        return Outcome(False, f"descente returned the wrong parameters: {params}", details, [hint])
    w, b = params
    reported = losses_of(result[2]) if len(result) > 2 else None
    if reported is not None:
        details["losses"] = reported[:: max(1, len(reported) // 100)]
    mse = ref.mse_of_params(x, y, w, b)
    details["mse"] = mse
    if not mse == mse or mse == float("inf"):
        return Outcome(False, f"the parameters returned are not finite (MSE {mse}): the descent diverged",
                       details, ["check the sign of the update: w -= epsilon * grad_w"])
    if mse > threshold:
        start = ref.mse_of_params(x, y, torch.zeros(N, P), torch.zeros(P))
        hint = "the loss is not lower than with w = 0, b = 0: is the update applied, with the right sign?" \
            if mse >= start else "the loop does not converge: check the gradients and the update w -= epsilon * grad"
        return Outcome(False, f"MSE of the returned parameters {mse:.4g} > threshold {threshold:.4g} "
                              f"(least-squares optimum {optimum:.4g} + {cfg.descent_rel_margin:.0%})", details, [hint])
    if reported is None or len(reported) < 2:
        return Outcome(False, f"the losses must be a list of the loss at each iteration, got "
                              f"{describe(result[2]) if len(result) > 2 else 'nothing'}", details)
    if not reported[-1] < reported[0]:
        return Outcome(False, f"the reported loss does not decrease ({reported[0]:.4g} → {reported[-1]:.4g}) "
                              "although the parameters are good: losses are recorded wrongly", details)
    return Outcome(True, f"MSE {mse:.4g} ≤ {threshold:.4g} (optimum {optimum:.4g}) after {cfg.descent_n_iter} "
                         "iterations", details)
