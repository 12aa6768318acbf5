"""Vérification des gradients de MSE et Linear avec torch.autograd.gradcheck.

gradcheck compare le backward écrit à la main au gradient obtenu par
différences finies : il faut des tenseurs en float64 (en float32 l'erreur
d'arrondi des différences finies dépasse la tolérance).

    python tp1_gradcheck.py    # doit afficher True deux fois
"""

import torch

from tp1 import linear, mse


def main():
    torch.manual_seed(0)

    # Test du gradient de MSE
    yhat = torch.randn(10, 5, requires_grad=True, dtype=torch.float64)
    y = torch.randn(10, 5, requires_grad=True, dtype=torch.float64)
    print("gradcheck MSE   :", torch.autograd.gradcheck(mse, (yhat, y)))

    # Test du gradient de Linear (sur le même modèle que MSE)
    x = torch.randn(10, 13, requires_grad=True, dtype=torch.float64)
    w = torch.randn(13, 5, requires_grad=True, dtype=torch.float64)
    b = torch.randn(5, requires_grad=True, dtype=torch.float64)
    print("gradcheck Linear:", torch.autograd.gradcheck(linear, (x, w, b)))


if __name__ == "__main__":
    main()
