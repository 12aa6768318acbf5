"""Course checks without a student: collection, ids, points, visibility, configuration, what is never collected,
and the helpers of grader.testing. (Grading with them: tests/test_coursechecks.py.)"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
import torch

from conftest import REFERENCE, ROOT
from grader.config import GradingConfig
from grader.config.file import load
from grader.coursechecks import CourseChecksError, bind, collect
from grader.testing import CheckFailed, assert_close

EXAMPLE = ROOT / "examples" / "course-checks"


def write(folder: Path, **files: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_example_ids_points_names_and_hidden_marker():
    suite = collect([str(EXAMPLE)])
    assert suite.ids == ("course.mse_two_contexts", "course.linear_b_row_gradcheck", "course.linear_b_row_backward",
                         "course.mse_one_example", "course.mse_lab_convention[1x1]",
                         "course.mse_lab_convention[4x3]", "course.mse_lab_convention[8x2]")
    by_id = {c.id: c for c in suite.checks}
    assert by_id["course.mse_one_example"].points == 2
    assert by_id["course.linear_b_row_gradcheck"].points == 1  # no marker: 1 point
    assert by_id["course.mse_two_contexts"].hidden and not by_id["course.mse_one_example"].hidden
    assert by_id["course.mse_one_example"].name == "MSE on a single example (q = 1), forward and backward"
    assert by_id["course.mse_lab_convention[4x3]"].name.endswith("[4x3]")
    assert by_id["course.mse_one_example"].where.startswith("test_mse.py:")


def test_the_file_points_override_the_marker_and_hidden_checks_join_the_config():
    config = bind(load(EXAMPLE / "grader.toml", None).config)
    assert config.course_checks == (str(EXAMPLE),)  # "." relative to the file
    assert config.points["course.linear_b_row_backward"] == 3  # [points] beats @pytest.mark.points(2)
    assert config.points["course.mse_one_example"] == 2
    assert config.is_hidden("course.mse_two_contexts") and not config.runs("course.mse_two_contexts")
    assert replace(config, teacher=True).runs("course.mse_two_contexts")


def test_config_show_keeps_the_course_checks_and_their_points(tmp_path):
    from grader.config.file import load_file
    from grader.config.show import render

    (tmp_path / "grader.toml").write_text('course_checks = ["checks"]\n[points]\n"course.one" = 3\n')
    shown = render(load(tmp_path / "grader.toml", None))
    assert f'course_checks = ["{tmp_path / "checks"}"]' in shown and '"course.one" = 3.0' in shown
    (tmp_path / "shown.toml").write_text(shown)
    again = load_file(tmp_path / "shown.toml").config
    assert (again.course_checks, again.points["course.one"]) == ((str(tmp_path / "checks"),), 3.0)


def test_course_ids_in_the_configuration_must_name_a_check(tmp_path):
    write(tmp_path / "checks", **{"test_a.py": "def test_one(student):\n    pass\n"})
    (tmp_path / "grader.toml").write_text('course_checks = ["checks"]\nhidden = ["course.one"]\n'
                                          '[points]\n"course.two" = 3\n')
    with pytest.raises(CourseChecksError, match=r"unknown course check id\(s\) course.two; the course checks are: "
                                                r"course.one"):
        bind(load(tmp_path / "grader.toml", None).config)
    with pytest.raises(CourseChecksError, match="no course_checks path"):
        bind(GradingConfig(hidden=("course.one",)))


def test_parametrized_ids_and_duplicate_ids_name_both_tests(tmp_path):
    write(tmp_path / "a", **{"test_x.py": "import pytest\n@pytest.mark.parametrize('n', [1, 2], ids=['one', 'two'])\n"
                                          "def test_shape(n):\n    pass\n"})
    assert collect([str(tmp_path / "a")]).ids == ("course.shape[one]", "course.shape[two]")
    write(tmp_path / "b", **{"test_x.py": "def test_same():\n    pass\n", "test_y.py": "def test_same():\n    pass\n"})
    with pytest.raises(CourseChecksError, match=r"two checks have the id course.same: test_x.py::test_same and "
                                                r"test_y.py::test_same"):
        collect([str(tmp_path / "b")])


@pytest.mark.parametrize("files, message", [
    ({"test_x.py": "def test_a(:\n"}, r"pytest cannot collect test_x.py:(.|\n)*SyntaxError"),
    ({"test_x.py": "import pytest\n@pytest.mark.points('two')\ndef test_a():\n    pass\n"},
     r"@pytest.mark.points expects a number from 0 to 1000, got 'two'"),
    ({"test_x.py": "import pytest\n@pytest.mark.hiden\ndef test_a():\n    pass\n"}, r"'hiden' not found in `markers`"),
    ({"helpers.py": "X = 1\n"}, r"no test found"),
], ids=["syntax", "points", "misspelt-marker", "empty"])
def test_a_bad_course_folder_is_a_usage_error(tmp_path, files, message):
    write(tmp_path / "checks", **files)
    with pytest.raises(CourseChecksError, match=message):
        collect([str(tmp_path / "checks")])


def test_a_missing_path_or_one_inside_the_handin_is_refused(tmp_path):
    with pytest.raises(CourseChecksError, match="no such file or folder"):
        collect([str(tmp_path / "nope")])
    handin = write(tmp_path / "alice", **{"tp1.py": "", "test_mine.py": "def test_free():\n    pass\n"})
    with pytest.raises(CourseChecksError, match="lies inside the hand-in"):
        collect([str(handin)], excluded=[str(handin)])


def test_handins_and_their_conftest_are_never_collected_nor_loaded(tmp_path):
    """The course's folder holds the class (course_checks = ["."] at the course's root): the hand-ins' test files
    and conftest.py are never collected or imported, the course's own conftest.py is; nothing is written."""
    course = write(tmp_path / "course", **{
        "conftest.py": "import pytest\n@pytest.fixture\ndef shared():\n    return 1\n",
        "test_course.py": "def test_real(shared):\n    assert shared == 1\n"})
    loaded = tmp_path / "handin-conftest-was-loaded"
    evil = f"open({str(loaded)!r}, 'w').close()\n"
    for handin in ("submissions/alice", "submissions/bob"):
        write(course / handin, **{"tp1.py": "", "conftest.py": evil, "test_free_points.py": evil +
                                  "def test_free():\n    pass\n"})
    write(course / "loose", **{"tp1.py": "", "conftest.py": evil, "test_y.py": evil + "def test_y():\n    pass\n"})
    suite = collect([str(course)], excluded=[str(course / "submissions")])
    assert suite.ids == ("course.real",)
    assert not loaded.exists()
    assert not list(course.rglob(".pytest_cache")) and not list(course.rglob("__pycache__"))


