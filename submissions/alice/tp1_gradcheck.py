import torch
from torch.autograd import gradcheck

from tp1 import mse, linear

if __name__ == "__main__":
    # Test du gradient de MSE
    yhat = torch.randn(10, 5, requires_grad=True, dtype=torch.float64)
    y = torch.randn(10, 5, requires_grad=True, dtype=torch.float64)
    print("MSE:", gradcheck(mse, (yhat, y)))

    # Test du gradient de Linear
    x = torch.randn(10, 7, requires_grad=True, dtype=torch.float64)
    w = torch.randn(7, 5, requires_grad=True, dtype=torch.float64)
    b = torch.randn(5, requires_grad=True, dtype=torch.float64)
    print("Linear:", gradcheck(linear, (x, w, b)))
