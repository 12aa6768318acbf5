"""Descente de gradient « à la main » (sans autograd) pour la régression linéaire."""

import torch

from tp1 import MSE, Context, Linear


def descente(x, y, epsilon=0.05, n_iter=100):
    """Régression linéaire Ŷ = X W + b par descente de gradient, sans autograd.

    Utilisez Linear.forward / Linear.backward et MSE.forward / MSE.backward
    avec de nouveaux objets Context() à chaque itération.

    Args:
        x: entrées, tenseur float32 de forme (q, n).
        y: sorties voulues, tenseur float32 de forme (q, p).
        epsilon: pas de gradient.
        n_iter: nombre d'itérations.

    Returns:
        (w, b, losses) : w de forme (n, p), b de forme (p,) et la liste des
        n_iter coûts (floats Python), chacun mesuré avant la mise à jour.
    """
    # Les paramètres du modèle à optimiser
    # w = torch.randn(n, p)
    # b = torch.randn(p)

    # for n_iter in range(n_iter):
    ##  TODO:  Calcul du forward (loss)

    ##  TODO:  Calcul du backward (grad_w, grad_b)

    ##  TODO:  Mise à jour des paramètres du modèle
    raise NotImplementedError("TODO: descente")


if __name__ == "__main__":
    # Les données supervisées
    x = torch.randn(50, 13)
    y = torch.randn(50, 3)

    # on peut visualiser avec
    # tensorboard --logdir runs/
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
            # Sortie directe
            print(f"Itérations {n_iter}: loss {loss}")
