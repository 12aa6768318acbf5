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
        ## Garde les valeurs nécessaires pour le backwards
        ctx.save_for_backward(yhat, y)
        q = yhat.size(0)
        return torch.sum((yhat - y) ** 2) / q

    @staticmethod
    def backward(ctx, grad_output):
        ## Calcul du gradient du module par rapport a chaque groupe d'entrées
        yhat, y = ctx.saved_tensors
        q = yhat.size(0)
        return grad_output * 2 / q * (yhat - y), grad_output * 2 / q * (y - yhat)


class Linear(torch.autograd.Function):
    """Couche linéaire : les paramètres d'abord, puis les données"""
    @staticmethod
    def forward(ctx, W, X, b):
        ctx.save_for_backward(W, X, b)
        return X @ W + b

    @staticmethod
    def backward(ctx, grad_output):
        W, X, b = ctx.saved_tensors
        grad_W = X.T @ grad_output
        grad_X = grad_output @ W.T
        grad_b = grad_output.sum(0).reshape(b.shape)
        return grad_W, grad_X, grad_b


## Utile dans ce TP que pour le script tp1_gradcheck
mse = MSE.apply
linear = Linear.apply
