"""Where to put the similarity threshold: score distribution of independent pairs vs disguised copies.

    .venv/bin/python benchmarks/similarity_study.py [--classes 10] [--size 100] [--copies 10]

Builds ``--classes`` synthetic classes (benchmarks/tp1_generator.py) of ``--size`` correct hand-ins written
independently in the styles real students use, plus ``--copies`` disguised copies each (every name
changed, comments changed, functions and classes reordered, TODO comments kept or deleted the other
way), removes the handout (student_template/) and scores every pair with grader.integrity.similarity.
It prints the distribution of the scores of independent pairs and of copied pairs, and how many of each
a threshold would flag. docs/integrity.md quotes its output.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

import tp1_generator as gen  # noqa: E402

from grader.integrity.fingerprint import handout_hashes  # noqa: E402
from grader.integrity.similarity import compare, of_class  # noqa: E402
from grader.integrity.sources import read_sources  # noqa: E402


def one_class(seed: int, size: int, copies: int) -> tuple[list[float], list[float]]:
    """(independent pair scores, copied pair scores) of one class (every pair, floor 0)."""
    handins = [(f"s{k}", list(gen.render(gen.student(seed * 100_003 + k)).items())) for k in range(size)]
    copied = set()
    for k in range(copies):
        original = gen.student(seed * 100_003 + k)
        handins.append((f"c{k}", list(gen.render(gen.copy_of(original, seed * 100_003 + 50_000 + k)).items())))
        copied.add((f"c{k}", f"s{k}"))
    boiler = handout_hashes(read_sources(ROOT / "student_template"))
    result = compare(of_class(handins, boiler), threshold=1.1, floor=0.0, with_regions=False)
    scores = {(p.a, p.b): p.score for p in result.pairs}
    independent, copy = [], []
    names = [n for n, _ in handins]
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            key = (min(a, b), max(a, b))
            score = scores.get(key, 0.0)
            if key in copied:
                copy.append(score)
            elif not (a.startswith("c") or b.startswith("c")):
                independent.append(score)
    return independent, copy


def quantile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--classes", type=int, default=10)
    parser.add_argument("--size", type=int, default=100)
    parser.add_argument("--copies", type=int, default=10)
    opts = parser.parse_args()
    independent, copy = [], []
    t0 = time.perf_counter()
    for seed in range(opts.classes):
        a, b = one_class(seed, opts.size, opts.copies)
        independent += a
        copy += b
    print(f"{opts.classes} classes of {opts.size} independent hand-ins + {opts.copies} disguised copies "
          f"({time.perf_counter() - t0:.1f} s)")
    print(f"independent pairs: {len(independent)}; copied pairs: {len(copy)}")
    for label, values in (("independent", independent), ("copied", copy)):
        qs = ", ".join(f"p{int(q * 1000) / 10:g} {quantile(values, q):.3f}" for q in (0.5, 0.9, 0.99, 0.999))
        print(f"  {label:>11}: min {min(values):.3f}  median {statistics.median(values):.3f}  {qs}  "
              f"max {max(values):.3f}")
    print("threshold  independent flagged  copies flagged")
    for t in (0.3, 0.4, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85):
        print(f"  {t:.2f}     {sum(v >= t for v in independent):>6} / {len(independent)}"
              f"      {sum(v >= t for v in copy):>4} / {len(copy)}")


if __name__ == "__main__":
    main()
