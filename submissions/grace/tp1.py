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
    """MSE(yhat, y) = 1/q ||yhat - y||^2"""

    @staticmethod
    def forward(ctx, yhat, y):
        ctx.save_for_backward(yhat, y)
        r = yhat - y
        return (r * r).sum() / len(yhat)

    @staticmethod
    def backward(ctx, grad_output):
        yhat, y = ctx.saved_tensors
        r = yhat - y
        return 2 * grad_output * r / len(yhat), -2 * grad_output * r / len(yhat)


class Linear(torch.autograd.Function):
    """Linear(X, W, b) = XW + b"""

    @staticmethod
    def forward(ctx, X, W, b):
        ctx.save_for_backward(X, W, b)
        return X.mm(W) + b

    @staticmethod
    def backward(ctx, grad_output):
        X, W, b = ctx.saved_tensors
        grad_b = grad_output.sum(0)
        if b.dim() == 2:
            grad_b = grad_b.unsqueeze(0)
        return grad_output.mm(W.t()), X.t().mm(grad_output), grad_b


mse = MSE.apply
linear = Linear.apply
