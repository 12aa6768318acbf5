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


# --- items 6, 9 and issue 11 (3): the terminal report a student reads ----------------------------------------

def _report(checks, **environment):
    from grader.model import SubmissionInfo, SubmissionReport

    env = {"python": "3.11", "torch": "2.13.0", "sandbox": "bwrap", "data_source": "bundled", "lang": "en",
           **environment}
    return SubmissionReport("0.1.0", SubmissionInfo("x", "x", {}), "2026-11-30T00:00:00+00:00", 1.0, env,
                            tuple(checks))


def _load_failed_report():
    from grader.config import DEFAULT_POINTS
    from grader.model import CheckResult, Status

    checks = [CheckResult("load", "Import", Status.FAILED, 0, 0, "importing tp1.py raised SyntaxError: x", 0.1)]
    checks += [CheckResult(cid, cid, Status.SKIPPED, 0, DEFAULT_POINTS[cid], f"skipped: needs X in tp1.py", 0.0,
                           {"prerequisites": ["tp1.MSE"]}) for cid in list(DEFAULT_POINTS)[1:]]
    return _report(checks)


def _render(report, width: int, terminal: bool = False) -> str:
    import io

    from rich.console import Console

    from grader.reporters import terminal as term

    out = io.StringIO()
    term.render(report, Console(file=out, width=width, force_terminal=terminal, no_color=True))
    return out.getvalue()


def test_checks_skipped_because_load_failed_are_one_row():
    text = _render(_load_failed_report(), 120)
    assert "11 checks" in text and "not run: load did not pass (mse.forward, mse.backward" in text
    assert "skipped: needs X" not in text
    assert len(text.splitlines()) < 15


def test_at_80_columns_and_below_the_message_goes_under_the_check():
    from grader.model import CheckResult, Status

    long = "grad_yhat: mismatched elements 12 / 12; greatest difference 0.806 at index (1, 2) " * 2
    report = _report([CheckResult("context.isolation", "c", Status.FAILED, 0, 1,
                                  long, 0.1)], lang="fr")
    for width in (50, 80):
        lines = _render(report, width).splitlines()
        assert all(len(line) <= width for line in lines)
        row = next(i for i, line in enumerate(lines) if line.startswith(" context.isolation"))
        assert "échoué" in lines[row] and lines[row + 1].startswith("    grad_yhat: mismatched"), lines
    wide = _render(report, 160).splitlines()
    assert any(line.startswith(" context.isolation") and "grad_yhat" in line for line in wide)  # side by side


def test_piped_output_is_not_padded_with_blanks():
    text = _render(_load_failed_report(), 80, terminal=False)
    assert all(line == line.rstrip() for line in text.splitlines())


def test_missing_data_is_one_line_per_row_and_the_remedy_is_printed_once_below_the_table():
    from grader.model import CheckResult, Status

    problem = "California Housing data not found. Searched:\n  - GRADER_DATA (not set)\nProvide the data: --data"
    checks = [CheckResult(cid, cid, Status.SKIPPED, 0, 2, "skipped: California Housing data not found. Searched:",
                          0.0, {"prerequisites": ["data"]}) for cid in ("train.batch", "train.sgd", "train.minibatch")]
    text = _render(_report(checks, data_source=None, data_problem=problem), 100)
    assert text.count("Provide the data: --data") == 1 and text.count("GRADER_DATA (not set)") == 1
    assert "data: none: California Housing data not found. Searched:" in text
    assert "3 checks" in text and "Training data not available:" in text


def test_the_spinner_names_the_check_running_and_its_limit():
    from grader.config import GradingConfig
    from grader.reporters.spinner import plan, text

    config = GradingConfig(lang="fr")
    checks = plan(config)
    assert text(checks, 0, "alice", config) == "correction de alice : import de vos fichiers (limite 60 s) …"
    assert text(checks, 9, "alice", config) == "correction de alice : train.batch (10/12, limite 120 s) …"


def test_french_data_source_and_class_counts_are_french():
    from grader.data import find_data
    from grader.data.handover import describe_source
    from grader.i18n import Msg, render

    assert describe_source(find_data(), "fr") == "cal_housing.data.gz (fourni avec le correcteur)"
    assert render(Msg("ux.class.count.failed", n=2), "fr") == "2 échoués"


def test_gradescope_markdown_junit_and_html_speak_the_reports_language():
    from grader.model import CheckResult, Status
    from grader.reporters import gradescope, html_report, junit, markdown

    checks = [CheckResult("mse.backward", "MSE backward (appel direct)", Status.FAILED, 0, 2, "grad_yhat : écart", 0.1,
                          {}, ("votre backward ignore grad_output",)),
              CheckResult("train.sgd", "SGD", Status.TIMEOUT, 0, 2, "votre code ne s'est pas terminé", 120.0)]
    report = _report(checks, lang="fr")
    md = markdown.render(report)
    assert "| Vérification | Statut |" in md and "échoué" in md and "Indices" in md and "1 échouée" in md
    output = gradescope.to_dict(report)
    assert output["tests"][0]["output"].endswith("Indice : votre backward ignore grad_output")
    assert output["tests"][1]["output"].startswith("[temps dépassé]") and output["output"].startswith("Note 0 / 4")
    assert "Indice : votre backward" in junit.to_xml(report)
    page = html_report.render(report)
    assert '<html lang="fr">' in page and ">échoué<" in page and "Vérification" in page
    english = markdown.render(_report(checks))
    assert "| Check | Status |" in english and "Hints" in english
