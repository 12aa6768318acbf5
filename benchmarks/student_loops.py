"""Student-style training loops for benchmarks/train_thresholds.py: correct and typically wrong.

Written the way students write ``tp1_autograd.py`` (autograd, update under
``torch.no_grad()``, gradients zeroed), each with per-epoch train/test losses;
the ``bug`` and ``form`` arguments reproduce the mistakes the grader must catch.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import torch

Result = tuple[torch.Tensor, torch.Tensor, list[float], list[float]]


def _init(w_init: str, b_init: str) -> tuple[torch.Tensor, torch.Tensor]:
    w = torch.randn(8, 1) if w_init == "randn" else torch.zeros(8, 1)
    b = torch.randn(1) if b_init == "randn" else torch.zeros(1)
    return w.requires_grad_(), b.requires_grad_()


def _mse(yhat: torch.Tensor, y: torch.Tensor, form: str) -> torch.Tensor:
    if form == "lab":  # the lab's 1/q ||Ŷ - Y||²
        return torch.sum((yhat - y) ** 2) / y.shape[0]
    if form == "sum":  # forgot the 1/q: the step is q times too large
        return torch.sum((yhat - y) ** 2)
    return ((yhat - y) ** 2).mean()


def _epoch_losses(x_train, y_train, x_test, y_test, w, b, train_losses, test_losses, form) -> None:
    with torch.no_grad():
        train_losses.append(_mse(x_train @ w + b, y_train, form).item())
        test_losses.append(_mse(x_test @ w + b, y_test, form).item())


def _step(w, b, epsilon, bug: str | None) -> None:
    """The update, and the ways students get it wrong."""
    with torch.no_grad():
        if bug == "wrong_sign":
            w += epsilon * w.grad
            b += epsilon * b.grad
        elif bug == "update_copy":  # e.g. w2 = w.clone(); w2 -= ...; the parameters never move
            w2, b2 = w.clone(), b.clone()
            w2 -= epsilon * w.grad
            b2 -= epsilon * b.grad
        elif bug == "bias_frozen":  # only w is updated
            w -= epsilon * w.grad
        else:
            w -= epsilon * w.grad
            b -= epsilon * b.grad
    if bug not in ("no_zero_grad", "zero_grad_per_epoch"):
        w.grad.zero_()
        b.grad.zero_()


def descente_batch(
    x_train, y_train, x_test, y_test, epsilon, n_epochs, *,
    w_init="randn", b_init="zeros", form="mean", bug=None,
) -> Result:
    w, b = _init(w_init, b_init)
    train_losses: list[float] = []
    test_losses: list[float] = []
    for _ in range(n_epochs):
        loss = _mse(x_train @ w + b, y_train, form)
        loss.backward()
        _step(w, b, epsilon, bug)
        _epoch_losses(x_train, y_train, x_test, y_test, w, b, train_losses, test_losses, form)
    return w, b, train_losses, test_losses


def descente_stochastique(
    x_train, y_train, x_test, y_test, epsilon, n_epochs, *,
    w_init="randn", b_init="zeros", form="mean", shuffle=True, bug=None, style="slice",
) -> Result:
    w, b = _init(w_init, b_init)
    train_losses: list[float] = []
    test_losses: list[float] = []
    n = x_train.shape[0]
    for _ in range(n_epochs):
        order = torch.randperm(n) if shuffle else torch.arange(n)
        if style == "row":  # for i in torch.randperm(n): x_train[i] -- tensor indices, (8,) rows
            for i in order:
                loss = _mse(x_train[i] @ w + b, y_train[i], form)
                loss.backward()
                _step(w, b, epsilon, bug)
        else:
            for i in order.tolist():
                loss = _mse(x_train[i : i + 1] @ w + b, y_train[i : i + 1], form)
                loss.backward()
                _step(w, b, epsilon, bug)
        if bug == "zero_grad_per_epoch":
            w.grad.zero_()
            b.grad.zero_()
        _epoch_losses(x_train, y_train, x_test, y_test, w, b, train_losses, test_losses, form)
    return w, b, train_losses, test_losses


def descente_minibatch(
    x_train, y_train, x_test, y_test, epsilon, n_epochs, batch_size, *,
    w_init="randn", b_init="zeros", form="mean", shuffle=True, bug=None,
) -> Result:
    w, b = _init(w_init, b_init)
    train_losses: list[float] = []
    test_losses: list[float] = []
    n = x_train.shape[0]
    for _ in range(n_epochs):
        order = torch.randperm(n) if shuffle else torch.arange(n)
        for start in range(0, n, batch_size):
            idx = order[start : start + batch_size]
            loss = _mse(x_train[idx] @ w + b, y_train[idx], form)
            loss.backward()
            _step(w, b, epsilon, bug)
            if bug == "first_batch_only":  # e.g. a `return`/`break` indented one level too deep
                break
        if bug == "zero_grad_per_epoch":
            w.grad.zero_()
            b.grad.zero_()
        _epoch_losses(x_train, y_train, x_test, y_test, w, b, train_losses, test_losses, form)
    return w, b, train_losses, test_losses


@dataclass(frozen=True)
class Variant:
    loop: str
    name: str
    correct: bool
    fn: Callable[..., Result]


def all_variants() -> list[Variant]:
    out: list[Variant] = []
    p = functools.partial
    for loop, fn in (
        ("batch", descente_batch),
        ("sgd", descente_stochastique),
        ("minibatch", descente_minibatch),
    ):
        out += [
            Variant(loop, "w randn, b 0", True, p(fn)),
            Variant(loop, "w randn, b randn, 1/q sum", True, p(fn, b_init="randn", form="lab")),
            Variant(loop, "w 0, b 0", True, p(fn, w_init="zeros")),
        ]
        if loop != "batch":
            out.append(Variant(loop, "no shuffling", True, p(fn, shuffle=False)))
        if loop == "sgd":
            out.append(Variant(loop, "tensor index, rows x_train[i]", True, p(fn, style="row")))
        out += [
            Variant(loop, "BUG grads never zeroed", False, p(fn, bug="no_zero_grad")),
            Variant(loop, "BUG wrong sign", False, p(fn, bug="wrong_sign")),
            Variant(loop, "BUG update on a copy", False, p(fn, bug="update_copy")),
            Variant(loop, "BUG bias never updated", False, p(fn, bug="bias_frozen")),
        ]
        if loop != "sgd":  # with q = 1 the sum is the mean: not a bug for SGD
            out.append(Variant(loop, "BUG loss summed, not divided by q", False, p(fn, form="sum")))
        if loop != "batch":
            out.append(Variant(loop, "BUG grads zeroed once per epoch", False, p(fn, bug="zero_grad_per_epoch")))
        if loop == "minibatch":
            out.append(Variant(loop, "BUG first batch only", False, p(fn, bug="first_batch_only")))
            out.append(
                Variant(loop, "BUG first batch only, no shuffle", False, p(fn, bug="first_batch_only", shuffle=False))
            )
    return out
