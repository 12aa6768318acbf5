"""One hang, one limit (issue 15): a student function that hung is not waited for again.

Through the real command line: a hand-in whose ``MSE.backward`` loops forever used to cost 549 s (every
later check that calls it waited for its limit again); one where every Function hangs, some of them in a
``time.sleep`` with SIGTERM ignored. The bounds are generous (the goals are 90 s and 150 s on an idle
machine; tests run on a loaded one, where a restart of the student process alone can take a minute), yet
below what paying every hang again costs even on an idle machine (549 s and more).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from conftest import ROOT, child_processes_of_grader, grade, mutate, statuses

LOOP = "\n        while True:\n            pass\n"
SLEEP = ("\n        import signal, time\n        signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
         "        time.sleep(100_000)\n")
BACKWARD_MSE = '        yhat, y = ctx.saved_tensors\n        q = yhat.shape[0]\n        grad_yhat'
FORWARD_MSE = "        ctx.save_for_backward(yhat, y)\n        q = yhat.shape[0]\n"
FORWARD_LINEAR = "        return X @ W + b\n"


def _check(path, tmp_path, *args):
    """``grader check`` with the default check limits; the import's limit is raised (torch alone took over a
    minute on the loaded test machine), as it has nothing to do with what is tested."""
    out = tmp_path / "report.json"
    config = tmp_path / "grader.toml"
    config.write_text("[time_limits]\nload = 600\n")
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "grader", "check", str(path), "--teacher", "--json", str(out),
                           "--config", str(config), *args], cwd=tmp_path, capture_output=True, text=True,
                          timeout=1800)
    elapsed = time.monotonic() - start
    errors = [f.read_text()[-3000:] for f in tmp_path.glob("*.error.txt")]
    assert proc.returncode == 1, (proc.stdout[-3000:], proc.stderr[-2000:], errors)
    return json.loads(out.read_text()), elapsed


def _by_id(report):
    return {c["id"]: c for c in report["checks"]}


@pytest.mark.slow
def test_a_hanging_backward_is_waited_for_once(tmp_path):
    sub = mutate(tmp_path, tp1=[(BACKWARD_MSE, LOOP + BACKWARD_MSE)])
    report, elapsed = _check(sub, tmp_path)
    checks = _by_id(report)
    assert elapsed < 300, elapsed  # 549 s before (on an idle machine); goal 90 s there
    assert {k: c["status"] for k, c in checks.items()} == {
        "load": "passed", "mse.forward": "passed", "mse.backward": "timeout", "mse.gradcheck": "skipped",
        "linear.forward": "passed", "linear.backward": "passed", "linear.gradcheck": "passed",
        "context.isolation": "skipped", "descent.manual": "skipped", "train.batch": "skipped",
        "train.sgd": "skipped", "train.minibatch": "skipped"}
    assert checks["mse.backward"]["details"]["running"]["function"] == "MSE.backward"
    assert checks["mse.backward"]["details"]["running"]["reported_by"] == "student process"
    for check in ("mse.gradcheck", "context.isolation", "descent.manual", "train.sgd"):
        assert checks[check]["message"] == "MSE.backward did not return within 20 s in mse.backward: not called again"
        assert checks[check]["details"]["prerequisites"] == ["mse.backward"]
        if check != "mse.gradcheck":  # (the first check after the hang restarts the student process)
            assert checks[check]["duration_s"] < 10  # stopped at once, not after a limit
    assert child_processes_of_grader() == []


@pytest.mark.slow
def test_a_hand_in_where_every_function_hangs(tmp_path):
    sub = mutate(tmp_path, tp1=[(FORWARD_MSE, SLEEP + FORWARD_MSE), (BACKWARD_MSE, LOOP + BACKWARD_MSE),
                                (FORWARD_LINEAR, SLEEP + FORWARD_LINEAR),
                                ("        X, W, b = ctx.saved_tensors\n", LOOP + "        X, W, b = ctx.saved_tensors\n")])
    report, elapsed = _check(sub, tmp_path, "--lang", "fr")
    checks = _by_id(report)
    assert elapsed < 400, elapsed  # 7 limits of 20 s and 4 of 120 s before; goal 150 s on an idle machine
    got = {k: c["status"] for k, c in checks.items()}
    assert got["mse.forward"] == got["linear.forward"] == "timeout"
    assert [k for k, s in got.items() if s == "timeout"] == ["mse.forward", "linear.forward"]
    assert got["load"] == "passed"
    assert all(s == "skipped" for k, s in got.items() if k not in ("load", "mse.forward", "linear.forward"))
    assert checks["mse.backward"]["message"] == "MSE.forward n'a pas répondu en 20 s dans mse.forward : pas rappelée"
    assert checks["train.batch"]["details"]["not_run_again"]["function"] in ("MSE.forward", "Linear.forward")
    assert child_processes_of_grader() == []


def test_checks_that_do_not_call_the_hung_function_still_run(tmp_path):
    """A training loop written with torch's own operations does not call the student's MSE: it is graded."""
    own_loss = "def mse(yhat, y):\n    return ((yhat - y) ** 2).sum() / yhat.shape[0]\n"
    sub = mutate(tmp_path, tp1=[(BACKWARD_MSE, LOOP + BACKWARD_MSE)],
                 tp1_autograd=[("from tp1 import linear, mse\n", "from tp1 import linear\n\n\n" + own_loss)])
    report = grade(sub, "load", "mse.backward", "mse.gradcheck", "train.batch", check_timeout_s=5, load_timeout_s=600)
    assert statuses(report) == {"load": "passed", "mse.backward": "timeout", "mse.gradcheck": "skipped",
                                "train.batch": "passed"}


def test_a_function_that_crashes_the_process_is_not_called_again(tmp_path):
    sub = mutate(tmp_path, tp1=[(FORWARD_MSE, "\n        import os\n        os._exit(3)\n" + FORWARD_MSE)])
    report = grade(sub, "load", "mse.forward", "mse.backward", "linear.forward", load_timeout_s=600)
    assert statuses(report) == {"load": "passed", "mse.forward": "error", "mse.backward": "skipped",
                                "linear.forward": "passed"}
    assert report.check("mse.backward").message == \
        "MSE.forward crashed the student process in mse.forward: not called again"


def test_a_loop_that_swallows_the_stop_is_still_skipped(tmp_path):
    """``except BaseException: pass`` around the call cannot turn a skipped check into a graded one."""
    swallow = ("        loss = mse(linear(x_train, w, b), y_train)\n        loss.backward()\n",
               "        try:\n            loss = mse(linear(x_train, w, b), y_train)\n            loss.backward()\n"
               "        except BaseException:\n            pass\n")
    sub = mutate(tmp_path, tp1=[(BACKWARD_MSE, LOOP + BACKWARD_MSE)], tp1_autograd=[swallow])
    report = grade(sub, "load", "mse.backward", "train.batch", check_timeout_s=5, load_timeout_s=600)
    assert statuses(report) == {"load": "passed", "mse.backward": "timeout", "train.batch": "skipped"}


def test_a_breakpoint_left_in_a_hand_in_does_not_stop_it(tmp_path):
    sub = mutate(tmp_path, tp1=[(FORWARD_MSE, "\n        breakpoint()\n" + FORWARD_MSE)])
    report = grade(sub, "load", "mse.forward", check_timeout_s=15, load_timeout_s=600)
    assert statuses(report) == {"load": "passed", "mse.forward": "passed"}
    assert report.check("mse.forward").duration_s < 10


def test_what_the_student_process_says_is_running_is_read_as_hostile_data():
    from grader.sandbox.running import function_of, not_again_of

    good = function_of({"module": "tp1", "qualname": "MSE.backward", "file": "tp1.py", "line": 58})
    assert (good.module, good.qualname, good.file, good.line) == ("tp1", "MSE.backward", "tp1.py", 58)
    for bad in (None, [], "tp1.MSE", {"module": "tp1"}, {"module": 3, "qualname": "f"},
                {"module": "tp1", "qualname": "x" * 10_000}, {"module": "tp1", "qualname": "f.<locals>.g"}):
        assert function_of(bad) is None
    assert function_of({"module": "tp1", "qualname": "f", "line": 10**400}).line == 0
    assert not_again_of({"ok": True, "result": 1}) is None
    assert not_again_of({"ok": True, "not_again": {"module": "tp1", "qualname": "MSE.forward"}}).function.qualname \
        == "MSE.forward"


def test_what_the_sandbox_was_doing_is_worded_from_data_not_parsed_back():
    from grader import failures
    from grader.i18n import render
    from grader.sandbox.errors import Doing, StudentCrash, StudentError, StudentTimeout

    timeout = StudentTimeout(20, Doing("calling", "MSE.backward", "tp1.MSE.backward"))
    assert render(failures.timeout_message(timeout), "en") == \
        "your code did not finish within 20 s in MSE.backward (it was stopped)"
    assert failures.timeout_diagnosis(StudentTimeout(60, Doing("importing", "tp1.py"))) == "load.import_timeout"
    assert failures.timeout_diagnosis(timeout) == "timeout.endless_loop"
    crash = StudentCrash("the student process ended (exit code 3)", 3, "", Doing("importing", "tp1_descente.py"))
    assert "while importing tp1_descente.py" in render(failures.crash_message(crash), "en")
    error = StudentError("NotImplementedError", "", call=Doing("calling", "Linear.backward", "tp1.Linear.backward"))
    assert "Linear.backward" in render(failures.error_message(error), "en")
