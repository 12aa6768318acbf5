"""examples/: the commands Gradescope and the GitHub Classroom workflow run, run here on example submissions."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from conftest import ROOT, SUBMISSIONS
from test_formats import GRADESCOPE_SCHEMA

EXAMPLES = ROOT / "examples"
RUN_AUTOGRADER = EXAMPLES / "gradescope" / "run_autograder"
GRADE_SH = EXAMPLES / "github-classroom" / ".github" / "grade.sh"
WORKFLOW = EXAMPLES / "github-classroom" / ".github" / "workflows" / "grade.yml"
# bob fails mse.backward (2 points) and mse.gradcheck (1): 2 / 5 on these checks.
QUICK = "--only load --only mse.forward --only mse.backward --only mse.gradcheck"
GRADER = f"{sys.executable} -m grader"


def run(script: Path, *args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    full = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT), "GRADER": GRADER, **env}
    return subprocess.run(["bash", str(script), *args], cwd=cwd, env=full, capture_output=True, text=True,
                          timeout=300)


def test_run_autograder_writes_gradescope_results(tmp_path):
    shutil.copytree(SUBMISSIONS / "bob", tmp_path / "submission")
    proc = run(RUN_AUTOGRADER, cwd=tmp_path, AUTOGRADER_ROOT=str(tmp_path), GRADER_ARGS=QUICK)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    results = json.loads((tmp_path / "results" / "results.json").read_text())
    jsonschema.validate(results, GRADESCOPE_SCHEMA)
    assert results["score"] == 2
    assert {t["extra_data"]["id"]: t["status"] for t in results["tests"]} == {
        "load": "passed", "mse.forward": "passed", "mse.backward": "failed", "mse.gradcheck": "failed"}


@pytest.mark.slow
@pytest.mark.parametrize("teacher_config,score", [(False, 2), (True, 12)])
def test_run_autograder_ignores_a_config_file_shipped_in_the_submission(tmp_path, teacher_config, score):
    shutil.copytree(SUBMISSIONS / "bob", tmp_path / "submission")
    (tmp_path / "submission" / "grader.toml").write_text("[points]\nload = 1000\n")
    if teacher_config:  # the teacher's own file (uploaded with the autograder) is the one that counts
        (tmp_path / "source").mkdir()
        (tmp_path / "source" / "grader.toml").write_text("[points]\nload = 10\n")
    proc = run(RUN_AUTOGRADER, cwd=tmp_path, AUTOGRADER_ROOT=str(tmp_path), GRADER_ARGS=QUICK)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert json.loads((tmp_path / "results" / "results.json").read_text())["score"] == score


def test_run_autograder_still_writes_results_when_the_grader_fails(tmp_path):
    (tmp_path / "submission").mkdir()  # nothing submitted: exit 2, a report saying so
    proc = run(RUN_AUTOGRADER, cwd=tmp_path, AUTOGRADER_ROOT=str(tmp_path), GRADER="false")
    assert proc.returncode == 0
    results = json.loads((tmp_path / "results" / "results.json").read_text())
    jsonschema.validate(results, GRADESCOPE_SCHEMA)
    assert results["score"] == 0 and "could not grade" in results["output"]


@pytest.mark.slow
@pytest.mark.parametrize("pass_mark,code", [("2", 0), ("3", 1)])
def test_the_workflow_step_publishes_the_summary_and_fails_below_the_pass_mark(tmp_path, pass_mark, code):
    repo = tmp_path / "repo"
    shutil.copytree(SUBMISSIONS / "bob", repo)
    summary = tmp_path / "step_summary.md"
    summary.write_text("earlier step\n")
    proc = run(GRADE_SH, ".", cwd=repo, PASS_MARK=pass_mark, GRADER_ARGS=QUICK, GITHUB_STEP_SUMMARY=str(summary))
    assert proc.returncode == code, proc.stdout + proc.stderr
    text = summary.read_text()
    assert text.startswith("earlier step\n\n## ") and "repo: 2 / 5" in text and "| ❌ | `mse.backward` |" in text
    root = ET.parse(repo / "grader-reports" / "junit.xml").getroot()
    assert (root.get("tests"), root.get("failures")) == ("4", "2")
    assert (repo / "grader-reports" / "report.html").is_file()


def test_the_workflow_runs_that_script_and_publishes_its_files():
    text = WORKFLOW.read_text()
    assert "run: bash .github/grade.sh ." in text
    assert "report_paths: grader-reports/junit.xml" in text
    assert "--index-url https://download.pytorch.org/whl/cpu" in text
    for path in (RUN_AUTOGRADER, GRADE_SH, EXAMPLES / "gradescope" / "setup.sh"):
        assert os.access(path, os.X_OK), f"{path} is not executable"
        assert subprocess.run(["bash", "-n", str(path)]).returncode == 0
