"""MSE as this course wants it: one example, and the lab's 1/q convention on several shapes."""

import pytest
import torch

from grader.testing import assert_close


@pytest.mark.points(2)
def test_mse_one_example(student):
    """MSE on a single example (q = 1), forward and backward"""
    yhat = torch.tensor([[1.0, 2.0, 3.0]], dtype=torch.float64)
    y = torch.tensor([[0.5, 2.0, 5.0]], dtype=torch.float64)
    ctx = student.new("tp1.Context")
    loss = student.call("tp1.MSE.forward", ctx, yhat, y)
    assert_close(loss, ((yhat - y) ** 2).sum(), what="MSE.forward on one example")
    grad_output = torch.tensor(0.5, dtype=torch.float64)  # not 1: a backward that ignores it is caught
    grads = student.call("tp1.MSE.backward", ctx, grad_output)
    assert_close(grads, (0.5 * 2 * (yhat - y), -0.5 * 2 * (yhat - y)), what="MSE.backward on one example")


@pytest.mark.parametrize("q, p", [(1, 1), (4, 3), (8, 2)], ids=["1x1", "4x3", "8x2"])
def test_mse_lab_convention(student, randn, q, p):
    """MSE forward is 1/q ‖Ŷ−Y‖² (the lab's convention)"""
    yhat, y = randn(q, p), randn(q, p)
    loss = student.call("tp1.MSE.forward", student.new("tp1.Context"), yhat, y)
    assert_close(loss, ((yhat - y) ** 2).sum() / q, what=f"MSE.forward on shape ({q}, {p})")
