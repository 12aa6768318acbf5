"""--format outputs: Gradescope results.json, JUnit XML, Markdown, HTML; each validated, on hand-built
reports (every status, hostile text) and on the example submissions graded for real."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest

from conftest import REFERENCE, SUBMISSIONS, grade
from test_cli import FAST, run_cli
from test_reporters import make_report

from grader.model import CheckResult, Status, Visibility
from grader.classmode.summary import summarize
from grader.reporters import gradescope, html_report, junit, markdown, outputs
from grader.reporters.common import clean_text

GRADESCOPE_SCHEMA = json.loads((Path(__file__).parent / "gradescope_results.schema.json").read_text())
HOSTILE = "bad | pipe <script>alert(1)</script> & \x07bell\nsecond line `tick`"


def hostile_report():
    report = make_report()
    checks = list(report.checks)
    checks[1] = replace(checks[1], message=HOSTILE, hints=(HOSTILE,))
    checks.append(CheckResult("secret", "Hidden check", Status.FAILED, 0, 1, "hidden details", 0.1,
                              visibility=Visibility.HIDDEN))
    return replace(report, checks=tuple(checks))


def junit_counts(xml_text: str) -> dict[str, int]:
    root = ET.fromstring(xml_text)
    cases = root.findall("./testsuite/testcase")
    return {"tests": len(cases), "failures": sum(1 for c in cases if c.find("failure") is not None),
            "errors": sum(1 for c in cases if c.find("error") is not None),
            "skipped": sum(1 for c in cases if c.find("skipped") is not None)}


def expected_counts(report) -> dict[str, int]:
    statuses = [c.status for c in report.checks]
    return {"tests": len(statuses), "failures": statuses.count(Status.FAILED),
            "errors": statuses.count(Status.ERROR) + statuses.count(Status.TIMEOUT),
            "skipped": statuses.count(Status.SKIPPED)}


# --- Gradescope ---------------------------------------------------------------------------------------

def test_gradescope_follows_the_documented_fields_and_maps_every_status():
    report = hostile_report()
    data = json.loads(gradescope.dumps(report))
    jsonschema.validate(data, GRADESCOPE_SCHEMA)
    assert data["score"] == report.score
    assert [t["number"] for t in data["tests"]] == [str(i) for i in range(1, len(report.checks) + 1)]
    assert [t["status"] for t in data["tests"]] == ["passed" if c.passed else "failed" for c in report.checks]
    assert [t["max_score"] for t in data["tests"]] == [c.max_score for c in report.checks]
    by_id = {t["extra_data"]["id"]: t for t in data["tests"]}
    assert by_id["descent.manual"]["output"].startswith("[timeout]")
    assert f"Hint: {clean_text(HOSTILE)}" in by_id["mse.backward"]["output"]
    assert "\x07" not in json.dumps(data)
    assert by_id["secret"]["visibility"] == "after_published" and by_id["load"]["visibility"] == "visible"
    assert json.loads(gradescope.dumps(report, hidden_as="hidden"))["tests"][-1]["visibility"] == "hidden"


def test_the_gradescope_schema_rejects_what_gradescope_would_not_read():
    data = json.loads(gradescope.dumps(make_report()))
    for bad in ({"status": "error"}, {"visiblity": "visible"}, {"number": 3}):
        broken = json.loads(json.dumps(data))
        broken["tests"][0].update(bad)
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, GRADESCOPE_SCHEMA)


# --- JUnit --------------------------------------------------------------------------------------------

def test_junit_counts_match_the_report_and_student_text_stays_well_formed():
    report = hostile_report()
    text = junit.to_xml(report)
    root = ET.fromstring(text)  # control characters removed, < & escaped
    suite = root.find("testsuite")
    assert junit_counts(text) == expected_counts(report) == {"tests": 7, "failures": 2, "errors": 2, "skipped": 1}
    for key, value in expected_counts(report).items():
        assert suite.get(key) == root.get(key) == str(value)
    case = root.find("./testsuite/testcase[@name='mse.backward']")
    assert "<script>" in case.find("failure").text  # the text, escaped in the file and read back intact
    assert root.find("./testsuite/testcase[@name='linear.forward']/error").get("type") == "ValueError"
    assert root.find("./testsuite/testcase[@name='descent.manual']/error").get("type") == "timeout"
    props = {p.get("name"): p.get("value") for p in suite.find("properties")}
    assert props["score"] == "2" and props["max_score"] == "11"


def test_junit_class_file_holds_one_suite_per_student():
    a, b = make_report(), replace(make_report(), submission=replace(make_report().submission, name="y"))
    root = ET.fromstring(junit.class_xml([a, b]))
    assert [s.get("name") for s in root.findall("testsuite")] == ["grader: x", "grader: y"]
    assert root.get("failures") == "2" and root.get("tests") == "12"


# --- Markdown -----------------------------------------------------------------------------------------

def table_rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("| ") and not line.startswith("| |")]


def test_markdown_has_one_row_per_check_and_escapes_student_text():
    report = hostile_report()
    text = markdown.render(report)
    rows = table_rows(text)
    assert len(rows) == len(report.checks)
    for row, check in zip(rows, report.checks):
        assert f"`{check.id}`" in row and check.status.value in row
        assert row.replace("\\|", "").count("|") == 6  # five cells: a "|" in a message cannot add one
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "(hidden)" in rows[-1]
    assert text.startswith("## ❌ x: 2 / 11")


# --- HTML ---------------------------------------------------------------------------------------------

def training_check(train_losses, status=Status.PASSED):
    details = {"function": "descente_batch", "epsilon": 0.3, "n_epochs": len(train_losses),
               "threshold": {"train": 0.455, "test": 0.45}, "optimum": {"train": 0.433, "test": 0.429},
               "train_losses": train_losses, "test_losses": [v * 1.01 for v in train_losses]}
    return CheckResult("train.batch", "Batch", status, 2 if status is Status.PASSED else 0, 2, "train MSE", 1.0,
                       details)


def test_html_escapes_student_text_and_fetches_nothing():
    page = html_report.render(hostile_report())
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script" not in page.lower() and "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert 'name="viewport"' in page and "Content-Security-Policy" in page
    assert "(hidden from students)" in page


def test_html_draws_the_students_curves_next_to_the_reference_with_thresholds():
    from grader.data.reference_curves import Curves

    curves = [3.0, 1.5, 0.9, 0.6, 0.5, 0.46, 0.44]
    report = replace(make_report(), checks=(training_check(curves),))
    page = html_report.render(report, {"train.batch": Curves(tuple(curves), tuple(curves))})
    assert page.count("<svg") == 2 and page.count("<polyline") == 4  # train and test, in both panels
    assert page.count('class="h train"') == 2 and page.count('class="h test"') == 2
    assert "reference run unavailable" not in page
    without = html_report.render(report, {})
    assert "reference run unavailable" in without and without.count("<polyline") == 2


def test_html_marks_a_diverged_curve():
    report = replace(make_report(), checks=(training_check([3.0, float("nan"), float("inf")], Status.FAILED),))
    assert "diverged" in html_report.render(report)


def test_reference_descent_reaches_the_optimum_and_a_too_large_step_does_not():
    from grader.data import closed_form, prepare, synthetic
    from grader.data.files import DataSource
    from grader.data.reference_curves import descend

    X, y = synthetic(2000)
    split = prepare(X, y, source=DataSource("synthetic", None))
    optimum = closed_form(split)
    good = descend(split.x_train, split.y_train, split.x_test, split.y_test, 0.3, 200, None, seed=0)
    assert good.train[-1] <= optimum.train_mse * 1.05 and len(good.train) == len(good.test) == 200
    assert good == descend(split.x_train, split.y_train, split.x_test, split.y_test, 0.3, 200, None, seed=0)
    sgd = descend(split.x_train, split.y_train, split.x_test, split.y_test, 0.002, 10, 1, seed=0)  # ~16,000 steps as on the real data
    assert sgd.train[-1] <= optimum.train_mse * 1.25
    bad = descend(split.x_train, split.y_train, split.x_test, split.y_test, 5.0, 20, None, seed=0)
    assert not bad.train[-1] <= optimum.train_mse * 1.05


# --- the option and the files -------------------------------------------------------------------------

def test_parse_formats():
    assert outputs.parse(["junit", "markdown=s.md"], Path("r.html")) == [
        outputs.Output("junit"), outputs.Output("markdown", Path("s.md")), outputs.Output("html", Path("r.html"))]
    for bad in (["xml"], ["junit="]):
        with pytest.raises(ValueError):
            outputs.parse(bad)


def test_class_files_link_every_student(tmp_path):
    a = make_report()
    b = replace(a, submission=replace(a.submission, name="y"))
    rows = [("x", a, str(tmp_path / "x.json"), None), ("y", b, str(tmp_path / "y.json"), None),
            ("z", None, None, "internal error of the grader: boom")]
    written = dict(outputs.write_class(summarize(rows), rows,
                                       outputs.parse(["junit", "markdown", "gradescope", "html"]), tmp_path,
                                       config=None))
    assert written == {"junit": tmp_path / "junit.xml", "markdown": tmp_path / "summary.md",
                       "html": tmp_path / "index.html"}
    assert {p.name for p in tmp_path.iterdir()} >= {"x.html", "y.html", "x.md", "x.junit.xml", "y.junit.xml"}
    assert not list(tmp_path.glob("*.gradescope.json"))
    index = (tmp_path / "index.html").read_text()
    assert 'href="x.html"' in index and 'href="y.html"' in index and "boom" in index
    assert len(ET.fromstring((tmp_path / "junit.xml").read_text()).findall("testsuite")) == 2
    assert len(table_rows((tmp_path / "summary.md").read_text())) == 2 + 3 + len(a.checks)  # two header rows


def test_cli_writes_each_format_to_its_default_name_or_its_file(tmp_path):
    proc = run_cli("check", str(REFERENCE), *FAST, "--format", "junit", "--format", "gradescope",
                   "--format", f"markdown={tmp_path / 'summary.md'}", "--html", str(tmp_path / "r.html"),
                   cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    reports = tmp_path / "grader-reports"
    assert {p.name for p in reports.iterdir()} == {"reference.json", "reference.junit.xml",
                                                    "reference.gradescope.json"}
    jsonschema.validate(json.loads((reports / "reference.gradescope.json").read_text()), GRADESCOPE_SCHEMA)
    assert junit_counts((reports / "reference.junit.xml").read_text())["failures"] == 0
    assert len(table_rows((tmp_path / "summary.md").read_text())) == 3
    assert (tmp_path / "r.html").read_text().count('class="card passed"') == 3
    proc = run_cli("check", str(REFERENCE), "--format", "yaml", cwd=tmp_path)
    assert proc.returncode == 2 and "unknown format 'yaml'" in proc.stdout


# --- the example submissions, graded for real ----------------------------------------------------------

@pytest.fixture(scope="module")
def graded():
    return {name: grade(SUBMISSIONS / name) for name in ("alice", "bob", "grace")}


@pytest.mark.slow
@pytest.mark.parametrize("name", ["alice", "bob", "grace"])
def test_every_format_for_the_example_submissions(graded, name):
    from grader.config import GradingConfig
    from grader.data.reference_curves import for_report

    report = graded[name]
    data = json.loads(gradescope.dumps(report))
    jsonschema.validate(data, GRADESCOPE_SCHEMA)
    assert data["score"] == report.score == sum(t["score"] for t in data["tests"])
    assert junit_counts(junit.to_xml(report)) == expected_counts(report)
    rows = table_rows(markdown.render(report))
    assert len(rows) == 12 and all(("✅" in r) == ("| passed |" in r) for r in rows)
    page = html_report.render(report, for_report(report, GradingConfig()))
    assert page.count("<svg") == 6 and "reference run unavailable" not in page
    if name == "alice":
        assert report.all_passed and data["score"] == 20 and all(t["status"] == "passed" for t in data["tests"])
    else:
        assert not report.all_passed
        failed = {t["extra_data"]["id"] for t in data["tests"] if t["status"] == "failed"}
        assert failed == ({"mse.backward", "mse.gradcheck"} if name == "bob" else
                          {"train.batch", "train.sgd", "train.minibatch"})
