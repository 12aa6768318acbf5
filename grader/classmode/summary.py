"""A class at a glance: one row per student, statistics per check. Pure data.

No Rich, no I/O, no torch here: :func:`summarize` turns the students' reports
into a :class:`ClassSummary`; ``grader.reporters.class_reports`` renders it
(gradebook CSV, summary JSON, terminal table) and computes nothing.
``grader check CLASS_DIR`` and ``grader merge REPORTS...`` build the same
summary from the same reports, so sharding a class across CI jobs and merging
gives what one run would have given.

Rules:

- A student is *graded* when there is a report and none of its checks is
  flagged ``internal_error`` (a bug of the grader or of the course's own
  checks, ``course_error``: not of the student). A
  student with no report (the grader failed on the submission) or with an
  internal error is listed with ``graded: false`` and a ``problem``, and is left
  out of every statistic (counts, pass rates, top failures, mean, median). A
  folder that is "not a submission" has a report (``load`` failed, 0 points):
  it is graded, and keeps the problem text it came with.
- Checks are listed in the order the reports give them (the reports' orders
  merged, so reports run with ``--only`` on different subsets still agree).
- ``pass_rate`` = passed / graded students whose report holds that check.
- ``top_failures``: among ``failed``, ``error`` and ``timeout`` results (not
  ``skipped``: its cause is reported by the check it depends on), the most
  frequent texts, where a result's text is its first hint when it has one
  (the hint names the mistake) else its message; at most 3, by count then text.
- ``max_score`` is the points available (the largest ``max_score`` among
  graded reports), not the best student's score. With nobody graded the mean,
  median and maximum are 0.
- Same input, same output: students are sorted by name (accents and case
  ignored, then the exact name), every tie is broken by text. A student name
  given twice raises ``ValueError`` (it would be counted twice).

The summary JSON (:meth:`ClassSummary.to_dict`)::

    {
      "summary_version": "1.0",
      "n_students": 3, "n_graded": 2,
      "mean_score": 15.5, "median_score": 15.5, "max_score": 20.0,
      "checks": [
        {"id": "mse.backward", "name": "MSE backward (direct call)", "max_score": 2.0,
         "counts": {"passed": 1, "failed": 1, "error": 0, "timeout": 0, "skipped": 0},
         "pass_rate": 0.5,
         "top_failures": [{"text": "your backward ignores grad_output: ...", "count": 1}]},
        ...
      ],
      "students": [
        {"student": "alice", "graded": true, "score": 20.0, "max_score": 20.0,
         "statuses": {"load": "passed", "mse.forward": "passed", ...},
         "report": "grader-reports/alice.json", "problem": null},
        {"student": "carol", "graded": false, "score": 0.0, "max_score": 20.0,
         "statuses": {}, "report": null,
         "problem": "internal error of the grader: RuntimeError: ..."},
        ...
      ]
    }

``counts`` always has the five statuses, in the order of
:class:`grader.model.Status`; ``statuses`` of a student holds the checks of
their report only (none when there is no report).
"""

from __future__ import annotations

import os
import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from grader.model import Status, SubmissionReport

SUMMARY_VERSION = "1.0"
FAILURE_STATUSES = (Status.FAILED, Status.ERROR, Status.TIMEOUT)
TOP_FAILURES = 3


@dataclass(frozen=True)
class StudentRow:
    student: str
    score: float
    max_score: float
    statuses: Mapping[str, str]  # check id -> status value
    report: str | None  # path of the student's JSON report, if any
    graded: bool  # False when the grader itself failed on this submission; such a row has a `problem`
    problem: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"student": self.student, "graded": self.graded, "score": self.score,
                "max_score": self.max_score, "statuses": dict(self.statuses), "report": self.report,
                "problem": self.problem}


@dataclass(frozen=True)
class CheckStats:
    id: str
    name: str
    max_score: float
    counts: Mapping[str, int]  # status value -> number of graded students
    pass_rate: float  # passed / graded students whose report holds this check
    top_failures: tuple[tuple[str, int], ...]  # (first hint or message, count), most frequent first, at most 3

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "max_score": self.max_score, "counts": dict(self.counts),
                "pass_rate": self.pass_rate,
                "top_failures": [{"text": text, "count": n} for text, n in self.top_failures]}


