"""The first five minutes of a student and a teacher (issue 16): usage errors, --help, where reports go.

Each test here failed on the code before the issue was fixed. Grading runs are kept to ``--only load``
(or to nothing at all: a usage error stops before grading) so that these tests stay fast.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import REFERENCE, mutate


def run_cli(*args: str, cwd: Path, columns: int = 120, env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "NO_COLOR": "1", "COLUMNS": str(columns), "PYTHONPATH": str(Path(__file__).parents[1]),
                **(env or {})}
    return subprocess.run([sys.executable, "-m", "grader", *args], cwd=cwd, capture_output=True, text=True,
                          env=full_env, timeout=600)


def _class(tmp_path: Path) -> Path:
    root = tmp_path / "class"
    for name in ("alice", "bob"):
        shutil.copytree(REFERENCE, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    return root


# --- item 1: a data path that was asked for and is not there ----------------------------------------------

def test_class_run_with_a_data_typo_is_a_usage_error_before_anything_is_graded(tmp_path):
    classroom = _class(tmp_path)
    proc = run_cli("check", str(classroom), "--data", str(tmp_path / "nope" / "cal_housing.data"),
                   "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    lines = [line for line in (proc.stdout + proc.stderr).splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert lines[0].startswith("error: --data: ") and "does not exist" in lines[0]
    assert not (tmp_path / "out").exists()  # nothing graded, no gradebook claiming 14 / 20


def test_zip_export_with_a_data_typo_exits_2_too(tmp_path):
    export = tmp_path / "export.zip"
    with zipfile.ZipFile(export, "w") as z:
        for name in ("Jean Dupont_123456_assignsubmission_file_", "Ann Lee_222222_assignsubmission_file_"):
            z.write(REFERENCE / "tp1.py", f"{name}/tp1.py")
    proc = run_cli("check", str(export), "--data", "missing.data", "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert proc.returncode == 2 and "error: --data:" in proc.stdout


def test_single_hand_in_with_a_data_typo_exits_2_with_one_line(tmp_path):
    proc = run_cli("check", str(REFERENCE), "--data", "missing.data", "--json", str(tmp_path / "r.json"),
                   cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout.strip().count("\n") == 0 and "missing.data does not exist" in proc.stdout


def test_grader_data_pointing_nowhere_is_a_usage_error_too(tmp_path):
    proc = run_cli("check", str(REFERENCE), "--only", "load", cwd=tmp_path,
                   env={"GRADER_DATA": str(tmp_path / "gone.data")})
    assert proc.returncode == 2 and proc.stdout.startswith("error: GRADER_DATA: ")


# --- item 5: --help, unknown options and check ids, --jobs, several configuration errors ----------------

def test_help_keeps_its_brackets_and_names_the_argument(tmp_path):
    proc = run_cli("check", "--help", cwd=tmp_path, columns=200)
    assert proc.returncode == 0
    text = " ".join(proc.stdout.split())  # help text is wrapped
    for needle in ("[default: grader-reports/<submission>.json", "pyproject.toml with [tool.grader]",
                   "[default: number of cores]", "[default: 0]", "or an LMS .zip export"):
        assert needle in text, needle
    assert "check [OPTIONS] DIR" in proc.stdout
    assert "{" not in proc.stdout.splitlines()[0] and "<bool>" not in proc.stdout


def test_an_unknown_option_suggests_only_look_alikes(tmp_path):
    proc = run_cli("check", "x", "--bogus", cwd=tmp_path)
    assert proc.returncode == 2 and "No such option: --bogus" in proc.stderr
    assert "Possible options" not in proc.stderr
    proc = run_cli("check", "x", "--jbos", cwd=tmp_path)
    assert proc.returncode == 2 and "--jobs" in proc.stderr


def test_a_misspelt_check_id_gets_a_did_you_mean(tmp_path):
    proc = run_cli("check", str(REFERENCE), "--only", "mse.foward", cwd=tmp_path)
    assert proc.returncode == 2 and "did you mean mse.forward?" in proc.stdout


def test_negative_jobs_is_a_usage_error(tmp_path):
    proc = run_cli("check", str(_class(tmp_path)), "--jobs", "-3", cwd=tmp_path)
    assert proc.returncode == 2 and "--jobs" in proc.stdout and "-3" in proc.stdout


def test_a_configuration_file_reports_every_error_at_once(tmp_path):
    from grader.config.file import ConfigError, load_file

    file = tmp_path / "grader.toml"
    file.write_text('seed = "x"\n[train.sgd]\nepsilom = 0.1\n[points]\n"mse.forward" = -2\n')
    with pytest.raises(ConfigError) as caught:
        load_file(file)
    assert (caught.value.key, caught.value.line) == ("seed", 1)  # the first one, as before
    lines = str(caught.value).splitlines()
    assert [line.split(": ")[0] for line in lines] == [f"{file}:1", f"{file}:3", f"{file}:5"]


# --- item 7: nothing graded, nothing but the error ----------------------------------------------------------

def test_an_empty_folder_prints_only_its_error_and_still_writes_a_report(tmp_path):
    (tmp_path / "empty").mkdir()
    proc = run_cli("check", "empty", "--json", "r.json", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout.strip().splitlines() == ["error: not a submission: empty holds no tp1.py (the folder is empty)"]
    assert json.loads((tmp_path / "r.json").read_text())["checks"][0]["status"] == "failed"


def test_a_missing_configuration_file_says_its_error_first(tmp_path):
    proc = run_cli("check", str(REFERENCE), "--config", "nope.toml", "--json", "r.json", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout.splitlines()[0].startswith("error: invalid configuration: nope.toml")
    assert "JSON report" not in proc.stdout


# --- item 3: the student's run leaves the hand-in as it was ------------------------------------------------

def _snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
            for p in sorted(folder.rglob("*"))}


def test_grader_check_dot_from_the_hand_in_leaves_it_unchanged(tmp_path):
    handin = mutate(tmp_path, "alice")
    before = _snapshot(handin)
    proc = run_cli("check", ".", "--only", "load", "--format", "markdown", cwd=handin)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert _snapshot(handin) == before
    report = tmp_path / "grader-reports" / "alice.json"
    assert report.is_file() and (tmp_path / "grader-reports" / "alice.md").is_file()
    assert str(report) in " ".join(proc.stdout.split()) or "grader-reports/alice.json" in proc.stdout


def test_from_a_sub_folder_of_the_hand_in_too(tmp_path):
    handin = mutate(tmp_path, "alice")
    (handin / "notes").mkdir()
    proc = run_cli("check", "..", "--only", "load", cwd=handin / "notes")
    assert proc.returncode == 0
    assert not (handin / "notes" / "grader-reports").exists() and (tmp_path / "grader-reports" / "alice.json").is_file()


def test_a_grader_reports_folder_is_never_graded_as_code(tmp_path):
    from grader.handin import NotASubmission, copy_handin, locate

    only_reports = tmp_path / "only-reports"
    shutil.copytree(REFERENCE, only_reports / "grader-reports", ignore=shutil.ignore_patterns("__pycache__"))
    with pytest.raises(NotASubmission):
        locate(only_reports)  # a tp1.py under grader-reports/ is not the hand-in's
    handin = mutate(tmp_path, "alice")
    (handin / "grader-reports").mkdir()
    (handin / "grader-reports" / "alice.md").write_text("# report\n")
    (handin / "grader-reports" / "helper.py").write_text("x = 1\n")
    copied = copy_handin(handin, tmp_path / "copy")
    assert not (tmp_path / "copy" / "grader-reports").exists()
    assert not any(name.startswith("grader-reports") for name in copied.hashes)
