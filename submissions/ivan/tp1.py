import torch
import matplotlib.pyplot as plt
from icecream import ic


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
        ## Garde les valeurs nécessaires pour le backwards
        ctx.save_for_backward(yhat, y)
        # ic(yhat.shape, y.shape)
        return ((yhat - y) ** 2).sum() / yhat.shape[0]

    @staticmethod
    def backward(ctx, grad_output):
        ## Calcul du gradient du module par rapport a chaque groupe d'entrées
        yhat, y = ctx.saved_tensors
        g = grad_output * 2 * (yhat - y) / yhat.shape[0]
        return g, -g


class linear(torch.autograd.Function):
    @staticmethod
    def forward(ctx, X, W, b):
        ctx.save_for_backward(X, W, b)
        return X @ W + b

    @staticmethod
    def backward(ctx, grad_output):
        X, W, b = ctx.saved_tensors
        # ic(grad_output.shape)
        return grad_output @ W.T, X.T @ grad_output, grad_output.sum(0).reshape(b.shape)


## Utile dans ce TP que pour le script tp1_gradcheck
mse = MSE.apply
linear_fn = linear.apply
