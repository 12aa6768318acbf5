"""Is it gradient descent? What the probe calls of the descent checks measure, and the verdict on it.

The final MSE of a training loop says the parameters are good, not where they
came from: a closed form (``torch.linalg.lstsq``) gets there too (issue 17). So
``descent.manual`` and the ``train.*`` checks call the student's function twice
more, with the run seed (so the same initial parameters), and judge what the
two calls return with the grader's own gradient:

1. ``epsilon = 0``: gradient descent returns its initial ``θ0 = (w0, b0)``.
   They must be a real starting point: their MSE on the probe rows must be at
   least :data:`MIN_INITIAL_RATIO` times the least-squares optimum of those rows
   (random or zero parameters are 3× to 100× above it). A function that ignores
   ``epsilon`` and returns a solution fails here (and would otherwise pass step 2
   trivially: the gradient is zero at the optimum).
2. a small ``epsilon``: the parameters must move by ``Δθ ≈ −epsilon · c · ∇L(θ0)``,
   ``L`` the lab's MSE ``1/q ‖X w + b − Y‖²`` on the rows handed over, ``c`` the
   number of steps one epoch makes: 1 for batch descent (and for one iteration of
   ``descente``), ``N`` for SGD over ``N`` rows, ``N / B`` for mini-batches of
   ``B``, in any order (each row's gradient is summed once per epoch). The probe's
   ``epsilon`` is :data:`STEP` ``/ c``: small enough that the first-order
   approximation holds for SGD and mini-batch (second-order error ~0.1 %), large
   enough to be resolved in float32. Measured: the direction (cosine similarity of
   ``Δθ`` and ``−∇L``) and the magnitude (``ratio = |Δθ| / (epsilon · c · |∇L|)``).

Tolerances (:data:`TOLERANCES`) come from ``benchmarks/descent_probes.py``: one
batch step is exact (every correct loop measured ratio 1.0000, cosine 1.000000,
so 1 % and 0.9999 leave a wide margin); SGD and mini-batch loops that sample
rows *with replacement* see a random subset of the rows, so their step is the
gradient of that subset (20 seeds on 512 rows: ratio 0.82 to 1.17, cosine ≥ 0.965);
the bounds are twice as wide as that. The cheats measured fail by orders of
magnitude (ratio ≥ 350, or an initial MSE at the optimum), not by a few percent.

What this cannot establish: that the *graded* call descended. A function that
recognises the probe calls (``epsilon == 0``, one epoch, fewer rows) and answers
them with a real descent (or the analytic first-order step) passes. The probes
make a closed form cost a deliberate, source-reading deception instead of a
shortcut; the README's Training section says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from grader.i18n import Msg
from grader.sandbox.errors import StudentCrash, StudentError, StudentFailure, StudentTimeout

STEP = 1e-3  # epsilon * c of the probe: the parameters move by about a thousandth of a unit step
PROBE_ROWS = 512  # SGD and mini-batch probes run on the first rows of the training part (a multiple of B)
MIN_INITIAL_RATIO = 1.5  # the MSE at epsilon = 0 must be at least this many times the optimum of the probe rows


@dataclass(frozen=True)
class Tolerance:
    ratio_low: float
    ratio_high: float
    cosine_min: float

    def as_dict(self) -> dict[str, float]:
        return {"ratio": [self.ratio_low, self.ratio_high], "cosine_min": self.cosine_min,
                "initial_mse_min_ratio": MIN_INITIAL_RATIO}


EXACT = Tolerance(0.99, 1.01, 0.9999)  # one full-batch step: exact up to float32 rounding
SAMPLED = Tolerance(1 / 1.5, 1.5, 0.9)  # one epoch of SGD / mini-batch, with or without replacement
TOLERANCES = {"batch": EXACT, "sgd": SAMPLED, "minibatch": SAMPLED, "manual": EXACT}


@dataclass(frozen=True)
class Plan:
    """How the probes call a loop: on the first ``rows`` rows, one epoch, ``epsilon = STEP / constant``."""

    kind: str  # "batch", "sgd", "minibatch" or "manual"
    rows: int
    constant: float  # c: the number of steps of one epoch (one iteration for "manual")

    @property
    def epsilon(self) -> float:
        return STEP / self.constant

    @property
    def tolerance(self) -> Tolerance:
        return TOLERANCES[self.kind]


def plan(kind: str, n_rows: int, batch_size: int | None = None) -> Plan:
    """The probe of a ``train.*`` loop on a training part of ``n_rows`` rows.

    Batch descent: every row (one step is cheap and exact). SGD: the first :data:`PROBE_ROWS` rows.
    Mini-batch: the first rows, a whole number of batches of ``batch_size`` (at least one).
    """
    if kind == "batch":
        return Plan(kind, n_rows, 1.0)
    if kind == "sgd":
        rows = min(PROBE_ROWS, n_rows)
        return Plan(kind, rows, float(rows))
    size = max(1, int(batch_size or 1))
    batches = max(1, min(math.ceil(PROBE_ROWS / size), n_rows // size))
    rows = min(batches * size, n_rows)
    return Plan(kind, rows, float(batches))


def lab_gradient(x: np.ndarray, y: np.ndarray, w: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """∇ of the lab's MSE ``1/q ‖x w + b − y‖²`` in (w, b), float64; w (n, p), b (p,)."""
    x64, y64 = np.asarray(x, np.float64), np.asarray(y, np.float64).reshape(x.shape[0], -1)
    residual = x64 @ w + b.reshape(1, -1) - y64
    q = x64.shape[0]
    return 2 * x64.T @ residual / q, 2 * residual.sum(0) / q


