"""``train.batch``, ``train.sgd``, ``train.minibatch``: the student's autograd loops on California Housing.

The grader prepares the data (fixed split, features standardized on the
training part; see ``grader.data``), hands the student's function the
hyper-parameters of :class:`grader.config.TrainingSettings`, then recomputes
the train and test MSE of the returned ``(w, b)`` itself and compares them
with ``optimum * (1 + rel_margin)``, the optimum being the closed-form
least-squares fit on the training part. The loss curves the student's loop
reports are kept as evidence for the report, never as the verdict.
"""

from __future__ import annotations

import math
import time
from typing import Any

import torch

from grader import data as housing
from grader.checks.base import CheckContext, Outcome, check
from grader.checks.descent import losses_of
from grader.compare import describe
from grader.config import TrainingSettings
from grader.sandbox.student import NpyFile

FILES = ("x_train", "y_train", "x_test", "y_test")


def _params(value: Any, n_features: int) -> tuple[torch.Tensor, torch.Tensor] | str:
    if not isinstance(value, (tuple, list)) or len(value) < 2:
        return f"expected (w, b, train_losses, test_losses), got {describe(value)}"
    w, b = value[0], value[1]
    if not isinstance(w, torch.Tensor) or w.numel() != n_features:
        return f"w: expected a tensor of shape ({n_features}, 1), got {describe(w)}"
    if not isinstance(b, torch.Tensor) or b.numel() != 1:
        return f"b: expected a tensor of shape (1,), got {describe(b)}"
    return w.reshape(n_features, 1), b.reshape(1)


def run_training(ctx: CheckContext, function: str, settings: TrainingSettings, label: str) -> Outcome:
    split, optimum = ctx.data
    args: list[Any] = [NpyFile(f"{name}.npy") for name in FILES] + [settings.epsilon, settings.n_epochs]
    if settings.batch_size is not None:
        args.append(settings.batch_size)
    start = time.perf_counter()
    result = ctx.student.call(f"tp1_autograd.{function}", *args, seed=ctx.student_seed)
    elapsed = time.perf_counter() - start
    margin = settings.rel_margin
    thresholds = {"train": optimum.train_mse * (1 + margin), "test": optimum.test_mse * (1 + margin)}
    details: dict[str, Any] = {
        "function": function, "epsilon": settings.epsilon, "n_epochs": settings.n_epochs,
        "batch_size": settings.batch_size, "time_s": round(elapsed, 3),
        "optimum": {"train": optimum.train_mse, "test": optimum.test_mse},
        "threshold": thresholds, "rel_margin": margin, "data": split.source.describe(),
    }
    n_features = split.x_train.shape[1]
    params = _params(result, n_features)
    if isinstance(params, str):
        return Outcome(False, f"{function} returned the wrong thing: {params}", details,
                       [f"{function} must return (w, b, train_losses, test_losses)"])
    w, b = params
    for i, name in ((2, "train_losses"), (3, "test_losses")):
        curve = losses_of(result[i]) if len(result) > i else None
        if curve is not None:
            details[name] = curve[:1000]
    w_np, b_np = w.detach().to(torch.float64).numpy(), b.detach().to(torch.float64).numpy()
    mse = {part: housing.mse(getattr(split, f"x_{part}"), getattr(split, f"y_{part}"), w_np, b_np)
           for part in ("train", "test")}
    details["mse"] = mse
    if not all(math.isfinite(v) for v in mse.values()):
        return Outcome(False, f"the returned parameters are not finite: the {label} diverged", details,
                       ["check the sign of the update (w -= epsilon * w.grad) and that gradients are zeroed"])
    failing = [part for part in ("train", "test") if mse[part] > thresholds[part]]
    summary = (f"train MSE {mse['train']:.4f} (≤ {thresholds['train']:.4f}), test {mse['test']:.4f} "
               f"(≤ {thresholds['test']:.4f}); optimum {optimum.train_mse:.4f} / {optimum.test_mse:.4f}; "
               f"{settings.n_epochs} epoch{'s' if settings.n_epochs != 1 else ''}")
    if failing:
        hints = [_hint(mse["train"], split, optimum)]
        return Outcome(False, f"{' and '.join(failing)} MSE above the threshold: {summary}", details, hints)
    return Outcome(True, summary, details)


def _hint(train_mse: float, split, optimum) -> str:
    baseline = float(((split.y_train - split.y_train.mean()) ** 2).mean())
    if train_mse > baseline:
        return ("worse than predicting the mean: are the parameters updated (in place, inside torch.no_grad()), "
                "with the right sign, and are the gradients zeroed after each step?")
    return ("the loop does not get close to the optimum: are the gradients zeroed after each step, and is every "
            "example / batch used in each epoch?")


@check("train.batch", "Batch gradient descent (autograd)", needs=("tp1_autograd.descente_batch",),
       timeout="training", needs_data=True)
def train_batch(ctx: CheckContext) -> Outcome:
    return run_training(ctx, "descente_batch", ctx.config.batch, "batch descent")


@check("train.sgd", "Stochastic gradient descent (autograd)", needs=("tp1_autograd.descente_stochastique",),
       timeout="training", needs_data=True)
def train_sgd(ctx: CheckContext) -> Outcome:
    return run_training(ctx, "descente_stochastique", ctx.config.sgd, "stochastic descent")


@check("train.minibatch", "Mini-batch gradient descent (autograd)", needs=("tp1_autograd.descente_minibatch",),
       timeout="training", needs_data=True)
def train_minibatch(ctx: CheckContext) -> Outcome:
    return run_training(ctx, "descente_minibatch", ctx.config.minibatch, "mini-batch descent")
