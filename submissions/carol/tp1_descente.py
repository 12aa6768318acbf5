import torch
from tp1 import MSE, Linear, Context


def descente(x, y, epsilon=0.05, n_iter=100):
    """Descente de gradient à la main, renvoie (w, b, losses)."""
    # Les paramètres du modèle à optimiser
    w = torch.randn(x.shape[1], y.shape[1])
    b = torch.randn(y.shape[1])

    losses = []
    for i in range(n_iter):
        ##  Calcul du forward (loss)
        ctx1 = Context()
        ctx2 = Context()
        yhat = Linear.forward(ctx1, x, w, b)
        loss = MSE.forward(ctx2, yhat, y)
        losses.append(loss.item())

        ##  Calcul du backward (grad_w, grad_b)
        grad_yhat, grad_y = MSE.backward(ctx2, torch.tensor(1.))
        grad_x, grad_w, grad_b = Linear.backward(ctx1, grad_yhat)

        ##  Mise à jour des paramètres du modèle
        w = w - epsilon * grad_w
        b = b - epsilon * grad_b

    return w, b, losses


if __name__ == "__main__":
    # Les données supervisées
    x = torch.randn(50, 13)
    y = torch.randn(50, 3)
    w, b, losses = descente(x, y, epsilon=0.05, n_iter=100)
    for n_iter in range(0, 100, 10):
        print(f"Itérations {n_iter}: loss {losses[n_iter]}")
