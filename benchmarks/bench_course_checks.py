"""What a course check costs (docs/course-checks.md#what-it-costs), as medians.

Usage:  .venv/bin/python benchmarks/bench_course_checks.py [--runs 5] [--checks 20]

One student session on ``reference/`` (sandbox level from GRADER_SANDBOX, default the strongest), loaded once;
then, each ``--runs`` times, in this process:

- ``collect``: collecting a folder of ``--checks`` course checks (``grader check`` does it once per run, for a
  whole class too);
- ``run, 1 empty check`` / ``run, N empty checks``: one ``pytest.main`` per hand-in with checks that do
  nothing: pytest's fixed cost per hand-in, and per check;
- ``run, N checks calling MSE.forward``: each check creates a Context and calls ``tp1.MSE.forward`` once in the
  student process, with ``assert_close``;
- ``direct, N proxy calls``: the same calls through the built-in checks' proxy without pytest, for comparison.

Prints the median wall time of each, and per check. Wall times move with the machine's load; compare rows of
the same run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

EMPTY = "def test_empty_{i}(student):\n    pass\n\n"
CALLING = ("def test_forward_{i}(student):\n"
           "    ctx = student.new('tp1.Context')\n"
           "    got = student.call('tp1.MSE.forward', ctx, torch.ones(4, 3, dtype=torch.float64), "
           "torch.zeros(4, 3, dtype=torch.float64))\n"
           "    assert_close(got, 3.0)\n\n")
HEADER = "import torch\nfrom grader.testing import assert_close\n\n"


def folder(root: Path, name: str, template: str, n: int) -> str:
    path = root / name
    path.mkdir()
    (path / "test_bench.py").write_text(HEADER + "".join(template.format(i=i) for i in range(n)))
    return str(path)


def median_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--checks", type=int, default=20)
    options = parser.parse_args()
    n, runs = options.checks, options.runs

    import torch

    from grader.config import GradingConfig
    from grader.coursechecks import bind, collect
    from grader.coursechecks.run import run_course_checks
    from grader.sandbox.isolation import sandbox_for
    from grader.sandbox.session import StudentSession
    from grader.sandbox.student import Student

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        one, empty, calling = (folder(root, "one", EMPTY, 1), folder(root, "empty", EMPTY, n),
                               folder(root, "calling", CALLING, n))
        base = GradingConfig(teacher=True)
        configs = {name: bind(replace(base, course_checks=(path,))) for name, path in
                   (("one", one), ("empty", empty), ("calling", calling))}
        with sandbox_for(base.sandbox, base.limits) as sandbox, \
                StudentSession(ROOT / "reference", base.load_timeout_s, None, sandbox) as session:
            session.begin_load()
            load = session.finish_load()

            def run(name: str):
                config = configs[name]
                results = run_course_checks(config.course_suite, session, config, load)
                assert all(r.passed for r in results), [(r.id, r.message) for r in results if not r.passed]

            def direct():
                student = Student(session, 20.0)
                for _ in range(n):
                    student.call("tp1.MSE.forward", student.new("tp1.Context"),
                                 torch.ones(4, 3, dtype=torch.float64), torch.zeros(4, 3, dtype=torch.float64))

            rows = [("collect, %d checks" % n, median_time(lambda: collect([calling]), runs), n),
                    ("run, 1 empty check", median_time(lambda: run("one"), runs), 1),
                    (f"run, {n} empty checks", median_time(lambda: run("empty"), runs), n),
                    (f"run, {n} checks calling MSE.forward", median_time(lambda: run("calling"), runs), n),
                    (f"direct, {n} proxy calls (no pytest)", median_time(direct, runs), n)]
        print(f"sandbox {sandbox.level}, {runs} runs, medians")
        print(f"{'':42} {'total':>9} {'per check':>10}")
        for label, total, count in rows:
            print(f"{label:42} {total * 1000:7.1f} ms {total / count * 1000:7.2f} ms")


if __name__ == "__main__":
    main()
