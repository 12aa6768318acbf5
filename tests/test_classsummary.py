"""Class mode on hand-built reports: the summary numbers, the gradebook CSV, the summary JSON,
the class table, and reading a JSON report back (``json_report.from_dict``)."""

import csv
import io
import json
import random
import re
import sys

import pytest
from rich.console import Console

from grader.classmode.summary import ClassSummary, StudentRow, summarize
from grader.model import CheckResult, Status, SubmissionInfo, SubmissionReport
from grader.reporters import class_reports, json_report

P, F, E, T, S = Status.PASSED, Status.FAILED, Status.ERROR, Status.TIMEOUT, Status.SKIPPED
POINTS = {"load": 0, "mse.forward": 2, "mse.backward": 2, "linear.forward": 2, "train.sgd": 2}
IGNORES = "your backward ignores grad_output"


def result(cid: str, status: Status, message: str = "", hints: tuple[str, ...] = (), details=None) -> CheckResult:
    points = POINTS[cid]
    return CheckResult(cid, f"name of {cid}", status, points if status is P else 0, points,
                       message or f"{cid} {status.value}", 0.1, details or {}, hints)


def report(name: str, *checks: CheckResult) -> SubmissionReport:
    return SubmissionReport(
        grader_version="0.1.0",
        submission=SubmissionInfo(f"class/{name}", name, {"tp1.py": "a" * 64}),
        started_at="2026-11-24T03:00:00+00:00",
        duration_s=7.5,
        environment={"python": "3.11", "torch": "2.13.0", "numpy": "2", "platform": "linux", "sandbox": "none",
                     "seeds": {"seed": 0}, "data_source": None, "data_problem": "no data found"},
        checks=checks,
    )


def full(name, forward, backward, linear, sgd, backward_hints=()):
    return report(name, result("load", P), result("mse.forward", forward),
                  result("mse.backward", backward, "grad_yhat: mismatched elements 12 / 12", backward_hints),
                  result("linear.forward", linear), result("train.sgd", sgd))


def class_items():
    """Five students, one of whom the grader failed on; names with an accent, a comma and quotes."""
    return [
        ("zoé", full("zoé", P, P, P, P), "out/zoe.json", None),                          # 8
        ("Dupont, Jean", full("Dupont, Jean", P, F, E, T, (IGNORES,)), "out/dupont.json", None),  # 2
        ("Émilie \"Mimi\"", full("Émilie", P, F, P, S, (IGNORES, "second hint")), "out/emilie.json", None),  # 4
        ("bob", full("bob", F, F, P, P), "out/bob.json", None),                              # 4
        ("carol", None, None, "internal error of the grader: RuntimeError: boom"),
    ]


def strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


# -- summarize ---------------------------------------------------------------------------------


def test_summary_numbers():
    s = summarize(class_items())
    assert (s.n_students, s.n_graded) == (5, 4)
    assert s.max_score == 8 and s.mean_score == 4.5 and s.median_score == 4
    assert [c.id for c in s.checks] == ["load", "mse.forward", "mse.backward", "linear.forward", "train.sgd"]
    by_id = {c.id: c for c in s.checks}
    assert by_id["mse.backward"].counts == {"passed": 1, "failed": 3, "error": 0, "timeout": 0, "skipped": 0}
    assert by_id["mse.backward"].pass_rate == 0.25
    assert by_id["mse.forward"].pass_rate == 0.75 and by_id["load"].pass_rate == 1.0
    assert by_id["train.sgd"].counts == {"passed": 2, "failed": 0, "error": 0, "timeout": 1, "skipped": 1}
    assert by_id["mse.backward"].name == "name of mse.backward" and by_id["mse.backward"].max_score == 2


