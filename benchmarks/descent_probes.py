"""The probes that establish gradient descent (issue 17): every correct loop passes, every cheat fails.

Study script, run by hand (~10 min on the loaded 2-core build machine, one thread):

    .venv/bin/python benchmarks/descent_probes.py                 # 20 seeds, the three loops and descente
    .venv/bin/python benchmarks/descent_probes.py --seeds 5 --loops sgd --only replacement

For each training loop of ``benchmarks/student_loops.py`` (correct ones written
several ways -- w randn or zeros, b randn or zeros, the lab's 1/q or ``.mean()``,
with or without shuffling, rows sampled with replacement, ``DataLoader``,
``torch.optim.SGD`` --, the typical buggy ones, and the cheats of issue 17) and
for student-style ``descente`` loops, on torch seeds 0..N-1, it makes the two
probe calls exactly as the grader does (:func:`grader.checks.probes.plan`: the
rows, one epoch or iteration, ``epsilon = 0`` then ``STEP / c``; the same seed
before each call) and judges them with the grader's own code
(:func:`grader.checks.probes.measure` and :func:`~grader.checks.probes.problem`),
so it checks the shipped settings, not a copy of them.

Columns: ``ratio`` = |Δθ| / (epsilon · c · |∇L(θ0)|) and ``cosine`` of Δθ with
−∇L(θ0) (min..max over seeds), ``init×`` = MSE at epsilon = 0 over the
least-squares optimum of the probe rows (min over seeds), ``ok`` = seeds on which
descent is established, and the median wall time of one probe call.

FINDINGS (torch 2.13 CPU, Python 3.11, 20 seeds, measured 2026-11-30 on the loaded 2-core build machine)

    loop        correct loops, worst            rows sampled with replacement    best cheat
                (ratio; cosine; init×)          (ratio; cosine)                  (ratio, or init× at epsilon = 0)
    batch       1.0000..1.0000; 1.000000; 12.6  -                                ratio 381 / init× 1.0
    sgd         0.9983..0.9991; 1.000000; 13.4  0.8154..1.0899; 0.965123         ratio 353 / init× 1.0
    minibatch   0.9984..0.9991; 1.000000; 13.4  0.8156..1.0898; 0.965131         ratio 353 / init× 1.0
    descente    1.0000 (lab), 0.3333 (mean);    -                                ratio 420 / init× 1.0
                1.000000; 46.8

- Correct loops that visit every row once per epoch (permutation, no shuffling,
  ``x_train[i]`` rows, DataLoader, torch.optim.SGD) step as predicted: the batch
  step is exact (ratio 1.0000); SGD/mini-batch deviate by the second-order term,
  ~0.1 % at epsilon · c = 1e-3. Every correct loop is established on every seed.
- Rows sampled with replacement (SGD, mini-batch): each epoch sees a random
  multiset of the rows, so the step is the gradient of that sample: ratio 0.815
  to 1.090, cosine >= 0.965 (on 1,024 rows, measured separately: 0.89 to 1.17, no
  better). Hence the SGD/mini-batch bounds: ratio 1/1.5 to 1.5, cosine >= 0.9.
- Cheats: the closed form that ignores epsilon returns the optimum at
  epsilon = 0 (init× 1.0, against >= 12.6 for every correct loop); the closed
  form that returns its random start at epsilon = 0 "steps" by a ratio of 353 to
  735 (cosine 0.72 to 0.97: the cosine alone would not catch it). No cheat is
  established on any seed. The RESIDUAL loop, which runs a real descent on calls
  that look like probes, is established on 20/20 seeds: by design, the limit the
  README states.
- Buggy loops (they fail their final MSE; the diagnosis reads these numbers):
  wrong sign cosine -1; update on a copy ratio 0; bias never updated cosine 0.46
  to 0.92 with b unchanged (established on 3/20 SGD and mini-batch seeds by the
  loose bounds, but its MSE is x11 the optimum and it gets train.bias_not_updated);
  loss summed ratio = rows per step (31 for batches of 32, 16,512 for batch);
  gradients never zeroed or zeroed once per epoch ratio 8 to 246; first batch
  only ratio 0.04 to 0.10. Batch "grads never zeroed" is invisible in one step
  (the first step is right): the full-data replay names it.
- Cost of one probe call (median, loaded machine): batch 0.006-0.016 s, SGD on 512
  rows 0.18-0.40 s, mini-batch 0.008-0.03 s, descente 0.001-0.004 s.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from grader import data as gd  # noqa: E402
from grader.checks import probes  # noqa: E402
from grader.config import GradingConfig  # noqa: E402
from student_loops import Variant, all_variants, cheats  # noqa: E402

SHIPPED = GradingConfig()
BATCH_SIZE = SHIPPED.minibatch.batch_size


def _numpy(result, n: int, p: int) -> tuple[np.ndarray, np.ndarray]:
    w, b = result[0], result[1]
    return (w.detach().to(torch.float64).numpy().reshape(n, p), b.detach().to(torch.float64).numpy().reshape(p))


def probe_loop(split, tensors, variant: Variant, seed: int) -> tuple[dict, str | None, float]:
    """The grader's two probe calls on a ``train.*`` loop: (evidence, problem, seconds per call)."""
    plan = probes.plan(variant.loop, split.n_train, BATCH_SIZE)
    x, y = tensors[0][: plan.rows], tensors[1][: plan.rows]
    extra = (BATCH_SIZE,) if variant.loop == "minibatch" else ()
    results, start = [], time.perf_counter()
    for epsilon in (0.0, plan.epsilon):
        torch.manual_seed(seed)
        results.append(_numpy(variant.fn(x, y, tensors[2], tensors[3], epsilon, 1, *extra), 8, 1))
    seconds = (time.perf_counter() - start) / 2
    evidence = probes.measure(x.numpy(), y.numpy(), results[0], results[1], plan.epsilon, plan.constant)
    return evidence, probes.problem(evidence, plan.tolerance), seconds


