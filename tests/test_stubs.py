"""The stand-ins of grader/sandbox/stubs.py, in this process: which import gets one, and how each behaves.

``StandIns.student_import`` is what an ``import`` statement of a submission file calls; here it is
called directly, without installing anything (``install`` is exercised in the student process by
tests/test_stubs_handins.py). ``force=True`` is the test-only switch: a stand-in even where the
library is installed.
"""

from __future__ import annotations

import importlib.util
import sys
import types

import numpy as np
import pytest

from conftest import ROOT

SANDBOX = ROOT / "grader" / "sandbox"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"grader_test_{name}", SANDBOX / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


stubs = _load("stubs")


def importer(force: bool = True):
    """An ``import`` statement of a submission file: ``imp("tqdm", "tqdm")`` is ``from tqdm import tqdm``."""
    stand_ins = stubs.StandIns(str(ROOT / "no-such-submission"), force=force)

    def imp(name, *fromlist):
        module = stand_ins.student_import(name, {}, {}, fromlist, 0)
        return getattr(module, fromlist[0]) if len(fromlist) == 1 and fromlist[0] != "*" else module

    imp.stand_ins = stand_ins
    return imp


def is_stand_in(module) -> bool:
    return isinstance(module, stubs.StandInModule)


# ---------------------------------------------------------------- which import gets a stand-in

def test_an_installed_library_is_the_real_one_and_warns_nothing():
    pytest.importorskip("tqdm")
    imp = importer(force=False)
    assert imp("tqdm", "tqdm") is sys.modules["tqdm"].tqdm
    assert imp.stand_ins.warnings == []


def test_a_missing_library_gets_a_stand_in_and_one_warning():
    if importlib.util.find_spec("datamaestro") is not None:
        pytest.skip("datamaestro is installed here")
    imp = importer(force=False)
    imp("datamaestro", "prepare_dataset")
    imp("datamaestro")
    assert imp.stand_ins.warnings == [stubs.MISSING_DATA.format(module="datamaestro")]


def test_forcing_gives_stand_ins_for_installed_libraries_with_their_warning():
    imp = importer(force=True)
    assert is_stand_in(imp("tqdm"))
    assert is_stand_in(imp("pandas"))
    assert imp.stand_ins.warnings == [stubs.MISSING.format(module="tqdm"), stubs.MISSING_DATA.format(module="pandas")]


def test_a_stand_in_never_enters_sys_modules():
    before = set(sys.modules)
    imp = importer(force=True)
    imp("matplotlib.pyplot", "subplots")
    imp("pandas")
    imp("tqdm.contrib.concurrent", "thread_map")
    imp("icecream", "ic")
    assert not any(is_stand_in(m) for m in sys.modules.values())
    assert {n for n in set(sys.modules) - before if n.partition(".")[0] in stubs.OPTIONAL_MODULES} == set()


def test_tensorboard_writers_are_always_the_stand_in_without_a_warning():
    imp = importer(force=False)
    writer = imp("torch.utils.tensorboard", "SummaryWriter")
    assert writer is imp("tensorboardX", "SummaryWriter")
    assert writer.__name__ == "SummaryWriter" and writer.__module__ == "grader_student_stubs_libs"
    assert imp.stand_ins.warnings == []


def test_import_torch_utils_tensorboard_as_a_name_reaches_the_stand_in():
    import torch

    before = torch.utils.__dict__.get("tensorboard")
    imp = importer(force=False)
    try:
        top = imp.stand_ins.student_import("torch.utils.tensorboard", {}, {}, None, 0)
        assert top is torch and is_stand_in(torch.utils.tensorboard)
    finally:
        if before is None:
            del torch.utils.tensorboard
        else:
            torch.utils.tensorboard = before


def test_tqdm_notebook_with_the_real_tqdm_falls_back_like_autonotebook():
    autonotebook = pytest.importorskip("tqdm.autonotebook")
    imp = importer(force=False)
    bar = imp("tqdm.notebook", "tqdm")
    assert bar is autonotebook.tqdm
    assert list(bar(range(3), disable=True)) == [0, 1, 2]


def test_relative_and_unrelated_imports_go_to_the_interpreter():
    imp = importer(force=True)
    assert imp("json") is sys.modules["json"]
    assert imp.stand_ins.student_import("torch", {}, {}, None, 0) is sys.modules["torch"]
    assert imp.stand_ins.warnings == []


# ---------------------------------------------------------------- tqdm

@pytest.fixture
def tq():
    return importer(force=True)


def test_tqdm_bar_object_iterates_and_takes_postfix_and_description(tq):
    tqdm = tq("tqdm", "tqdm")
    pbar = tqdm(range(4), desc="epochs")
    seen = []
    for i in pbar:
        pbar.set_postfix(loss=0.5, step=i)
        pbar.set_postfix({"a": 1}, refresh=False)
        pbar.set_description(f"epoch {i}")
        pbar.set_postfix_str("x")
        pbar.set_description_str("y")
        seen.append(i)
    assert seen == [0, 1, 2, 3] and pbar.n == 4 and len(pbar) == 4 and pbar.total == 4
    pbar.refresh()
    pbar.close()


