"""The grader's own formulas: what a correct TP1 returns. Trusted code only.

Computed in float64 from the same inputs the student's code receives. The
reference solution in ``reference/`` is a submission like any other; verdicts
never depend on importing it.
"""

from __future__ import annotations

import torch


def mse_lab(yhat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """The lab's definition: 1/q ||yhat - y||^2, q the batch size (first dimension)."""
    return ((yhat - y) ** 2).sum() / yhat.shape[0]


def mse_mean(yhat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """The element mean 1/(q*p) ||yhat - y||^2, what ``.mean()`` gives."""
    return ((yhat - y) ** 2).mean()


def mse_grads(yhat: torch.Tensor, y: torch.Tensor, grad_output: torch.Tensor,
              convention: str = "lab") -> tuple[torch.Tensor, torch.Tensor]:
    """(d/dyhat, d/dy) of the MSE times ``grad_output``."""
    norm = yhat.shape[0] if convention == "lab" else yhat.numel()
    grad_yhat = grad_output * 2 * (yhat - y) / norm
    return grad_yhat, -grad_yhat


def linear(x: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return x @ w + b


def linear_grads(x: torch.Tensor, w: torch.Tensor, b: torch.Tensor,
                 grad_output: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(grad_x, grad_w, grad_b), each of its input's shape."""
    return grad_output @ w.T, x.T @ grad_output, grad_output.sum(0).reshape(b.shape)


def mse_of_params(x: torch.Tensor, y: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> float:
    """The lab's MSE of a linear model, in float64, as the grader evaluates returned parameters."""
    x64, y64 = x.to(torch.float64), y.to(torch.float64)
    pred = x64 @ w.to(torch.float64).reshape(x.shape[1], y.shape[1]) + b.to(torch.float64).reshape(-1)
    return float(mse_lab(pred, y64))
