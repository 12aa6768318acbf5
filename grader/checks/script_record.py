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
    states: list[tuple[np.ndarray, np.ndarray]]  # (w, b) at each Linear.forward call, as recorded
    calls: int  # Linear.forward calls in all (states past the recording cap are not kept)
    x: np.ndarray | None
    y: np.ndarray | None
    data_changed: bool
    logged: list[tuple[str, float | None, int | None, int]]  # (tag, value, step, Linear.forward calls so far)
    numbers: dict[str, float]
    sampled: bool  # parameters sampled by name at add_scalar (no Linear.forward call seen)
    final: dict[str, np.ndarray] = field(default_factory=dict)
    error: dict[str, Any] | None = None


def _array(value: Any, what: str) -> np.ndarray | None:
    if value is None:
        return None
    if not isinstance(value, torch.Tensor):
        raise BadRecord(f"{what} is not a tensor")
    return value.detach().to(torch.float64).numpy()


def read(value: Any) -> Record:
    if not isinstance(value, dict):
        raise BadRecord("the record is not an object")
    steps = value.get("steps")
    if not isinstance(steps, list):
        raise BadRecord("steps is not a list")
    states = []
    for step in steps:
        if not (isinstance(step, (list, tuple)) and len(step) == 3):
            raise BadRecord("a step is not (w, b, call)")
        states.append((_array(step[0], "w"), _array(step[1], "b")))
    if any(w is None or b is None for w, b in states):
        raise BadRecord("a step without w or b")
    logged = []
    for entry in value.get("logged") or []:
        if not (isinstance(entry, (list, tuple)) and len(entry) == 4):
            raise BadRecord("a logged scalar is not (tag, value, step, calls)")
        tag, number, step, calls = entry
        number = float(number) if isinstance(number, (int, float)) and not isinstance(number, bool) else None
        logged.append((str(tag)[:100], number, step if type(step) is int else None,
                       calls if type(calls) is int else 0))
    numbers = value.get("numbers") or {}
    if not isinstance(numbers, dict):
        raise BadRecord("numbers is not an object")
    final = value.get("final") or {}
    if not isinstance(final, dict):
        raise BadRecord("final is not an object")
    error = value.get("error")
    calls = value.get("calls")
    return Record(
        states=states, calls=calls if type(calls) is int and calls >= 0 else len(states),
        x=_array(value.get("x"), "x"), y=_array(value.get("y"), "y"),
        data_changed=bool(value.get("x_changed")) or bool(value.get("y_changed")),
        logged=logged,
        numbers={str(k)[:60]: float(v) for k, v in list(numbers.items())[:200]
                 if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)},
        sampled=value.get("sampled") is True,
        final={k: a for k, a in ((k, _array(v, k)) for k, v in final.items() if k in ("w", "b", "x", "y"))
               if a is not None},
        error=error if isinstance(error, dict) else None,
    )


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
