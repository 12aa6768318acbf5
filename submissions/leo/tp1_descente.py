"""Descente de gradient « à la main » pour la régression linéaire.

Pas d'autograd ici : on enchaîne nous-mêmes les forward de Linear et MSE,
puis leurs backward dans l'ordre inverse (dérivation en chaîne), avec un
nouveau Context pour chaque fonction et chaque itération.
"""

import torch

from tp1 import MSE, Context, Linear


def descente(x, y, epsilon=0.05, n_iter=100):
    """Régression linéaire Ŷ = X W + b par descente de gradient, sans autograd.

    Args:
        x: entrées, tenseur float32 de forme (q, n).
        y: sorties voulues, tenseur float32 de forme (q, p).
        epsilon: pas de gradient.
        n_iter: nombre d'itérations.

    Returns:
        (w, b, losses) : w de forme (n, p), b de forme (p,) et la liste des
        n_iter coûts (floats Python), chacun mesuré avant la mise à jour.
    """
    n, p = x.shape[1], y.shape[1]

    # Les paramètres du modèle à optimiser
    w = torch.randn(n, p)
    b = torch.randn(p)

    losses = []
    for _ in range(n_iter):
        # Forward : un contexte neuf par fonction et par itération
        ctx_linear, ctx_mse = Context(), Context()
        yhat = Linear.forward(ctx_linear, x, w, b)
        loss = MSE.forward(ctx_mse, yhat, y)
        losses.append(loss.item())

        # Backward : dL/dL = 1, puis on remonte la chaîne MSE -> Linear
        grad_yhat, _ = MSE.backward(ctx_mse, torch.tensor(1.0))
        _, grad_w, grad_b = Linear.backward(ctx_linear, grad_yhat)

        # Mise à jour des paramètres du modèle
        w = w - epsilon * grad_w
        b = b - epsilon * grad_b

    return w, b, losses


if __name__ == "__main__":
    torch.manual_seed(0)

    # Les données supervisées
    x = torch.randn(50, 13)
    y = torch.randn(50, 3)

    # Suivi optionnel avec tensorboard : tensorboard --logdir runs/
    try:
        from torch.utils.tensorboard import SummaryWriter
        writer = SummaryWriter()
    except ImportError:
        writer = None

    w, b, losses = descente(x, y, epsilon=0.05, n_iter=100)
    for n_iter, loss in enumerate(losses):
        if writer is not None:
            writer.add_scalar("Loss/train", loss, n_iter)
        if n_iter % 10 == 0:
            print(f"Itérations {n_iter}: loss {loss:.4f}")
    print(f"Loss finale : {losses[-1]:.4f}")
    if writer is not None:
        writer.close()
