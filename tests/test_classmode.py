"""Class mode end to end: folders, an LMS zip, a hanging student, sharding + merge, determinism."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from dataclasses import replace
from pathlib import Path

import jsonschema

import pytest

from conftest import REFERENCE, ROOT, SUBMISSIONS, TEMPLATE, mutate

SCHEMA = json.loads((ROOT / "grader" / "schema" / "report.schema.json").read_text())
ONLY = ["--only", "load", "--only", "mse.backward", "--only", "linear.backward", "--only", "descent.manual"]


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {"NO_COLOR": "1", "COLUMNS": "100", "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "grader", *args], cwd=cwd, capture_output=True, text=True,
                          env=env, timeout=600)


def gradebook(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return [{k: v for k, v in row.items() if k != "report"} for row in csv.DictReader(fh)]


def make_class(tmp_path: Path) -> Path:
    klass = tmp_path / "class"
    klass.mkdir()
    for name in ("alice", "bob", "carol"):
        shutil.copytree(SUBMISSIONS / name, klass / name)
    shutil.copytree(TEMPLATE, klass / "template")
    shutil.copytree(REFERENCE, klass / "ref")
    (klass / "empty-handed").mkdir()
    (klass / "empty-handed" / "notes.txt").write_text("sorry")
    return klass


def test_a_class_folder_gives_reports_gradebook_and_summary(tmp_path):
    klass = make_class(tmp_path)
    proc = run_cli("check", str(klass), *ONLY, "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = tmp_path / "out"
    for student in ("alice", "bob", "carol", "template", "ref", "empty-handed"):
        report = json.loads((out / "students" / f"{student}.json").read_text())
        jsonschema.validate(report, SCHEMA)
        assert report["submission"]["name"] == student
    rows = {row["student"]: row for row in gradebook(out / "gradebook.csv")}
    assert rows["alice"]["score"] == "7" and rows["ref"]["score"] == "7"
    assert rows["carol"]["linear.backward"] == "failed" and rows["carol"]["descent.manual"] == "failed"
    assert rows["template"]["mse.backward"] == "error"
    assert rows["empty-handed"]["load"] == "failed"
    summary = json.loads((out / "summary.json").read_text())
    assert "carol" in proc.stdout and "Traceback" not in proc.stdout + proc.stderr
    assert (summary["n_students"], summary["n_graded"], summary["max_score"]) == (6, 6, 7)
    assert "notes.txt" in (out / "students" / "empty-handed.json").read_text()


def moodle_zip(tmp_path: Path) -> Path:
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for file in REFERENCE.glob("*.py"):
            zf.write(file, f"Élodie D'Arc_123456_assignsubmission_file_/TP1/{file.name}")
        inner = io.BytesIO()
        with zipfile.ZipFile(inner, "w") as iz:
            for file in (SUBMISSIONS / "bob").glob("*.py"):
                iz.write(file, f"bob-tp1/{file.name}")
        zf.writestr("Bob Martin_654321_assignsubmission_file_/rendu.zip", inner.getvalue())
        zf.writestr("Carl Nobody_777_assignsubmission_file_/rapport.pdf", b"%PDF-1.4")
    return path


@pytest.mark.slow
def test_a_moodle_zip_export_is_graded_with_students_named_from_folders(tmp_path):
    proc = run_cli("check", str(moodle_zip(tmp_path)), *ONLY, "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = {row["student"]: row for row in gradebook(tmp_path / "out" / "gradebook.csv")}
    assert set(rows) == {"Élodie D'Arc", "Bob Martin", "Carl Nobody"}
    assert rows["Élodie D'Arc"]["score"] == "7"
    assert rows["Bob Martin"]["mse.backward"] == "failed"
    assert rows["Carl Nobody"]["load"] == "failed"
    carl = json.loads((tmp_path / "out" / "students" / "carl-nobody.json").read_text())
    assert "rapport.pdf" in carl["checks"][0]["message"]


def test_a_hanging_submission_does_not_stall_the_class(tmp_path):
    from grader.classmode.run import grade_class
    from grader.config import GradingConfig
    from grader.classmode.intake import discover

    klass = tmp_path / "class"
    klass.mkdir()
    for i in range(3):
        shutil.copytree(REFERENCE, klass / f"ok{i}")
    mutate(klass, "stuck", tp1=[("        yhat, y = ctx.saved_tensors\n",
                                 "        yhat, y = ctx.saved_tensors\n        import time\n        time.sleep(1000)\n")])
    config = replace(GradingConfig(only=("load", "mse.forward", "mse.backward", "linear.backward")),
                     check_timeout_s=3)
    start = time.monotonic()
    graded = grade_class(discover(klass, tmp_path / "work"), config, tmp_path / "out", jobs=2)
    assert time.monotonic() - start < 60
    by_name = {g.submission.student: g.report for g in graded}
    assert by_name["stuck"].check("mse.backward").status.value == "timeout"
    assert by_name["stuck"].check("linear.backward").status.value == "passed"
    for i in range(3):
        assert by_name[f"ok{i}"].all_passed


@pytest.mark.slow
def test_shards_merged_give_the_same_gradebook_as_one_run(tmp_path):
    klass = make_class(tmp_path)
    one = run_cli("check", str(klass), *ONLY, "--out", str(tmp_path / "one"), cwd=tmp_path)
    assert one.returncode == 0
    shard_dirs = []
    for i in (1, 2, 3):
        out = tmp_path / f"shard{i}"
        proc = run_cli("check", str(klass), *ONLY, "--shard", f"{i}/3", "--out", str(out), cwd=tmp_path)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        shard_dirs.append(str(out))
    graded = [p.stem for d in shard_dirs for p in (Path(d) / "students").glob("*.json")]
    assert sorted(graded) == sorted(["alice", "bob", "carol", "template", "ref", "empty-handed"])  # a partition
    merged = run_cli("merge", *shard_dirs, "--out", str(tmp_path / "merged"), cwd=tmp_path)
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert gradebook(tmp_path / "merged" / "gradebook.csv") == gradebook(tmp_path / "one" / "gradebook.csv")


@pytest.mark.slow
def test_class_run_and_single_run_give_the_same_verdicts(tmp_path):
    klass = make_class(tmp_path)
    run_cli("check", str(klass), *ONLY, "--out", str(tmp_path / "out"), cwd=tmp_path)
    single = run_cli("check", str(klass / "carol"), *ONLY, "--json", str(tmp_path / "carol.json"), cwd=tmp_path)
    assert single.returncode == 1
    in_class = json.loads((tmp_path / "out" / "students" / "carol.json").read_text())
    alone = json.loads((tmp_path / "carol.json").read_text())
    assert [(c["id"], c["status"], c["score"]) for c in in_class["checks"]] == \
        [(c["id"], c["status"], c["score"]) for c in alone["checks"]]
    assert in_class["environment"]["student_process"] == "forked from a warm launcher"


def test_merge_rejects_a_file_that_is_not_a_report(tmp_path):
    (tmp_path / "x.json").write_text('{"hello": 1}')
    proc = run_cli("merge", str(tmp_path / "x.json"), "--out", str(tmp_path / "m"), cwd=tmp_path)
    assert proc.returncode == 2
    assert "not a grader report" in " ".join(proc.stdout.split()) and "Traceback" not in proc.stdout + proc.stderr


def test_bad_shard_is_a_usage_error(tmp_path):
    klass = make_class(tmp_path)
    proc = run_cli("check", str(klass), "--shard", "4/3", cwd=tmp_path)
    assert proc.returncode == 2 and "--shard expects I/N" in proc.stdout


def test_a_grader_failure_on_one_student_is_recorded_and_the_others_are_graded(tmp_path, monkeypatch):
    """Class mode's exit code 3: the grader itself failed on a student (here a simulated bug)."""
    from rich.console import Console

    from grader import runner
    from grader.classmode.run import grade_class
    from grader.classmode.commands import EXIT_INTERNAL, class_outputs
    from grader.config import GradingConfig
    from grader.classmode.intake import discover

    klass = tmp_path / "class"
    for name in ("bad", "good"):
        shutil.copytree(REFERENCE, klass / name)
    real = runner.grade

    def grade(path, config, **kwargs):
        if path.name == "bad":
            raise RuntimeError("boom")
        return real(path, config, **kwargs)

    monkeypatch.setattr(runner, "grade", grade)
    bad, good = grade_class(discover(klass, tmp_path / "work"), GradingConfig(only=("load",)), tmp_path / "out",
                            jobs=2)
    assert bad.report is None and "RuntimeError: boom" in bad.problem
    assert good.report is not None and good.report.all_passed
    console = Console(file=io.StringIO(), width=100)
    assert class_outputs(console, [bad, good], tmp_path / "out" / "summary.json", tmp_path / "out") == EXIT_INTERNAL
    assert "grader failed on bad" in console.file.getvalue()


