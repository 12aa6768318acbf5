"""The command line end to end: exit codes, JSON report, usage errors, no traceback walls."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from conftest import REFERENCE, ROOT, TEMPLATE

SCHEMA = json.loads((ROOT / "grader" / "schema" / "report.schema.json").read_text())
FAST = ["--only", "load", "--only", "mse.forward", "--only", "linear.forward"]


def run_cli(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "120", **(env or {})}
    return subprocess.run([sys.executable, "-m", "grader", *args], cwd=cwd, capture_output=True, text=True,
                          env=full_env, timeout=600)


def test_reference_passes_with_exit_0_and_a_valid_report(tmp_path):
    out = tmp_path / "ref.json"
    proc = run_cli("check", str(REFERENCE), "--json", str(out), *FAST, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads(out.read_text())
    jsonschema.validate(report, SCHEMA)
    assert [c["status"] for c in report["checks"]] == ["passed"] * 3
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "Score 4 / 4" in proc.stdout


def test_default_report_path_is_grader_reports_in_the_current_folder(tmp_path):
    proc = run_cli("check", str(REFERENCE), "--only", "load,mse.forward", cwd=tmp_path)  # a comma list too
    assert proc.returncode == 0, proc.stdout
    report = tmp_path / "grader-reports" / "reference.json"
    assert [c["id"] for c in json.loads(report.read_text())["checks"]] == ["load", "mse.forward"]
    assert "grader-reports/reference.json" in proc.stdout


@pytest.mark.slow
def test_template_scores_zero_exits_1_and_writes_a_report_without_traceback(tmp_path):
    out = tmp_path / "t.json"
    proc = run_cli("check", str(TEMPLATE), "--json", str(out), cwd=tmp_path)
    assert proc.returncode == 1
    report = json.loads(out.read_text())
    jsonschema.validate(report, SCHEMA)
    assert report["score"] == 0 and report["max_score"] == 20
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "not implemented yet" in proc.stdout
    statuses = {c["id"]: c["status"] for c in report["checks"]}
    assert statuses["load"] == "passed"
    assert set(statuses.values()) == {"passed", "error"}


def test_failing_submission_exits_1_unless_fail_under_is_met(tmp_path, make_submission):
    sub = make_submission(tp1=[("return X @ W + b", "return X @ W")])
    proc = run_cli("check", str(sub), *FAST, "--json", str(tmp_path / "r.json"), cwd=tmp_path)
    assert proc.returncode == 1
    assert "failed" in proc.stdout
    proc = run_cli("check", str(sub), *FAST, "--fail-under", "2", "--json", str(tmp_path / "r.json"), cwd=tmp_path)
    assert proc.returncode == 0  # 2 (mse.forward) + 0 (linear.forward) >= 2
    proc = run_cli("check", str(sub), *FAST, "--fail-under", "3", "--json", str(tmp_path / "r.json"), cwd=tmp_path)
    assert proc.returncode == 1


def test_points_can_be_changed(tmp_path):
    out = tmp_path / "r.json"
    proc = run_cli("check", str(REFERENCE), "--only", "mse.forward", "--points", "mse.forward=5", "--json", str(out),
                   cwd=tmp_path)
    assert proc.returncode == 0
    assert json.loads(out.read_text())["max_score"] == 5


@pytest.mark.parametrize("args, words", [
    (["check", "does-not-exist"], "no such folder"),
    (["check", "README.md"], "not a folder"),
    (["check", "reference", "--points", "mse.forward"], "CHECK_ID=NUMBER"),
    (["check", "reference", "--points", "nope=1"], "unknown check id"),
    (["check", "reference", "--only", "nope"], "unknown check id"),
    (["check", "reference", "--only", ","], "no check id given"),
])
def test_usage_errors_exit_2_with_a_message(args, words, tmp_path):
    (tmp_path / "README.md").write_text("x")
    (tmp_path / "reference").mkdir()
    (tmp_path / "reference" / "tp1.py").write_text("")
    proc = run_cli(*args, cwd=tmp_path)
    assert proc.returncode == 2
    assert words in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr


def test_a_folder_without_tp1_exits_2_and_still_writes_a_report(tmp_path):
    folder = tmp_path / "bob"
    folder.mkdir()
    (folder / "notes.txt").write_text("hello")
    proc = run_cli("check", str(folder), "--json", str(tmp_path / "bob.json"), cwd=tmp_path)
    assert proc.returncode == 2
    assert "not a submission" in proc.stdout and "notes.txt" in proc.stdout
    report = json.loads((tmp_path / "bob.json").read_text())
    jsonschema.validate(report, SCHEMA)
    assert report["checks"][0]["status"] == "failed"


def test_nested_submission_folder_is_found(tmp_path):
    nested = tmp_path / "alice_123" / "TP1"
    nested.parent.mkdir()
    import shutil
    shutil.copytree(REFERENCE, nested)
    proc = run_cli("check", str(tmp_path / "alice_123"), "--only", "load", "--json", str(tmp_path / "r.json"),
                   cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout


def test_internal_error_exits_3_without_traceback_wall(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    import grader.runner
    from grader.cli import app

    def broken(*args, **kwargs):
        raise ZeroDivisionError("bug in the grader")

    monkeypatch.setattr(grader.runner, "grade", broken)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["check", str(REFERENCE)])
    assert result.exit_code == 3
    assert "internal error of the grader" in result.output
    assert "Traceback" not in result.output
    assert "ZeroDivisionError" in (tmp_path / "grader-reports" / "reference.error.txt").read_text()


def test_version_and_checks_commands(tmp_path):
    assert run_cli("--version", cwd=tmp_path).stdout.startswith("grader ")
    listing = run_cli("checks", cwd=tmp_path).stdout
    for check_id in ("load", "mse.forward", "linear.backward", "context.isolation", "train.minibatch"):
        assert check_id in listing


def test_lang_fr_reports_in_french_and_records_the_language(tmp_path):
    out = tmp_path / "fr.json"
    proc = run_cli("check", str(REFERENCE), "--json", str(out), "--only", "load", "--lang", "fr", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Rapport JSON" in proc.stdout and "réussi" in proc.stdout and "Note 0 / 0" in proc.stdout
    report = json.loads(out.read_text())
    jsonschema.validate(report, SCHEMA)
    assert report["environment"]["lang"] == "fr"
    assert report["checks"][0]["id"] == "load" and report["checks"][0]["name"] == "Import du rendu"
    assert report["checks"][0]["status"] == "passed"  # ids and statuses stay English and stable


def test_language_defaults_to_the_locale_then_english(tmp_path):
    french = run_cli("check", str(REFERENCE), "--only", "load", cwd=tmp_path,
                     env={"LC_ALL": "", "LC_MESSAGES": "", "LANG": "fr_FR.UTF-8"})
    assert "Rapport JSON" in french.stdout, french.stdout
    other = run_cli("check", str(REFERENCE), "--only", "load", cwd=tmp_path,
                    env={"LC_ALL": "", "LC_MESSAGES": "", "LANG": "de_DE.UTF-8"})
    assert "JSON report" in other.stdout, other.stdout


def test_unknown_language_is_a_usage_error(tmp_path):
    proc = run_cli("check", str(REFERENCE), "--lang", "de", cwd=tmp_path)
    assert proc.returncode == 2 and "--lang" in proc.stdout + proc.stderr


def test_a_reader_that_stops_early_does_not_cost_the_report(tmp_path):
    """`grader check … | head -1`: the reader is gone before the grader prints (here `| true`, which reads
    nothing); the JSON report is still written."""
    import shlex

    out = tmp_path / "r.json"
    command = (f"{shlex.quote(sys.executable)} -m grader check {shlex.quote(str(REFERENCE))} --only load "
               f"--json {shlex.quote(str(out))} | true")
    proc = subprocess.run(["bash", "-c", command], cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "COLUMNS": "100"})
    assert out.exists(), proc.stderr
    assert json.loads(out.read_text())["checks"][0]["status"] == "passed"
