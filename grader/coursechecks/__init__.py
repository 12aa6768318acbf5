"""A course's own checks, written as pytest tests (docs/course-checks.md).

- :mod:`~grader.coursechecks.suite`: where the checks are (``course_checks`` in grader.toml,
  ``--course-checks``), their collection (ids ``course.<name>[<param id>]``, ``points`` and ``hidden``
  markers) and how they join a :class:`~grader.config.GradingConfig` (points, visibility, ``--only``);
- :mod:`~grader.coursechecks.plugin`: the pytest plugin (markers, the ``student`` fixture, what is never
  collected: the hand-ins, the grader's own tests);
- :mod:`~grader.coursechecks.proxy`: the ``student`` fixture, the built-in checks' proxy to the sandboxed
  student process;
- :mod:`~grader.coursechecks.outcome`: an exception or a pytest outcome turned into a status, a message,
  details and hints;
- :mod:`~grader.coursechecks.run`: one pytest run per hand-in, in the grader's process, serialised by a
  lock (class mode grades hand-ins in threads; pytest.main is not thread-safe), outcomes collected with
  pytest-json-report and turned into :class:`~grader.model.CheckResult` records.
"""

from grader.coursechecks.suite import PREFIX, CourseCheck, CourseChecksError, CourseSuite, bind, collect, title

__all__ = ["PREFIX", "CourseCheck", "CourseChecksError", "CourseSuite", "bind", "collect", "title"]