def test_top_failures_use_the_first_hint_rank_by_count_then_text_and_leave_out_skipped():
    s = summarize(class_items())
    by_id = {c.id: c for c in s.checks}
    # Two students with the hint (counted under it, not under their message), one without.
    assert [f[:2] for f in by_id["mse.backward"].top_failures] == [(IGNORES, 2),
                                                                   ("grad_yhat: mismatched elements 12 / 12", 1)]
    assert by_id["mse.backward"].top_failures[0].students == ("Dupont, Jean", "Émilie \"Mimi\"")  # in class order
    assert [f[:2] for f in by_id["train.sgd"].top_failures] == [("train.sgd timeout", 1)]  # skipped: no failure
    assert by_id["load"].top_failures == ()

    # At most three; ties broken by text.
    items = [(f"s{i}", report(f"s{i}", result("mse.forward", F, msg)), None, None)
             for i, msg in enumerate(["d", "d", "c", "b", "a", "d", "a"])]
    (check,) = summarize(items).checks
    assert [f[:2] for f in check.top_failures] == [("d", 3), ("a", 2), ("b", 1)]
    assert check.top_failures[0].students == ("s0", "s1", "s5")


def test_a_failed_grading_is_a_row_without_statistics():
    s = summarize(class_items())
    carol = next(r for r in s.students if r.student == "carol")
    assert carol == StudentRow("carol", 0.0, 8, {}, None, False,
                               "internal error of the grader: RuntimeError: boom")
    assert sum(s.checks[0].counts.values()) == 4  # carol is not counted anywhere


def test_an_internal_error_in_a_check_makes_the_row_not_graded():
    broken = report("dan", result("load", P),
                    result("mse.forward", E, "internal error of the grader in this check: KeyError: 'x'",
                           details={"internal_error": True}))
    s = summarize([("dan", broken, "out/dan.json", None), ("eve", full("eve", P, P, P, P), None, None)])
    dan = s.students[0]
    assert not dan.graded and "internal error of the grader in mse.forward" in dan.problem
    assert dan.statuses == {"load": "passed", "mse.forward": "error"} and dan.report == "out/dan.json"
    assert (s.n_graded, s.mean_score) == (1, 8)
    assert s.checks[1].counts["error"] == 0 and s.checks[1].pass_rate == 1.0


def test_a_not_a_submission_report_is_graded_and_keeps_its_problem():
    nothing = report("fay", result("load", F, "not a submission: no tp1.py"), result("mse.forward", S))
    s = summarize([("fay", nothing, "out/fay.json", "no tp1.py")])
    assert s.students[0].graded and s.students[0].problem == "no tp1.py" and s.students[0].score == 0


def test_students_sorted_by_name_ignoring_case_and_accents_and_output_is_deterministic():
    items = class_items()
    s = summarize(items)
    assert [r.student for r in s.students] == ["bob", "carol", "Dupont, Jean", "Émilie \"Mimi\"", "zoé"]
    for seed in range(5):
        shuffled = items[:]
        random.Random(seed).shuffle(shuffled)
        assert summarize(shuffled) == s
        assert summarize(shuffled).to_dict() == s.to_dict()


def test_check_order_merges_reports_graded_on_different_subsets():
    a = report("a", result("load", P), result("mse.backward", P))
    b = report("b", result("load", P), result("mse.forward", P), result("mse.backward", P))
    s = summarize([("a", a, None, None), ("b", b, None, None)])
    assert [c.id for c in s.checks] == ["load", "mse.forward", "mse.backward"]
    assert s.checks[1].counts["passed"] == 1 and s.checks[1].pass_rate == 1.0  # a did not run it


def test_a_student_given_twice_is_refused():
    r = full("x", P, P, P, P)
    with pytest.raises(ValueError, match="'x' appears twice"):
        summarize([("x", r, None, None), ("x", r, None, None)])


def test_an_empty_class():
    s = summarize([])
    assert s == ClassSummary((), (), 0.0, 0.0, 0.0, 0, 0)
    json.dumps(s.to_dict(), allow_nan=False)


# -- gradebook CSV and summary JSON -------------------------------------------------------------


def test_gradebook_csv_reads_back_with_awkward_names(tmp_path):
    path = tmp_path / "new" / "gradebook.csv"
    class_reports.write_gradebook_csv(summarize(class_items()), path)
    assert list(path.parent.iterdir()) == [path]  # created the folder, no temporary file left
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: spreadsheets detect the encoding
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
    assert reader.fieldnames == ["student", "lms_id", "score", "max_score", "load", "mse.forward", "mse.backward",
                                 "linear.forward", "train.sgd", "report"]
    by_name = {r["student"]: r for r in rows}
    assert list(by_name) == ["bob", "carol", "Dupont, Jean", "Émilie \"Mimi\"", "zoé"]
    assert by_name["Dupont, Jean"] == {"student": "Dupont, Jean", "lms_id": "", "score": "2", "max_score": "8",
                                       "load": "passed", "mse.forward": "passed", "mse.backward": "failed",
                                       "linear.forward": "error", "train.sgd": "timeout",
                                       "report": "out/dupont.json"}
    assert by_name["zoé"]["score"] == "8" and by_name["Émilie \"Mimi\""]["train.sgd"] == "skipped"
    # Not graded: an empty score (not a zero a spreadsheet would average), no statuses, no report.
    carol = by_name["carol"]
    assert carol["score"] == "" and carol["mse.forward"] == "" and carol["report"] == ""


