"""Hand-ins that import optional libraries, graded for real (student process, the machine's sandbox level).

Each test runs twice: with the libraries as installed here ("real": the student-libs extra's tqdm,
icecream and pandas are real, matplotlib, seaborn and the tensorboard writer are stand-ins) and with
every optional library forced to its stand-in ("stand-in": ``GRADER_FORCE_STANDINS=1``, as on a
machine set up without the extra).
"""

from __future__ import annotations

import importlib.util

import pytest

from conftest import grade, mutate, statuses
from handin_styles import STYLES
from test_diagnoses import TRAINING, hint_prefix

FAST = ("load", "mse.forward")


def _data_found() -> bool:
    from grader.data.files import DataNotFound, find_data

    try:
        find_data()
    except DataNotFound:
        return False
    return True


needs_data = pytest.mark.skipif(not _data_found(), reason="California Housing not found (the train.* checks need "
                                                          "it): set GRADER_DATA")


@pytest.fixture(params=["real", "stand-in"])
def mode(request, monkeypatch):
    if request.param == "stand-in":
        monkeypatch.setenv("GRADER_FORCE_STANDINS", "1")
    return request.param


def warned(report) -> list[str]:
    return [w.split()[0] for w in report.warnings]


def failures(report) -> dict:
    return {c.id: (c.status.value, c.message, c.hints) for c in report.checks if not c.passed}


# ---------------------------------------------------------------- a stand-in only for the submission's imports

THIRD_PARTY = '''import importlib, sys
import numpy as np
import pandas as pd
import matplotlib
from sklearn.metrics import mean_squared_error
from sklearn.preprocessing import FunctionTransformer

FORCED = {forced}
assert ("stand-in" in repr(pd)) == (FORCED or {pandas_missing}), repr(pd)
assert "stand-in" not in repr(sys.modules.get("pandas")), "a stand-in entered sys.modules"
# scikit-learn probes pandas (sys.modules, isinstance): it must see the environment, not the student's stand-in
assert mean_squared_error(np.zeros((3, 1)), np.ones((3, 1))) == 1.0
assert isinstance(3, pd.DataFrame) is False


def _called_back(x):
    import tqdm  # the student's import statement, run from scikit-learn's frame
    assert ("stand-in" in repr(tqdm)) == (FORCED or {tqdm_missing}), repr(tqdm)
    return x


FunctionTransformer(_called_back).fit_transform(np.zeros((2, 2)))
try:  # a library importing a submodule of a package the student got a stand-in for
    pyplot = importlib.import_module("matplotlib.pyplot")
except ImportError:
    pyplot = None
assert "stand-in" not in repr(pyplot), "importlib got the stand-in"
'''


def test_libraries_never_see_the_submissions_stand_ins(make_submission, mode, warm_launcher):
    missing = {name: importlib.util.find_spec(name) is None for name in ("pandas", "tqdm")}
    header = THIRD_PARTY.format(forced=mode == "stand-in", pandas_missing=missing["pandas"],
                                tqdm_missing=missing["tqdm"])  # without the student-libs extra: stand-ins
    sub = make_submission(tp1=[("import torch\n", "import torch\n" + header)])
    report = grade(sub, *FAST, launcher=warm_launcher)
    assert statuses(report) == {"load": "passed", "mse.forward": "passed"}, failures(report)
    expected = [m for m in ("pandas", "matplotlib", "tqdm") if mode == "stand-in" or importlib.util.find_spec(m) is None]
    assert warned(report) == expected


@pytest.mark.skipif(importlib.util.find_spec("tensorboard") is not None, reason="tensorboard is installed here")
def test_torch_importing_tensorboard_gets_the_import_error_not_the_stand_in(make_submission, warm_launcher):
    header = ("import importlib\nimport tensorboard\nassert 'stand-in' in repr(tensorboard)\n"
              "try:\n    importlib.import_module('torch.utils.tensorboard')\nexcept ImportError:\n    pass\n"
              "else:\n    raise AssertionError('torch found the stand-in of tensorboard')\n")
    sub = make_submission(tp1=[("import torch\n", "import torch\n" + header)])
    report = grade(sub, *FAST, launcher=warm_launcher)
    assert statuses(report) == {"load": "passed", "mse.forward": "passed"}, failures(report)
    assert warned(report) == ["tensorboard"]


