"""The verdict on a script-style descent, computed from a recorded trajectory (no student process), the
record read as hostile data, and notebooks turned into modules."""

from __future__ import annotations

import json
from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pytest
import torch

from grader.checks import descent_script as ds
from grader.checks.probes import lab_gradient
from grader.checks.script_record import BadRecord, Record, epsilon_of, read
from grader.config import GradingConfig
from grader.handin import notebook

Q, N, P = 50, 13, 3


def trajectory(steps=40, epsilon=0.05, c=1.0, sign=1.0, b_factor=1.0, seed=0, float32=True):
    rng = np.random.default_rng(seed)
    x, y = rng.standard_normal((Q, N)), rng.standard_normal((Q, P))
    w, b = rng.standard_normal((N, P)), rng.standard_normal(P)
    if float32:
        x, y, w, b = (a.astype(np.float32).astype(np.float64) for a in (x, y, w, b))
    states = [(w, b)]
    for _ in range(steps):
        gw, gb = lab_gradient(x, y, w, b)
        w = w - sign * epsilon * c * gw
        b = b - sign * epsilon * c * b_factor * gb
        if float32:
            w, b = w.astype(np.float32).astype(np.float64), b.astype(np.float32).astype(np.float64)
        states.append((w, b))
    return x, y, states


def record(x, y, states, numbers=None) -> Record:
    return Record(states=states, calls=len(states), total_calls=len(states), last_calls=len(states), x=x, y=y,
                  data_changed=False, logged=[], numbers={"epsilon": 0.05, "n_iter": 100.0} if numbers is None
                  else numbers, sampled=False)


def judge(rec: Record, strict: bool = False):
    ctx = SimpleNamespace(config=replace(GradingConfig(), strict_mse=strict))
    details = {"form": "script", "file": "tp1_descente.py", "iterations": rec.calls}
    return ds._judge_trajectory(ctx, rec, details)


def test_a_gradient_descent_passes_with_its_epsilon_and_the_lab_convention():
    outcome = judge(record(*trajectory()))
    assert outcome.passed, outcome.message
    assert outcome.details["convention"] == "lab"
    assert outcome.details["epsilon"] == {"name": "epsilon", "value": 0.05}
    assert outcome.details["final_loss"] < outcome.details["initial_loss"]


def test_epsilon_is_found_whatever_its_name():
    outcome = judge(record(*trajectory(epsilon=0.03), numbers={"pas_apprentissage": 0.03, "lr_decay": 0.5}))
    assert outcome.passed and outcome.details["step"]["c"] == pytest.approx(1, rel=1e-3)


def test_the_element_mean_is_accepted_and_rejected_when_strict():
    rec = record(*trajectory(c=1 / P))
    assert judge(rec).passed and judge(rec).details["convention"] == "mean"
    strict = judge(rec, strict=True)
    assert not strict.passed and strict.details["diagnosis"] == "mse.mean_strict"


def test_a_gradient_twice_too_large_fails_naming_the_factor():
    outcome = judge(record(*trajectory(c=2.0)))
    assert not outcome.passed and outcome.details["diagnosis"] == "script.wrong_scale"
    assert outcome.details["step"]["c"] == pytest.approx(2, rel=1e-3)


def test_uphill_steps_fail():
    outcome = judge(record(*trajectory(sign=-1.0, steps=10)))
    assert not outcome.passed and outcome.details["diagnosis"] == "script.uphill"


def test_a_bias_step_off_by_a_factor_names_the_bias():
    outcome = judge(record(*trajectory(b_factor=0.5)))
    assert not outcome.passed and outcome.details["diagnosis"] == "script.not_gradient"
    assert outcome.details["off_step"]["parameter"] == "b"
    assert outcome.details["off_step"]["ratio"] == pytest.approx(0.5, rel=1e-3)


def test_parameters_that_never_change_fail_whatever_the_logged_losses_say():
    x, y, states = trajectory(steps=0)
    rec = replace(record(x, y, states * 50), calls=50,
                  logged=[("Loss/train", 10.0 / (i + 1), i, i) for i in range(50)])  # made-up decreasing losses
    outcome = judge(rec)
    assert not outcome.passed and outcome.details["diagnosis"] == "script.no_update"


def test_a_closed_form_in_one_call_is_not_a_descent():
    x, y, states = trajectory(steps=0)
    outcome = judge(record(x, y, states))
    assert not outcome.passed and outcome.details["diagnosis"] == "script.one_iteration"


def test_a_bias_that_grows_to_the_batch_shape_is_an_unsummed_grad_b():
    x, y, states = trajectory(steps=2)
    states[2] = (states[2][0], np.tile(states[2][1], (Q, 1)))
    outcome = judge(record(x, y, states))
    assert not outcome.passed and outcome.details["diagnosis"] == "descent.grad_b_not_summed"
    assert outcome.details["shape_change"]["iteration"] == 2


def test_a_diverging_descent_fails_as_diverged():
    x, y, states = trajectory(steps=5)
    states.append((states[-1][0] * np.inf, states[-1][1]))
    outcome = judge(record(x, y, states))
    assert not outcome.passed and outcome.details["diagnosis"] == "script.diverged"


