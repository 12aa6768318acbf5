import torch

from grader.compare import close, compare, describe, shape_str, tolerances


def test_equal_values_have_no_mismatch():
    a = torch.randn(3, 4, dtype=torch.float64)
    assert compare(a, a.clone()) is None
    assert close(a, a + 1e-12)


def test_shape_is_compared_before_values():
    mismatch = compare(torch.zeros(4), torch.zeros(5, 4), "grad_b")
    assert mismatch.kind == "shape"
    assert "grad_b: expected shape (4,), got shape (5, 4)" == mismatch.message


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
    assert "mismatched elements 2 / 12" in mismatch.message
    assert "at index (1, 2)" in mismatch.message
    assert "rtol=1e-07" in mismatch.message


def test_scalar_mismatch_and_python_numbers():
    mismatch = compare(torch.tensor(2.0, dtype=torch.float64), 3.0, "loss")
    assert mismatch.kind == "values" and mismatch.details["got_at"] == 3.0
    assert compare(torch.tensor(2.0, dtype=torch.float64), 2.0) is None


def test_non_tensor_and_nonfinite_values():
    assert compare(torch.zeros(2), None).kind == "type"
    assert "got None" in compare(torch.zeros(2), None, "grad_y").message
    assert compare(torch.zeros(2), torch.tensor([0.0, float("nan")])).kind == "nonfinite"


def test_float32_results_get_float32_tolerances():
    expected = torch.randn(10, dtype=torch.float64)
    assert tolerances(torch.float64, torch.float32) == (1.3e-6, 1e-5)
    assert compare(expected, expected.float()) is None  # rounding to float32 is not a mistake
    assert compare(expected, expected.float() * 1.01) is not None


def test_describe_and_shape_str():
    assert describe(None) == "None"
    assert describe((1, 2)) == "a tuple of 2 elements"
    assert describe(torch.zeros(2, 3)) == "a tensor of shape (2, 3)"
    assert shape_str(torch.Size([4])) == "(4,)"
