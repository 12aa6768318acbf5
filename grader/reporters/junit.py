"""JUnit XML, the format CI test panels read (GitHub test-report actions, GitLab, Jenkins).

One ``<testsuite>`` per submission, named after the student, inside a ``<testsuites>`` root; one
``<testcase>`` per check (``classname`` "grader.<student>", ``name`` the check id, ``time`` its
duration). Statuses map as test runners use them:

- ``passed``: an empty testcase;
- ``failed``: ``<failure type="failed">`` (a wrong answer);
- ``error``: ``<error>`` with the student's exception type (their code raised or crashed);
- ``timeout``: ``<error type="timeout">`` (not a wrong answer: no answer at all);
- ``skipped``: ``<skipped>`` with the reason (the missing prerequisite).

So ``failures`` counts failed checks, ``errors`` error + timeout, ``skipped`` skipped. Points go
in ``<properties>`` (suite: score and max_score; case: score, max_score, visibility), and the
message and hints in the element's text; ``system-out`` carries them for passed checks too.
A class run writes every student in one file (:func:`class_xml`).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Iterable

from grader.model import Status, SubmissionReport
from grader.reporters.common import check_text, clean_text, counts, lang_of, points


def _first_line(text: str, limit: int = 300) -> str:
    line = text.splitlines()[0] if text else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _properties(parent: ET.Element, items: dict[str, str]) -> None:
    props = ET.SubElement(parent, "properties")
    for name, value in items.items():
        ET.SubElement(props, "property", name=name, value=clean_text(value))


def _testcase(suite: ET.Element, report: SubmissionReport, check) -> None:
    case = ET.SubElement(suite, "testcase", classname=f"grader.{clean_text(report.submission.name)}",
                         name=check.id, time=f"{check.duration_s:.3f}")
    _properties(case, {"score": points(check.score), "max_score": points(check.max_score),
                       "visibility": check.visibility.value, "status": check.status.value})
    text = check_text(check, lang_of(report))
    message = clean_text(_first_line(check.message))
    if check.status is Status.FAILED:
        ET.SubElement(case, "failure", message=message, type="failed").text = text
    elif check.status is Status.ERROR:
        kind = str(check.details.get("exception") or "error")
        ET.SubElement(case, "error", message=message, type=clean_text(kind)).text = text
    elif check.status is Status.TIMEOUT:
        ET.SubElement(case, "error", message=message, type="timeout").text = text
    elif check.status is Status.SKIPPED:
        ET.SubElement(case, "skipped", message=message)
    ET.SubElement(case, "system-out").text = f"{points(check.score)}/{points(check.max_score)} points\n{text}"


def testsuite(report: SubmissionReport) -> ET.Element:
    n = counts(report)
    suite = ET.Element("testsuite", name=f"grader: {clean_text(report.submission.name)}",
                       tests=str(len(report.checks)), failures=str(n[Status.FAILED]),
                       errors=str(n[Status.ERROR] + n[Status.TIMEOUT]), skipped=str(n[Status.SKIPPED]),
                       time=f"{report.duration_s:.3f}", timestamp=report.started_at)
    _properties(suite, {"score": points(report.score), "max_score": points(report.max_score),
                        "grader_version": report.grader_version,
                        "submission": report.submission.path})
    for check in report.checks:
        _testcase(suite, report, check)
    if report.warnings:
        ET.SubElement(suite, "system-err").text = clean_text("\n".join(report.warnings))
    return suite


def _document(suites: list[ET.Element], name: str) -> str:
    root = ET.Element("testsuites", name=name)
    for key in ("tests", "failures", "errors", "skipped"):
        root.set(key, str(sum(int(s.get(key, "0")) for s in suites)))
    root.set("time", f"{sum(float(s.get('time', '0')) for s in suites):.3f}")
    root.extend(suites)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def to_xml(report: SubmissionReport) -> str:
    return _document([testsuite(report)], "grader")


def class_xml(reports: Iterable[SubmissionReport]) -> str:
    """Every student's suite in one file, in the order given."""
    return _document([testsuite(r) for r in reports], "grader (class)")
