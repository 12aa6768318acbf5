"""``train.batch``, ``train.sgd``, ``train.minibatch``: the student's autograd loops on California Housing.

The grader prepares the data (fixed split, features standardized on the
training part; see ``grader.data``), hands the student's function the
hyper-parameters of :class:`grader.config.TrainingSettings`, then recomputes
the train and test MSE of the returned ``(w, b)`` itself and compares them
with ``optimum * (1 + rel_margin)``, the optimum being the closed-form
least-squares fit on the training part. The loss curves the student's loop
reports are kept as evidence for the report, never as the verdict.

Good parameters are not enough: a closed form gets them too. On every hand-in
the probes of :mod:`grader.checks.train_probes` call the loop again (epsilon = 0,
then a small epsilon, one epoch) and establish that it steps along the gradient
(``details["probes"]``). A check passes when the MSEs are under the thresholds
AND descent is established; good parameters whose descent cannot be established
fail with ``train.not_gradient_descent``, whose hint says what the probes saw.

The probes see one epoch on a few hundred rows, so they cannot see a loop that
stops early (a ``break`` or a slice of the rows left from debugging) or ignores
``n_epochs``; with the noisy SGD and mini-batch workloads such a loop can still
end under the thresholds (red team, issue 15). So the graded call is also
counted: the student process reports how many backward passes autograd ran
during it (``details["steps"]``), and an SGD or mini-batch loop that ran fewer
than :data:`MIN_STEPS_RATIO` of the steps one call makes (one per row, one per
batch, every epoch) fails with ``train.too_few_steps``. The count is the student
process's word: it can only fail a loop, never pass one. Not judged on it: batch
descent (its 5 % margin already asks for convergence, and a loop that stops once
converged is right), and a loop in which autograd's engine never ran (no count,
or 0: gradients computed by hand, or forward mode). A loop with fewer backward
passes than :data:`ENGINE_FLOOR` of its steps fails with a message that says it
stops early or does not take its steps with autograd, which the lab asks for
(gradients computed by hand and checked once against autograd; second red team).
A failure is diagnosed from the same probe results by
:mod:`grader.checks.train_diagnosis`.
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np
import torch

from grader import data as housing
from grader.checks.base import CheckContext, Outcome, check
from grader.checks.descent import losses_of
from grader.checks.diagnose import diagnosis
from grader.checks.train_diagnosis import diagnose_training, replay_without_zeroing, training_error
from grader.checks.train_probes import ProbeRun, run_probes
from grader.compare import describe
from grader.config import TrainingSettings
from grader.data.handover import rows_file
from grader.i18n import Msg
from grader.sandbox.student import NpyFile

FILES = ("x_train", "y_train", "x_test", "y_test")
MIN_STEPS_RATIO = 0.75  # a correct loop runs every step (rows sampled with replacement too), or more
ENGINE_FLOOR = 0.05  # fewer backward passes than this share of the steps: stopped very early, or not autograd
STEPS_JUDGED = ("sgd", "minibatch")  # batch descent may stop once converged: its margin asks for convergence


def _params(value: Any, n_features: int) -> tuple[torch.Tensor, torch.Tensor] | Msg:
    if not isinstance(value, (tuple, list)) or len(value) < 2:
        return Msg("train.not_a_tuple", got=describe(value))
    w, b = value[0], value[1]
    if not isinstance(w, torch.Tensor) or w.numel() != n_features:
        return Msg("train.bad_w", n=n_features, got=describe(w))
    if not isinstance(b, torch.Tensor) or b.numel() != 1:
        return Msg("train.bad_b", got=describe(b))
    return w.reshape(n_features, 1), b.reshape(1)


def _call(ctx: CheckContext, function: str, settings: TrainingSettings, epsilon: float,
          n_epochs: int) -> tuple[Any, int | None]:
    split, _ = ctx.data
    rows = settings.train_rows if settings.train_rows and settings.train_rows < split.n_train else None
    args: list[Any] = [NpyFile(rows_file(name, rows if name.endswith("_train") else None)) for name in FILES]
    args += [epsilon, n_epochs]
    if settings.batch_size is not None:
        args.append(settings.batch_size)
    return ctx.student.call_counted(f"tp1_autograd.{function}", *args, seed=ctx.student_seed)


def expected_steps(label: str, settings: TrainingSettings, rows: int) -> int:
    """The steps (backward passes) of one call: one per epoch (batch), per row (SGD), per batch (mini-batch)."""
    per_epoch = {"batch": 1, "sgd": rows}.get(label) or math.ceil(rows / max(1, settings.batch_size or 1))
    return per_epoch * settings.n_epochs


def _too_few_steps(summary: Msg, details: dict[str, Any], label: str, settings: TrainingSettings) -> Outcome | None:
    steps = details["steps"]
    counted, expected = steps["counted"], steps["expected"]
    if label not in STEPS_JUDGED or not counted or counted >= MIN_STEPS_RATIO * expected:
        return None  # (0 or None: autograd's engine never ran, or did not count)
    key = "train.too_few_steps" if counted >= ENGINE_FLOOR * expected else "train.too_few_backward"
    rule = Msg(f"train.steps.{label}", rows=details["train_rows"], n_epochs=settings.n_epochs,
               batch_size=settings.batch_size or 0, batches=expected // max(1, settings.n_epochs))
    return Outcome(False, Msg(key, summary=summary, function=details["function"], counted=counted,
                              expected=expected, rule=rule), details,
                   diagnosis(details, "train.too_few_steps", function=details["function"]))


def _numpy(params: tuple[torch.Tensor, torch.Tensor]) -> tuple[np.ndarray, np.ndarray]:
    return tuple(p.detach().to(torch.float64).numpy() for p in params)  # type: ignore[return-value]


def run_training(ctx: CheckContext, function: str, settings: TrainingSettings, label: str) -> Outcome:
    split, optimum = ctx.data
    start = time.perf_counter()
    result, counted = _call(ctx, function, settings, settings.epsilon, settings.n_epochs)
    elapsed = time.perf_counter() - start
    margin = settings.rel_margin
    thresholds = {"train": optimum.train_mse * (1 + margin), "test": optimum.test_mse * (1 + margin)}
    details: dict[str, Any] = {
        "function": function, "epsilon": settings.epsilon, "n_epochs": settings.n_epochs,
        "batch_size": settings.batch_size, "time_s": round(elapsed, 3),
        "train_rows": min(settings.train_rows or split.n_train, split.n_train),
        "optimum": {"train": optimum.train_mse, "test": optimum.test_mse},
        "threshold": thresholds, "rel_margin": margin, "data": split.source.describe(),
    }
    details["steps"] = {"counted": counted, "expected": expected_steps(label, settings, details["train_rows"])}
    n_features = split.x_train.shape[1]
    params = _params(result, n_features)
    if isinstance(params, Msg):
        return Outcome(False, Msg("train.wrong_return", function=function, problem=params), details,
                       diagnosis(details, "train.wrong_return", function=function))
    for i, name in ((2, "train_losses"), (3, "test_losses")):
        curve = losses_of(result[i]) if len(result) > i else None
        if curve is not None:
            details[name] = curve[:1000]
    w_np, b_np = _numpy(params)
    mse = {part: housing.mse(getattr(split, f"x_{part}"), getattr(split, f"y_{part}"), w_np, b_np)
           for part in ("train", "test")}
    details["mse"] = mse
    start = time.perf_counter()
    probe_run = run_probes(ctx, function, settings.batch_size, lambda value: _probe_params(value, n_features))
    details["probes"] = {**probe_run.details(), "time_s": round(time.perf_counter() - start, 3)}
    summary = Msg("train.summary", train=mse["train"], train_threshold=thresholds["train"], test=mse["test"],
                  test_threshold=thresholds["test"], optimum_train=optimum.train_mse,
                  optimum_test=optimum.test_mse, n=settings.n_epochs)
    if not all(math.isfinite(v) for v in mse.values()):
        message = Msg("train.not_finite", label=Msg(f"train.label.{label}"))
    else:
        failing = [part for part in ("train", "test") if mse[part] > thresholds[part]]
        if not failing:
            return _too_few_steps(summary, details, label, settings) or _judge_descent(summary, details, probe_run)
        message = Msg("train.above", parts=Msg("train.parts." + "_".join(failing)), summary=summary)
    return Outcome(False, message, details, _diagnosis(ctx, function, settings, details, (w_np, b_np), probe_run))


def _probe_params(value: Any, n_features: int) -> tuple[np.ndarray, np.ndarray] | Msg:
    params = _params(value, n_features)
    return params if isinstance(params, Msg) else _numpy(params)


def _judge_descent(summary: Msg, details: dict[str, Any], probe_run: ProbeRun) -> Outcome:
    """Good parameters: passed when the probes establish descent, else ``train.not_gradient_descent``."""
    evidence = probe_run.evidence
    if probe_run.established and evidence is not None:
        return Outcome(True, Msg("train.passed", summary=summary, ratio=evidence["ratio"],
                                 cosine=evidence["cosine"]), details)
    return Outcome(False, Msg("train.not_descent", summary=summary), details,
                   diagnosis(details, "train.not_gradient_descent", seen=probe_run.seen))


def _diagnosis(ctx: CheckContext, function: str, settings: TrainingSettings, details: dict[str, Any],
               returned: tuple[np.ndarray, np.ndarray], probe_run: ProbeRun) -> list[Msg]:
    split, _ = ctx.data

    def mse_train(w, b) -> float:
        return housing.mse(split.x_train, split.y_train, w, b)

    def replay(w0, b0):
        return replay_without_zeroing(split, w0, b0, settings.epsilon, settings.n_epochs)

    found, evidence = diagnose_training(probe_run.initial, probe_run.evidence, mse_train, returned,
                                        details.get("train_losses"),
                                        replay if function == "descente_batch" else None)
    details["diagnosis_evidence"] = evidence
    return diagnosis(details, found)


@check("train.batch", needs=("tp1_autograd.descente_batch",), timeout="training", needs_data=True,
       on_error=training_error)
def train_batch(ctx: CheckContext) -> Outcome:
    return run_training(ctx, "descente_batch", ctx.config.batch, "batch")


@check("train.sgd", needs=("tp1_autograd.descente_stochastique",), timeout="training", needs_data=True,
       on_error=training_error)
def train_sgd(ctx: CheckContext) -> Outcome:
    return run_training(ctx, "descente_stochastique", ctx.config.sgd, "sgd")


@check("train.minibatch", needs=("tp1_autograd.descente_minibatch",), timeout="training", needs_data=True,
       on_error=training_error)
def train_minibatch(ctx: CheckContext) -> Outcome:
    return run_training(ctx, "descente_minibatch", ctx.config.minibatch, "minibatch")
