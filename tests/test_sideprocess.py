"""The SGD check in a student process of its own (issue 15): beside the other checks for a hand-in graded
alone on two cores, at its turn in a class run or on one core.

The verdicts must be the same in every mode, and those of one process for a hand-in whose functions do not
depend on each other's side effects (``GRADER_SIDE_PROCESS=0``); a hang in either process must still cost
one limit, and no student process may outlive the run, nor a killed grader.
"""

from __future__ import annotations

import time
from dataclasses import replace

import pytest

from conftest import child_processes_of_grader, grade, mutate, statuses
from grader import sideprocess
from grader.config import GradingConfig

LOOP = "\n        while True:\n            pass\n"
BACKWARD_MSE = '        yhat, y = ctx.saved_tensors\n        q = yhat.shape[0]\n        grad_yhat'
SGD_STEP = "            loss = mse(linear(x_train[i:i + 1], w, b), y_train[i:i + 1])\n"
# A smaller SGD workload than the default keeps these tests short; what is compared is the same in both runs.
QUICK = {"sgd": replace(GradingConfig().sgd, train_rows=3000, epsilon=0.005)}
CHECKS = ("load", "mse.forward", "train.batch", "train.sgd")


def _both_ways(path, monkeypatch, *only, **settings):
    """The report with the second process, then without it."""
    beside = grade(path, *only, **settings)
    monkeypatch.setenv(sideprocess.ENV_VAR, "0")
    alone = grade(path, *only, **settings)
    monkeypatch.delenv(sideprocess.ENV_VAR)
    return beside, alone


def _verdicts(report):
    return {c.id: (c.status.value, c.score, c.message) for c in report.checks}


@pytest.mark.skipif(sideprocess.usable_cores() < 2, reason="a second student process needs two cores")
@pytest.mark.parametrize("edits, expected", [
    ({}, "passed"),
    ({"tp1_autograd": [("param -= epsilon * param.grad", "param += epsilon * param.grad")]}, "failed"),
], ids=["reference", "wrong_sign"])
def test_the_sgd_check_runs_beside_the_others_with_the_verdicts_of_one_process(tmp_path, monkeypatch, edits,
                                                                               expected):
    sub = mutate(tmp_path, **edits)
    beside, alone = _both_ways(sub, monkeypatch, *CHECKS, **QUICK)
    assert beside.environment["second_process"] == ["train.sgd"]
    assert beside.environment["student_process"] == "forked from a warm launcher"
    assert "second_process" not in alone.environment
    assert beside.check("train.sgd").status.value == expected
    assert _verdicts(beside) == _verdicts(alone)
    assert [c.id for c in beside.checks] == list(CHECKS)  # the report's order, whatever finished first
    assert child_processes_of_grader() == []


@pytest.mark.skipif(sideprocess.usable_cores() < 2, reason="a second student process needs two cores")
def test_an_sgd_loop_that_hangs_costs_its_limit_beside_the_other_checks(tmp_path):
    sub = mutate(tmp_path, tp1_autograd=[(SGD_STEP, "            while True:\n                pass\n" + SGD_STEP)])
    start = time.monotonic()
    report = grade(sub, *CHECKS, "train.minibatch", training_timeout_s=15, load_timeout_s=600, **QUICK)
    elapsed = time.monotonic() - start
    assert statuses(report) == {"load": "passed", "mse.forward": "passed", "train.batch": "passed",
                                "train.sgd": "timeout", "train.minibatch": "passed"}
    assert report.environment["second_process"] == ["train.sgd"]
    assert report.check("train.sgd").details["running"]["function"] == "descente_stochastique"
    assert elapsed < 15 + 120, elapsed  # the SGD limit, paid while the other checks ran
    assert child_processes_of_grader() == []


