import torch
from tp1 import mse, linear

if __name__ == "__main__":
    # Test du gradient de MSE
    yhat = torch.randn(10, 5, requires_grad=True, dtype=torch.float64)
    y = torch.randn(10, 5, requires_grad=True, dtype=torch.float64)
    print(torch.autograd.gradcheck(mse, (yhat, y)))

    # Test du gradient de Linear (sur le même modèle que MSE)
    x = torch.randn(10, 4, requires_grad=True, dtype=torch.float64)
    w = torch.randn(4, 5, requires_grad=True, dtype=torch.float64)
    b = torch.randn(5, requires_grad=True, dtype=torch.float64)
    print(torch.autograd.gradcheck(linear, (x, w, b)))
