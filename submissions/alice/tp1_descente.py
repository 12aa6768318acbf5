import torch

from tp1 import MSE, Linear, Context


def descente(x, y, epsilon=0.05, n_iter=100):
    """Manual gradient descent (no autograd). Returns (w, b, losses)."""
    w = torch.randn(x.size(1), y.size(1))
    b = torch.randn(y.size(1))
    one = torch.ones(())  # dL/dL

    losses = []
    for it in range(n_iter):
        ctx_lin = Context()
        ctx_mse = Context()
        loss = MSE.forward(ctx_mse, Linear.forward(ctx_lin, x, w, b), y)
        losses.append(float(loss))

        grad_yhat, _ = MSE.backward(ctx_mse, one)
        _, grad_w, grad_b = Linear.backward(ctx_lin, grad_yhat)

        w -= epsilon * grad_w
        b -= epsilon * grad_b
    return w, b, losses


if __name__ == "__main__":
    x = torch.randn(50, 13)
    y = torch.randn(50, 3)
    try:
        from torch.utils.tensorboard import SummaryWriter
        writer = SummaryWriter()
    except ImportError:
        writer = None
    w, b, losses = descente(x, y)
    for it, loss in enumerate(losses):
        if writer:
            writer.add_scalar("Loss/train", loss, it)
        if it % 10 == 0:
            print(f"iter {it}: loss {loss:.4f}")
