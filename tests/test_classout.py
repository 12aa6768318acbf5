"""Class outputs end to end, from a Moodle-style zip (accented names, a nested zip, homonyms, a PDF-only
hand-in): homonyms told apart by their participant id (issue 16.2), every class file by default and from
`grader merge` (16.11), the students of frequent failures and readable file modes (16.12), re-grading
only what changed (15.4), Moodle's grading worksheet (15.5), the class index's charts (15.6)."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import pytest

from conftest import REFERENCE, ROOT, SUBMISSIONS

SCHEMA = json.loads((ROOT / "grader" / "schema" / "report.schema.json").read_text())
ONLY = ["--only", "load", "--only", "mse.backward", "--only", "linear.backward"]
JEAN_A, JEAN_B = "Jean Dupont_123456_assignsubmission_file_", "Jean Dupont_999999_assignsubmission_file_"
# Moodle's own "Download grading worksheet" columns (assignfeedback_offline; English site language).
MOODLE_COLUMNS = ["Identifier", "Full name", "Email address", "Status", "Grade", "Maximum Grade",
                  "Grade can be changed", "Last modified (submission)", "Last modified (grade)", "Feedback comments"]


def run_cli(*args: str, cwd: Path, umask: int | None = None) -> subprocess.CompletedProcess:
    env = {"NO_COLOR": "1", "COLUMNS": "120", "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8",
           **{k: v for k, v in os.environ.items() if k == "PYTHONPATH"}}  # to run these tests on another tree
    preexec = (lambda: os.umask(umask)) if umask is not None else None
    return subprocess.run([sys.executable, "-m", "grader", *args], cwd=cwd, capture_output=True, text=True,
                          env=env, timeout=900, preexec_fn=preexec)


def write_export(path: Path, bob_files: dict[str, str] | None = None) -> Path:
    """A Moodle "download all submissions" zip: Élodie (the reference in a sub-folder), two Jean Dupont
    (the reference; bob's files in a nested zip), Carl (a PDF only)."""
    bob = {f.name: f.read_text() for f in (SUBMISSIONS / "bob").glob("*.py")}
    bob.update(bob_files or {})
    with zipfile.ZipFile(path, "w") as zf:
        for file in sorted(REFERENCE.glob("*.py")):
            zf.write(file, f"Élodie D'Arc_123457_assignsubmission_file_/TP1/{file.name}")
            zf.write(file, f"{JEAN_A}/{file.name}")
        inner = io.BytesIO()
        with zipfile.ZipFile(inner, "w") as iz:
            for name, text in sorted(bob.items()):
                iz.writestr(f"rendu/{name}", text)
        zf.writestr(f"{JEAN_B}/rendu.zip", inner.getvalue())
        zf.writestr("Carl Nobody_777_assignsubmission_file_/rapport.pdf", b"%PDF-1.4")
    return path


def gradebook(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """One class run of the export, its output folder and what it printed."""
    tmp = tmp_path_factory.mktemp("classout")
    export = write_export(tmp / "export.zip")
    proc = run_cli("check", str(export), *ONLY, "--out", str(tmp / "out"), cwd=tmp, umask=0o022)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return tmp, export, tmp / "out", proc


def test_homonyms_are_told_apart_by_their_participant_id_everywhere(graded):
    tmp, export, out, proc = graded
    rows = {row["student"]: row for row in gradebook(out / "gradebook.csv")}
    assert set(rows) == {"Élodie D'Arc", "Jean Dupont (123456)", "Jean Dupont (999999)", "Carl Nobody"}
    assert rows["Jean Dupont (123456)"]["lms_id"] == "123456" and rows["Jean Dupont (999999)"]["lms_id"] == "999999"
    assert rows["Jean Dupont (123456)"]["score"] == "5" and rows["Jean Dupont (999999)"]["mse.backward"] == "failed"
    for lms_id, inside in (("123456", f"{JEAN_A}"), ("999999", f"{JEAN_B}/rendu.zip/rendu")):
        report = json.loads((out / "students" / f"jean-dupont-{lms_id}.json").read_text())
        jsonschema.validate(report, SCHEMA)
        assert report["submission"]["lms_id"] == lms_id and report["submission"]["name"] == "Jean Dupont"
        assert report["submission"]["path"] == f"{export}/{inside}"  # inside the export, not a temporary folder
    elodie = json.loads((out / "students" / "elodie-d-arc.json").read_text())
    assert elodie["submission"]["path"] == f"{export}/Élodie D'Arc_123457_assignsubmission_file_/TP1"
    summary = json.loads((out / "summary.json").read_text())
    ids = {s["student"]: s["lms_id"] for s in summary["students"]}
    assert ids["Jean Dupont (123456)"] == "123456" and ids["Carl Nobody"] == "777"
    assert "Jean Dupont (123456): 5/5" in proc.stderr and "Jean Dupont (999999): 3/5" in proc.stderr
    assert "Jean Dupont (999999)" in proc.stdout  # the class table


def test_every_class_file_is_written_without_asking(graded):
    _, _, out, proc = graded
    for name in ("gradebook.csv", "summary.json", "summary.md", "index.html", "junit.xml",
                 "moodle-grading-worksheet.csv"):
        assert (out / name).is_file(), name
        assert str(out / name) in proc.stdout, name
    assert (out / "students" / "jean-dupont-999999.html").is_file()  # the index links the students' pages


def test_files_are_created_with_the_umask_not_0600(graded, tmp_path):
    _, _, out, _ = graded
    for path in [*out.iterdir(), *(out / "students").iterdir()]:
        assert stat.S_IMODE(path.stat().st_mode) in (0o644, 0o755), path
    proc = run_cli("merge", str(out / "students"), "--out", str(tmp_path / "m"), cwd=tmp_path, umask=0o027)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert {stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "m").iterdir() if p.is_file()} == {0o640}


def test_frequent_failures_name_their_students(graded):
    _, _, out, proc = graded
    summary = json.loads((out / "summary.json").read_text())
    backward = next(c for c in summary["checks"] if c["id"] == "mse.backward")
    assert backward["top_failures"][0]["students"] == ["Jean Dupont (999999)"]
    assert "Jean Dupont (999999)" in proc.stdout.split("Most frequent failures")[1]
    index = (out / "index.html").read_text()
    failures = index.split("Most frequent failures")[1]
    assert 'href="students/jean-dupont-999999.html">Jean Dupont (999999)</a>' in failures
    assert "Jean Dupont (999999)" in (out / "summary.md").read_text().split("Most frequent failures")[1]


def test_the_moodle_worksheet_has_moodles_columns_and_ids(graded):
    tmp, export, out, _ = graded
    raw = (out / "moodle-grading-worksheet.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # Moodle matches the header "Identifier" byte for byte
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    assert rows[0] == MOODLE_COLUMNS
    assert all(len(row) == len(MOODLE_COLUMNS) for row in rows) and raw.count(b"\n") == len(rows)  # one line each
    by_id = {row[0]: dict(zip(MOODLE_COLUMNS, row)) for row in rows[1:]}
    folder_ids = {name.split("_")[1] for name in zipfile.ZipFile(export).namelist()}
    assert set(by_id) == {f"Participant {i}" for i in folder_ids}  # "Participant " + the export's _<id>_
    jean_b, elodie, carl = by_id["Participant 999999"], by_id["Participant 123457"], by_id["Participant 777"]
    assert (jean_b["Full name"], jean_b["Grade"], jean_b["Maximum Grade"]) == ("Jean Dupont", "3", "5")
    assert jean_b["Feedback comments"].startswith("Autograder: 3 / 5")
    assert "mse.backward (failed, 0/2)" in jean_b["Feedback comments"]
    assert "Hint: your backward ignores grad_output" in jean_b["Feedback comments"]
    assert elodie["Full name"] == "Élodie D'Arc" and elodie["Grade"] == "5" and "Every check passed" in \
        elodie["Feedback comments"]
    assert carl["Grade"] == "0" and "rapport.pdf" in carl["Feedback comments"]
    assert jean_b["Last modified (grade)"].startswith("20")  # ISO 8601: PHP's strtotime reads it


def test_the_class_index_draws_the_class(graded):
    _, _, out, _ = graded
    index = (out / "index.html").read_text()
    assert index.count("<svg") == 2 and "Score distribution" in index and "Pass rate per check" in index
    for check_id in ("load", "mse.backward", "linear.backward"):  # named columns, each a sort link
        assert f'title="{check_id}">{check_id}</a>' in index
    assert 'href="#by-score"' in index and "#by-c2:target" in index
    assert index.count('<rect x="150"') == 2 * 3  # a track and a bar per check


def test_merge_writes_every_class_file_and_takes_format(graded, tmp_path):
    _, _, out, _ = graded
    proc = run_cli("merge", str(out), "--out", str(tmp_path / "m"), "--format", f"markdown={tmp_path / 'c.md'}",
                   cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    merged = tmp_path / "m"
    for name in ("gradebook.csv", "summary.json", "index.html", "junit.xml", "moodle-grading-worksheet.csv"):
        assert (merged / name).is_file(), name
    assert (tmp_path / "c.md").is_file() and not (merged / "summary.md").exists()
    assert gradebook(merged / "gradebook.csv") == gradebook(out / "gradebook.csv")


@pytest.mark.slow
def test_a_second_run_reuses_what_did_not_change(tmp_path):
    export = write_export(tmp_path / "export.zip")
    out = tmp_path / "out"
    first = run_cli("check", str(export), *ONLY, "--out", str(out), cwd=tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    before = {p.name: json.loads(p.read_text()) for p in (out / "students").glob("*.json")}

    again = run_cli("check", str(export), *ONLY, "--out", str(out), cwd=tmp_path)
    assert again.returncode == 0 and "3 reports re-used" in again.stdout, again.stdout  # Carl: nothing to reuse
    after = {p.name: json.loads(p.read_text()) for p in (out / "students").glob("*.json")}
    for name in ("elodie-d-arc.json", "jean-dupont-123456.json", "jean-dupont-999999.json"):
        assert after[name] == before[name], name

    # A fix handed in by one student (in her nested zip): only hers is graded again.
    fixed = (REFERENCE / "tp1.py").read_text()
    write_export(export, bob_files={"tp1.py": fixed})
    third = run_cli("check", str(export), *ONLY, "--out", str(out), cwd=tmp_path)
    assert third.returncode == 0 and "2 reports re-used" in third.stdout, third.stdout
    jean_b = json.loads((out / "students" / "jean-dupont-999999.json").read_text())
    assert jean_b["score"] == 5 and jean_b["started_at"] >= before["jean-dupont-999999.json"]["started_at"]
    assert json.loads((out / "students" / "elodie-d-arc.json").read_text()) == before["elodie-d-arc.json"]

    # Another configuration, or --force: everything graded again.
    other = run_cli("check", str(export), *ONLY, "--only", "mse.forward", "--out", str(out), cwd=tmp_path)
    assert other.returncode == 0 and "re-used" not in other.stdout
    forced = run_cli("check", str(export), *ONLY, "--out", str(out), "--force", cwd=tmp_path)
    assert forced.returncode == 0 and "re-used" not in forced.stdout


def test_moodle_is_a_class_format(tmp_path):
    proc = run_cli("check", str(REFERENCE), "--only", "load", "--format", "moodle", cwd=tmp_path)
    assert proc.returncode == 2 and "a class's file" in proc.stdout


# --- the pure parts, on hand-built reports ------------------------------------------------------------

def _report(name: str, *statuses, hints=(), message="went wrong", lms_id=None, internal=False):
    from grader.model import CheckResult, Status, SubmissionInfo, SubmissionReport

    ids = ["load", "mse.forward", "mse.backward", "course.extra"][:len(statuses)]  # a check id of a course too
    checks = tuple(CheckResult(cid, cid, Status(st), 2.0 if st == "passed" else 0.0, 2.0,
                               "ok" if st == "passed" else message, 0.1,
                               {"internal_error": True} if internal and st == "error" else {},
                               tuple(hints) if st == "failed" else ()) for cid, st in zip(ids, statuses))
    return SubmissionReport("0.1.0", SubmissionInfo(f"x/{name}", name, {}, lms_id), "2026-11-30T07:00:00+00:00",
                            1.0, {"python": "3.11", "torch": "2", "numpy": "2", "platform": "x", "sandbox": "none",
                                  "seeds": {}, "data_source": None}, checks)


def test_homonyms_get_their_id_in_their_label_and_the_same_student_twice_is_refused():
    from grader.classmode.summary import summarize

    a = _report("Jean Dupont", "passed", lms_id="123456")
    b = _report("Jean Dupont", "failed", lms_id="999999")
    s = summarize([("Jean Dupont", b, None, None, "999999"), ("Jean Dupont", a, None, None, "123456"),
                   ("Ana", a, None, None, "5")])
    assert [(r.student, r.name, r.lms_id) for r in s.students] == [
        ("Ana", "", "5"), ("Jean Dupont (123456)", "Jean Dupont", "123456"),
        ("Jean Dupont (999999)", "Jean Dupont", "999999")]
    assert s.to_dict()["students"][1]["name"] == "Jean Dupont"
    with pytest.raises(ValueError, match="appears twice"):
        summarize([("Jean Dupont", a, None, None, "1"), ("Jean Dupont", b, None, None, "1")])


def test_the_worksheet_escapes_feedback_and_leaves_out_what_moodle_cannot_take():
    from grader.reporters import moodle

    hostile = _report("Zoé", "passed", "failed", "skipped", "failed", hints=["<b>use grad_output</b>"],
                      message='got <script>alert(1)</script>\nline two, "quoted"')
    broken = _report("Bug", "passed", "error", internal=True)
    text, left_out = moodle.worksheet([("Zoé", hostile, "p", None, "42"), ("Nobody", None, None, "crashed", "43"),
                                       ("Bug", broken, "q", None, "44"), ("Folder", hostile, "r", None, None)])
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == MOODLE_COLUMNS and left_out == 1 and len(rows) == 4 and text.count("\n") == 4
    zoe, nobody, bug = (dict(zip(MOODLE_COLUMNS, row)) for row in rows[1:])
    assert (zoe["Identifier"], zoe["Grade"], zoe["Maximum Grade"]) == ("Participant 42", "2", "8")
    feedback = zoe["Feedback comments"]
    assert "<script>" not in feedback and "&lt;script&gt;" in feedback and "<b>" not in feedback
    assert "line two" in feedback and "course.extra (failed, 0/2)" in feedback and "Not run: mse.backward" in feedback
    assert nobody["Grade"] == "" and "crashed" in nobody["Feedback comments"]  # Moodle skips an empty grade
    assert bug["Grade"] == "" and "internal error of the grader" in bug["Feedback comments"]
    french, _ = moodle.worksheet([("Zoé", hostile, "p", None, "42")], lang="fr")
    assert "Correcteur automatique : 2 / 8" in french and "Indice : &lt;b&gt;" in french


def test_frequent_failures_name_a_few_students_in_the_terminal():
    from grader.reporters.class_reports import names_line

    assert names_line(("a", "b"), "en") == "a, b"
    assert names_line(tuple("abcdefghij"), "en", limit=3) == "a, b, c and 7 more"
    assert names_line(tuple("abcd"), "fr", limit=2) == "a, b et 2 autres"


def test_the_regrade_key_follows_the_files_and_the_configuration(tmp_path):
    from dataclasses import replace

    from grader.classmode import cache
    from grader.config import GradingConfig

    shutil.copytree(REFERENCE, tmp_path / "h")
    before = cache.handin_digest(tmp_path / "h")
    (tmp_path / "h" / "data.txt").write_text("1 2 3")  # not a .py file: still a change
    assert cache.handin_digest(tmp_path / "h") != before
    config = GradingConfig()
    assert cache.config_digest(config) == cache.config_digest(replace(config, config_file="elsewhere.toml"))
    assert cache.config_digest(config) != cache.config_digest(config.with_points({"mse.backward": 3}))
    assert cache.config_digest(config) != cache.config_digest(replace(config, lang="fr"))


def test_score_distribution_bins():
    from grader.classmode.summary import distribution, summarize

    s = summarize([("a", _report("a", "passed", "passed"), None, None), ("b", _report("b", "passed", "failed"),
                                                                        None, None)])
    assert distribution(s) == [("0", 0), ("1", 0), ("2", 1), ("3", 0), ("4", 1)]


def test_merge_writes_its_files_before_printing(graded, tmp_path):
    """`grader merge … | head`: the reader goes away before the table is printed; the files are there."""
    _, _, out, _ = graded
    reports = [str(out / "students" / f"{slug}.json") for slug in ("elodie-d-arc", "carl-nobody")]
    proc = subprocess.Popen([sys.executable, "-m", "grader", "merge", *reports, "--out", str(tmp_path / "m")],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={"NO_COLOR": "1", "COLUMNS": "120", "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8",
                                 **{k: v for k, v in os.environ.items() if k == "PYTHONPATH"}})
    proc.stdout.close()  # like `| head -0`
    proc.wait(timeout=300)
    proc.stderr.close()
    for name in ("gradebook.csv", "summary.json"):
        assert (tmp_path / "m" / name).is_file(), name
