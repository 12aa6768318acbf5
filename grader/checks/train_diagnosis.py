"""Why a training loop failed, from what it returns (never from its source).

The probes of :mod:`grader.checks.train_probes` have already called the
student's function with the run seed (so the same initial parameters), for
one epoch, with ``epsilon = 0`` (its initial ``(w0, b0)``) and with a small
epsilon (the step it takes from there, measured against the grader's
gradient). From those results, without calling the student again, this module
names the mistake: parameters returned unchanged (the update is never applied,
or applied to a copy: flat loss), an update with the wrong sign (the probe's
step points uphill), a bias that never moves while its gradient is not zero,
gradients never zeroed (batch descent only: the grader replays that mistake
from ``(w0, b0)`` on the full training part and finds the student's result),
or a divergence with the right sign (a step too large for the data: a loss
summed instead of averaged, or a learning rate other than ``epsilon``).
Exceptions the student's loop raises are named by :func:`training_error`.
"""

from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np


def training_error(kind: str, text: str) -> str | None:
    """Diagnosis of an exception raised by the student's training loop."""
    if "leaf Variable that requires grad is being used in an in-place operation" in text:
        return "train.update_outside_no_grad"
    if "NoneType" in text and kind in ("TypeError", "AttributeError"):
        return "train.grad_none"
    return None


def _flat(curve: Any) -> bool:
    values = [v for v in curve or [] if isinstance(v, float) and math.isfinite(v)]
    return len(values) >= 2 and max(values) - min(values) <= 1e-6 * max(1.0, abs(values[0]))


def _same(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]) -> bool:
    return all(x.shape == y.shape and np.allclose(x, y, rtol=1e-6, atol=1e-7) for x, y in zip(a, b))


def replay_without_zeroing(split, w0: np.ndarray, b0: np.ndarray, epsilon: float, n_epochs: int) -> float:
    """Train MSE after batch descent from (w0, b0) whose gradients accumulate (never zeroed), float32."""
    x = split.x_train.astype(np.float32)
    y = split.y_train.reshape(-1, 1).astype(np.float32)
    w, b = w0.reshape(-1, 1).astype(np.float32), b0.reshape(1).astype(np.float32)
    gw, gb = np.zeros_like(w), np.zeros_like(b)
    q = np.float32(x.shape[0])
    with np.errstate(all="ignore"):
        for _ in range(n_epochs):
            residual = x @ w + b - y
            gw += 2 * x.T @ residual / q
            gb += 2 * residual.sum(0) / q
            w, b = w - np.float32(epsilon) * gw, b - np.float32(epsilon) * gb
        return float(((x @ w + b - y) ** 2).mean())


def diagnose_training(initial: tuple[np.ndarray, np.ndarray] | None, step: dict[str, Any] | None,
                      mse_train: Callable, returned: tuple[np.ndarray, np.ndarray], curve: Any,
                      batch_replay: Callable | None) -> tuple[str, dict[str, Any]]:
    """(diagnosis id, evidence) of a failed training check.

    ``initial``: what the loop returned at ``epsilon = 0`` (None when that probe failed); ``step``: the
    evidence of the probe's step (:func:`grader.checks.probes.measure`; None when a probe failed);
    ``mse_train(w, b)``: the grader's train MSE; ``batch_replay(w0, b0)``: the train MSE of the
    accumulating-gradient replay (batch descent only).
    """
    evidence: dict[str, Any] = {}
    finite = math.isfinite(mse_train(*returned))
    if initial is None:
        return ("train.diverged" if not finite else "train.not_converged"), evidence
    evidence["initial_mse"] = mse_train(*initial)
    if _same(initial, returned):
        return ("train.no_update" if _flat(curve) or not curve else "train.returned_initial_params"), evidence
    if step is not None and step["cosine"] is not None:
        evidence["probe_cosine"] = step["cosine"]
        if step["cosine"] < 0:
            return "train.wrong_sign", evidence
    if not finite:
        return "train.diverged", evidence
    if step is not None and step["step_norm"] > 0 and not step["bias_moved"] and step["gradient_b_norm"] > 0:
        return "train.bias_not_updated", evidence
    if batch_replay is not None:
        replayed = batch_replay(*initial)
        evidence["replay_without_zeroing_mse"] = replayed
        if math.isfinite(replayed) and abs(replayed - mse_train(*returned)) <= 0.02 * replayed:
            return "train.grads_accumulate", evidence
    return "train.not_converged", evidence
