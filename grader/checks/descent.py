"""``descent.manual``: the student's gradient-descent loop without autograd (``tp1_descente.descente``).

The grader makes the data (the lab's shapes: x (50, 13), y (50, 3), a linear
signal plus noise), calls ``descente(x, y, epsilon, n_iter)``, and evaluates
the parameters it returns with its own MSE against the least-squares optimum
of the same data. The losses the loop reports must decrease and be one per
iteration (``n_iter``, or ``n_iter + 1`` with the final one: the template asks
for "la liste des n_iter coûts"; a list of another length, e.g. 2 losses for
500 iterations, is not the record of this run and fails the check, as a
missing list does). The losses are the student's claim: the verdict is the
grader's own evaluation.

Good parameters are not enough (a closed form gets them, issue 17): the grader
calls ``descente`` twice more with ``n_iter = 1`` and the run seed (so the same
initial parameters), with ``epsilon = 0`` (its initial ``(w0, b0)``, which must
be a real starting point) and with a small epsilon: one step must be exactly
``−epsilon · c · ∇L(w0, b0)``, ``L`` the lab's MSE, ``c = 1``, or ``c = 1/p``
for the element mean when the MSE convention policy accepts it (``mse.forward``);
see :mod:`grader.checks.probes`. One step is exact, so the tolerance is tight.
"""

from __future__ import annotations

from typing import Any

import torch

from grader.checks import expected as ref
from grader.checks import probes
from grader.checks.base import CheckContext, Outcome, check
from grader.checks.diagnose import diagnosis
from grader.compare import describe, shape_str
from grader.i18n import Msg
from grader.sandbox.errors import StudentFailure

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


def parameters_of(value: Any, n: int, p: int) -> tuple[torch.Tensor, torch.Tensor] | tuple[Msg, str]:
    """(w, b) reshaped to (n, p) and (p,), or (what is wrong, diagnosis id)."""
    if not isinstance(value, (tuple, list)) or len(value) < 2:
        return Msg("descent.not_a_triple", got=describe(value)), "descent.wrong_return"
    w, b = value[0], value[1]
    if not isinstance(w, torch.Tensor) or w.numel() != n * p or (w.dim() == 2 and tuple(w.shape) != (n, p)):
        return Msg("descent.bad_w", n=n, p=p, got=describe(w)), "descent.wrong_return"
    if isinstance(b, torch.Tensor) and b.dim() == 2 and b.shape[0] > 1 and b.shape[1] == p:
        return Msg("descent.b_batch_shape", p=p, shape=shape_str(b.shape)), "descent.grad_b_not_summed"
    if not isinstance(b, torch.Tensor) or b.numel() != p:
        return Msg("descent.bad_b", p=p, got=describe(b)), "descent.wrong_return"
    return w.reshape(n, p), b.reshape(p)


def _failed(message: Msg, details: dict[str, Any], diagnosis_id: str, **params: Any) -> Outcome:
    return Outcome(False, message, details, diagnosis(details, diagnosis_id, **params))