# ---------------------------------------------------------------------------------------
# descente (tp1_descente.py): student-style manual loops and cheats, without the student's Functions
# ---------------------------------------------------------------------------------------


def descente(x, y, epsilon, n_iter, *, init="randn", norm="lab", bug=None, after=False, cheat=None):
    n, p = x.shape[1], y.shape[1]
    if cheat == "probe_aware" and (epsilon == 0 or n_iter == 1):
        cheat = None  # a real descent where the grader looks
    if cheat == "initial_at_zero" and epsilon == 0:
        return torch.randn(n, p), torch.randn(p), [1.0]
    if cheat is not None:
        design = torch.cat([x, torch.ones(x.shape[0], 1)], dim=1)
        solution = torch.linalg.lstsq(design, y).solution
        return solution[:-1], solution[-1], [1.0 / (k + 1) for k in range(n_iter)]
    w, b = (torch.randn(n, p), torch.randn(p)) if init == "randn" else (torch.zeros(n, p), torch.zeros(p))
    q = x.shape[0] * (p if norm == "mean" else 1)
    losses = []
    for _ in range(n_iter):
        residual = x @ w + b - y
        losses.append(float((residual ** 2).sum() / q))
        grad_w, grad_b = 2 * x.T @ residual / q, 2 * residual.sum(0) / q
        sign = -1 if bug == "wrong_sign" else 1
        if bug != "no_update":
            w, b = w - sign * epsilon * grad_w, b - sign * epsilon * grad_b
    if after:
        losses.append(float(((x @ w + b - y) ** 2).sum() / q))
    return w, b, losses


MANUAL = [
    ("lab MSE, w b randn (reference)", True, {}),
    ("lab MSE, zeros", True, {"init": "zeros"}),
    ("lab MSE, losses after the update too", True, {"after": True}),
    ("element mean (accepted unless strict)", True, {"norm": "mean"}),
    ("BUG wrong sign", False, {"bug": "wrong_sign"}),
    ("BUG no update", False, {"bug": "no_update"}),
    ("CHEAT closed form, epsilon ignored", False, {"cheat": "ignore_epsilon"}),
    ("CHEAT closed form, initial parameters when epsilon == 0", False, {"cheat": "initial_at_zero"}),
    ("RESIDUAL closed form, real descent when n_iter == 1", False, {"cheat": "probe_aware"}),
]


