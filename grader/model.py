"""The result model: plain frozen data that every reporter consumes.

No Rich, no torch here. Checks produce :class:`CheckResult` records through the
runner; reporters render a :class:`SubmissionReport` and compute nothing.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Mapping

SCHEMA_VERSION = "1.2"  # 1.1: per-check "visibility", report "withheld"; 1.2: "submission.lms_id" (older reports load)


class Status(str, enum.Enum):
    """Outcome of one check. The string values are part of the JSON schema."""

    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"  # the student's code raised or its process crashed
    TIMEOUT = "timeout"  # the student's code did not finish within the check's limit
    SKIPPED = "skipped"  # a prerequisite is missing; the message says which

    def __str__(self) -> str:  # pragma: no cover - convenience
        return self.value


class Visibility(str, enum.Enum):
    """Who may see a check's result. The string values are part of the JSON schema (and Gradescope's)."""

    VISIBLE = "visible"
    HIDDEN = "hidden"  # run in teacher mode only; student-mode reports leave the check out entirely


@dataclass(frozen=True)
class CheckResult:
    id: str
    name: str
    status: Status
    score: float
    max_score: float
    message: str
    duration_s: float
    details: Mapping[str, Any] = field(default_factory=dict)
    hints: tuple[str, ...] = ()
    visibility: Visibility = Visibility.VISIBLE

    @property
    def passed(self) -> bool:
        return self.status is Status.PASSED


@dataclass(frozen=True)
class SubmissionInfo:
    path: str
    name: str
    files: Mapping[str, str]  # file name -> sha256 of its content
    lms_id: str | None = None  # the LMS's participant id (Moodle's _<id>_ folder names), in a class run


@dataclass(frozen=True)
class Withheld:
    """What a student-mode run left out: how many hidden checks and their points, nothing else."""

    checks: int = 0
    max_score: float = 0.0


@dataclass(frozen=True)
class SubmissionReport:
    grader_version: str
    submission: SubmissionInfo
    started_at: str  # ISO 8601, UTC
    duration_s: float
    environment: Mapping[str, Any]
    checks: tuple[CheckResult, ...]
    warnings: tuple[str, ...] = ()
    schema_version: str = SCHEMA_VERSION
    withheld: Withheld = Withheld()  # hidden checks not run (student mode); not part of score / max_score

    @property
    def score(self) -> float:
        return round(sum(c.score for c in self.checks), 6)

    @property
    def max_score(self) -> float:
        return round(sum(c.max_score for c in self.checks), 6)

    @property
    def all_passed(self) -> bool:
        return all(c.passed for c in self.checks)

    def check(self, check_id: str) -> CheckResult:
        for c in self.checks:
            if c.id == check_id:
                return c
        raise KeyError(check_id)
