"""Known wrong answers: the grader computes them from the same inputs and names the one that matches.

Diagnoses never read the student's source: a candidate is a value the grader
computes itself (e.g. the gradient without ``grad_output``); when the
student's value equals it, the candidate's hint is given. Every diagnosis has
a stable id (``mse.ignores_grad_output``), kept in the JSON report as
``details["diagnosis"]``; its hint is the catalogue entry ``hint.<id>``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

import torch

from grader.compare import close
from grader.i18n import Msg


@dataclass(frozen=True)
class Known:
    id: str  # stable diagnosis id, e.g. "mse.ignores_grad_output"
    value: Any  # a tensor, or a tuple of tensors / None
    params: Mapping[str, Any] = field(default_factory=dict)  # parameters of the hint

    @property
    def hint(self) -> Msg:
        return hint(self.id, **self.params)


def hint(diagnosis: str, **params: Any) -> Msg:
    """The hint of a diagnosis id."""
    return Msg("hint." + diagnosis, **params)


def _matches(expected: Any, got: Any) -> bool:
    if expected is None:
        return got is None
    if isinstance(expected, tuple):
        return (isinstance(got, (tuple, list)) and len(got) == len(expected)
                and all(_matches(e, g) for e, g in zip(expected, got)))
    return isinstance(got, torch.Tensor) and close(expected, got, rtol=1e-5, atol=1e-7)


def diagnose(got: Any, catalogue: Iterable[Known]) -> Known | None:
    """The first known mistake whose value equals ``got``."""
    for known in catalogue:
        if _matches(known.value, got):
            return known
    return None


def diagnosis(details: dict[str, Any], diagnosis_id: str, **params: Any) -> list[Msg]:
    """Record the diagnosis ``diagnosis_id`` in ``details`` and return its hint, as a list."""
    details["diagnosis"] = diagnosis_id
    return [hint(diagnosis_id, **params)]


def diagnosed(details: dict[str, Any], known: Known | None) -> list[Msg]:
    """Record ``known`` in ``details`` and return its hint as a list.

    When no known mistake matched but the comparison in ``details["mismatch"]`` found a result of lower
    precision than the inputs (float16, bfloat16 for float64 inputs; see :mod:`grader.compare`), that is
    the diagnosis (``compare.low_precision``); otherwise the list is empty.
    """
    if known is not None:
        return diagnosis(details, known.id, **known.params)
    lowered = (details.get("mismatch") or {}).get("lowered_precision")
    return diagnosis(details, "compare.low_precision", **lowered) if lowered else []
