"""What the grader takes from a hand-in: which tp1.py it grades (one rule for a single hand-in and for a
class), what it copies for the student process (no link leaving the hand-in, nothing too big, the student's
own folders kept), and whether a folder is one hand-in or a class."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import jsonschema
import pytest

from conftest import REFERENCE, SUBMISSIONS, TEMPLATE, grade, statuses
from test_cli import FAST, SCHEMA, run_cli

LAB = ("tp1.py", "tp1_descente.py", "tp1_autograd.py")


def reference_into(folder: Path, tp1_name: str = "tp1.py") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in LAB:
        shutil.copyfile(REFERENCE / name, folder / (tp1_name if name == "tp1.py" else name))
    return folder


def sparse(path: Path, size: int) -> Path:
    """A file of ``size`` bytes that takes no room on disk (reading it would still cost ``size`` bytes)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        fh.truncate(size)
    return path


def report_of(path: Path) -> dict:
    report = json.loads(path.read_text())
    jsonschema.validate(report, SCHEMA)
    return report


# --- one rule to find tp1.py ------------------------------------------------------------------------------

LAYOUTS = {  # hand-in layout -> the folder (relative) that holds the tp1.py graded
    "top": ("", ""),
    "nested": ("TP1", "TP1"),
    "deep (an LMS folder, a zip's folder, src/)": ("Dupont_42/tp1-main/src", "Dupont_42/tp1-main/src"),
    "copies below the graded one": ("TP1", "TP1"),
}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_single_and_class_mode_grade_the_same_tp1(layout, tmp_path):
    """The same hand-in, graded alone and as a student of a class, is found by the same rule (locate)."""
    from grader.classmode.intake import discover
    from grader.handin import is_single, locate

    rel, expected = LAYOUTS[layout]
    handin = tmp_path / "class" / "alice"
    reference_into(handin / rel)
    if layout.startswith("copies"):
        reference_into(handin / rel / "old")
        reference_into(handin / rel / "backup" / "v1")
    (tmp_path / "class" / "bob").mkdir()
    (tmp_path / "class" / "bob" / "notes.txt").write_text("x")
    assert is_single(handin)
    assert locate(handin).root == handin / expected
    alice = discover(tmp_path / "class", tmp_path / "work")[0]
    assert alice.path == locate(handin).root


