"""Hand-ins in the lab's own form (issue 12): script-style tp1_descente.py, notebooks, partial hand-ins.

Each example of submissions/ gets its expected verdicts, graded alone and in a class run (the warm
launcher); the teaching words of its message are asserted too. Marked slow: each grades for real.
"""

from __future__ import annotations

import shutil
from dataclasses import replace

import pytest

from conftest import SUBMISSIONS, grade, statuses

FUNCTION_CHECKS = ("mse.forward", "mse.backward", "mse.gradcheck", "linear.forward", "linear.backward",
                   "linear.gradcheck", "context.isolation")
TRAINING = ("train.batch", "train.sgd", "train.minibatch")
NO_AUTOGRAD = {t: "skipped" for t in TRAINING}  # none of them hands in tp1_autograd.py

# Every check not listed passes; the training checks are skipped ("tp1_autograd.py was not handed in").
EXPECTED = {
    "lea": {"descent.manual": "passed"},  # the lab's script, module level, SummaryWriter
    "marc": {"linear.backward": "failed", "descent.manual": "failed"},  # grad_b not summed
    "nina": {"descent.manual": "failed"},  # uphill
    "oscar": {"descent.manual": "passed"},  # element mean, writer named tb, eps, in-place updates
    "paul": {"descent.manual": "passed"},  # loop under __main__, no writer, lr, other sizes, plots
    "quentin": {"descent.manual": "error"},  # IndexError at the 4th iteration
    "rose": {"descent.manual": "passed"},  # notebook only, with magics, a gradcheck cell and a plot
    "sam": {"descent.manual": "skipped"},  # tp1.py only
    "tom": {"descent.manual": "failed"},  # b's update divided by 50: not a gradient step
}

# (check, words of its message or hints)
EXPLAINED = {
    "lea": ("descent.manual", "script tp1_descente.py: 100 iterations, ε = 0.05 (`epsilon`)"),
    "marc": ("descent.manual", "the batch's, instead of (3,)"),
    "nina": ("descent.manual", "go up the gradient"),
    "oscar": ("descent.manual", "element mean"),
    "paul": ("descent.manual", "ε = 0.02 (`lr`)"),
    "quentin": ("descent.manual", "tp1_descente.py:21 in <module>: epsilon = epsilons[n_iter] — iteration #4"),
    "rose": ("descent.manual", "script TME1.ipynb: 100 iterations"),
    "sam": ("descent.manual", "tp1_descente.py was not handed in"),
    "tom": ("descent.manual", "the b part is 0.02×"),
}

pytestmark = pytest.mark.slow


def _want(name: str) -> dict[str, str]:
    want = {"load": "passed", **{c: "passed" for c in FUNCTION_CHECKS}, **NO_AUTOGRAD}
    want.update(EXPECTED[name])
    return want


def _check_report(name, report) -> None:
    assert statuses(report) == _want(name), name
    check_id, words = EXPLAINED[name]
    result = report.check(check_id)
    assert words in result.message + " ".join(result.hints), (name, result.message, result.hints)
    for training in TRAINING:
        assert "tp1_autograd.py was not handed in" in report.check(training).message


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_lab_form_example_gets_its_expected_verdicts(name):
    _check_report(name, grade(SUBMISSIONS / name))


def test_lab_form_examples_get_the_same_verdicts_in_a_class_run(tmp_path):
    from grader.classmode.intake import discover
    from grader.classmode.run import grade_class
    from grader.config import GradingConfig

    klass = tmp_path / "class"
    klass.mkdir()
    for name in EXPECTED:
        shutil.copytree(SUBMISSIONS / name, klass / name)
    graded = grade_class(discover(klass, tmp_path / "work"), replace(GradingConfig()), tmp_path / "out", jobs=2)
    by_name = {g.submission.student: g.report for g in graded}
    assert sorted(by_name) == sorted(EXPECTED)
    for name, report in by_name.items():
        _check_report(name, report)


def test_the_script_form_is_said_and_the_report_carries_the_evidence():
    report = grade(SUBMISSIONS / "lea", "load", "descent.manual")
    details = report.check("descent.manual").details
    assert details["form"] == "script" and details["iterations"] == 100 and details["updates"] == 99
    assert details["epsilon"] == {"name": "epsilon", "value": 0.05} and details["convention"] == "lab"
    assert details["final_loss"] < details["initial_loss"] and details["optimum_mse"] <= details["final_loss"]
    assert len(details["losses"]) == 100 and len(details["logged_losses"]) == 100
    from grader.reporters.html_report import render

    page = render(report)
    assert "your script (tp1_descente.py)" in page and "least-squares optimum 2.30" in page  # the loss curve
    load = report.check("load")
    assert load.details["modules"]["tp1_descente"]["form"] == "script"
    assert load.details["not_handed_in"] == ["tp1_autograd.py"]


def test_the_function_form_is_still_graded_as_a_function():
    report = grade(SUBMISSIONS / "alice", "load", "descent.manual")
    assert report.check("descent.manual").details["form"] == "function"


def test_notebook_magics_are_listed_as_a_warning_and_names_found_in_the_notebook():
    report = grade(SUBMISSIONS / "rose", "load")
    warning = " ".join(report.warnings)
    assert "TME1.ipynb: 4 IPython line(s) neutralised" in warning
    assert "%matplotlib inline" in warning and "!pip install tensorboard" in warning
    load = report.check("load")
    assert "found in TME1.ipynb" in load.message
    assert load.details["modules"]["tp1"]["found_in"]["MSE"] == "nb_TME1"
