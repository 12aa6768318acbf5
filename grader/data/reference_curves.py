"""The reference run of the training checks: the lab's batch / stochastic / mini-batch descent.

Trusted grader code, run in the grader's process (never the student's), for the HTML report's
charts only: the same prepared data (:func:`grader.data.handover.load_split`: same file, split and
clipping) and the same hyper-parameters as the check (read back from the check's ``details``),
the reference solution's algorithm (``reference/tp1_autograd.py``): ``w ~ N(0, 1)`` of shape
(8, 1), ``b = 0``, the gradient of ``1/q ‖Xw + b − y‖²`` written out in numpy (float32 like the
students' tensors), one step per epoch / example / batch, examples in a fresh random order each
epoch, the train and test MSE recorded at the end of each epoch. Seeded by the run's seed, so the
curves are the same on every run; cached per process (a class run computes them once).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from grader.data import mse

TRAINING_FUNCTIONS = {"descente_batch": "batch", "descente_stochastique": "sgd", "descente_minibatch": "minibatch"}


@dataclass(frozen=True)
class Curves:
    train: tuple[float, ...]
    test: tuple[float, ...]


def descend(x_train, y_train, x_test, y_test, epsilon: float, n_epochs: int, batch_size: int | None,
            seed: int) -> Curves:
    """``batch_size``: None for batch descent (one step per epoch), 1 for SGD, else mini-batches."""
    rng = np.random.default_rng(seed)
    x_train, y_train = np.asarray(x_train, np.float32), np.asarray(y_train, np.float32).reshape(-1, 1)
    x_test, y_test = np.asarray(x_test, np.float32), np.asarray(y_test, np.float32).reshape(-1, 1)
    w = rng.standard_normal((x_train.shape[1], 1)).astype(np.float32)
    b = np.zeros(1, dtype=np.float32)
    eps = np.float32(epsilon)
    n = x_train.shape[0]
    train, test = [], []
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(n_epochs):
            if batch_size is None:
                batches = [slice(None)]
            else:
                order = rng.permutation(n)
                batches = [order[i:i + batch_size] for i in range(0, n, batch_size)]
            for rows in batches:
                xb, yb = x_train[rows], y_train[rows]
                r = xb @ w + b - yb  # (q, 1)
                scale = np.float32(2.0 / xb.shape[0])
                w -= eps * scale * (xb.T @ r)
                b -= eps * scale * r.sum(axis=0)
            train.append(mse(x_train, y_train, w, b))
            test.append(mse(x_test, y_test, w, b))
    return Curves(tuple(train), tuple(test))


@functools.lru_cache(maxsize=16)
def reference_curves(data_path: str | None, split_seed: int, test_fraction: float, epsilon: float,
                     n_epochs: int, batch_size: int | None, seed: int) -> Curves:
    """The reference run on the grader's prepared California Housing; raises DataNotFound/DataError."""
    from grader.data.handover import load_split

    split, _ = load_split(data_path, split_seed, test_fraction)
    return descend(split.x_train, split.y_train, split.x_test, split.y_test, epsilon, n_epochs, batch_size, seed)


def for_report(report, config) -> dict[str, Curves]:
    """Reference curves of every training check of ``report`` that ran (check id -> curves).

    Checks that did not reach the student's loop (skipped: no data) have none; with no data at all
    the result is empty and the HTML report says the reference run is unavailable.
    """
    from grader import data as housing

    out: dict[str, Curves] = {}
    for check in report.checks:
        details: Mapping[str, Any] = check.details
        function = details.get("function")
        if function not in TRAINING_FUNCTIONS or "epsilon" not in details or "n_epochs" not in details:
            continue
        batch_size = 1 if function == "descente_stochastique" else details.get("batch_size")
        try:
            out[check.id] = reference_curves(config.data_path, config.split_seed, config.test_fraction,
                                             float(details["epsilon"]), int(details["n_epochs"]),
                                             int(batch_size) if batch_size else None, config.seed)
        except (housing.DataNotFound, housing.DataError):
            return {}
    return out