def test_summary_json_is_strict_and_matches_to_dict(tmp_path):
    s = summarize(class_items())
    path = tmp_path / "deep" / "summary.json"
    class_reports.write_summary_json(s, path)

    def no_constants(name):
        raise AssertionError(f"non-strict JSON constant {name}")

    data = json.loads(path.read_text(encoding="utf-8"), parse_constant=no_constants)
    assert data == s.to_dict()
    assert data["summary_version"] == "1.1" and data["n_graded"] == 4
    assert data["checks"][2]["top_failures"][0] == {"text": IGNORES, "count": 2, "students": ["Dupont, Jean", "Émilie \"Mimi\""]}
    assert data["students"][1] == {"student": "carol", "name": "carol", "lms_id": None, "graded": False, "score": 0.0, "max_score": 8,
                                   "statuses": {}, "report": None,
                                   "problem": "internal error of the grader: RuntimeError: boom"}
    assert list(path.parent.iterdir()) == [path]


def test_summary_json_refuses_non_finite_numbers(tmp_path):
    s = summarize(class_items())
    bad = ClassSummary(s.students, s.checks, float("nan"), s.median_score, s.max_score, s.n_students, s.n_graded)
    with pytest.raises(ValueError):
        class_reports.write_summary_json(bad, tmp_path / "summary.json")
    assert not list(tmp_path.iterdir())  # nothing half-written


# -- class table -------------------------------------------------------------------------------


def twelve_checks_class():
    ids = ["load", "mse.forward", "mse.backward", "mse.gradcheck", "linear.forward", "linear.backward",
           "linear.gradcheck", "context.isolation", "descent.manual", "train.batch", "train.sgd", "train.minibatch"]
    cycle = [P, F, E, T, S]
    items = []
    for k, name in enumerate(["alice", "Mohammed Al-Khwarizmi Abdallah", "Émilie Dupont-Lefèvre", "zoé"]):
        checks = tuple(CheckResult(cid, cid, cycle[(i + k) % 5], 2 * (cycle[(i + k) % 5] is P), 2,
                                   f"{cid} went wrong", 0.1, {},
                                   (f"hint for {cid}",) if k == 1 else ()) for i, cid in enumerate(ids))
        items.append((name, report(name, *checks), None, None))
    items.append(("carol", None, None, "internal error of the grader: RuntimeError: boom"))
    return summarize(items)


def render(summary, **console_args) -> str:
    out = io.StringIO()
    class_reports.render_class_table(summary, Console(file=out, width=80, **console_args))
    return out.getvalue()


def test_class_table_without_a_terminal_fits_80_columns_and_has_no_escape_codes():
    text = render(twelve_checks_class(), force_terminal=False)
    assert "\x1b" not in text
    assert max(len(line) for line in text.splitlines()) <= 80
    row = next(line for line in text.splitlines() if line.startswith("alice"))
    assert row.split()[1:] == ["6/24", "✓", "✗", "E", "T", "-", "✓", "✗", "E", "T", "-", "✓", "✗"]
    header = next(line for line in text.splitlines() if line.startswith("Student"))
    assert header.split() == ["Student", "Score", *map(str, range(1, 13))]
    assert "✓ passed" in text and "✗ failed" in text and "E error" in text and "T timeout" in text
    assert "- skipped" in text
    assert "Mohammed Al-Khwarizmi Abdallah" in text  # the name column is not squeezed
    # The key: number -> check id, with the pass rate and the other results.
    assert re.search(r"^ *11 +train\.sgd +1/4 +25% +1 failed +1 error +1 timeout *$", text, re.M)
    assert re.search(r"^ *12 +train\.minibatch +0/4 +0% +1 failed +1 error +1 timeout +1 skipped *$",
                     text, re.M)
    assert re.search(r"^carol \(not graded\) +n/a *$", text, re.M)
    assert "carol: internal error of the grader: RuntimeError: boom" in text
    # Failures under their check, by count then text, each with the students it concerns (issue 16.12).
    assert re.search(r"^ +2 mse\.forward\n +2× mse\.forward went wrong *\n +alice, Émilie Dupont-Lefèvre *\n"
                     r" +1× hint for mse\.forward *\n +Mohammed Al-Khwarizmi Abdallah *\n"
                     r" +3 mse\.backward\n +1× hint for mse\.backward *\n +Mohammed Al-Khwarizmi Abdallah *\n"
                     r" +1× mse\.backward went wrong *\n +alice *\n",
                     text, re.M)
    assert "Most frequent failures" in text