@pytest.mark.slow
def test_students_named_like_class_files_keep_their_reports(tmp_path):
    """Issue 17.11: students named `summary` or `index` had their reports overwritten by the class's files, and
    `grader merge` dropped `summary`. Student files live in OUT/students/, class files in OUT/."""
    klass = tmp_path / "class"
    for name in ("summary", "index", "gradebook", "junit"):
        shutil.copytree(REFERENCE, klass / name)
    shutil.copytree(SUBMISSIONS / "bob", klass / "bob")
    out = tmp_path / "out"
    proc = run_cli("check", str(klass), "--only", "load", "--only", "mse.backward", "--out", str(out),
                   "--format", "markdown", "--format", "html", "--format", "junit", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["n_students"] == 5 and "checks" in summary
    for name in ("summary", "index", "gradebook", "junit", "bob"):
        report = json.loads((out / "students" / f"{name}.json").read_text())
        jsonschema.validate(report, SCHEMA)
        assert report["submission"]["name"] == name
        assert (out / "students" / f"{name}.html").read_text().count("<h1>") == 1
        assert (out / "students" / f"{name}.md").is_file() and (out / "students" / f"{name}.junit.xml").is_file()
    index = (out / "index.html").read_text()
    assert 'href="students/index.html"' in index and 'href="students/summary.html"' in index
    assert "| summary |" in (out / "summary.md").read_text() or "summary" in (out / "summary.md").read_text()
    rows = {row["student"]: row for row in gradebook(out / "gradebook.csv")}
    assert set(rows) == {"summary", "index", "gradebook", "junit", "bob"}
    merged = run_cli("merge", str(out), "--out", str(tmp_path / "merged"), cwd=tmp_path)
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert gradebook(tmp_path / "merged" / "gradebook.csv") == gradebook(out / "gradebook.csv")


@pytest.mark.slow
def test_a_grader_toml_in_a_students_folder_is_ignored_and_their_report_says_so(tmp_path):
    klass = tmp_path / "class"
    shutil.copytree(REFERENCE, klass / "alice")
    shutil.copytree(REFERENCE, klass / "mallory" / "tp1")
    (klass / "mallory" / "grader.toml").write_text('[points]\n"load" = 20\n')
    (klass / "grader.toml").write_text('[points]\n"mse.backward" = 5\n')  # the teacher's: the class folder's
    out = tmp_path / "out"
    proc = run_cli("check", str(klass), "--only", "load", "--only", "mse.backward", "--out", str(out), cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    mallory = json.loads((out / "students" / "mallory.json").read_text())
    alice = json.loads((out / "students" / "alice.json").read_text())
    assert (mallory["score"], mallory["max_score"]) == (alice["score"], alice["max_score"]) == (5, 5)
    assert str(klass / "mallory" / "grader.toml") in " ".join(mallory["warnings"])
    assert alice["warnings"] == []


# --- hostile names and hand-ins in a class: each costs only its own hand-in -----------------------------

HOSTILE_ONLY = ["--only", "load", "--only", "mse.forward", "--only", "mse.backward", "--only", "linear.forward",
                "--only", "descent.manual"]
RAW_CONTROLS = ("\x1b", "\x07", "\r", "\x9b")


def run_bytes(*args: str, cwd: Path) -> tuple[int, str]:
    """The command line with stdout and stderr decoded as strict UTF-8 (a lone surrogate would not decode)."""
    env = {"NO_COLOR": "1", "COLUMNS": "100", "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
    proc = subprocess.run([sys.executable, "-m", "grader", *args], cwd=cwd, capture_output=True, env=env, timeout=900)
    return proc.returncode, proc.stdout.decode("utf-8") + proc.stderr.decode("utf-8")


@pytest.mark.slow
def test_a_class_zip_whose_names_are_not_utf8_grades_everyone(tmp_path):
    """The class zip has a member whose name says UTF-8 but is Latin-1, and a student zip inside it too:
    zipfile cannot list either; the run still grades everyone and writes the gradebook and summary."""
    from test_intake import reference_members
    from test_intake_names import flagged_zip

    inner = flagged_zip(tmp_path / "carol.zip", {**reference_members(""), "notes_X.py": "x = 1\n"},
                        {"notes_X.py": b"notes_\xff.py"}).read_bytes()
    export = flagged_zip(tmp_path / "class.zip", {**reference_members("alice/"), **reference_members("bob/"),
                                                  "bob/notes_X.py": "x = 1\n", "carol.zip": inner},
                         {"bob/notes_X.py": b"bob/notes_\xff.py"})
    code, output = run_bytes("check", str(export), "--only", "load", "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert code == 0, output
    rows = {row["student"]: row for row in gradebook(tmp_path / "out" / "gradebook.csv")}
    assert set(rows) == {"alice", "bob", "carol"} and all(row["load"] == "passed" for row in rows.values())
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["n_graded"] == 3
    for student, where, name in (("bob", "the class zip", "bob/notes_ÿ.py"), ("carol", "the zip 'carol.zip'",
                                                                               "notes_ÿ.py")):
        warnings = json.loads((tmp_path / "out" / "students" / f"{student}.json").read_text(encoding="utf-8"))["warnings"]
        assert f"intake: renamed 1 file(s) of {where} whose names are not valid UTF-8 although the zip says they " \
               f"are (read as Windows-1252): {name}" in warnings


@pytest.mark.slow
def test_hostile_students_cost_only_themselves(tmp_path):
    """A class with a folder named in Latin-1, one named with escape codes, one named as a spreadsheet
    formula, a hand-in that forges its replies and one that forges the load reply: exit 0, everyone graded,
    nothing raw on the terminal or in the gradebook, and `grader merge` reads the reports back."""
    from hostile_replies import forged_load_submission, forging_submission

    klass = tmp_path / "class"
    klass.mkdir()
    for name in ("alice", os.fsdecode(b"Z\xc9lodie"), "\x1b[2J\x1b]52;c;ZXZpbA==\x07mallory", "=HYPERLINK(1)"):
        shutil.copytree(REFERENCE, klass / name)
    forging_submission(klass)
    forged_load_submission(klass)
    out = tmp_path / "out"
    code, output = run_bytes("check", str(klass), *HOSTILE_ONLY, "--jobs", "2", "--out", str(out), cwd=tmp_path)
    assert code == 0, output
    assert not any(char in output for char in RAW_CONTROLS) and "internal error" not in output
    assert "\\x1b[2J\\x1b]52;c;ZXZpbA==\\x07mallory" in output and "ZÉlodie" in output
    summary = json.loads((out / "summary.json").read_bytes().decode("utf-8"))
    students = {s["student"]: s for s in summary["students"]}
    assert len(students) == 6 and all(s["graded"] for s in students.values())
    assert students["forger"]["statuses"] == {"load": "passed", "mse.forward": "error", "mse.backward": "error",
                                              "linear.forward": "error", "descent.manual": "error"}
    assert students["load-forger"]["statuses"]["load"] == "error"
    for name in ("alice", "ZÉlodie", "=HYPERLINK(1)", "\x1b[2J\x1b]52;c;ZXZpbA==\x07mallory"):
        assert students[name]["score"] == 8, name
    csv_text = (out / "gradebook.csv").read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    assert not any(char in csv_text for char in RAW_CONTROLS)
    assert "'=HYPERLINK(1)" in csv_text and "\n=" not in csv_text
    code, merged = run_bytes("merge", str(out), "--out", str(tmp_path / "merged"), cwd=tmp_path)
    assert code == 0, merged
    assert gradebook(tmp_path / "merged" / "gradebook.csv") == gradebook(out / "gradebook.csv")
