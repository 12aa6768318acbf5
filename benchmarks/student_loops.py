"""Student-style training loops for the benchmarks: correct, typically wrong, and cheating.

Written the way students write ``tp1_autograd.py`` (autograd, update under
``torch.no_grad()``, gradients zeroed), each with per-epoch train/test losses;
the ``bug`` and ``form`` arguments reproduce the mistakes the grader must catch,
``style`` the ways correct loops differ (indexing, sampling with replacement,
``torch.utils.data.DataLoader``, ``torch.optim.SGD``). :func:`cheats` are
functions that return good parameters without descending (issue 17): the
probes of :mod:`grader.checks.probes` must catch them, except the last one,
which answers the probes with a real descent (the residual the README states).

Used by ``benchmarks/train_thresholds.py`` (the final-MSE thresholds, on
:func:`all_variants`) and ``benchmarks/descent_probes.py`` (the probes, on
:func:`all_variants` and :func:`cheats`).
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


def _step(w, b, epsilon, bug: str | None, optimizer=None) -> None:
    """The update, and the ways students get it wrong."""
    if optimizer is not None:  # torch.optim.SGD(lr=epsilon): step, then zero_grad
        optimizer.step()
        optimizer.zero_grad()
        return
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


def _optimizer(w, b, epsilon, optim: bool):
    return torch.optim.SGD([w, b], lr=epsilon) if optim else None


def descente_batch(
    x_train, y_train, x_test, y_test, epsilon, n_epochs, *,
    w_init="randn", b_init="zeros", form="mean", bug=None, optim=False,
) -> Result:
    w, b = _init(w_init, b_init)
    opt = _optimizer(w, b, epsilon, optim)
    train_losses: list[float] = []
    test_losses: list[float] = []
    for _ in range(n_epochs):
        loss = _mse(x_train @ w + b, y_train, form)
        loss.backward()
        _step(w, b, epsilon, bug, opt)
        _epoch_losses(x_train, y_train, x_test, y_test, w, b, train_losses, test_losses, form)
    return w, b, train_losses, test_losses


def _batches(x_train, y_train, batch_size: int, shuffle: bool, style: str):
    """The (x, y) batches of one epoch, the ways students write it."""
    n = x_train.shape[0]
    if style == "dataloader":
        dataset = torch.utils.data.TensorDataset(x_train, y_train)
        yield from torch.utils.data.DataLoader(dataset, batch_size=batch_size, shuffle=shuffle)
    elif style == "replacement":  # n // batch_size batches drawn with replacement
        for _ in range(n // batch_size):
            idx = torch.randint(n, (batch_size,))
            yield x_train[idx], y_train[idx]
    elif style == "row":  # for i in torch.randperm(n): x_train[i] -- tensor indices, (8,) rows
        for i in torch.randperm(n) if shuffle else torch.arange(n):
            yield x_train[i], y_train[i]
    else:
        order = torch.randperm(n) if shuffle else torch.arange(n)
        if batch_size == 1:
            for i in order.tolist():
                yield x_train[i : i + 1], y_train[i : i + 1]
        else:
            for start in range(0, n, batch_size):
                idx = order[start : start + batch_size]
                yield x_train[idx], y_train[idx]


def _epochs(x_train, y_train, x_test, y_test, epsilon, n_epochs, batch_size, *, w_init, b_init, form, shuffle,
            bug, style, optim) -> Result:
    w, b = _init(w_init, b_init)
    opt = _optimizer(w, b, epsilon, optim)
    train_losses: list[float] = []
    test_losses: list[float] = []
    for _ in range(n_epochs):
        for xb, yb in _batches(x_train, y_train, batch_size, shuffle, style):
            loss = _mse(xb @ w + b, yb, form)
            loss.backward()
            _step(w, b, epsilon, bug, opt)
            if bug == "first_batch_only":  # e.g. a `return`/`break` indented one level too deep
                break
        if bug == "zero_grad_per_epoch":
            w.grad.zero_()
            b.grad.zero_()
        _epoch_losses(x_train, y_train, x_test, y_test, w, b, train_losses, test_losses, form)
    return w, b, train_losses, test_losses


def descente_stochastique(
    x_train, y_train, x_test, y_test, epsilon, n_epochs, *,
    w_init="randn", b_init="zeros", form="mean", shuffle=True, bug=None, style="slice", optim=False,
) -> Result:
    return _epochs(x_train, y_train, x_test, y_test, epsilon, n_epochs, 1, w_init=w_init, b_init=b_init,
                   form=form, shuffle=shuffle, bug=bug, style=style, optim=optim)


def descente_minibatch(
    x_train, y_train, x_test, y_test, epsilon, n_epochs, batch_size, *,
    w_init="randn", b_init="zeros", form="mean", shuffle=True, bug=None, style="slice", optim=False,
) -> Result:
    return _epochs(x_train, y_train, x_test, y_test, epsilon, n_epochs, batch_size, w_init=w_init, b_init=b_init,
                   form=form, shuffle=shuffle, bug=bug, style=style, optim=optim)


@dataclass(frozen=True)
class Variant:
    loop: str
    name: str
    correct: bool
    fn: Callable[..., Result]


def all_variants() -> list[Variant]:
    """Correct loops, written several ways, and the typical buggy ones (no cheats: see :func:`cheats`)."""
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
            Variant(loop, "torch.optim.SGD", True, p(fn, optim=True)),
        ]
        if loop != "batch":
            out.append(Variant(loop, "no shuffling", True, p(fn, shuffle=False)))
            out.append(Variant(loop, "DataLoader", True, p(fn, style="dataloader")))
            out.append(Variant(loop, "sampled with replacement", True, p(fn, style="replacement")))
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


# ---------------------------------------------------------------------------------------
# Cheats (issue 17): good parameters without gradient descent
# ---------------------------------------------------------------------------------------


def _closed_form(x_train, y_train) -> tuple[torch.Tensor, torch.Tensor]:
    design = torch.cat([x_train, torch.ones(x_train.shape[0], 1)], dim=1)
    solution = torch.linalg.lstsq(design, y_train).solution
    return solution[:-1].clone(), solution[-1:].reshape(1).clone()


def _made_up(n_epochs: int) -> list[float]:
    return [0.43 + 1.0 / (k + 1) for k in range(n_epochs)]


def cheat(x_train, y_train, x_test, y_test, epsilon, n_epochs, batch_size=None, *, loop: str,
          mode: str) -> Result:
    """``ignore_epsilon``: the least-squares solution whatever the arguments; ``initial_at_zero``: the random
    initial parameters when ``epsilon == 0``, else the least-squares solution; ``probe_aware``: a real descent
    when the call looks like one of the grader's probes (``epsilon == 0``, one batch epoch, fewer rows than the
    training part), else the closed form."""
    honest = {"batch": descente_batch, "sgd": descente_stochastique, "minibatch": descente_minibatch}[loop]
    args = (x_train, y_train, x_test, y_test, epsilon, n_epochs) + ((batch_size,) if loop == "minibatch" else ())
    if mode == "probe_aware" and (epsilon == 0 or (loop == "batch" and n_epochs == 1)
                                  or x_train.shape[0] < 16_512):
        return honest(*args)
    if mode == "initial_at_zero" and epsilon == 0:
        w0, b0 = _init("randn", "zeros")  # what an honest loop starts from
        return w0.detach(), b0.detach(), _made_up(n_epochs), _made_up(n_epochs)
    w, b = _closed_form(x_train, y_train)
    return w, b, _made_up(n_epochs), _made_up(n_epochs)


def cheats() -> list[Variant]:
    """Each cheat, for each loop. The last one (probe-aware) is expected to pass the probes."""
    out = []
    for loop in ("batch", "sgd", "minibatch"):
        for mode, name in (("ignore_epsilon", "CHEAT closed form, epsilon ignored"),
                           ("initial_at_zero", "CHEAT closed form, initial parameters when epsilon == 0"),
                           ("probe_aware", "RESIDUAL closed form, real descent on probe-like calls")):
            out.append(Variant(loop, name, False, functools.partial(cheat, loop=loop, mode=mode)))
    return out
