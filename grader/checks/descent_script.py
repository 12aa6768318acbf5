"""``descent.manual`` on the lab's own script-style ``tp1_descente.py`` (no ``descente`` function).

The script runs as ``__main__`` in the student process (``grader/sandbox/script_run.py``), which records
the parameters ``(w, b)`` at every call of the student's ``Linear.forward``, the data ``x`` and ``y`` it
was called with, what the script logs through ``SummaryWriter`` and the script's numbers. Those are the
student's claims; the verdict is recomputed here on the script's own data:

- the parameters keep their shapes (``b`` growing to the batch's shape is an unsummed ``grad_b``);
- every step ``Δ(w, b)`` between two successive states is ``−k · ∇L(w, b)``, ``L`` the lab's MSE
  ``1/q ‖x w + b − y‖²`` of the script's data, for one positive ``k`` shared by all steps (within 1 %,
  cosine ≥ 0.9999: one full-batch step is exact up to float32 rounding; steps smaller than a
  thousandth of the parameters' norm, where float32 rounding dominates, are not judged);
- ``k = ε · c`` with ``ε`` a number of the script (``epsilon``, ``eps``, ``lr``… whatever its name: the
  number that makes ``c`` an accepted constant) and ``c = 1`` (the lab's ``1/q`` MSE) or ``c = 1/p`` (the
  element mean, accepted under the policy of ``mse.forward``);
- the loss (recomputed) goes down from the first state to the last.

Logged losses are never used for the verdict: a script that logs made-up numbers gains nothing.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from grader.checks.base import CheckContext, Outcome
from grader.checks.diagnose import diagnosis
from grader.checks.probes import lab_gradient, lab_mse, optimum_mse
from grader.checks.script_record import BadRecord, Record, epsilon_of, read
from grader.i18n import Msg
from grader.sandbox.errors import StudentError, StudentProtocolError

RATIO_TOL = 0.01
COSINE_MIN = 0.9999
SIGNIFICANT = 1e-3  # a step is judged when |Δθ| ≥ SIGNIFICANT · |θ|
MAX_CURVE = 200


def judge_script(ctx: CheckContext, file: str) -> Outcome:
    value = ctx.student.run_script(file, seed=ctx.student_seed)
    try:
        record = read(value)
    except BadRecord as exc:
        raise StudentProtocolError(f"the record of {file} is malformed: {exc}") from None
    shown = dict((f"{m}.py", nb) for m, nb in ctx.load.notebooks).get(file, file)  # nb_TME1.py -> TME1.ipynb
    details: dict[str, Any] = {"form": "script", "file": shown, "iterations": record.calls,
                               "logged": len(record.logged), "observed_by": "writer" if record.sampled
                               else "Linear.forward"}
    later = _after_the_loop(record)
    if record.error is not None and not later:
        raise _crash(record, shown)
    if not record.states:
        return _nothing_observed(record, details, shown)
    outcome = _judge_trajectory(ctx, record, details)
    if later:  # a notebook cell after the loop's raised: the loop is judged, the error said
        error = record.error or {}
        details["later_error"] = {"cell": record.error_cell, "type": str(error.get("type"))[:100],
                                  "message": str(error.get("message"))[:300]}
        outcome.message = Msg("script.later_error", outcome=outcome.message, cell=record.error_cell,
                              type=details["later_error"]["type"], loop_cell=record.loop_cell)
    return outcome


def _after_the_loop(record: Record) -> bool:
    """A notebook whose loop ran in a cell before the one that raised (a data cell failing offline...)."""
    return (record.error is not None and record.error_cell is not None and record.loop_cell is not None
            and record.loop_cell < record.error_cell and len(record.states) > 1)


def _crash(record: Record, file: str) -> StudentError:
    """The script raised: an ``error``, saying at which iteration of the loop (Linear.forward calls)."""
    error = record.error or {}
    lines = error.get("traceback") if isinstance(error.get("traceback"), list) else []
    where = str(error.get("where") or file)[:200]
    if lines and str(lines[-1]).startswith(where):  # with the student's line of code
        where = str(lines[-1])[:300]
    if record.last_calls:
        where = f"{where} — iteration #{record.last_calls}"
    return StudentError(str(error.get("type") or "Error")[:100], str(error.get("message") or "")[:2000], where,
                        [str(x)[:300] for x in lines[:5]])


def _nothing_observed(record: Record, details: dict[str, Any], file: str) -> Outcome:
    """No call of Linear.forward and no parameters at add_scalar: judge what is left (the final w, b)."""
    final = record.final
    if "y" in final and final["y"].ndim == 1:
        final = {**final, "y": final["y"].reshape(-1, 1)}
    if all(k in final for k in ("w", "b", "x", "y")) and _compatible(final["x"], final["y"], final["w"], final["b"]):
        x, y, w, b = final["x"], final["y"], final["w"], final["b"]
        details.update(final_mse=lab_mse(x, y, w, b) if b.size == y.shape[1] else float("nan"),
                       optimum_mse=optimum_mse(x, y))
        return Outcome(False, Msg("script.final_only", file=file, mse=details["final_mse"],
                                  optimum=details["optimum_mse"]), details,
                       diagnosis(details, "script.no_linear_forward"))
    return Outcome(False, Msg("script.no_loop", file=file), details, diagnosis(details, "script.no_loop"))


def _compatible(x, y, w, b) -> bool:
    return (x.ndim == 2 and w.ndim == 2 and y.ndim == 2 and x.shape[1] == w.shape[0] and w.shape[1] == y.shape[1]
            and x.shape[0] == y.shape[0])


def _judge_trajectory(ctx: CheckContext, record: Record, details: dict[str, Any]) -> Outcome:
    x, y = record.x, record.y
    w0, b0 = record.states[0]
    if y is not None and y.ndim == 1:
        y = y.reshape(-1, 1)
    if x is None or y is None or not _compatible(x, y, w0, b0) or b0.size != y.shape[1]:
        details["shapes"] = {"x": _shape(x), "y": _shape(y), "w": list(w0.shape), "b": list(b0.shape)}
        return Outcome(False, Msg("script.shapes", **{k: str(tuple(v)) if v else "?"
                                                        for k, v in details["shapes"].items()}), details,
                       diagnosis(details, "script.shapes"))
    q, p = y.shape
    details["data"] = {"x": list(x.shape), "y": list(y.shape)}
    for i, (w, b) in enumerate(record.states):
        if w.shape != w0.shape or b.size != p:
            details["shape_change"] = {"iteration": i, "w": list(w.shape), "b": list(b.shape)}
            if b.ndim == 2 and b.shape == (q, p) and q > 1:
                return Outcome(False, Msg("script.b_batch_shape", iteration=i, p=p, shape=str(b.shape)), details,
                               diagnosis(details, "descent.grad_b_not_summed"))
            return Outcome(False, Msg("script.shape_changed", iteration=i, w=str(w.shape), b=str(b.shape),
                                      w0=str(w0.shape), b0=str(b0.shape)), details,
                           diagnosis(details, "script.shape_changed"))
    if record.data_changed:
        return Outcome(False, Msg("script.data_changed"), details, diagnosis(details, "script.data_changed"))
    states = _distinct([(w, b.reshape(p)) for w, b in record.states])
    losses = [lab_mse(x, y, w, b) for w, b in states]
    optimum = optimum_mse(x, y)
    details.update(optimum_mse=optimum, initial_loss=losses[0], final_loss=losses[-1], updates=len(states) - 1,
                   losses=_thin(losses))
    if len(states) == 1:
        key = "script.one_iteration" if record.calls <= 1 else "script.no_update"
        return Outcome(False, Msg(key, calls=record.calls, loss=losses[0]), details, diagnosis(details, key))
    return _judge_steps(ctx, record, x, y, states, losses, details)


def _shape(a) -> list[int] | None:
    return list(a.shape) if a is not None else None


def _distinct(states):
    out = [states[0]]
    for w, b in states[1:]:
        if not (np.array_equal(w, out[-1][0], equal_nan=True) and np.array_equal(b, out[-1][1], equal_nan=True)):
            out.append((w, b))
    return out


def _thin(values: list[float]) -> list[float]:
    step = max(1, math.ceil(len(values) / MAX_CURVE))
    return [v if math.isfinite(v) else float("nan") for v in values[::step]]


def _fit(d: np.ndarray, g: np.ndarray) -> tuple[float, float, float]:
    """(k, cosine, |g|) of a step ``d`` against ``−k g``; nan when not defined."""
    gg, dd = float(g @ g), float(np.linalg.norm(d))
    if not (math.isfinite(gg) and math.isfinite(dd)) or gg <= 0:
        return math.nan, math.nan, math.sqrt(gg) if math.isfinite(gg) else math.nan
    return -float(d @ g) / gg, (-float(d @ g) / (dd * math.sqrt(gg)) if dd > 0 else math.nan), math.sqrt(gg)


def step_evidence(x, y, states) -> list[dict[str, Any]]:
    """For each step between successive states: for (w, b) together and for each alone, the fitted ``k``
    of ``Δ = −k ∇L`` and the cosine of ``Δ`` with ``−∇L``; the norms; whether the step is judged."""
    out = []
    for index, ((w, b), (w1, b1)) in enumerate(zip(states, states[1:])):
        with np.errstate(all="ignore"):
            gw, gb = lab_gradient(x, y, w, b)
            dw, db = (w1 - w).ravel(), b1 - b
            d, g = np.concatenate([dw, db]), np.concatenate([gw.ravel(), gb])
            k, cosine, _ = _fit(d, g)
            k_w, cos_w, norm_gw = _fit(dw, gw.ravel())
            k_b, cos_b, norm_gb = _fit(db, gb)
            theta = float(np.linalg.norm(np.concatenate([w.ravel(), b])))
            size = float(np.linalg.norm(d))
        significant = math.isfinite(size) and math.isfinite(k) and size >= SIGNIFICANT * max(theta, 1e-12)
        out.append({"index": index, "k": k, "cosine": cosine, "k_w": k_w, "cos_w": cos_w, "k_b": k_b, "cos_b": cos_b,
                    "norm_gw": norm_gw, "norm_gb": norm_gb, "norm_w": float(np.linalg.norm(w)),
                    "norm_b": float(np.linalg.norm(b)), "significant": significant})
    return out


def _judge_steps(ctx, record: Record, x, y, states, losses, details) -> Outcome:
    p = y.shape[1]
    evidence = step_evidence(x, y, states)
    judged = [e for e in evidence if e["significant"] and math.isfinite(e["k"])] or [
        e for e in evidence[:1] if math.isfinite(e["k"])]
    if not judged:
        details["diverged_at"] = next((i for i, v in enumerate(losses) if not math.isfinite(v)), None)
        return Outcome(False, Msg("script.diverged", iteration=details["diverged_at"], first=losses[0]), details,
                       diagnosis(details, "script.diverged"))
    k_w = [e["k_w"] for e in judged if math.isfinite(e["k_w"])]
    k = float(np.median(k_w)) if k_w else float(np.median([e["k"] for e in judged]))  # w: most of the numbers
    accepted = (1.0,) if ctx.config.strict_mse else (1.0, 1.0 / p)
    found = epsilon_of(record.numbers, k, p, (1.0, 1.0 / p))
    details["step"] = {"k": k, "judged_steps": len(judged), "tolerance": {"ratio": RATIO_TOL, "cosine_min": COSINE_MIN}}
    if found:
        details["epsilon"] = {"name": found[0], "value": found[1]}
    if k <= 0:
        return Outcome(False, Msg("script.uphill", k=k, first=losses[0], last=losses[-1]), details,
                       diagnosis(details, "script.uphill"))
    if not all(math.isfinite(v) for v in losses):
        details["diverged_at"] = next(i for i, v in enumerate(losses) if not math.isfinite(v))
        return Outcome(False, Msg("script.diverged", iteration=details["diverged_at"], first=losses[0]), details,
                       diagnosis(details, "script.diverged"))
    bad = _off_step(judged, k)
    if bad is not None:
        return _not_gradient(bad, k, found, details)
    if found is None:
        c = None
    else:
        c = k / found[1]
        details["step"]["c"] = c
        if not any(abs(c / a - 1) <= RATIO_TOL for a in accepted):
            strict_mean = abs(c * p - 1) <= RATIO_TOL
            key = "mse.mean_strict" if strict_mean else "script.wrong_scale"
            message = Msg("script.wrong_scale", c=c, name=found[0], epsilon=found[1], k=k, p=p)
            return Outcome(False, message, details, diagnosis(details, key, c=c, ratio=c))
    if not losses[-1] < losses[0]:
        return Outcome(False, Msg("script.not_decreasing", first=losses[0], last=losses[-1]), details,
                       diagnosis(details, "script.not_decreasing"))
    return _passed(record, details, k, c, p, found)


def _off_step(judged, k: float) -> dict[str, Any] | None:
    """The first judged step whose w or b part is not ``−k ∇L``: which parameter, by how much, or None.

    A parameter's part is judged when the step it should make is resolvable in float32 (at least
    ``SIGNIFICANT`` of that parameter's norm, or of 1e-3)."""
    for e in judged:
        for name in ("w", "b"):
            expected = abs(k) * e[f"norm_g{name}"]
            if not (math.isfinite(expected) and expected >= SIGNIFICANT * max(e[f"norm_{name}"], 1e-3)):
                continue
            ratio, cosine = e[f"k_{name}"] / k, e[f"cos_{name}"]
            if not (abs(ratio - 1) <= RATIO_TOL and cosine >= COSINE_MIN):
                return {"index": e["index"], "parameter": name, "ratio": ratio, "cosine": cosine, "k_step": e[f"k_{name}"]}
    return None


def _not_gradient(bad: dict[str, Any], k: float, found, details) -> Outcome:
    details["off_step"] = bad
    message = Msg("script.not_gradient", iteration=bad["index"], parameter=bad["parameter"], ratio=bad["ratio"],
                  cosine=bad["cosine"])
    return Outcome(False, message, details, diagnosis(details, "script.not_gradient", parameter=bad["parameter"],
                                                      ratio=bad["ratio"]))


def _passed(record: Record, details, k: float, c: float | None, p: int, found) -> Outcome:
    convention = "unknown" if c is None else ("lab" if abs(c - 1) <= RATIO_TOL else "mean")
    details["convention"] = convention
    epsilon = Msg("script.epsilon", name=found[0], value=found[1]) if found else Msg("script.epsilon_unknown", k=k)
    logged = [v for _, v, _, _ in record.logged if v is not None]
    if logged:
        details["logged_losses"] = _thin(logged)
    return Outcome(True, Msg("script.passed", file=details["file"], iterations=record.calls, epsilon=epsilon,
                             first=details["initial_loss"], last=details["final_loss"],
                             optimum=details["optimum_mse"], mse=Msg(f"script.convention.{convention}")), details)
