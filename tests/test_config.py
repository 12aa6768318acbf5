"""The configuration file: defaults, every key, discovery, errors with key and line, `config --show`, precedence."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from grader.config.options import Overrides, UsageProblem, apply
from grader.config import DEFAULT_POINTS, GradingConfig, PassMark, TrainingSettings
from grader.config.file import KEYS, ConfigError, find_config, get, load, load_file
from grader.config.show import render

from test_cli import run_cli


def course(tmp_path: Path, text: str | None = None, name: str = "grader.toml") -> Path:
    """A course folder (a VCS root, so the search stops there) with a submission folder and a config file."""
    root = tmp_path / "course"
    (root / ".git").mkdir(parents=True)
    (root / "subs" / "alice").mkdir(parents=True)
    for folder in ("reference", "template"):  # a course holds more than one hand-in: its solution, its template
        (root / folder).mkdir()
        (root / folder / "tp1.py").write_text("")
    if text is not None:
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_defaults_are_the_behaviour_before_the_configuration_file():
    config = GradingConfig()
    assert (config.seed, config.strict_mse, config.only, config.data_path) == (0, False, None, None)
    assert dict(config.points) == {"load": 0, "mse.forward": 2, "mse.backward": 2, "mse.gradcheck": 1,
                                   "linear.forward": 2, "linear.backward": 3, "linear.gradcheck": 1,
                                   "context.isolation": 1, "descent.manual": 2, "train.batch": 2,
                                   "train.sgd": 2, "train.minibatch": 2}
    assert (config.load_timeout_s, config.check_timeout_s, config.training_timeout_s) == (60, 20, 120)
    assert (config.descent_epsilon, config.descent_n_iter, config.descent_rel_margin) == (0.05, 500, 0.05)
    assert (config.split_seed, config.test_fraction) == (0, 0.2)
    assert config.batch == TrainingSettings(0.3, 200, None, 0.05)
    assert config.sgd == TrainingSettings(0.005, 1, None, 0.8, 4000)
    assert config.minibatch == TrainingSettings(0.03, 2, 32, 0.12)
    assert (config.hidden, config.teacher, config.pass_mark) == ((), False, None)


def test_empty_sections_are_allowed(tmp_path):
    (tmp_path / "grader.toml").write_text("[points]\n[train.sgd]\n[time_limits]\n")
    assert load_file(tmp_path / "grader.toml").config == GradingConfig()


def test_no_file_and_an_empty_file_both_give_the_defaults(tmp_path):
    root = course(tmp_path)
    assert load(None, root / "subs" / "alice").file is None
    assert load(None, root / "subs" / "alice").config == GradingConfig()
    (root / "grader.toml").write_text("# nothing yet\n")
    loaded = load(None, root / "subs" / "alice")
    assert loaded.file == root / "grader.toml" and loaded.config == GradingConfig()


def other_value(key):
    """A valid value for ``key`` that differs from its default, and what the config then holds."""
    default = get(GradingConfig(), key.field)
    special = {
        "pass_mark": ("70%", PassMark(70, percent=True)),
        "hidden": (["train.sgd", "load"], ("train.sgd", "load")),
        "mse.conventions": (["lab"], True),
        "data.path": ("data/cal_housing.data", None),  # checked against the file's folder below
        "course_checks": (["checks", "more/test_x.py"], None),  # idem
        "data.test_fraction": (0.3, 0.3),
        "sandbox.level": ("none", "none"),
        "sandbox.require": ("unshare", "unshare"),
        "train.sgd.train_rows": (6000, 6000),  # default 4000; 20000 (more than the train part): every row
        "integrity.autograd_in_backward": ("warn", "warn"),
        "integrity.similarity_threshold": (0.8, 0.8),
        "integrity.handout": ("handout", None),  # checked against the file's folder below
    }
    if key.path in special:
        return special[key.path]
    if isinstance(default, bool):
        raise AssertionError(key.path)
    if isinstance(default, int) and "points" not in key.field:
        return default + 1, default + 1
    if key.path.endswith("margin"):
        return default / 2, default / 2
    return default * 3 + 1, default * 3 + 1


@pytest.mark.parametrize("key", KEYS, ids=[k.path for k in KEYS])
def test_each_key_is_read_from_its_line_and_changes_only_its_value(key, tmp_path):
    value, expected = other_value(key)
    section, _, name = key.path.rpartition(".")
    if key.path.startswith("points."):
        section, name = "points", f'"{key.path[len("points."):]}"'
    from grader.config.show import toml_value

    text = f"# a course\n\n[{section}]\n{name} = {toml_value(value)}\n" if section else \
        f"# a course\n\n{name} = {toml_value(value)}\n"
    file = tmp_path / "grader.toml"
    file.write_text(text)
    loaded = load_file(file)
    if key.path == "data.path":
        expected = str(tmp_path / "data" / "cal_housing.data")
    elif key.path == "course_checks":
        expected = (str(tmp_path / "checks"), str(tmp_path / "more" / "test_x.py"))
    elif key.path == "integrity.handout":
        expected = str(tmp_path / "handout")
    got = get(loaded.config, key.field)
    assert got == expected and got != get(GradingConfig(), key.field)
    assert loaded.sources == {key.path: f"{file}:{text.count(chr(10)) }"}
    others = [k for k in KEYS if k.path != key.path]
    assert all(get(loaded.config, k.field) == get(GradingConfig(), k.field) for k in others)


def test_points_accept_quoted_and_dotted_ids_and_pyproject_tool_grader(tmp_path):
    root = course(tmp_path, '[project]\nname = "tp1"\n\n[tool.grader]\nseed = 3\n\n[tool.grader.points]\n'
                            '"mse.forward" = 5\nlinear.backward = 4\n', name="pyproject.toml")
    loaded = load(None, root / "subs" / "alice")
    assert loaded.file == root / "pyproject.toml"
    assert loaded.config.seed == 3
    assert loaded.config.points["mse.forward"] == 5 and loaded.config.points["linear.backward"] == 4
    assert loaded.sources["points.linear.backward"].endswith("pyproject.toml:9")


def test_discovery_walks_up_to_the_vcs_root_and_prefers_grader_toml(tmp_path):
    root = course(tmp_path)
    (tmp_path / "grader.toml").write_text("seed = 9\n")  # above the VCS root: never read
    assert find_config(root / "subs" / "alice") is None
    (root / "pyproject.toml").write_text('[project]\nname = "x"\n')  # no [tool.grader]: skipped
    assert find_config(root / "subs" / "alice") is None
    (root / "pyproject.toml").write_text('[tool.grader]\nseed = 2\n')
    assert find_config(root / "subs" / "alice") == root / "pyproject.toml"
    (root / "subs" / "grader.toml").write_text("seed = 1\n")  # nearer wins
    assert find_config(root / "subs" / "alice") == root / "subs" / "grader.toml"
    (root / "subs" / "pyproject.toml").write_text('[tool.grader]\nseed = 5\n')  # same folder: grader.toml wins
    assert load(None, root / "subs" / "alice").config.seed == 1
    assert load(root / "pyproject.toml", root / "subs").config.seed == 2  # --config: no search


BAD_FILES = [
    ("seed = = 1\n", None, 1, "invalid TOML"),
    ('\n\nseed = "zero"\n', "seed", 3, "expected an integer"),
    ("seed = -1\n", "seed", 1, "≥ 0"),
    ("seed = true\n", "seed", 1, "expected an integer, got a boolean"),
    ("[train.sgd]\nepsilom = 0.1\n", "train.sgd.epsilom", 2, "did you mean 'train.sgd.epsilon'"),
    ("[train.sgd]\nepsilon = -0.1\n", "train.sgd.epsilon", 2, "> 0"),
    ("[train.batch]\n\nmargin = 5\n", "train.batch.margin", 3, "0.05 means 5 %"),
    ("[train.sgd]\nbatch_size = 8\n", "train.sgd.batch_size", 2, "unknown key"),
    ("[train.minibatch]\nbatch_size = 0.5\n", "train.minibatch.batch_size", 2, "expected an integer"),
    ("[time_limits]\ncheck = 0\n", "time_limits.check", 2, "(0, 86400]"),
    ("[data]\ntest_fraction = 1\n", "data.test_fraction", 2, "(0, 1)"),
    ('hidden = [\n  "load",\n  "train.sgdd",\n]\n', "hidden", 3, "unknown check id 'train.sgdd'"),
    ('hidden = "train.sgd"\n', "hidden", 1, "expected a list of check ids"),
    ('[points]\n"mse.forwad" = 2\n', "points.mse.forwad", 2, "did you mean 'mse.forward'"),
    ('[points]\n"mse.forward" = -2\n', "points.mse.forward", 2, "[0, 1000]"),
    ('[mse]\nconventions = ["mean"]\n', "mse.conventions", 2, "\"lab\" must be accepted"),
    ('[mse]\nconventions = ["lab", "sum"]\n', "mse.conventions", 2, "unknown MSE convention 'sum'"),
    ('pass_mark = "120%"\n', "pass_mark", 1, "0 to 100 %"),
    ('pass_mark = "half"\n', "pass_mark", 1, "percentage"),
    ("[descent]\nn_iter = 0\n", "descent.n_iter", 2, "≥ 1"),
    ("strict_mse = true\n", "strict_mse", 1, "unknown key"),
    ("[train]\nsgd = 3\n", "train.sgd", 2, "expected a table (keys: epsilon, n_epochs, train_rows, margin)"),
    ("[train.sgd]\n\n[trian]\n", "trian", 3, "unknown key"),
]


@pytest.mark.parametrize("text, key, line, words", BAD_FILES, ids=[b[1] or "syntax" for b in BAD_FILES])
def test_a_bad_file_names_the_file_the_key_and_the_line(text, key, line, words, tmp_path):
    file = tmp_path / "grader.toml"
    file.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_file(file)
    error = caught.value
    assert (error.key, error.line) == (key, line)
    assert words in error.reason
    assert str(error).startswith(f"{file}:{line}: " + (f"{key}: " if key else ""))


def test_a_bad_pyproject_table_names_the_full_key(tmp_path):
    file = tmp_path / "pyproject.toml"
    file.write_text('[project]\nname = "x"\n\n[tool.grader.train.minibatch]\nbatch_size = "32"\n')
    with pytest.raises(ConfigError, match=r"pyproject.toml:5: tool.grader.train.minibatch.batch_size: expected an "
                                          r"integer, got a string '32'"):
        load_file(file)
    file.write_text('[project]\nname = "x"\n')
    with pytest.raises(ConfigError, match=r"no \[tool.grader\] table"):
        load_file(file)


def test_command_line_options_override_the_file(tmp_path):
    root = course(tmp_path, 'seed = 3\npass_mark = 10\n[points]\n"mse.forward" = 5\n"linear.forward" = 4\n'
                            '[mse]\nconventions = ["lab"]\n[data]\npath = "housing"\n')
    base = load(None, root / "subs" / "alice").config
    assert (base.seed, base.strict_mse, base.pass_mark, base.data_path) == (3, True, PassMark(10),
                                                                           str(root / "housing"))
    assert apply(base, Overrides()) == base  # nothing given: the file's values stay
    config = apply(base, Overrides(seed=5, strict_mse=False, points=("mse.forward=1",), data=Path("x.data"),
                                   fail_under="80%", teacher=True))
    assert (config.seed, config.strict_mse, config.data_path, config.teacher) == (5, False, "x.data", True)
    assert config.pass_mark == PassMark(80, percent=True)
    assert config.points["mse.forward"] == 1 and config.points["linear.forward"] == 4  # merged, not replaced
    with pytest.raises(UsageProblem, match="--fail-under"):
        apply(base, Overrides(fail_under="lots"))


def test_pass_mark_in_points_or_percent():
    assert PassMark(14).reached(14, 20) and not PassMark(14).reached(13.5, 20)
    assert PassMark(70, percent=True).reached(14, 20) and not PassMark(70, percent=True).reached(13, 20)


def test_config_show_prints_toml_that_loads_back_to_the_same_config(tmp_path):
    root = course(tmp_path, 'seed = 3\npass_mark = "60%"\nhidden = ["train.minibatch"]\n[points]\n'
                            '"mse.forward" = 2.5\n[mse]\nconventions = ["lab"]\n[data]\npath = "../data"\n'
                            '[train.sgd]\nepsilon = 0.001\nmargin = 0.3\n[time_limits]\ntraining = 300\n')
    proc = run_cli("config", "--show", str(root / "subs" / "alice"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    shown = tmp_path / "shown.toml"
    shown.write_text(proc.stdout)
    expected = load(None, root / "subs" / "alice").config
    assert load_file(shown).config == expected != GradingConfig()
    assert f"epsilon = 0.001  # {root / 'grader.toml'}:11" in proc.stdout
    assert 'n_epochs = 1  # default' in proc.stdout
    assert f'path = "{tmp_path / "data"}"' in proc.stdout  # absolute, so it loads back from anywhere


def test_config_show_without_a_file_prints_the_defaults_and_a_bad_file_exits_2(tmp_path):
    root = course(tmp_path)
    proc = run_cli("config", "--show", str(root), cwd=tmp_path)
    assert proc.returncode == 0 and "No configuration file found" in proc.stdout
    (tmp_path / "shown.toml").write_text(proc.stdout)
    assert load_file(tmp_path / "shown.toml").config == GradingConfig()
    (root / "grader.toml").write_text("[descent]\nn_iter = 1.5\n")
    proc = run_cli("config", "--show", str(root), cwd=tmp_path)
    assert proc.returncode == 2
    assert "grader.toml:2: descent.n_iter: expected an integer" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr


def test_every_field_that_a_file_can_set_is_shown():
    """A new GradingConfig field must be given a key (or be listed here as command-line only)."""
    command_line_only = {"only", "teacher", "config_file", "ignored_configs", "lang",
                         "course_suite"}  # collected from course_checks (grader.coursechecks.bind)
    settable = {k.field.split(".")[0].split(":")[0] for k in KEYS}
    assert {f.name for f in fields(GradingConfig)} - settable == command_line_only
    assert len([k for k in KEYS if k.path.startswith("points.")]) == len(DEFAULT_POINTS)
    shown = render(load(None, None))
    assert all(f"{k.path.rpartition('.')[2]} = " in shown for k in KEYS if not k.path.startswith("points."))


def test_an_error_message_with_brackets_is_printed_as_is(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    proc = run_cli("config", "--show", "--config", "pyproject.toml", cwd=tmp_path)
    assert proc.returncode == 2 and "no [tool.grader] table" in proc.stdout


def test_the_documented_example_loads_and_holds_the_defaults_but_hidden_and_pass_mark(tmp_path):
    """The annotated grader.toml of docs/configuration.md is valid and says the truth about the defaults."""
    from dataclasses import replace

    from conftest import ROOT

    readme = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    example = readme.split("An annotated `grader.toml`", 1)[1].split("```toml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "grader.toml").write_text(example)
    config = load_file(tmp_path / "grader.toml").config
    assert config.hidden == ("train.minibatch",) and config.pass_mark == PassMark(60, percent=True)
    assert config.data_path == str(tmp_path.parent / "data" / "cal_housing.data")
    assert config.handout == str(tmp_path / "student_template")  # the default's folder, written out
    assert replace(config, hidden=(), pass_mark=None, data_path=None, handout=None) == GradingConfig()


def test_the_file_reaches_the_checks(tmp_path):
    """descent.manual passes the reference with the defaults and fails it with 3 iterations set in the file."""
    import json
    import shutil

    from conftest import REFERENCE

    root = course(tmp_path, '[points]\n"descent.manual" = 7\n')
    sub = root / "subs" / "alice"
    shutil.rmtree(sub)
    shutil.copytree(REFERENCE, sub)
    args = ("check", str(sub), "--only", "descent.manual", "--json", str(tmp_path / "r.json"))
    assert run_cli(*args, cwd=tmp_path).returncode == 0
    report = json.loads((tmp_path / "r.json").read_text())
    assert (report["score"], report["max_score"]) == (7, 7)
    assert report["environment"]["config_file"] == str(root / "grader.toml")
    (root / "grader.toml").write_text("[descent]\nn_iter = 3\n")
    assert run_cli(*args, cwd=tmp_path).returncode == 1
    check = json.loads((tmp_path / "r.json").read_text())["checks"][0]
    assert check["status"] == "failed" and check["details"]["n_iter"] == 3


@pytest.mark.slow
def test_the_command_line_overrides_the_file_end_to_end(tmp_path):
    import json
    import shutil

    from conftest import REFERENCE

    root = course(tmp_path, 'seed = 3\n[mse]\nconventions = ["lab"]\n')
    sub = root / "subs" / "alice"
    shutil.rmtree(sub)
    shutil.copytree(REFERENCE, sub)
    out = tmp_path / "r.json"
    run_cli("check", str(sub), "--only", "load", "--json", str(out), cwd=tmp_path)
    env = json.loads(out.read_text())["environment"]
    assert (env["strict_mse"], env["seeds"]["seed"]) == (True, 3)
    run_cli("check", str(sub), "--only", "load", "--no-strict-mse", "--seed", "0", "--json", str(out), cwd=tmp_path)
    env = json.loads(out.read_text())["environment"]
    assert (env["strict_mse"], env["seeds"]["seed"]) == (False, 0)
