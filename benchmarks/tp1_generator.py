"""A generator of correct TP1 hand-ins written independently, and of disguised copies of them.

Every hand-in is ``student_template/`` with its TODOs filled in, the way students do it: each piece
(MSE forward/backward, Linear forward/backward, the gradcheck of Linear, the manual descent, the three
autograd loops) in one of several styles seen in real code (``.sum() / q``, ``torch.sum``, ``.pow(2)``,
``torch.mm``, ``@``, ``addmm``, an optimizer or a manual update, ``randperm`` indexing or ``split``...),
with the student's own variable names, comments (French or English, or none), prints and logging, the
template's TODO comments kept or deleted. So two independent hand-ins share what the lab makes alike and
differ in the rest, as in a real class.

A copy (``copy_of``) keeps the *styles* of the original and changes what a copier changes cheaply:
every local name, the comments, the order of the functions and classes, the messages printed.

Used by benchmarks/similarity_study.py (the threshold) and tests/test_integrity_similarity.py.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parents[1] / "student_template"
NAMES = {  # placeholder -> the names students use for it
    "d": ["diff", "d", "delta", "err", "residu", "ecart", "e", "r"],
    "q": ["q", "n", "batch", "N", "taille", "nb", "m"],
    "g": ["grad", "g", "gy", "grad_yhat", "dyhat", "grad_pred"],
    "w": ["w", "W", "poids", "weights", "theta"],
    "b": ["b", "biais", "bias", "b0"],
    "loss": ["loss", "cout", "l", "erreur", "perte", "J"],
    "gw": ["grad_w", "gw", "dw", "grad_W", "dW", "dl_dw"],
    "gb": ["grad_b", "gb", "db", "dl_db", "dB"],
    "yp": ["yhat", "y_pred", "pred", "out", "sortie", "y_hat"],
    "i": ["i", "k", "idx", "j"],
    "perm": ["perm", "indices", "order", "idx_perm", "ordre"],
    "xb": ["xb", "x_batch", "bx", "xs", "X_b"],
    "yb": ["yb", "y_batch", "by", "ys", "Y_b"],
    "tr": ["train_losses", "losses_train", "hist_train", "train_loss"],
    "te": ["test_losses", "losses_test", "hist_test", "test_loss"],
    "opt": ["optimizer", "opt", "optim", "sgd"],
    "it": ["it", "i", "step", "epoch", "t"],
}
COMMENTS = {
    "fr": ["# calcul du gradient", "# mise à jour des paramètres", "# on calcule la loss", "# forward",
           "# backward", "# remise à zéro", "# on garde pour le backward", "# pas de gradient ici",
           "# boucle d'apprentissage", "# coût sur le test", "# tirage aléatoire", "# initialisation"],
    "en": ["# compute gradient", "# update params", "# compute loss", "# forward pass", "# backward pass",
           "# zero grads", "# save for backward", "# no grad here", "# training loop", "# test loss",
           "# shuffle", "# init"],
}

MSE_FORWARD = [
    "{q} = yhat.shape[0]\nreturn ((yhat - y) ** 2).sum() / {q}",
    "return torch.sum((yhat - y) ** 2) / yhat.size(0)",
    "{d} = yhat - y\nreturn ({d} * {d}).sum() / len(yhat)",
    "return torch.norm(yhat - y) ** 2 / yhat.shape[0]",
    "{q} = y.shape[0]\nreturn (yhat - y).pow(2).sum() / {q}",
    "return ((yhat - y) ** 2).sum(dim=1).mean()",
]
MSE_BACKWARD = [
    "{q} = yhat.shape[0]\n{g} = grad_output * 2 * (yhat - y) / {q}\nreturn {g}, -{g}",
    "{d} = yhat - y\nreturn 2 * {d} * grad_output / len(yhat), -2 * {d} * grad_output / len(yhat)",
    "{q} = y.size(0)\n{g} = 2.0 / {q} * (yhat - y) * grad_output\nreturn {g}, -1 * {g}",
    "{d} = (yhat - y) * 2 / yhat.shape[0]\nreturn grad_output * {d}, grad_output * (-{d})",
    "{g} = torch.mul(yhat - y, 2 * grad_output / yhat.shape[0])\nreturn {g}, torch.neg({g})",
]
LINEAR_FORWARD = [
    "ctx.save_for_backward(X, W, b)\nreturn X @ W + b",
    "ctx.save_for_backward(X, W, b)\nreturn torch.mm(X, W) + b",
    "ctx.save_for_backward(X, W, b)\nreturn X.matmul(W) + b",
    "ctx.save_for_backward(X, W, b)\nreturn torch.addmm(b, X, W)",
    "ctx.save_for_backward(X, W, b)\n{yp} = X.mm(W)\nreturn {yp} + b",
]
LINEAR_BACKWARD = [
    "X, W, b = ctx.saved_tensors\nreturn grad_output @ W.T, X.T @ grad_output, grad_output.sum(0).reshape(b.shape)",
    "X, W, b = ctx.saved_tensors\ngrad_X = torch.mm(grad_output, W.t())\ngrad_W = torch.mm(X.t(), grad_output)\n"
    "grad_b = torch.sum(grad_output, dim=0).view_as(b)\nreturn grad_X, grad_W, grad_b",
    "X, W, b = ctx.saved_tensors\n{gw} = X.transpose(0, 1) @ grad_output\n{gb} = grad_output.sum(dim=0)\n"
    "if b.dim() == 2:\n    {gb} = {gb}.unsqueeze(0)\nreturn grad_output @ W.transpose(0, 1), {gw}, {gb}",
    "X, W, b = ctx.saved_tensors\ndX = grad_output.matmul(W.T)\ndW = X.T.matmul(grad_output)\n"
    "dB = grad_output.sum(axis=0).reshape(b.shape)\nreturn dX, dW, dB",
]
GRADCHECK = [
    "X = torch.randn(10, 4, requires_grad=True, dtype=torch.float64)\n"
    "W = torch.randn(4, 3, requires_grad=True, dtype=torch.float64)\n"
    "b = torch.randn(3, requires_grad=True, dtype=torch.float64)\nprint(torch.autograd.gradcheck(linear, (X, W, b)))",
    "x = torch.randn(7, 5, dtype=torch.float64).requires_grad_()\nw = torch.randn(5, 2, dtype=torch.float64)"
    ".requires_grad_()\nb = torch.randn(2, dtype=torch.float64).requires_grad_()\n"
    "ok = torch.autograd.gradcheck(linear, (x, w, b), eps=1e-6, atol=1e-4)\nprint('Linear :', ok)",
    "args = tuple(torch.randn(*s, dtype=torch.double, requires_grad=True) for s in ((8, 3), (3, 2), (2,)))\n"
    "assert torch.autograd.gradcheck(linear, args)\nprint(True)",
]
DESCENTE = [
    "{w} = torch.randn(x.shape[1], y.shape[1])\n{b} = torch.randn(y.shape[1])\nlosses = []\n"
    "for {it} in range(n_iter):\n    c1, c2 = Context(), Context()\n    {yp} = Linear.forward(c1, x, {w}, {b})\n"
    "    {loss} = MSE.forward(c2, {yp}, y)\n    losses.append({loss}.item())\n"
    "    g_yp, _ = MSE.backward(c2, torch.tensor(1.0))\n    _, {gw}, {gb} = Linear.backward(c1, g_yp)\n"
    "    {w} = {w} - epsilon * {gw}\n    {b} = {b} - epsilon * {gb}\nreturn {w}, {b}, losses",
    "n, p = x.shape[1], y.shape[1]\n{w} = torch.randn(n, p)\n{b} = torch.zeros(p)\nlosses = []\n"
    "for _ in range(n_iter):\n    ctx_lin = Context()\n    ctx_mse = Context()\n"
    "    {loss} = MSE.forward(ctx_mse, Linear.forward(ctx_lin, x, {w}, {b}), y)\n    losses.append(float({loss}))\n"
    "    grad_yhat, grad_y = MSE.backward(ctx_mse, 1)\n    grad_x, {gw}, {gb} = Linear.backward(ctx_lin, grad_yhat)\n"
    "    {w} -= epsilon * {gw}\n    {b} -= epsilon * {gb}\n    print({loss}.item()) if False else None\nreturn {w}, {b}, losses",
    "{w} = torch.randn(x.size(1), y.size(1))\n{b} = torch.randn(y.size(1))\nlosses = []\n{it} = 0\n"
    "while {it} < n_iter:\n    ctx1 = Context()\n    ctx2 = Context()\n    {yp} = Linear.forward(ctx1, x, {w}, {b})\n"
    "    {loss} = MSE.forward(ctx2, {yp}, y)\n    losses.append({loss}.item())\n"
    "    grads = Linear.backward(ctx1, MSE.backward(ctx2, torch.ones(()))[0])\n"
    "    {w} = {w} - epsilon * grads[1]\n    {b} = {b} - epsilon * grads[2]\n    {it} += 1\nreturn {w}, {b}, losses",
]
INIT = "{w} = torch.randn(8, 1, requires_grad=True)\n{b} = torch.zeros(1, requires_grad=True)\n{tr}, {te} = [], []"
UPDATE = [
    "with torch.no_grad():\n    {w} -= epsilon * {w}.grad\n    {b} -= epsilon * {b}.grad\n{w}.grad.zero_()\n{b}.grad.zero_()",
    "with torch.no_grad():\n    {w}.sub_(epsilon * {w}.grad)\n    {b}.sub_(epsilon * {b}.grad)\n    {w}.grad = None\n"
    "    {b}.grad = None",
    "{opt}.step()\n{opt}.zero_grad()",
]
LOSS = ["{loss} = mse(linear({xb}, {w}, {b}), {yb})", "{yp} = linear({xb}, {w}, {b})\n{loss} = mse({yp}, {yb})",
        "{loss} = MSE.apply(Linear.apply({xb}, {w}, {b}), {yb})"]
RECORD = ["with torch.no_grad():\n    {tr}.append(mse(linear(x_train, {w}, {b}), y_train).item())\n"
          "    {te}.append(mse(linear(x_test, {w}, {b}), y_test).item())",
          "{tr}.append(float(mse(linear(x_train, {w}, {b}), y_train).detach()))\n"
          "{te}.append(float(mse(linear(x_test, {w}, {b}), y_test).detach()))"]
LOOPS = {
    "batch": ["{xb}, {yb} = x_train, y_train"],
    "sgd": ["for {i} in torch.randperm(len(x_train)):\n    {xb}, {yb} = x_train[{i}:{i} + 1], y_train[{i}:{i} + 1]",
            "{perm} = torch.randperm(x_train.shape[0])\nfor {i} in range(x_train.shape[0]):\n"
            "    {xb} = x_train[{perm}[{i}]].unsqueeze(0)\n    {yb} = y_train[{perm}[{i}]].unsqueeze(0)"],
    "minibatch": ["{perm} = torch.randperm(len(x_train))\nfor start in range(0, len(x_train), batch_size):\n"
                  "    sel = {perm}[start:start + batch_size]\n    {xb}, {yb} = x_train[sel], y_train[sel]",
                  "for sel in torch.randperm(x_train.size(0)).split(batch_size):\n"
                  "    {xb} = x_train[sel]\n    {yb} = y_train[sel]"],
}


@dataclass
class Student:
    """The choices that make a hand-in: styles (what a copier keeps), names and comments (what it changes)."""

    styles: dict = field(default_factory=dict)
    names: dict = field(default_factory=dict)
    lang: str = "fr"
    comment_rate: float = 0.3
    keep_todos: bool = True
    reorder: bool = False
    seed: int = 0
    quirks: dict = field(default_factory=dict)  # what makes a hand-in its author's own (kept by a copy)


def student(seed: int) -> Student:
    rng = random.Random(seed)
    styles = {"mse_f": rng.randrange(len(MSE_FORWARD)), "mse_b": rng.randrange(len(MSE_BACKWARD)),
              "lin_f": rng.randrange(len(LINEAR_FORWARD)), "lin_b": rng.randrange(len(LINEAR_BACKWARD)),
              "gc": rng.randrange(len(GRADCHECK)), "desc": rng.randrange(len(DESCENTE)),
              "update": rng.randrange(len(UPDATE)), "loss": rng.randrange(len(LOSS)),
              "record": rng.randrange(len(RECORD)), "sgd": rng.randrange(2), "mb": rng.randrange(2),
              "print_every": rng.choice([None, 10, 50])}
    return Student(styles, _names(rng), rng.choice(["fr", "en", "fr"]), rng.choice([0.0, 0.2, 0.5]),
                   rng.random() < 0.6, False, seed, _quirks(rng))


def _quirks(rng: random.Random) -> dict:
    """Numbers, checks, prints and experiments a student adds of their own accord."""
    dims = [rng.randint(2, 12) for _ in range(6)]
    return {"shapes": dims, "assert_mse": rng.random() < 0.3, "assert_lin": rng.random() < 0.3,
            "debug": rng.random() < 0.25, "main_tp1": rng.random() < 0.4, "seed": rng.choice([None, 0, 1, 42, 2024]),
            "swap": rng.random() < 0.5, "plot": rng.random() < 0.4,
            "epsilons": [rng.choice(["0.1", "0.05", "0.01", "0.3"]), rng.choice(["0.001", "0.0005", "0.002"]),
                         rng.choice(["0.05", "0.01", "0.02"])],
            "epochs": [rng.choice([100, 200, 300, 500]), rng.choice([1, 2, 3]), rng.choice([5, 10, 20])],
            "batch": rng.choice([16, 32, 64, 128]), "n_iter": rng.choice([100, 200, 500, 1000])}


def copy_of(original: Student, seed: int) -> Student:
    """A disguised copy: same styles, new names, new comments, functions reordered."""
    rng = random.Random(seed)
    names = _names(rng)
    for key, value in original.names.items():  # every name changes
        if names[key] == value:
            names[key] = value + "2"
    return Student(dict(original.styles), names, "en" if original.lang == "fr" else "fr",
                   rng.choice([0.0, 0.3, 0.6]), not original.keep_todos, True, seed, dict(original.quirks))


def _names(rng: random.Random) -> dict:
    return {k: rng.choice(v) for k, v in NAMES.items()}


# ---------------------------------------------------------------- rendering a hand-in

def _fill(code: str, s: Student, rng: random.Random) -> str:
    code = code.format(**s.names)
    if s.comment_rate:
        lines = []
        for line in code.split("\n"):
            if line.strip() and not line.strip().startswith(("else", "elif")) and rng.random() < s.comment_rate:
                lines.append(line[: len(line) - len(line.lstrip())] + rng.choice(COMMENTS[s.lang]))
            lines.append(line)
        code = "\n".join(lines)
    return code


def _indent(code: str, n: int) -> str:
    return "".join(" " * n + line + "\n" if line.strip() else "\n" for line in code.split("\n"))


def _replace(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new)


def _tp1(s: Student, rng: random.Random) -> str:
    text = (TEMPLATE / "tp1.py").read_text(encoding="utf-8")
    bodies = {"MSE.forward": MSE_FORWARD[s.styles["mse_f"]], "MSE.backward": MSE_BACKWARD[s.styles["mse_b"]],
              "Linear.forward": LINEAR_FORWARD[s.styles["lin_f"]],
              "Linear.backward": LINEAR_BACKWARD[s.styles["lin_b"]]}
    qk = s.quirks
    if qk.get("assert_mse"):
        bodies["MSE.forward"] = "assert yhat.shape == y.shape, 'shapes'\n" + bodies["MSE.forward"]
    if qk.get("assert_lin"):
        bodies["Linear.forward"] = "assert X.shape[1] == W.shape[0]\n" + bodies["Linear.forward"]
    if qk.get("debug"):
        bodies["MSE.backward"] = "print('backward mse', yhat.shape, grad_output)\n" + bodies["MSE.backward"]
    for where, body in bodies.items():
        text = _replace(text, f'        raise NotImplementedError("TODO: {where}")\n', _indent(_fill(body, s, rng), 8))
    if qk.get("main_tp1"):
        a, b, c = qk["shapes"][:3]
        text += (f"\n\nif __name__ == '__main__':\n    x = torch.randn({a}, {b})\n    w = torch.randn({b}, {c})\n"
                 f"    bb = torch.randn({c})\n    out = linear(x, w, bb)\n    print(out.shape)\n"
                 f"    print(mse(out, torch.zeros({a}, {c})))\n")
    if s.reorder:  # Linear before MSE
        start, middle, end = text.index("class MSE("), text.index("class Linear("), text.index("## Utile dans")
        text = text[:start] + text[middle:end] + text[start:middle] + text[end:]
    return text


def _loop(kind: str, s: Student, rng: random.Random) -> str:
    st = s.styles
    step = LOSS[st["loss"]] + "\n{loss}.backward()\n" + UPDATE[st["update"]]
    head = LOOPS[kind][0 if kind == "batch" else st["sgd" if kind == "sgd" else "mb"]]
    inner = head + "\n" + step if kind == "batch" else head + "\n" + _indent(step, 4).rstrip("\n")
    body = "for {it} in range(n_epochs):\n" + _indent(inner, 4) + _indent(RECORD[st["record"]], 4)
    if st["print_every"]:
        body += _indent(f"if {{it}} % {st['print_every']} == 0:\n    print({{it}}, {{tr}}[-1], {{te}}[-1])", 4)
    init = INIT + ("\n{opt} = torch.optim.SGD([{w}, {b}], lr=epsilon)" if st["update"] == 2 else "")
    return _fill(init + "\n" + body.rstrip("\n") + "\nreturn {w}, {b}, {tr}, {te}", s, rng)


def _autograd(s: Student, rng: random.Random) -> str:
    text = (TEMPLATE / "tp1_autograd.py").read_text(encoding="utf-8")
    for kind, fn in (("batch", "descente_batch"), ("sgd", "descente_stochastique"), ("minibatch", "descente_minibatch")):
        text = _replace(text, f'    raise NotImplementedError("TODO: {fn}")\n', _indent(_loop(kind, s, rng), 4))
    if s.styles["loss"] == 2:
        text = _replace(text, "from tp1 import linear, mse\n", "from tp1 import MSE, Linear, linear, mse\n")
    if s.reorder:  # minibatch, batch, stochastique
        a, b, c, end = [text.index(f"def descente_{n}(") for n in ("batch", "stochastique", "minibatch")] + \
            [text.index("# ----------")]
        text = text[:a] + text[c:end] + text[a:b] + text[b:c] + text[end:]
    return text


def _numbers(text: str, s: Student) -> str:
    """The student's own numbers in the template's experiments."""
    qk = s.quirks
    if not qk:
        return text
    for old, new in (("epsilon=0.1, n_epochs=200", f"epsilon={qk['epsilons'][0]}, n_epochs={qk['epochs'][0]}"),
                     ("epsilon=0.001, n_epochs=2", f"epsilon={qk['epsilons'][1]}, n_epochs={qk['epochs'][1]}"),
                     ("epsilon=0.05, n_epochs=10, batch_size=32",
                      f"epsilon={qk['epsilons'][2]}, n_epochs={qk['epochs'][2]}, batch_size={qk['batch']}"),
                     ("epsilon=0.05, n_iter=100)", f"epsilon=0.05, n_iter={qk['n_iter']})"),
                     ("torch.manual_seed(0)", f"torch.manual_seed({qk['seed'] or 0})")):
        text = text.replace(old, new)
    return text


def render(s: Student) -> dict[str, str]:
    """The hand-in's files: name -> text."""
    rng = random.Random(s.seed * 7919 + 1)
    files = {"tp1.py": _tp1(s, rng), "tp1_autograd.py": _autograd(s, rng)}
    text = (TEMPLATE / "tp1_descente.py").read_text(encoding="utf-8")
    files["tp1_descente.py"] = _replace(text, '    raise NotImplementedError("TODO: descente")\n',
                                        _indent(_fill(DESCENTE[s.styles["desc"]], s, rng), 4))
    text = (TEMPLATE / "tp1_gradcheck.py").read_text(encoding="utf-8")
    files["tp1_gradcheck.py"] = _replace(text, "    ##  TODO:  Test du gradient de Linear (sur le même modèle que MSE)\n",
                                         _indent(_fill(GRADCHECK[s.styles["gc"]], s, rng), 4))
    qk = s.quirks
    if qk:
        gc = files["tp1_gradcheck.py"]
        a, b, c = qk["shapes"][3:]
        for old, new in (("(10, 4", f"({a}, {b}"), ("(4, 3", f"({b}, {c}"), ("randn(3,", f"randn({c},"),
                         ("(7, 5", f"({a}, {b}"), ("(5, 2", f"({b}, {c}"), ("randn(2,", f"randn({c},"),
                         ("((8, 3), (3, 2), (2,))", f"(({a}, {b}), ({b}, {c}), ({c},))")):
            gc = gc.replace(old, new)
        if qk["seed"] is not None:
            gc = gc.replace("def main():\n", f"def main():\n    torch.manual_seed({qk['seed']})\n")
        files["tp1_gradcheck.py"] = gc
        if qk["plot"]:
            files["tp1_descente.py"] += ("\n    import matplotlib.pyplot as plt\n    plt.plot(losses)\n"
                                         "    plt.xlabel('iteration')\n    plt.savefig('loss.png')\n")
        files = {n: _numbers(t, s) for n, t in files.items()}
    if not s.keep_todos:
        files = {n: re.sub(r"^\s*##?\s*TODO.*\n", "", t, flags=re.M) for n, t in files.items()}
    return files


def write(folder: Path, s: Student) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in render(s).items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def make_class(root: Path, n_independent: int, copies: int = 1, seed: int = 0) -> list[tuple[str, str]]:
    """``n_independent`` hand-ins plus ``copies`` disguised copies of the first ones; returns the copied
    pairs (original, copy) by folder name."""
    pairs = []
    for k in range(n_independent):
        write(root / f"student{k:03d}", student(seed * 100_003 + k))
    for k in range(copies):
        original = student(seed * 100_003 + k)
        write(root / f"copier{k:03d}", copy_of(original, seed * 100_003 + 50_000 + k))
        pairs.append((f"student{k:03d}", f"copier{k:03d}"))
    return pairs
