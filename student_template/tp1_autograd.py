"""Question 1 : régression linéaire sur California Housing avec autograd.

Écrivez trois variantes de la descente de gradient :

- batch        : un pas par époque, calculé sur toute la base d'apprentissage ;
- stochastique : un pas par exemple (ordre tiré au hasard à chaque époque,
                 avec torch.randperm) ;
- mini-batch   : un pas par paquet de ``batch_size`` exemples (idem).

Les gradients sont calculés par autograd (``loss.backward()``) ; vous pouvez
utiliser vos fonctions ``mse`` et ``linear`` de tp1.py. Faites la mise à jour
sous ``torch.no_grad()`` et remettez les gradients à zéro après chaque pas.

Entrées (déjà normalisées par l'appelant) : x_* float32 (N, 8),
y_* float32 (N, 1). Chaque fonction crée
    w = torch.randn(8, 1, requires_grad=True)    # forme (n_features, 1)
    b = torch.zeros(1, requires_grad=True)
et renvoie (w, b, train_losses, test_losses), les deux listes contenant
n_epochs floats Python : le coût MSE sur l'apprentissage et sur le test à la
fin de chaque époque (calculé sous torch.no_grad(), une fois par époque).
"""

import torch

from tp1 import linear, mse


def descente_batch(x_train, y_train, x_test, y_test, epsilon, n_epochs):
    """Descente de gradient batch : un pas par époque, sur toute la base.

    Returns:
        (w, b, train_losses, test_losses)
    """
    ##  TODO:  initialiser w et b, puis pour chaque époque : forward, backward,
    ##         mise à jour sous torch.no_grad(), remise à zéro des gradients,
    ##         coûts train et test de fin d'époque
    raise NotImplementedError("TODO: descente_batch")


def descente_stochastique(x_train, y_train, x_test, y_test, epsilon, n_epochs):
    """Descente de gradient stochastique : un pas par exemple, dans un ordre
    aléatoire (torch.randperm) tiré à chaque époque.

    Une époque fait ~16 500 pas : ne recalculez pas le coût sur toute la base
    à chaque pas, seulement en fin d'époque.

    Returns:
        (w, b, train_losses, test_losses)
    """
    ##  TODO
    raise NotImplementedError("TODO: descente_stochastique")


def descente_minibatch(x_train, y_train, x_test, y_test, epsilon, n_epochs, batch_size):
    """Descente de gradient mini-batch : un pas par paquet de batch_size
    exemples, dans un ordre aléatoire tiré à chaque époque.

    Returns:
        (w, b, train_losses, test_losses)
    """
    ##  TODO
    raise NotImplementedError("TODO: descente_minibatch")


# --------------------------------------------------------------------------
# Démonstration sur California Housing
# --------------------------------------------------------------------------

def charger_california_housing(chemin=None):
    """Renvoie (data, target) en numpy : data (20640, 8), target (20640,).

    Ordre de recherche : le fichier brut ``chemin`` s'il est donné ; le cache
    de scikit-learn ; le fichier brut cal_housing.data de StatLib (variable
    d'environnement CAL_HOUSING_DATA, à côté de ce script, ou la copie
    fournie avec le correcteur) ; enfin le téléchargement par scikit-learn.
    """
    import os
    from pathlib import Path

    from sklearn.datasets import fetch_california_housing

    if chemin is not None:
        return _lire_cal_housing(chemin)
    try:
        housing = fetch_california_housing(download_if_missing=False)
        return housing.data, housing.target
    except OSError:
        pass  # pas encore en cache

    ici = Path(__file__).resolve().parent
    candidats = [os.environ.get("CAL_HOUSING_DATA"), ici / "cal_housing.data"]
    try:  # la copie compressée fournie avec le correcteur (np.loadtxt lit le .gz)
        from grader.data import BUNDLED
        candidats.append(BUNDLED)
    except ImportError:
        pass
    for candidat in candidats:
        if candidat and Path(candidat).is_file():
            return _lire_cal_housing(candidat)

    housing = fetch_california_housing()  # nécessite un accès réseau
    return housing.data, housing.target


def _lire_cal_housing(chemin):
    """Lit le fichier brut de StatLib et applique la transformation de scikit-learn."""
    import numpy as np

    raw = np.loadtxt(chemin, delimiter=",")[:, [8, 7, 2, 3, 4, 5, 6, 1, 0]]
    target, data = raw[:, 0], raw[:, 1:]
    data[:, 2] /= data[:, 5]                # AveRooms  = pièces / ménages
    data[:, 3] /= data[:, 5]                # AveBedrms = chambres / ménages
    data[:, 5] = data[:, 4] / data[:, 5]    # AveOccup  = population / ménages
    target = target / 100000.0              # en centaines de milliers de $
    return data, target


def preparer_donnees(data, target, test_size=0.2, seed=0, clip=5.0):
    """Découpage 80/20 puis normalisation (statistiques de l'apprentissage seul).

    California Housing a des valeurs extrêmes (AveOccup monte à ~1243, soit
    ~100 écarts-types) : un seul pas stochastique sur un tel exemple suffit à
    faire diverger la descente. On borne donc les entrées normalisées à
    [-clip, clip] (clip=None pour ne pas borner : il faut alors des pas
    ~10 fois plus petits en stochastique et en mini-batch).
    """
    from sklearn.model_selection import train_test_split

    x_train, x_test, y_train, y_test = train_test_split(
        data, target, test_size=test_size, random_state=seed)
    moyenne, ecart_type = x_train.mean(axis=0), x_train.std(axis=0)
    x_train = (x_train - moyenne) / ecart_type
    x_test = (x_test - moyenne) / ecart_type
    if clip is not None:
        x_train, x_test = x_train.clip(-clip, clip), x_test.clip(-clip, clip)

    def en_tenseur(a):
        return torch.as_tensor(a, dtype=torch.float32)

    return (en_tenseur(x_train), en_tenseur(y_train).reshape(-1, 1),
            en_tenseur(x_test), en_tenseur(y_test).reshape(-1, 1))


if __name__ == "__main__":
    import sys
    import time

    torch.manual_seed(0)
    data, target = charger_california_housing(sys.argv[1] if len(sys.argv) > 1 else None)
    x_train, y_train, x_test, y_test = preparer_donnees(data, target)
    print(f"apprentissage : {tuple(x_train.shape)}, test : {tuple(x_test.shape)}")

    experiences = [
        ("batch", descente_batch, dict(epsilon=0.1, n_epochs=200)),
        # Pas bien plus petit : chaque pas ne voit qu'un exemple
        ("stochastique", descente_stochastique, dict(epsilon=0.001, n_epochs=2)),
        ("mini-batch", descente_minibatch, dict(epsilon=0.05, n_epochs=10, batch_size=32)),
    ]
    for nom, descente, hyper in experiences:
        debut = time.perf_counter()
        w, b, train_losses, test_losses = descente(x_train, y_train, x_test, y_test, **hyper)
        duree = time.perf_counter() - debut
        print(f"{nom:>12} {hyper}: MSE train {train_losses[-1]:.4f}, "
              f"test {test_losses[-1]:.4f} ({duree:.1f} s)")