def test_tqdm_manual_bar_is_a_context_manager_that_counts(tq):
    tqdm = tq("tqdm", "tqdm")
    with tqdm(total=10, desc="steps", leave=False) as pbar:
        for _ in range(5):
            pbar.update(2)
    assert pbar.n == 10 and bool(pbar)
    pbar.reset(total=3)
    assert pbar.n == 0 and pbar.total == 3
    with pytest.raises(TypeError):
        iter(tqdm(total=3)).__next__()  # as tqdm: no iterable, nothing to iterate over


def test_tqdm_write_prints_like_tqdm(tq, capsys):
    tqdm = tq("tqdm", "tqdm")
    tqdm.write("epoch 1 done")
    tq("tqdm.auto", "tqdm").write("to stderr", file=sys.stderr)
    out, err = capsys.readouterr()
    assert out == "epoch 1 done\n" and err == "to stderr\n"


@pytest.mark.parametrize("module", ["tqdm", "tqdm.auto", "tqdm.autonotebook", "tqdm.notebook", "tqdm.std",
                                    "tqdm.asyncio", "tqdm.rich"])
def test_every_tqdm_module_has_a_working_tqdm_and_trange(tq, module):
    assert list(tq(module, "tqdm")(iter("abc"), total=3)) == ["a", "b", "c"]
    assert list(tq(module, "trange")(2, 8, 3, desc="x")) == [2, 5]


def test_tqdm_contrib_helpers_keep_their_results(tq):
    assert list(tq("tqdm.contrib", "tenumerate")("ab", start=1)) == [(1, "a"), (2, "b")]
    assert list(tq("tqdm.contrib", "tzip")([1, 2], "xy")) == [(1, "x"), (2, "y")]
    assert list(tq("tqdm.contrib", "tmap")(lambda a, b: a + b, [1, 2], [10, 20])) == [11, 22]
    assert tq("tqdm.contrib.concurrent", "thread_map")(abs, [-1, 2], max_workers=4) == [1, 2]
    assert tq("tqdm.contrib.concurrent", "process_map")(abs, [-3]) == [3]
    assert list(tq("tqdm.contrib.itertools", "product")("ab", [0])) == [("a", 0), ("b", 0)]
    with tq("tqdm.contrib.logging", "logging_redirect_tqdm")():
        pass


def test_import_tqdm_then_attribute_paths(tq):
    module = tq.stand_ins.student_import("tqdm.auto", {}, {}, None, 0)  # import tqdm.auto
    assert list(module.auto.tqdm([1])) == [1] and list(module.tqdm([2])) == [2] and module.trange(1)
    assert "tqdm" in tq("tqdm", "*").__all__


# ---------------------------------------------------------------- matplotlib

@pytest.fixture
def plt():
    return importer(force=True)("matplotlib.pyplot", "*")  # import matplotlib.pyplot as plt


@pytest.mark.parametrize("rows, cols, squeeze, shape", [
    (1, 2, True, (2,)), (2, 1, True, (2,)), (2, 3, True, (2, 3)), (1, 1, False, (1, 1)), (1, 3, False, (1, 3))])
def test_subplots_give_axes_shaped_as_matplotlib_does(plt, rows, cols, squeeze, shape):
    fig, axes = plt.subplots(rows, cols, squeeze=squeeze, figsize=(8, 3), sharex=True)
    assert isinstance(axes, np.ndarray) and axes.shape == shape
    for ax in axes.flat:
        ax.plot([1, 2], [3, 4])
        ax.set_title("t")
    fig.savefig("never-written.png")


def test_subplots_unpack(plt):
    fig, ax = plt.subplots()
    fig, (ax1, ax2) = plt.subplots(1, 2)
    fig, ((a, b), (c, d)) = plt.subplots(2, 2)
    assert ax.plot([1])[0] is not None and ax1 is not ax2 and a is not d
    fig, named = plt.subplot_mosaic("AB;CC")
    assert sorted(named) == ["A", "B", "C"]


def test_plot_returns_one_line_per_curve(plt):
    line, = plt.plot([1, 2, 3])
    line, = plt.plot([1, 2], [3, 4], "r--", label="train")
    first, second = plt.plot([1, 2], [3, 4], [1, 2], [5, 6])
    assert len(plt.plot(np.zeros((5, 3)))) == 3 and len(plt.plot(np.arange(5), np.zeros((5, 2)))) == 2
    assert plt.plot() == []
    line.set_data([1], [2])
    line.set_ydata([3])


