"""What similarity adds to a class run: read every hand-in's code, fingerprint it, compare every pair,
write similarity.json and the code files.

    .venv/bin/python benchmarks/bench_similarity.py [--size 100] [--repeat 5]

A class of ``--size`` generated hand-ins (benchmarks/tp1_generator.py, a few disguised copies among
them) is written to a temporary folder; the whole similarity step of a class run
(grader.integrity.classrun.for_class + similarity.json) is timed ``--repeat`` times. Prints the median
wall-clock and CPU times (it runs in one thread of the grader's process, after the grading).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

import tp1_generator as gen  # noqa: E402

from grader.config import GradingConfig  # noqa: E402
from grader.integrity.classrun import for_class  # noqa: E402
from grader.reporters import similarity as report  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    opts = parser.parse_args()
    config = GradingConfig(handout=str(ROOT / "student_template"))
    with tempfile.TemporaryDirectory() as tmp:
        klass, out = Path(tmp) / "class", Path(tmp) / "out"
        copies = max(1, opts.size // 20)
        gen.make_class(klass, opts.size - copies, copies)
        handins = [(p.name, p.name, p) for p in sorted(klass.iterdir())]
        walls, cpus = [], []
        for _ in range(opts.repeat):
            w0, c0 = time.perf_counter(), time.process_time()
            result = for_class(handins, config, out / "students")
            report.write_json(result, out / report.FILE)
            walls.append(time.perf_counter() - w0)
            cpus.append(time.process_time() - c0)
        lines = sum(t.count("\n") for p in klass.rglob("*.py") for t in [p.read_text()])
    print(f"{len(handins)} hand-ins ({lines} lines of code), {result.n_pairs} pairs, "
          f"{len(result.flagged)} flagged; {opts.repeat} runs")
    print(f"median wall {statistics.median(walls):.2f} s (min {min(walls):.2f}), "
          f"median CPU {statistics.median(cpus):.2f} s (min {min(cpus):.2f})")


if __name__ == "__main__":
    main()
