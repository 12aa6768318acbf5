"""Linear with a bias of shape (1, p), as this course writes it."""

import pytest
import torch

from grader.testing import assert_close, gradcheck


def test_linear_b_row_gradcheck(student, randn):
    """gradcheck on Linear with b of shape (1, p)"""
    X, W, b = randn(5, 3), randn(3, 2), randn(1, 2)
    assert gradcheck(student, "tp1.linear", (X, W, b), names=("X", "W", "b"))


@pytest.mark.points(2)
def test_linear_b_row_backward(student, randn):
    """Linear backward returns a gradient of b's own shape (1, p)"""
    X, W, b = randn(5, 3), randn(3, 2), randn(1, 2)
    grad_output = randn(5, 2).detach()
    ctx = student.new("tp1.Context")
    assert_close(student.call("tp1.Linear.forward", ctx, X, W, b), X @ W + b, what="Linear.forward")
    grads = student.call("tp1.Linear.backward", ctx, grad_output)
    want = (grad_output @ W.T, X.T @ grad_output, grad_output.sum(dim=0, keepdim=True))
    assert_close(grads, want, what="Linear.backward (grad_X, grad_W, grad_b)")
