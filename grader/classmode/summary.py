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
  (the hint names the mistake) else its message; at most 3, by count then text;
  each with the students it concerns (their ``student`` labels, in class order).
- Students of the same name (two Moodle ``Jean Dupont``) are told apart by their
  LMS id: ``student`` is the name, or ``"Jean Dupont (123456)"`` when another
  student has that name too; ``name`` and ``lms_id`` are kept apart as well.
- ``max_score`` is the points available (the largest ``max_score`` among
  graded reports), not the best student's score. With nobody graded the mean,
  median and maximum are 0.
- Same input, same output: students are sorted by name (accents and case
  ignored, then the exact name), every tie is broken by text. A student name
  given twice with the same LMS id (or none) raises ``ValueError`` (it would be counted twice).

The summary JSON (:meth:`ClassSummary.to_dict`)::

    {
      "summary_version": "1.1",
      "n_students": 3, "n_graded": 2,
      "mean_score": 15.5, "median_score": 15.5, "max_score": 20.0,
      "checks": [
        {"id": "mse.backward", "name": "MSE backward (direct call)", "max_score": 2.0,
         "counts": {"passed": 1, "failed": 1, "error": 0, "timeout": 0, "skipped": 0},
         "pass_rate": 0.5,
         "top_failures": [{"text": "your backward ignores grad_output: ...", "count": 1,
                           "students": ["bob"]}]},
        ...
      ],
      "students": [
        {"student": "alice", "name": "alice", "lms_id": null, "graded": true, "score": 20.0, "max_score": 20.0,
         "statuses": {"load": "passed", "mse.forward": "passed", ...},
         "report": "grader-reports/alice.json", "problem": null},
        {"student": "carol", "name": "carol", "lms_id": null, "graded": false, "score": 0.0, "max_score": 20.0,
         "statuses": {}, "report": null,
         "problem": "internal error of the grader: RuntimeError: ..."},
        ...
      ]
    }

