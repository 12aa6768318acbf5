import torch
from tp1 import MSE, Linear, Context


def descente(x, y, epsilon=0.05, n_iter=100):
    """Descente de gradient sans autograd -> (w, b, losses)"""
    w = torch.randn(x.shape[1], y.shape[1])
    b = torch.randn(y.shape[1])
    losses = []
    for n in range(n_iter):
        ctx_l, ctx_m = Context(), Context()
        yhat = Linear.forward(ctx_l, w, x, b)
        loss = MSE.forward(ctx_m, yhat, y)
        losses.append(loss.item())

        g, _ = MSE.backward(ctx_m, torch.tensor(1.))
        gw, _, gb = Linear.backward(ctx_l, g)
        w = w - epsilon * gw
        b = b - epsilon * gb
    return w, b, losses


if __name__ == "__main__":
    x = torch.randn(50, 13)
    y = torch.randn(50, 3)
    w, b, losses = descente(x, y)
    for n in range(0, 100, 10):
        print(f"Itérations {n}: loss {losses[n]}")
