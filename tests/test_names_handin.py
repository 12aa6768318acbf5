"""A hand-in that does not follow the template's layout (issue 12): names found in another file, files not
handed in, the lab's script standing for ``descente``."""

from __future__ import annotations

import shutil

import pytest

from conftest import REFERENCE, grade, statuses
from grader.checks.names import resolve_names, skip_message
from grader.i18n import render
from grader.sandbox.session import LoadInfo, ModuleLoad

TP1 = {"Context": "class", "MSE": "autograd.Function", "Linear": "autograd.Function", "mse": "function",
       "linear": "function"}


def info(**modules) -> LoadInfo:
    entries = {}
    for name in ("tp1", "tp1_descente", "tp1_autograd", *modules):
        names = modules.get(name)
        entries[name] = ModuleLoad(name, present=names is not None, ok=names is not None, names=names or {})
    return LoadInfo(entries)


def test_a_name_missing_from_its_file_is_used_from_another_file_lab_files_first(tmp_path):
    load = info(tp1={**TP1, "descente_batch": "function"}, nb_TME1={"descente_batch": "function",
                                                                    "descente_minibatch": "function"})
    resolved = resolve_names(load, tmp_path)
    assert resolved.aliases == {"tp1_autograd.descente_batch": "tp1",
                                "tp1_autograd.descente_minibatch": "nb_TME1"}
    assert resolved.has("tp1_autograd.descente_batch") and not resolved.has("tp1_autograd.descente_stochastique")
    assert resolved.where("tp1_autograd.descente_minibatch") == "nb_TME1.descente_minibatch"
    assert resolved.where("tp1.MSE.forward") == "tp1.MSE.forward"


def test_a_variable_is_not_taken_for_a_missing_function(tmp_path):
    load = info(tp1={**TP1, "descente_batch": "float"})
    assert resolve_names(load, tmp_path).aliases == {}


def test_the_labs_script_stands_for_descente_and_a_misnamed_function_does_not(tmp_path):
    (tmp_path / "tp1_descente.py").write_text("for i in range(3):\n    pass\n")
    script = resolve_names(info(tp1=TP1, tp1_descente={"torch": "module", "w": "Tensor"}), tmp_path)
    assert script.script_form and script.has("tp1_descente.descente")
    (tmp_path / "tp1_descente.py").write_text("def descente_gradient(x, y):\n    pass\n")
    misnamed = resolve_names(info(tp1=TP1, tp1_descente={"descente_gradient": "function"}), tmp_path)
    assert not misnamed.script_form and not misnamed.has("tp1_descente.descente")


def test_a_check_whose_file_was_not_handed_in_says_so(tmp_path):
    load = resolve_names(info(tp1=TP1), tmp_path)
    message = skip_message(["tp1_autograd.descente_batch"], load)
    assert render(message, "en") == "skipped: tp1_autograd.py was not handed in"
    assert render(message, "fr") == "ignoré : tp1_autograd.py n'a pas été rendu"
    load = resolve_names(info(tp1=TP1, tp1_autograd={"x": "int"}), tmp_path)
    assert "which `load` did not find" in render(skip_message(["tp1_autograd.descente_batch"], load), "en")


@pytest.mark.slow
def test_training_functions_handed_in_inside_tp1_are_graded_with_a_note(tmp_path):
    sub = tmp_path / "student"
    sub.mkdir()
    autograd = (REFERENCE / "tp1_autograd.py").read_text().replace("from tp1 import linear, mse\n", "")
    shutil.copy(REFERENCE / "tp1.py", sub / "tp1.py")
    with open(sub / "tp1.py", "a") as f:
        f.write("\n\n" + autograd)
    report = grade(sub, "load", "train.batch", "descent.manual")
    assert statuses(report) == {"load": "passed", "train.batch": "passed", "descent.manual": "skipped"}
    load = report.check("load")
    assert "`descente_batch`, `descente_stochastique`, `descente_minibatch` (expected in tp1_autograd.py) " \
           "found in tp1.py" in load.message
    assert load.details["modules"]["tp1_autograd"]["found_in"]["descente_batch"] == "tp1"
    assert report.check("descent.manual").message == "skipped: tp1_descente.py was not handed in"


def test_notebook_only_hand_ins_one_or_a_class(tmp_path):
    from conftest import SUBMISSIONS
    from grader.handin import is_single, locate

    for student in ("alice", "bob"):
        (tmp_path / "class" / student).mkdir(parents=True)
        shutil.copy(SUBMISSIONS / "rose" / "TME1.ipynb", tmp_path / "class" / student / "TME1.ipynb")
    assert not is_single(tmp_path / "class")  # notebooks side by side: a class
    assert is_single(tmp_path / "class" / "alice")
    (tmp_path / "one" / "src").mkdir(parents=True)
    shutil.copy(SUBMISSIONS / "rose" / "TME1.ipynb", tmp_path / "one" / "src" / "TME1.ipynb")
    assert is_single(tmp_path / "one") and locate(tmp_path / "one").root == tmp_path / "one" / "src"
