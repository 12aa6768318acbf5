"""Course checks graded for real: every status, ids and points, the student process shared with the built-in
checks, the example course folder on the reference and on a hand-in with a mistake, every report format, exit
codes, class mode. (Collection and configuration alone: tests/test_coursechecks_suite.py.)"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REFERENCE, ROOT, SUBMISSIONS, grade, statuses
from grader.coursechecks import collect

EXAMPLE = ROOT / "examples" / "course-checks"

STUDENT_EXTRAS = '''

def boom():
    raise ValueError("boom from the student")


def hang():
    while True:
        pass


def die():
    import os
    os._exit(3)


class MSEBad(torch.autograd.Function):
    @staticmethod
    def forward(ctx, yhat, y):
        ctx.save_for_backward(yhat, y)
        return ((yhat - y) ** 2).sum() / yhat.shape[0]

    @staticmethod
    def backward(ctx, grad_output):
        yhat, y = ctx.saved_tensors
        grad = 2 * (yhat - y) / yhat.shape[0]  # grad_output ignored
        return grad, -grad


mse_bad = MSEBad.apply
'''

STATUS_CHECKS = '''
import pytest
import torch

from grader.testing import assert_close, gradcheck


def row(*values):
    return torch.tensor([values], dtype=torch.float64)


@pytest.mark.points(2)
def test_passes(student):
    """MSE on one row"""
    assert_close(student.call("tp1.MSE.forward", student.new("tp1.Context"), row(1.0, 2.0), row(0.0, 0.0)), 5.0)


def test_assert_close_fails(student):
    got = student.call("tp1.MSE.forward", student.new("tp1.Context"), row(1.0, 2.0), row(0.0, 0.0))
    assert_close(got, 2.5, what="MSE.forward on one row")


def test_plain_assert(student):
    got = student.call("tp1.MSE.forward", student.new("tp1.Context"), row(1.0, 2.0), row(0.0, 0.0))
    assert float(got) == 2.5, "this course wants the element mean"


def test_skipped(student):
    pytest.skip("not graded this year")


def test_student_raises(student):
    student.call("tp1.boom")


def test_timeout(student):
    student.call("tp1.hang")


def test_crash(student):
    student.call("tp1.die")


def test_after_crash(student):
    assert_close(student.call("tp1.MSE.forward", student.new("tp1.Context"), row(1.0), row(0.0)), 1.0)


def test_missing_name(student):
    student.call("tp1.Nope.forward")


def test_broken(student):
    undefined_helper()  # noqa: F821 - the course's own bug


@pytest.fixture
def broken_fixture():
    raise RuntimeError("the course's fixture fails")


def test_broken_fixture(student, broken_fixture):
    pass


@pytest.mark.parametrize("q", [1, 3], ids=["q1", "q3"])
def test_param(student, q):
    yhat = torch.ones(q, 2, dtype=torch.float64)
    got = student.call("tp1.MSE.forward", student.new("tp1.Context"), yhat, torch.zeros(q, 2, dtype=torch.float64))
    assert_close(got, 2.0 / q, what=f"MSE.forward with q = {q}")  # right for q = 1 only: the course's mistake


@pytest.mark.hidden
@pytest.mark.points(3)
def test_secret(student):
    assert student.has("tp1.MSE") and not student.has("tp1.Nope")


def test_gradcheck_good(student):
    x = torch.randn(3, 2, dtype=torch.float64, requires_grad=True)
    y = torch.randn(3, 2, dtype=torch.float64, requires_grad=True)
    assert gradcheck(student, "tp1.mse", (x, y))


def test_gradcheck_bad(student):
    x = torch.randn(3, 2, dtype=torch.float64, requires_grad=True)
    y = torch.randn(3, 2, dtype=torch.float64, requires_grad=True)
    gradcheck(student, "tp1.mse_bad", (x, y), names=("yhat", "y"))
'''

EXPECTED = {
    "course.passes": "passed", "course.assert_close_fails": "failed", "course.plain_assert": "failed",
    "course.skipped": "skipped", "course.student_raises": "error", "course.timeout": "timeout",
    "course.crash": "error", "course.after_crash": "passed", "course.missing_name": "skipped",
    "course.broken": "error", "course.broken_fixture": "error", "course.param[q1]": "passed",
    "course.param[q3]": "failed", "course.secret": "passed", "course.gradcheck_good": "passed",
    "course.gradcheck_bad": "failed",
}


@pytest.fixture(scope="module")
def status_run(tmp_path_factory):
    """One hand-in (the reference and a few functions that raise, hang, crash) graded in teacher mode with the
    course checks above: the report, and the course folder."""
    root = tmp_path_factory.mktemp("statuses")
    course = root / "course"
    course.mkdir()
    (course / "test_statuses.py").write_text(STATUS_CHECKS, encoding="utf-8")
    handin = course / "submissions" / "student"  # inside the course's folder: still never collected
    shutil.copytree(REFERENCE, handin, ignore=shutil.ignore_patterns("__pycache__"))
    (handin / "tp1.py").write_text((REFERENCE / "tp1.py").read_text() + STUDENT_EXTRAS)
    loaded = root / "handin-conftest-was-loaded"  # a hand-in's conftest.py and tests are never loaded
    evil = f"import pytest\nopen({str(loaded)!r}, 'w').close()\n"
    (handin / "conftest.py").write_text(evil + "@pytest.fixture\ndef student():\n    return None\n\n"
                                        "@pytest.fixture(autouse=True)\ndef everything_passes():\n    pass\n")
    (handin / "test_free_points.py").write_text(evil + "def test_free():\n    pass\n")
    ids = collect([str(course)]).ids
    report = grade(handin, "load", *ids, course_checks=(str(course),), teacher=True, check_timeout_s=4.0)
    return report, course, handin


def test_every_status_of_a_course_check(status_run):
    report, _, _ = status_run
    got = statuses(report)
    assert list(got)[0] == "load" and list(got)[1:] == list(EXPECTED)  # after the built-in checks, in file order
    assert got == {"load": "passed", **EXPECTED}


def test_points_names_and_visibility(status_run):
    report, _, _ = status_run
    passes, secret, param = report.check("course.passes"), report.check("course.secret"), report.check("course.param[q3]")
    assert (passes.score, passes.max_score, passes.name) == (2.0, 2.0, "MSE on one row")
    assert (secret.score, secret.max_score, secret.visibility.value) == (3.0, 3.0, "hidden")
    assert (param.score, param.max_score, param.name) == (0.0, 1.0, "param[q3]")
    assert report.max_score == 2 + 3 + 14 * 1


def test_failures_carry_the_evidence(status_run):
    report, _, _ = status_run
    assert report.check("course.assert_close_fails").message == (
        "MSE.forward on one row: expected 2.5, got 5 (difference 2.5, relative 1); rtol=1e-07, atol=1e-07")
    plain = report.check("course.plain_assert").message
    assert plain.startswith("this course wants the element mean\nassert 5.0 == 2.5")  # pytest's rewritten assert
    bad = report.check("course.gradcheck_bad")
    assert bad.message == "gradcheck failed: backward not multiplied by grad_output"  # as the built-in check says
    assert any("multiply by grad_output" in hint for hint in bad.hints)
    assert bad.details["input_names"] == ["yhat", "y"] and bad.details["gradcheck_message"]


def test_student_failures_are_worded_as_for_the_builtin_checks(status_run):
    report, _, _ = status_run
    raised = report.check("course.student_raises")
    assert raised.message.startswith("calling boom raised ValueError: boom from the student (at tp1.py:")
    assert raised.details["exception"] == "ValueError" and not raised.details.get("internal_error")
    timeout = report.check("course.timeout")
    assert timeout.message == "your code did not finish within 4 s in hang (it was stopped)"
    crash = report.check("course.crash")
    assert crash.message.startswith("the student process crashed") and not crash.details.get("internal_error")
    assert report.environment["student_process_restarts"] == 2  # after the timeout and after the crash
    missing = report.check("course.missing_name")
    assert missing.message == "skipped: needs Nope in tp1.py, which `load` did not find"
    assert missing.details["prerequisites"] == ["tp1.Nope"]
    assert report.check("course.skipped").message == "skipped: not graded this year"


def test_a_broken_course_check_is_the_courses_fault(status_run):
    report, course, _ = status_run
    for cid, stage, kind in (("course.broken", "test function", "NameError"),
                             ("course.broken_fixture", "fixtures", "RuntimeError")):
        check = report.check(cid)
        assert check.details["internal_error"] and check.details["course_error"]
        assert check.details["exception"] == kind
        assert check.message.startswith(f"the course's check is broken (not the student's code): {kind}: ")
        assert f"in its {stage}, at {course / 'test_statuses.py'}:" in check.message
        assert any("test_statuses.py" in line for line in check.details["traceback"])
    assert not any(c.details.get("internal_error") for c in report.checks if c.id not in ("course.broken",
                                                                                          "course.broken_fixture"))


def test_nothing_is_written_in_the_course_folder_or_the_handin_nor_loaded_from_it(status_run):
    report, course, handin = status_run
    assert not (course.parent / "handin-conftest-was-loaded").exists()
    assert "course.free" not in statuses(report)
    for folder in (course, handin):
        assert not list(folder.rglob(".pytest_cache")) and not list(folder.rglob("__pycache__"))


# --- the example course folder, through the command line ------------------------------------------------------

def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grader", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=900)


COURSE_ONLY = ("--only", "load", "--only", "course.mse_one_example", "--only", "course.mse_lab_convention[4x3]",
               "--only", "course.linear_b_row_gradcheck", "--only", "course.linear_b_row_backward",
               "--only", "course.mse_two_contexts")


def test_example_on_a_handin_with_a_mistake_every_format(tmp_path):
    """bob's backward ignores grad_output: the course's one-example check fails with assert_close's evidence; the
    hidden check is withheld in student mode; the course checks are in every report format."""
    out = run_cli("check", str(SUBMISSIONS / "bob"), "--config", str(EXAMPLE / "grader.toml"), *COURSE_ONLY,
                  "--json", str(tmp_path / "bob.json"), "--format", "junit", "--format", "markdown",
                  "--format", "gradescope", "--html", str(tmp_path / "bob.html"), cwd=tmp_path)
    assert out.returncode == 1, out.stdout + out.stderr
    data = json.loads((tmp_path / "bob.json").read_text())
    checks = {c["id"]: c for c in data["checks"]}
    assert {k: c["status"] for k, c in checks.items()} == {
        "load": "passed", "course.linear_b_row_gradcheck": "passed", "course.linear_b_row_backward": "passed",
        "course.mse_one_example": "failed", "course.mse_lab_convention[4x3]": "passed"}
    assert checks["course.mse_one_example"]["message"].startswith(
        "MSE.backward on one example[0]: mismatched elements 2 / 3; greatest difference")
    assert checks["course.linear_b_row_backward"]["max_score"] == 3  # grader.toml's [points] beats the marker
    assert data["withheld"] == {"checks": 1, "max_score": 2.0}
    assert "course.mse_two_contexts" not in out.stdout + json.dumps(data)
    for suffix in (".junit.xml", ".md", ".gradescope.json"):
        text = next(tmp_path.glob(f"bob*{suffix}")).read_text()
        assert "course.mse_one_example" in text, suffix
    assert "course.mse_one_example" in (tmp_path / "bob.html").read_text()


def test_a_broken_course_check_exits_3(tmp_path):
    (tmp_path / "checks").mkdir()
    (tmp_path / "checks" / "test_x.py").write_text("def test_fine(student):\n    assert student.has('tp1.MSE')\n\n"
                                                  "def test_oops(student):\n    undefined_name\n")
    out = run_cli("check", str(REFERENCE), "--course-checks", str(tmp_path / "checks"), "--only", "load", "--only",
                  "course.fine", "--only", "course.oops", "--json", str(tmp_path / "r.json"), cwd=tmp_path)
    assert out.returncode == 3, out.stdout + out.stderr
    data = json.loads((tmp_path / "r.json").read_text())
    assert [c["status"] for c in data["checks"]] == ["passed", "passed", "error"]
    assert "the course's check is broken" in out.stdout


@pytest.mark.slow
def test_class_mode_gradebook_and_summary(tmp_path):
    klass = tmp_path / "class"
    for name in ("alice", "bob"):
        shutil.copytree(SUBMISSIONS / name, klass / name)
    out = run_cli("check", str(klass), "--course-checks", str(EXAMPLE), "--only", "load",
                  "--only", "course.mse_one_example", "--only", "course.mse_two_contexts", "--jobs", "2",
                  "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    with open(tmp_path / "out" / "gradebook.csv", encoding="utf-8-sig") as f:
        rows = {r["student"]: r for r in csv.DictReader(f)}
    assert rows["alice"]["course.mse_one_example"] == "passed" and rows["bob"]["course.mse_one_example"] == "failed"
    assert rows["alice"]["course.mse_two_contexts"] == rows["bob"]["course.mse_two_contexts"] == "passed"
    assert (rows["alice"]["score"], rows["bob"]["score"]) == ("4", "2")  # hidden checks run in class mode
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    stats = {c["id"]: c for c in summary["checks"]}
    assert stats["course.mse_one_example"]["counts"]["failed"] == 1
    assert stats["course.mse_one_example"]["name"] == "MSE on a single example (q = 1), forward and backward"


@pytest.mark.slow
def test_example_on_the_reference_full_marks(tmp_path):
    out = run_cli("check", str(REFERENCE), "--course-checks", str(EXAMPLE), "--teacher", "--json",
                  str(tmp_path / "ref.json"), cwd=tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    data = json.loads((tmp_path / "ref.json").read_text())
    assert len([c for c in data["checks"] if c["id"].startswith("course.")]) == 7
    assert data["score"] == data["max_score"] == 20 + 2 + 1 + 2 + 3 * 1 + 2  # built-in 20, course 10
    assert all(c["status"] == "passed" for c in data["checks"])