``counts`` always has the five statuses, in the order of
:class:`grader.model.Status`; ``statuses`` of a student holds the checks of
their report only (none when there is no report). Version 1.1 added ``name``,
``lms_id`` and the ``students`` of each top failure.
"""

from __future__ import annotations

import os
import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Any, Mapping, NamedTuple, Sequence

from grader.model import Status, SubmissionReport

SUMMARY_VERSION = "1.1"
FAILURE_STATUSES = (Status.FAILED, Status.ERROR, Status.TIMEOUT)
TOP_FAILURES = 3


class ClassEntry(NamedTuple):
    """One student of a class as :func:`summarize` takes it (a plain 4-tuple without ``lms_id`` works too)."""

    student: str  # the name (Moodle's "Firstname Lastname", a folder name...)
    report: SubmissionReport | None
    report_path: str | os.PathLike | None
    problem: str | None = None
    lms_id: str | None = None


@dataclass(frozen=True)
class StudentRow:
    student: str  # unique label: the name, with the LMS id in parentheses when another student has that name
    score: float
    max_score: float
    statuses: Mapping[str, str]  # check id -> status value
    report: str | None  # path of the student's JSON report, if any
    graded: bool  # False when the grader itself failed on this submission; such a row has a `problem`
    problem: str | None = None
    name: str = ""  # the name as found, when the label differs from it (homonyms); else ""
    lms_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"student": self.student, "name": self.name or self.student, "lms_id": self.lms_id,
                "graded": self.graded, "score": self.score, "max_score": self.max_score,
                "statuses": dict(self.statuses), "report": self.report, "problem": self.problem}


class Failure(NamedTuple):
    text: str  # the first hint, else the message
    count: int
    students: tuple[str, ...] = ()  # their labels (StudentRow.student), in class order


@dataclass(frozen=True)
class CheckStats:
    id: str
    name: str
    max_score: float
    counts: Mapping[str, int]  # status value -> number of graded students
    pass_rate: float  # passed / graded students whose report holds this check
    top_failures: tuple[Failure, ...]  # most frequent first, at most 3

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "max_score": self.max_score, "counts": dict(self.counts),
                "pass_rate": self.pass_rate,
                "top_failures": [{"text": f.text, "count": f.count, "students": list(f.students)}
                                 for f in self.top_failures]}


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


def _row(text: str, entry: ClassEntry, points: float) -> StudentRow:
    path = None if entry.report_path is None else str(entry.report_path)
    if entry.report is None:
        return StudentRow(text, 0.0, points, {}, path, False,
                          entry.problem or "no report (the grader failed on this submission)",
                          "" if text == entry.student else entry.student, entry.lms_id)
    internal = _internal_error(entry.report)
    problem = entry.problem
    return StudentRow(
        student=text,
        score=_round(entry.report.score),
        max_score=_round(entry.report.max_score),
        statuses={c.id: c.status.value for c in entry.report.checks},
        report=path,
        graded=internal is None,
        problem=problem if internal is None else (f"{problem}; {internal}" if problem else internal),
        name="" if text == entry.student else entry.student,
        lms_id=entry.lms_id,
    )


def label(name: str, lms_id: str | None, homonym: bool) -> str:
    """How a student is named in class outputs: ``name``, or ``"name (lms_id)"`` when another has that name."""
    return f"{name} ({lms_id})" if homonym and lms_id else name


def summarize(reports: Sequence[ClassEntry | tuple]) -> ClassSummary:
    """The class summary of :class:`ClassEntry` items (``(student, report or None, JSON report path or None,
    problem or None[, lms_id])``)."""
    entries = [ClassEntry(*item) for item in reports]
    names = Counter(e.student for e in entries)
    labelled = sorted(((label(e.student, e.lms_id, names[e.student] > 1), e) for e in entries),
                      key=lambda le: (*sort_key(le[1].student), le[1].lms_id or "", le[0]))
    seen: set[str] = set()
    for text, _ in labelled:
        if text in seen:
            raise ValueError(f"student {text!r} appears twice")
        seen.add(text)

    with_report = [e.report for _, e in labelled if e.report is not None]
    graded_reports = [r for r in with_report if _internal_error(r) is None]
    points = _round(max((r.max_score for r in graded_reports), default=0.0))
    rows = [_row(text, e, points) for text, e in labelled]
    graded_by_label = [(text, e.report) for text, e in labelled
                       if e.report is not None and _internal_error(e.report) is None]

    checks = []
    for cid in _check_order(with_report):
        results = [c for r in graded_reports for c in r.checks if c.id == cid]
        named = [c for r in with_report for c in r.checks if c.id == cid]
        counts = Counter(c.status for c in results)
        who: dict[str, list[str]] = {}
        for text, report in graded_by_label:
            for c in report.checks:
                if c.id == cid and c.status in FAILURE_STATUSES:
                    who.setdefault(failure_text(c.hints, c.message), []).append(text)
        top = sorted(who.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:TOP_FAILURES]
        checks.append(CheckStats(
            id=cid,
            name=named[0].name,
            max_score=_round(max(c.max_score for c in (results or named))),
            counts={s.value: counts.get(s, 0) for s in Status},
            pass_rate=_round(counts.get(Status.PASSED, 0) / len(results)) if results else 0.0,
            top_failures=tuple(Failure(text, len(students), tuple(students)) for text, students in top),
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


def distribution(summary: ClassSummary, max_bins: int = 40) -> list[tuple[str, int]]:
    """How many graded students per score: one bin per point, 0 .. the points available (a score of 17.5
    counts in 17), or ``max_bins`` equal bins labelled by their lower bound when there are more points."""
    top = summary.max_score
    scores = [row.score for row in summary.students if row.graded]
    if top <= max_bins:
        n = int(top) + 1
        counts = [0] * n
        for score in scores:
            counts[min(max(int(score), 0), n - 1)] += 1
        return [(str(i), c) for i, c in enumerate(counts)]
    width = top / max_bins
    counts = [0] * max_bins
    for score in scores:
        counts[min(max(int(score / width), 0), max_bins - 1)] += 1
    return [(f"{i * width:g}", c) for i, c in enumerate(counts)]