def test_class_table_in_colour_has_the_same_marks():
    summary = twelve_checks_class()
    coloured = render(summary, force_terminal=True, color_system="standard")
    assert "\x1b[1;32m✓" in coloured and "\x1b[1;31m✗" in coloured  # passed green, failed red
    assert strip_ansi(coloured) == render(summary, force_terminal=False)


def test_class_table_on_an_ascii_console_uses_ascii_marks():
    s = summarize([("bob", full("bob", F, P, E, T), None, None)])
    out = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    class_reports.render_class_table(s, Console(file=out, width=80, force_terminal=False))
    out.flush()
    text = out.buffer.getvalue().decode("ascii")
    row = next(line for line in text.splitlines() if line.startswith("bob"))
    assert row.replace("|", " ").split() == ["bob", "2/8", "+", "x", "+", "E", "T"]
    assert "+ passed  x failed" in text and "1x mse.forward failed" in text


# -- json_report.from_dict ---------------------------------------------------------------------


def rich_report() -> SubmissionReport:
    return report("x", result("load", P),
                  result("mse.backward", F, "grad_yhat: mismatched", (IGNORES, "second"),
                         {"mismatch": {"max_abs_index": [1, 2], "tolerance": {"rtol": 1e-7}}}),
                  CheckResult("train.sgd", "SGD", P, 2, 2, "ok", 3.0,
                              {"train_losses": [5.0, 1.0, float("nan")], "mse": {"train": float("inf")}}))


def test_from_dict_round_trip():
    data = json.loads(json_report.dumps(rich_report()))
    back = json_report.from_dict(data)
    assert json_report.to_dict(back) == data
    assert back.checks[1].status is Status.FAILED and back.checks[1].hints == (IGNORES, "second")
    assert isinstance(back.checks, tuple) and isinstance(back.warnings, tuple)
    assert back.score == 2 and back.max_score == 4 and back.submission.name == "x"


def bad_reports():
    good = json.loads(json_report.dumps(rich_report()))
    cases = {}

    data = json.loads(json.dumps(good))
    data["checks"][1]["status"] = "ok"
    cases["checks[1].status"] = data

    data = json.loads(json.dumps(good))
    del data["score"]
    cases["score"] = data

    data = json.loads(json.dumps(good))
    data["checks"][2]["hints"] = "not a list"
    cases["checks[2].hints"] = data

    data = json.loads(json.dumps(good))
    data["submission"]["name"] = 3
    cases["submission.name"] = data
    return cases


@pytest.mark.parametrize("without_jsonschema", [False, True])
def test_from_dict_names_the_bad_field(monkeypatch, without_jsonschema):
    if without_jsonschema:
        monkeypatch.setitem(sys.modules, "jsonschema", None)  # import jsonschema -> ImportError
    for field, data in bad_reports().items():
        with pytest.raises(ValueError, match=re.escape(field)):
            json_report.from_dict(data)
    with pytest.raises(ValueError, match="top level"):
        json_report.from_dict(["not", "a", "report"])
    # The good one still passes on the same path.
    json_report.from_dict(json.loads(json_report.dumps(rich_report())))


def test_from_dict_refuses_a_score_that_is_not_the_sum_of_the_checks():
    data = json.loads(json_report.dumps(rich_report()))
    data["score"] = 20
    with pytest.raises(ValueError, match="score: the file says 20"):
        json_report.from_dict(data)
