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


def test_a_loss_that_grows_with_gradient_steps_fails_as_not_decreasing():
    outcome = judge(record(*trajectory(epsilon=1.5, steps=3), numbers={"epsilon": 1.5}))
    assert not outcome.passed and outcome.details["diagnosis"] == "script.not_decreasing"


def test_a_weight_that_changes_shape_and_data_that_do_not_fit_fail():
    x, y, states = trajectory(steps=2)
    states[1] = (states[1][0][:, :2], states[1][1])
    assert judge(record(x, y, states)).details["diagnosis"] == "script.shape_changed"
    assert judge(record(x[:, :5], y, states)).details["diagnosis"] == "script.shapes"


def test_data_drawn_afresh_at_every_iteration_is_said():
    x, y, states = trajectory(steps=0)
    assert judge(replace(record(x, y, states), data_changed=True)).details["diagnosis"] == "script.data_changed"


def test_a_script_whose_loop_is_never_observed_fails_saying_what_could_not_be_checked():
    x, y, states = trajectory(steps=0)
    empty = replace(record(None, None, []), calls=0)
    details = {}
    assert ds._nothing_observed(empty, details, "tp1_descente.py").details["diagnosis"] == "script.no_loop"
    final = replace(empty, final={"x": x, "y": y, "w": states[0][0], "b": states[0][1]})
    outcome = ds._nothing_observed(final, {}, "tp1_descente.py")
    assert not outcome.passed and outcome.details["diagnosis"] == "script.no_linear_forward"
    assert outcome.details["final_mse"] > outcome.details["optimum_mse"]


# ---------------------------------------------------------------- the recorder (student side, run here on our own scripts)

def _runtime(name):
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "grader" / "sandbox" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"test_runtime_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCRIPT = '''
import torch
from torch.utils.tensorboard import SummaryWriter as SW
from tp1 import Context, MSE, Linear

def main():
    pas = 0.05
    x, y = torch.randn(40, 6), torch.randn(40, 2)
    x_test, y_test = torch.randn(10, 6), torch.randn(10, 2)
    w, b = torch.randn(6, 2), torch.randn(2)
    journal = SW()
    for it in range(25):
        c1, c2 = Context(), Context()
        loss = MSE.forward(c2, Linear.forward(c1, x, w, b), y)
        journal.add_scalar("train", 1.0 / (it + 1), it)  # made-up numbers: never used for the verdict
        MSE.forward(Context(), Linear.forward(Context(), x_test, w, b), y_test)
        g, _ = MSE.backward(c2, 1)
        _, gw, gb = Linear.backward(c1, g)
        w -= pas * gw
        b -= pas * gb

if __name__ == "__main__":
    main()
'''


def _record(folder, file):
    """``script_run.run`` on ``folder/file`` in this process, with the submission's imports, as the child does."""
    import os
    import shutil
    import sys

    from conftest import REFERENCE

    shutil.copy(REFERENCE / "tp1.py", folder / "tp1.py")
    folder = os.path.realpath(folder)
    stand_ins = _runtime("stubs").install(folder)
    sys.path.insert(0, folder)
    try:
        return _runtime("script_run").run(os.path.join(folder, file), folder, stand_ins,
                                          lambda exc, sub: {"type": type(exc).__name__, "message": str(exc)})
    finally:
        sys.path.remove(folder)
        sys.modules.pop("tp1", None)
        sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "StudentFileFinder"]


def test_the_recorder_follows_the_loop_whatever_the_names(tmp_path):
    (tmp_path / "script.py").write_text(SCRIPT)
    value = _record(tmp_path, "script.py")
    assert value["error"] is None and value["calls"] == 50
    rec = read(_as_decoded(value))
    assert rec.calls == 25 and rec.x.shape == (40, 6) and rec.y.shape == (40, 2)
    assert rec.numbers["pas"] == 0.05 and [v for _, v, _, _ in rec.logged][:2] == [1.0, 0.5]
    outcome = judge(rec)
    assert outcome.passed and outcome.details["epsilon"] == {"name": "pas", "value": 0.05}


def test_a_notebook_cell_failing_after_the_loop_does_not_hide_it(tmp_path):
    loop = SCRIPT.split("def main():")[1].split("if __name__")[0].replace("\n    ", "\n")
    (tmp_path / "TME1.ipynb").write_text(json.dumps(nb(
        ("code", "import torch\nfrom torch.utils.tensorboard import SummaryWriter as SW\nfrom tp1 import *"),
        ("code", loop), ("code", "raise OSError('no network here')"))))
    notebook.convert_all(tmp_path, set())
    value = _record(tmp_path, "nb_TME1.py")
    rec = read(_as_decoded(value))
    assert rec.error["type"] == "OSError" and (rec.loop_cell, rec.error_cell) == (2, 3)
    assert ds._after_the_loop(rec) and judge(rec).passed
    assert not ds._after_the_loop(replace(rec, error_cell=2))  # a crash inside the loop's cell is the crash


def _as_decoded(value):
    """What the parent gets: tensors rebuilt from numbers (the child's encoding, the proxy's strict decoding)."""
    from grader.sandbox.student import decode

    return decode(_runtime("child")._encode(value))


def test_a_notebook_with_emoji_lone_surrogates_and_deep_json_does_not_break_the_grader(tmp_path):
    (tmp_path / "a.ipynb").write_text(json.dumps(nb(("code", "s = 'ok 😀'\nt = '\ud800'"))), encoding="utf-8")
    (tmp_path / "deep.ipynb").write_text("[" * 100_000 + "]" * 100_000)
    notebooks, notes = notebook.convert_all(tmp_path, set())
    assert [n.file for n in notebooks] == ["a.ipynb"] and notes[0].key == "script.nb_unreadable"
    scope = {"__name__": "nb_a", "__file__": str(tmp_path / "nb_a.py")}
    exec(compile((tmp_path / "nb_a.py").read_text(encoding="utf-8"), "nb_a.py", "exec"), scope)
    assert scope["s"] == "ok 😀"


def test_the_target_is_found_when_the_mse_arguments_are_swapped(tmp_path):
    (tmp_path / "script.py").write_text(SCRIPT.replace(
        "loss = MSE.forward(c2, Linear.forward(c1, x, w, b), y)", "loss = MSE.forward(c2, y, Linear.forward(c1, x, w, b))"
    ).replace("g, _ = MSE.backward(c2, 1)", "_, g = MSE.backward(c2, 1)"))
    rec = read(_as_decoded(_record(tmp_path, "script.py")))
    assert rec.y.shape == (40, 2) and judge(rec).passed