def test_epsilon_of_prefers_the_number_that_explains_the_step():
    assert epsilon_of({"n": 100.0, "eps": 0.1, "alpha": 0.05}, 0.05, 3, (1.0, 1 / 3)) == ("alpha", 0.05)
    assert epsilon_of({"eps": 0.3}, 0.1, 3, (1.0, 1 / 3)) == ("eps", 0.3)  # c = 1/3
    assert epsilon_of({"n": 100.0}, 0.05, 3, (1.0,)) is None


@pytest.mark.parametrize("bad", [None, [], {"segments": 3}, {"segments": [{"states": [[1, 2]]}]},
                                 {"segments": [{"states": [[torch.zeros(2), None]]}]}, {"segments": [], "numbers": []}])
def test_a_malformed_record_is_refused(bad):
    with pytest.raises(BadRecord):
        read(bad)


def test_the_longest_segment_is_the_loop():
    small = {"x": torch.zeros(10, 5), "y": None, "states": [[torch.zeros(5, 3), torch.zeros(3)]] * 3, "calls": 37}
    loop = {"x": torch.zeros(50, 13), "y": torch.zeros(50, 3),
            "states": [[torch.zeros(13, 3), torch.zeros(3)]] * 4, "calls": 100}
    rec = read({"segments": [small, loop], "calls": 137, "logged": [["Loss", 1.5, 0, 1]], "numbers": {"eps": 0.1}})
    assert rec.calls == 100 and rec.x.shape == (50, 13) and rec.total_calls == 137 and rec.logged[0][1] == 1.5


# ---------------------------------------------------------------- notebooks

def nb(*cells, v3=False):
    items = [{"cell_type": kind, "source": src, "metadata": {}} for kind, src in cells]
    if v3:
        return {"nbformat": 3, "worksheets": [{"cells": [{**c, "input": c.pop("source")} for c in items]}]}
    return {"nbformat": 4, "cells": items}


def test_code_cells_in_order_from_nbformat_4_and_3():
    data = nb(("markdown", "# title"), ("code", ["x = 1\n", "y = 2"]), ("code", "z = x + y"))
    assert notebook.code_cells(data) == ["x = 1\ny = 2", "z = x + y"]
    assert notebook.code_cells(nb(("code", "a = 1"), v3=True)) == ["a = 1"]
    with pytest.raises(ValueError):
        notebook.code_cells({"not": "a notebook"})


@pytest.mark.parametrize("line", ["%matplotlib inline", "!pip install torch", "files = !ls", "t = %time f()",
                                  "x?", "??x", "losses[-1]?", "get_ipython().system('ls')", "  %timeit f()"])
def test_ipython_lines_are_neutralised(line):
    python, removed = notebook.neutralise(f"a = 1\nfor i in range(2):\n{line}\nb = 2")
    assert removed == [line.strip()]
    assert python.split("\n")[2].strip() == "pass"  # same line numbers


@pytest.mark.parametrize("line", ["a = 5 % 2", "if a != 1: pass", "d = {'?': 1}", "s = '%d' % 3",
                                  "print('why?')  # really?"])
def test_python_lines_are_kept(line):
    assert notebook.neutralise(line) == (line, [])


def test_cell_magics_drop_their_cell_unless_their_body_is_python():
    assert notebook.neutralise("%%bash\nrm -rf /\nls")[0].split("\n") == ["pass", "", ""]
    assert notebook.neutralise("%%time\nx = 1") == ("pass\nx = 1", ["%%time"])


def test_a_converted_notebook_runs_its_cells_in_order_past_an_error(tmp_path):
    path = tmp_path / "TME 1.ipynb"
    path.write_text(json.dumps(nb(("code", "%matplotlib inline\na = 1"), ("code", "raise ValueError('no data')"),
                                  ("code", "def f():\n    return a + 1\ndisplay(f())"))))
    notebooks, notes = notebook.convert_all(tmp_path, set())
    assert [(n.file, n.module, n.cells) for n in notebooks] == [("TME 1.ipynb", "nb_TME_1", 3)]
    assert notes[0].key == "script.nb_magics"
    scope = {"__name__": "nb_TME_1", "__file__": str(tmp_path / "nb_TME_1.py")}
    exec(compile((tmp_path / "nb_TME_1.py").read_text(), "nb_TME_1.py", "exec"), scope)
    assert scope["f"]() == 2
    assert scope["_grader_errors"]() == ["cell 2: ValueError: no data"]
    scope = {"__name__": "__main__", "__file__": str(tmp_path / "nb_TME_1.py")}
    with pytest.raises(ValueError):  # run as a script, the first error stops it
        exec(compile((tmp_path / "nb_TME_1.py").read_text(), "nb_TME_1.py", "exec"), scope)


def test_a_file_that_is_not_a_notebook_is_noted_not_graded(tmp_path):
    (tmp_path / "broken.ipynb").write_text("{not json")
    notebooks, notes = notebook.convert_all(tmp_path, set())
    assert notebooks == [] and notes[0].key == "script.nb_unreadable"
