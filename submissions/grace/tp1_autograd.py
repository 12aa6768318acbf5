import torch
from tp1 import mse, linear


def descente_batch(x_train, y_train, x_test, y_test, epsilon, n_epochs):
    w = torch.randn(x_train.shape[1], 1, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    train_losses, test_losses = [], []
    for epoch in range(n_epochs):
        loss = mse(linear(x_train, w, b), y_train)
        loss.backward()
        with torch.no_grad():
            w -= epsilon * w.grad
            b -= epsilon * b.grad
            train_losses.append(mse(linear(x_train, w, b), y_train).item())
            test_losses.append(mse(linear(x_test, w, b), y_test).item())
    return w, b, train_losses, test_losses


def descente_stochastique(x_train, y_train, x_test, y_test, epsilon, n_epochs):
    w = torch.randn(x_train.shape[1], 1, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    train_losses, test_losses = [], []
    for epoch in range(n_epochs):
        for i in torch.randperm(x_train.shape[0]).tolist():
            loss = mse(linear(x_train[i:i+1], w, b), y_train[i:i+1])
            loss.backward()
            with torch.no_grad():
                w += epsilon * w.grad
                b += epsilon * b.grad
                w.grad.zero_()
                b.grad.zero_()
        with torch.no_grad():
            train_losses.append(mse(linear(x_train, w, b), y_train).item())
            test_losses.append(mse(linear(x_test, w, b), y_test).item())
    return w, b, train_losses, test_losses


def maj(param, grad, epsilon):
    """mise à jour d'un paramètre"""
    param = param - epsilon * grad


def descente_minibatch(x_train, y_train, x_test, y_test, epsilon, n_epochs, batch_size):
    w = torch.randn(x_train.shape[1], 1, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    train_losses, test_losses = [], []
    N = x_train.shape[0]
    for epoch in range(n_epochs):
        perm = torch.randperm(N)
        for k in range(0, N, batch_size):
            idx = perm[k:k+batch_size]
            loss = mse(linear(x_train[idx], w, b), y_train[idx])
            loss.backward()
            with torch.no_grad():
                maj(w, w.grad, epsilon)
                maj(b, b.grad, epsilon)
                w.grad.zero_()
                b.grad.zero_()
        with torch.no_grad():
            train_losses.append(mse(linear(x_train, w, b), y_train).item())
            test_losses.append(mse(linear(x_test, w, b), y_test).item())
    return w, b, train_losses, test_losses


if __name__ == "__main__":
    import numpy as np
    from sklearn.model_selection import train_test_split
    try:
        from sklearn.datasets import fetch_california_housing
        data = fetch_california_housing()
        X, Y = data.data, data.target
    except Exception:
        from grader.data import BUNDLED  # the copy shipped with the grader (np.loadtxt reads the .gz)
        raw = np.loadtxt(BUNDLED, delimiter=",")[:, [8, 7, 2, 3, 4, 5, 6, 1, 0]]
        Y, X = raw[:, 0] / 100000.0, raw[:, 1:]
        X[:, 2] /= X[:, 5]
        X[:, 3] /= X[:, 5]
        X[:, 5] = X[:, 4] / X[:, 5]
    x_train, x_test, y_train, y_test = train_test_split(X, Y, test_size=0.2)
    m, s = x_train.mean(0), x_train.std(0)
    x_train = torch.tensor((x_train - m) / s, dtype=torch.float32)
    x_test = torch.tensor((x_test - m) / s, dtype=torch.float32)
    y_train = torch.tensor(y_train, dtype=torch.float32).view(-1, 1)
    y_test = torch.tensor(y_test, dtype=torch.float32).view(-1, 1)

    print("batch", descente_batch(x_train, y_train, x_test, y_test, 0.1, 100)[2][-1])
    print("sgd", descente_stochastique(x_train, y_train, x_test, y_test, 1e-4, 1)[2][-1])
    print("minibatch", descente_minibatch(x_train, y_train, x_test, y_test, 0.005, 10, 32)[2][-1])
