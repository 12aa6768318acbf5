"""Run a course's checks against one student's process: one ``pytest.main``, results as CheckResults.

Called by :func:`grader.runner.grade` after the built-in checks, in the same student session (the same
process, restarted if an earlier check killed it). The outcomes are collected with pytest-json-report
(``--json-report-file=none``: the report stays in memory, ``JSONReport.report``), the grader's verdict
for each exception riding in each test's metadata (:mod:`grader.coursechecks.outcome`).
"""

from __future__ import annotations

import time
from typing import Any, Callable

from grader.config import GradingConfig
from grader.coursechecks import invoke, outcome
from grader.coursechecks.suite import CourseSuite
from grader.model import CheckResult, Visibility


def run_course_checks(suite: CourseSuite, session, config: GradingConfig, load_info,
                      deadline: float | None = None) -> list[CheckResult]:
    """Every course check this run grades (``config.runs``), in the suite's order."""
    from pytest_jsonreport.plugin import JSONReport

    from grader.coursechecks.plugin import RunPlugin

    checks = [c for c in suite.checks if config.runs(c.id)]
    if not checks:
        return []
    lang = config.lang
    plugin = RunPlugin(suite.paths, suite.excluded, {c.id for c in checks},
                       _student_factory(session, config, load_info, deadline),
                       lambda exc, when: outcome.classify(exc, when, lang, session.output_tail), config.seed)
    report_plugin = JSONReport()
    from grader import testing

    with invoke.LOCK:  # (re-entrant) the helpers' language is this run's while it holds the lock
        testing._LANG["lang"] = lang
        try:
            code: int | str = invoke.main(suite.paths, [plugin, report_plugin], "--json-report-file=none",
                                          "--json-report-omit", "log", "streams", "warnings", "collectors")
        except Exception as exc:  # pytest itself failed: every course check says so, the report is still written
            code = f"{type(exc).__name__}: {exc}"
        finally:
            testing._LANG["lang"] = "en"
    records = {t["nodeid"]: t for t in (report_plugin.report or {}).get("tests", [])}
    results = []
    for check in checks:
        record = records.get(check.nodeid)
        if record is None:  # pytest stopped before this check (a file it cannot collect any more...)
            record = {"outcome": f"not run (pytest: {code})"}
        points = float(config.points.get(check.id, check.points))
        visibility = Visibility.HIDDEN if config.is_hidden(check.id) else Visibility.VISIBLE
        results.append(outcome.result(check, record, points, visibility, lang))
    return results


def _student_factory(session, config: GradingConfig, load_info, deadline: float | None) -> Callable[[str], Any]:
    """What the ``student`` fixture returns for a check: a fresh time limit, a running process."""
    from grader.coursechecks.proxy import CourseStudent, SubmissionTimeUp
    from grader.sandbox.student import Student

    def make(check_id: str) -> CourseStudent:
        limit = config.check_timeout_s
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise SubmissionTimeUp(config.submission_timeout_s)
            limit = min(limit, remaining)
        session.ensure_running()
        return CourseStudent(Student(session, limit), load_info, config.lang)

    return make
