import torch
import matplotlib.pyplot as plt
from icecream import ic
from tp1 import MSE, linear, Context


def descente(x, y, epsilon=0.05, n_iter=100):
    w = torch.randn(x.shape[1], y.shape[1])
    b = torch.randn(y.shape[1])
    losses = []
    for n in range(n_iter):
        ctx_lin = Context()
        ctx_mse = Context()
        yhat = linear.forward(ctx_lin, x, w, b)
        loss = MSE.forward(ctx_mse, yhat, y)
        losses.append(loss.item())
        if n % 10 == 0:
            ic(n, loss)
        grad_yhat, _ = MSE.backward(ctx_mse, torch.tensor(1.))
        _, grad_w, grad_b = linear.backward(ctx_lin, grad_yhat)
        w = w - epsilon * grad_w
        b = b - epsilon * grad_b
    return w, b, losses


# Les données supervisées
x = torch.randn(50, 13)
y = torch.randn(50, 3)

w, b, losses = descente(x, y, n_iter=20)
plt.plot(losses)
plt.title("loss")
plt.show()
