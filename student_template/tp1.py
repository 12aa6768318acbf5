"""AMAL — TP1 : définition de fonctions en PyTorch.

Complétez les méthodes ``forward`` et ``backward`` de ``MSE`` et ``Linear``.

Conventions de formes :
    X : (q, n)   W : (n, p)   b : (p,)  (ou (1, p))   Ŷ, Y : (q, p)

N'utilisez que ``ctx.save_for_backward(...)`` et ``ctx.saved_tensors`` :
vos fonctions doivent marcher via ``.apply`` (contexte de PyTorch) comme
appelées directement avec le ``Context`` ci-dessous.
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
        """Renvoie le scalaire mse(Ŷ, Y) = 1/q ‖Ŷ − Y‖², Ŷ et Y de forme (q, p)."""
        ## Garde les valeurs nécessaires pour le backwards
        ctx.save_for_backward(yhat, y)

        ##  TODO:  Renvoyer la valeur de la fonction
        raise NotImplementedError("TODO: MSE.forward")

    @staticmethod
    def backward(ctx, grad_output):
        """Renvoie (grad_yhat, grad_y), chacun de la forme de son entrée (q, p),
        multiplié par grad_output."""
        ## Calcul du gradient du module par rapport a chaque groupe d'entrées
        yhat, y = ctx.saved_tensors
        ##  TODO:  Renvoyer par les deux dérivées partielles (par rapport à yhat et à y)
        raise NotImplementedError("TODO: MSE.backward")


class Linear(torch.autograd.Function):
    """Fonction linéaire f(X, W, b) = X W + b"""

    @staticmethod
    def forward(ctx, X, W, b):
        """X : (q, n), W : (n, p), b : (p,) ou (1, p) ; renvoie X W + b de forme (q, p)."""
        ##  TODO:  Sauvegarder ce qu'il faut pour le backward, renvoyer X W + b
        raise NotImplementedError("TODO: Linear.forward")

    @staticmethod
    def backward(ctx, grad_output):
        """grad_output : (q, p) ; renvoie (grad_X, grad_W, grad_b), chacun
        exactement de la forme de son entrée (grad_b de la forme de b)."""
        ##  TODO:  Renvoyer les trois dérivées partielles
        raise NotImplementedError("TODO: Linear.backward")


## Utile dans ce TP que pour le script tp1_gradcheck
mse = MSE.apply
linear = Linear.apply
