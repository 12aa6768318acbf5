import torch
from tp1 import Context, MSE, Linear

try:
    from torch.utils.tensorboard import SummaryWriter
except ImportError:  # tensorboard pas installé
    SummaryWriter = None


def descente(x, y, epsilon=0.05, n_iter=100):
    q, n = x.shape
    p = y.shape[1]
    w = torch.randn(n, p)
    b = torch.randn(p)
    losses = []
    for _ in range(n_iter):
        ctx_lin, ctx_mse = Context(), Context()
        yhat = Linear.forward(ctx_lin, x, w, b)
        loss = MSE.forward(ctx_mse, yhat, y)
        losses.append(loss.item())

        dyhat, _ = MSE.backward(ctx_mse, torch.tensor(1.0))
        _, dw, db = Linear.backward(ctx_lin, dyhat)
        w -= epsilon * dw
        b -= epsilon * db
    return w, b, losses


if __name__ == "__main__":
    torch.manual_seed(3)
    x = torch.randn(50, 13)
    y = torch.randn(50, 3)
    writer = SummaryWriter() if SummaryWriter else None
    w, b, losses = descente(x, y)
    for n_iter, loss in enumerate(losses):
        if writer is not None:
            writer.add_scalar("Loss/train", loss, n_iter)
        if n_iter % 10 == 0:
            print(f"Itérations {n_iter}: loss {loss}")
