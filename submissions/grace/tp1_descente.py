import torch
from tp1 import MSE, Linear, Context


def descente(x, y, epsilon=0.05, n_iter=100):
    w = torch.randn(x.shape[1], y.shape[1])
    b = torch.randn(y.shape[1])
    losses = []
    for it in range(n_iter):
        c_lin, c_mse = Context(), Context()
        loss = MSE.forward(c_mse, Linear.forward(c_lin, x, w, b), y)
        losses.append(loss.item())
        g_yhat, _ = MSE.backward(c_mse, torch.tensor(1.0))
        _, g_w, g_b = Linear.backward(c_lin, g_yhat)
        w = w - epsilon * g_w
        b = b - epsilon * g_b
    return w, b, losses


if __name__ == "__main__":
    x = torch.randn(50, 13)
    y = torch.randn(50, 3)
    w, b, losses = descente(x, y)
    for i in range(0, 100, 10):
        print(i, losses[i])
