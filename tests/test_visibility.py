"""Hidden checks (student and teacher mode), the pass mark's exit code, a bad configuration on the command line."""

from __future__ import annotations

import io
import json
import shutil

import jsonschema
import pytest
from rich.console import Console

from conftest import grade, statuses
from grader.model import CheckResult, Status, Visibility, Withheld
from grader.reporters import json_report, terminal
from test_cli import FAST, SCHEMA, run_cli
from test_reporters import make_report

BROKEN_LINEAR = [("return X @ W + b", "return X @ W")]  # linear.forward fails, mse.forward passes


@pytest.fixture
def course(tmp_path, make_submission):
    """tmp_path is a course (a VCS root) holding ``student/`` whose linear.forward fails, and its reference
    (a folder holding nothing but one hand-in could be the student's: its grader.toml would not be used)."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "reference").mkdir()
    (tmp_path / "reference" / "tp1.py").write_text("")
    sub = make_submission(tp1=BROKEN_LINEAR)

    def configure(text: str):
        (tmp_path / "grader.toml").write_text(text)
        return sub
    return configure


def test_student_mode_neither_runs_nor_reveals_a_hidden_check(course, tmp_path):
    sub = course('hidden = ["linear.forward"]\n')
    wide = {"COLUMNS": "400"}  # messages on one line
    teacher = run_cli("check", str(sub), *FAST, "--teacher", "--json", str(tmp_path / "t.json"), cwd=tmp_path,
                      env=wide)
    hidden_message = json.loads((tmp_path / "t.json").read_text())["checks"][2]["message"]
    assert teacher.returncode == 1 and hidden_message in teacher.stdout  # the hidden check fails, and says how

    student = run_cli("check", str(sub), *FAST, "--json", str(tmp_path / "s.json"), cwd=tmp_path, env=wide)
    text = (tmp_path / "s.json").read_text()
    report = json.loads(text)
    jsonschema.validate(report, SCHEMA)
    for shown in (student.stdout, text):
        assert "linear.forward" not in shown and hidden_message not in shown
    assert [c["id"] for c in report["checks"]] == ["load", "mse.forward"]
    assert {c["visibility"] for c in report["checks"]} == {"visible"}
    assert (report["score"], report["max_score"]) == (2, 2)
    assert report["withheld"] == {"checks": 1, "max_score": 2.0}
    assert "Hidden: 1 more check worth 2 points" in student.stdout
    assert student.returncode == 0  # every check the student ran passed


def test_teacher_mode_runs_hidden_checks_and_marks_them(course, tmp_path):
    sub = course('hidden = ["linear.forward"]\n')
    proc = run_cli("check", str(sub), *FAST, "--teacher", "--json", str(tmp_path / "t.json"), cwd=tmp_path)
    report = json.loads((tmp_path / "t.json").read_text())
    jsonschema.validate(report, SCHEMA)
    assert {c["id"]: c["visibility"] for c in report["checks"]} == {
        "load": "visible", "mse.forward": "visible", "linear.forward": "hidden"}
    assert (report["score"], report["max_score"], report["withheld"]["checks"]) == (2, 4, 0)
    assert report["environment"]["mode"] == "teacher"
    assert "linear.forward" in proc.stdout and "hidden" in proc.stdout.split("linear.forward")[1].splitlines()[1]
    assert "Hidden:" not in proc.stdout


def test_class_mode_is_teacher_mode(course, tmp_path):
    course('hidden = ["linear.forward"]\n')
    klass = tmp_path / "class"
    klass.mkdir()
    shutil.move(tmp_path / "student", klass / "student")
    proc = run_cli("check", str(klass), "--class", *FAST, "--jobs", "1", "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads((tmp_path / "out" / "students" / "student.json").read_text())
    assert {c["id"]: c["visibility"] for c in report["checks"]}["linear.forward"] == "hidden"
    assert report["environment"]["mode"] == "teacher"


def test_runner_leaves_hidden_checks_out_in_student_mode_only(make_submission):
    sub = make_submission(tp1=BROKEN_LINEAR)
    student = grade(sub, "mse.forward", "linear.forward", hidden=("linear.forward",))
    assert statuses(student) == {"mse.forward": "passed"}
    assert student.withheld == Withheld(1, 2.0) and student.all_passed
    teacher = grade(sub, "mse.forward", "linear.forward", hidden=("linear.forward",), teacher=True)
    assert statuses(teacher) == {"mse.forward": "passed", "linear.forward": "failed"}
    assert teacher.check("linear.forward").visibility is Visibility.HIDDEN
    assert teacher.withheld == Withheld() and not teacher.all_passed


@pytest.mark.parametrize("mark, code", [('"50%"', 0), ("2", 0), ('"75%"', 1), ("3", 1)])
def test_pass_mark_drives_the_exit_code(mark, code, course, tmp_path):
    sub = course(f"pass_mark = {mark}\n")  # the score is 2 / 4: mse.forward passes, linear.forward fails
    proc = run_cli("check", str(sub), *FAST, "--json", str(tmp_path / "r.json"), cwd=tmp_path)
    assert json.loads((tmp_path / "r.json").read_text())["score"] == 2
    assert proc.returncode == code, proc.stdout


def test_fail_under_overrides_the_pass_mark(course, tmp_path):
    sub = course("pass_mark = 3\n")
    proc = run_cli("check", str(sub), *FAST, "--fail-under", "50%", "--json", str(tmp_path / "r.json"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout


def test_a_bad_configuration_exits_2_naming_file_key_line_and_still_writes_a_report(course, tmp_path):
    sub = course("seed = 1\n\n[train.sgd]\nepsilon = 0\n")
    proc = run_cli("check", str(sub), "--json", str(tmp_path / "r.json"), cwd=tmp_path)
    assert proc.returncode == 2
    assert f"{tmp_path / 'grader.toml'}:4: train.sgd.epsilon: expected a number > 0, got 0" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr
    report = json.loads((tmp_path / "r.json").read_text())
    jsonschema.validate(report, SCHEMA)
    assert {c["status"] for c in report["checks"]} == {"skipped"} and len(report["checks"]) == 12
    assert "train.sgd.epsilon" in report["checks"][0]["message"] and report["warnings"]
    klass = run_cli("check", str(tmp_path), "--class", "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert klass.returncode == 2 and "train.sgd.epsilon" in klass.stdout and not (tmp_path / "out").exists()


def test_a_configuration_inside_the_submission_is_ignored_in_both_modes_and_obeyed_only_when_given(course, tmp_path):
    sub = course("")
    (sub / "grader.toml").write_text("[points]\n\"mse.forward\" = 20\n")
    for mode in ((), ("--teacher",)):
        proc = run_cli("check", str(sub), "--only", "mse.forward", *mode, "--json", str(tmp_path / "r.json"),
                       cwd=tmp_path)
        report = json.loads((tmp_path / "r.json").read_text())
        assert report["max_score"] == 2 and proc.returncode == 0, proc.stdout
        assert "was not used" in " ".join(report["warnings"])
    proc = run_cli("check", str(sub), "--only", "mse.forward", "--teacher", "--config", str(sub / "grader.toml"),
                   "--json", str(tmp_path / "r.json"), cwd=tmp_path)
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["max_score"] == 20 and "a student could have written it" in " ".join(report["warnings"])


def test_reporters_mark_hidden_checks_and_state_withheld_points():
    base = make_report()
    hidden = CheckResult("train.minibatch", "Mini-batch", Status.FAILED, 0, 2, "test MSE too high", 1.0,
                         visibility=Visibility.HIDDEN)
    report = make_report(checks=base.checks + (hidden,), withheld=Withheld(2, 3.0))
    data = json.loads(json_report.dumps(report))
    jsonschema.validate(data, SCHEMA)
    assert data["checks"][-1]["visibility"] == "hidden" and data["withheld"] == {"checks": 2, "max_score": 3.0}
    loaded = json_report.from_dict(data)  # (details hold a nan: compare what this test is about)
    assert [c.visibility for c in loaded.checks] == [c.visibility for c in report.checks]
    assert loaded.withheld == report.withheld and json_report.to_dict(loaded) == data
    out = io.StringIO()
    terminal.render(report, Console(file=out, width=120, force_terminal=False))
    lines = out.getvalue().splitlines()
    row = next(i for i, line in enumerate(lines) if line.lstrip().startswith("train.minibatch"))
    assert lines[row + 1].strip().startswith("hidden")
    assert "Hidden: 2 more checks worth 3 points" in out.getvalue()
    bad = dict(data, checks=[dict(data["checks"][0], visibility="secret")])
    with pytest.raises(ValueError, match="visibility"):
        json_report.from_dict(bad)


def test_a_1_0_report_without_visibility_still_loads():
    data = json.loads(json_report.dumps(make_report()))
    data["schema_version"] = "1.0"
    del data["withheld"]
    for check in data["checks"]:
        del check["visibility"]
    jsonschema.validate(data, SCHEMA)
    report = json_report.from_dict(data)
    assert {c.visibility for c in report.checks} == {Visibility.VISIBLE} and report.withheld == Withheld()
