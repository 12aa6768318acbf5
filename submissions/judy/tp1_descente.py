"""Manual gradient descent for linear regression, no autograd."""
import torch

from tp1 import MSE, Context, Linear


def descente(x, y, epsilon=0.05, n_iter=100):
    n_features, n_outputs = x.size(1), y.size(1)
    w = torch.randn(n_features, n_outputs)
    b = torch.randn(n_outputs)

    losses = []
    for step in range(n_iter):
        lin_ctx = Context()
        mse_ctx = Context()
        out = Linear.forward(lin_ctx, x, w, b)
        loss = MSE.forward(mse_ctx, out, y)
        losses.append(float(loss))

        grad_out, _ = MSE.backward(mse_ctx, torch.ones(1))
        _, grad_w, grad_b = Linear.backward(lin_ctx, grad_out)

        w = w - epsilon * grad_w
        b = b - epsilon * grad_b
    return w, b, losses


if __name__ == "__main__":
    x = torch.randn(50, 13)
    y = torch.randn(50, 3)
    _, _, losses = descente(x, y)
    for step in range(0, len(losses), 10):
        print("step", step, "loss", round(losses[step], 4))