def test_helper_modules_and_packages_of_the_submission_get_stand_ins_too(make_submission, monkeypatch,
                                                                        warm_launcher):
    monkeypatch.setenv("GRADER_FORCE_STANDINS", "1")
    sub = make_submission(tp1=[("import torch\n", "import torch\nimport aides\nfrom outils import courbes\n"
                                                  "assert list(aides.barre(range(3))) == [0, 1, 2]\n"
                                                  "fig, ax = courbes.figure()\n")])
    (sub / "aides.py").write_text("from tqdm.auto import tqdm\n\ndef barre(x):\n    return tqdm(x, leave=False)\n")
    (sub / "outils").mkdir()
    (sub / "outils" / "__init__.py").write_text("")
    (sub / "outils" / "courbes.py").write_text("import matplotlib.pyplot as plt\n\n"
                                               "def figure():\n    return plt.subplots()\n")
    report = grade(sub, *FAST, launcher=warm_launcher)
    assert statuses(report) == {"load": "passed", "mse.forward": "passed"}, failures(report)
    assert warned(report) == ["tqdm", "matplotlib"]


def test_no_warning_for_a_library_the_submission_does_not_import(make_submission, monkeypatch, warm_launcher):
    monkeypatch.setenv("GRADER_FORCE_STANDINS", "1")
    header = ("import numpy as np\nfrom sklearn.metrics import mean_squared_error\n"
              "assert mean_squared_error(np.zeros(2), np.zeros(2)) == 0.0\n")
    sub = make_submission(tp1=[("import torch\n", "import torch\n" + header)])
    report = grade(sub, *FAST, launcher=warm_launcher)
    assert statuses(report) == {"load": "passed", "mse.forward": "passed"}, failures(report)
    assert report.warnings == ()


def test_a_loop_over_data_of_a_missing_library_fails_saying_why(make_submission, monkeypatch, warm_launcher):
    monkeypatch.setenv("GRADER_FORCE_STANDINS", "1")
    header = "from datamaestro import prepare_dataset\nX, y = prepare_dataset('edu.uci.boston').data()\n"
    sub = make_submission(tp1=[("import torch\n", "import torch\n" + header)])
    report = grade(sub, "load", launcher=warm_launcher)
    assert statuses(report) == {"load": "failed"}
    assert "datamaestro is not installed in the grading environment" in report.check("load").message
    assert warned(report) == ["datamaestro"]


# ---------------------------------------------------------------- every style, graded in full

def expected_warnings(style, mode: str) -> list[str]:
    return [lib for lib in style.libraries if mode == "stand-in" or importlib.util.find_spec(lib) is None]


@pytest.mark.slow
@needs_data
@pytest.mark.parametrize("style", STYLES, ids=lambda s: s.name)
def test_a_correct_handin_in_each_style_gets_full_marks(style, mode, tmp_path, warm_launcher):
    sub = mutate(tmp_path, tp1_autograd=style.text())
    report = grade(sub, launcher=warm_launcher, lang="en")
    assert report.score == report.max_score > 0, failures(report)
    assert warned(report) == expected_warnings(style, mode)


@pytest.mark.slow
@needs_data
@pytest.mark.parametrize("style", STYLES, ids=lambda s: s.name)
def test_a_real_mistake_in_each_style_still_gets_its_diagnosis(style, mode, tmp_path, warm_launcher):
    check_id, status, _ = TRAINING[style.mistake]
    sub = mutate(tmp_path, tp1_autograd=style.mutant())
    report = grade(sub, "load", check_id, launcher=warm_launcher, lang="en")
    result = report.check(check_id)
    assert report.check("load").passed, report.check("load").message
    assert result.status.value == status, (result.message, result.hints)
    assert result.details.get("diagnosis") == style.mistake, (result.message, result.hints)
    assert any(h.startswith(hint_prefix(style.mistake, "en")) for h in result.hints), result.hints
