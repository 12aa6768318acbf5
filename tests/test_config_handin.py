"""A configuration file inside the hand-in is never obeyed (issue 17.1): the search starts on the teacher's side of
the tree, the report names what it ignored, and a pickle named by a configuration is never unpickled."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.config import DEFAULT_POINTS
from grader.config.file import load
from grader.config.search import search

from test_cli import run_cli
from test_config import course

GENEROUS = '[points]\nload = 20\n' + "".join(f'"{cid}" = 0\n' for cid in DEFAULT_POINTS if cid != "load")


class Payload:
    """Unpickling this creates ``marker``: the proof that a pickle ran code in the grader's process."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return open, (str(self.marker), "w")


@pytest.mark.parametrize("teacher", [False, True], ids=["student mode", "teacher mode"])
def test_a_grader_toml_in_the_hand_in_is_ignored_and_the_report_says_so(teacher, tmp_path):
    """The README's teacher command `grader check submissions/alice` on the unimplemented template with a
    grader.toml giving `load` 20 points scored 20/20, exit 0; its `[data] path` was unpickled in the grader."""
    import json
    import shutil

    import joblib

    from conftest import TEMPLATE

    root = course(tmp_path)
    handin = root / "subs" / "mallory"
    shutil.copytree(TEMPLATE, handin)
    marker = tmp_path / "pwned"
    joblib.dump(Payload(marker), handin / "data.pkz", compress=6)
    (handin / "grader.toml").write_text(GENEROUS + '[data]\npath = "data.pkz"\n')
    out = tmp_path / "r.json"
    proc = run_cli("check", str(handin), "--json", str(out), *(["--teacher"] if teacher else []), cwd=tmp_path)
    report = json.loads(out.read_text())
    assert (report["score"], report["max_score"]) == (0, 20) and proc.returncode == 1, proc.stdout
    assert not marker.exists()
    assert report["environment"]["config_file"] is None
    assert "data.pkz" not in report["environment"]["data_source"]
    warning = " ".join(report["warnings"])
    assert str(handin / "grader.toml") in warning and "--config" in warning
    shown = "".join(proc.stdout.split())  # the terminal wraps a long path anywhere
    assert "grader.toml" in shown and "--config" in shown


def test_the_course_file_beside_the_hand_in_is_used(tmp_path):
    root = course(tmp_path, "seed = 4\n")
    (root / "subs" / "alice" / "tp1.py").write_text("")
    (root / "subs" / "alice" / "grader.toml").write_text("seed = 5\n")
    found = search(root / "subs" / "alice")
    assert found.file == root / "grader.toml" and found.ignored == (root / "subs" / "alice" / "grader.toml",)
    assert load(None, root / "subs" / "alice").config.seed == 4


def test_a_students_repository_configures_nothing(tmp_path):
    """GitHub Classroom: the hand-in is the student's repository (grading `.` in it). Its grader.toml is the
    student's; what lies above it (the folder it was cloned into) is not known to be the course's."""
    (tmp_path / "grader.toml").write_text("seed = 9\n")  # above the student's repository: not used either
    repo = tmp_path / "tp1-alice"
    (repo / ".git").mkdir(parents=True)
    (repo / "tp1.py").write_text("")
    (repo / "pyproject.toml").write_text('[project]\nname = "tp1"\n[tool.grader]\nseed = 7\n')
    found = search(repo)
    assert found.file is None and found.ignored == (repo / "pyproject.toml",)
    (repo / "grader.toml").write_text("seed = 8\n")
    assert search(repo).ignored == (repo / "grader.toml", repo / "pyproject.toml")
    proc = run_cli("config", "--show", ".", cwd=repo)
    assert proc.returncode == 0 and "No configuration file found" in proc.stdout
    assert f"ignored: {repo / 'grader.toml'}" in proc.stdout


def test_a_folder_that_holds_only_this_hand_in_is_the_students_too(tmp_path):
    """`grader check tp1-alice/tp1`: the repository around the named folder holds nothing else gradable, so the
    grader cannot tell it from the student's own folder: its grader.toml is not used (pass --config)."""
    repo = tmp_path / "classroom" / "tp1-alice"
    (repo / ".git").mkdir(parents=True)
    (repo / "tp1").mkdir()
    (repo / "tp1" / "tp1.py").write_text("")
    (repo / "grader.toml").write_text("seed = 8\n")
    (tmp_path / "classroom" / "grader.toml").write_text("seed = 2\n")
    found = search(repo / "tp1")
    assert found.file is None and found.ignored == (repo / "grader.toml",)
    (tmp_path / "classroom" / "tp1-bob" / "tp1").mkdir(parents=True)  # beside another hand-in: the course's side
    (tmp_path / "classroom" / "tp1-bob" / "tp1" / "tp1.py").write_text("")
    assert search(tmp_path / "classroom" / "tp1-bob").file == tmp_path / "classroom" / "grader.toml"


def test_a_config_passed_with_config_is_obeyed_even_inside_the_hand_in(tmp_path):
    root = course(tmp_path)
    handin = root / "subs" / "alice"
    (handin / "tp1.py").write_text("")
    (handin / "grader.toml").write_text("seed = 6\n")
    assert load(handin / "grader.toml", handin).config.seed == 6
