"""Correct hand-ins written in the styles real students use with optional libraries.

Each style rewrites ``reference/tp1_autograd.py``: the same three descents (so the hand-in deserves
full marks), with progress bars, plots, metrics or logging around them. ``style.text()`` is the
rewritten file; ``style.mutant()`` the same file with a real mistake from the diagnosis catalogue
(tests/test_diagnoses.py: ``TRAINING``), which must still fail with its own hint.
"""

from __future__ import annotations

from dataclasses import dataclass

from conftest import REFERENCE

AUTOGRAD = (REFERENCE / "tp1_autograd.py").read_text()
IMPORTS = "import torch\n\nfrom tp1 import linear, mse\n"
EPOCH = "    for _ in range(n_epochs):\n"
AFTER = "        test_losses.append(_evaluer(w, b, x_test, y_test))\n"
SGD_INNER = "        for i in torch.randperm(len(x_train)).tolist():\n"
MB_INNER = "        for debut in range(0, len(x_train), batch_size):\n"
RETURN = "    return w, b, train_losses, test_losses\n"
EVALUATE = "    return mse(linear(x, w, b), y).item()\n"

for _marker in (IMPORTS, EPOCH, AFTER, SGD_INNER, MB_INNER, RETURN, EVALUATE):
    assert _marker in AUTOGRAD, f"{_marker!r} is no longer in reference/tp1_autograd.py"


@dataclass(frozen=True)
class Style:
    name: str
    libraries: tuple[str, ...]  # the optional libraries it imports (each warned about when it is a stand-in)
    imports: str
    mistake: str  # a diagnosis of tests/test_diagnoses.py TRAINING
    epoch: str | None = None  # replaces "for _ in range(n_epochs):" (a line, or several)
    wrap: str | None = None  # a `with` opener around each epoch loop
    after: tuple[str, ...] = ()  # after each epoch's losses
    before_return: tuple[str, ...] = ()
    sgd_inner: str | None = None
    mb_inner: str | None = None
    evaluate: str | None = None

    def text(self) -> str:
        text = AUTOGRAD.replace(IMPORTS, IMPORTS + self.imports)
        pad = ""
        if self.wrap:
            text = _wrap_epoch_loops(text, self.wrap)
            pad = "    "
        if self.epoch:
            text = text.replace(pad + EPOCH, "".join(f"    {pad}{line}\n" for line in self.epoch.splitlines()))
        if self.after:
            text = text.replace(pad + AFTER, pad + AFTER + "".join(f"        {pad}{line}\n" for line in self.after))
        if self.before_return:
            text = text.replace(RETURN, "".join(f"    {line}\n" for line in self.before_return) + RETURN)
        for old, new in ((SGD_INNER, self.sgd_inner), (MB_INNER, self.mb_inner)):
            if new:
                text = text.replace(pad + old, f"        {pad}{new}\n")
        if self.evaluate:
            text = text.replace(EVALUATE, f"    {self.evaluate}\n")
        return text

    def mutant(self) -> str:
        from test_diagnoses import TRAINING

        text = self.text()
        for old, new in TRAINING[self.mistake][2]["tp1_autograd"]:
            assert old in text, f"{self.name}: {old!r} is not in the rewritten file"
            text = text.replace(old, new)
        return text


def _wrap_epoch_loops(text: str, opener: str) -> str:
    """Each ``for _ in range(n_epochs):`` loop, down to the ``return``, one level deeper under ``opener``."""
    out, inside = [], False
    for line in text.splitlines(keepends=True):
        if line == EPOCH:
            out.append(f"    {opener}\n")
            inside = True
        elif line == RETURN:
            inside = False
        out.append("    " + line if inside and line.strip() else line)
    return "".join(out)


