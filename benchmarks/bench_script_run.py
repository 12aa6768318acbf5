"""What recording a script-style descent costs (descent.manual, script form): the lab's script run plainly
vs. run by ``grader/sandbox/script_run.py`` (profile hook, state copies), in this process, medians.

    .venv/bin/python benchmarks/bench_script_run.py [N_RUNS]
"""

from __future__ import annotations

import importlib.util
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _runtime(name):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "grader" / "sandbox" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(runs: int = 15) -> None:
    import torch

    torch.set_num_threads(1)  # as in the student process

    folder = Path(tempfile.mkdtemp()).resolve()
    shutil.copy(ROOT / "reference" / "tp1.py", folder / "tp1.py")
    script = (ROOT / "submissions" / "lea" / "tp1_descente.py").read_text().replace("print(", "(")
    (folder / "script.py").write_text(script)
    stand_ins = _runtime("stubs").install(str(folder))
    sys.path.insert(0, str(folder))
    run = _runtime("script_run").run
    code = compile(script, str(folder / "script.py"), "exec")
    plain, recorded = [], []
    for _ in range(runs):
        start = time.perf_counter()
        exec(code, {"__name__": "__main__", "__builtins__": stand_ins.builtins})
        plain.append(time.perf_counter() - start)
        start = time.perf_counter()
        run(str(folder / "script.py"), str(folder), stand_ins, lambda exc, sub: {"type": type(exc).__name__})
        recorded.append(time.perf_counter() - start)
    print(f"lab script (100 iterations, x (50, 13)), {runs} runs, medians: plain "
          f"{statistics.median(plain) * 1e3:.1f} ms, recorded {statistics.median(recorded) * 1e3:.1f} ms")
    shutil.rmtree(folder)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
