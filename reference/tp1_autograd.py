"""Question 1 : régression linéaire sur California Housing avec autograd.

Trois variantes de la descente de gradient :

- batch        : un pas par époque, calculé sur toute la base d'apprentissage ;
- stochastique : un pas par exemple (ordre tiré au hasard à chaque époque) ;
- mini-batch   : un pas par paquet de ``batch_size`` exemples (idem).

Les gradients sont calculés par autograd (``loss.backward()``) à travers nos
fonctions ``mse`` et ``linear`` du fichier tp1.py. La mise à jour se fait
sous ``torch.no_grad()`` (elle ne doit pas entrer dans le graphe) et les
gradients sont remis à zéro après chaque pas (sinon autograd les cumule).

Les entrées sont déjà normalisées par l'appelant : x_* float32 (N, 8),
y_* float32 (N, 1). Chaque fonction renvoie (w, b, train_losses, test_losses)
où les deux listes contiennent le coût MSE de fin d'époque (floats Python).
"""

import torch

from tp1 import linear, mse


def _init_parametres(n_features):
    """w ~ N(0, 1) de forme (n_features, 1), b = 0 de forme (1,)."""
    w = torch.randn(n_features, 1, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    return w, b


def _pas_de_gradient(params, epsilon):
    """Un pas de descente puis remise à zéro des gradients."""
    with torch.no_grad():
        for param in params:
            param -= epsilon * param.grad
            param.grad.zero_()


@torch.no_grad()
def _evaluer(w, b, x, y):
    """Coût MSE sur (x, y), sans construire de graphe."""
    return mse(linear(x, w, b), y).item()


def descente_batch(x_train, y_train, x_test, y_test, epsilon, n_epochs):
    """Descente de gradient batch : un pas par époque, sur toute la base."""
    w, b = _init_parametres(x_train.shape[1])
    train_losses, test_losses = [], []

    for _ in range(n_epochs):
        loss = mse(linear(x_train, w, b), y_train)
        loss.backward()
        _pas_de_gradient((w, b), epsilon)

        train_losses.append(_evaluer(w, b, x_train, y_train))
        test_losses.append(_evaluer(w, b, x_test, y_test))

    return w, b, train_losses, test_losses


def descente_stochastique(x_train, y_train, x_test, y_test, epsilon, n_epochs):
    """Descente de gradient stochastique : un pas par exemple, ordre aléatoire."""
    w, b = _init_parametres(x_train.shape[1])
    train_losses, test_losses = [], []

    for _ in range(n_epochs):
        # tolist() : itérer sur des int Python est bien plus rapide que sur
        # les éléments d'un tenseur (une époque = ~16 500 pas).
        for i in torch.randperm(len(x_train)).tolist():
            # x_train[i:i+1] garde la dimension du batch : forme (1, 8)
            loss = mse(linear(x_train[i:i + 1], w, b), y_train[i:i + 1])
            loss.backward()
            _pas_de_gradient((w, b), epsilon)

        # Coûts mesurés une seule fois par époque, pas à chaque pas
        train_losses.append(_evaluer(w, b, x_train, y_train))
        test_losses.append(_evaluer(w, b, x_test, y_test))

    return w, b, train_losses, test_losses


def descente_minibatch(x_train, y_train, x_test, y_test, epsilon, n_epochs, batch_size):
    """Descente de gradient mini-batch : un pas par paquet de batch_size exemples."""
    w, b = _init_parametres(x_train.shape[1])
    train_losses, test_losses = [], []

    for _ in range(n_epochs):
        permutation = torch.randperm(len(x_train))
        for debut in range(0, len(x_train), batch_size):
            indices = permutation[debut:debut + batch_size]
            loss = mse(linear(x_train[indices], w, b), y_train[indices])
            loss.backward()
            _pas_de_gradient((w, b), epsilon)

        train_losses.append(_evaluer(w, b, x_train, y_train))
        test_losses.append(_evaluer(w, b, x_test, y_test))

    return w, b, train_losses, test_losses


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