def test_the_graders_own_tests_are_never_collected():
    with pytest.raises(CourseChecksError, match="no test found"):
        collect([str(ROOT / "tests")])


def test_grader_checks_lists_the_course_checks_a_configuration_names(tmp_path):
    out = subprocess.run([sys.executable, "-m", "grader", "checks", "--config", str(EXAMPLE / "grader.toml")],
                         capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert any(line.startswith("linear.gradcheck") for line in lines)
    assert "course.linear_b_row_backward     3  Linear backward returns a gradient of b's own shape (1, p)" in lines
    assert any(line.startswith("course.mse_two_contexts") and line.endswith("(hidden)") for line in lines)
    plain = subprocess.run([sys.executable, "-m", "grader", "checks"], capture_output=True, text=True, cwd=tmp_path,
                           timeout=300)
    assert plain.returncode == 0 and "course." not in plain.stdout


def test_a_bad_course_folder_stops_grader_check_with_exit_2_and_a_report(tmp_path):
    write(tmp_path / "checks", **{"test_x.py": "def test_a(:\n"})
    handin = tmp_path / "alice"
    shutil.copytree(REFERENCE, handin)
    out = subprocess.run([sys.executable, "-m", "grader", "check", str(handin), "--course-checks",
                          str(tmp_path / "checks"), "--json", str(tmp_path / "r.json")],
                         capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert out.returncode == 2, out.stdout + out.stderr
    assert "pytest cannot collect test_x.py" in out.stdout
    assert (tmp_path / "r.json").exists()


# --- grader.testing, without a student ---------------------------------------------------------------------

def test_assert_close_gives_the_graders_evidence_shapes_first():
    want = torch.ones(4, 3, dtype=torch.float64)
    with pytest.raises(CheckFailed, match=r"grad: expected shape \(4, 3\), got shape \(3,\)"):
        assert_close(torch.ones(3), want, what="grad")
    got = want.clone()
    got[1, 2] = 1.5
    with pytest.raises(AssertionError) as info:
        assert_close(got, want, what="grad")
    assert str(info.value) == ("grad: mismatched elements 1 / 12; greatest difference 0.5 at index (1, 2) (expected 1, "
                               "got 1.5, relative 0.5); rtol=1e-07, atol=1e-07")
    assert info.value.details["mismatch"]["mismatched"] == 1


def test_assert_close_on_tuples_numbers_none_and_custom_tolerances():
    assert_close((torch.ones(2), None), (torch.ones(2), None))
    assert_close(1.0000001, 1.0, rtol=1e-3)
    with pytest.raises(CheckFailed, match=r"g: expected 2 values, got a tensor of shape \(2,\)"):
        assert_close(torch.ones(2), (torch.ones(2), torch.ones(2)), what="g")
    with pytest.raises(CheckFailed, match=r"g\[1\]: expected None, got a tensor"):
        assert_close((torch.ones(2), torch.ones(2)), (torch.ones(2), None), what="g")
    with pytest.raises(CheckFailed, match=r"v: expected 1, got 1.1"):
        assert_close(torch.tensor(1.1, dtype=torch.float64), 1.0, what="v")
    with pytest.raises(CheckFailed, match="float16") as info:
        assert_close(torch.ones(2, dtype=torch.float16) * 1.0001, torch.ones(2, dtype=torch.float64) * 1.0001)
    assert info.value.hints  # the lowered precision is named