@pytest.mark.skipif(sideprocess.usable_cores() < 2, reason="a second student process needs two cores")
def test_a_hang_before_the_sgd_turn_sets_the_side_run_aside(tmp_path):
    """MSE.backward hangs in the main process: the SGD check, stuck in it beside, is set aside and runs again at
    its turn in a fresh second process, where the function is not called again, as in a class run."""
    sub = mutate(tmp_path, tp1=[(BACKWARD_MSE, LOOP + BACKWARD_MSE)])
    start = time.monotonic()
    report = grade(sub, "load", "mse.backward", "train.sgd", "train.minibatch", check_timeout_s=5,
                   training_timeout_s=300, load_timeout_s=600, **QUICK)
    elapsed = time.monotonic() - start
    assert statuses(report) == {"load": "passed", "mse.backward": "timeout", "train.sgd": "skipped",
                                "train.minibatch": "skipped"}
    assert report.check("train.sgd").message == \
        "MSE.backward did not return within 5 s in mse.backward: not called again"
    assert report.environment["second_process"] == ["train.sgd"]  # a fresh one, told what hung
    assert report.check("train.sgd").duration_s < 60
    assert elapsed < 150, elapsed  # not the 300 s the SGD limit would have cost
    assert child_processes_of_grader() == []


def test_a_second_process_only_where_it_pays(monkeypatch):
    config = GradingConfig()
    assert sideprocess.wanted(config)
    assert not sideprocess.wanted(replace(config, only=("load", "train.sgd")))  # nothing else to run
    assert not sideprocess.wanted(replace(config, only=("load", "train.batch")))  # no SGD check
    monkeypatch.setattr(sideprocess, "usable_cores", lambda: 2)
    assert sideprocess.beside(None)
    assert not sideprocess.beside(class_launcher=object())  # a class run keeps the cores busy already: at its turn
    monkeypatch.setattr(sideprocess, "usable_cores", lambda: 1)
    assert not sideprocess.beside(None)
    monkeypatch.setenv(sideprocess.ENV_VAR, "0")
    assert not sideprocess.wanted(config)


# Red team, round 4: a descente_batch with a side effect on the others. In one process it changed the SGD
# verdict with the mode (graded alone, SGD ran first in a fresh process; in a class, after descente_batch).
GRAD_OFF = {"tp1_autograd": [("        test_losses.append(_evaluer(w, b, x_test, y_test))\n\n    return w, b, "
                              "train_losses, test_losses\n\n\ndef descente_stochastique",
                              "        test_losses.append(_evaluer(w, b, x_test, y_test))\n\n"
                              "    torch.set_grad_enabled(False)\n    return w, b, train_losses, test_losses\n\n\n"
                              "def descente_stochastique")]}
NEEDS_BATCH = {"tp1_autograd": [("def descente_batch(x_train, y_train, x_test, y_test, epsilon, n_epochs):\n",
                                 "_historique = None\n\n\ndef descente_batch(x_train, y_train, x_test, y_test, "
                                 "epsilon, n_epochs):\n    global _historique\n    _historique = []\n"),
                                (SGD_STEP, "            _historique.append(i)\n" + SGD_STEP)]}


@pytest.mark.skipif(sideprocess.usable_cores() < 2, reason="a second student process needs two cores")
@pytest.mark.parametrize("edits, sgd", [(GRAD_OFF, "passed"), (NEEDS_BATCH, "error")], ids=["grad_off", "needs_batch"])
def test_the_sgd_verdict_is_the_same_graded_alone_in_a_class_and_on_one_core(tmp_path, monkeypatch, warm_launcher,
                                                                             edits, sgd):
    """The SGD check sees a process that has loaded the hand-in and run nothing else, in every mode."""
    sub = mutate(tmp_path, **edits)
    checks = ("load", "train.batch", "train.sgd", "train.minibatch")
    alone = grade(sub, *checks, **QUICK)
    in_class = grade(sub, *checks, launcher=warm_launcher, **QUICK)
    monkeypatch.setattr(sideprocess, "usable_cores", lambda: 1)
    one_core = grade(sub, *checks, **QUICK)
    assert alone.check("train.sgd").status.value == sgd
    assert _verdicts(alone) == _verdicts(in_class) == _verdicts(one_core)
    assert alone.environment["second_process"] == in_class.environment["second_process"] == \
        one_core.environment["second_process"] == ["train.sgd"]


def test_the_second_process_is_used_only_when_the_hand_in_loaded_the_same_way():
    from grader.sandbox.session import LoadInfo, ModuleLoad

    def info(**names):
        return LoadInfo({"tp1": ModuleLoad("tp1", True, True, names), "tp1_descente": ModuleLoad("tp1_descente",
                                                                                                False, False)})

    assert sideprocess._same_load(info(MSE="class"), info(MSE="class"))
    assert not sideprocess._same_load(info(MSE="class"), info(MSE="class", extra="int"))
    assert not sideprocess._same_load(info(MSE="class"), LoadInfo({"tp1": ModuleLoad("tp1", True, False)}))


