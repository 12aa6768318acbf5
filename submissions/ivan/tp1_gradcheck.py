import torch
from tp1 import mse, linear_fn

# Test du gradient de MSE
yhat = torch.randn(10, 5, requires_grad=True, dtype=torch.float64)
y = torch.randn(10, 5, requires_grad=True, dtype=torch.float64)
print(torch.autograd.gradcheck(mse, (yhat, y)))

x = torch.randn(10, 3, requires_grad=True, dtype=torch.float64)
w = torch.randn(3, 5, requires_grad=True, dtype=torch.float64)
b = torch.randn(5, requires_grad=True, dtype=torch.float64)
print(torch.autograd.gradcheck(linear_fn, (x, w, b)))
