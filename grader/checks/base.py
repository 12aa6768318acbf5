"""How a check is declared and what it returns.

A check is a function ``fn(ctx: CheckContext) -> Outcome`` declared once with
:func:`check` (id, name, points come from the config, time limit, the
student names it needs). It calls the student's code only through
``ctx.student`` and computes its verdict itself. It never prints. When the
student's code raises, hangs or crashes, the proxy raises and the runner turns
that into ``error`` / ``timeout``.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import Any, Callable

import torch

from grader.config import GradingConfig
from grader.sandbox.session import LoadInfo
from grader.sandbox.student import Student


@dataclass
class Outcome:
    """What a check found. ``passed`` False means the student's answer is wrong."""

    passed: bool
    message: str
    details: dict[str, Any] = field(default_factory=dict)
    hints: list[str] = field(default_factory=list)


@dataclass
class CheckContext:
    student: Student
    config: GradingConfig
    load: LoadInfo
    check_id: str
    data: Any = None  # (grader.data.HousingSplit, grader.data.Optimum) for the training checks

    def generator(self, salt: str = "") -> torch.Generator:
        """A torch generator seeded from the run seed and the check id (stable across runs)."""
        g = torch.Generator()
        g.manual_seed(self.config.seed * 1_000_003 + zlib.crc32(f"{self.check_id}/{salt}".encode()))
        return g

    def randn(self, *shape: int, salt: str = "", dtype=torch.float64) -> torch.Tensor:
        return torch.randn(*shape, generator=self.generator(salt + str(shape)), dtype=dtype)

    @property
    def student_seed(self) -> int:
        """Seed set in the student process before a training call (its random init)."""
        return self.config.seed


@dataclass(frozen=True)
class CheckSpec:
    id: str
    name: str
    fn: Callable[[CheckContext], Outcome]
    needs: tuple[str, ...] = ()  # e.g. ("tp1.MSE",): skipped when not found by `load`
    timeout: str = "check"  # "check" or "training": which configured limit applies
    needs_data: bool = False

    def timeout_s(self, config: GradingConfig) -> float:
        return config.training_timeout_s if self.timeout == "training" else config.check_timeout_s


REGISTRY: list[CheckSpec] = []


def check(id: str, name: str, *, needs: tuple[str, ...] = (), timeout: str = "check",
          needs_data: bool = False) -> Callable[[Callable[[CheckContext], Outcome]], Callable]:
    """Declare a check. The declaration order is the report order."""

    def register(fn: Callable[[CheckContext], Outcome]) -> Callable[[CheckContext], Outcome]:
        if any(spec.id == id for spec in REGISTRY):
            raise ValueError(f"check {id!r} declared twice")
        REGISTRY.append(CheckSpec(id, name, fn, needs, timeout, needs_data))
        return fn

    return register
