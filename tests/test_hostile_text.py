"""Student text is hostile: terminal escape codes, carriage returns, bidi overrides, Rich markup, lone
surrogates (names that are not UTF-8), spreadsheet formulas. Reports are written whatever strings they
hold (strict UTF-8, `grader merge` reads them back), and the terminal shows control characters as
escapes: student text never acts on the teacher's terminal or spreadsheet."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest
from rich.console import Console

from conftest import ROOT, mutate
from test_reporters import make_report

from grader.classmode.summary import summarize
from grader.model import SubmissionInfo
from grader.reporters import class_reports, gradescope, html_report, json_report, junit, markdown, terminal
from grader.text import csv_cell, os_name, storable, visible

SCHEMA = json.loads((ROOT / "grader" / "schema" / "report.schema.json").read_text())
ESCAPES = "\x1b[1A\x1b[2K\x1b[2J\rScore 20 / 20\x1b]52;c;ZXZpbA==\x07\u202e\x9b31m"
ATTACK = f"bad {ESCAPES} [link=file:///etc/passwd]click[/link] \udcff"
RAW = ("\x1b", "\x07", "\r", "\u202e", "\x9b")  # none of these may reach a terminal


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "120", "LANG": "C.UTF-8"}
    return subprocess.run([sys.executable, "-m", "grader", *args], cwd=cwd, capture_output=True, env=env,
                          timeout=600)


def assert_inert(output: str) -> None:
    for char in RAW:
        assert char not in output, f"{char!r} reached the terminal"


# --- the helpers -------------------------------------------------------------------------------------

def test_visible_shows_control_characters_bidi_and_surrogates_as_escapes():
    assert visible("a\x1b[2Jb\u202ec\udcffd\x9b") == "a\\x1b[2Jb\\u202ec\\udcffd\\x9b"
    assert visible("line 1\r\nline 2\tx\rover") == "line 1\nline 2\tx\\rover"
    assert visible("a\nb\tc", multiline=False) == "a\\nb\\tc"
    assert visible("Élodie → ✓ 名前") == "Élodie → ✓ 名前"
    assert storable("x\udcffy\x1b") == "x\\udcffy\x1b"


def test_names_that_are_not_utf8_are_read_as_windows_1252():
    assert os_name(os.fsdecode(b"\xc9lodie")) == ("Élodie", False)
    assert os_name(os.fsdecode(b"notes_\x81.py")) == ("notes_\ufffd.py", False)
    assert os_name("Élodie") == ("Élodie", True)


@pytest.mark.parametrize("cell, safe", [("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
                                        ("+1", "'+1"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
                                        ("\t=1", "'\t=1"), ("Zoé =1", "Zoé =1")])
def test_csv_cells_never_start_a_formula(cell, safe):
    assert csv_cell(cell) == safe


# --- reporters on a hostile report ---------------------------------------------------------------------

def hostile_report():
    report = make_report(submission=SubmissionInfo(f"subs/{ATTACK}", ATTACK, {f"notes_{ATTACK}.py": "0" * 64}),
                         warnings=(ATTACK,))
    checks = list(report.checks)
    checks[1] = replace(checks[1], message=ATTACK, hints=(ATTACK,))
    return replace(report, checks=tuple(checks))


def test_the_terminal_report_shows_student_text_inert():
    out = io.StringIO()
    terminal.render(hostile_report(), Console(file=out, width=200, color_system=None))
    text = out.getvalue()
    assert_inert(text)
    assert "\\x1b[2J" in text and "\\udcff" in text
    assert "[link=file:///etc/passwd]click[/link]" in text  # printed, not taken as markup


def test_every_report_file_is_strict_utf8_whatever_strings_it_holds(tmp_path):
    report = hostile_report()
    json_report.write(report, tmp_path / "r.json")
    raw = (tmp_path / "r.json").read_bytes().decode("utf-8")  # strict: a lone surrogate would not encode
    data = json.loads(raw)
    jsonschema.validate(data, SCHEMA)
    assert data["submission"]["name"].endswith("\\udcff")  # the escape, as visible text
    assert json_report.from_dict(data).submission.name == data["submission"]["name"]
    for name, text in (("gradescope", gradescope.dumps(report)), ("junit", junit.to_xml(report)),
                       ("markdown", markdown.render(report)), ("html", html_report.render(report))):
        text.encode("utf-8")  # strict
        assert_inert(text)
        assert "\\udcff" in text, name


def test_the_class_table_and_gradebook_show_student_names_inert(tmp_path):
    formula = "=HYPERLINK(\"http://evil\",\"Alice\")"
    rows = [(ATTACK, hostile_report(), "r.json", None), (formula, make_report(), "f.json", None),
            ("carol", None, None, f"internal error: {ATTACK}")]
    summary = summarize(rows)
    out = io.StringIO()
    class_reports.render_class_table(summary, Console(file=out, width=200, color_system=None))
    assert_inert(out.getvalue())
    class_reports.write_gradebook_csv(summary, tmp_path / "gradebook.csv")
    class_reports.write_summary_json(summary, tmp_path / "summary.json")
    text = (tmp_path / "gradebook.csv").read_bytes().decode("utf-8-sig")
    assert_inert(text.replace("\r\n", "\n"))  # (the csv module ends rows with \r\n)
    students = [row["student"] for row in csv.DictReader(io.StringIO(text))]
    assert "'" + formula in students and not any(s.startswith(("=", "+", "-", "@")) for s in students)
    json.loads((tmp_path / "summary.json").read_bytes().decode("utf-8"))


# --- through the command line ----------------------------------------------------------------------------

def test_a_file_name_that_is_not_utf8_costs_nothing(tmp_path):
    """A correct hand-in with notes_\\xff.py: 2/2, exit 0, a strict UTF-8 report that `grader merge` reads."""
    sub = mutate(tmp_path, "honest")
    (sub / os.fsdecode(b"notes_\xff.py")).write_text("x = 1\n")
    out = tmp_path / "reports" / "honest.json"
    proc = run_cli("check", str(sub), "--json", str(out), "--only", "load", "--only", "mse.forward", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = json.loads(out.read_bytes().decode("utf-8"))
    assert data["score"] == 2 and "notes_\\udcff.py" in data["submission"]["files"]
    merged = run_cli("merge", str(out.parent), "--out", str(tmp_path / "merged"), cwd=tmp_path)
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert (tmp_path / "merged" / "gradebook.csv").is_file()


def test_an_exception_message_with_escape_codes_and_a_lone_surrogate(tmp_path):
    """MSE.backward raises with a fake score, a screen clear, a clipboard write and '\\udcff' in its message:
    exit 1 (not 3), every report written, nothing raw on the terminal, and `grader merge` reads it back."""
    sub = mutate(tmp_path, "escaper", tp1=[("        yhat, y = ctx.saved_tensors\n",
                                              f"        raise ValueError({ATTACK!r})\n")])
    out = tmp_path / "reports" / "escaper.json"
    proc = run_cli("check", str(sub), "--json", str(out), "--only", "load", "--only", "mse.backward",
                   "--format", "markdown", "--format", "junit", "--format", "gradescope", "--format", "html",
                   cwd=tmp_path)
    stdout, stderr = proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")  # strict
    assert proc.returncode == 1, stdout + stderr
    assert_inert(stdout + stderr)
    assert "\\x1b[2J" in stdout and "\\udcff" in stdout
    data = json.loads(out.read_bytes().decode("utf-8"))
    jsonschema.validate(data, SCHEMA)
    message = {c["id"]: c for c in data["checks"]}["mse.backward"]["message"]
    assert "ValueError" in message and "\\udcff" in message and "\x1b[2J" in message  # JSON keeps the data
    for suffix in (".md", ".junit.xml", ".gradescope.json", ".html"):
        assert_inert(out.with_name("escaper" + suffix).read_bytes().decode("utf-8"))
    merged = run_cli("merge", str(out), "--out", str(tmp_path / "merged"), cwd=tmp_path)
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert_inert(merged.stdout.decode("utf-8") + merged.stderr.decode("utf-8"))
