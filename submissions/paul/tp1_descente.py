"""TP1 - descente de gradient à la main (sans tensorboard)."""
import torch
import matplotlib.pyplot as plt
from tp1 import MSE, Linear, Context


def step(x, y, w, b):
    ctx_lin, ctx_mse = Context(), Context()
    yhat = Linear.forward(ctx_lin, x, w, b)
    loss = MSE.forward(ctx_mse, yhat, y)
    grad_yhat, _ = MSE.backward(ctx_mse, torch.tensor(1.0))
    _, grad_w, grad_b = Linear.backward(ctx_lin, grad_yhat)
    return loss.item(), grad_w, grad_b


if __name__ == "__main__":
    x = torch.randn(30, 5)
    y = 2 * x[:, :2] + 0.1 * torch.randn(30, 2)
    w = torch.zeros(5, 2)
    b = torch.zeros(2)
    lr = 0.02
    losses = []
    for it in range(200):
        loss, grad_w, grad_b = step(x, y, w, b)
        losses.append(loss)
        w -= lr * grad_w
        b -= lr * grad_b
        if it % 20 == 0:
            print(it, loss)
    plt.plot(losses)
    plt.xlabel("itération")
    plt.show()
