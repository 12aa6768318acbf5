"""The pytest plugins the grader passes to ``pytest.main``: markers, what is collected, the ``student`` fixture.

:class:`CollectPlugin` (``grader checks`` and the start of a run) registers the markers, keeps pytest away
from everything that is not the course's (:meth:`~CollectPlugin.pytest_ignore_collect`) and records the
items collected. :class:`RunPlugin` (one per hand-in graded) adds the ``student`` fixture, deselects the
checks this run does not grade, seeds the random generators before each check and classifies every
exception a check raised (:mod:`grader.coursechecks.outcome`) into the check's pytest-json-report record,
from which :mod:`grader.coursechecks.run` builds the results.
"""

from __future__ import annotations

import random
import zlib
from pathlib import Path
from typing import Any, Callable

import pytest

MARKERS = (
    "points(n): the check is worth n points (default 1); a [points] entry in grader.toml overrides it",
    "hidden: the check is hidden from students (run with --teacher and in class mode), as the built-in hidden checks",
)
GRADER_TESTS = Path(__file__).resolve().parents[2] / "tests"  # the grader's own tests, in a source checkout


def check_id(item: Any) -> str:
    """``course.<test name without test_>``, with ``[<param id>]`` for a case of a parametrized test."""
    from grader.coursechecks.suite import PREFIX

    name = getattr(item, "originalname", None) or item.name.split("[")[0]
    base = name[len("test_"):] if name.startswith("test_") else name
    callspec = getattr(item, "callspec", None)
    return f"{PREFIX}{base}[{callspec.id}]" if callspec is not None else f"{PREFIX}{base}"


class CollectPlugin:
    """Markers, exclusions, and the items pytest collected (as ``self.items``) or could not collect."""

    def __init__(self, course_paths: tuple[str, ...], excluded: tuple[str, ...] = ()):
        self.course_paths = tuple(Path(p).resolve() for p in course_paths)
        self.excluded = tuple(Path(p).resolve() for p in excluded)
        self.items: list[Any] = []
        self.errors: list[tuple[str, str]] = []  # (where, what pytest said)

    @pytest.hookimpl(trylast=True)
    def pytest_configure(self, config) -> None:
        for line in MARKERS:
            config.addinivalue_line("markers", line)
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:  # pytest prints nothing: the grader's reporters say what happened
            config.pluginmanager.unregister(reporter)

    def pytest_ignore_collect(self, collection_path: Path, config) -> bool | None:
        """Never a hand-in (the folder graded, a class folder, any folder holding a tp1.py below the course
        paths) nor the grader's own tests: a conftest.py or a test file in them is never loaded."""
        path = collection_path.resolve()
        if any(path == root or root in path.parents for root in self.excluded):
            return True
        if path == GRADER_TESTS or GRADER_TESTS in path.parents:
            return True
        if path not in self.course_paths and path.is_dir() and (path / "tp1.py").exists():
            return True
        return None

    def pytest_collectreport(self, report) -> None:
        if report.failed:
            self.errors.append((report.nodeid or str(report.fspath), str(report.longrepr)))

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list) -> None:
        self.items = list(items)


class RunPlugin(CollectPlugin):
    """A run against one student: the ``student`` fixture, the checks selected, outcomes classified."""

    def __init__(self, course_paths: tuple[str, ...], excluded: tuple[str, ...], selected: set[str],
                 make_student: Callable[[str], Any], classify: Callable[[BaseException, str], dict | None],
                 seed: int):
        super().__init__(course_paths, excluded)
        self.selected = selected
        self.make_student = make_student
        self.classify = classify
        self.seed = seed

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, config, items: list) -> None:
        keep = [item for item in items if check_id(item) in self.selected]
        dropped = [item for item in items if check_id(item) not in self.selected]
        if dropped:
            config.hook.pytest_deselected(items=dropped)
        items[:] = keep
        self.items = keep

    @pytest.fixture
    def student(self, request):
        """The student's code, in its sandboxed process (:class:`grader.coursechecks.proxy.CourseStudent`)."""
        return self.make_student(check_id(request.node))

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item) -> None:
        """Each check starts from the same random state, whatever ran before it (``seed`` and its id)."""
        import numpy as np
        import torch

        seed = (self.seed * 1_000_003 + zlib.crc32(check_id(item).encode())) % (2**31)
        random.seed(seed)
        np.random.seed(seed)
        torch.manual_seed(seed)

    def pytest_json_runtest_metadata(self, item, call) -> dict | None:
        """pytest-json-report's hook: what the exception of this stage means for the grade, as JSON data."""
        if call.excinfo is None:
            return None
        try:
            verdict = self.classify(call.excinfo.value, call.when)
        except Exception as exc:  # a bug of the grader: this check's error, flagged, and the run goes on
            verdict = {"status": "error", "message": f"internal error of the grader: {type(exc).__name__}: {exc}",
                       "details": {"internal_error": True}, "hints": []}
        return {f"grader_{call.when}": verdict}

