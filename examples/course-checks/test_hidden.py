"""A check the students do not see: two forwards before their backwards (state kept outside the Context)."""

import pytest
import torch

from grader.testing import assert_close


@pytest.mark.hidden
@pytest.mark.points(2)
def test_mse_two_contexts(student, randn):
    """MSE: two forwards, then the two backwards"""
    (a1, b1), (a2, b2) = (randn(4, 3), randn(4, 3)), (randn(4, 3), randn(4, 3))
    one = torch.tensor(1.0, dtype=torch.float64)
    c1, c2 = student.new("tp1.Context"), student.new("tp1.Context")
    student.call("tp1.MSE.forward", c1, a1, b1)
    student.call("tp1.MSE.forward", c2, a2, b2)
    first = student.call("tp1.MSE.backward", c1, one)
    assert_close(first, (2 * (a1 - b1) / 4, -2 * (a1 - b1) / 4), what="the first call's gradients")
