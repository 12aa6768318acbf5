"""What a script-style ``tp1_descente.py`` left behind, read as hostile data (``script_run.py`` records it).

:func:`read` turns the decoded reply of the ``script`` request into a :class:`Record` of float64 numpy
arrays, or raises :class:`BadRecord` when a field has the wrong type: the record is the student's
process's claim, and nothing in it is believed before the grader recomputes it
(:mod:`grader.checks.descent_script`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

EPSILON_NAMES = ("epsilon", "eps", "lr", "learning_rate", "eta", "alpha", "pas", "step_size", "rate",
                 "mu", "gamma")


class BadRecord(Exception):
    """The record does not have the shape ``script_run.py`` writes."""


@dataclass(frozen=True)
class Record:
    states: list[tuple[np.ndarray, np.ndarray]]  # (w, b) at each Linear.forward call of the loop, as recorded
    calls: int  # Linear.forward calls of the loop (states past the recording cap are not kept)
    total_calls: int  # Linear.forward calls in all (a gradcheck, an evaluation on other data...)
    last_calls: int  # calls of the last segment (where a crash happened)
    x: np.ndarray | None
    y: np.ndarray | None
    data_changed: bool
    logged: list[tuple[str, float | None, int | None, int]]  # (tag, value, step, Linear.forward calls so far)
    numbers: dict[str, float]
    sampled: bool  # parameters sampled by name at add_scalar (no Linear.forward call seen)
    final: dict[str, np.ndarray] = field(default_factory=dict)
    error: dict[str, Any] | None = None
    loop_cell: int | None = None  # a notebook: the cell of the loop's last call
    error_cell: int | None = None  # a notebook: the cell that raised


def _array(value: Any, what: str) -> np.ndarray | None:
    if value is None:
        return None
    if not isinstance(value, torch.Tensor):
        raise BadRecord(f"{what} is not a tensor")
    return value.detach().to(torch.float64).numpy()


def read(value: Any) -> Record:
    if not isinstance(value, dict):
        raise BadRecord("the record is not an object")
    segments = value.get("segments")
    if not isinstance(segments, list) or not all(isinstance(seg, dict) for seg in segments):
        raise BadRecord("segments is not a list of objects")
    parsed = [_segment(seg) for seg in segments]
    loop = max(parsed, key=lambda seg: seg[3], default=([], None, None, 0, None))  # the most calls: the loop
    states, x, y, calls, loop_cell = loop
    dropped = value.get("dropped") if type(value.get("dropped")) is int else 0
    logged = []
    raw_logged = value.get("logged", [])
    if not isinstance(raw_logged, list):
        raise BadRecord("logged is not a list")
    for entry in raw_logged:
        if not (isinstance(entry, (list, tuple)) and len(entry) == 4):
            raise BadRecord("a logged scalar is not (tag, value, step, calls)")
        tag, number, step, seen = entry
        number = float(number) if isinstance(number, (int, float)) and not isinstance(number, bool) else None
        logged.append((str(tag)[:100], number, step if type(step) is int else None,
                       seen if type(seen) is int else 0))
    numbers = value.get("numbers", {})
    if not isinstance(numbers, dict):
        raise BadRecord("numbers is not an object")
    final = value.get("final", {})
    if not isinstance(final, dict):
        raise BadRecord("final is not an object")
    error = value.get("error")
    total = value.get("calls")
    return Record(
        states=states, calls=calls, total_calls=total if type(total) is int and total >= 0 else calls,
        last_calls=parsed[-1][3] if parsed else 0, x=x, y=y,
        data_changed=calls <= 1 and dropped + len(parsed) > 2,
        logged=logged,
        numbers={str(k)[:60]: float(v) for k, v in list(numbers.items())[:200]
                 if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)},
        sampled=value.get("sampled") is True,
        final={k: a for k, a in ((k, _array(v, k)) for k, v in final.items() if k in ("w", "b", "x", "y"))
               if a is not None},
        error=error if isinstance(error, dict) else None,
        loop_cell=loop_cell, error_cell=_cell(value.get("error_cell")),
    )


def _cell(value: Any) -> int | None:
    return value if type(value) is int and value > 0 else None


def _segment(seg: dict) -> tuple[list[tuple[np.ndarray, np.ndarray]], np.ndarray | None, np.ndarray | None, int,
                                 int | None]:
    states = seg.get("states")
    if not isinstance(states, list):
        raise BadRecord("a segment's states is not a list")
    out = []
    for state in states:
        if not (isinstance(state, (list, tuple)) and len(state) == 2):
            raise BadRecord("a state is not (w, b)")
        w, b = _array(state[0], "w"), _array(state[1], "b")
        if w is None or b is None:
            raise BadRecord("a state without w or b")
        out.append((w, b))
    calls = seg.get("calls")
    x, y, other = _array(seg.get("x"), "x"), _array(seg.get("y"), "y"), _array(seg.get("yhat"), "yhat")
    return out, x, _target(x, y, other, out), calls if type(calls) is int else len(out), _cell(seg.get("cell"))


def _target(x, y, other, states) -> np.ndarray | None:
    """The target of ``MSE.forward(ctx, a, b)``: ``b``, unless ``b`` is the prediction ``x w + b`` of the first
    state and ``a`` is not (``MSE.forward(ctx, y, yhat)``: the MSE is symmetric, some students swap them)."""
    if y is None or other is None or x is None or not states or y.shape != other.shape:
        return y
    w, b = states[0]
    try:
        with np.errstate(all="ignore"):
            prediction = x @ w + b.reshape(1, -1)
    except ValueError:
        return y
    if prediction.shape == y.shape and np.allclose(y, prediction, rtol=1e-4, atol=1e-5) \
            and not np.allclose(other, prediction, rtol=1e-4, atol=1e-5):
        return other
    return y


def epsilon_of(numbers: dict[str, float], k: float, p: int, accepted: tuple[float, ...]) -> tuple[str, float] | None:
    """The script's epsilon: a number of the script such that the measured step ``k`` is ``epsilon · c``
    for an accepted ``c`` (within 1 %); else the first number named like a step size; else None."""
    candidates = [(name, v) for name, v in numbers.items() if v > 0]
    for c in accepted:
        for name, v in sorted(candidates, key=lambda nv: _rank(nv[0])):
            if k > 0 and abs(k / (v * c) - 1) <= 0.01:
                return name, v
    named = sorted((nv for nv in candidates if _rank(nv[0]) < len(EPSILON_NAMES)), key=lambda nv: _rank(nv[0]))
    return named[0] if named else None


def _rank(name: str) -> int:
    low = name.lower()
    for i, known in enumerate(EPSILON_NAMES):
        if low == known or low.startswith(known):
            return i
    return len(EPSILON_NAMES)
