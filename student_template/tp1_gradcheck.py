"""Vérification des gradients de MSE et Linear avec torch.autograd.gradcheck.

    python tp1_gradcheck.py    # doit afficher True deux fois
"""

import torch

from tp1 import linear, mse


def main():
    # Test du gradient de MSE
    yhat = torch.randn(10, 5, requires_grad=True, dtype=torch.float64)
    y = torch.randn(10, 5, requires_grad=True, dtype=torch.float64)
    print(torch.autograd.gradcheck(mse, (yhat, y)))

    ##  TODO:  Test du gradient de Linear (sur le même modèle que MSE)


if __name__ == "__main__":
    main()
