"""The runner: prerequisites, missing data, nested folders, the report's fields."""

from __future__ import annotations

import hashlib

from conftest import REFERENCE, grade, statuses
from grader.sandbox.isolation import choose_level


def test_without_data_the_training_checks_are_skipped_with_how_to_fix_and_the_rest_runs(tmp_path):
    missing = tmp_path / "nowhere" / "cal_housing.data"
    report = grade(REFERENCE, "mse.forward", "train.batch", "train.sgd", data_path=str(missing))
    assert statuses(report) == {"mse.forward": "passed", "train.batch": "skipped", "train.sgd": "skipped"}
    message = report.check("train.batch").message
    assert str(missing) in message and "--data" in message
    assert report.environment["data_source"] is None
    assert report.environment["data_problem"]


def test_report_records_file_hashes_environment_and_seed():
    report = grade(REFERENCE, "load", seed=7)
    assert report.submission.files["tp1.py"] == hashlib.sha256((REFERENCE / "tp1.py").read_bytes()).hexdigest()
    assert report.environment["seeds"]["seed"] == 7
    assert report.environment["torch"].startswith("2.13")
    assert report.environment["sandbox"] == choose_level()[0]  # the strongest level that works here


def test_checks_whose_names_are_missing_are_skipped_with_the_name(make_submission):
    sub = make_submission(tp1=[("class Linear(", "class LinearFunction("),
                                ("linear = Linear.apply", "linear = LinearFunction.apply")])
    report = grade(sub, "load", "linear.forward", "context.isolation", "mse.forward")
    assert statuses(report) == {"load": "failed", "linear.forward": "skipped", "context.isolation": "skipped",
                                "mse.forward": "passed"}
    assert "Linear in tp1.py" in report.check("linear.forward").message
    assert "LinearFunction" in report.check("load").message


def test_the_checks_are_declared_in_the_order_of_their_points():
    """A report of a folder with nothing to grade lists the checks in DEFAULT_POINTS order without importing
    them (and torch): that order must be the registry's."""
    from grader.checks import REGISTRY
    from grader.config import DEFAULT_POINTS

    assert [spec.id for spec in REGISTRY] == list(DEFAULT_POINTS)