def lab_mse(x: np.ndarray, y: np.ndarray, w: np.ndarray, b: np.ndarray) -> float:
    x64, y64 = np.asarray(x, np.float64), np.asarray(y, np.float64).reshape(x.shape[0], -1)
    with np.errstate(all="ignore"):
        residual = x64 @ w + b.reshape(1, -1) - y64
        return float((residual ** 2).sum() / x64.shape[0])


def optimum_mse(x: np.ndarray, y: np.ndarray) -> float:
    """The lab's MSE of the least-squares fit with a bias (float64)."""
    x64 = np.asarray(x, np.float64)
    design = np.column_stack([x64, np.ones(x64.shape[0])])
    theta, *_ = np.linalg.lstsq(design, np.asarray(y, np.float64).reshape(x64.shape[0], -1), rcond=None)
    return lab_mse(x64, y, theta[:-1], theta[-1])


def _flat(params: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    return np.concatenate([np.asarray(p, np.float64).reshape(-1) for p in params])


def measure(x: np.ndarray, y: np.ndarray, initial: tuple[np.ndarray, np.ndarray],
            stepped: tuple[np.ndarray, np.ndarray], epsilon: float, constant: float) -> dict[str, Any]:
    """The evidence of one probe: initial MSE against the optimum, ratio and cosine of the step.

    ``initial`` / ``stepped``: (w (n, p), b (p,)) returned at ``epsilon = 0`` and at ``epsilon``.
    """
    w0, b0 = (np.asarray(p, np.float64) for p in initial)
    gw, gb = lab_gradient(x, y, w0, b0)
    gradient = _flat((gw, gb))
    with np.errstate(all="ignore"):
        step = _flat(stepped) - _flat(initial)
        want = epsilon * constant * float(np.linalg.norm(gradient))
        got = float(np.linalg.norm(step))
        ratio = got / want if want > 0 else math.inf
        cosine = float(-step @ gradient) / (got * float(np.linalg.norm(gradient))) if got > 0 and want > 0 else 0.0
    initial_mse, optimum = lab_mse(x, y, w0, b0), optimum_mse(x, y)
    return {"initial_mse": initial_mse, "optimum_mse": optimum,
            "initial_ratio": initial_mse / optimum if optimum > 0 else math.inf,
            "step_norm": got, "gradient_step_norm": want, "ratio": _finite(ratio), "cosine": _finite(cosine),
            "bias_moved": bool(np.any(step[-b0.size:] != 0)), "gradient_b_norm": float(np.linalg.norm(gb))}


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def problem(evidence: dict[str, Any], tolerance: Tolerance, constants: tuple[float, ...] = (1.0,)) -> str | None:
    """What the evidence fails, or None: ``"not_finite"``, ``"at_optimum"``, ``"step"``.

    ``constants``: the accepted multiples of the expected step (``descent.manual`` accepts 1/p for the
    element-mean MSE); ``evidence["ratio"]`` is against the first.
    """
    if evidence["ratio"] is None or evidence["cosine"] is None or not math.isfinite(evidence["initial_mse"]):
        return "not_finite"
    if not evidence["initial_ratio"] >= MIN_INITIAL_RATIO:
        return "at_optimum"
    if evidence["cosine"] < tolerance.cosine_min:
        return "step"
    if not any(tolerance.ratio_low <= evidence["ratio"] / c <= tolerance.ratio_high for c in constants):
        return "step"
    return None


def call(plan_: Plan, epsilon: float) -> Msg:
    """How the probe called the function, for messages: "called again for one epoch with epsilon = …"."""
    if plan_.kind == "manual":
        return Msg("probe.call.manual", epsilon=epsilon)
    return Msg("probe.call.train", epsilon=epsilon, rows=plan_.rows)


def seen(kind: str, evidence: dict[str, Any], plan_: Plan) -> Msg:
    """What the probes saw, for the hint: the ε = 0 result at the optimum, or the step measured."""
    if kind == "at_optimum":
        return Msg("probe.at_optimum", mse=evidence["initial_mse"], optimum=evidence["optimum_mse"],
                   min_ratio=MIN_INITIAL_RATIO)
    if kind == "not_finite":
        return Msg("probe.not_finite", call=call(plan_, plan_.epsilon))
    tol = plan_.tolerance
    return Msg("probe.step", call=call(plan_, plan_.epsilon), got=evidence["step_norm"],
               want=evidence["gradient_step_norm"], ratio=evidence["ratio"], cosine=evidence["cosine"],
               low=tol.ratio_low, high=tol.ratio_high, cosine_min=tol.cosine_min)


def failure(exc: StudentFailure, call_msg: Msg) -> tuple[Msg, str]:
    """What a failed probe call says, and its kind ("raised", "timeout", "crashed").

    A probe call that fails is evidence: a gradient-descent loop runs for any epsilon >= 0, one epoch or
    iteration, and any number of rows; when it cannot, descent cannot be established.
    """
    if isinstance(exc, StudentError):
        return Msg("probe.raised", call=call_msg, type=exc.type_name, message=exc.message), "raised"
    if isinstance(exc, StudentTimeout):
        return Msg("probe.timeout", call=call_msg, limit=exc.limit_s), "timeout"
    reason = exc.reason if isinstance(exc, StudentCrash) else str(exc)
    return Msg("probe.crashed", call=call_msg, reason=reason), "crashed"
