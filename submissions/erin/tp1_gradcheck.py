"""Gradient checks (float64, as gradcheck requires)."""
import torch

from tp1 import linear, mse


def main():
    torch.manual_seed(1)
    yhat = torch.randn(8, 3, dtype=torch.float64, requires_grad=True)
    y = torch.randn(8, 3, dtype=torch.float64, requires_grad=True)
    ok_mse = torch.autograd.gradcheck(mse, (yhat, y))

    x = torch.randn(8, 6, dtype=torch.float64, requires_grad=True)
    w = torch.randn(6, 3, dtype=torch.float64, requires_grad=True)
    b = torch.randn(3, dtype=torch.float64, requires_grad=True)
    ok_linear = torch.autograd.gradcheck(linear, (x, w, b))

    print(f"gradcheck mse: {ok_mse}, gradcheck linear: {ok_linear}")


if __name__ == "__main__":
    main()
