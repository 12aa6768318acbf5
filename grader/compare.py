"""Tolerant comparison of what the student returned with what the grader expects.

Attributes first (is it a tensor, its shape), then values, in the manner of
``torch.testing``: "Mismatched elements: k / n", the greatest absolute and
relative differences and where they are. Returns a :class:`Mismatch` record
(data, never printed here) or ``None`` when the values agree.

Tolerances follow ``torch.testing.assert_close`` for the less precise of the
two dtypes: float64 rtol=1e-7, atol=1e-7; float32 rtol=1.3e-6, atol=1e-5;
float16/bfloat16 rtol=1e-3, atol=1e-5.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import torch

TOLERANCES = {
    torch.float64: (1e-7, 1e-7),
    torch.float32: (1.3e-6, 1e-5),
    torch.float16: (1e-3, 1e-5),
    torch.bfloat16: (1.6e-2, 1e-5),
}


@dataclass(frozen=True)
class Mismatch:
    kind: str  # "type", "shape", "nonfinite" or "values"
    message: str
    details: dict[str, Any] = field(default_factory=dict)


def tolerances(*dtypes: torch.dtype) -> tuple[float, float]:
    """(rtol, atol) for the least precise floating dtype among ``dtypes``."""
    rtol, atol = TOLERANCES[torch.float64]
    for dtype in dtypes:
        r, a = TOLERANCES.get(dtype, TOLERANCES[torch.float32])
        rtol, atol = max(rtol, r), max(atol, a)
    return rtol, atol


def describe(value: Any) -> str:
    """A short description of any value that came back from the student."""
    if value is None:
        return "None"
    if isinstance(value, torch.Tensor):
        return f"a tensor of shape {shape_str(value.shape)}"
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)} element{'s' if len(value) != 1 else ''}"
    if isinstance(value, bool):
        return f"a bool ({value})"
    if isinstance(value, (int, float)):
        return f"a Python {type(value).__name__} ({value:.6g})"
    kind = getattr(value, "type", type(value).__name__)
    return f"an object of type {kind}"


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


def compare(expected: torch.Tensor, got: Any, what: str = "value", *,
            rtol: float | None = None, atol: float | None = None) -> Mismatch | None:
    """Compare ``got`` with ``expected``; ``what`` names the value in messages."""
    tensor = as_tensor(got)
    if tensor is None:
        return Mismatch("type", f"{what}: expected a tensor of shape {shape_str(expected.shape)}, "
                                f"got {describe(got)}",
                        {"expected_shape": list(expected.shape), "got": describe(got)})
    if tuple(tensor.shape) != tuple(expected.shape):
        wanted = "a scalar, shape ()" if expected.dim() == 0 else f"shape {shape_str(expected.shape)}"
        return Mismatch("shape", f"{what}: expected {wanted}, "
                                 f"got shape {shape_str(tensor.shape)}",
                        {"expected_shape": list(expected.shape), "got_shape": list(tensor.shape)})
    if not (tensor.is_floating_point() or tensor.dtype in (torch.int64, torch.int32)):
        return Mismatch("type", f"{what}: expected floating-point values, got dtype {tensor.dtype}",
                        {"got_dtype": str(tensor.dtype)})
    default_rtol, default_atol = tolerances(expected.dtype, tensor.dtype)
    rtol = default_rtol if rtol is None else rtol
    atol = default_atol if atol is None else atol
    exp = expected.detach().to(torch.float64)
    obs = tensor.detach().to(torch.float64)
    tol = {"rtol": rtol, "atol": atol}
    if not torch.isfinite(obs).all():
        bad = (~torch.isfinite(obs)).nonzero()
        index = tuple(int(i) for i in bad[0]) if len(bad) else ()
        return Mismatch("nonfinite", f"{what}: contains {len(bad)} non-finite value(s) "
                                     f"(nan or inf), first at index {index}",
                        {"index": list(index), "count": len(bad), "tolerance": tol})
    diff = (obs - exp).abs()
    allowed = atol + rtol * exp.abs()
    bad = diff > allowed
    if not bad.any():
        return None
    total = exp.numel()
    count = int(bad.sum())
    abs_index = _index(diff.argmax(), exp.shape)
    rel = diff / exp.abs().clamp_min(torch.finfo(torch.float64).tiny)
    rel_index = _index(rel.argmax(), exp.shape)
    at = abs_index if abs_index else ()
    exp_at, got_at = float(exp[at]) if exp.dim() else float(exp), float(obs[at]) if obs.dim() else float(obs)
    where = f" at index {at}" if exp.dim() else ""
    message = (f"{what}: mismatched elements {count} / {total}; greatest absolute difference "
               f"{float(diff[at] if exp.dim() else diff):.3g}{where} (expected {exp_at:.6g}, got {got_at:.6g}); "
               f"rtol={rtol:g}, atol={atol:g}")
    return Mismatch("values", message, {
        "mismatched": count, "total": total,
        "max_abs_diff": float(diff.max()), "max_abs_index": list(abs_index),
        "max_rel_diff": float(rel.max()), "max_rel_index": list(rel_index),
        "expected_at": exp_at, "got_at": got_at, "tolerance": tol,
    })


def close(expected: torch.Tensor, got: Any, **tol: float) -> bool:
    return compare(expected, got, **tol) is None


def _index(flat: torch.Tensor, shape: torch.Size) -> tuple[int, ...]:
    flat_i = int(flat)
    index = []
    for dim in reversed(tuple(shape)):
        index.append(flat_i % dim)
        flat_i //= dim
    return tuple(reversed(index))