def test_a_hand_in_too_large_to_copy_twice_gets_one_process_alone_and_in_a_class(tmp_path, warm_launcher):
    """A hand-in carrying a virtual environment takes seconds to copy: no second copy. Decided by what was
    copied, not by how long it took (red team, round 5: a time limit put the same hand-in in a second process
    graded alone and not in a class, under load, and its SGD verdict changed)."""
    sub = mutate(tmp_path, **GRAD_OFF)
    (sub / "junk").mkdir()
    for i in range(sideprocess.MAX_COPY_FILES + 1):
        (sub / "junk" / f"f{i}.txt").write_text(f"x={i}\n")
    checks = ("load", "train.batch", "train.sgd")
    alone = grade(sub, *checks, **QUICK)
    in_class = grade(sub, *checks, launcher=warm_launcher, **QUICK)
    assert "second_process" not in alone.environment and "second_process" not in in_class.environment
    assert _verdicts(alone) == _verdicts(in_class)
    assert alone.check("train.sgd").status.value == "error"  # after descente_batch turned autograd off


def test_how_large_a_hand_in_may_be_to_be_copied_twice():
    from grader.handin import Copied

    assert sideprocess.small_enough(Copied({}, (), files=3, bytes=30_000))
    assert not sideprocess.small_enough(Copied({}, (), files=sideprocess.MAX_COPY_FILES + 1, bytes=1000))
    assert not sideprocess.small_enough(Copied({}, (), files=10, bytes=sideprocess.MAX_COPY_BYTES + 1))


def _kill_processes_under(folder) -> None:
    """Clean-up after a failed run: kill the processes whose command line or working folder is in ``folder``."""
    import os
    import signal
    from pathlib import Path

    for proc in Path("/proc").iterdir():
        try:
            inside = str(folder) in (proc / "cmdline").read_bytes().decode(errors="replace") or \
                os.readlink(proc / "cwd").startswith(str(folder))
            if proc.name.isdigit() and inside:
                os.kill(int(proc.name), signal.SIGKILL)
        except (OSError, ValueError):
            continue


@pytest.mark.skipif(sideprocess.usable_cores() < 2, reason="a second student process needs two cores")
@pytest.mark.parametrize("level", ["bwrap", "unshare"])
def test_a_killed_grader_takes_both_student_processes_with_it(tmp_path, level):
    """The grader killed (a CI job cancelled) while the second process runs a loop that sleeps: no student
    process is left. Forked by the launcher, it has no parent-death signal of its own once it drops its uid;
    the root process waiting for it kills its PID namespace when the launcher dies (red team, round 4)."""
    import os
    import signal
    import subprocess
    import sys
    import uuid

    from conftest import SESSION_TMP
    from grader.sandbox.isolation import level_and_reason

    got, why = level_and_reason(level)
    if got != level:
        pytest.skip(f"the {level} sandbox level is not available here ({why})")
    marker = f"sgd_started_{uuid.uuid4().hex}"
    sleep = f"            open('{marker}', 'w').close()\n            while True:\n                time.sleep(1000)\n"
    sub = mutate(tmp_path, tp1_autograd=[("import torch\n", "import time\n\nimport torch\n"), (SGD_STEP, sleep + SGD_STEP)])
    env = {**os.environ, "GRADER_SANDBOX": level}  # TMPDIR: this session's, where the helpers look
    grader = subprocess.Popen([sys.executable, "-m", "grader", "check", str(sub), "--json", str(tmp_path / "r.json")],
                              cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    found = []
    try:
        deadline = time.monotonic() + 600
        while not found:
            found = list(SESSION_TMP.rglob(marker))
            assert grader.poll() is None and time.monotonic() < deadline, "the SGD check never started"
            time.sleep(0.5)
    finally:
        grader.send_signal(signal.SIGKILL)
        grader.wait()
    run_folder = found[0].parents[2]  # grader-class-*/grader-*/submission/<marker>
    try:
        assert [p for p in child_processes_of_grader(settle_s=10) if str(run_folder) in p] == []
    finally:
        _kill_processes_under(run_folder)

