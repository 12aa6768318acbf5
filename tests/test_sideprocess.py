"""One hand-in on two cores (issue 15): the SGD check runs in a second student process beside the others.

The verdicts must be those of a run in one student process (``GRADER_SIDE_PROCESS=0``), a hang in either
process must still cost one limit, and no student process may outlive the run.
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
    """MSE.backward hangs in the main process: the SGD check, stuck in it beside, is run in the main process at
    its turn, where the function is not called again, as in one process."""
    sub = mutate(tmp_path, tp1=[(BACKWARD_MSE, LOOP + BACKWARD_MSE)])
    start = time.monotonic()
    report = grade(sub, "load", "mse.backward", "train.sgd", "train.minibatch", check_timeout_s=5,
                   training_timeout_s=300, load_timeout_s=600, **QUICK)
    elapsed = time.monotonic() - start
    assert statuses(report) == {"load": "passed", "mse.backward": "timeout", "train.sgd": "skipped",
                                "train.minibatch": "skipped"}
    assert report.check("train.sgd").message == \
        "MSE.backward did not return within 5 s in mse.backward: not called again"
    assert "second_process" not in report.environment  # its result was set aside
    assert elapsed < 150, elapsed  # not the 300 s the SGD limit would have cost
    assert child_processes_of_grader() == []


def test_a_second_process_only_where_it_pays(monkeypatch):
    config = GradingConfig()
    monkeypatch.setattr(sideprocess, "usable_cores", lambda: 2)
    assert sideprocess.wanted(config, None)
    assert not sideprocess.wanted(config, class_launcher=object())  # a class run keeps the cores busy already
    assert not sideprocess.wanted(replace(config, only=("load", "train.sgd")), None)  # nothing to run beside it
    assert not sideprocess.wanted(replace(config, only=("load", "train.batch")), None)  # no SGD check
    monkeypatch.setenv(sideprocess.ENV_VAR, "0")
    assert not sideprocess.wanted(config, None)
    monkeypatch.delenv(sideprocess.ENV_VAR)
    monkeypatch.setattr(sideprocess, "usable_cores", lambda: 1)
    assert not sideprocess.wanted(config, None)


def test_the_second_process_is_used_only_when_the_hand_in_loaded_the_same_way():
    from grader.sandbox.session import LoadInfo, ModuleLoad

    def info(**names):
        return LoadInfo({"tp1": ModuleLoad("tp1", True, True, names), "tp1_descente": ModuleLoad("tp1_descente",
                                                                                                False, False)})

    assert sideprocess._same_load(info(MSE="class"), info(MSE="class"))
    assert not sideprocess._same_load(info(MSE="class"), info(MSE="class", extra="int"))
    assert not sideprocess._same_load(info(MSE="class"), LoadInfo({"tp1": ModuleLoad("tp1", True, False)}))


@pytest.mark.skipif(sideprocess.usable_cores() < 2, reason="a second student process needs two cores")
def test_no_second_copy_of_a_hand_in_that_is_slow_to_copy(tmp_path, monkeypatch):
    """A hand-in carrying a virtual environment takes seconds to copy: the second process would cost more than
    it saves."""
    monkeypatch.setattr(sideprocess, "MAX_COPY_S", 0.0)
    report = grade(mutate(tmp_path), *CHECKS, **QUICK)
    assert statuses(report) == {c: "passed" for c in CHECKS}
    assert "second_process" not in report.environment
