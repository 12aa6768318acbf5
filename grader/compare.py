"""Tolerant comparison of what the student returned with what the grader expects.

Attributes first (is it a tensor, its shape), then values, in the manner of
``torch.testing``: "Mismatched elements: k / n", the greatest absolute and
relative differences and where they are. Returns a :class:`Mismatch` record
(data and a :class:`~grader.i18n.Msg`, never printed here) or ``None`` when the
values agree.

Tolerances follow ``torch.testing.assert_close`` for the less precise of the
two dtypes (float64 rtol=1e-7, atol=1e-7; float32 rtol=1.3e-6, atol=1e-5), but
never looser than float32's when the grader's inputs (the expected value) were
float32 or float64: a student's result in float16 or bfloat16 is judged at
float32's tolerance (else bfloat16's 1.6e-2 would accept a result 1.2 % wrong,
issue 17), and the mismatch says the student's code lowered the precision
(``details["lowered_precision"]``; the checks then give the hint
``compare.low_precision``). A correct float32 result still passes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import torch

from grader.i18n import Msg, render

TOLERANCES = {
    torch.float64: (1e-7, 1e-7),
    torch.float32: (1.3e-6, 1e-5),
    torch.float16: (1e-3, 1e-5),
    torch.bfloat16: (1.6e-2, 1e-5),
}


@dataclass(frozen=True)
class Mismatch:
    kind: str  # "type", "shape", "nonfinite" or "values"
    message: Msg  # rendered in the report's language by the runner
    details: dict[str, Any] = field(default_factory=dict)


def _tolerance_dtype(dtype: torch.dtype) -> torch.dtype:
    """The dtype whose tolerances apply: a non-floating dtype (an integer tensor) is judged as float32."""
    return dtype if dtype in TOLERANCES else torch.float32


#: Expected values of these dtypes (the grader's inputs) are never judged looser than float32's tolerance.
FLOOR_FOR = (torch.float32, torch.float64)
LOW_PRECISION = (torch.float16, torch.bfloat16)


def judging_dtype(expected: torch.dtype, got: torch.dtype) -> torch.dtype:
    """The dtype whose tolerances judge ``got`` against ``expected``: the less precise of the two, floored at
    float32 when ``expected`` is float32 or float64."""
    worst = max((_tolerance_dtype(expected), _tolerance_dtype(got)), key=lambda d: TOLERANCES[d])
    if expected in FLOOR_FOR and TOLERANCES[worst] > TOLERANCES[torch.float32]:
        return torch.float32
    return worst


def lowered_precision(expected: torch.dtype, got: torch.dtype) -> bool:
    """The student's result has fewer bits than float32 although the grader's inputs had at least as many."""
    return expected in FLOOR_FOR and got in LOW_PRECISION


def tolerances(*dtypes: torch.dtype) -> tuple[float, float]:
    """(rtol, atol) for the least precise floating dtype among ``dtypes``."""
    rtol, atol = TOLERANCES[torch.float64]
    for dtype in dtypes:
        r, a = TOLERANCES[_tolerance_dtype(dtype)]
        rtol, atol = max(rtol, r), max(atol, a)
    return rtol, atol


def describe(value: Any) -> Msg:
    """A short description of any value that came back from the student."""
    if value is None:
        return Msg("describe.none")
    if isinstance(value, torch.Tensor):
        return Msg("describe.tensor", shape=shape_str(value.shape), dtype=str(value.dtype).replace("torch.", ""))
    if isinstance(value, (tuple, list)):
        return Msg("describe.sequence", kind=type(value).__name__, n=len(value))
    if isinstance(value, bool):
        return Msg("describe.bool", value=value)
    if isinstance(value, (int, float)):
        return Msg("describe.number", kind=type(value).__name__, value=value)
    return Msg("describe.object", kind=getattr(value, "type", type(value).__name__))


def shape_str(shape: Any) -> str:
    dims = tuple(int(d) for d in shape)
    return "(" + ", ".join(map(str, dims)) + ("," if len(dims) == 1 else "") + ")"


def as_tensor(value: Any) -> torch.Tensor | None:
    """A tensor, or a Python number taken as a 0-d tensor; None for anything else."""
    if isinstance(value, torch.Tensor):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return torch.tensor(float(value), dtype=torch.float64)
    return None


def _attributes(expected: torch.Tensor, got: Any, what: Any) -> Mismatch | torch.Tensor:
    """Type, shape and dtype first: a Mismatch, or ``got`` as a tensor."""
    tensor = as_tensor(got)
    if tensor is None:
        return Mismatch("type", Msg("compare.type", what=what, shape=shape_str(expected.shape), got=describe(got)),
                        {"expected_shape": list(expected.shape), "got": _english(describe(got))})
    if tuple(tensor.shape) != tuple(expected.shape):
        wanted = Msg("compare.want_scalar") if expected.dim() == 0 else \
            Msg("compare.want_shape", shape=shape_str(expected.shape))
        return Mismatch("shape", Msg("compare.shape", what=what, wanted=wanted, shape=shape_str(tensor.shape)),
                        {"expected_shape": list(expected.shape), "got_shape": list(tensor.shape)})
    if not (tensor.is_floating_point() or tensor.dtype in (torch.int64, torch.int32)):
        return Mismatch("type", Msg("compare.dtype", what=what, dtype=str(tensor.dtype)),
                        {"got_dtype": str(tensor.dtype)})
    return tensor


def compare(expected: torch.Tensor, got: Any, what: Any = "value", *,
            rtol: float | None = None, atol: float | None = None) -> Mismatch | None:
    """Compare ``got`` with ``expected``; ``what`` (a string or a Msg) names the value in messages."""
    tensor = _attributes(expected, got, what)
    if isinstance(tensor, Mismatch):
        return tensor
    judged = judging_dtype(expected.dtype, tensor.dtype)
    default_rtol, default_atol = TOLERANCES[judged]
    rtol = default_rtol if rtol is None else rtol
    atol = default_atol if atol is None else atol
    exp = expected.detach().to(torch.float64)
    obs = tensor.detach().to(torch.float64)
    tol = {"rtol": rtol, "atol": atol, "dtype": str(judged).replace("torch.", "")}
    if not torch.isfinite(obs).all():
        bad = (~torch.isfinite(obs)).nonzero()
        index = tuple(int(i) for i in bad[0]) if len(bad) else ()
        return Mismatch("nonfinite", Msg("compare.nonfinite", what=what, n=len(bad), index=index),
                        {"index": list(index), "count": len(bad), "tolerance": tol})
    diff = (obs - exp).abs()
    bad = diff > atol + rtol * exp.abs()
    if not bad.any():
        return None
    rel = diff / exp.abs().clamp_min(torch.finfo(torch.float64).tiny)
    at = unravel(diff.argmax(), exp.shape)
    evidence = {
        "mismatched": int(bad.sum()), "total": exp.numel(),
        "max_abs_diff": float(diff.max()), "max_abs_index": list(at),
        "max_rel_diff": float(rel.max()), "max_rel_index": list(unravel(rel.argmax(), exp.shape)),
        "expected_at": float(exp[at]), "got_at": float(obs[at]), "rel_diff_at": float(rel[at]),
        "tolerance": tol,
    }
    params = dict(what=what, diff=evidence["max_abs_diff"], expected=evidence["expected_at"],
                  got=evidence["got_at"], rel=evidence["rel_diff_at"], rtol=rtol, atol=atol)
    if exp.dim() == 0:
        message = Msg("compare.values_scalar", **params)
    else:
        message = Msg("compare.values", **params, count=evidence["mismatched"], total=evidence["total"], index=at)
    if lowered_precision(expected.dtype, tensor.dtype):
        evidence["lowered_precision"] = {"dtype": _name(tensor.dtype), "inputs": _name(expected.dtype)}
        message = Msg("compare.lowered", base=message, **evidence["lowered_precision"])
    return Mismatch("values", message, evidence)


def close(expected: torch.Tensor, got: Any, **tol: float) -> bool:
    return compare(expected, got, **tol) is None


def _name(dtype: torch.dtype) -> str:
    return str(dtype).replace("torch.", "")


def _english(msg: Msg) -> str:
    return render(msg, "en")


def unravel(flat: int, shape: Sequence[int]) -> tuple[int, ...]:
    """The index in a tensor of ``shape`` of its ``flat``-th element (row-major)."""
    flat = int(flat)
    index = []
    for dim in reversed(tuple(shape)):
        index.append(flat % dim)
        flat //= dim
    return tuple(reversed(index))
