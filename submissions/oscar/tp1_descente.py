import torch
from torch.utils.tensorboard import SummaryWriter
from tp1 import MSE, Linear, Context

torch.manual_seed(1)
x = torch.randn(64, 10)
y = torch.randn(64, 4)
w = torch.randn(10, 4)
b = torch.randn(4)
eps = 0.1

tb = SummaryWriter("runs/tp1")
for i in range(150):
    c1, c2 = Context(), Context()
    loss = MSE.forward(c2, Linear.forward(c1, x, w, b), y)
    tb.add_scalar("train/mse", loss.item(), i)
    g, _ = MSE.backward(c2, torch.tensor(1.))
    _, gw, gb = Linear.backward(c1, g)
    w -= eps * gw
    b -= eps * gb
tb.close()
print("final", loss.item())