def test_other_calls_have_the_arity_of_matplotlib(plt):
    fig = plt.figure(figsize=(4, 4))
    ax = fig.add_subplot(1, 1, 1)
    n, bins, patches = ax.hist([1, 2, 2], bins=3)
    bars = ax.bar([1, 2, 3], [4, 5, 6])
    assert len(bars) == 3 and list(bars) == list(bars)
    data_line, caps, barcols = plt.errorbar([1], [2], yerr=[0.1])
    assert ax.get_xlim() == (0.0, 1.0) and plt.xlim(0, 5) == (0, 5)
    handles, labels = ax.get_legend_handles_labels()
    twin = ax.twinx()
    twin.plot([1])
    assert plt.pause(10) is None  # returns at once
    plt.legend(), plt.xlabel("epoch"), plt.yscale("log"), plt.tight_layout(), plt.show(), plt.close("all")
    plt.rcParams["figure.figsize"] = (8, 3)
    plt.style.use("ggplot")


def test_matplotlib_module_itself(tq):
    matplotlib = tq("matplotlib")
    matplotlib.use("Agg")
    matplotlib.rcParams.update({"font.size": 8})
    assert matplotlib.pyplot.subplots(1, 2)[1].shape == (2,)
    assert tq("matplotlib.figure", "Figure")().subplots(3).shape == (3,)


# ---------------------------------------------------------------- tensorboard, icecream, the rest

def test_summary_writer_takes_every_call_and_is_a_context_manager():
    SummaryWriter = importer(force=False)("torch.utils.tensorboard", "SummaryWriter")
    with SummaryWriter("runs/x", comment="lr0.1") as writer:
        for step in range(3):
            writer.add_scalar("loss/train", 0.5, step)
            writer.add_scalar("loss/test", 0.5, global_step=step, walltime=1.0)
            writer.add_scalars("loss", {"train": 0.5, "test": 0.6}, step)
        writer.add_histogram("w", np.zeros(3), 2)
        writer.add_graph(object(), None)
        writer.add_hparams({"lr": 0.1}, {"mse": 0.4})
        writer.add_text("note", "hi")
        writer.add_custom_thing_of_a_newer_version(1)
        writer.flush()
        assert writer.get_logdir() == "runs/x"
    assert writer.closed


def test_ic_returns_its_arguments():
    imp = importer(force=True)
    ic = imp("icecream", "ic")
    assert ic() is None and ic(3) == 3 and ic(1, "a") == (1, "a")
    ic.configureOutput(prefix="> ")
    ic.disable()
    imp("icecream", "install")()


def test_generic_stand_ins_are_inert_and_never_break_isinstance():
    imp = importer(force=True)
    pd = imp("pandas")
    wandb = imp("wandb")
    assert isinstance(3, pd.DataFrame) is False and isinstance(3, (pd.DataFrame, pd.Series)) is False
    wandb.init(project="tp1").log({"loss": 1.0})
    wandb.config.lr = 0.1
    with imp("IPython.display", "display")() as nothing:
        assert f"{nothing:.3f}".startswith("<stand-in")
    assert list(imp("seaborn").color_palette()) == []

    class Logger(imp("rich.progress", "Progress")):
        pass

    assert Logger().anything() is not None


def test_a_data_library_stand_in_says_why_it_has_no_values():
    imp = importer(force=True)
    ds = imp("datamaestro", "prepare_dataset")("com.lecun.mnist")
    with pytest.raises(TypeError, match="datamaestro is not installed in the grading environment"):
        x, y = ds.train.data()
    with pytest.raises(TypeError, match="pandas is not installed"):
        float(imp("pandas").read_csv("x.csv")["loss"].mean())


def test_a_stand_in_module_is_a_module():
    imp = importer(force=True)
    module = imp("plotly")
    assert isinstance(module, types.ModuleType) and module.__version__ == "0+stand-in"
    with pytest.raises(AttributeError):
        module.__wrapped__


# ---------------------------------------------------------------- shipping

STUB_FILES = ("stubs.py", "stubs_libs.py", "stubs_plot.py")


def test_the_stub_files_are_student_side_scripts_of_the_standard_library_only():
    import ast
    import fnmatch
    import tomllib

    from grader.sandbox.isolation import RUNTIME_FILES

    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    for name in STUB_FILES:
        assert name in RUNTIME_FILES
        assert any(fnmatch.fnmatch(f"sandbox/{name}", pattern) for pattern in package_data["grader"]), name
        tree = ast.parse((SANDBOX / name).read_text())
        top_level = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
        modules = {a.name for n in top_level if isinstance(n, ast.Import) for a in n.names}
        modules |= {n.module for n in top_level if isinstance(n, ast.ImportFrom)}
        assert {m.partition(".")[0] for m in modules} <= set(sys.stdlib_module_names) | {"__future__"}, name


def test_every_documented_set_up_installs_the_student_libs_extra():
    import tomllib

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert {r.split(">")[0] for r in extras["student-libs"]} == {"tqdm", "icecream", "pandas"}
    command = "pip install -e '.[test,student-libs]'"
    assert command in (ROOT / "README.md").read_text() and command in (ROOT / ".ci" / "run").read_text()
    assert '"/autograder/source/grader-src[student-libs]"' in (ROOT / "examples/gradescope/setup.sh").read_text()
    workflow = (ROOT / "examples/github-classroom/.github/workflows/grade.yml").read_text()
    assert 'GRADER_PACKAGE: "grader[student-libs] @ ' in workflow
