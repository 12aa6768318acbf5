"""Why a training loop failed, from what it returns (never from its source).

When a ``train.*`` check fails, the grader calls the student's function twice
more with the same seed (so the same initial parameters):

- with ``epsilon = 0`` for one epoch: the loop returns its initial ``(w0, b0)``;
- with a tiny ``epsilon`` for one epoch: a correct loop goes downhill from there.

Then it names the mistake: parameters returned unchanged (the update is never
applied, or applied to a copy: flat loss), an update with the wrong sign
(uphill even with a tiny step), gradients never zeroed (batch descent only: the
grader replays that mistake from ``(w0, b0)`` and finds the student's result),
or a divergence with the right sign (a step too large for the data: a loss
summed instead of averaged, or a learning rate other than ``epsilon``).
Exceptions the student's loop raises are named by :func:`training_error`.
"""

from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

TINY_EPSILON = 1e-6  # small enough that even a loss summed over 16,512 rows steps downhill


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


def diagnose_training(probe: Callable[[float], tuple[np.ndarray, np.ndarray] | None], mse_train: Callable,
                      returned: tuple[np.ndarray, np.ndarray], curve: Any, batch_replay: Callable | None
                      ) -> tuple[str, dict[str, Any]]:
    """(diagnosis id, evidence) of a failed training check.

    ``probe(epsilon)``: the parameters the student's function returns after one epoch at ``epsilon``
    (None when that call fails); ``mse_train(w, b)``: the grader's train MSE; ``batch_replay(w0, b0)``:
    the train MSE of the accumulating-gradient replay (batch descent only).
    """
    evidence: dict[str, Any] = {}
    initial = probe(0.0)
    finite = math.isfinite(mse_train(*returned))
    if initial is None:
        return ("train.diverged" if not finite else "train.not_converged"), evidence
    evidence["initial_mse"] = mse_train(*initial)
    if _same(initial, returned):
        return ("train.no_update" if _flat(curve) or not curve else "train.returned_initial_params"), evidence
    step = probe(TINY_EPSILON)
    if step is not None:
        evidence["tiny_step_mse"] = mse_train(*step)
        if evidence["tiny_step_mse"] > evidence["initial_mse"]:
            return "train.wrong_sign", evidence
    if not finite:
        return "train.diverged", evidence
    if batch_replay is not None:
        replayed = batch_replay(*initial)
        evidence["replay_without_zeroing_mse"] = replayed
        if math.isfinite(replayed) and abs(replayed - mse_train(*returned)) <= 0.02 * replayed:
            return "train.grads_accumulate", evidence
    return "train.not_converged", evidence
