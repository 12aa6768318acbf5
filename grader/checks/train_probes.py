"""The probe calls of the ``train.*`` checks, made on every hand-in (see :mod:`grader.checks.probes`).

After the graded call, the student's loop is called twice more with the run
seed, for one epoch: with ``epsilon = 0`` and with the probe's small epsilon.
Batch descent gets the whole training part (one step costs a millisecond);
SGD and mini-batch get its first rows (:func:`grader.checks.probes.plan`: 512,
a whole number of batches), sent inline, so that a probe costs ~0.1 s instead
of a full epoch. The test part is the graded call's.

A probe call that raises, crashes, times out or returns something other than
``(w, b, ...)`` is evidence too: a gradient-descent loop runs for any
``epsilon >= 0`` and any number of rows, so when it cannot, the grader cannot
establish descent, and says which call failed and how.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import torch

from grader.checks import probes
from grader.i18n import Msg
from grader.sandbox.errors import StudentFailure
from grader.sandbox.student import NpyFile

Params = tuple[np.ndarray, np.ndarray]
KINDS = {"descente_batch": "batch", "descente_stochastique": "sgd", "descente_minibatch": "minibatch"}


@dataclass
class ProbeRun:
    """The two probe calls and the verdict on them."""

    plan: probes.Plan
    initial: Params | None = None  # what epsilon = 0 returned: the loop's initial (w0, b0)
    stepped: Params | None = None
    evidence: dict[str, Any] | None = None
    seen: Msg | None = None  # why descent is not established (None: it is)
    calls: list[dict[str, Any]] = field(default_factory=list)

    @property
    def established(self) -> bool:
        return self.seen is None and self.evidence is not None

    def details(self) -> dict[str, Any]:
        out: dict[str, Any] = {"rows": self.plan.rows, "epochs": 1, "epsilon": self.plan.epsilon,
                               "steps_per_epoch": self.plan.constant, "calls": self.calls,
                               "tolerance": self.plan.tolerance.as_dict(), "established": self.established}
        if self.evidence is not None:
            out.update(self.evidence)
        return out


def run_probes(ctx, function: str, batch_size: int | None,
               params_of: Callable[[Any], Params | Msg]) -> ProbeRun:
    """Call ``function`` at epsilon = 0 and at the probe's epsilon; measure; judge."""
    split, _ = ctx.data
    run = ProbeRun(probes.plan(KINDS[function], split.n_train, batch_size))
    rows = run.plan.rows
    if rows == split.n_train:
        x_rows: Any = NpyFile("x_train.npy")
        y_rows: Any = NpyFile("y_train.npy")
    else:
        x_rows = torch.from_numpy(np.array(split.x_train[:rows]))
        y_rows = torch.from_numpy(np.array(split.y_train[:rows]))
    extra = [batch_size] if batch_size is not None else []
    results: list[Params] = []
    for epsilon in (0.0, run.plan.epsilon):
        record: dict[str, Any] = {"epsilon": epsilon}
        run.calls.append(record)
        try:
            value = ctx.student.call(f"tp1_autograd.{function}", x_rows, y_rows, NpyFile("x_test.npy"),
                                     NpyFile("y_test.npy"), epsilon, 1, *extra, seed=ctx.student_seed)
        except StudentFailure as exc:
            run.seen, record["failure"] = probes.failure(exc, probes.call(run.plan, epsilon))
            return run
        params = params_of(value)
        if isinstance(params, Msg):
            record["failure"] = "wrong_return"
            run.seen = Msg("probe.wrong_return", call=probes.call(run.plan, epsilon), problem=params)
            return run
        results.append(params)
    run.initial, run.stepped = results
    x, y = split.x_train[:rows], split.y_train[:rows]
    run.evidence = probes.measure(x, y, run.initial, run.stepped, run.plan.epsilon, run.plan.constant)
    found = probes.problem(run.evidence, run.plan.tolerance)
    if found is not None:
        run.seen = probes.seen(found, run.evidence, run.plan)
    return run
