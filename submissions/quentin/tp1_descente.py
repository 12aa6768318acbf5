import torch
from torch.utils.tensorboard import SummaryWriter
from tp1 import MSE, Linear, Context

x = torch.randn(50, 13)
y = torch.randn(50, 3)
w = torch.randn(13, 3)
b = torch.randn(3)

# pas d'apprentissage par itération (décroissant)
epsilons = [0.1, 0.05, 0.05]

writer = SummaryWriter()
for n_iter in range(100):
    ctx_linear, ctx_mse = Context(), Context()
    yhat = Linear.forward(ctx_linear, x, w, b)
    loss = MSE.forward(ctx_mse, yhat, y)
    writer.add_scalar('Loss/train', loss, n_iter)
    grad_yhat, _ = MSE.backward(ctx_mse, 1)
    _, grad_w, grad_b = Linear.backward(ctx_linear, grad_yhat)
    epsilon = epsilons[n_iter]
    w = w - epsilon * grad_w
    b = b - epsilon * grad_b
