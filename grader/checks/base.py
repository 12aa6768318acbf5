"""How a check is declared and what it returns.

A check is a function ``fn(ctx: CheckContext) -> Outcome`` declared once with
:func:`check` (id, time limit, the student names it needs; its name is in the
message catalogues, its points in the config). It calls the student's code only through
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
from grader.i18n import Msg, render
from grader.sandbox.session import LoadInfo
from grader.sandbox.student import Student


@dataclass
class Outcome:
    """What a check found. ``passed`` False means the student's answer is wrong.

    ``message`` and ``hints`` are :class:`~grader.i18n.Msg` records; the runner renders them in
    the report's language. A diagnosis sets ``details["diagnosis"]`` to its id.
    """

    passed: bool
    message: Msg
    details: dict[str, Any] = field(default_factory=dict)
    hints: list[Msg] = field(default_factory=list)
    warnings: list[Msg] = field(default_factory=list)  # accepted, but said: they join the report's warnings


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
    fn: Callable[[CheckContext], Outcome]
    needs: tuple[str, ...] = ()  # e.g. ("tp1.MSE",): skipped when not found by `load`
    timeout: str = "check"  # "check" or "training": which configured limit applies
    needs_data: bool = False
    # When the student's code raises: (exception type, message) -> diagnosis id or None.
    on_error: Callable[[str, str], str | None] | None = None

    def title(self, lang: str = "en") -> str:
        """The check's name in ``lang`` (catalogue key ``check.<id>``)."""
        return render(Msg(f"check.{self.id}"), lang)

    @property
    def name(self) -> str:
        return self.title("en")

    def timeout_s(self, config: GradingConfig) -> float:
        return config.training_timeout_s if self.timeout == "training" else config.check_timeout_s


REGISTRY: list[CheckSpec] = []


def check(id: str, *, needs: tuple[str, ...] = (), timeout: str = "check", needs_data: bool = False,
          on_error: Callable[[str, str], str | None] | None = None
          ) -> Callable[[Callable[[CheckContext], Outcome]], Callable]:
    """Declare a check. The declaration order is the report order; its name is ``check.<id>`` in
    the catalogues."""

    def register(fn: Callable[[CheckContext], Outcome]) -> Callable[[CheckContext], Outcome]:
        if any(spec.id == id for spec in REGISTRY):
            raise ValueError(f"check {id!r} declared twice")
        REGISTRY.append(CheckSpec(id, fn, needs, timeout, needs_data, on_error))
        return fn

    return register