STYLES = (
    Style("tqdm_object", ("tqdm",), "from tqdm import tqdm\n", "train.wrong_sign",
          epoch='pbar = tqdm(range(n_epochs), desc="epochs")\nfor _ in pbar:',
          after=("pbar.set_postfix(train=train_losses[-1], test=test_losses[-1])",
                 'pbar.set_description(f"epoch {len(train_losses)}")')),
    Style("tqdm_context", ("tqdm",), "from tqdm import tqdm\n", "train.grad_none",
          wrap='with tqdm(total=n_epochs, desc="epochs", leave=False) as pbar:',
          after=("pbar.update(1)", 'tqdm.write(f"train {train_losses[-1]:.4f}")')),
    Style("tqdm_autonotebook", ("tqdm",), "from tqdm.autonotebook import tqdm\n", "train.no_update",
          epoch="for _ in tqdm(range(n_epochs)):",
          sgd_inner="for i in tqdm(torch.randperm(len(x_train)).tolist(), leave=False):",
          mb_inner="for debut in tqdm(range(0, len(x_train), batch_size), leave=False):"),
    Style("tqdm_trange_write", ("tqdm",), "from tqdm import tqdm, trange\n", "train.grads_accumulate",
          epoch='for _ in trange(n_epochs, desc="epochs"):',
          after=('tqdm.write(f"test {test_losses[-1]:.4f}")',)),
    Style("tqdm_auto_notebook", ("tqdm",),
          "from tqdm.auto import tqdm\nfrom tqdm.notebook import tqdm as tqdm_nb, trange as tnrange\n",
          "train.wrong_sign",
          epoch="for _ in tqdm(range(n_epochs)):",
          sgd_inner="for i in tqdm_nb(torch.randperm(len(x_train)).tolist()):",
          mb_inner="for debut in tnrange(0, len(x_train), batch_size, leave=False):"),
    Style("tqdm_contrib", ("tqdm",), "from tqdm.contrib import tenumerate\n", "train.diverged",
          epoch='for epoch, _ in tenumerate(range(n_epochs), desc="epochs"):',
          mb_inner="for _, debut in tenumerate(range(0, len(x_train), batch_size), leave=False):",
          after=("import tqdm  # inside the function: imported at call time",
                 'tqdm.tqdm.write(f"epoch {epoch}: {train_losses[-1]:.4f}")')),
    Style("matplotlib", ("matplotlib",), "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n",
          "train.wrong_sign",
          epoch="fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8, 3))\nline, = ax1.plot([], [], label='train')\n"
                "for _ in range(n_epochs):",
          after=("line.set_data(range(len(train_losses)), train_losses)", "ax1.relim()", "plt.pause(0.001)"),
          before_return=("curve, = plt.plot(test_losses, 'r--')", "fig2, axes = plt.subplots(2, 2)",
                         "for ax in axes.flat:", "    ax.grid(True)", "axes[1, 1].semilogy(train_losses)",
                         "ax2.legend()", "fig.savefig('courbes.png')", "plt.close('all')")),
    Style("sklearn_metric", ("pandas",),
          "import pandas as pd\nfrom sklearn.metrics import mean_squared_error\n", "train.update_outside_no_grad",
          evaluate="return float(mean_squared_error(y.numpy(), linear(x, w, b).numpy()))",
          after=('historique = pd.DataFrame({"train": train_losses, "test": test_losses})',)),
    Style("logging", ("icecream", "seaborn"),
          "from torch.utils.tensorboard import SummaryWriter\nfrom icecream import ic\nimport seaborn as sns\n"
          "sns.set_theme()\n", "train.wrong_sign",
          epoch="writer = SummaryWriter(comment='descente')\nfor _ in range(n_epochs):",
          after=("writer.add_scalar('loss/train', train_losses[-1], len(train_losses))",
                 "writer.add_scalars('loss', {'train': train_losses[-1], 'test': test_losses[-1]}, len(train_losses))",
                 "ic(len(train_losses))"),
          before_return=("writer.add_histogram('w', w, n_epochs)", "writer.close()")),
)
