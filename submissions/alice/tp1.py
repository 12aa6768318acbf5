# TP1 AMAL - Alice
# MSE and Linear as torch.autograd.Function with hand-written backward.
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
    """mse(yhat, y) = 1/q * ||yhat - y||^2"""

    @staticmethod
    def forward(ctx, yhat, y):
        ctx.save_for_backward(yhat, y)
        diff = yhat - y
        return torch.sum(diff * diff) / yhat.size(0)

    @staticmethod
    def backward(ctx, grad_output):
        yhat, y = ctx.saved_tensors
        # d/dyhat = 2/q (yhat - y), d/dy = -2/q (yhat - y), times the upstream gradient
        g = grad_output * (2.0 / yhat.size(0)) * (yhat - y)
        return g, -g


class Linear(torch.autograd.Function):
    """f(X, W, b) = XW + b"""

    @staticmethod
    def forward(ctx, X, W, b):
        ctx.save_for_backward(X, W, b)
        return torch.mm(X, W) + b

    @staticmethod
    def backward(ctx, grad_output):
        X, W, b = ctx.saved_tensors
        grad_X = torch.mm(grad_output, W.t())
        grad_W = torch.mm(X.t(), grad_output)
        # b is broadcast over the batch -> sum over the batch, keep b as given ((p,) or (1, p))
        grad_b = torch.sum(grad_output, dim=0).view_as(b)
        return grad_X, grad_W, grad_b


## Utile dans ce TP que pour le script tp1_gradcheck
mse = MSE.apply
linear = Linear.apply