@dataclass(frozen=True)
class ClassSummary:
    students: tuple[StudentRow, ...]  # sorted by student name
    checks: tuple[CheckStats, ...]  # in check order of the reports
    mean_score: float
    median_score: float
    max_score: float  # points available, not the best score
    n_students: int
    n_graded: int

    @property
    def check_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.checks)

    def to_dict(self) -> dict[str, Any]:
        """The summary JSON; its shape is documented in the module docstring."""
        return {
            "summary_version": SUMMARY_VERSION,
            "n_students": self.n_students,
            "n_graded": self.n_graded,
            "mean_score": self.mean_score,
            "median_score": self.median_score,
            "max_score": self.max_score,
            "checks": [c.to_dict() for c in self.checks],
            "students": [s.to_dict() for s in self.students],
        }


def sort_key(name: str) -> tuple[str, str]:
    """Alphabetical for people: accents and case ignored first (É with E), the exact name breaks ties."""
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))
    return plain.casefold(), name


def failure_text(hints: Sequence[str], message: str) -> str:
    """What a failed result is counted under: its first hint (it names the mistake), else its message."""
    for hint in hints:
        if hint.strip():
            return hint.strip()
    return message.strip() or "(no message)"


def _internal_error(report: SubmissionReport) -> str | None:
    for check in report.checks:
        if check.details.get("course_error"):  # the course's own check is broken (grader.coursechecks)
            return f"the course's check {check.id} is broken: {check.message}"
        if check.details.get("internal_error"):
            return f"internal error of the grader in {check.id}: {check.message}"
    return None


def _check_order(reports: Sequence[SubmissionReport]) -> list[str]:
    """The reports' check orders merged: a stable topological sort (ties: first seen)."""
    first_seen: dict[str, int] = {}
    after: dict[str, set[str]] = {}
    for report in reports:
        ids = [c.id for c in report.checks]
        for cid in ids:
            first_seen.setdefault(cid, len(first_seen))
            after.setdefault(cid, set())
        for a, b in zip(ids, ids[1:]):
            if a != b:
                after[a].add(b)
    indegree = {cid: 0 for cid in first_seen}
    for a, successors in after.items():
        for b in successors:
            indegree[b] += 1
    order: list[str] = []
    remaining = set(first_seen)
    while remaining:
        ready = [cid for cid in remaining if indegree[cid] == 0]
        # Inconsistent orders (a cycle): take the first seen of what is left.
        cid = min(ready or remaining, key=first_seen.__getitem__)
        order.append(cid)
        remaining.discard(cid)
        for b in after[cid]:
            indegree[b] -= 1
    return order


def _round(x: float) -> float:
    return round(float(x), 6)


def summarize(reports: Sequence[tuple[str, SubmissionReport | None, str | os.PathLike | None, str | None]]
              ) -> ClassSummary:
    """The class summary of ``(student, report or None, JSON report path or None, problem or None)`` items."""
    items = sorted(reports, key=lambda item: sort_key(item[0]))
    seen: set[str] = set()
    for name, *_ in items:
        if name in seen:
            raise ValueError(f"student {name!r} appears twice")
        seen.add(name)

    with_report = [report for _, report, _, _ in items if report is not None]
    graded_reports = [r for r in with_report if _internal_error(r) is None]
    points = _round(max((r.max_score for r in graded_reports), default=0.0))

    rows = []
    for name, report, path, problem in items:
        if report is None:
            rows.append(StudentRow(name, 0.0, points, {}, None if path is None else str(path), False,
                                   problem or "no report (the grader failed on this submission)"))
            continue
        internal = _internal_error(report)
        rows.append(StudentRow(
            student=name,
            score=_round(report.score),
            max_score=_round(report.max_score),
            statuses={c.id: c.status.value for c in report.checks},
            report=None if path is None else str(path),
            graded=internal is None,
            problem=problem if internal is None else (f"{problem}; {internal}" if problem else internal),
        ))

    checks = []
    for cid in _check_order(with_report):
        results = [c for r in graded_reports for c in r.checks if c.id == cid]
        named = [c for r in with_report for c in r.checks if c.id == cid]
        counts = Counter(c.status for c in results)
        failures = Counter(failure_text(c.hints, c.message) for c in results if c.status in FAILURE_STATUSES)
        top = sorted(failures.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_FAILURES]
        checks.append(CheckStats(
            id=cid,
            name=named[0].name,
            max_score=_round(max(c.max_score for c in (results or named))),
            counts={s.value: counts.get(s, 0) for s in Status},
            pass_rate=_round(counts.get(Status.PASSED, 0) / len(results)) if results else 0.0,
            top_failures=tuple(top),
        ))

    scores = [row.score for row in rows if row.graded]
    return ClassSummary(
        students=tuple(rows),
        checks=tuple(checks),
        mean_score=_round(statistics.fmean(scores)) if scores else 0.0,
        median_score=_round(statistics.median(scores)) if scores else 0.0,
        max_score=points,
        n_students=len(rows),
        n_graded=len(scores),
    )
