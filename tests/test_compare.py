import torch

from grader.compare import close, compare, describe, shape_str, tolerances
from grader.i18n import render


def text(msg, lang="en"):
    return render(msg, lang)


def test_equal_values_have_no_mismatch():
    a = torch.randn(3, 4, dtype=torch.float64)
    assert compare(a, a.clone()) is None
    assert close(a, a + 1e-12)


def test_shape_is_compared_before_values():
    mismatch = compare(torch.zeros(4), torch.zeros(5, 4), "grad_b")
    assert mismatch.kind == "shape"
    assert "grad_b: expected shape (4,), got shape (5, 4)" == text(mismatch.message)
    assert "grad_b : attendu la forme (4,), obtenu la forme (5, 4)" == text(mismatch.message, "fr")


def test_values_report_count_greatest_difference_index_and_tolerance():
    expected = torch.zeros(3, 4, dtype=torch.float64)
    got = expected.clone()
    got[1, 2] = 0.5
    got[2, 3] = 0.1
    mismatch = compare(expected, got, "grad_W")
    assert mismatch.kind == "values"
    assert mismatch.details["mismatched"] == 2 and mismatch.details["total"] == 12
    assert mismatch.details["max_abs_index"] == [1, 2]
    assert mismatch.details["got_at"] == 0.5 and mismatch.details["expected_at"] == 0.0
    assert mismatch.details["tolerance"] == {"rtol": 1e-7, "atol": 1e-7, "dtype": "float64"}
    assert mismatch.details["rel_diff_at"] > 1e6  # expected 0 there
    message = text(mismatch.message)
    assert "mismatched elements 2 / 12" in message
    assert "at index (1, 2)" in message and "expected 0, got 0.5" in message
    assert "rtol=1e-07" in message
    assert "éléments différents 2 / 12" in text(mismatch.message, "fr")


def test_relative_difference_is_in_the_evidence():
    expected = torch.tensor([[1.0, 2.0], [4.0, 8.0]], dtype=torch.float64)
    mismatch = compare(expected, expected * 1.5, "grad")
    assert mismatch.details["max_abs_index"] == [1, 1] and mismatch.details["rel_diff_at"] == 0.5
    assert mismatch.details["max_rel_diff"] == 0.5
    assert "relative 0.5" in text(mismatch.message)
    assert compare(expected, expected.float(), "grad") is None
    assert compare(expected, (expected * 1.001).float(), "grad").details["tolerance"]["dtype"] == "float32"


def test_scalar_mismatch_and_python_numbers():
    mismatch = compare(torch.tensor(2.0, dtype=torch.float64), 3.0, "loss")
    assert mismatch.kind == "values" and mismatch.details["got_at"] == 3.0
    assert compare(torch.tensor(2.0, dtype=torch.float64), 2.0) is None


def test_non_tensor_and_nonfinite_values():
    assert compare(torch.zeros(2), None).kind == "type"
    assert "got None" in text(compare(torch.zeros(2), None, "grad_y").message)
    assert compare(torch.zeros(2), torch.tensor([0.0, float("nan")])).kind == "nonfinite"


def test_float32_results_get_float32_tolerances():
    expected = torch.randn(10, dtype=torch.float64)
    assert tolerances(torch.float64, torch.float32) == (1.3e-6, 1e-5)
    assert compare(expected, expected.float()) is None  # rounding to float32 is not a mistake
    assert compare(expected, expected.float() * 1.01) is not None


def test_describe_and_shape_str():
    assert text(describe(None)) == "None"
    assert text(describe((1, 2))) == "a tuple of 2 elements"
    assert text(describe((1,))) == "a tuple of 1 element"
    assert text(describe((1, 2)), "fr") == "un tuple de 2 éléments"
    assert text(describe(torch.zeros(2, 3))) == "a tensor of shape (2, 3)"
    assert shape_str(torch.Size([4])) == "(4,)"


def test_low_precision_results_are_judged_at_float32_tolerance_and_said_so():
    expected = torch.randn(10, dtype=torch.float64)
    for dtype in (torch.bfloat16, torch.float16):
        assert tolerances(torch.float64, dtype) > tolerances(torch.float32)  # what assert_close would use
        mismatch = compare(expected, (expected * 1.012).to(dtype), "grad")  # 1.2 % wrong: inside bfloat16's 1.6 %
        assert mismatch is not None and mismatch.kind == "values"
        assert mismatch.details["tolerance"] == {"rtol": 1.3e-6, "atol": 1e-5, "dtype": "float32"}
        name = str(dtype).replace("torch.", "")
        assert mismatch.details["lowered_precision"] == {"dtype": name, "inputs": "float64"}
        assert f"float32's tolerance: your code returned {name} for float64 inputs" in text(mismatch.message)
        assert f"votre code a renvoyé du {name}" in text(mismatch.message, "fr")
    wrong32 = compare(expected, (expected * 1.012).float())
    assert "lowered_precision" not in wrong32.details  # float32 is not a lowered precision


def test_low_precision_mismatch_gives_its_hint_when_nothing_else_matched():
    from grader.checks.diagnose import diagnosed

    expected = torch.randn(3, dtype=torch.float64)
    details = {"mismatch": compare(expected, expected.bfloat16()).details}
    hints = diagnosed(details, None)
    assert details["diagnosis"] == "compare.low_precision"
    assert text(hints[0]).startswith("your code returned bfloat16 although the inputs were float64")
    assert diagnosed({"mismatch": compare(expected, expected * 2).details}, None) == []