@check("descent.manual", needs=("tp1_descente.descente",), timeout="training")
def descent_manual(ctx: CheckContext) -> Outcome:
    """The template's ``descente()`` function, or the lab's script (:mod:`grader.checks.descent_script`)."""
    if ctx.load.script_form:
        from grader.checks.descent_script import judge_script
        from grader.checks.names import script_of

        return judge_script(ctx, script_of(ctx.load) or "tp1_descente.py")
    cfg = ctx.config
    x, y = make_data(ctx)
    result = ctx.student.call("tp1_descente.descente", x, y, cfg.descent_epsilon, cfg.descent_n_iter,
                              seed=ctx.student_seed)
    optimum = least_squares_mse(x, y)
    threshold = optimum * (1 + cfg.descent_rel_margin)
    details: dict[str, Any] = {"form": "function", "data": {"x": [Q, N], "y": [Q, P]}, "epsilon": cfg.descent_epsilon,
                               "n_iter": cfg.descent_n_iter, "optimum_mse": optimum, "threshold": threshold}
    params = parameters_of(result, N, P)
    if isinstance(params[0], Msg):
        return _failed(Msg("descent.wrong_parameters", problem=params[0]), details, params[1])
    w, b = params
    reported = losses_of(result[2]) if len(result) > 2 else None
    if reported is not None:
        details["losses"] = reported[:: max(1, len(reported) // 100)]
    mse = ref.mse_of_params(x, y, w, b)
    details["mse"] = mse
    if not mse == mse or mse == float("inf"):
        return _failed(Msg("descent.not_finite", mse=mse), details, "descent.diverged")
    if mse > threshold:
        start = ref.mse_of_params(x, y, torch.zeros(N, P), torch.zeros(P))
        details["mse_at_zero"] = start
        message = Msg("descent.above_threshold", mse=mse, threshold=threshold, optimum=optimum,
                      margin=cfg.descent_rel_margin)
        known = "descent.no_progress" if mse >= start else "descent.not_converged"
        return _failed(message, details, "descent.bias_not_updated" if _bias_stuck(ctx, x, y) else known)
    if reported is None or len(reported) < 2:
        got = describe(result[2]) if len(result) > 2 else Msg("describe.nothing")
        return _failed(Msg("descent.losses_missing", got=got), details, "descent.losses_missing")
    if len(reported) not in (cfg.descent_n_iter, cfg.descent_n_iter + 1):
        return _failed(Msg("descent.losses_count", got=len(reported), n_iter=cfg.descent_n_iter,
                           n_iter_plus=cfg.descent_n_iter + 1), details, "descent.losses_count")
    if not reported[-1] < reported[0]:
        return _failed(Msg("descent.losses_not_decreasing", first=reported[0], last=reported[-1]), details,
                       "descent.losses_not_decreasing")
    summary = Msg("descent.passed", mse=mse, threshold=threshold, optimum=optimum, n_iter=cfg.descent_n_iter)
    outcome = _judge_descent(ctx, x, y, details, summary)
    if _tensors(result[2]):  # harmless, but not what the lab asks: say it
        outcome.warnings.append(Msg("ux.descent.losses_tensors"))
    return outcome


def _tensors(losses: Any) -> bool:
    """The losses are tensors (a tensor, or a list holding some) where the lab asks for Python floats."""
    return isinstance(losses, torch.Tensor) or (isinstance(losses, (list, tuple))
                                                and any(isinstance(v, torch.Tensor) for v in losses))


def _bias_stuck(ctx: CheckContext, x: torch.Tensor, y: torch.Tensor) -> bool:
    """One iteration moves w but leaves b where it was although its gradient is not zero ("forgot to update b")."""
    _, evidence = _probe(ctx, x, y, probes.Plan("manual", Q, 1.0), (1.0,))
    return bool(evidence and not evidence["bias_moved"] and evidence["gradient_b_norm"] > 1e-6
                and evidence["step_norm"] > 0)


def _judge_descent(ctx: CheckContext, x: torch.Tensor, y: torch.Tensor, details: dict[str, Any],
                   summary: Msg) -> Outcome:
    """Good parameters: passed when one step of ``descente`` is gradient descent's (see the module docstring)."""
    plan = probes.Plan("manual", Q, 1.0)
    constants = (1.0,) if ctx.config.strict_mse else (1.0, 1.0 / P)
    seen, evidence = _probe(ctx, x, y, plan, constants)
    details["probes"] = {"n_iter": 1, "epsilon": plan.epsilon, "tolerance": plan.tolerance.as_dict(),
                         "accepted_constants": list(constants), **(evidence or {}), "established": seen is None}
    if seen is None and evidence is not None:
        convention = "lab" if probes.problem(evidence, plan.tolerance) is None else "mean"
        details["probes"]["convention"] = convention
        ratio = evidence["ratio"] * (1 if convention == "lab" else P)
        return Outcome(True, Msg("descent.passed_probe", summary=summary, mse=Msg(f"probe.{convention}"),
                                 ratio=ratio, cosine=evidence["cosine"]), details)
    if evidence is not None and ctx.config.strict_mse and probes.problem(evidence, plan.tolerance, (1.0 / P,)) is None:
        return _failed(Msg("probe.mean_strict", ratio=evidence["ratio"]), details, "mse.mean_strict")
    message = Msg("descent.not_descent", mse=details["mse"], threshold=details["threshold"],
                  optimum=details["optimum_mse"])
    return _failed(message, details, "descent.not_gradient_descent", seen=seen)


def _probe(ctx: CheckContext, x, y, plan: probes.Plan, constants: tuple[float, ...]
           ) -> tuple[Msg | None, dict[str, Any] | None]:
    """(what was seen when descent is not established, else None; the evidence of the step)."""
    results = []
    for epsilon in (0.0, plan.epsilon):
        call = probes.call(plan, epsilon)
        try:
            value = ctx.student.call("tp1_descente.descente", x, y, epsilon, 1, seed=ctx.student_seed)
        except StudentFailure as exc:
            return probes.failure(exc, call)[0], None
        params = parameters_of(value, N, P)
        if isinstance(params[0], Msg):
            return Msg("probe.wrong_return", call=call, problem=params[0]), None
        results.append(tuple(p.detach().to(torch.float64).numpy() for p in params))
    evidence = probes.measure(x.numpy(), y.numpy(), results[0], results[1], plan.epsilon, 1.0)
    found = probes.problem(evidence, plan.tolerance, constants)
    return (probes.seen(found, evidence, plan) if found else None), evidence