def test_a_deeply_nested_hand_in_is_graded_alone_and_not_as_a_class(tmp_path):
    """Before: single mode looked two levels deep only, so this hand-in became a class of one."""
    handin = tmp_path / "alice"
    reference_into(handin / "Dupont_42" / "tp1-main" / "src")
    proc = run_cli("check", str(handin), "--only", "load", "--json", str(tmp_path / "r.json"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = report_of(tmp_path / "r.json")
    assert report["checks"][0]["status"] == "passed" and report["submission"]["name"] == "alice"


def test_a_tp1_named_in_another_case_is_graded_alone_as_in_a_class(tmp_path):
    """TP1.py is graded as tp1.py in a class; a single hand-in now gets the same, and the report says so."""
    handin = reference_into(tmp_path / "fred", tp1_name="TP1.py")
    proc = run_cli("check", str(handin), "--only", "load", "--json", str(tmp_path / "r.json"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = report_of(tmp_path / "r.json")
    assert any("TP1.py" in w and "tp1.py" in w for w in report["warnings"])
    assert sorted(p.name for p in handin.iterdir()) == sorted(["TP1.py", "tp1_descente.py", "tp1_autograd.py"])


def test_a_tp1_py_folder_keeps_a_single_hand_in_single(tmp_path):
    """Issue 17.10: a hand-in whose tp1.py is a folder (holding other tp1.py files) used to flip `grader check`
    into class mode: exit 0 despite --fail-under 20, and --json received a class summary with no score."""
    handin = tmp_path / "mallory"
    reference_into(handin / "tp1.py" / "a")
    reference_into(handin / "tp1.py" / "b")
    shutil.copyfile(REFERENCE / "tp1_descente.py", handin / "tp1_descente.py")
    proc = run_cli("check", str(handin), "--fail-under", "20", "--json", str(tmp_path / "r.json"), cwd=tmp_path)
    assert proc.returncode == 2, proc.stdout
    report = report_of(tmp_path / "r.json")  # a submission report, not a class summary
    assert report["score"] == 0 and report["checks"][0]["id"] == "load"
    assert report["checks"][0]["status"] == "failed" and "tp1.py is a folder" in report["checks"][0]["message"]
    assert "Traceback" not in proc.stdout + proc.stderr


def test_a_class_folder_is_still_a_class(tmp_path):
    from grader.handin import is_single

    klass = tmp_path / "class"
    reference_into(klass / "alice")
    reference_into(klass / "bob" / "TP1")
    assert not is_single(klass)
    reference_into(tmp_path / "two" / "src")  # two tp1.py in folders side by side: not one hand-in
    reference_into(tmp_path / "two" / "backup")
    assert not is_single(tmp_path / "two")
    moodle = tmp_path / "moodle"
    reference_into(moodle / "Zoé Roux_7_assignsubmission_file_")
    assert not is_single(moodle)


# --- links ------------------------------------------------------------------------------------------------

def test_a_link_to_the_reference_is_not_graded_as_the_students_work(tmp_path):
    """Issue 17.4: a folder holding only `sol -> ../../reference` scored 20/20 with the reference's hashes."""
    course = tmp_path / "course"
    shutil.copytree(REFERENCE, course / "reference")
    handin = course / "submissions" / "mallory"
    handin.mkdir(parents=True)
    os.symlink("../../reference", handin / "sol")
    proc = run_cli("check", str(handin), *FAST, "--json", str(tmp_path / "r.json"), cwd=tmp_path)
    assert proc.returncode == 2, proc.stdout
    report = report_of(tmp_path / "r.json")
    assert report["score"] == 0 and report["submission"]["files"] == {}
    assert "sol" in report["checks"][0]["message"] and "not followed" in report["checks"][0]["message"]


def test_files_outside_the_hand_in_are_never_read_or_hashed(tmp_path):
    """Issue 17.4: a link to /etc/shadow put its hash in the report; a link to a 2 GB sparse file made the grader
    read it. Here the targets are the test's own files outside the hand-in."""
    outside = tmp_path / "outside"
    secret = outside / "shadow"
    secret.parent.mkdir()
    secret.write_text("root:$6$secret\n")
    big = sparse(outside / "big.bin", 200 * 2**20)
    handin = reference_into(tmp_path / "mallory")
    os.symlink(secret, handin / "leak.py")
    os.symlink(big, handin / "big.py")
    os.symlink(outside, handin / "outside_dir")
    report = grade(handin, "load")
    assert statuses(report) == {"load": "passed"}
    digest = hashlib.sha256(secret.read_bytes()).hexdigest()
    assert digest not in json.dumps(report.submission.files)
    assert set(report.submission.files) == set(LAB)
    assert report.submission.files["tp1.py"] == hashlib.sha256((REFERENCE / "tp1.py").read_bytes()).hexdigest()
    said = " ".join(report.warnings)
    for name in ("leak.py", "big.py", "outside_dir"):
        assert name in said
    assert "not followed" in said


def test_a_link_inside_the_hand_in_is_copied_as_the_file_it_points_to(tmp_path):
    handin = reference_into(tmp_path / "alice")
    (handin / "src").mkdir()
    os.replace(handin / "tp1_descente.py", handin / "src" / "tp1_descente.py")
    os.symlink("src/tp1_descente.py", handin / "tp1_descente.py")
    report = grade(handin, "load", "descent.manual")
    assert statuses(report) == {"load": "passed", "descent.manual": "passed"}
    assert "tp1_descente.py" in report.submission.files


def test_the_folder_typed_may_be_a_link(tmp_path):
    """The teacher's own argument is followed (it is the teacher's choice); links below it are the student's."""
    shutil.copytree(REFERENCE, tmp_path / "alice-v2")
    os.symlink(tmp_path / "alice-v2", tmp_path / "alice")
    proc = run_cli("check", str(tmp_path / "alice"), "--only", "load", "--json", str(tmp_path / "r.json"),
                   cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout
    assert set(report_of(tmp_path / "r.json")["submission"]["files"]) >= set(LAB)


# --- what the student's copy holds ------------------------------------------------------------------------

HELPER = '''"""Aides de l'étudiant, dans son propre paquet data/."""


def pas(params, epsilon):
    import torch

    with torch.no_grad():
        for param in params:
            param -= epsilon * param.grad
            param.grad.zero_()
'''


@pytest.mark.slow
def test_a_students_own_data_package_is_in_the_copy(tmp_path):
    """Issue 18: folders named data, runs, venv... were left out of the copy: `No module named 'data'`."""
    handin = reference_into(tmp_path / "alice")
    (handin / "data").mkdir()
    (handin / "data" / "__init__.py").write_text("")
    (handin / "data" / "helpers.py").write_text(HELPER)
    (handin / "runs").mkdir()
    (handin / "runs" / "notes.txt").write_text("tensorboard logs")
    autograd = (handin / "tp1_autograd.py").read_text()
    assert "def _pas_de_gradient(params, epsilon):" in autograd
    autograd = autograd.replace("from tp1 import linear, mse\n", "from tp1 import linear, mse\n"
                                "from data.helpers import pas as _pas_de_gradient\n")
    autograd = autograd.replace("def _pas_de_gradient(params, epsilon):", "def _unused(params, epsilon):")
    (handin / "tp1_autograd.py").write_text(autograd)
    proc = run_cli("check", str(handin), "--json", str(tmp_path / "r.json"), cwd=tmp_path)
    report = report_of(tmp_path / "r.json")
    assert proc.returncode == 0, proc.stdout
    assert (report["score"], report["max_score"]) == (20, 20)
    assert "data/helpers.py" in report["submission"]["files"]


def test_a_huge_file_is_left_out_and_the_report_says_so(tmp_path):
    handin = reference_into(tmp_path / "alice")
    sparse(handin / "weights.bin", 2 * 2**30)
    (handin / "data").mkdir()
    (handin / "data" / "small.csv").write_text("1,2\n")
    report = grade(handin, "load")
    assert statuses(report) == {"load": "passed"}
    said = " ".join(report.warnings)
    assert "weights.bin" in said and "left out" in said
    assert "small.csv" not in said


def test_the_copy_keeps_the_students_files_and_leaves_out_the_graders_reports(tmp_path):
    from grader.handin import copy_handin

    handin = reference_into(tmp_path / "alice")
    for folder in ("data", "runs", "venv", ".venv", "grader-reports"):
        (handin / folder).mkdir()
        (handin / folder / "mine.txt").write_text(folder)
    shutil.copyfile(SUBMISSIONS / "README.md", handin / "grader-reports" / "README.md")
    report = grade(REFERENCE, "load")
    from grader.reporters import json_report

    json_report.write(report, handin / "grader-reports" / "alice.json")
    (handin / "__pycache__").mkdir()
    (handin / "__pycache__" / "tp1.cpython-311.pyc").write_bytes(b"\x00" * 64)
    copied = copy_handin(handin, tmp_path / "copy")
    kept = {p.relative_to(tmp_path / "copy").as_posix() for p in (tmp_path / "copy").rglob("*") if p.is_file()}
    assert kept == {*LAB, "data/mine.txt", "runs/mine.txt", "venv/mine.txt", ".venv/mine.txt"}
    # grader-reports/ is the grader's output folder: never part of the code graded (issue 16, item 3)
    assert set(copied.hashes) == set(LAB)


def test_the_template_still_scores_zero_with_its_files_copied(tmp_path):
    report = grade(TEMPLATE, "load", "mse.forward")
    assert statuses(report) == {"load": "passed", "mse.forward": "error"}
    assert report.warnings == ()