def probe_manual(options: dict, seed: int) -> tuple[dict, str | None, float]:
    g = torch.Generator().manual_seed(1000 + seed)
    x = torch.randn(50, 13, generator=g)
    y = x @ torch.randn(13, 3, generator=g) + torch.randn(3, generator=g) + 0.5 * torch.randn(50, 3, generator=g)
    plan = probes.Plan("manual", 50, 1.0)
    results, start = [], time.perf_counter()
    for epsilon in (0.0, plan.epsilon):
        torch.manual_seed(seed)
        results.append(_numpy(descente(x, y, epsilon, 1, **options), 13, 3))
    seconds = (time.perf_counter() - start) / 2
    evidence = probes.measure(x.numpy(), y.numpy(), results[0], results[1], plan.epsilon, 1.0)
    return evidence, probes.problem(evidence, plan.tolerance, (1.0, 1 / 3)), seconds


# ---------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------


def _range(values: list[float | None], digits: int) -> str:
    finite = [v for v in values if v is not None and math.isfinite(v)]
    if not finite:
        return "-"
    low, high = min(finite), max(finite)
    fmt = (lambda v: f"{v:.{digits}f}") if max(abs(low), abs(high)) < 10 else (lambda v: f"{v:.4g}")
    return f"{fmt(low)}..{fmt(high)}"


def report_line(name: str, runs: list[tuple[dict, str | None, float]]) -> dict:
    ratios = [e["ratio"] for e, _, _ in runs]
    cosines = [e["cosine"] for e, _, _ in runs]
    init = min(e["initial_ratio"] for e, _, _ in runs)
    ok = sum(problem is None for _, problem, _ in runs)
    seconds = statistics.median(s for _, _, s in runs)
    print(f"  {name:<58} ratio {_range(ratios, 4):>17}  cosine {_range(cosines, 6):>19}  init× {init:>6.3g}"
          f"  ok {ok:>2}/{len(runs)}  {seconds:.3f} s/call", flush=True)
    return {"name": name, "ok": ok, "n": len(runs)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", help="cal_housing.data or .pkz (default: grader's search order)")
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--loops", default="batch,sgd,minibatch,manual")
    ap.add_argument("--only", help="run only the variants whose name contains this")
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    source = gd.find_data(args.data)
    split = gd.prepare(*gd.load_raw(source), seed=SHIPPED.split_seed, source=source)
    tensors = tuple(torch.from_numpy(np.array(a)) for a in (split.x_train, split.y_train, split.x_test, split.y_test))
    seeds = range(args.seeds)
    verdict = True
    for loop in args.loops.split(","):
        if loop == "manual":
            plan, variants = probes.Plan("manual", 50, 1.0), [(n, c, o) for n, c, o in MANUAL]
        else:
            plan = probes.plan(loop, split.n_train, BATCH_SIZE)
            variants = [(v.name, v.correct, v) for v in all_variants() + cheats() if v.loop == loop]
        tol = plan.tolerance
        print(f"\n{loop}: {plan.rows} rows, epsilon {plan.epsilon:.4g} (c = {plan.constant:g}); established when "
              f"ratio in [{tol.ratio_low:.3g}, {tol.ratio_high:.3g}], cosine >= {tol.cosine_min:g}, "
              f"init× >= {probes.MIN_INITIAL_RATIO:g}; seeds 0..{seeds.stop - 1}")
        for name, correct, what in variants:
            if args.only and args.only not in name:
                continue
            runs = [probe_manual(what, s) if loop == "manual" else probe_loop(split, tensors, what, s) for s in seeds]
            line = report_line(name, runs)
            if correct and line["ok"] < line["n"] or name.startswith("CHEAT") and line["ok"] > 0:
                verdict = False
                print("    ^ UNEXPECTED: a correct loop not established, or a cheat established")
    print("\nevery correct loop established and every cheat caught:", "yes" if verdict else "NO")
    return 0 if verdict else 1


if __name__ == "__main__":
    raise SystemExit(main())
