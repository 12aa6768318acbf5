"""Both Jacobians of a (proxy) Function, computed by the grader, and where they differ most.

Used when ``gradcheck`` fails, to show the evidence: which input, which output
and input elements, the numerical (central differences, float64) and the
analytical (one backward per output element, through the student's backward)
entries there. Also tells a few mistakes apart from these numbers alone:
a forward that returns float32, a backward that ignores ``grad_output``, a
backward off by a constant factor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import torch

from grader.compare import unravel

EPS = 1e-6
PROBE = 0.37  # a grad_output that is not 1


@dataclass
class Evidence:
    details: dict[str, Any]
    diagnosis: str | None = None
    hint_params: dict[str, Any] = field(default_factory=dict)


def numerical_jacobians(fn: Callable, inputs: Sequence[torch.Tensor]) -> list[torch.Tensor]:
    """Per input, the (output elements, input elements) Jacobian by central differences."""
    base = [x.detach().clone().to(torch.float64) for x in inputs]
    jacobians = []
    with torch.no_grad():
        for x in base:
            flat = x.view(-1)
            columns = []
            for j in range(flat.numel()):
                value = float(flat[j])
                flat[j] = value + EPS
                plus = fn(*base).detach().to(torch.float64).reshape(-1)
                flat[j] = value - EPS
                minus = fn(*base).detach().to(torch.float64).reshape(-1)
                flat[j] = value
                columns.append((plus - minus) / (2 * EPS))
            jacobians.append(torch.stack(columns, dim=1))
    return jacobians


def analytical_jacobians(fn: Callable, inputs: Sequence[torch.Tensor], scale: float = 1.0,
                         rows: int | None = None) -> tuple[list[torch.Tensor], torch.Tensor]:
    """Per input, the Jacobian from the backward (``scale`` × unit grad_outputs), and the output."""
    xs = [x.detach().clone().to(torch.float64).requires_grad_() for x in inputs]
    out = fn(*xs)
    n_out = out.numel() if rows is None else min(rows, out.numel())
    per_input: list[list[torch.Tensor]] = [[] for _ in xs]
    for k in range(n_out):
        unit = torch.zeros(out.numel(), dtype=out.dtype)
        unit[k] = scale
        grads = torch.autograd.grad(out, xs, unit.reshape(out.shape), retain_graph=True, allow_unused=True)
        for i, (x, g) in enumerate(zip(xs, grads)):
            row = torch.zeros(x.numel(), dtype=torch.float64) if g is None else g.detach().to(torch.float64)
            per_input[i].append(row.reshape(-1))
    return [torch.stack(r) for r in per_input], out.detach()


def compare_jacobians(fn: Callable, inputs: Sequence[torch.Tensor], names: Sequence[str]) -> Evidence | None:
    numerical = numerical_jacobians(fn, inputs)
    analytical, out = analytical_jacobians(fn, inputs)
    per_input, worst = [], None
    for i, (num, ana) in enumerate(zip(numerical, analytical)):
        diff = (num - ana).abs()
        k, j = divmod(int(diff.argmax()), diff.shape[1]) if diff.numel() else (0, 0)
        entry = {"input": i, "input_name": names[i], "output": list(unravel(k, out.shape)),
                 "input_index": list(unravel(j, inputs[i].shape)), "numerical": float(num[k, j]),
                 "analytical": float(ana[k, j]), "abs_diff": float(diff[k, j]) if diff.numel() else 0.0}
        per_input.append({"name": names[i], "max_abs_diff": entry["abs_diff"],
                          "numerical": num.tolist(), "analytical": ana.tolist()})
        if worst is None or entry["abs_diff"] > worst["abs_diff"]:
            worst = entry
    if worst is None:
        return None
    details = {"worst": worst, "per_input": per_input, "output_shape": list(out.shape),
               "output_dtype": str(out.dtype).replace("torch.", ""), "eps": EPS}
    evidence = Evidence(details)
    _diagnose(evidence, fn, inputs, numerical, analytical, out)
    return evidence


def _diagnose(evidence: Evidence, fn, inputs, numerical, analytical, out) -> None:
    if out.dtype != torch.float64:
        evidence.diagnosis = "gradcheck.float32_cast"
        evidence.hint_params = {"dtype": str(out.dtype).replace("torch.", "")}
        return
    scaled, _ = analytical_jacobians(fn, inputs, scale=PROBE, rows=1)
    first = [a[:1] for a in analytical]
    if any(f.abs().max() > 1e-8 for f in first) and all(torch.allclose(s, f, rtol=1e-6, atol=1e-9)
                                                        for s, f in zip(scaled, first)):
        evidence.diagnosis = "gradcheck.ignores_grad_output"
        evidence.hint_params = {"g": PROBE}
        return
    factors = [_factor(n.reshape(-1), a.reshape(-1)) for n, a in zip(numerical, analytical)]
    if any(f is None for f in factors):
        return
    wrong = [(i, f) for i, f in enumerate(factors) if abs(f - 1) > 1e-3]
    if len(wrong) == len(factors) and max(f for _, f in wrong) - min(f for _, f in wrong) <= 1e-3 * abs(wrong[0][1]):
        evidence.diagnosis = "gradcheck.constant_factor"
        evidence.hint_params = {"factor": wrong[0][1]}
    elif wrong:
        i, factor = wrong[0]
        evidence.diagnosis = "gradcheck.input_factor"
        evidence.hint_params = {"factor": factor, "input": evidence.details["per_input"][i]["name"]}


def _factor(num: torch.Tensor, ana: torch.Tensor) -> float | None:
    """c when ``ana`` = c × ``num`` (one input's Jacobian off by a constant), else None."""
    scale = float(num.abs().max()) if num.numel() else 0.0
    if scale == 0.0:
        return None
    mask = num.abs() > 1e-3 * scale
    if not torch.allclose(ana[~mask], torch.zeros_like(ana[~mask]), atol=1e-4):
        return None
    ratios = ana[mask] / num[mask]
    factor = float(ratios.median())
    if float((ratios - factor).abs().max()) > 1e-3 * max(abs(factor), 1e-3):
        return None
    return factor
